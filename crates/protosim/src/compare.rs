//! Side-by-side comparison: the same workload, seed and fault schedule under another mechanism or variant.
//!
//! Node numbers mean different machines in different protocols (Paxos adds proposers, pessimistic locking a lock
//! manager), so interventions are carried over by role: server `k` stays server `k` (dropped when the other cluster
//! has no server `k`), shopper `j` stays shopper `j`. Actions on a message in flight (drop, duplicate, hold back)
//! name a message of one particular run and do not carry over; they are left out of the other side.

use crate::protocols::meta::OptionInfo;
use crate::scenario::{Action, Intervention, NodeId, ProtocolKind, Scenario};

/// `s` under protocol `kind` and variant `variant`: the same seed, shoppers, workload, network, options and
/// interventions (mapped by role), with the cluster size clamped into the range `kind` allows.
pub fn translate(s: &Scenario, kind: ProtocolKind, variant: &str) -> Scenario {
    let info = crate::protocols::info(kind);
    let mut t = s.clone();
    t.protocol = kind;
    t.variant = variant.to_string();
    if info.variant_options.iter().any(|&(v, _, _)| v == variant) {
        info.choose_variant(&mut t, variant); // a variant shown with settings of its own (Raft's copy-whole-log)
    }
    t.nodes = if s.protocol == kind { s.nodes } else { s.nodes.clamp(info.nodes.0, info.nodes.1) };
    // The options map holds the scenario's protocol's own settings: the other keeps only those it declares too.
    t.options.retain(|name, _| {
        info.options.iter().any(|o| o.name == name && matches!(o.store, crate::protocols::meta::OptionStore::Options))
    });
    carry_by_role(s, &mut t);
    if !info.serves_reads {
        // The other protocol serves no reads: its shoppers only buy (the checkouts stay the same).
        t.workload.read_rate_per_s = 0.0;
        t.interventions.retain(|i| !matches!(i.action, crate::scenario::Action::Read { .. }));
    }
    t
}

/// `s` with its protocol's option set to `value`. An option that changes the topology (Paxos's proposer count)
/// moves the shoppers' node numbers: the links and interventions follow them by role, as [`translate`] does.
pub fn set_option(s: &Scenario, option: &OptionInfo, value: &str) -> Result<Scenario, crate::narration::Note> {
    let mut t = s.clone();
    option.set(&mut t, value)?;
    if t.servers() != s.servers() {
        if s.locking.service != t.locking.service {
            // Another lock service: the lock servers come first, so storage nodes and shoppers keep their places
            // after them (the lock manager and the first Redlock server stand for each other).
            let (from, to) = (s.locking.service.lock_servers(), t.locking.service.lock_servers());
            carry_by_prefix(s, &mut t, from, to);
        } else {
            carry_by_role(s, &mut t);
        }
    }
    Ok(t)
}

/// `s`'s links and interventions, in `t` (same scenario, another protocol or topology) by role: server `k` stays
/// server `k` (dropped when `t` has no server `k`), shopper `j` stays shopper `j`; actions on a message in flight
/// are left out.
fn carry_by_role(s: &Scenario, t: &mut Scenario) {
    carry_by_prefix(s, t, s.servers(), t.servers());
}

/// `s`'s links and interventions in `t`, where `s`'s first `from` nodes became `t`'s first `to` (node `k` of them
/// stays `k`, dropped when `t` has no such node) and every later node moves with them.
fn carry_by_prefix(s: &Scenario, t: &mut Scenario, from: NodeId, to: NodeId) {
    let map = |n: NodeId| -> Option<NodeId> {
        if n < from {
            (n < to).then_some(n)
        } else {
            Some(n - from + to)
        }
    };
    t.network.links = s
        .network
        .links
        .iter()
        .filter_map(|l| {
            let mut l = l.clone();
            l.from = map(l.from)?;
            l.to = map(l.to)?;
            Some(l)
        })
        .collect();
    t.interventions = s
        .interventions
        .iter()
        .filter_map(|i| {
            let action = match &i.action {
                Action::Crash { node } => Action::Crash { node: map(*node)? },
                Action::Restart { node } => Action::Restart { node: map(*node)? },
                Action::Pause { node } => Action::Pause { node: map(*node)? },
                Action::Resume { node } => Action::Resume { node: map(*node)? },
                Action::DiskWipe { node } => Action::DiskWipe { node: map(*node)? },
                Action::Slow { node, handle_us } => Action::Slow { node: map(*node)?, handle_us: *handle_us },
                Action::DiskLatency { node, fsync_us } => {
                    Action::DiskLatency { node: map(*node)?, fsync_us: *fsync_us }
                }
                Action::ClockJump { node, by_us } => Action::ClockJump { node: map(*node)?, by_us: *by_us },
                Action::ClockDrift { node, ppm } => Action::ClockDrift { node: map(*node)?, ppm: *ppm },
                Action::Partition { groups } => Action::Partition {
                    groups: groups
                        .iter()
                        .map(|g| g.iter().filter_map(|&n| map(n)).collect::<Vec<_>>())
                        .filter(|g| !g.is_empty())
                        .collect(),
                },
                Action::Cut { from, to } => Action::Cut { from: map(*from)?, to: map(*to)? },
                Action::Heal => Action::Heal,
                Action::DropMessage { .. } | Action::DuplicateMessage { .. } | Action::DelayMessage { .. } => {
                    return None
                }
                Action::SetNetwork { link, settings } => Action::SetNetwork {
                    link: match link {
                        Some((a, b)) => Some((map(*a)?, map(*b)?)),
                        None => None,
                    },
                    settings: settings.clone(),
                },
                Action::Checkout { shopper, customer, lines } => {
                    Action::Checkout { shopper: map(*shopper)?, customer: *customer, lines: lines.clone() }
                }
                Action::Read { shopper, item } => Action::Read { shopper: map(*shopper)?, item: *item },
            };
            Some(Intervention { at_us: i.at_us, action })
        })
        .collect();
}

/// How one side of a comparison did: the figures of the summary table.
#[derive(Clone, Debug, PartialEq)]
pub struct Summary {
    pub label: String,
    pub confirmed: u64,
    pub rejected: u64,
    pub aborted: u64,
    pub unanswered: u64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub messages: u64,
    pub retries: u64,
    /// The first broken invariant and when, if any.
    pub first_violation: Option<(String, u64)>,
}

impl Summary {
    pub fn of(r: &dyn crate::Runner) -> Summary {
        Summary::from_report(&crate::Report::of(r), r)
    }

    /// From a report already made of run `r` (making one hashes the whole trace: do it once).
    pub fn from_report(rep: &crate::Report, r: &dyn crate::Runner) -> Summary {
        let s = r.scenario();
        Summary {
            label: if s.variant == "correct" {
                s.protocol.name().to_string()
            } else {
                format!("{} ({})", s.protocol.name(), s.variant)
            },
            confirmed: rep.checkouts_confirmed,
            rejected: rep.checkouts_rejected,
            aborted: rep.checkouts_aborted,
            unanswered: rep.checkouts_unanswered,
            p50_ms: rep.latency_ms_p50,
            p95_ms: rep.latency_ms_p95,
            p99_ms: rep.latency_ms_p99,
            messages: rep.messages_sent,
            retries: r.metrics().samples.get(crate::protocols::RETRIES_METRIC).map_or(0, |v| v.len() as u64),
            first_violation: r.violations().first().map(|v| (v.invariant.to_string(), v.at_us)),
        }
    }
}
