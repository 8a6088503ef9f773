//! The scenarios the page opens with: one per protocol, each staging that protocol's central lesson, and the
//! scenario a URL fragment names.

use protosim::scenario::ProtocolKind;
use protosim::{RecordOptions, Scenario, ScenarioError};

/// What a page without a scenario link opens with.
pub const DEFAULT_PROTOCOL: ProtocolKind = ProtocolKind::Raft;

/// The scenario a fresh page shows for a protocol. Each one stages the protocol's central lesson:
/// - single database: three shoppers and one database, which crashes for a second at 4 s (retries, an outage,
///   recovery from disk);
/// - Raft: five servers and three shoppers; the leader of the moment crashes at 6 s and comes back at 9 s (an
///   election, the log catching up);
/// - two-phase commit: the order service, two inventory shards and payments; the coordinator dies right after
///   the first PREPARE after 5 s and is down for 2 s (the blocking window);
/// - Paxos: three acceptors, two order services and three shoppers at six checkouts a second (duels over slots);
///   an acceptor is down from 8 s to 12 s (a majority still decides);
/// - pessimistic locking: the lock manager, two storage nodes and four shoppers; a third of the basket lines are the
///   hot mug, 40 in stock (sold out after about ten seconds: the last items go to whoever locks first). At 2 s two carts lock mug and tee in opposite
///   orders (a deadlock, broken by the chosen strategy); at 6 s a shopper crashes just after sending its writes
///   and comes back 2 s later (its lease expires, the row is fenced, its late write is refused);
/// - optimistic locking: two storage nodes and six shoppers; half the basket lines are the hot mug (100 in stock);
///   at 3 s all six buy a mug at once (conflicts, back-off, retries — each refused shopper flashes).
pub fn default_scenario(kind: ProtocolKind) -> Scenario {
    default_scenario_sized(kind, protosim::protocols::info(kind).default_nodes)
}

/// The default scenario of a protocol with another cluster size (the setup bar's size picker).
pub fn default_scenario_sized(kind: ProtocolKind, nodes: u16) -> Scenario {
    use protosim::scenario::{Action, Intervention};
    let mut s = Scenario { protocol: kind, nodes, ..Scenario::default() };
    let crash = |node, at_ms: u64, back_ms: u64| {
        vec![
            Intervention { at_us: at_ms * 1000, action: Action::Crash { node } },
            Intervention { at_us: back_ms * 1000, action: Action::Restart { node } },
        ]
    };
    match kind {
        ProtocolKind::Single => s.interventions = crash(0, 4_000, 5_000),
        ProtocolKind::Raft => {
            // Find who leads just before 6 s in this very run, and crash that server.
            let leader = protosim::build(&s, RecordOptions { narrate: false, checkpoint_every: 0 })
                .ok()
                .and_then(|mut r| {
                    while r.now_us() < 5_990_000 && r.step() {}
                    r.views_at(5_990_000)
                        .into_iter()
                        .find(|v| v.detail.facts.iter().any(|(k, val)| *k == "role" && val == "leader"))
                        .map(|v| v.id)
                })
                .unwrap_or(0);
            s.interventions = crash(leader, 6_000, 9_000);
        }
        ProtocolKind::TwoPc => {
            // The coordinator dies just after sending the first PREPARE after 5 s, for two seconds: the
            // participants vote YES to nobody and stay blocked, holding stock and money, until it comes back.
            let prepare_us = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 })
                .ok()
                .and_then(|r| {
                    r.trace().iter().find_map(|e| match e.ev {
                        protosim::trace::Ev::Send { from: 0, label: "Prepare", .. } if e.t_us >= 5_000_000 => {
                            Some(e.t_us)
                        }
                        _ => None,
                    })
                })
                .unwrap_or(5_000_000);
            s.interventions = vec![
                Intervention { at_us: prepare_us + 1, action: Action::Crash { node: 0 } },
                Intervention { at_us: prepare_us + 2_000_000, action: Action::Restart { node: 0 } },
            ];
        }
        ProtocolKind::Paxos => {
            // Both order services busy enough to duel over slots; one acceptor of three fails for a while.
            s.workload.rate_per_s = 6.0;
            s.interventions = crash(0, 8_000, 12_000);
        }
        ProtocolKind::Pessimistic => {
            s.shoppers = 4;
            let first = s.servers();
            let cart = |shopper, customer, items: [u16; 2]| Intervention {
                at_us: 2_000_000,
                action: Action::Checkout {
                    shopper,
                    customer,
                    lines: items.iter().map(|&item| protosim::scenario::Line { item, qty: 1 }).collect(),
                },
            };
            s.interventions = vec![cart(first, 0, [0, 1]), cart(first + 1, 1, [1, 0])];
            // The first shopper to send its writes after 6 s crashes just after, for two seconds.
            let writer = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).ok().and_then(|r| {
                r.trace().iter().find_map(|e| match e.ev {
                    protosim::trace::Ev::Send { from, label: "Write", .. } if e.t_us >= 6_000_000 => {
                        Some((from, e.t_us))
                    }
                    _ => None,
                })
            });
            if let Some((node, at_us)) = writer {
                s.interventions.push(Intervention { at_us: at_us + 1, action: Action::Crash { node } });
                s.interventions.push(Intervention { at_us: at_us + 2_000_000, action: Action::Restart { node } });
            }
        }
        ProtocolKind::Optimistic => {
            s.shoppers = 6;
            s.workload.hot_item = 0.5;
            s.workload.stock = 100;
            let first = s.servers();
            s.interventions = (0..6)
                .map(|k| Intervention {
                    at_us: 3_000_000,
                    action: Action::Checkout {
                        shopper: first + k,
                        customer: k,
                        lines: vec![protosim::scenario::Line { item: 0, qty: 1 }],
                    },
                })
                .collect();
        }
    }
    s
}

/// The scenario to show for a URL fragment: the default when there is none, or an error to show beside it.
pub fn scenario_for_fragment(fragment: &str) -> (Scenario, Option<ScenarioError>) {
    let f = fragment.trim().trim_start_matches('#');
    if f.is_empty() {
        return (default_scenario(DEFAULT_PROTOCOL), None);
    }
    match Scenario::from_compact(f) {
        Ok(s) => (s, None),
        Err(e) => (default_scenario(DEFAULT_PROTOCOL), Some(e)),
    }
}
