//! Two-phase commit as a user relies on it: a NO aborts everywhere, a dead coordinator blocks its participants
//! until it returns, cooperative termination helps exactly when someone knows, counterexamples replay.

mod common;
use common::assert_replays;
use protosim::domain::Outcome;
use protosim::engine::{Engine, RecordOptions};
use protosim::faults::{heal_us, with_random_faults};
use protosim::liveness::{judge_trace, LivenessVerdict};
use protosim::narration::Arg;
use protosim::protocols::twopc::{Disk, PState, TwoPc};
use protosim::run;
use protosim::scenario::{Action, Intervention, Line, LinkSettings, NodeId, Scenario};
use protosim::trace::Ev;

// Nodes with the default 4 servers: orders 0, stock1 1 (items 0, 2, 4), stock2 2 (items 1, 3), payments 3.
const STOCK1: NodeId = 1;
const STOCK2: NodeId = 2;
const PAYMENTS: NodeId = 3;
const SHOPPER: NodeId = 4;

fn one_checkout(lines: Vec<Line>, until_ms: u64) -> Scenario {
    let mut s =
        Scenario { protocol: protosim::protocols::twopc::KIND, nodes: 4, seed: 3, until_ms, ..Scenario::default() };
    s.workload.rate_per_s = 0.0;
    // Fixed 10 ms links, so a test can place a fault between two protocol steps.
    s.network.default = LinkSettings { latency_us_min: 10_000, latency_us_max: 10_000, loss: 0.0, dup: 0.0 };
    s.interventions =
        vec![Intervention { at_us: 100_000, action: Action::Checkout { shopper: SHOPPER, customer: 0, lines } }];
    s
}

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

fn state_of(e: &Engine<TwoPc>, node: NodeId, txn: u64) -> Option<PState> {
    match &e.core.nodes[usize::from(node)].disk {
        Disk::Participant(l) => l.txns.get(&txn).map(|t| t.state),
        _ => None,
    }
}

fn stock(e: &Engine<TwoPc>, node: NodeId, item: u16) -> i64 {
    match &e.core.nodes[usize::from(node)].disk {
        Disk::Participant(l) => l.stock[&item],
        _ => panic!("not an inventory shard"),
    }
}

fn wallet(e: &Engine<TwoPc>, customer: usize) -> i64 {
    match &e.core.nodes[usize::from(PAYMENTS)].disk {
        Disk::Participant(l) => l.wallets[customer],
        _ => panic!("not the payment service"),
    }
}

fn engine(s: &Scenario) -> Engine<TwoPc> {
    s.validate().unwrap_or_else(|e| panic!("{e}"));
    Engine::<TwoPc>::new(s, RecordOptions::default())
}

/// The basket used below: one unit of item 0 (stock1) and one of item 1 (stock2).
fn basket() -> Vec<Line> {
    vec![Line { item: 0, qty: 1 }, Line { item: 1, qty: 1 }]
}

#[test]
fn a_checkout_commits_everywhere() {
    let mut e = engine(&one_checkout(basket(), 2_000));
    e.run_to_end();
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    assert_eq!(e.core.metrics.checkouts_confirmed, 1);
    for n in [STOCK1, STOCK2, PAYMENTS] {
        assert_eq!(state_of(&e, n, 1), Some(PState::Committed), "node {n}");
    }
    assert_eq!(stock(&e, STOCK1, 0), 39);
    assert_eq!(stock(&e, STOCK2, 1), 39);
}

#[test]
fn a_no_vote_aborts_everywhere_and_puts_stock_and_money_back() {
    let mut e = engine(&one_checkout(vec![Line { item: 0, qty: 2 }, Line { item: 1, qty: 500 }], 2_000));
    let wallet_before = wallet(&e, 0);
    e.run_to_end();
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    assert_eq!(e.core.answers, vec![(1, Outcome::OutOfStock { item: 1 })], "the shopper hears why");
    for n in [STOCK1, STOCK2, PAYMENTS] {
        assert_eq!(state_of(&e, n, 1), Some(PState::Aborted), "node {n}");
    }
    assert_eq!(stock(&e, STOCK1, 0), 40, "stock1's reservation is released");
    assert_eq!(stock(&e, STOCK2, 1), 40);
    assert_eq!(wallet(&e, 0), wallet_before, "the held money is back");
}

#[test]
fn a_coordinator_crash_after_prepare_blocks_the_participants_until_it_restarts() {
    // Checkout reaches orders at 110 ms, PREPAREs reach the services at 120 ms, votes would arrive at 130 ms.
    let mut s = one_checkout(basket(), 4_000);
    s.interventions.push(at(125, Action::Crash { node: 0 }));
    s.interventions.push(at(2_000, Action::Restart { node: 0 }));
    let mut e = engine(&s);
    let wallet_before = wallet(&e, 0);
    e.run_until(1_990_000);
    for n in [STOCK1, STOCK2, PAYMENTS] {
        assert_eq!(state_of(&e, n, 1), Some(PState::Prepared), "node {n} is still uncertain after 1.9 s");
    }
    assert_eq!(stock(&e, STOCK1, 0), 39, "stock stays held");
    assert!(wallet(&e, 0) < wallet_before, "money stays held");
    let blocked = e
        .trace
        .iter()
        .filter(|x| matches!(&x.ev, Ev::Note { note, .. } if note.key == "twopc.blocked" && note.arg("txn") == Some(&Arg::Num(1))))
        .count();
    assert!(blocked >= 3, "participants say they are blocked and what they hold");
    e.run_to_end();
    // Restarted, the coordinator finds no decision in its log: presumed abort, everywhere.
    for n in [STOCK1, STOCK2, PAYMENTS] {
        assert_eq!(state_of(&e, n, 1), Some(PState::Aborted), "node {n}");
    }
    assert_eq!(stock(&e, STOCK1, 0), 40);
    assert_eq!(wallet(&e, 0), wallet_before);
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    // The time-blocked metric: three participants, each blocked from ~120 ms until the restart at 2 s.
    let blocked = &e.core.metrics.samples[protosim::protocols::twopc::BLOCKED_METRIC];
    assert_eq!(blocked.len(), 3);
    assert!(blocked.iter().all(|&us| (1_800_000..2_100_000).contains(&us)), "{blocked:?}");
}

