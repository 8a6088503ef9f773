//! Engine behaviour a user relies on: determinism, every fault, crash recovery, seeking, limits.

mod common;
use protosim::engine::{Engine, RecordOptions};
use protosim::pinned::{pinned_scenario, PINNED_TRACE_HASH};
use protosim::protocols::single::{Disk, SingleDb};
use protosim::scenario::{Action, Intervention, LinkSettings, Scenario};
use protosim::trace::{trace_hash, DropReason, Ev, StopReason, TraceEvent};
use protosim::{run, Runner};

fn go(s: &Scenario) -> Box<dyn Runner> {
    run(s, RecordOptions::default()).unwrap_or_else(|e| panic!("scenario rejected: {e}\n{}", s.to_json_pretty()))
}

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

fn count(trace: &[TraceEvent], f: impl Fn(&Ev) -> bool) -> usize {
    trace.iter().filter(|e| f(&e.ev)).count()
}

fn drops(trace: &[TraceEvent], reason: DropReason) -> usize {
    count(trace, |e| matches!(e, Ev::Drop { reason: r, .. } if *r == reason))
}

fn quiet() -> Scenario {
    Scenario { seed: 5, until_ms: 5_000, ..Scenario::default() }
}

#[test]
fn same_scenario_same_trace() {
    let s = pinned_scenario();
    let a = trace_hash(go(&s).trace());
    let b = trace_hash(go(&s).trace());
    assert_eq!(a, b);
    let mut other = s.clone();
    other.seed += 1;
    assert_ne!(a, trace_hash(go(&other).trace()), "a different seed must give a different run");
}

#[test]
fn pinned_hash_matches_the_browser_constant() {
    let r = go(&pinned_scenario());
    assert_eq!(
        trace_hash(r.trace()),
        PINNED_TRACE_HASH,
        "the pinned trace changed; if on purpose, update PINNED_TRACE_HASH (the browser test asserts it too)"
    );
}

#[test]
fn loss_drops_messages_and_shoppers_give_up() {
    let mut s = quiet();
    s.until_ms = 15_000;
    s.network.default.loss = 1.0;
    let r = go(&s);
    let m = r.metrics();
    assert!(m.messages_sent > 0);
    assert_eq!(m.messages_delivered, 0);
    assert_eq!(drops(r.trace(), DropReason::Loss) as u64, m.messages_sent);
    assert!(m.checkouts_aborted > 0, "with every message lost, shoppers give up");
    assert_eq!(m.checkouts_confirmed, 0);
}

#[test]
fn duplication_delivers_twice_and_is_not_charged_twice() {
    let mut s = quiet();
    s.network.default.dup = 1.0;
    let r = go(&s);
    let m = r.metrics();
    assert_eq!(m.messages_duplicated, m.messages_sent);
    assert!(m.messages_delivered >= 2 * m.messages_sent - 8, "{m:?}");
    assert!(r.violations().is_empty(), "{:?}", r.violations());
    assert!(m.checkouts_confirmed > 0);
}

#[test]
fn two_way_partition_blocks_both_directions_until_heal() {
    let mut s = quiet();
    s.interventions = vec![at(1_000, Action::Partition { groups: vec![vec![0]] }), at(3_000, Action::Heal)];
    let r = go(&s);
    let t = r.trace();
    let during = |e: &TraceEvent| (1_000_000..3_000_000).contains(&e.t_us);
    assert!(!t.iter().any(|e| during(e) && matches!(e.ev, Ev::Deliver { .. })), "nothing crosses a partition");
    assert!(t.iter().any(|e| during(e) && matches!(e.ev, Ev::Drop { reason: DropReason::Partition, .. })));
    assert!(
        t.iter().any(|e| e.t_us > 3_100_000 && matches!(e.ev, Ev::Deliver { to: 0, .. })),
        "after the heal the database hears from shoppers again"
    );
}

