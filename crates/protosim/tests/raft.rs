//! Raft as a user relies on it: elections after a crash, a cut-off leader that cannot commit, Figure 8, stored
//! counterexamples that replay, liveness after the faults heal.

mod common;
use common::{assert_replays, fixture};
use protosim::engine::{Engine, RecordOptions};
use protosim::faults::with_random_faults;
use protosim::liveness::{judge_trace, LivenessVerdict};
use protosim::narration::Arg;
use protosim::protocols::raft::{Disk, Raft, RaftRole, State};
use protosim::run;
use protosim::scenario::{Action, Intervention, NodeId, Scenario};

const SERVERS: u16 = 5;

fn raft(seed: u64, until_ms: u64) -> Scenario {
    Scenario { protocol: protosim::protocols::raft::KIND, nodes: SERVERS, seed, until_ms, ..Scenario::default() }
}

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

fn engine(s: &Scenario) -> Engine<Raft> {
    s.validate().unwrap_or_else(|e| panic!("{e}"));
    Engine::<Raft>::new(s, RecordOptions::default())
}

fn term_of(e: &Engine<Raft>, n: NodeId) -> u64 {
    match &e.core.nodes[usize::from(n)].disk {
        Disk::Server { current_term, .. } => *current_term,
        Disk::Shopper { .. } => 0,
    }
}

fn server(e: &Engine<Raft>, n: NodeId) -> Option<&protosim::protocols::raft::Server> {
    match &e.core.nodes[usize::from(n)].state {
        Some(State::Server(s)) => Some(s),
        _ => None,
    }
}

/// The live leader with the highest term, if any.
fn leader(e: &Engine<Raft>) -> Option<(NodeId, u64)> {
    (0..SERVERS)
        .filter(|&n| server(e, n).is_some_and(|s| s.role == RaftRole::Leader))
        .map(|n| (n, term_of(e, n)))
        .max_by_key(|&(_, t)| t)
}

fn log_terms(e: &Engine<Raft>, n: NodeId) -> Vec<u64> {
    match &e.core.nodes[usize::from(n)].disk {
        Disk::Server { log, .. } => (1..=log.last_index()).map(|i| log.term_at(i)).collect(),
        Disk::Shopper { .. } => Vec::new(),
    }
}

/// Runs until `t_ms` and returns the leader then, failing if there is none.
fn leader_at(e: &mut Engine<Raft>, t_ms: u64) -> (NodeId, u64) {
    e.run_until(t_ms * 1000);
    leader(e).unwrap_or_else(|| panic!("no leader at {t_ms} ms"))
}

#[test]
fn a_leader_is_elected_and_checkouts_commit() {
    let r = run(&raft(3, 5_000), RecordOptions::default()).unwrap();
    assert!(r.violations().is_empty(), "{:?}", r.violations());
    let m = r.metrics();
    assert!(m.checkouts_confirmed > 5, "{m:?}");
    assert_eq!(m.checkouts_aborted, 0);
}

/// After the leader crashes, a new leader is elected within this bound: the election timeout is 150–300 ms with
/// the default latency, so one or two rounds of elections fit easily.
const NEW_LEADER_BOUND_MS: u64 = 1_500;

#[test]
fn leader_crash_elects_a_new_leader_within_the_bound() {
    for seed in 1..=20 {
        let mut probe = engine(&raft(seed, 3_000));
        let (old, old_term) = leader_at(&mut probe, 2_000);
        let mut s = raft(seed, 2_000 + NEW_LEADER_BOUND_MS + 500);
        s.interventions = vec![at(2_000, Action::Crash { node: old })];
        let mut e = engine(&s);
        e.run_until(2_000_000);
        let mut elected = None;
        while e.step() {
            if let Some((n, t)) = leader(&e) {
                if n != old {
                    elected = Some((n, t, e.core.now_us));
                    break;
                }
            }
        }
        let (n, t, when) = elected.unwrap_or_else(|| panic!("seed {seed}: no new leader after n{old} crashed"));
        assert!(t > old_term, "seed {seed}: the new leader n{n} has a higher term");
        let took_ms = (when - 2_000_000) / 1000;
        assert!(took_ms <= NEW_LEADER_BOUND_MS, "seed {seed}: new leader after {took_ms} ms\n{}", s.to_json());
    }
}

