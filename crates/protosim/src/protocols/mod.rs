//! The protocols, and the one place that maps a scenario's protocol name to its implementation.
//!
//! Adding a protocol: write a module with a type implementing [`Protocol`], give it a [`ProtocolInfo`], and add one
//! arm to [`info`] and one member to [`any::AnyProtocol`] (plus the name in [`ProtocolKind`]). Everything else — the CLI, the sweep,
//! the browser app — works through [`Runner`] and needs no change.

pub mod any;
pub mod locking;
pub mod paxos;
pub mod raft;
pub mod single;
pub mod twopc;

use crate::domain::Catalogue;
use crate::engine::{Engine, NodeDetail, Protocol, RecordOptions, Role};
use crate::invariants::{InvariantInfo, Verdict, Violation};
use crate::scenario::{NodeId, ProtocolKind, Scenario, ScenarioError};
use crate::trace::{Metrics, StopReason, TraceEvent};
use serde::Serialize;

/// How long a shopper waits for an answer before sending checkout attempt number `attempts` (1, 2, …) again: the
/// retry interval, doubled per attempt up to eight times, plus up to half an interval of jitter so that shoppers
/// do not retry in step. Shared by the protocols whose shoppers retry a whole checkout (Raft, Paxos, 2PC).
/// Every attempt after the first counts as a retry ([`RETRIES_METRIC`], charted over time).
pub fn retry_after_us<P: crate::engine::Protocol>(
    ctx: &mut crate::engine::Ctx<'_, P>,
    retry_us: u64,
    attempts: u32,
) -> u64 {
    if attempts > 1 {
        ctx.sample(RETRIES_METRIC, 1);
    }
    (retry_us << (attempts - 1).min(3)) + ctx.rng().range_u64(0, retry_us / 2)
}

/// A count metric every protocol records once per retried checkout attempt (a resend, or a new attempt after a
/// conflict or an abort).
pub const RETRIES_METRIC: &str = "retries";

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
    /// Liveness promise: after the faults heal, every checkout is answered within this many ms (sweeps check it).
    pub liveness_bound_ms: Option<u64>,
}

pub fn info(kind: ProtocolKind) -> &'static ProtocolInfo {
    match kind {
        ProtocolKind::Single => &single::INFO,
        ProtocolKind::Raft => &raft::INFO,
        ProtocolKind::Paxos => &paxos::INFO,
        ProtocolKind::TwoPc => &twopc::INFO,
        ProtocolKind::Pessimistic => &locking::PESSIMISTIC_INFO,
        ProtocolKind::Optimistic => &locking::OPTIMISTIC_INFO,
    }
}

/// A node as the UI draws it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NodeView {
    pub id: NodeId,
    pub name: String,
    pub role: Role,
    pub up: bool,
    pub summary: String,
    pub detail: NodeDetail,
}

/// A run of any protocol, type-erased for the CLI and the browser.
pub trait Runner {
    /// Processes one event; false once the run has stopped.
    fn step(&mut self) -> bool;
    /// Processes up to `n` events; false once the run has stopped (a caller taking the trace in pieces steps so).
    fn step_many(&mut self, n: usize) -> bool {
        (0..n).all(|_| self.step())
    }
    fn run_to_end(&mut self);
    fn scenario(&self) -> &Scenario;
    fn catalogue(&self) -> &Catalogue;
    fn trace(&self) -> &[TraceEvent];
    /// Hands over the events recorded since the last call, so a caller can consume a long trace in pieces and
    /// never hold it whole (the page does). [`Runner::trace`] then holds only what came after.
    fn take_trace(&mut self) -> Vec<TraceEvent>;
    fn metrics(&self) -> &Metrics;
    fn violations(&self) -> &[Violation];
    fn verdicts(&self) -> Vec<Verdict>;
    fn stop_reason(&self) -> Option<&StopReason>;
    fn now_us(&self) -> u64;
    /// Every node with its state after the last event at or before `t_us` (from the nearest checkpoint).
    fn views_at(&self, t_us: u64) -> Vec<NodeView>;
    fn checkpoint_count(&self) -> usize;
}

impl<P: Protocol> Runner for Engine<P> {
    fn step(&mut self) -> bool {
        Engine::step(self)
    }
    fn run_to_end(&mut self) {
        Engine::run_to_end(self)
    }
    fn scenario(&self) -> &Scenario {
        &self.scenario
    }
    fn catalogue(&self) -> &Catalogue {
        &self.catalogue
    }
    fn trace(&self) -> &[TraceEvent] {
        &self.trace
    }
    fn take_trace(&mut self) -> Vec<TraceEvent> {
        std::mem::take(&mut self.trace)
    }
    fn metrics(&self) -> &Metrics {
        &self.core.metrics
    }
    fn violations(&self) -> &[Violation] {
        &self.core.violations
    }
    fn verdicts(&self) -> Vec<Verdict> {
        Engine::verdicts(self)
    }
    fn stop_reason(&self) -> Option<&StopReason> {
        self.core.stop.as_ref()
    }
    fn now_us(&self) -> u64 {
        self.core.now_us
    }
    fn views_at(&self, t_us: u64) -> Vec<NodeView> {
        let core = self.core_at(t_us);
        core.nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = i as NodeId;
                NodeView {
                    id,
                    name: self.proto.node_name(id),
                    role: self.proto.role(id),
                    up: n.up,
                    summary: self.proto.summary(id, n.state.as_ref(), &n.disk),
                    detail: self.proto.detail(id, n.state.as_ref(), &n.disk),
                }
            })
            .collect()
    }
    fn checkpoint_count(&self) -> usize {
        Engine::checkpoint_count(self)
    }
}

/// Validates a scenario and builds its run (nothing is simulated yet).
pub fn build(scenario: &Scenario, opts: RecordOptions) -> Result<Box<dyn Runner>, ScenarioError> {
    scenario.validate()?;
    Ok(Box::new(Engine::<any::AnyProtocol>::new(scenario, opts)))
}