#[test]
fn one_way_cut_blocks_one_direction_only() {
    let mut s = quiet();
    s.shoppers = 1;
    s.interventions = vec![at(0, Action::Cut { from: 0, to: 1 })];
    let r = go(&s);
    let t = r.trace();
    assert!(count(t, |e| matches!(e, Ev::Deliver { from: 1, to: 0, .. })) > 0, "shopper → db still works");
    assert_eq!(count(t, |e| matches!(e, Ev::Deliver { from: 0, to: 1, .. })), 0, "db → shopper is cut");
    assert!(count(t, |e| matches!(e, Ev::Drop { from: 0, to: 1, reason: DropReason::Partition, .. })) > 0);
}

#[test]
fn user_drop_removes_exactly_that_message() {
    let base = quiet();
    let first = go(&base);
    let (id, sent, deliver) = first
        .trace()
        .iter()
        .find_map(|e| match e.ev {
            Ev::Send { id, deliver_us, .. } if e.t_us > 500_000 => Some((id, e.t_us, deliver_us)),
            _ => None,
        })
        .expect("some message after 0.5 s");
    let mut s = base.clone();
    s.interventions = vec![Intervention { at_us: (sent + deliver) / 2, action: Action::DropMessage { id } }];
    let r = go(&s);
    let t = r.trace();
    assert_eq!(count(t, |e| matches!(e, Ev::Drop { id: i, reason: DropReason::User, .. } if *i == id)), 1);
    assert_eq!(count(t, |e| matches!(e, Ev::Deliver { id: i, .. } if *i == id)), 0);
    // Everything before the drop is the same run.
    let before = |tr: &[TraceEvent]| tr.iter().take_while(|e| e.t_us < (sent + deliver) / 2).count();
    let n = before(first.trace());
    assert_eq!(trace_hash(&first.trace()[..n]), trace_hash(&t[..n]));
    assert_eq!(r.metrics().dropped_user, 1);
}

fn orders_on_disk(e: &Engine<SingleDb>) -> usize {
    match &e.core.nodes[0].disk {
        Disk::Db { shop: Some(shop), .. } => shop.orders.len(),
        _ => 0,
    }
}

#[test]
fn crash_loses_volatile_state_and_keeps_persisted_state() {
    let mut s = quiet();
    s.interventions = vec![at(2_000, Action::Crash { node: 0 }), at(3_000, Action::Restart { node: 0 })];
    let mut e = Engine::<SingleDb>::new(&s, RecordOptions::default());
    e.run_until(2_000_000);
    let before = orders_on_disk(&e);
    assert!(before > 0);
    assert!(!e.core.nodes[0].up && e.core.nodes[0].state.is_none(), "crashed: volatile state gone");
    assert_eq!(orders_on_disk(&e), before, "the disk survives the crash");
    e.run_to_end();
    assert!(orders_on_disk(&e) >= before, "after restart the database still has every order");
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    assert!(e.trace.iter().any(|x| matches!(x.ev, Ev::Drop { to: 0, reason: DropReason::ReceiverDown, .. })));
    assert!(e.trace.iter().any(|x| x.t_us > 3_000_000 && matches!(x.ev, Ev::Deliver { to: 0, .. })));

    // A shopper's pending checkouts are on its disk (a durable outbox): its crash does not lose them.
    let mut s = quiet();
    s.workload.rate_per_s = 20.0;
    s.interventions = vec![at(0, Action::Partition { groups: vec![vec![0]] }), at(1_000, Action::Crash { node: 1 })];
    let mut e = Engine::<SingleDb>::new(&s, RecordOptions::default());
    e.run_until(990_000);
    let on_disk = |e: &Engine<SingleDb>| match &e.core.nodes[1].disk {
        protosim::protocols::single::Disk::Shopper { pending } => pending.len(),
        _ => 0,
    };
    let waiting = on_disk(&e);
    assert!(waiting > 0, "the shopper waits for the cut-off database");
    e.run_to_end();
    assert!(e.core.nodes[1].state.is_none());
    assert_eq!(on_disk(&e), waiting, "the crashed shopper's open checkouts are still on its disk");
}

#[test]
fn volatile_database_forgets_on_crash_and_the_checker_sees_it() {
    let mut s = quiet();
    s.variant = "ack-before-persist".into();
    s.interventions = vec![at(2_000, Action::Crash { node: 0 }), at(2_500, Action::Restart { node: 0 })];
    let r = go(&s);
    let v = r.violations();
    assert!(v.iter().any(|v| v.invariant == "confirmed-checkouts-survive"), "{v:?}");
    let first = &v[0];
    assert!(first.at_us >= 2_500_000, "broken at the restart, not before: {first:?}");
}