fn cooperative(mut s: Scenario, on: bool) -> Scenario {
    s.twopc.cooperative = on;
    s
}

#[test]
fn cooperative_termination_helps_when_one_participant_knows() {
    // Votes reach orders at 130 ms; it decides COMMIT and sends it, but the link to payments is cut, and it
    // crashes at 135 ms. The shards commit; payments is left uncertain.
    let mut base = one_checkout(basket(), 6_000);
    base.interventions.push(at(125, Action::Cut { from: 0, to: PAYMENTS }));
    base.interventions.push(at(135, Action::Crash { node: 0 }));
    base.interventions.push(at(5_000, Action::Heal));
    base.interventions.push(at(5_000, Action::Restart { node: 0 }));

    let mut with = engine(&cooperative(base.clone(), true));
    with.run_until(3_000_000);
    assert_eq!(state_of(&with, STOCK1, 1), Some(PState::Committed));
    assert_eq!(state_of(&with, PAYMENTS, 1), Some(PState::Committed), "payments asked stock1 and learned COMMIT");

    let mut without = engine(&cooperative(base, false));
    without.run_until(3_000_000);
    assert_eq!(state_of(&without, PAYMENTS, 1), Some(PState::Prepared), "without asking, it waits for orders");
    without.run_to_end();
    assert_eq!(state_of(&without, PAYMENTS, 1), Some(PState::Committed), "the restarted coordinator resends COMMIT");
    for e in [&with, &without] {
        assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    }
}

#[test]
fn cooperative_termination_cannot_help_when_all_are_uncertain() {
    let mut s = cooperative(one_checkout(basket(), 4_000), true);
    s.interventions.push(at(125, Action::Crash { node: 0 }));
    s.interventions.push(at(2_000, Action::Restart { node: 0 }));
    let mut e = engine(&s);
    e.run_until(1_990_000);
    let asked = e.trace.iter().filter(|x| matches!(x.ev, Ev::Send { label: "Ask", .. })).count();
    assert!(asked > 0, "the participants ask each other");
    for n in [STOCK1, STOCK2, PAYMENTS] {
        assert_eq!(state_of(&e, n, 1), Some(PState::Prepared), "node {n}: nobody knows, so nobody can decide");
    }
    e.run_to_end();
    for n in [STOCK1, STOCK2, PAYMENTS] {
        assert_eq!(state_of(&e, n, 1), Some(PState::Aborted), "node {n}");
    }
}

#[test]
fn stored_counterexamples_replay_the_same_violation() {
    for variant in
        ["heuristic-commit", "decide-before-log", "commit-on-own-check", "ack-before-fsync", "held-is-sold-out"]
    {
        let s = assert_replays("2pc", variant);
        let mut correct = s.clone();
        correct.variant = "correct".into();
        let c = run(&correct, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
        let broken = common::first_broken(&correct, c.as_ref());
        assert!(broken.is_none(), "{variant}: the same schedule is safe with correct 2PC: {broken:?}");
    }
}

/// After the faults (every node restarted, the network healed), every transaction resolves: every shopper has its
/// answer within the stated bound, and no participant still holds a reservation once that bound has passed.
#[test]
fn after_the_faults_heal_every_transaction_resolves_within_the_bound() {
    let bound_ms = protosim::protocols::twopc::INFO.liveness_bound_ms.unwrap();
    let mut judged = 0;
    for seed in 1..=60 {
        for coop in [false, true] {
            let mut base = Scenario {
                protocol: protosim::protocols::twopc::KIND,
                nodes: 4,
                seed,
                until_ms: 20_000,
                ..Scenario::default()
            };
            base.twopc.cooperative = coop;
            let s = with_random_faults(&base);
            let mut e = engine(&s);
            e.run_to_end();
            assert!(e.core.violations.is_empty(), "seed {seed}: {:?}\n{}", e.core.violations, s.to_json());
            let heal = heal_us(base.until_ms);
            let live = judge_trace(&s, &e.trace, e.core.now_us);
            assert_ne!(live.verdict, LivenessVerdict::Broken, "seed {seed}: {}\n{}", live.describe(), s.to_json());
            judged += live.judged;
            for n in [STOCK1, STOCK2, PAYMENTS] {
                let Disk::Participant(l) = &e.core.nodes[usize::from(n)].disk else { panic!() };
                for (txn, t) in &l.txns {
                    let stuck =
                        t.state == PState::Prepared && t.prepared_us.max(heal) + bound_ms * 1000 <= e.core.now_us;
                    assert!(!stuck, "seed {seed}: node {n} still holds txn #{txn} at the end\n{}", s.to_json());
                }
            }
        }
    }
    assert!(judged > 60, "the verdict judged {judged} checkouts in 120 runs: it must be able to fail");
}
