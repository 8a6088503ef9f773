//! Disks with fsync latency: a write is durable only once the fsync after it completes, a crash loses what was not,
//! and what a node sends waits for the writes made before it (the write-ahead rule), so correct protocols lose
//! nothing they acknowledged; each protocol's `ack-before-fsync` mistake is caught when every server crashes with
//! unsynced writes.

use protosim::engine::RecordOptions;
use protosim::scenario::{Action, Intervention, ProtocolKind, Scenario};
use protosim::trace::Ev;
use protosim::{run, Runner};

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

fn go(s: &Scenario) -> Box<dyn Runner> {
    run(s, RecordOptions::default()).unwrap_or_else(|e| panic!("scenario rejected: {e}\n{}", s.to_json_pretty()))
}

/// Every server's fsync takes `fsync_ms` from the start; every server crashes at 2 s and restarts at 2.5 s.
fn power_cut(protocol: &str, variant: &str, seed: u64, fsync_ms: u64) -> Scenario {
    let kind = ProtocolKind::new(protocol);
    let nodes = protosim::protocols::info(kind).default_nodes;
    let mut s = Scenario { protocol: kind, nodes, seed, until_ms: 8_000, ..Scenario::default() };
    s.variant = variant.into();
    s.workload.rate_per_s = 30.0;
    for node in 0..s.servers() {
        s.interventions.push(at(0, Action::DiskLatency { node, fsync_us: fsync_ms * 1000 }));
        s.interventions.push(at(2_000, Action::Crash { node }));
        s.interventions.push(at(2_500, Action::Restart { node }));
    }
    s
}

#[test]
fn a_slow_disk_delays_acknowledgements_and_a_crash_loses_only_what_was_not_durable() {
    // The single database: every confirmation waits for the fsync of the order it confirms.
    let mut s = Scenario { seed: 4, until_ms: 4_000, ..Scenario::default() };
    s.workload.rate_per_s = 20.0;
    let fast = go(&s).metrics().latencies_us.clone();
    s.interventions = vec![at(0, Action::DiskLatency { node: 0, fsync_us: 80_000 })];
    let r = go(&s);
    let slow = r.metrics().latencies_us.clone();
    let median = |v: &[u64]| {
        let mut v = v.to_vec();
        v.sort_unstable();
        v[v.len() / 2]
    };
    assert!(median(&slow) > median(&fast) + 40_000, "median {} µs against {} µs", median(&slow), median(&fast));
    // The write-ahead rule: everything the database sends leaves as an fsync completes, never between.
    let synced: Vec<u64> =
        r.trace().iter().filter(|e| matches!(e.ev, Ev::Synced { node: 0, .. })).map(|e| e.t_us).collect();
    let sends = r.trace().iter().filter(|e| matches!(e.ev, Ev::Send { from: 0, .. }));
    for e in sends {
        assert!(synced.binary_search(&e.t_us).is_ok(), "a message left at {} µs, not at an fsync", e.t_us);
    }
    assert!(r.trace().iter().any(|e| matches!(e.ev, Ev::Synced { node: 0, released } if released > 0)));
    // A crash between a write and its fsync loses the write, and says so.
    s.interventions.push(at(2_000, Action::Crash { node: 0 }));
    s.interventions.push(at(2_300, Action::Restart { node: 0 }));
    let r = go(&s);
    assert!(r.violations().is_empty(), "nothing confirmed is lost: {:?}", r.violations());
    let notes: Vec<&str> = r
        .trace()
        .iter()
        .filter_map(|e| match &e.ev {
            Ev::Engine { note } => Some(note.key),
            _ => None,
        })
        .collect();
    assert!(notes.contains(&"engine.crash.unsynced"), "{notes:?}\n{}", s.to_json());
}

#[test]
fn every_correct_protocol_survives_a_power_cut_with_unsynced_writes_and_every_ack_before_fsync_loses_a_checkout() {
    for protocol in ["raft", "paxos", "2pc"] {
        let mut caught = None;
        for seed in 1..=10 {
            let s = power_cut(protocol, "correct", seed, 100);
            let r = go(&s);
            assert!(r.violations().is_empty(), "{protocol} seed {seed}: {:?}\n{}", r.violations(), s.to_json());
            let wrong = power_cut(protocol, "ack-before-fsync", seed, 100);
            let v = go(&wrong).violations().to_vec();
            if caught.is_none() && !v.is_empty() {
                caught = Some((seed, v[0].invariant));
            }
        }
        let (seed, invariant) = caught.unwrap_or_else(|| panic!("{protocol}/ack-before-fsync was never caught"));
        println!("{protocol}/ack-before-fsync: seed {seed} breaks {invariant}");
    }
}

/// The sweep's storage stall then power cut on the locking protocols' stores: what a store wrote but had not made
/// durable is lost, yet nothing it acknowledged is. (The checker once counted a commit the moment a store wrote
/// it, and flagged the crash's rollback as a lost update: a store's writes now count once durable.)
#[test]
fn a_store_that_crashes_with_unsynced_commits_loses_no_acknowledged_update() {
    let mut rolled_back = 0;
    for protocol in ["pessimistic", "optimistic"] {
        for seed in 1..=10 {
            let s = power_cut(protocol, "correct", seed, 50);
            let r = go(&s);
            assert!(r.violations().is_empty(), "{protocol} seed {seed}: {:?}\n{}", r.violations(), s.to_json());
            let unsynced = |e: &protosim::trace::TraceEvent| matches!(&e.ev, Ev::Engine { note } if note.key == "engine.crash.unsynced");
            rolled_back += usize::from(r.trace().iter().any(unsynced));
        }
    }
    assert!(rolled_back > 0, "some power cut found writes not yet durable");
}