#[test]
fn a_leader_cut_off_in_a_minority_cannot_commit_and_steps_down_after_heal() {
    let seed = 4;
    let mut probe = engine(&raft(seed, 3_000));
    let (old, old_term) = leader_at(&mut probe, 2_000);
    let buddy = (old + 1) % SERVERS;
    let majority: Vec<NodeId> = (0..SERVERS).filter(|&n| n != old && n != buddy).collect();
    // shopper1 stays with the old leader (its checkouts pile up there); the other shoppers go with the majority.
    let shopper1 = SERVERS;
    let mut s = raft(seed, 8_000);
    s.workload.rate_per_s = 10.0;
    s.interventions = vec![
        at(2_000, Action::Partition { groups: vec![vec![old, buddy, shopper1], majority.clone()] }),
        at(5_000, Action::Heal),
    ];
    let mut e = engine(&s);
    e.run_until(2_000_000);
    let commit_before = server(&e, old).unwrap().commit_index;

    e.run_until(4_900_000);
    let s_old = server(&e, old).unwrap();
    assert_eq!(s_old.commit_index, commit_before, "the cut-off leader commits nothing");
    let log_old = log_terms(&e, old);
    assert!(log_old.len() as u64 > commit_before, "it appended checkouts it cannot commit");
    let (new, new_term) = leader(&e).expect("the majority has a leader");
    assert!(majority.contains(&new) && new_term > old_term, "n{new} leads term {new_term}");
    assert!(server(&e, new).unwrap().commit_index > commit_before, "the majority commits");
    let new_commit = server(&e, new).unwrap().commit_index;

    e.run_until(6_500_000);
    let s_old = server(&e, old).unwrap();
    assert_eq!(s_old.role, RaftRole::Follower, "after the heal the old leader steps down");
    assert!(term_of(&e, old) >= new_term);
    let (now_leader, _) = leader(&e).unwrap();
    let lead_log = log_terms(&e, now_leader);
    let old_log = log_terms(&e, old);
    let upto = new_commit as usize;
    assert_eq!(old_log[..upto], lead_log[..upto], "its uncommitted entries were replaced by the leader's");
    assert!(
        old_log[commit_before as usize..upto].iter().all(|&t| t > old_term),
        "no entry of the old term survives where the new leader wrote"
    );
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
}

#[test]
fn stored_counterexamples_replay_the_same_violation() {
    for variant in ["vote-without-log-check", "commit-old-term", "copy-whole-log", "ack-before-fsync", "stale-read"] {
        assert_replays("raft", variant);
    }
}

#[test]
fn the_figure_8_schedule_is_safe_with_the_correct_rule_and_unsafe_without() {
    let (_, buggy) = fixture("raft-commit-old-term");
    let r = run(&buggy, RecordOptions::default()).unwrap();
    let v = r.violations();
    let first = v.first().expect("the mistaken rule loses a committed entry");
    assert!(first.invariant == "leader-completeness" || first.invariant == "state-machine-safety", "{v:?}");
    let Some(&Arg::Num(index)) = first.detail.arg("index") else { panic!("the violation names its index: {first:?}") };
    let counted = r.trace().iter().find_map(|e| match &e.ev {
        protosim::trace::Ev::Note { note, .. }
            if note.key == "raft.commit.old_term" && note.arg("index") == Some(&Arg::Num(index)) =>
        {
            Some(e.t_us)
        }
        _ => None,
    });
    let counted = counted.unwrap_or_else(|| panic!("no old-term commit of index {index} before {first:?}"));
    assert!(counted < first.at_us);
    let mut correct = buggy.clone();
    correct.variant = "correct".into();
    let r = run(&correct, RecordOptions::default()).unwrap();
    assert!(r.violations().is_empty(), "{:?}", r.violations());
    // The same schedule with a correct leader still commits checkouts.
    assert!(r.metrics().checkouts_confirmed > 0);
}

#[test]
fn random_faults_break_no_invariant() {
    for seed in 1..=150 {
        let s = with_random_faults(&raft(seed, 8_000));
        let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
        assert!(r.violations().is_empty(), "seed {seed}: {:?}\nscenario: {}", r.violations(), s.to_json());
    }
}

/// Liveness: whenever a majority of servers is up and the network whole (between faults, and after the heal at two
/// thirds of the run, sometimes with a minority left down), every checkout is answered within the protocol's
/// stated bound. A shopper retries every 0.2–1.6 s and keeps unanswered checkouts on disk across its own crashes.
#[test]
fn after_the_faults_heal_every_checkout_is_answered_within_the_bound() {
    let bound_ms = protosim::protocols::raft::INFO.liveness_bound_ms.expect("Raft states a liveness bound");
    let (mut worst_ms, mut judged) = (0, 0);
    for seed in 1..=60 {
        let base = raft(seed, 20_000);
        let s = with_random_faults(&base);
        let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
        assert!(r.violations().is_empty(), "seed {seed}: {:?}", r.violations());
        let live = judge_trace(&s, r.trace(), r.now_us());
        assert_ne!(
            live.verdict,
            LivenessVerdict::Broken,
            "seed {seed}: {}\nscenario: {}",
            live.describe(),
            s.to_json()
        );
        worst_ms = worst_ms.max(live.slowest_ms);
        judged += live.judged;
    }
    println!("slowest judged answer: {worst_ms} ms (bound {bound_ms} ms), {judged} checkouts judged");
    assert!(judged > 60, "the verdict judged {judged} checkouts in 60 runs: it must be able to fail");
}
