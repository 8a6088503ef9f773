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

/// What a log can hold: a command of the replicated state machine ([`super::Machine::Cmd`]), cheap to clone (the
/// log and every AppendEntries carry it) and with an identity the entry's `chain` hashes.
pub trait LogCmd: Clone + std::fmt::Debug + PartialEq {
    /// A number that tells this command from others (a checkout's request id); two different commands may share
    /// it only if the chains need not tell them apart.
    fn id(&self) -> u64;
}

impl LogCmd for Cmd {
    fn id(&self) -> u64 {
        self.request_id
    }
}

/// One log entry. `chain` hashes this entry with every entry before it in this server's log, so two servers
/// whose entries at one index have equal chains have identical logs up to there (the checker relies on it).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<C = Cmd> {
    pub term: u64,
    /// `None`: the no-op a new leader appends. Shared, not copied, between logs and messages.
    pub cmd: Option<C>,
    pub chain: u64,
}

/// How many entries one shared chunk of a log holds.
const CHUNK: usize = 64;

/// A server's log, 1-based like the paper. Keeps the chains right and remembers the lowest index changed since
/// the checker last looked.
///
/// Entries are kept in shared chunks of [`CHUNK`]: a clone of the log (the durable image a disk with fsync latency
/// keeps until its fsync, [`crate::engine::Ctx::persist`]) shares every chunk and costs a pointer per chunk; the
/// next write copies at most the chunk it changes.
#[derive(Clone, Debug)]
pub struct RaftLog<C = Cmd> {
    chunks: Vec<Rc<Vec<Entry<C>>>>,
    len: usize,
    pub(super) dirty_from: Option<u64>,
}

impl<C> Default for RaftLog<C> {
    fn default() -> Self {
        RaftLog { chunks: Vec::new(), len: 0, dirty_from: None }
    }
}

fn chain_of<C: LogCmd>(prev: u64, term: u64, cmd: &Option<C>) -> u64 {
    mix64(prev ^ mix64(term.wrapping_mul(0x9E37_79B9) ^ cmd.as_ref().map_or(0, |c| c.id().wrapping_add(1))))
}

impl<C: LogCmd> RaftLog<C> {
    pub fn last_index(&self) -> u64 {
        self.len as u64
    }
    pub fn last_term(&self) -> u64 {
        self.get(self.last_index()).map_or(0, |e| e.term)
    }
    pub fn get(&self, index: u64) -> Option<&Entry<C>> {
        if index == 0 || index > self.last_index() {
            None
        } else {
            let i = (index - 1) as usize;
            self.chunks.get(i / CHUNK).and_then(|c| c.get(i % CHUNK))
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
    pub fn append(&mut self, term: u64, cmd: Option<C>) -> u64 {
        let chain = chain_of(self.chain_at(self.last_index()), term, &cmd);
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        let last = self.chunks.last_mut().expect("a chunk with room");
        Rc::make_mut(last).push(Entry { term, cmd, chain });
        self.len += 1;
        let i = self.last_index();
        self.touch(i);
        i
    }
    /// Keeps the first `n` entries.
    fn keep(&mut self, n: usize) {
        self.chunks.truncate(n.div_ceil(CHUNK));
        if !n.is_multiple_of(CHUNK) {
            if let Some(last) = self.chunks.last_mut() {
                Rc::make_mut(last).truncate(n % CHUNK);
            }
        }
        self.len = n;
    }
    /// Deletes the entry at `index` and every one after it.
    pub fn truncate_from(&mut self, index: u64) {
        if index >= 1 && index <= self.last_index() {
            self.keep((index - 1) as usize);
            self.touch(index);
        }
    }
    /// Replaces the whole log (the `copy-whole-log` mistake).
    pub(super) fn replace(&mut self, entries: &[(u64, Option<C>)]) {
        self.keep(0);
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
    pub(super) fn wire(&self, from: u64, max: usize) -> Vec<(u64, Option<C>)> {
        let first = from.max(1);
        let last = self.last_index().min(first.saturating_add(max as u64).saturating_sub(1));
        (first..=last).filter_map(|i| self.get(i)).map(|e| (e.term, e.cmd.clone())).collect()
    }
}
