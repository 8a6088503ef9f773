//! The search: Wing & Gong's algorithm with Lowe's memoization, as Porcupine runs it.
//!
//! - Wing & Gong, "Testing and Verifying Concurrent Objects" (1993): walk the history's call and return entries in
//!   time order; at a call, try to linearize that operation now (the model must accept its answer), lift it out of
//!   the list and start again from the head; at a return whose operation is not yet linearized, undo the last choice.
//! - Lowe, "Testing for linearizability" (2017): remember every (set of linearized operations, model state) reached
//!   and never enter one twice. Without this the search is exponential on long histories with little concurrency.
//!
//! An operation with no answer (`return_us = None`) may or may not have taken effect: it has no return entry, so the
//! search may linearize it anywhere after its call or never. Linearizing one that changes nothing is never needed
//! (leaving it out is the same state with fewer constraints) and is skipped.
//!
//! The search counts its steps against a budget and answers `None` ("unknown") when it runs out, so an adversarial
//! history never hangs a run; the budget is a count, not a clock, so the verdict is the same on every machine.

use super::history::{Op, OpResult};
use super::model::ShopState;
use super::model::Spec;
use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

const NIL: usize = usize::MAX;

/// A candidate's place in the order of trying: (answer time or never, call time, call entry).
type Key = (u64, u64, usize);

/// One entry of the history in time order: the call or the return of operation `op`.
#[derive(Clone, Copy)]
struct Entry {
    op: usize,
    is_call: bool,
}

/// What one search found.
pub(crate) struct Found {
    /// `Some(true)` linearizable, `Some(false)` not, `None` unknown (the budget ran out).
    pub linearizable: Option<bool>,
    /// On a violation: the answered operation whose return the deepest partial linearization could not get past.
    pub stuck: Option<usize>,
}

/// The entries of `ops` in time order (a call before a return at the same microsecond: operations that touch in
/// time count as concurrent, the lenient reading), calls between two returns by their answer time.
fn entries(ops: &[&Op]) -> Vec<Entry> {
    let mut keyed: Vec<(u64, u8, usize)> = Vec::with_capacity(ops.len() * 2);
    for (i, op) in ops.iter().enumerate() {
        keyed.push((op.call_us, 0, i));
        if let Some(r) = op.return_us {
            keyed.push((r, 1, i));
        }
    }
    keyed.sort_unstable();
    // Within a run of calls with no return between them, the order is free (the candidates at any point are the
    // calls before the first return, whatever their order): try the one that must be answered soonest first, and
    // those never answered last. Trying operations open across a long outage in call order places the ones
    // answered last too early, and reads after them then fail deep in the search.
    let deadline = |op: usize| (ops[op].return_us.unwrap_or(u64::MAX), ops[op].call_us, op);
    let mut i = 0;
    while i < keyed.len() {
        let run = keyed[i..].iter().take_while(|k| k.1 == 0).count();
        keyed[i..i + run].sort_unstable_by_key(|k| deadline(k.2));
        i += run.max(1);
    }
    keyed.into_iter().map(|(_, kind, op)| Entry { op, is_call: kind == 0 }).collect()
}

/// A doubly linked list over the entries, with a head at index `len` (entry indices are `0..len`).
struct List {
    next: Vec<usize>,
    prev: Vec<usize>,
    head: usize,
}

impl List {
    fn new(len: usize) -> List {
        let head = len;
        let mut next: Vec<usize> = (1..=len).collect();
        next.push(if len == 0 { NIL } else { 0 });
        if let Some(last) = len.checked_sub(1) {
            next[last] = NIL;
        }
        let mut prev: Vec<usize> = (0..len).map(|i| if i == 0 { head } else { i - 1 }).collect();
        prev.push(NIL);
        List { next, prev, head }
    }

    fn unlink(&mut self, i: usize) {
        let (p, n) = (self.prev[i], self.next[i]);
        self.next[p] = n;
        if n != NIL {
            self.prev[n] = p;
        }
    }

    /// Puts back an entry removed by `unlink` (in the reverse order of removal).
    fn relink(&mut self, i: usize) {
        let (p, n) = (self.prev[i], self.next[i]);
        self.next[p] = i;
        if n != NIL {
            self.prev[n] = i;
        }
    }
}

/// A hasher for the memo's keys (words): each word goes through SplitMix64's finalizer. Keys are compared in
/// full, so a collision costs time, never a wrong answer. (With the standard SipHash and a key of three vectors a
/// step took about 1.2 µs; with one boxed slice and this, about 0.8.)
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        // A `[u64]` key arrives as its raw bytes in one call: mix it a word at a time.
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let mut b = [0u8; 8];
            b.copy_from_slice(w);
            self.0 = crate::rng::mix64(self.0 ^ u64::from_le_bytes(b));
        }
        for &b in words.remainder() {
            self.0 = crate::rng::mix64(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, w: u64) {
        self.0 = crate::rng::mix64(self.0 ^ w);
    }
    fn write_usize(&mut self, w: usize) {
        self.write_u64(w as u64);
    }
}

