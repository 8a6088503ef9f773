//! What a protocol says about itself: its name and variants, its invariants, its topology (how many servers a
//! scenario's `nodes` mean), and its liveness promise (a bound, and which servers it needs up).
//! The registry ([`crate::protocols::info`]) hands these out; the protocols themselves import only this module.

use crate::invariants::InvariantInfo;
use crate::scenario::{NodeId, ProtocolKind, Scenario};
use serde::Serialize;

/// `count` consecutive servers from `first`, of which at least `need` must be up for the protocol to make progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QuorumGroup {
    pub first: NodeId,
    pub count: u16,
    pub need: u16,
}

impl QuorumGroup {
    /// A majority of `count` servers from `first`.
    pub fn majority(first: NodeId, count: u16) -> QuorumGroup {
        QuorumGroup { first, count, need: count / 2 + 1 }
    }
    /// Every one of `count` servers from `first`.
    pub fn all(first: NodeId, count: u16) -> QuorumGroup {
        QuorumGroup { first, count, need: count }
    }
}

/// A named variant: `correct`, or a textbook mistake explained in one line.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct VariantInfo {
    pub name: &'static str,
    pub explain: &'static str,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct ProtocolInfo {
    pub kind: ProtocolKind,
    pub title: &'static str,
    /// Allowed number of server nodes, inclusive.
    pub nodes: (u16, u16),
    pub default_nodes: u16,
    pub variants: &'static [VariantInfo],
    /// Every invariant checked after each event, business rules included.
    pub invariants: &'static [InvariantInfo],
    /// Liveness promise: once [`ProtocolInfo::liveness_quorum`] is up and connected, every checkout is answered
    /// within this many ms (see [`crate::liveness`]; `run` reports it, sweeps count its failures).
    pub liveness_bound_ms: Option<u64>,
    /// The servers this protocol needs up to make progress, given the scenario and its number of servers.
    #[serde(skip)]
    pub liveness_quorum: fn(&Scenario, u16) -> Vec<QuorumGroup>,
    /// The natural opponent to compare it with in the page's Compare view (same workload, seed and faults).
    pub compare_with: ProtocolKind,
    /// The measurements it records with `Ctx::sample` (a test checks that every one recorded is declared).
    pub metrics: &'static [MetricInfo],
    /// The topology: how many server nodes (node ids `0..servers`) a scenario runs; shoppers come after them.
    #[serde(skip)]
    pub servers: fn(&Scenario) -> u16,
}

/// What a protocol-specific measurement counts, so reports print it right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// A duration in microseconds (printed in ms).
    Micros,
    /// A count (attempts, retries).
    Count,
}

/// A measurement a protocol records with `Ctx::sample`: its name, unit and meaning.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct MetricInfo {
    pub name: &'static str,
    pub unit: MetricUnit,
    pub what: &'static str,
}

/// Every protocol whose shoppers use the shared client records this.
pub const RETRIES: MetricInfo = MetricInfo {
    name: crate::trace::RETRIES_METRIC,
    unit: MetricUnit::Count,
    what: "a checkout attempt sent again (a resend, or a new attempt after a conflict or an abort)",
};

/// A cluster of exactly `nodes` servers (most protocols).
pub fn nodes_only(s: &Scenario) -> u16 {
    s.nodes
}

/// Every server of the scenario must be up (a single coordinator or database, a lock service).
pub fn every_server(_: &Scenario, servers: u16) -> Vec<QuorumGroup> {
    vec![QuorumGroup::all(0, servers)]
}
