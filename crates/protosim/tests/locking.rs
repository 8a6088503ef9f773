//! Pessimistic and optimistic locking as a user relies on them: deadlocks are broken within the stated bound under
//! every strategy, a crashed lock holder loses its locks when its lease runs out and its late write is refused by
//! fencing, twenty shoppers racing for the last units retry and never oversell, counterexamples replay.

mod common;
use common::assert_replays;
use protosim::domain::Outcome;
use protosim::engine::{Engine, Protocol, RecordOptions};
use protosim::protocols::locking::{Disk, Locking, Phase, State, ATTEMPTS_METRIC};
use protosim::run;
use protosim::scenario::{Action, DeadlockStrategy, Intervention, Line, LinkSettings, NodeId, ProtocolKind, Scenario};
use protosim::trace::Ev;

// Pessimistic with 2 storage nodes: locks 0, store1 1 (items 0, 2, 4; wallets 0, 2, 4), store2 2, shoppers from 3.
const LOCKS: NodeId = 0;
const SHOPPER_A: NodeId = 3;
const SHOPPER_B: NodeId = 4;

fn quiet(protocol: ProtocolKind, shoppers: u16, until_ms: u64) -> Scenario {
    let mut s = Scenario { protocol, nodes: 2, shoppers, seed: 5, until_ms, ..Scenario::default() };
    s.workload.rate_per_s = 0.0;
    // Fixed 10 ms links, so a test can place a fault between two protocol steps.
    s.network.default = LinkSettings { latency_us_min: 10_000, latency_us_max: 10_000, loss: 0.0, dup: 0.0 };
    s
}

fn checkout(ms: u64, shopper: NodeId, customer: u16, items: &[u16]) -> Intervention {
    let lines = items.iter().map(|&item| Line { item, qty: 1 }).collect();
    Intervention { at_us: ms * 1000, action: Action::Checkout { shopper, customer, lines } }
}

fn engine(s: &Scenario) -> Engine<Locking> {
    s.validate().unwrap_or_else(|e| panic!("{e}"));
    Engine::<Locking>::new(s, RecordOptions::default())
}

fn has_cycle(e: &Engine<Locking>) -> bool {
    match &e.core.nodes[usize::from(LOCKS)].state {
        Some(State::Locks(lm)) => lm.find_cycle().is_some(),
        _ => false,
    }
}

/// Sends with a label, as (time, from, to, detail in English).
fn sends<'a>(e: &'a Engine<Locking>, label: &'a str) -> impl Iterator<Item = (u64, NodeId, NodeId, String)> + 'a {
    e.trace.iter().filter_map(move |t| match &t.ev {
        Ev::Send { from, to, label: l, detail, .. } if *l == label => {
            Some((t.t_us, *from, *to, detail.as_ref().map(protosim::i18n::render).unwrap_or_default()))
        }
        _ => None,
    })
}

/// When shopper A first sends its writes in the run of `s` (a probe run, to place a fault just before).
fn a_writes_at(s: &Scenario) -> u64 {
    let probe = run(s, RecordOptions::default()).unwrap();
    let write =
        probe.trace().iter().find(|t| matches!(&t.ev, Ev::Send { from, label: "Write", .. } if *from == SHOPPER_A));
    write.expect("A writes").t_us
}

fn outcomes(e: &Engine<Locking>) -> Vec<(u64, Outcome)> {
    e.core.answers.iter().map(|(id, o)| (*id, *o)).collect()
}

