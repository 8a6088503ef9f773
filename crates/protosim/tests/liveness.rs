//! The liveness verdict as a user relies on it: judged in every stretch in which the protocol's needs are met, not
//! only after a final heal; a late answer or a missing one breaks it; stretches that do not meet the needs are not
//! judged.

use protosim::liveness::{LivenessJudge, LivenessVerdict};
use protosim::scenario::{Action, Intervention, LinkSettings, Scenario};

fn raft(interventions: Vec<(u64, Action)>) -> Scenario {
    Scenario {
        protocol: protosim::protocols::raft::KIND,
        nodes: 5,
        until_ms: 30_000,
        interventions: interventions
            .into_iter()
            .map(|(ms, action)| Intervention { at_us: ms * 1000, action })
            .collect(),
        ..Scenario::default()
    }
}

const S: u64 = 1_000_000;

#[test]
fn an_answer_later_than_the_bound_breaks_liveness_and_a_timely_one_holds() {
    let s = raft(vec![]);
    let mut j = LivenessJudge::new(&s);
    j.submit(1, S);
    j.answer(1, S + 300_000);
    let r = j.clone().finish(30 * S);
    assert_eq!(r.verdict, LivenessVerdict::Held);
    assert_eq!((r.judged, r.slowest_ms, r.bound_ms), (1, 300, Some(6_000)));

    j.submit(2, 2 * S);
    j.answer(2, 9 * S);
    let r = j.finish(30 * S);
    assert_eq!(r.verdict, LivenessVerdict::Broken, "{}", r.describe());
    assert!(r.describe().contains("checkout #2"), "{}", r.describe());
    let late = r.first_late.unwrap();
    assert_eq!((late.request_id, late.judged_from_us, late.answered_us), (2, 2 * S, Some(9 * S)));
}

#[test]
fn a_checkout_never_answered_breaks_liveness_unless_the_run_ends_within_the_bound() {
    let s = raft(vec![]);
    let mut j = LivenessJudge::new(&s);
    j.submit(1, S);
    assert_eq!(j.clone().finish(4 * S).verdict, LivenessVerdict::NotApplicable, "the run ended too soon to judge");
    let r = j.finish(8 * S);
    assert_eq!(r.verdict, LivenessVerdict::Broken);
    assert_eq!(r.first_late.unwrap().answered_us, None);
}

/// With a majority down nothing is judged; from the moment a majority is back, the wait is judged from then.
#[test]
fn liveness_is_judged_from_the_moment_the_quorum_is_back() {
    let crash = |node| Action::Crash { node };
    let s = raft(vec![(1_000, crash(0)), (1_000, crash(1)), (1_000, crash(2)), (10_000, Action::Restart { node: 2 })]);
    let mut j = LivenessJudge::new(&s);
    j.submit(1, 2 * S); // during the outage
    j.answer(1, 13 * S); // 3 s after the quorum is back: in time
    j.submit(2, 3 * S);
    j.answer(2, 17 * S); // 7 s after: late
    let r = j.finish(30 * S);
    assert_eq!(r.verdict, LivenessVerdict::Broken, "{}", r.describe());
    let late = r.first_late.unwrap();
    assert_eq!((late.request_id, late.submitted_us, late.judged_from_us), (2, 3 * S, 10 * S));

    // Two servers down is still a majority up: judged at once, as in the report that led to this check.
    let s = raft(vec![(0, crash(0)), (0, crash(1))]);
    let mut j = LivenessJudge::new(&s);
    j.submit(1, S);
    j.answer(1, 8 * S);
    assert_eq!(j.finish(30 * S).verdict, LivenessVerdict::Broken);
}

#[test]
fn partitions_lossy_links_and_a_down_shopper_are_not_judged() {
    let lossy = LinkSettings { loss: 0.3, ..LinkSettings::default() };
    for fault in [
        Action::Partition { groups: vec![vec![0, 1]] },
        Action::Cut { from: 0, to: 5 },
        Action::SetNetwork { link: None, settings: lossy },
        Action::Crash { node: 6 },
    ] {
        let s = raft(vec![(1_000, fault.clone()), (20_000, Action::Heal), (20_000, Action::Restart { node: 6 })]);
        let s = Scenario {
            interventions: {
                let mut iv = s.interventions.clone();
                iv.push(Intervention {
                    at_us: 20 * S,
                    action: Action::SetNetwork { link: None, settings: LinkSettings::default() },
                });
                iv
            },
            ..s
        };
        let mut j = LivenessJudge::new(&s);
        j.submit(1, 2 * S);
        j.answer(1, 19 * S);
        let r = j.finish(30 * S);
        assert_eq!(r.verdict, LivenessVerdict::NotApplicable, "{fault:?}: {}", r.describe());
    }
}

/// A bound is stated for the default network and grows with a slower one, as every protocol's timeouts do.
#[test]
fn the_bound_scales_with_the_worst_latency() {
    let mut s = raft(vec![]);
    assert_eq!(LivenessJudge::new(&s).finish(0).bound_ms, Some(6_000));
    s.network.default.latency_us_max = 240_000;
    assert_eq!(LivenessJudge::new(&s).finish(0).bound_ms, Some(60_000));
}

/// Partitions add up until a heal, as in the engine: isolating a second node does not reconnect the first.
#[test]
fn a_second_partition_does_not_undo_the_first() {
    let s = Scenario {
        protocol: protosim::protocols::single::KIND,
        nodes: 1,
        until_ms: 30_000,
        interventions: vec![
            Intervention { at_us: S, action: Action::Partition { groups: vec![vec![0]] } },
            Intervention { at_us: 2 * S, action: Action::Crash { node: 1 } },
            Intervention { at_us: 3 * S, action: Action::Partition { groups: vec![vec![1]] } },
        ],
        ..Scenario::default()
    };
    let mut j = LivenessJudge::new(&s);
    j.submit(1, 4 * S);
    let r = j.finish(30 * S);
    assert_eq!(r.verdict, LivenessVerdict::NotApplicable, "the database is still cut off: {}", r.describe());
}

/// A link that starts lossy is not judged; once set calm it is, against its own starting latency.
#[test]
fn a_link_that_starts_lossy_is_judged_once_it_is_calm() {
    let lossy = LinkSettings { loss: 0.5, ..LinkSettings::default() };
    let mut s = raft(vec![(10_000, Action::SetNetwork { link: Some((0, 5)), settings: LinkSettings::default() })]);
    s.network.links.push(protosim::scenario::LinkOverride { from: 0, to: 5, settings: lossy });
    let mut j = LivenessJudge::new(&s);
    j.submit(1, S);
    j.answer(1, 9 * S);
    j.submit(2, 11 * S);
    j.answer(2, 20 * S);
    let r = j.finish(30 * S);
    assert_eq!(r.verdict, LivenessVerdict::Broken, "{}", r.describe());
    assert_eq!(r.first_late.map(|l| l.request_id), Some(2), "checkout #1 waited on a lossy link: not judged");
}
