//! A quiet pessimistic-locking shop for staging one fault between two protocol steps: two storage nodes (store1
//! holds the mug, item 0), two shoppers, no random checkouts, fixed 10 ms links. Shared by the lock-service tests
//! (`redlock.rs`, `raft_locks.rs`).

use protosim::engine::{Engine, RecordOptions};
use protosim::protocols::locking::{Disk, Locking, PESSIMISTIC};
use protosim::run;
use protosim::scenario::{Action, Intervention, Line, LinkSettings, LockService, NodeId, Scenario};
use protosim::trace::Ev;

/// The quiet shop over `service`, in `variant`: seed 5, 8 simulated seconds.
pub fn quiet(service: LockService, variant: &str) -> Scenario {
    let mut s = Scenario {
        protocol: PESSIMISTIC,
        variant: variant.to_string(),
        nodes: 2,
        shoppers: 2,
        seed: 5,
        until_ms: 8_000,
        ..Scenario::default()
    };
    s.locking.service = service;
    s.workload.rate_per_s = 0.0;
    // Fixed 10 ms links, so a test can place a fault between two protocol steps.
    s.network.default = LinkSettings { latency_us_min: 10_000, latency_us_max: 10_000, loss: 0.0, dup: 0.0 };
    s
}

/// `shopper` (customer `customer`) buys one mug at `at_us`.
pub fn buys(at_us: u64, shopper: NodeId, customer: u16) -> Intervention {
    Intervention { at_us, action: Action::Checkout { shopper, customer, lines: vec![Line { item: 0, qty: 1 }] } }
}

/// The whole run of `s` (validated first).
pub fn engine(s: &Scenario) -> Engine<Locking> {
    s.validate().unwrap_or_else(|e| panic!("{e}"));
    let mut e = Engine::<Locking>::new(s, RecordOptions::default());
    e.run_to_end();
    e
}

/// When `shopper` first sends its write in a run of `s` (it holds its lock and has read the stock), µs.
pub fn first_write(s: &Scenario, shopper: NodeId) -> u64 {
    let probe = run(s, RecordOptions::default()).unwrap();
    let write =
        probe.trace().iter().find(|t| matches!(&t.ev, Ev::Send { from, label: "Write", .. } if *from == shopper));
    write.unwrap_or_else(|| panic!("shopper {shopper} writes")).t_us
}

/// The lease of a run of `s`, µs.
pub fn lease_us(s: &Scenario) -> u64 {
    Engine::<Locking>::new(s, RecordOptions::default()).proto.lease_us()
}

/// Mugs left on `store1` (the node that holds item 0).
pub fn mugs_left(e: &Engine<Locking>, store1: NodeId) -> i64 {
    let Disk::Store(store) = &e.core.nodes[usize::from(store1)].disk else { panic!("store1 is node {store1}") };
    store.cells[&0].value
}

/// Checkouts answered "confirmed".
pub fn confirmed(e: &Engine<Locking>) -> i64 {
    e.core.answers.iter().filter(|(_, o)| o.is_confirmed()).count() as i64
}

/// Violations of `no-lost-update`.
pub fn lost_updates(e: &Engine<Locking>) -> usize {
    e.core.violations.iter().filter(|v| v.invariant == "no-lost-update").count()
}