#[test]
fn opposite_orders_deadlock_is_broken_within_the_bound_under_every_strategy() {
    for strategy in DeadlockStrategy::ALL {
        // Cart A locks mug then cap; cart B locks cap then mug: each gets its first lock, then waits for the other's.
        let mut s = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 5_000);
        s.locking.deadlock = strategy;
        s.interventions = vec![checkout(100, SHOPPER_A, 0, &[0, 2]), checkout(100, SHOPPER_B, 1, &[2, 0])];
        let mut e = engine(&s);
        let bound = e.proto.deadlock_bound_us();
        let mut cycle_at = None;
        while e.step() {
            if cycle_at.is_none() && has_cycle(&e) {
                cycle_at = Some(e.core.now_us);
            }
        }
        let name = strategy.name();
        let (revoked_at, _, victim, why) =
            sends(&e, "Revoked").next().unwrap_or_else(|| panic!("{name}: nobody was aborted"));
        match strategy {
            DeadlockStrategy::WoundWait => {
                // The older cart (A, submitted first by request id) wounds B instead of waiting: no cycle forms.
                assert_eq!(cycle_at, None, "wound-wait never lets a cycle form");
                assert_eq!(victim, SHOPPER_B, "the younger transaction is wounded");
                assert!(why.contains("wounded"), "{why}");
            }
            _ => {
                let formed = cycle_at.unwrap_or_else(|| panic!("{name}: the opposite orders should deadlock"));
                let took = revoked_at - formed;
                assert!(took <= bound, "{name}: the deadlock lasted {took} µs, past the bound of {bound} µs");
                if strategy == DeadlockStrategy::Detect {
                    assert_eq!(victim, SHOPPER_B, "detection aborts the youngest");
                    assert!(why.contains("deadlock victim"), "{why}");
                } else {
                    assert!(why.contains("waited too long"), "{why}");
                }
                println!("{name}: deadlock formed at {formed} µs, broken after {took} µs (bound {bound} µs)");
            }
        }
        // Both carts end up confirmed (the victim after a retry), and every invariant held.
        let out = outcomes(&e);
        assert_eq!(out.len(), 2, "{name}: {out:?}");
        assert!(out.iter().all(|(_, o)| o.is_confirmed()), "{name}: {out:?}");
        assert!(e.core.violations.is_empty(), "{name}: {:?}", e.core.violations);
    }
}

#[test]
fn a_crashed_holder_loses_its_locks_after_the_lease_and_its_late_write_is_refused() {
    // A buys a mug (store1) paid from wallet 1 (store2, the primary); it crashes right after sending its writes
    // (they land, as pending writes). B wants a mug too.
    let mut s = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 6_000);
    s.interventions = vec![checkout(100, SHOPPER_A, 1, &[0])];
    let write_at = a_writes_at(&s);
    let mut e = engine(&Scenario { ..s.clone() });
    let lease = e.proto.lease_us();
    let crash = write_at + 1;
    let restart = crash + 3 * lease;
    s.interventions = vec![
        checkout(100, SHOPPER_A, 1, &[0]),
        Intervention { at_us: crash, action: Action::Crash { node: SHOPPER_A } },
        Intervention {
            at_us: crash + 50_000,
            action: Action::Checkout { shopper: SHOPPER_B, customer: 0, lines: vec![Line { item: 0, qty: 1 }] },
        },
        Intervention { at_us: restart, action: Action::Restart { node: SHOPPER_A } },
    ];
    e = engine(&s);
    let mut b_done = None;
    while e.step() {
        if b_done.is_none() && e.core.answers.iter().any(|(id, _)| *id == 2) {
            b_done = Some(e.core.now_us);
        }
    }
    // The lease ran out: the lock manager revoked A's transaction within a lease (plus a renewal period) of the crash.
    let (revoked, _, to, why) = sends(&e, "Revoked").next().expect("A's locks were revoked");
    assert_eq!(to, SHOPPER_A);
    assert!(why.contains("lease expired"), "{why}");
    assert!(revoked - crash <= lease + 20_000, "revoked {} µs after the crash; lease {lease} µs", revoked - crash);
    // The row was fenced before B got it, and B finished while A was still down.
    let fence = sends(&e, "Fence").next().expect("the row is fenced").0;
    let grant_b = sends(&e, "Grant").find(|(_, _, to, _)| *to == SHOPPER_B).expect("B gets the mug").0;
    assert!(revoked <= fence && fence < grant_b);
    let b_done = b_done.expect("B answered");
    assert!(b_done < restart, "B did not have to wait for A to come back");
    // A came back and resent its write with its old token: the mug's storage node refused it (fenced), and the
    // primary, which had aborted A's transaction when the row was fenced, refused it too.
    let refused: Vec<_> = sends(&e, "Refused").filter(|(t, _, to, _)| *t > restart && *to == SHOPPER_A).collect();
    assert!(refused.iter().any(|(_, from, _, why)| *from == 1 && why.contains("fenced")), "{refused:?}");
    assert!(refused.iter().any(|(_, from, _, why)| *from == 2 && why.contains("already aborted")), "{refused:?}");
    // A retried with a new transaction and a fresh lock; both checkouts are confirmed, nothing lost, nothing oversold.
    let out = outcomes(&e);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(|(_, o)| o.is_confirmed()), "{out:?}");
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    let Disk::Store(store1) = &e.core.nodes[1].disk else { panic!("store1") };
    assert_eq!(store1.cells[&0].value, 40 - 2, "two mugs sold, once each");
}

