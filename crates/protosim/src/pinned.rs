//! Fixed scenarios: the benchmark's load, and the one trace hash is pinned by a native test and by a browser test: if both pass, the engine
//! gives the same trace natively and in wasm32.

use crate::scenario::{Action, Intervention, LinkSettings, Scenario};

/// The hash both tests assert. Change it only on purpose, when the engine's behaviour changes.
pub const PINNED_TRACE_HASH: &str = "0538884e16406629";

/// A short run with every kind of fault, so the hash covers loss, duplication, partitions, cuts, crashes, drops.
pub fn pinned_scenario() -> Scenario {
    let mut s = Scenario { seed: 42, until_ms: 6_000, ..Scenario::default() };
    s.network.default = LinkSettings { latency_us_min: 5_000, latency_us_max: 30_000, loss: 0.05, dup: 0.05 };
    s.workload.rate_per_s = 8.0;
    let at = |ms: u64, action| Intervention { at_us: ms * 1000, action };
    s.interventions = vec![
        at(500, Action::DropMessage { id: 7 }),
        at(1_000, Action::Partition { groups: vec![vec![0, 1], vec![2, 3]] }),
        at(1_800, Action::Heal),
        at(2_000, Action::Cut { from: 0, to: 2 }),
        at(2_600, Action::Heal),
        at(3_000, Action::Crash { node: 0 }),
        at(3_700, Action::Restart { node: 0 }),
        at(4_000, Action::Checkout { shopper: 3, customer: 1, lines: vec![crate::scenario::Line { item: 0, qty: 2 }] }),
        at(
            4_500,
            Action::SetNetwork {
                link: None,
                settings: LinkSettings { latency_us_min: 1_000, latency_us_max: 2_000, loss: 0.0, dup: 0.2 },
            },
        ),
    ];
    s
}

/// The benchmark's steady load, shared by `cargo bench` and the browser benchmark page: 16 shoppers sending
/// 1,000 checkouts per simulated second (the most a scenario allows) to one database, with stock and wallets large enough that checkouts keep
/// confirming.
pub fn steady_load(until_ms: u64) -> Scenario {
    let mut s = Scenario { seed: 9, shoppers: 16, until_ms, ..Scenario::default() };
    s.workload.rate_per_s = 1_000.0;
    s.workload.stock = 1_000_000;
    s.workload.wallet_cents = 1_000_000_000_000;
    s.workload.customers = 64;
    s.limits.max_trace = 20_000_000;
    s.limits.max_events = 50_000_000;
    s
}

/// The same steady load on a Raft cluster of `servers` servers.
pub fn raft_steady_load(servers: u16, until_ms: u64) -> Scenario {
    Scenario { protocol: crate::protocols::raft::KIND, nodes: servers, ..steady_load(until_ms) }
}

/// The same steady load on Paxos: `acceptors` acceptors, two proposers, with or without a stable leader.
pub fn paxos_steady_load(acceptors: u16, stable_leader: bool, until_ms: u64) -> Scenario {
    let mut s = Scenario { protocol: crate::protocols::paxos::KIND, nodes: acceptors, ..steady_load(until_ms) };
    s.paxos.stable_leader = stable_leader;
    s
}

/// The same steady load on two-phase commit: the order service, two inventory shards and payments.
pub fn twopc_steady_load(until_ms: u64) -> Scenario {
    Scenario { protocol: crate::protocols::twopc::KIND, nodes: 4, ..steady_load(until_ms) }
}

/// The same steady load on pessimistic or optimistic locking (two storage nodes). A lower rate than the others:
/// at 1,000 checkouts a second every hot row's lock queue would only grow.
pub fn locking_steady_load(kind: crate::scenario::ProtocolKind, until_ms: u64) -> Scenario {
    let mut s = Scenario { protocol: kind, nodes: 2, ..steady_load(until_ms) };
    s.workload.rate_per_s = 200.0;
    s.workload.items = 26;
    s.workload.hot_item = 0.05;
    s
}

/// The contention benchmark's scenario: 16 shoppers offering `rate` checkouts a second for 60 simulated seconds to
/// two storage nodes (ten items), with `hot` the probability that a basket line is the hot item; stock and wallets
/// never run out, so every failed checkout failed because of contention.
pub fn contention_load(kind: crate::scenario::ProtocolKind, rate: f64, hot: f64, seed: u64) -> Scenario {
    let mut s = Scenario { protocol: kind, nodes: 2, shoppers: 16, seed, until_ms: 60_000, ..Scenario::default() };
    s.workload.rate_per_s = rate;
    s.workload.hot_item = hot;
    s.workload.items = 10;
    s.workload.stock = 1_000_000;
    s.workload.customers = 64;
    s.workload.wallet_cents = 1_000_000_000_000;
    s
}
