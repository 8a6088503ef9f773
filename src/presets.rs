//! The scenarios the page opens with: one per protocol, each staging that protocol's central lesson, and the
//! scenario a URL fragment names.

use protosim::scenario::ProtocolKind;
use protosim::{Scenario, ScenarioError};

/// What a page without a scenario link opens with.
pub const DEFAULT_PROTOCOL: ProtocolKind = protosim::protocols::raft::KIND;

/// The scenario a fresh page shows for a protocol: the lesson it declares ([`protosim::protocols::ProtocolInfo::lesson`]),
/// with its default cluster.
pub fn default_scenario(kind: ProtocolKind) -> Scenario {
    default_scenario_sized(kind, protosim::protocols::info(kind).default_nodes)
}

/// The default scenario of a protocol with another cluster size (the setup bar's size picker).
pub fn default_scenario_sized(kind: ProtocolKind, nodes: u16) -> Scenario {
    protosim::protocols::lesson(kind, nodes)
}

/// The scenario to show for a URL fragment: the default when there is none, or an error to show beside it.
pub fn scenario_for_fragment(fragment: &str) -> (Scenario, Option<ScenarioError>) {
    // The scenario is the part that is not a `name=value` parameter (`&lang=zh-CN`); there may be none.
    let f = fragment.trim().trim_start_matches('#').split('&').find(|p| !p.contains('=')).unwrap_or_default();
    if f.is_empty() {
        return (default_scenario(DEFAULT_PROTOCOL), None);
    }
    match Scenario::from_compact(f) {
        Ok(s) => (s, None),
        Err(e) => (default_scenario(DEFAULT_PROTOCOL), Some(e)),
    }
}