#[test]
fn twenty_shoppers_race_for_the_last_five_units_optimistically() {
    let mut s = quiet(protosim::protocols::locking::OPTIMISTIC, 20, 20_000);
    s.workload.stock = 5;
    s.workload.customers = 20;
    s.network.default = LinkSettings { latency_us_min: 5_000, latency_us_max: 25_000, loss: 0.0, dup: 0.0 };
    // Shoppers are nodes 2.. (no lock manager); all click "buy" on the hot item within the same millisecond.
    s.interventions = (0..20).map(|k| checkout(100, 2 + k, k, &[0])).collect();
    let r = run(&s, RecordOptions::default()).unwrap();
    let m = r.metrics();
    let attempts = &m.samples[ATTEMPTS_METRIC];
    let retries: u64 = attempts.iter().map(|a| a - 1).sum();
    let conflicts = r.trace().iter().filter(|t| matches!(&t.ev, Ev::Send { label: "Conflict", .. })).count();
    println!("20 shoppers, 5 units: {retries} retries, {conflicts} conflicts, {} confirmed", m.checkouts_confirmed);
    assert_eq!(attempts.len(), 20, "every checkout was answered");
    assert!(retries > 0 && conflicts > 0, "racing shoppers must conflict and retry");
    assert_eq!(m.checkouts_confirmed, 5, "exactly the five units are sold");
    assert_eq!(m.checkouts_confirmed + m.checkouts_rejected + m.checkouts_aborted, 20);
    assert!(r.violations().is_empty(), "{:?}", r.violations());

    // The same race without the version check sells the same units twice.
    let mut bad = s.clone();
    bad.variant = "no-version-check".to_string();
    let r = run(&bad, RecordOptions::default()).unwrap();
    assert!(!r.violations().is_empty(), "the §4.5 mistake must be caught");
}

#[test]
fn the_restarted_lock_manager_fences_every_row_before_granting() {
    // A holds the mug when the lock manager crashes; after the restart B asks for it.
    let mut s = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 5_000);
    s.interventions = vec![
        checkout(100, SHOPPER_A, 0, &[0]),
        Intervention { at_us: 135_000, action: Action::Crash { node: LOCKS } },
        Intervention { at_us: 200_000, action: Action::Restart { node: LOCKS } },
        checkout(210, SHOPPER_B, 1, &[0]),
    ];
    let mut e = engine(&s);
    e.run_to_end();
    let fences: Vec<_> = sends(&e, "Fence").collect();
    assert!(!fences.is_empty() && fences.iter().all(|(t, from, _, _)| *t == 200_000 && *from == LOCKS));
    let first_grant_after = sends(&e, "Grant").find(|(t, _, _, _)| *t > 200_000).expect("a grant after restart").0;
    let acked = sends(&e, "Fenced").map(|(t, ..)| t).max().expect("fences acknowledged");
    assert!(acked < first_grant_after, "nothing is granted before every fence is acknowledged");
    let out = outcomes(&e);
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(|(_, o)| o.is_confirmed()), "{out:?}");
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
}

#[test]
fn a_shopper_resumes_its_checkout_after_a_restart() {
    // Optimistic: A crashes while its reads are in flight; after the restart it reads again and finishes.
    let mut s = quiet(protosim::protocols::locking::OPTIMISTIC, 2, 3_000);
    s.interventions = vec![
        checkout(100, 2, 0, &[0, 1]),
        Intervention { at_us: 101_000, action: Action::Crash { node: 2 } },
        Intervention { at_us: 400_000, action: Action::Restart { node: 2 } },
    ];
    let mut e = engine(&s);
    e.run_until(399_000);
    let Disk::Shopper { jobs } = &e.core.nodes[2].disk else { panic!("shopper") };
    assert_eq!(jobs.values().next().map(|j| j.a.phase), Some(Phase::Reading), "the checkout waits on disk");
    e.run_to_end();
    assert!(matches!(outcomes(&e)[..], [(1, Outcome::Confirmed { .. })]), "{:?}", outcomes(&e));
}

#[test]
fn stored_counterexamples_replay() {
    assert_replays("pessimistic", "no-fencing");
    assert_replays("pessimistic", "release-before-write");
    assert_replays("optimistic", "no-version-check");
}

