//! What the two locking protocols say about themselves: their names, variants, invariants, measurements and
//! options, and the scenarios the page opens with for each, staging its central lesson.

use crate::domain::rules;
use crate::invariants::InvariantInfo;
use crate::protocols::meta::{plain, ProtocolInfo, Trial, VariantInfo};
use crate::scenario::{Action, DeadlockStrategy, Intervention, Line, NodeId, ProtocolKind, Scenario};

pub const MUTUAL_EXCLUSION: InvariantInfo = InvariantInfo {
    name: "mutual-exclusion",
    rule: "a row never has two exclusive holders, nor a shared holder beside an exclusive one",
};
pub const NO_LOST_UPDATE: InvariantInfo = InvariantInfo {
    name: "no-lost-update",
    rule: "every row equals its starting value minus what committed checkouts took from it",
};
pub const NO_DEADLOCK: InvariantInfo = InvariantInfo {
    name: "no-deadlock",
    rule: "no cycle of transactions waiting for each other lasts longer than the strategy's bound",
};

pub(super) const PESSIMISTIC_INVARIANTS: [InvariantInfo; 7] = [
    MUTUAL_EXCLUSION,
    NO_LOST_UPDATE,
    NO_DEADLOCK,
    rules::NO_OVERSELL,
    rules::MONEY_CONSERVED,
    rules::CONFIRMED_EXACTLY,
    rules::NO_DOUBLE_CHARGE,
];
/// Pessimistic locking over a lock service without a queue (Redlock, the Raft lock table): no transaction waits, so
/// `no-deadlock` does not apply.
pub(super) const NO_QUEUE_INVARIANTS: [InvariantInfo; 6] = [
    MUTUAL_EXCLUSION,
    NO_LOST_UPDATE,
    rules::NO_OVERSELL,
    rules::MONEY_CONSERVED,
    rules::CONFIRMED_EXACTLY,
    rules::NO_DOUBLE_CHARGE,
];
/// Pessimistic locking over the Raft lock service: Raft's invariants on the lock servers too.
pub(super) const PESSIMISTIC_RAFT_INVARIANTS: [InvariantInfo; 10] =
    crate::invariants::concat(NO_QUEUE_INVARIANTS, crate::protocols::raft::CONSENSUS_INVARIANTS);
pub(super) const OPTIMISTIC_INVARIANTS: [InvariantInfo; 5] =
    [NO_LOST_UPDATE, rules::NO_OVERSELL, rules::MONEY_CONSERVED, rules::CONFIRMED_EXACTLY, rules::NO_DOUBLE_CHARGE];

/// Pessimistic locking, as scenarios name it: `"protocol": "pessimistic"`.
pub const PESSIMISTIC: ProtocolKind = ProtocolKind::new("pessimistic");