#[test]
fn timers_are_events_and_retries_use_them() {
    let mut s = quiet();
    s.interventions = vec![at(1_000, Action::Crash { node: 0 }), at(2_000, Action::Restart { node: 0 })];
    let r = go(&s);
    let retries = count(r.trace(), |e| matches!(e, Ev::Timer { name: "retry", .. }));
    assert!(retries > 0, "shoppers retry while the database is down");
    assert!(r.violations().is_empty());
}

#[test]
#[cfg(feature = "checkpoints")]
fn seeking_matches_the_recorded_states() {
    let mut s = pinned_scenario();
    s.until_ms = 4_000;
    s.interventions.retain(|i| i.at_us <= 4_000_000);
    let mut with = Engine::<SingleDb>::new(&s, RecordOptions { narrate: true, checkpoint_every: 16 });
    with.run_to_end();
    let without = go(&s);
    assert!(with.checkpoint_count() > 5);
    assert_eq!(trace_hash(&with.trace), trace_hash(without.trace()), "checkpoints do not change the run");
    for t_us in [0, 1, 777_777, 1_500_000, 3_200_000, 3_999_999] {
        let views = Runner::views_at(&with, t_us);
        let slow = without.views_at(t_us);
        assert_eq!(views, slow, "at {t_us} µs");
        // The last recorded summary of each node at or before t is the state the seek rebuilt.
        for v in &views {
            let recorded = with.trace.iter().take_while(|e| e.t_us <= t_us).fold(None, |acc, e| match &e.ev {
                Ev::State { node, summary, .. } if *node == v.id => Some(summary.clone()),
                _ => acc,
            });
            if let Some(summary) = recorded {
                assert_eq!(summary, v.summary, "node {} at {t_us} µs", v.id);
            }
        }
    }
}

#[test]
fn limits_stop_the_run_with_a_reason() {
    let mut s = quiet();
    s.limits.max_events = 50;
    let r = go(&s);
    assert_eq!(r.metrics().events, 50);
    assert_eq!(r.stop_reason(), Some(&StopReason::Limit { what: "limits.max_events", value: 50 }));

    let mut s = quiet();
    s.limits.max_in_flight = 3;
    s.workload.rate_per_s = 500.0;
    let r = go(&s);
    assert!(matches!(r.stop_reason(), Some(StopReason::Limit { what: "limits.max_in_flight", .. })));

    let mut s = quiet();
    s.limits.max_trace = 100;
    let r = go(&s);
    assert!(r.trace().len() <= 120, "the trace stops within one event of its limit");
    assert!(matches!(r.stop_reason(), Some(StopReason::Limit { what: "limits.max_trace", .. })));
}

#[test]
fn network_changes_take_effect_when_stamped() {
    let mut s = quiet();
    let lossy = LinkSettings { loss: 1.0, ..LinkSettings::default() };
    s.interventions = vec![at(2_000, Action::SetNetwork { link: None, settings: lossy })];
    let r = go(&s);
    let t = r.trace();
    assert!(!t.iter().any(|e| e.t_us < 2_000_000 && matches!(e.ev, Ev::Drop { .. })));
    assert!(!t.iter().any(|e| e.t_us > 2_100_000 && matches!(e.ev, Ev::Deliver { .. })));
}

#[test]
fn workload_checkouts_and_user_checkouts_both_run() {
    let mut s = quiet();
    s.workload.rate_per_s = 0.0;
    s.interventions = vec![at(
        100,
        Action::Checkout { shopper: 2, customer: 0, lines: vec![protosim::scenario::Line { item: 1, qty: 1 }] },
    )];
    let r = go(&s);
    assert_eq!(r.metrics().checkouts_submitted, 1);
    assert_eq!(r.metrics().checkouts_confirmed, 1);
}

/// The first message a run of `s` sends after `t_us`: (id, sent at, due at).
fn first_send_after(s: &Scenario, t_us: u64) -> (u64, u64, u64) {
    go(s)
        .trace()
        .iter()
        .find_map(|e| match &e.ev {
            Ev::Send { id, deliver_us, .. } if e.t_us > t_us => Some((*id, e.t_us, *deliver_us)),
            _ => None,
        })
        .expect("a message sent after that time")
}