#[test]
fn the_checker_reports_a_deadlock_that_outlives_its_bound() {
    // The opposite-order carts under the timeout strategy: stop at the first moment the cycle exists, then ask the
    // checker about a moment just past the bound (as if the timeouts had never fired).
    let mut s = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 5_000);
    s.locking.deadlock = DeadlockStrategy::Timeout;
    s.interventions = vec![checkout(100, SHOPPER_A, 0, &[0, 2]), checkout(100, SHOPPER_B, 1, &[2, 0])];
    let mut e = engine(&s);
    while !has_cycle(&e) {
        assert!(e.step(), "the carts deadlock");
    }
    let bound = e.proto.deadlock_bound_us();
    // One checker, as in a run: it sees the cycle form, then judges its age.
    let mut checker = protosim::protocols::locking::Checker::default();
    let mut check_at = |e: &mut Engine<Locking>, now_us: u64| {
        let mut view = protosim::engine::CheckView {
            now_us,
            nodes: &mut e.core.nodes,
            answers: &e.core.answers,
            checker: &mut checker,
            calm_since_us: Some(0),
            disk_rolled_back: false,
        };
        let mut out = Vec::new();
        e.proto.check(&mut view, Some(LOCKS), &mut out);
        out
    };
    let now = e.core.now_us;
    assert!(check_at(&mut e, now).is_empty(), "a deadlock just formed is allowed");
    assert!(check_at(&mut e, now + bound).is_empty(), "within the bound a deadlock is allowed");
    let late = check_at(&mut e, now + bound + 1);
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0].invariant, "no-deadlock");
}

/// The paused lock holder (Kleppmann, "How to do distributed locking"): A holds the mug's lock and has read the
/// stock when its process pauses for three leases, and the lock service's notice that its lease ended never reaches
/// it (a one-way cut: a lease holder cannot count on hearing that it expired). B takes the mug and sells one; A wakes
/// up and writes the stock it computed before the pause, believing it still holds the lock. With fencing tokens the
/// storage refuses A's stale write; without them (`no-fencing`) it lands on top of B's and one sale is lost.
#[test]
fn a_holder_paused_past_its_lease_is_fenced_and_without_fencing_its_write_is_lost() {
    let base = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 8_000);
    let b_buys = |at_us| Intervention {
        at_us,
        action: Action::Checkout { shopper: SHOPPER_B, customer: 0, lines: vec![Line { item: 0, qty: 1 }] },
    };
    let run_with = |variant: &str| {
        let mut s = base.clone();
        s.variant = variant.into();
        s.interventions = vec![checkout(100, SHOPPER_A, 1, &[0])];
        let write_at = a_writes_at(&s);
        let lease = engine(&s).proto.lease_us();
        let (pause, resume) = (write_at - 1, write_at - 1 + 3 * lease);
        s.interventions = vec![
            checkout(100, SHOPPER_A, 1, &[0]),
            Intervention { at_us: pause, action: Action::Pause { node: SHOPPER_A } },
            Intervention { at_us: pause, action: Action::Cut { from: LOCKS, to: SHOPPER_A } },
            b_buys(pause + 50_000),
            Intervention { at_us: resume, action: Action::Resume { node: SHOPPER_A } },
        ];
        let mut e = engine(&s);
        e.run_to_end();
        (e, pause, resume)
    };

    let (e, pause, resume) = run_with("correct");
    let a_sends: Vec<u64> = e
        .trace
        .iter()
        .filter(|t| matches!(t.ev, Ev::Send { from, .. } if from == SHOPPER_A))
        .map(|t| t.t_us)
        .filter(|&t| t > pause)
        .collect();
    assert_eq!(a_sends.first(), Some(&resume), "A sends nothing while paused, and writes as it wakes: {a_sends:?}");
    let grant_b = sends(&e, "Grant").find(|(_, _, to, _)| *to == SHOPPER_B).expect("B gets the mug").0;
    assert!(pause < grant_b && grant_b < resume, "B got the lock while A slept");
    let refused: Vec<_> = sends(&e, "Refused").filter(|(t, _, to, _)| *t >= resume && *to == SHOPPER_A).collect();
    assert!(refused.iter().any(|(_, _, _, why)| why.contains("fenced")), "A's stale write is fenced: {refused:?}");
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    let Disk::Store(store1) = &e.core.nodes[1].disk else { panic!("store1") };
    let sold = outcomes(&e).iter().filter(|(_, o)| o.is_confirmed()).count() as i64;
    assert_eq!(store1.cells[&0].value, 40 - sold, "every confirmed mug left the stock once");

    let (e, ..) = run_with("no-fencing");
    let lost: Vec<_> = e.core.violations.iter().filter(|v| v.invariant == "no-lost-update").collect();
    assert!(!lost.is_empty(), "without fencing the paused holder's write is lost: {:?}", e.core.violations);
}

