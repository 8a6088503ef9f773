//! How a node is drawn: the view types every protocol fills in and the page (and `protosim run --events`) shows.
//! Plain data at the bottom of the crate: the trace records them, the engine passes them through, the protocols
//! build them.
//!
//! Whatever in a node box is words is typed, not English: labels and words are [`Note`]s, values [`Arg`]s, rendered
//! in the reader's language by [`crate::i18n::Language`] (`protocols.ftl`); only identifiers (`#3.1`, `n2`, a
//! ballot `4.2`, a row name) are plain text.

use crate::i18n::Language;
use crate::narration::{Arg, Note};

/// What a node is in the cluster picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Server,
    Shopper,
}

/// A node's state laid out for drawing: facts as chips, the tail of a replicated log, a running timer.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct NodeDetail {
    /// Short labelled facts: a label (`fact.term`: "term", "任期") and a value (`3`, or a word such as
    /// `role.leader`). The first is usually the role ([`NodeDetail::role`]).
    pub facts: Vec<(Note, Arg)>,
    /// The last entries of the node's log, oldest first.
    pub log: Vec<LogCell>,
    /// A running timer to draw as a ring: (set at µs, fires at µs).
    pub timer: Option<(u64, u64)>,
    /// How to read the log cells, e.g. "number = term · filled = committed"; none for a box without cells.
    pub legend: Option<Note>,
    /// Since when the node has been blocked holding resources it cannot release (2PC's uncertain participant).
    pub blocked_since_us: Option<u64>,
    /// A small table: the lock table of a lock manager, the rows of a storage node.
    pub table: Vec<TableLine>,
    /// A wait-for graph (lock manager only).
    pub waits: Vec<WaitEdge>,
    /// What the box says when it has neither log cells nor table rows ("no row is locked"); none: "nothing logged
    /// yet", for a node whose box shows a log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty: Option<Note>,
}

/// One line of a small table in a node box: a lock table's row (holders ← queue), a stored row (value, version).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TableLine {
    /// An identifier (a row's name, a transaction's).
    pub key: String,
    pub text: Note,
    /// Drawn highlighted: a row in a deadlock cycle, a row being fenced, a row with a pending write.
    pub hot: bool,
}

/// An edge of a wait-for graph: a waiting transaction and one it waits for.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct WaitEdge {
    /// The waiting transaction, e.g. "#12.1".
    pub waiter: String,
    /// The transaction that holds the lock (or is queued ahead for it).
    pub holder: String,
    /// The row it waits for.
    pub row: String,
    /// The edge is on a cycle: a deadlock.
    pub cycle: bool,
}

/// One entry of a replicated log, as drawn.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct LogCell {
    pub index: u64,
    pub term: u64,
    /// What the entry holds, in a few characters (`#12`, or a no-op in words).
    pub text: Arg,
    pub committed: bool,
}

impl NodeDetail {
    /// A fact's label key (`fact.role`) and value.
    pub fn fact(&self, key: &str) -> Option<&Arg> {
        self.facts.iter().find(|(label, _)| label.key == key).map(|(_, v)| v)
    }

    /// The facts as `lang` shows them: (label, value), in order.
    pub fn facts_in(&self, lang: &Language) -> Vec<(String, String)> {
        self.facts.iter().map(|(label, value)| (lang.render(label), lang.render_arg(value))).collect()
    }

    /// The value of fact `key` (`fact.role`) as `lang` shows it.
    pub fn fact_in(&self, key: &str, lang: &Language) -> Option<String> {
        self.fact(key).map(|v| lang.render_arg(v))
    }

    /// How to read the log cells, in `lang`; empty when there is no legend.
    pub fn legend_in(&self, lang: &Language) -> String {
        self.legend.as_ref().map(|n| lang.render(n)).unwrap_or_default()
    }

    /// The node's role as a slug (`leader`, `lock-manager`, `down`): the key of its `fact.role` value without its
    /// `role.` prefix, `_` as `-`. For styling and tests; readers see the role rendered.
    pub fn role(&self) -> Option<String> {
        match self.fact("fact.role")? {
            Arg::Say(n) => Some(n.key.strip_prefix("role.").unwrap_or(n.key).replace('_', "-")),
            _ => None,
        }
    }
}

/// A fact: its label `key` (a `fact.…` note) and its value.
pub fn fact(label: Note, value: impl Into<Arg>) -> (Note, Arg) {
    (label, value.into())
}
