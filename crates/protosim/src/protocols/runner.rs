//! A run of any protocol behind one object-safe trait, for the CLI, the sweep and the browser: [`Runner`] (and the
//! [`NodeView`] it draws nodes with), implemented by the engine for every protocol.

use crate::domain::Catalogue;
use crate::engine::{Engine, NodeDetail, Protocol, Role};
use crate::invariants::{Verdict, Violation};
use crate::scenario::{NodeId, Scenario};
use crate::trace::{Metrics, StopReason, TraceEvent};
use serde::Serialize;

/// A node as the UI draws it.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct NodeView {
    pub id: NodeId,
    pub name: String,
    pub role: Role,
    pub up: bool,
    /// Its state at a glance, rendered in the reader's language.
    pub summary: crate::narration::Note,
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