/// The memo's key: the linearized set's words, then the stock and the wallets.
fn key(linearized: &[u64], state: &ShopState) -> Box<[u64]> {
    let mut k = Vec::with_capacity(linearized.len() + state.stock.len() + state.wallets.len());
    k.extend_from_slice(linearized);
    k.extend(state.stock.iter().chain(&state.wallets).map(|&v| v as u64));
    k.into_boxed_slice()
}

/// The search's state: the list of entries not yet linearized, the linearized set, the model state and the stack
/// of choices made.
struct Search<'a> {
    spec: &'a Spec,
    ops: &'a [&'a Op],
    entries: Vec<Entry>,
    ret_of: Vec<usize>,
    list: List,
    answered_left: usize,
    linearized: Vec<u64>,
    seen: HashSet<Box<[u64]>, BuildHasherDefault<WordHasher>>,
    /// (call entry, state before it, whether it took the effect of an operation that may also have had none,
    /// whether it changed nothing: see [`Search::backtrack`]).
    stack: Vec<(usize, ShopState, bool, bool)>,
    state: ShopState,
}

impl Search<'_> {
    fn flip(&mut self, op: usize) {
        self.linearized[op / 64] ^= 1 << (op % 64);
    }

    /// Linearizes the operation of call entry `call` here, reaching `next`, unless
    /// that (linearized set, state) was reached before. Returns whether it did.
    fn linearize(&mut self, call: usize, next: ShopState, maybe_effect: bool) -> bool {
        let op = self.entries[call].op;
        // Changed nothing, and could not have: an uncertain checkout placed without its effect could still take it
        // later, so it is not placed once and for all.
        let pure = next == self.state && self.spec.step(&self.state, self.ops[op]).as_ref() == Some(&next);
        self.flip(op);
        if !self.seen.insert(key(&self.linearized, &next)) {
            self.flip(op);
            return false;
        }
        let before = std::mem::replace(&mut self.state, next);
        self.stack.push((call, before, maybe_effect, pure));
        self.list.unlink(call);
        if self.ops[op].return_us.is_some() {
            self.list.unlink(self.ret_of[op]);
            self.answered_left -= 1;
        }
        true
    }

    /// At a call entry, in the pass for its kind: an answered operation takes the effect its answer says; one
    /// whose result is unknown takes its effect if it has one (and, if it has an answer time, may also have had
    /// none: tried next, on backtracking).
    fn try_call(&mut self, call: usize) -> bool {
        let op = self.ops[self.entries[call].op];
        let Some(next) = self.spec.step(&self.state, op) else { return false };
        if op.result != OpResult::Unknown {
            return self.linearize(call, next, false);
        }
        let changes = next != self.state;
        if op.return_us.is_none() {
            return changes && self.linearize(call, next, false);
        }
        (changes && self.linearize(call, next, true)) || self.linearize(call, self.state.clone(), false)
    }

    /// Whether answered operation `op`, which does not fit now, never will after what was placed so far: stock and
    /// wallets only go down, so a confirmed checkout short of stock or money, or a read told more units than are
    /// left, cannot be placed in any extension (the branch is dead: backtrack at once instead of at its return).
    fn hopeless(&self, op: usize) -> bool {
        let op = self.ops[op];
        match op.result {
            // (`try_call` also fails on a state already seen: only a checkout the model refuses here is hopeless.)
            OpResult::Confirmed { .. } => self.spec.step(&self.state, op).is_none(),
            OpResult::Stock { item, units } => {
                self.state.stock.get(usize::from(item)).is_none_or(|&have| have < i64::from(units))
            }
            _ => false,
        }
    }

    /// The order candidates are tried in: the soonest answer first (never answered last), then the earliest call.
    fn key(&self, call: usize) -> Key {
        let op = self.entries[call].op;
        (self.ops[op].return_us.unwrap_or(u64::MAX), self.ops[op].call_us, call)
    }

    /// Whether the state now differs from `before` in what operation `op` needs (its item's stock for a read; its
    /// items' stock or its customer's wallet for a checkout).
    fn touches(&self, op: usize, before: &ShopState) -> bool {
        let op = self.ops[op];
        let stock = |i: u16| self.state.stock.get(usize::from(i)) != before.stock.get(usize::from(i));
        match op.read {
            Some(item) => stock(item),
            None => {
                op.lines.iter().any(|l| stock(l.item))
                    || self.state.wallets.get(usize::from(op.customer)) != before.wallets.get(usize::from(op.customer))
            }
        }
    }

    /// Undoes the last choice (or, for an operation that took an effect it may not have had, tries it without).
    /// Returns the entry and the pass to go on from, or `None` when there was no choice left (no linearization).
    ///
    /// An operation placed where it changed nothing (a read, a refusal, one that may have had no effect) is never
    /// tried elsewhere: if any linearization extends the operations placed before it, one places it right after
    /// them (moving an operation that changes nothing earlier, to a point where it is already a candidate and its
    /// answer holds, keeps every real-time order and every other answer). Undoing it therefore undoes the choice
    /// before it too. Without this, reads and refusals answered alike and open at once would be tried in every
    /// subset, 2^k for k of them.
    ///
    /// With `culprit` (the operation that can never be placed after this prefix, [`Search::hopeless`]), choices
    /// that left everything it needs as it was are undone without trying their alternatives (conflict-directed
    /// backjumping): after any of them it stays as hopeless, since what it needs was no higher there.
    fn backtrack(&mut self, culprit: Option<usize>) -> Option<(Option<Key>, Pass)> {
        loop {
            let (call, before, maybe_effect, pure) = self.stack.pop()?;
            let op = self.entries[call].op;
            self.flip(op);
            let innocent = culprit.is_some_and(|c| !self.touches(c, &before));
            self.state = before;
            let answered = self.ops[op].return_us.is_some();
            if answered {
                self.list.relink(self.ret_of[op]);
                self.answered_left += 1;
            }
            self.list.relink(call);
            if pure || innocent {
                continue;
            }
            if maybe_effect && self.linearize(call, self.state.clone(), false) {
                return Some((None, Pass::Answered));
            }
            return Some((Some(self.key(call)), if answered { Pass::Answered } else { Pass::Unanswered }));
        }
    }
}