pub const PESSIMISTIC_INFO: ProtocolInfo = ProtocolInfo {
    kind: PESSIMISTIC,
    title: "pessimistic locking",
    nodes: (1, 3),
    default_nodes: 2,
    variants: &[
        VariantInfo { name: "correct", explain: "strict two-phase locking with leases and fencing tokens" },
        VariantInfo {
            name: "no-fencing",
            explain: "leases expire but writes carry no fencing token: a holder whose lease ran out still writes",
        },
        VariantInfo {
            name: "release-before-write",
            explain: "locks are released before the writes are applied: another shopper reads the old value",
        },
    ],
    invariants: &PESSIMISTIC_INVARIANTS,
    // A checkout submitted as the faults end can find the hot row's queue full of retried checkouts, each waiting
    // its turn or its deadlock's abort: 5.5 s held over 10,000 seeds of crashes and partitions; with pauses and slow
    // nodes in the schedules one answer took 5.54 s. A shopper gives up after 5 s on its own clock, and the fault
    // generator steps a clock back by up to 2 s: that shopper waits up to 7 s of true time, plus its last attempt
    // (seen under the Raft lock service, whose refused shoppers back off and retry: 6.39 s). So the bound is 8 s.
    liveness_bound_ms: Some(8_000),
    compare_with: OPTIMISTIC,
    metrics: &PESSIMISTIC_METRICS,
    // The lock manager (node 0) or the Redlock servers (nodes 0-4), then the storage nodes.
    servers: |s| s.nodes + s.locking.service.lock_servers(),
    lesson: pessimistic_lesson,
    options: &[
        crate::protocols::meta::OptionInfo {
            name: "deadlock",
            label: "deadlocks",
            help: "how the lock manager breaks deadlocks: detect cycles, wound younger holders, or time out waits",
            values: crate::protocols::meta::OptionValues::OneOf(&["detect", "wound-wait", "timeout"]),
            store: crate::protocols::meta::OptionStore::Section {
                path: "locking.deadlock",
                get: |s| s.locking.deadlock.name().to_string(),
                set: |s, v| s.locking.deadlock = DeadlockStrategy::parse(v).unwrap_or_default(),
            },
            // Redlock and the Raft lock table have no queue, so nothing waits and no deadlock forms.
            applies: |s| s.locking.service == crate::scenario::LockService::Single,
        },
        crate::protocols::meta::OptionInfo {
            name: "service",
            label: "lock service",
            help: "where locks come from: one lock manager with fencing tokens, a lock table replicated by Raft on 3 \
                   servers (the fencing token is the grant's log index), or Redlock (5 independent Redis servers, a \
                   majority, no fencing)",
            values: crate::protocols::meta::OptionValues::OneOf(&["single", "raft", "redlock"]),
            store: crate::protocols::meta::OptionStore::Section {
                path: "locking.service",
                get: |s| s.locking.service.name().to_string(),
                set: |s, v| s.locking.service = crate::scenario::LockService::parse(v).unwrap_or_default(),
            },
            applies: crate::protocols::meta::always,
        },
    ],
    liveness_quorum: pessimistic_quorum,
    // A Redlock server keeps its keys in memory only: a replacement is a restart, and it serves at once. A Raft
    // lock server comes back as a learner, which never votes again.
    replaceable: |s, node| {
        s.locking.service != crate::scenario::LockService::Single && node < s.locking.service.lock_servers()
    },
    replacement_rejoins: |s| s.locking.service == crate::scenario::LockService::Redlock,
    serves_reads: false,
    variant_options: &[],
};

/// Optimistic locking, as scenarios name it: `"protocol": "optimistic"`.
pub const OPTIMISTIC: ProtocolKind = ProtocolKind::new("optimistic");

pub const OPTIMISTIC_INFO: ProtocolInfo = ProtocolInfo {
    kind: OPTIMISTIC,
    title: "optimistic locking",
    nodes: (1, 3),
    default_nodes: 2,
    variants: &[
        VariantInfo {
            name: "correct",
            explain: "versioned rows, conditional writes, retries with back-off and jitter",
        },
        VariantInfo {
            name: "no-version-check",
            explain: "the write compares the version with itself, not with the one read (§4.5): updates get lost",
        },
    ],
    invariants: &OPTIMISTIC_INVARIANTS,
    liveness_bound_ms: Some(6_000),
    compare_with: PESSIMISTIC,
    metrics: &OPTIMISTIC_METRICS,
    servers: crate::protocols::meta::nodes_only,
    lesson: optimistic_lesson,
    options: &[],
    liveness_quorum: crate::protocols::meta::every_server,
    replaceable: crate::protocols::meta::never_replaceable,
    replacement_rejoins: crate::protocols::meta::never_rejoins,
    serves_reads: false,
    variant_options: &[],
};

/// Every checkout is answered once every storage node and shopper is up, with the lock manager, every Redlock
/// server, or a majority of the Raft lock servers.
fn pessimistic_quorum(s: &Scenario, servers: u16) -> Vec<crate::protocols::meta::QuorumGroup> {
    use crate::protocols::meta::QuorumGroup;
    match s.locking.service {
        crate::scenario::LockService::Raft => {
            let locks = s.locking.service.lock_servers();
            vec![QuorumGroup::majority(0, locks), QuorumGroup::all(locks, servers - locks)]
        }
        _ => crate::protocols::meta::every_server(s, servers),
    }
}

