//! The protocols, and the one place that maps a scenario's protocol name to its implementation.
//!
//! Adding a protocol: `docs/adding-a-protocol.md` lists every place, each checked by a test or the compiler. Here:
//! its `pub mod` line; its one line in the registry is in [`any`]. [`info`], [`kinds`], [`parse`] and [`lesson`]
//! read the registry; the CLI, the sweep, liveness and the browser app work through [`Runner`] and
//! [`ProtocolInfo`].

pub mod any;
pub mod client;
pub mod embed;
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

/// The invariants a run of `scenario` checks, in the order its verdicts list them: its protocol's
/// ([`ProtocolInfo::invariants`]) and, where it runs another protocol inside it, that one's too (Raft's four under
/// pessimistic locking's Raft lock service).
pub fn invariants(scenario: &Scenario) -> &'static [crate::invariants::InvariantInfo] {
    use crate::engine::Protocol;
    any::AnyProtocol::new(scenario, &crate::domain::Catalogue::new(&scenario.workload)).invariants()
}

/// Validates a scenario and builds its run (nothing is simulated yet).
pub fn build(scenario: &Scenario, opts: RecordOptions) -> Result<Box<dyn Runner>, ScenarioError> {
    scenario.validate()?;
    Ok(Box::new(Engine::<any::AnyProtocol>::new(scenario, opts)))
}

/// Every text the registered protocols declare in English about themselves, with the catalogue key that translates
/// it into other languages ([`crate::i18n::info_key`]): titles (`info.title.raft`), variant explanations
/// (`info.variant.raft.no_log_check`), invariant rules (`info.invariant.election_safety`), metric meanings and chart
/// labels (`info.metric.raft.commit_wait.what`, `….label`), option labels and help (`info.option.paxos.proposers.label`,
/// `….help`). The page shows each through the `…_in(lang)` methods below ([`ProtocolInfo::title_in`],
/// [`ProtocolInfo::variant_in`], [`InvariantInfo::rule_in`], …), never by building a key itself;
/// `tests/narration.rs` checks that every language but English has every one.
///
/// An invariant's key is its name alone, not its protocol's: the business rules (`no-oversell`, …) are declared by
/// several protocols, always with the same rule text (`tests/narration.rs` checks it), and translated once. Should
/// two protocols ever give one name different rules, that test fails and the key must become per protocol.
pub fn info_texts() -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    let mut push = |key: String, english: &'static str| {
        if !out.iter().any(|(k, _)| *k == key) {
            out.push((key, english));
        }
    };
    for info in REGISTRY {
        push(info.title_key(), info.title);
        for v in info.variants {
            push(info.variant_key(v), v.explain);
        }
        for i in info.invariants {
            push(i.rule_key(), i.rule);
        }
        for m in info.metrics {
            push(info.metric_key(m, "what"), m.what);
            push(info.metric_key(m, "label"), m.label);
        }
        for o in info.options {
            push(info.option_key(o, "label"), o.label);
            push(info.option_key(o, "help"), o.help);
            if let meta::OptionValues::OneOf(values) = o.values {
                for v in values {
                    push(info.option_key(o, &format!("value.{v}")), v);
                }
            }
        }
    }
    out
}