#[test]
fn a_user_duplicates_one_message_in_flight() {
    // Take the first message sent after 1 s and duplicate it just after it left: the copy arrives with it.
    let base = quiet();
    let (id, sent, deliver) = first_send_after(&base, 1_000_000);
    let mut s = base.clone();
    s.interventions =
        vec![Intervention { at_us: sent + 1, action: protosim::scenario::Action::DuplicateMessage { id } }];
    let r = go(&s);
    let copies: Vec<u64> = r
        .trace()
        .iter()
        .filter_map(|e| match &e.ev {
            Ev::Duplicate { id: i, copy, deliver_us, by_user: true } if *i == id && *deliver_us == deliver => {
                Some(*copy)
            }
            _ => None,
        })
        .collect();
    assert_eq!(copies.len(), 1, "one copy, delivered when the original is");
    let delivered = |m: u64| r.trace().iter().any(|e| matches!(&e.ev, Ev::Deliver { id, .. } if *id == m));
    assert!(delivered(id) && delivered(copies[0]));
    assert_eq!(r.metrics().messages_duplicated, 1);
    // A message already delivered cannot be duplicated: nothing happens.
    let mut late = base.clone();
    late.interventions =
        vec![Intervention { at_us: deliver + 1, action: protosim::scenario::Action::DuplicateMessage { id } }];
    assert_eq!(go(&late).metrics().messages_duplicated, 0);
}

#[test]
fn a_user_holds_a_message_back() {
    let base = quiet();
    let (id, sent, deliver) = first_send_after(&base, 1_000_000);
    let mut s = base.clone();
    s.interventions =
        vec![Intervention { at_us: sent + 1, action: protosim::scenario::Action::DelayMessage { id, by_us: 300_000 } }];
    let r = go(&s);
    let delivered_at = r
        .trace()
        .iter()
        .find_map(|e| matches!(&e.ev, Ev::Deliver { id: i, .. } if *i == id).then_some(e.t_us))
        .expect("it still arrives");
    assert_eq!(delivered_at, deliver + 300_000, "300 ms later than planned");
    assert!(r
        .trace()
        .iter()
        .any(|e| matches!(&e.ev, Ev::Delay { id: i, deliver_us } if *i == id && *deliver_us == delivered_at)));
    assert!(r.violations().is_empty());
}

/// The page and the CLI run every protocol through one engine over `AnyProtocol` (one copy of the engine in the
/// bundle); the same scenario run on the protocol's own engine must give the same trace, event for event, with
/// narration, checkpoints, seeking and random faults.
#[test]
fn the_shared_engine_runs_each_protocol_exactly_as_its_own_engine() {
    fn own(s: &Scenario) -> (String, String) {
        let opts = RecordOptions { narrate: true, checkpoint_every: 500 };
        let mut e = protosim::protocols::any::own_engine(s, opts);
        e.run_to_end();
        (trace_hash(e.trace()), format!("{:?}", e.views_at(s.until_ms * 500)))
    }
    for seed in 1..=6 {
        for kind in protosim::protocols::kinds() {
            let nodes = protosim::protocols::info(kind).default_nodes;
            let base = Scenario { protocol: kind, nodes, seed, until_ms: 4_000, ..Scenario::default() };
            let s = protosim::faults::with_random_faults(&base);
            let expected = own(&s);
            let opts = RecordOptions { narrate: true, checkpoint_every: 500 };
            let shared = run(&s, opts).expect("valid");
            let got = (trace_hash(shared.trace()), format!("{:?}", shared.views_at(s.until_ms * 500)));
            assert!(shared.trace().len() > 20, "seed {seed} {kind:?}: a real run, {} events", shared.trace().len());
            assert_eq!(got, expected, "seed {seed}, {kind:?}:\n{}", s.to_json_pretty());
        }
    }
}

#[test]
fn the_single_databases_stored_counterexamples_replay_the_same_violation() {
    for variant in ["no-dedup", "ack-before-persist"] {
        common::assert_replays("single", variant);
    }
}
