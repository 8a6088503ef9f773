//! The bug hunt finds a counterexample for every mistaken variant of every protocol, and shrinks its fault
//! schedule to a 1-minimal one: removing any one remaining intervention makes the violation disappear.

use protosim::hunt::{base, first_violation, Hunt};
use protosim::protocols::info;

#[test]
fn every_mistaken_variant_is_caught_and_shrunk_to_a_minimal_schedule() {
    let mut seen = 0;
    for kind in protosim::protocols::kinds() {
        for v in info(kind).variants.iter().filter(|v| v.name != "correct") {
            seen += 1;
            let what = format!("{}/{}", kind.name(), v.name);
            let mut hunt = Hunt::new(base(kind, v.name), 500);
            let c = hunt.finish().unwrap_or_else(|| panic!("{what}: no counterexample in 500 seeds")).clone();
            let s = &c.scenario;
            // It replays to the same rule breaking.
            let (again, _) = first_violation(s);
            let again = again
                .unwrap_or_else(|| panic!("{what}: the shrunk scenario no longer breaks a rule:\n{}", s.to_json()));
            assert_eq!(again.invariant, c.violation.invariant, "{what}: {}", s.to_json());
            assert!(
                s.interventions.len() <= c.interventions_before,
                "{what}: shrinking added interventions ({} > {})",
                s.interventions.len(),
                c.interventions_before
            );
            // 1-minimal: without any one intervention the same rule holds.
            for k in 0..s.interventions.len() {
                let mut fewer = s.clone();
                let gone = fewer.interventions.remove(k);
                let (v, _) = first_violation(&fewer);
                assert!(
                    v.as_ref().is_none_or(|v| v.invariant != c.violation.invariant),
                    "{what} (seed {}): intervention {k} ({gone:?}) is not needed, yet the shrunk schedule kept it:\n{}",
                    c.seed,
                    s.to_json()
                );
            }
            println!(
                "{what}: seed {} broke {} at {} ms; {} interventions shrunk to {} in {} runs (search {} runs)",
                c.seed,
                c.violation.invariant,
                c.violation.at_us / 1000,
                c.interventions_before,
                s.interventions.len(),
                c.shrink_runs,
                c.search_runs
            );
        }
    }
    assert_eq!(seen, 20, "every mistaken variant is hunted");
}

#[test]
fn a_correct_protocol_yields_no_counterexample() {
    let mut hunt = Hunt::new(base(protosim::protocols::raft::KIND, "correct"), 20);
    assert!(hunt.finish().is_none());
    assert_eq!(hunt.progress(), protosim::hunt::Progress::GaveUp { tried: 20 });
    assert_eq!(hunt.runs, 20);
}

/// The page's hunt splits the seeds into ranges for its Web Workers, keeps the lowest violating seed of those
/// that come back (in any order) and shrinks from there: the same counterexample, runs and events as one thread.
#[test]
fn a_hunt_split_into_ranges_finds_what_one_thread_finds() {
    use protosim::hunt::search_range;
    for (kind, variant) in [(kind("2pc"), "decide-before-log"), (kind("pessimistic"), "no-fencing")] {
        let b = base(kind, variant);
        let mut one = Hunt::new(b.clone(), 300);
        let want = one.finish().cloned().unwrap_or_else(|| panic!("{variant}: found on one thread"));
        // Ranges of 7 seeds, as workers would return them: later ones first.
        let ranges: Vec<_> =
            (0..300u64).step_by(7).map(|from| (from, search_range(&b, from, (from + 7).min(300)))).collect();
        let lowest = ranges.iter().rev().filter_map(|(_, r)| r.violating).min().expect("a range finds it");
        let events = ranges.iter().filter(|(from, _)| *from <= lowest).map(|(_, r)| r.events).sum();
        let mut split = Hunt::shrinking_from(b.clone(), 300, lowest, events).expect("it breaks a rule");
        let got = split.finish().cloned().expect("shrunk");
        assert_eq!(
            (
                got.seed,
                &got.scenario,
                got.violation.invariant,
                got.search_runs,
                got.shrink_runs,
                split.runs,
                split.events
            ),
            (
                want.seed,
                &want.scenario,
                want.violation.invariant,
                want.search_runs,
                want.shrink_runs,
                one.runs,
                one.events
            ),
            "{variant}"
        );
        // A seed that broke nothing is no place to shrink from; nor is one beyond the hunt's seeds.
        assert!(lowest > 0, "{variant}: the test needs a clean seed below the first violation");
        assert!(
            Hunt::shrinking_from(b.clone(), 300, lowest - 1, 0).is_none(),
            "{variant}: seed {} is clean",
            lowest - 1
        );
        assert!(Hunt::shrinking_from(b, lowest, lowest, 0).is_none(), "{variant}: beyond max_seeds");
    }
}

fn kind(name: &str) -> protosim::scenario::ProtocolKind {
    protosim::protocols::kinds().find(|k| k.name() == name).expect("a protocol of that name")
}
