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

/// `a` then `b`, as one list of `N` rules (`N` = A + B, checked when the constant is built): a protocol's own
/// invariants and another's it runs beside them (Raft's under pessimistic locking's Raft lock service).
pub const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [InvariantInfo; A],
    b: [InvariantInfo; B],
) -> [InvariantInfo; N] {
    assert!(A + B == N, "N must be A + B");
    let mut out = [InvariantInfo { name: "", rule: "" }; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
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
