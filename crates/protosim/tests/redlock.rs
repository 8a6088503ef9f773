//! Redlock as a user relies on it (`"locking": {"service": "redlock"}`): five lock servers, a majority per row, no
//! fencing token. Quiet runs sell correctly; a holder paused past its validity, or lock servers whose clocks jump,
//! let two shoppers hold the same row and an update is lost — the storage cannot tell the stale writer, where the
//! single lock manager's fencing token refuses it (`locking.rs`). The sweep finds it too, and its counterexample
//! replays.

mod common;
use common::fixture;
use common::quiet_shop::{self, buys, confirmed, engine, first_write, lease_us, lost_updates, quiet};
use protosim::engine::{Engine, RecordOptions};
use protosim::protocols::locking::{Locking, PESSIMISTIC};
use protosim::run;
use protosim::scenario::{Action, Intervention, LockService, NodeId, Scenario, REDLOCK_SERVERS};
use protosim::trace::Ev;

// Redlock with 2 storage nodes: redis1-5 are 0-4, store1 5 (item 0), store2 6, shoppers 7 and 8.
const STORE1: NodeId = REDLOCK_SERVERS;
const SHOPPER_A: NodeId = REDLOCK_SERVERS + 2;
const SHOPPER_B: NodeId = REDLOCK_SERVERS + 3;

/// The quiet shop with A buying a mug at 0.1 s; when A sends its write (it has its lock and has read the stock) in
/// that run without faults; and the lease, µs.
fn a_buys() -> (Scenario, u64, u64) {
    let mut s = quiet(LockService::Redlock, "correct");
    s.interventions = vec![buys(100_000, SHOPPER_A, 1)];
    let (write, lease) = (first_write(&s, SHOPPER_A), lease_us(&s));
    (s, write, lease)
}

fn mugs_left(e: &Engine<Locking>) -> i64 {
    quiet_shop::mugs_left(e, STORE1)
}

#[test]
fn quiet_shoppers_take_locks_from_a_majority_and_sell_correctly() {
    let mut s = quiet(LockService::Redlock, "correct");
    s.interventions = (0..10).map(|i| buys(100_000 + i * 37_000, SHOPPER_A + (i % 2) as u16, (i % 4) as u16)).collect();
    let e = engine(&s);
    assert!(e.core.violations.is_empty(), "{:?}", e.core.violations);
    assert_eq!(confirmed(&e), 10, "every checkout sells (they retry when a majority said no)");
    assert_eq!(mugs_left(&e), 40 - 10, "every sale left the stock once");
    let text: Vec<String> = e
        .trace
        .iter()
        .filter_map(|t| match &t.ev {
            Ev::Note { note, .. } => Some(protosim::i18n::render(note)),
            _ => None,
        })
        .collect();
    assert!(text.iter().any(|t| t.contains("of 5 servers granted it")), "the majority is narrated");
    // Every lock server was asked.
    for server in 0..REDLOCK_SERVERS {
        let asked = e.trace.iter().any(|t| matches!(&t.ev, Ev::Send { to, label: "Lock", .. } if *to == server));
        assert!(asked, "redis{} was asked", server + 1);
    }
}

/// Kleppmann's paused client: A holds the mug's lock on a majority and has read the stock when it pauses for three
/// leases. Its extensions stop, every server lets the key expire, B takes the lock from a majority and sells a mug; A
/// wakes and writes the stock it computed before the pause. No token tells the storage that A's lock is gone: one
/// sale is lost. A pause shorter than the validity is harmless.
#[test]
fn a_holder_paused_past_its_validity_loses_an_update() {
    let (s, at, lease) = a_buys();
    let paused = |pause_us: u64| {
        let mut s = s.clone();
        s.interventions = vec![
            buys(100_000, SHOPPER_A, 1),
            Intervention { at_us: at - 1, action: Action::Pause { node: SHOPPER_A } },
            buys(at + 50_000, SHOPPER_B, 0),
            Intervention { at_us: at - 1 + pause_us, action: Action::Resume { node: SHOPPER_A } },
        ];
        engine(&s)
    };
    let short = paused(lease / 4);
    assert_eq!(lost_updates(&short), 0, "{:?}", short.core.violations);
    assert_eq!(mugs_left(&short), 40 - confirmed(&short));

    let long = paused(3 * lease);
    assert!(lost_updates(&long) > 0, "two holders, one update lost: {:?}", long.core.violations);
    assert_eq!(confirmed(&long), 2, "both shoppers were told their mug is sold");
    assert_eq!(mugs_left(&long), 40 - 1, "but the stock went down by one");
}

/// Clocks: A holds the mug's lock on every server and pauses for half a validity (harmless alone). Meanwhile three
/// servers' clocks step forward by two leases (an NTP step): on those three, A's key has expired, so B takes the lock
/// from a majority while A still holds it on its own clock — and one sale is lost.
#[test]
fn clock_jumps_on_a_majority_of_lock_servers_give_two_holders() {
    let (s, at, lease) = a_buys();
    let with_jumps = |servers: u16| {
        let mut s = s.clone();
        s.interventions = vec![
            buys(100_000, SHOPPER_A, 1),
            Intervention { at_us: at - 1, action: Action::Pause { node: SHOPPER_A } },
        ];
        for node in 0..servers {
            s.interventions
                .push(Intervention { at_us: at, action: Action::ClockJump { node, by_us: 2 * lease as i64 } });
        }
        s.interventions.push(buys(at + 20_000, SHOPPER_B, 0));
        s.interventions.push(Intervention { at_us: at - 1 + lease / 2, action: Action::Resume { node: SHOPPER_A } });
        engine(&s)
    };
    let minority = with_jumps(2);
    assert_eq!(lost_updates(&minority), 0, "two stepped clocks leave A a majority: {:?}", minority.core.violations);
    let majority = with_jumps(3);
    assert!(lost_updates(&majority) > 0, "three stepped clocks give B a majority: {:?}", majority.core.violations);
}

/// The sweep's counterexample (seed 20, shrunk to three partitions): it replays to the same lost update, narrated or
/// not, and the same faults under the single lock manager's fencing break nothing.
#[test]
fn the_stored_redlock_counterexample_replays_and_fencing_survives_it() {
    let (expect, s) = fixture("pessimistic-redlock");
    let quiet = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
    let narrated = run(&s, RecordOptions::default()).unwrap();
    let first = quiet.violations().first().unwrap_or_else(|| panic!("no violation on replay\n{}", s.to_json()));
    assert_eq!(first.invariant, expect);
    assert_eq!(narrated.violations().first(), Some(first), "replays are identical, narrated or not");
    // As the page's picker does it: one lock manager in place of redis1, the storage nodes and shoppers moved down
    // with their faults.
    let service = protosim::protocols::info(PESSIMISTIC).options.iter().find(|o| o.name == "service").unwrap();
    let single = protosim::compare::set_option(&s, service, "single").unwrap();
    assert_eq!(single.total_nodes(), s.total_nodes() - (REDLOCK_SERVERS - 1));
    let moved = |s: &Scenario| s.interventions.iter().filter(|i| matches!(i.action, Action::Partition { .. })).count();
    assert_eq!(moved(&single), moved(&s), "every partition carried over");
    let r = run(&single, RecordOptions::default()).unwrap_or_else(|e| panic!("{e}\n{}", single.to_json()));
    assert!(r.violations().is_empty(), "{:?}\n{}", r.violations(), single.to_json());
}