/// Which operations a scan of the list tries. At each point of the search the candidates are the calls before the
/// first return; answered operations are tried first, and an unanswered one only when none of them fits. So an
/// operation that may or may not have happened is left out unless an answer needs it, and then it is placed as
/// late as that answer allows (it floats: its call stays in the list until used). The order of the choices does
/// not change the verdict, only how soon a linearization is found.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    Answered,
    Unanswered,
}

/// Searches for a linearization of `ops` from `start`, spending at most `budget` steps (decremented).
pub(crate) fn search(spec: &Spec, ops: &[&Op], start: &ShopState, budget: &mut u64) -> Found {
    let entries = entries(ops);
    let mut ret_of = vec![NIL; ops.len()];
    for (i, e) in entries.iter().enumerate() {
        if !e.is_call {
            ret_of[e.op] = i;
        }
    }
    let mut s = Search {
        spec,
        ops,
        list: List::new(entries.len()),
        entries,
        ret_of,
        answered_left: ops.iter().filter(|o| o.return_us.is_some()).count(),
        linearized: vec![0u64; ops.len().div_ceil(64)],
        seen: HashSet::default(),
        stack: Vec::new(),
        state: start.clone(),
    };
    // Where the scan of the candidates resumes after a backtrack: past this key, in this pass.
    let mut after: Option<Key> = None;
    let mut pass = Pass::Answered;
    let (mut deepest, mut stuck) = (0usize, None);
    let mut cands: Vec<(Key, usize)> = Vec::new();
    loop {
        if s.answered_left == 0 {
            return Found { linearizable: Some(true), stuck: None };
        }
        // The candidates: the calls before the first return, of this pass, past the resume point, soonest
        // answer first.
        cands.clear();
        let mut e = s.list.next[s.list.head];
        while e != NIL && s.entries[e].is_call {
            let k = s.key(e);
            if s.ops[s.entries[e].op].return_us.is_some() == (pass == Pass::Answered) && after.is_none_or(|a| k > a) {
                cands.push((k, e));
            }
            e = s.list.next[e];
        }
        if e == NIL {
            // The list ended before a return, yet an answered operation is not linearized: impossible, as its
            // return entry is still in the list. Kept as a guard.
            return Found { linearizable: None, stuck: None };
        }
        cands.sort_unstable();
        let mut next: Option<(Option<Key>, Pass)> = None;
        for &(_, call) in &cands {
            if *budget == 0 {
                return Found { linearizable: None, stuck: None };
            }
            *budget -= 1;
            if s.try_call(call) {
                next = Some((None, Pass::Answered));
                break;
            }
            let op = s.entries[call].op;
            if pass == Pass::Answered && s.hopeless(op) {
                if s.stack.len() >= deepest {
                    deepest = s.stack.len();
                    stuck = Some(op);
                }
                match s.backtrack(Some(op)) {
                    Some(n) => next = Some(n),
                    None => return Found { linearizable: Some(false), stuck },
                }
                break;
            }
        }
        if let Some((a, p)) = next {
            (after, pass) = (a, p);
            continue;
        }
        if pass == Pass::Answered {
            (after, pass) = (None, Pass::Unanswered);
            continue;
        }
        // Nothing fits before the first return, whose operation is not placed: a dead end.
        if *budget == 0 {
            return Found { linearizable: None, stuck: None };
        }
        *budget -= 1;
        if s.stack.len() >= deepest {
            deepest = s.stack.len();
            stuck = Some(s.entries[e].op);
        }
        match s.backtrack(None) {
            Some(n) => (after, pass) = n,
            None => return Found { linearizable: Some(false), stuck },
        }
    }
}
