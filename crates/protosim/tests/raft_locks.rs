//! The Raft-replicated lock service as a user relies on it (`"locking": {"service": "raft"}`): three lock servers
//! replicate the lock table with Raft; every grant is a log entry and its fencing token is its log index. Quiet
//! runs sell correctly; a lock survives the crash of the leader that granted it; a holder paused past its lease is
//! fenced out by the storage (no lost update), while the same pause without fencing loses one; and the faults of
//! the stored Redlock counterexample break nothing here.

mod common;
use common::fixture;
use common::quiet_shop::{self, buys, confirmed, engine, first_write, lease_us, lost_updates, quiet};
use protosim::engine::{Engine, RecordOptions};
use protosim::protocols::locking::{Disk, LockCmd, Locking, State, PESSIMISTIC};
use protosim::protocols::raft;
use protosim::run;
use protosim::scenario::{Action, Intervention, LockService, NodeId, Scenario, RAFT_LOCK_SERVERS};
use protosim::trace::Ev;

// Three lock servers n0-n2 (0-2), store1 3 (item 0), store2 4, shoppers 5 and 6.
const STORE1: NodeId = RAFT_LOCK_SERVERS;
const SHOPPER_A: NodeId = RAFT_LOCK_SERVERS + 2;
const SHOPPER_B: NodeId = RAFT_LOCK_SERVERS + 3;

fn at(at_us: u64, action: Action) -> Intervention {
    Intervention { at_us, action }
}

fn mugs_left(e: &Engine<Locking>) -> i64 {
    quiet_shop::mugs_left(e, STORE1)
}

