//! Linearizability of what the shoppers were told: could every answer of a run have come from one correct shop,
//! taking the checkouts one at a time, each at some moment between its submission and its answer?
//!
//! This is the judgement Jepsen (Knossos) and Porcupine make of real databases, from the outside: it reads only the
//! client history ([`History`]: each checkout's submission, answer and times), never the nodes' state, so it catches
//! what the internal invariants miss (an answer that no order of the sales explains). Herlihy & Wing, "Linearizability:
//! A Correctness Condition for Concurrent Objects" (1990), define it; [`model`] is the shop's sequential
//! specification and [`search`] the Wing & Gong search with Lowe's memoization.
//!
//! - A checkout is an interval from its submission (the shopper writes it to its outbox and sends it in the same
//!   step) to the answer the shopper heard.
//! - An answer that says nothing happened (aborted: a vote timeout, lost to contention, busy) is left out, as Jepsen
//!   leaves out a `:fail`. A checkout never answered, or given up by its shopper, may have taken effect at any moment
//!   after its submission, or never (Jepsen's `:info`).
//! - The history is split into independent parts where that is sound: checkouts that share no item and no customer
//!   touch disjoint state, and linearizability is local (Herlihy & Wing, theorem 1), so each connected group of items
//!   and customers is judged on its own.
//! - The search has a budget of steps: past it the verdict is "unknown", never a hang. It is a count, not a clock,
//!   so a verdict is the same on every machine (`ms` in the report is the wall time, for benchmarks).
//! - On a violation the witness is made small: answers are relaxed one group at a time (a refusal dropped, a
//!   confirmed checkout turned into one that may or may not have taken effect within its interval) while the rest
//!   still cannot be ordered; what is left cannot be ordered whatever the relaxed checkouts did.

pub mod export;
pub mod history;
pub mod model;
mod search;

use crate::domain::Catalogue;
use crate::invariants::Violation;
use crate::narration::{Arg, Note};
use crate::note;
use crate::scenario::{NodeId, Scenario};
use crate::vecmap::VecMap;
pub use history::{history_of, History, HistoryRecorder, Op, OpResult, EXPECT};
pub use model::{ShopState, Spec};
use serde::Serialize;

/// Steps the search may take per run before it answers "unknown" (about three seconds natively on the slowest
/// histories tried; a correct 10,000-checkout history takes a few hundred thousand). 4,000,000 left one of the
/// 60-seed faulty Raft sample unknown (it needs about 5 million); 12,000,000 resolves three in four of the faulty
/// Raft histories 4,000,000 could not.
pub const DEFAULT_BUDGET: u64 = 12_000_000;

/// Steps one check of a candidate witness may take: a candidate whose proof is longer is not taken (the witness
/// stays larger, never wrong). The whole shrinking has [`DEFAULT_BUDGET`] more.
const WITNESS_CHECK_BUDGET: u64 = 20_000;

/// The rule as the invariants list it (the hunt and the sweep report a broken history under this name).
pub const RULE: crate::invariants::InvariantInfo = crate::invariants::InvariantInfo {
    name: EXPECT,
    rule: "every answer the shoppers got could have come from one correct shop taking the checkouts one at a time",
};

/// The nodes' names as the page and the CLI show them (`shopper0`, `db`, …), for witnesses in words.
pub fn node_names(scenario: &Scenario) -> impl Fn(NodeId) -> String {
    let catalogue = Catalogue::new(&scenario.workload);
    let proto = <crate::protocols::any::AnyProtocol as crate::engine::Protocol>::new(scenario, &catalogue);
    move |n| crate::engine::Protocol::node_name(&proto, n)
}

/// The verdict on a history.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinVerdict {
    Linearizable,
    Violated,
    /// The search ran out of its budget before it could tell.
    Unknown,
}

impl LinVerdict {
    pub fn name(self) -> &'static str {
        match self {
            LinVerdict::Linearizable => "linearizable",
            LinVerdict::Violated => "violated",
            LinVerdict::Unknown => "unknown",
        }
    }
}

