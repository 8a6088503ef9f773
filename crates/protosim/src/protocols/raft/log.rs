//! The Raft log: entries of (term, command), 1-based as in the paper, each chained to every entry before it.
//!
//! The log is what Raft replicates; everything else is derived from it. Two rules make it safe (Figure 2 and
//! section 5.3): AppendEntries carries the index and term of the entry just before the new ones, and a follower
//! refuses unless its own log has that entry (the *consistency check*); a conflicting suffix is deleted before the
//! leader's entries are appended. Together they give the *Log Matching* property: two logs with an entry of the
//! same index and term are identical up to it. The `chain` hash makes that checkable in one comparison.

use crate::domain::CheckoutRequest;
use crate::rng::mix64;
use std::rc::Rc;

/// A logged checkout command. Entries travel in every AppendEntries and sit in every log: sharing them keeps
/// replication from copying baskets around.
pub type Cmd = Rc<CheckoutRequest>;

/// One log entry. `chain` hashes this entry with every entry before it in this server's log, so two servers
/// whose entries at one index have equal chains have identical logs up to there (the checker relies on it).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub term: u64,
    /// `None`: the no-op a new leader appends. Shared, not copied, between logs and messages.
    pub cmd: Option<Cmd>,
    pub chain: u64,
}

/// A server's log, 1-based like the paper. Keeps the chains right and remembers the lowest index changed since
/// the checker last looked.
#[derive(Clone, Debug, Default)]
pub struct RaftLog {
    pub(super) entries: Vec<Entry>,
    pub(super) dirty_from: Option<u64>,
}

fn chain_of(prev: u64, term: u64, cmd: &Option<Cmd>) -> u64 {
    mix64(prev ^ mix64(term.wrapping_mul(0x9E37_79B9) ^ cmd.as_ref().map_or(0, |c| c.request_id.wrapping_add(1))))
}

impl RaftLog {
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }
    pub fn get(&self, index: u64) -> Option<&Entry> {
        if index == 0 {
            None
        } else {
            self.entries.get((index - 1) as usize)
        }
    }
    pub fn term_at(&self, index: u64) -> u64 {
        self.get(index).map_or(0, |e| e.term)
    }
    pub(super) fn chain_at(&self, index: u64) -> u64 {
        self.get(index).map_or(0, |e| e.chain)
    }
    pub(super) fn touch(&mut self, index: u64) {
        self.dirty_from = Some(self.dirty_from.map_or(index, |d| d.min(index)));
    }
    pub fn append(&mut self, term: u64, cmd: Option<Cmd>) -> u64 {
        let chain = chain_of(self.chain_at(self.last_index()), term, &cmd);
        self.entries.push(Entry { term, cmd, chain });
        let i = self.last_index();
        self.touch(i);
        i
    }
    /// Deletes the entry at `index` and every one after it.
    pub fn truncate_from(&mut self, index: u64) {
        if index >= 1 && index <= self.last_index() {
            self.entries.truncate((index - 1) as usize);
            self.touch(index);
        }
    }
    /// Replaces the whole log (the `copy-whole-log` mistake).
    pub(super) fn replace(&mut self, entries: &[(u64, Option<Cmd>)]) {
        self.entries.clear();
        for (term, cmd) in entries {
            self.append(*term, cmd.clone());
        }
        self.touch(1);
    }
    pub(super) fn first_index_of_term(&self, index: u64) -> u64 {
        let term = self.term_at(index);
        let mut i = index;
        while i > 1 && self.term_at(i - 1) == term {
            i -= 1;
        }
        i
    }
    pub(super) fn last_index_of_term(&self, term: u64) -> Option<u64> {
        (1..=self.last_index()).rev().find(|&i| self.term_at(i) == term)
    }
    pub(super) fn wire(&self, from: u64, max: usize) -> Vec<(u64, Option<Cmd>)> {
        self.entries.iter().skip((from.max(1) - 1) as usize).take(max).map(|e| (e.term, e.cmd.clone())).collect()
    }
}