/// How many attempts a finished checkout took.
const ATTEMPTS: crate::protocols::meta::MetricInfo = crate::protocols::meta::MetricInfo {
    name: ATTEMPTS_METRIC,
    unit: crate::protocols::meta::MetricUnit::Count,
    what: "attempts a finished checkout took (1: no conflict, abort or retry)",
    label: "attempts",
};

/// Pessimistic locking's measurements: retries, attempts and how long each lock request waited (µs).
pub(super) const PESSIMISTIC_METRICS: [crate::protocols::meta::MetricInfo; 3] = [
    crate::protocols::meta::RETRIES,
    crate::protocols::meta::MetricInfo {
        name: LOCK_WAIT_METRIC,
        unit: crate::protocols::meta::MetricUnit::Micros,
        what: "how long a lock request waited in its row's queue before it was granted",
        label: "lock wait",
    },
    ATTEMPTS,
];

/// Optimistic locking's measurements: it takes no locks, so nothing waits for one.
pub(super) const OPTIMISTIC_METRICS: [crate::protocols::meta::MetricInfo; 2] =
    [crate::protocols::meta::RETRIES, ATTEMPTS];

pub const LOCK_WAIT_METRIC: &str = "lock-wait";
/// Metric: attempts each answered checkout took (1 = no retry).
pub const ATTEMPTS_METRIC: &str = "attempts";

/// Shopper `shopper` (customer `customer`) buys one of each item in `items`, in that order, at `at_us`.
fn cart(at_us: u64, shopper: NodeId, customer: u16, items: &[u16]) -> Intervention {
    let lines = items.iter().map(|&item| Line { item, qty: 1 }).collect();
    Intervention { at_us, action: Action::Checkout { shopper, customer, lines } }
}

/// The lock manager, two storage nodes and four shoppers; a third of the basket lines are the hot mug, 40 in
/// stock (sold out after about ten seconds: the last items go to whoever locks first). At 2 s two carts lock mug
/// and tee in opposite orders (a deadlock, broken by the chosen strategy); at 6 s a shopper crashes just after
/// sending its writes and comes back 2 s later (its lease expires, the row is fenced, its late write is refused).
fn pessimistic_lesson(nodes: u16, trial: Trial<'_>) -> Scenario {
    let mut s = Scenario { shoppers: 4, ..plain(PESSIMISTIC, nodes) };
    let first = s.nodes + 1;
    s.interventions = vec![cart(2_000_000, first, 0, &[0, 1]), cart(2_000_000, first + 1, 1, &[1, 0])];
    let writer = trial(&s, u64::MAX).trace.iter().find_map(|e| match e.ev {
        crate::trace::Ev::Send { from, label: "Write", .. } if e.t_us >= 6_000_000 => Some((from, e.t_us)),
        _ => None,
    });
    if let Some((node, at_us)) = writer {
        s.interventions.push(Intervention { at_us: at_us + 1, action: Action::Crash { node } });
        s.interventions.push(Intervention { at_us: at_us + 2_000_000, action: Action::Restart { node } });
    }
    s
}

/// Two storage nodes and six shoppers; half the basket lines are the hot mug (100 in stock); at 3 s all six buy a
/// mug at once (conflicts, back-off, retries — each refused shopper flashes).
fn optimistic_lesson(nodes: u16, _: Trial<'_>) -> Scenario {
    let mut s = Scenario { shoppers: 6, ..plain(OPTIMISTIC, nodes) };
    s.workload.hot_item = 0.5;
    s.workload.stock = 100;
    let first = s.nodes;
    s.interventions = (0..6).map(|k| cart(3_000_000, first + k, k, &[0])).collect();
    s
}