/// A set of answers no order explains, whatever the other checkouts did.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Witness {
    /// The answered checkouts that cannot all be true, in submission order.
    pub ops: Vec<Op>,
    /// Other checkouts of its group (sharing items or customers with it, directly or through others) submitted
    /// before the witness's last answer, relaxed to "may or may not have happened" (or never answered).
    pub relaxed: usize,
    /// The starting stock of the witness's items and the starting wallets of its customers.
    pub stock: Vec<(u16, i64)>,
    pub wallets: Vec<(u16, i64)>,
    /// Why, when the counts alone show it (stock and wallets only go down).
    pub reason: Option<Note>,
}

impl Witness {
    /// Why, in words: the starting stock and wallets, then each answer.
    pub fn note(&self, shopper_name: &dyn Fn(NodeId) -> String) -> Note {
        let stock: Vec<Arg> = self
            .stock
            .iter()
            .map(|&(item, units)| Arg::from(note!("linearizability.stock", item, units = units.max(0) as u64)))
            .collect();
        let wallets: Vec<Arg> = self
            .wallets
            .iter()
            .map(|&(customer, cents)| {
                Arg::from(note!("linearizability.wallet", customer, cents = Arg::Cents(cents.max(0) as u64)))
            })
            .collect();
        let ops: Vec<Arg> = self.ops.iter().map(|o| Arg::from(o.note(&shopper_name(o.shopper)))).collect();
        let why = self.reason.clone().unwrap_or_else(|| note!("linearizability.reason.search"));
        note!(
            "linearizability.witness",
            why,
            n = self.ops.len(),
            relaxed = self.relaxed,
            stock = Arg::List(stock),
            wallets = Arg::List(wallets),
            ops = Arg::List(ops)
        )
    }
}

/// What `protosim run --json` carries as `"linearizability"`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinReport {
    pub verdict: LinVerdict,
    /// Checkouts judged (answered or open; those answered "nothing happened" are left out).
    pub ops: usize,
    /// Independent parts the history split into.
    pub parts: usize,
    /// Search steps taken, against `budget`.
    pub steps: u64,
    pub budget: u64,
    /// Wall time of the check in ms (0 where no clock was read); the verdict never depends on it.
    pub ms: f64,
    pub witness: Option<Witness>,
}

impl LinReport {
    /// The placeholder of a history still being recorded: "unknown", nothing judged.
    pub fn pending() -> LinReport {
        LinReport { verdict: LinVerdict::Unknown, ops: 0, parts: 0, steps: 0, budget: 0, ms: 0.0, witness: None }
    }

    /// A violated history as a [`Violation`] of [`RULE`], at the last answer of its witness (or `end_us`).
    pub fn violation(&self, shopper_name: &dyn Fn(NodeId) -> String, end_us: u64) -> Option<Violation> {
        if self.verdict != LinVerdict::Violated {
            return None;
        }
        let at_us =
            self.witness.as_ref().and_then(|w| w.ops.iter().filter_map(|o| o.answered_us).max()).unwrap_or(end_us);
        let mut v = Violation::new(&RULE, None, self.note(shopper_name));
        v.at_us = at_us;
        Some(v)
    }

    /// [`LinReport::violation`] with the nodes named as `scenario`'s protocol names them (looked up only when the
    /// history is violated: the hunt and the sweep ask after every run).
    pub fn violation_in(&self, scenario: &Scenario, end_us: u64) -> Option<Violation> {
        if self.verdict != LinVerdict::Violated {
            return None;
        }
        self.violation(&node_names(scenario), end_us)
    }

    /// One line for people: the verdict, and the witness on a violation.
    pub fn note(&self, shopper_name: &dyn Fn(NodeId) -> String) -> Note {
        match (&self.verdict, &self.witness) {
            (LinVerdict::Violated, Some(w)) => note!("linearizability.violated", why = w.note(shopper_name)),
            (LinVerdict::Violated, None) => note!("linearizability.violated_bare"),
            (LinVerdict::Unknown, _) => note!("linearizability.unknown", ops = self.ops, steps = self.steps),
            (LinVerdict::Linearizable, _) => note!("linearizability.held", ops = self.ops, parts = self.parts),
        }
    }
}

