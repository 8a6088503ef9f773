//! The protocols, and the one place that maps a scenario's protocol name to its implementation.
//!
//! Adding a protocol: `docs/adding-a-protocol.md` lists every place, each checked by a test or the compiler. Here:
//! its `pub mod` line; its one line in the registry is in [`any`]. [`info`], [`kinds`], [`parse`] and [`lesson`]
//! read the registry; the CLI, the sweep, liveness and the browser app work through [`Runner`] and
//! [`ProtocolInfo`].

pub mod any;
pub mod client;
pub mod locking;
pub mod meta;
pub mod paxos;
pub mod raft;
pub mod runner;
pub mod single;
pub mod twopc;

use crate::engine::{Engine, RecordOptions};
use crate::scenario::{ProtocolKind, Scenario, ScenarioError};

pub use crate::trace::RETRIES_METRIC;
pub use meta::{every_server, nodes_only, ProtocolInfo, QuorumGroup, VariantInfo};

pub use any::REGISTRY;
pub use runner::{NodeView, Runner};

/// What the protocol registered as `kind` says about itself, if one is.
pub fn try_info(kind: ProtocolKind) -> Option<&'static ProtocolInfo> {
    REGISTRY.iter().copied().find(|i| i.kind == kind)
}

/// What the protocol registered as `kind` says about itself. Panics for a kind no protocol is registered under:
/// a scenario's protocol is checked when it is read ([`Scenario::validate`]).
pub fn info(kind: ProtocolKind) -> &'static ProtocolInfo {
    try_info(kind).unwrap_or_else(|| panic!("no protocol is registered as `{kind}`"))
}

/// The registered protocol called `name`.
pub fn parse(name: &str) -> Option<ProtocolKind> {
    kinds().find(|k| k.name() == name)
}

/// Every registered protocol's name, in registry order.
pub fn names() -> Vec<&'static str> {
    REGISTRY.iter().map(|i| i.kind.name()).collect()
}

/// The scenario the page opens with for `kind` with `nodes` servers: its [`ProtocolInfo::lesson`], timed
/// against trial runs of the engine.
pub fn lesson(kind: ProtocolKind, nodes: u16) -> Scenario {
    let trial = |s: &Scenario, until_us: u64| {
        let mut r = Engine::<any::AnyProtocol>::new(s, RecordOptions { narrate: false, checkpoint_every: 0 });
        while r.now_us() < until_us && r.step() {}
        let until_us = until_us.min(r.now_us());
        meta::TrialRun { views: r.views_at(until_us), trace: std::mem::take(&mut r.trace) }
    };
    (info(kind).lesson)(nodes, &trial)
}

/// Every registered protocol's kind, in registry order.
pub fn kinds() -> impl Iterator<Item = ProtocolKind> {
    REGISTRY.iter().map(|i| i.kind)
}

/// Validates a scenario and builds its run (nothing is simulated yet).
pub fn build(scenario: &Scenario, opts: RecordOptions) -> Result<Box<dyn Runner>, ScenarioError> {
    scenario.validate()?;
    Ok(Box::new(Engine::<any::AnyProtocol>::new(scenario, opts)))
}