/// The first grant to `shopper`: when, from which lock server, with which token.
fn first_grant(e: &Engine<Locking>, shopper: NodeId) -> (u64, NodeId, u64) {
    e.trace
        .iter()
        .find_map(|t| match &t.ev {
            Ev::Send { from, to, label: "Grant", detail, .. } if *to == shopper => {
                let text = protosim::i18n::render(detail.as_ref()?);
                let token: u64 = text.rsplit(' ').next()?.parse().ok()?;
                Some((t.t_us, *from, token))
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("shopper {shopper} was granted a lock"))
}

#[test]
fn quiet_shoppers_lock_through_the_log_and_every_server_applies_the_same_table() {
    let mut s = quiet(LockService::Raft, "correct");
    s.interventions = (0..10).map(|i| buys(400_000 + i * 37_000, SHOPPER_A + (i % 2) as u16, (i % 4) as u16)).collect();
    let e = engine(&s);
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    assert_eq!(confirmed(&e), 10, "every checkout sells (a refused shopper backs off and retries)");
    assert_eq!(mugs_left(&e), 40 - 10, "every sale left the stock once");
    // The fencing token of a grant is the index of its Acquire entry in the leader's log.
    let (_, leader, token) = first_grant(&e, SHOPPER_A);
    let raft::Disk::Server { log, .. } = (match &e.core.nodes[usize::from(leader)].disk {
        Disk::Raft(d) => d,
        _ => panic!("a Raft lock server"),
    }) else {
        panic!("a server's disk")
    };
    let entry = log.get(token).expect("the token is a log index");
    assert!(matches!(entry.cmd, Some(LockCmd::Acquire { row: 0, .. })), "{entry:?}");
    // Every server applied the same lock commands: all released, every table empty, the same applied index.
    let applied: Vec<u64> = (0..RAFT_LOCK_SERVERS)
        .map(|n| {
            let Some(State::Raft(r)) = e.core.nodes[usize::from(n)].state.as_ref() else { panic!("n{n} is up") };
            let raft::State::Server(s) = &**r else { panic!("n{n} is a server") };
            assert!(s.sm.rows.is_empty(), "n{n} still holds {:?}", s.sm.rows);
            s.last_applied
        })
        .collect();
    assert!(applied.iter().all(|a| *a == applied[0] && *a > 20), "{applied:?}");
}

/// A holds the mug's lock and has read the stock when the leader that granted it crashes; a new leader is elected
/// from the other two, whose logs hold the grant, so B is refused the row (`Held`) by the new leader until A ends.
/// Both sell, once each.
#[test]
fn a_lock_survives_the_crash_of_the_leader_that_granted_it() {
    let mut s = quiet(LockService::Raft, "correct");
    s.interventions = vec![buys(400_000, SHOPPER_A, 1)];
    let (granted_at, leader, _) = first_grant(&engine(&s), SHOPPER_A);
    s.interventions = vec![
        buys(400_000, SHOPPER_A, 1),
        // A stops for most of a lease right after its grant, so it still holds the row when B asks.
        at(granted_at + 5_000, Action::Pause { node: SHOPPER_A }),
        at(granted_at + 10_000, Action::Crash { node: leader }),
        buys(granted_at + 400_000, SHOPPER_B, 0),
        at(granted_at + 350_000, Action::Resume { node: SHOPPER_A }),
    ];
    let e = engine(&s);
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    let refused_by_new_leader = e
        .trace
        .iter()
        .any(|t| matches!(&t.ev, Ev::Send { from, to, label: "Held", .. } if *to == SHOPPER_B && *from != leader));
    assert!(refused_by_new_leader, "the new leader's table still holds A's lock");
    assert_eq!(confirmed(&e), 2, "both sell");
    assert_eq!(mugs_left(&e), 40 - 2, "once each");
}

/// Kleppmann's paused client, as under Redlock (`redlock.rs`): A holds the mug's lock and has read the stock when
/// it pauses for three leases, and the lock service's notice that its lease ended never reaches it. The leader logs
/// the lease's expiry, B is granted the row with a larger token and reads it, which raises the row's fence; A wakes
/// and writes with its old token: refused. No update is lost. The `no-fencing` variant, the same pause: A's stale
/// write lands over B's sale.
#[test]
fn a_holder_paused_past_its_lease_is_fenced_out_and_without_fencing_loses_an_update() {
    let paused = |variant: &str| {
        let mut s = quiet(LockService::Raft, variant);
        s.interventions = vec![buys(400_000, SHOPPER_A, 1)];
        let (write, lease) = (first_write(&s, SHOPPER_A), lease_us(&s));
        s.interventions = vec![
            buys(400_000, SHOPPER_A, 1),
            at(write - 1, Action::Pause { node: SHOPPER_A }),
            at(write - 1, Action::Cut { from: 0, to: SHOPPER_A }),
            at(write - 1, Action::Cut { from: 1, to: SHOPPER_A }),
            at(write - 1, Action::Cut { from: 2, to: SHOPPER_A }),
            buys(write + 50_000, SHOPPER_B, 0),
            at(write - 1 + 3 * lease, Action::Resume { node: SHOPPER_A }),
        ];
        engine(&s)
    };
    let fenced = paused("correct");
    assert!(fenced.core.violations.is_empty(), "{:?}", fenced.core.violations);
    let expired =
        fenced.trace.iter().any(|t| matches!(&t.ev, Ev::Note { note, .. } if note.key == "locking.raft.expired"));
    assert!(expired, "the lease's expiry is a log entry");
    let refused = fenced
        .trace
        .iter()
        .any(|t| matches!(&t.ev, Ev::Send { from, to, label: "Refused", .. } if *from == STORE1 && *to == SHOPPER_A));
    assert!(refused, "the storage refused A's stale token");
    assert_eq!(mugs_left(&fenced), 40 - confirmed(&fenced), "what was sold left the stock");

    let unfenced = paused("no-fencing");
    assert!(lost_updates(&unfenced) > 0, "{:?}", unfenced.core.violations);
}

/// The faults that give Redlock two holders (the stored counterexample, moved to the Raft lock service as the page's
/// picker moves them) leave the Raft lock service safe.
#[test]
fn the_redlock_counterexample_is_safe_under_the_raft_lock_service() {
    let (_, s) = fixture("pessimistic-redlock");
    let service = protosim::protocols::info(PESSIMISTIC).options.iter().find(|o| o.name == "service").unwrap();
    let raft = protosim::compare::set_option(&s, service, "raft").unwrap();
    assert_eq!(raft.locking.service, LockService::Raft);
    let r = run(&raft, RecordOptions::default()).unwrap_or_else(|e| panic!("{e}\n{}", raft.to_json()));
    assert!(r.violations().is_empty(), "{:?}\n{}", r.violations(), raft.to_json());
}

/// The sweep's counterexample for `no-fencing` over the Raft lock service (seed 52, shrunk by the hunt): it replays to
/// the same lost update, narrated or not, and the same schedule with fencing breaks nothing.
#[test]
fn the_stored_no_fencing_counterexample_replays_and_fencing_survives_it() {
    let (expect, s) = fixture("pessimistic-raft-no-fencing");
    assert_eq!((s.variant.as_str(), s.locking.service), ("no-fencing", LockService::Raft));
    let quiet = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
    let narrated = run(&s, RecordOptions::default()).unwrap();
    let first = quiet.violations().first().unwrap_or_else(|| panic!("no violation on replay\n{}", s.to_json()));
    assert_eq!(first.invariant, expect);
    assert_eq!(narrated.violations().first(), Some(first), "replays are identical, narrated or not");
    let fenced = Scenario { variant: "correct".into(), ..s };
    let r = run(&fenced, RecordOptions::default()).unwrap();
    assert!(r.violations().is_empty(), "{:?}\n{}", r.violations(), fenced.to_json());
}