/// Groups of operations that share no item and no customer (union-find over items, then customers).
fn parts(h: &History, ops: &[&Op]) -> Vec<Vec<usize>> {
    let items = h.start.stock.len();
    let mut parent: Vec<usize> = (0..items + h.start.wallets.len()).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    let key = |op: &Op| match op.read {
        // A read touches its item only.
        Some(item) => usize::from(item).min(items.saturating_sub(1)),
        None => items + usize::from(op.customer).min(h.start.wallets.len().saturating_sub(1)),
    };
    if !h.start.wallets.is_empty() {
        for op in ops.iter().filter(|o| !o.is_read()) {
            let c = root(&mut parent, key(op));
            for l in &op.lines {
                let i = root(&mut parent, usize::from(l.item).min(items.saturating_sub(1)));
                if i != c {
                    parent[i] = c;
                }
            }
        }
    }
    let mut groups: VecMap<usize, Vec<usize>> = VecMap::new();
    for (i, op) in ops.iter().enumerate() {
        let g = if h.start.wallets.is_empty() { 0 } else { root(&mut parent, key(op)) };
        groups.entry(g).or_default().push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_iter().map(|(_, v)| v).collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// Judges a history within `budget` search steps.
pub fn check(h: &History, budget: u64) -> LinReport {
    let spec = Spec { prices_cents: h.prices_cents.clone() };
    let ops: Vec<&Op> = h.ops.iter().filter(|o| o.result != OpResult::Failed).collect();
    let groups = parts(h, &ops);
    let mut left = budget;
    let mut unknown = false;
    let report = |verdict, left: u64, witness| LinReport {
        verdict,
        ops: ops.len(),
        parts: groups.len(),
        steps: budget - left,
        budget,
        ms: 0.0,
        witness,
    };
    for g in &groups {
        let part: Vec<&Op> = g.iter().map(|&i| ops[i]).collect();
        let found = search::search(&spec, &part, &h.start, &mut left);
        match found.linearizable {
            Some(true) => {}
            None => unknown = true,
            Some(false) => {
                let mut shrink_budget = budget;
                let w = witness(&spec, &h.start, &part, found.stuck, &mut shrink_budget);
                return report(LinVerdict::Violated, left, Some(w));
            }
        }
    }
    report(if unknown { LinVerdict::Unknown } else { LinVerdict::Linearizable }, left, None)
}

/// An operation relaxed for the witness: a refusal (it changed nothing) is dropped; a confirmed checkout may or may
/// not have happened (still between its submission and its answer: the search stays as narrow as the history's).
fn relax(op: &Op) -> Option<Op> {
    match op.result {
        OpResult::Confirmed { .. } => Some(Op { result: OpResult::Unknown, ..op.clone() }),
        OpResult::Unknown | OpResult::Failed => Some(op.clone()),
        OpResult::OutOfStock { .. } | OpResult::InsufficientFunds { .. } | OpResult::Stock { .. } => None,
    }
}

/// Units of `item` in `op`'s basket.
fn units(op: &Op, item: u16) -> i64 {
    op.lines.iter().filter(|l| l.item == item).map(|l| i64::from(l.qty)).sum()
}

/// The witness the counts alone give, when they do (stock and wallets only go down): a refusal no sales could
/// explain (everything that might have happened before its answer leaves enough), or a confirmation that the
/// checkouts confirmed before it was submitted had already made impossible. Returns the answers kept, and why.
fn counted_witness(spec: &Spec, start: &ShopState, part: &[&Op]) -> Option<(Vec<bool>, Note)> {
    let might_take = |o: &Op| matches!(o.result, OpResult::Confirmed { .. } | OpResult::Unknown);
    for (x, op) in part.iter().enumerate() {
        let Some(ret) = op.return_us else { continue };
        let before: Vec<usize> =
            (0..part.len()).filter(|&i| i != x && part[i].call_us <= ret && might_take(part[i])).collect();
        let surely: Vec<usize> = (0..part.len())
            .filter(|&i| {
                matches!(part[i].result, OpResult::Confirmed { .. })
                    && part[i].return_us.is_some_and(|r| r < op.call_us)
            })
            .collect();
        let start_stock = |item: u16| start.stock.get(usize::from(item)).copied().unwrap_or(0);
        let start_wallet = start.wallets.get(usize::from(op.customer)).copied().unwrap_or(0);
        let spent = |ids: &[usize]| -> i64 {
            ids.iter()
                .filter(|&&i| part[i].customer == op.customer)
                .map(|&i| spec.total_cents(&part[i].lines) as i64)
                .sum()
        };
        let alone = |why: Note| Some(((0..part.len()).map(|i| i == x).collect::<Vec<bool>>(), why));
        let with = |ids: &[usize], keep: &dyn Fn(&Op) -> bool, why: Note| {
            Some(((0..part.len()).map(|i| i == x || (ids.contains(&i) && keep(part[i]))).collect::<Vec<bool>>(), why))
        };
        let customer = op.customer;
        match op.result {
            OpResult::Stock { item, units: told } => {
                if let Some((kept, why)) =
                    read_witness(part, (item, i64::from(told), start_stock(item)), &surely, &before)
                {
                    return if kept.is_empty() { alone(why) } else { with(&kept, &|_| true, why) };
                }
            }
            OpResult::OutOfStock { item } => {
                let most: i64 = before.iter().map(|&i| units(part[i], item)).sum();
                if start_stock(item) - most >= units(op, item) {
                    let start = start_stock(item) as u64;
                    return alone(note!("linearizability.reason.stock_left", most = most as u64, item, start));
                }
            }
            OpResult::InsufficientFunds { total_cents } => {
                let most = spent(&before);
                if start_wallet - most >= total_cents as i64 {
                    let (most, start) = (Arg::Cents(most as u64), Arg::Cents(start_wallet as u64));
                    return alone(note!("linearizability.reason.money_left", most, customer, start));
                }
            }
            OpResult::Confirmed { total_cents } => {
                for l in &op.lines {
                    let least: i64 = surely.iter().map(|&i| units(part[i], l.item)).sum();
                    if start_stock(l.item) - least < units(op, l.item) {
                        let (item, start) = (l.item, start_stock(l.item) as u64);
                        let why = if start_stock(l.item) < units(op, l.item) {
                            note!("linearizability.reason.never_had", item, start, wanted = units(op, l.item) as u64)
                        } else {
                            note!("linearizability.reason.stock_gone", least = least as u64, item, start)
                        };
                        return with(&surely, &|o| units(o, item) > 0, why);
                    }
                }
                let least = spent(&surely);
                if start_wallet - least < total_cents as i64 {
                    let never = start_wallet < total_cents as i64;
                    let (least, start) = (Arg::Cents(least as u64), Arg::Cents(start_wallet as u64));
                    let why = if never {
                        note!(
                            "linearizability.reason.never_could_pay",
                            customer,
                            start,
                            total = Arg::Cents(total_cents)
                        )
                    } else {
                        note!("linearizability.reason.money_gone", least, customer, start)
                    };
                    return with(&surely, &|o| o.customer == customer, why);
                }
            }
            _ => {}
        }
    }
    None
}

/// The counted witness of a read of `item` told `told` units (of `start`): told more than the checkouts confirmed
/// before it was sent (`surely`) left (a stale read; those of them that took the most, enough to show it, are kept),
/// or fewer than everything that might have sold before its answer (`before`) could have taken (kept alone).
fn read_witness(
    part: &[&Op],
    (item, told, start): (u16, i64, i64),
    surely: &[usize],
    before: &[usize],
) -> Option<(Vec<usize>, Note)> {
    let taken_by = |ids: &[usize]| -> i64 { ids.iter().map(|&i| units(part[i], item)).sum() };
    if told > start - taken_by(surely) {
        let mut by_size: Vec<usize> = surely.iter().copied().filter(|&i| units(part[i], item) > 0).collect();
        by_size.sort_by_key(|&i| std::cmp::Reverse(units(part[i], item)));
        let (mut least, mut kept) = (0, Vec::new());
        for i in by_size {
            if told <= start - least {
                least += units(part[i], item);
                kept.push(i);
            }
        }
        let (told, least, start) = (told as u64, least as u64, start as u64);
        return Some((kept, note!("linearizability.reason.read_stale", told, least, item, start)));
    }
    let most = taken_by(before);
    if told < start - most {
        let (told, most, start) = (told as u64, most as u64, start as u64);
        return Some((Vec::new(), note!("linearizability.reason.read_low", told, most, item, start)));
    }
    None
}

/// Shrinks a group that cannot be linearized to a few answers that still cannot (see the module's doc).
fn witness(spec: &Spec, start: &ShopState, part: &[&Op], stuck: Option<usize>, budget: &mut u64) -> Witness {
    if let Some((kept, why)) = counted_witness(spec, start, part) {
        return Witness { reason: Some(why), ..witness_of(start, part, &kept) };
    }
    let mut kept: Vec<bool> = vec![true; part.len()];
    let still_broken = |kept: &[bool], budget: &mut u64| {
        let ops: Vec<Op> =
            part.iter().zip(kept).filter_map(|(op, &k)| if k { Some((*op).clone()) } else { relax(op) }).collect();
        let refs: Vec<&Op> = ops.iter().collect();
        let mut b = (*budget).min(WITNESS_CHECK_BUDGET);
        let before = b;
        let found = search::search(spec, &refs, start, &mut b);
        *budget -= before - b;
        found.linearizable == Some(false)
    };
    // First everything submitted after the stuck answer, then halves, quarters, … down to single answers.
    if let Some(s) = stuck.and_then(|s| part[s].return_us) {
        let mut trial = kept.clone();
        for (k, op) in trial.iter_mut().zip(part) {
            if op.call_us > s {
                *k = false;
            }
        }
        if still_broken(&trial, budget) {
            kept = trial;
        }
    }
    let mut size = part.len().div_ceil(2).max(1);
    loop {
        let mut from = 0;
        while from < part.len() && *budget > 0 {
            let to = (from + size).min(part.len());
            if kept[from..to].iter().any(|&k| k) {
                let mut trial = kept.clone();
                trial[from..to].iter_mut().for_each(|k| *k = false);
                if still_broken(&trial, budget) {
                    kept = trial;
                }
            }
            from = to;
        }
        if size == 1 || *budget == 0 {
            break;
        }
        size = size.div_ceil(2);
    }
    witness_of(start, part, &kept)
}

/// The witness made of the answers `kept` (the others relaxed).
fn witness_of(start: &ShopState, part: &[&Op], kept: &[bool]) -> Witness {
    let ops: Vec<Op> =
        part.iter().zip(kept).filter(|(op, &k)| k && op.return_us.is_some()).map(|(op, _)| (*op).clone()).collect();
    // Only those submitted before the witness's last answer could have changed what it was told.
    let last = ops.iter().filter_map(|o| o.return_us).max().unwrap_or(0);
    let relaxed = part.iter().filter(|o| o.call_us <= last).count() - ops.len();
    let mut items: Vec<u16> = ops.iter().flat_map(|o| o.lines.iter().map(|l| l.item)).collect();
    crate::sort::sort_dedup(&mut items);
    items.extend(ops.iter().filter_map(|o| o.read));
    crate::sort::sort_dedup(&mut items);
    let mut customers: Vec<u16> = ops.iter().filter(|o| !o.is_read()).map(|o| o.customer).collect();
    crate::sort::sort_dedup(&mut customers);
    Witness {
        relaxed,
        stock: items.iter().map(|&i| (i, start.stock.get(usize::from(i)).copied().unwrap_or(0))).collect(),
        wallets: customers.iter().map(|&c| (c, start.wallets.get(usize::from(c)).copied().unwrap_or(0))).collect(),
        ops,
        reason: None,
    }
}

#[cfg(test)]
mod tests;
