//! Invariants: each has a name and the rule in words; a broken one is reported with the event that broke it.

use crate::narration::Note;
use crate::scenario::NodeId;
use serde::Serialize;

/// A safety rule a run must keep after every event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct InvariantInfo {
    pub name: &'static str,
    pub rule: &'static str,
}

/// A broken rule, as found after one event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: &'static str,
    pub rule: &'static str,
    /// The node whose state breaks the rule, when one does.
    pub node: Option<NodeId>,
    /// What is wrong, with the numbers that show it, rendered in the reader's language ([`crate::i18n`]).
    pub detail: Note,
    /// Filled in by the engine: when, and at which event of the run.
    pub at_us: u64,
    pub event: u64,
}

impl Violation {
    pub fn new(info: &InvariantInfo, node: Option<NodeId>, detail: Note) -> Self {
        Violation { invariant: info.name, rule: info.rule, node, detail, at_us: 0, event: 0 }
    }
}

/// The verdict on one invariant at the end of a run.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub invariant: &'static str,
    pub rule: &'static str,
    pub held: bool,
    /// The first violation, if it broke.
    pub first: Option<Violation>,
}