/// A clock jump forward on the lock service: its leases are measured on its clock, so a lease it looks at after the
/// jump has ended early, though the holder renewed it on time (A renews every third of a lease; its storage is
/// slow, so its transaction outlives a lease). The step lands between A's last renewal and the lock service's next
/// look. Fencing keeps the rows safe: A's transaction is aborted, it retries, and every sale is counted once. The
/// same run without the step keeps A's lease.
#[test]
fn a_clock_jump_on_the_lock_service_ends_a_lease_early_and_fencing_keeps_the_rows_safe() {
    let mut s = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 8_000);
    let lease = engine(&s).proto.lease_us();
    let slow = |node| Intervention { at_us: 0, action: Action::Slow { node, handle_us: lease / 2 } };
    s.interventions = vec![slow(1), slow(2), checkout(100, SHOPPER_A, 1, &[0])];
    let mut calm = engine(&s);
    calm.run_to_end();
    assert_eq!(sends(&calm, "Revoked").count(), 0, "without the step A keeps its lease by renewing it");
    let look = calm
        .trace
        .iter()
        .find(|t| matches!(t.ev, Ev::Timer { node: LOCKS, name: "lease check" }))
        .expect("the lock service looks at A's lease")
        .t_us;
    let renewed = calm
        .trace
        .iter()
        .filter_map(|t| match &t.ev {
            Ev::Send { label: "Renew", deliver_us, .. } if *deliver_us < look => Some(*deliver_us),
            _ => None,
        })
        .max()
        .expect("A renewed before");
    let jump = renewed + 1;
    s.interventions
        .push(Intervention { at_us: jump, action: Action::ClockJump { node: LOCKS, by_us: (3 * lease) as i64 } });
    let mut e = engine(&s);
    e.run_to_end();
    let (revoked, _, to, why) = sends(&e, "Revoked").next().expect("A's lease ended early");
    assert_eq!((revoked, to), (look, SHOPPER_A), "revoked at the lock service's next look");
    assert!(why.contains("lease expired"), "{why}");
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    let Disk::Store(store1) = &e.core.nodes[1].disk else { panic!("store1") };
    let sold = outcomes(&e).iter().filter(|(_, o)| o.is_confirmed()).count() as i64;
    assert!(sold >= 1, "A retried and bought its mug");
    assert_eq!(store1.cells[&0].value, 40 - sold, "every confirmed mug left the stock once");
}

/// A clock jump on the lock holder itself, forward or back: its renewals are timers, which a step does not move
/// (a monotonic clock), and its lease is measured by the lock service, so it keeps renewing on time, keeps its lease
/// through a transaction longer than a lease (slow storage) and sells its mug once. Wall-clock time is never what
/// a lock holder should measure its lease with.
#[test]
fn a_clock_jump_on_the_lock_holder_changes_nothing() {
    let mut s = quiet(protosim::protocols::locking::PESSIMISTIC, 2, 8_000);
    let lease = engine(&s).proto.lease_us();
    let slow = |node| Intervention { at_us: 0, action: Action::Slow { node, handle_us: lease / 2 } };
    for by_us in [3 * lease as i64, -3 * lease as i64] {
        s.interventions = vec![
            slow(1),
            slow(2),
            checkout(100, SHOPPER_A, 1, &[0]),
            Intervention { at_us: 100_000 + lease, action: Action::ClockJump { node: SHOPPER_A, by_us } },
        ];
        let mut e = engine(&s);
        e.run_to_end();
        assert_eq!(sends(&e, "Revoked").count(), 0, "step {by_us} µs: A kept its lease");
        assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
        let sold: Vec<_> = outcomes(&e).into_iter().filter(|(_, o)| o.is_confirmed()).collect();
        assert_eq!(sold.len(), 1, "step {by_us} µs: A bought its mug");
        let Disk::Store(store1) = &e.core.nodes[1].disk else { panic!("store1") };
        assert_eq!(store1.cells[&0].value, 39, "once");
        let renewals: Vec<u64> = sends(&e, "Renew").map(|(t, ..)| t).collect();
        let gaps = renewals.windows(2).map(|w| w[1] - w[0]);
        assert!(gaps.clone().all(|g| g <= lease / 3 + 1), "renewed every third of a lease: {renewals:?}");
        assert!(renewals.len() >= 3, "its transaction outlived a lease: {renewals:?}");
    }
}
