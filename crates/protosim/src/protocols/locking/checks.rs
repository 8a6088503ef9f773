//! The invariants checked after every event: mutual exclusion, no lost update, no deadlock left standing, and the
//! business rules (no oversell, money conserved, confirmed exactly when taken and paid, no double charge).

use crate::domain::{rules, Outcome, RequestId};
use crate::engine::CheckView;
use crate::invariants::Violation;
use crate::narration::Arg;
use crate::note;
use crate::scenario::NodeId;
use crate::vecmap::VecSet;

use super::info::*;
use super::types::*;

impl Locking {
    /// Redlock's mutual exclusion, as its clients see it: no row is held by two transactions of shoppers that are
    /// up. A shopper holds the rows its current attempt acquired (in basket order) until it releases them or ends;
    /// Redlock has no lock table of its own (each server's keys expire on its own clock), so what a shopper acts on
    /// is what it believes. Checked after each event of a shopper, the only events that change a belief.
    fn check_redlock_holders(&self, w: &CheckView<'_, Self>, node: NodeId, out: &mut Vec<Violation>) {
        let mut holders: crate::vecmap::VecMap<Row, TxnId> = crate::vecmap::VecMap::new();
        for shopper in usize::from(self.servers())..w.nodes.count() {
            let (Some(_), Disk::Shopper { jobs }) = w.nodes.get(shopper) else { continue };
            for job in jobs.values() {
                let a = &job.a;
                let held = match a.phase {
                    _ if a.released => 0,
                    Phase::Locking(k) => k,
                    Phase::Reading | Phase::Prewriting | Phase::Committing => a.rows.len(),
                    Phase::Unlocking | Phase::Backoff => 0,
                };
                for &(row, _) in &a.rows[..held] {
                    match holders.insert(row, a.txn) {
                        Some(other) if other != a.txn => {
                            let who = vec![
                                Arg::from(format!("X {}", txn_name(other))),
                                Arg::from(format!("X {}", txn_name(a.txn))),
                            ];
                            out.push(Violation::new(
                                &MUTUAL_EXCLUSION,
                                Some(node),
                                note!("locking.violation.two_holders", row = self.row_name(row), holders = who),
                            ));
                        }
                        _ => {}
                    }
                }
            }
        }
    }

    /// Every invariant after an event ([`crate::engine::Protocol::check`]).
    pub(super) fn check_all(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let Some(node) = touched else { return };
        if self.is_raft(node) {
            self.raft_check(w, node, out);
            return;
        }
        let now = w.now_us;
        let calm_since = w.calm_since_us;
        let c = &mut *w.checker;
        if self.pessimistic && node < self.base {
            if let Some(State::Locks(lm)) = w.nodes.get_mut(usize::from(node)).0 {
                self.check_lock_table(lm, c, (now, calm_since), out);
            }
            return;
        }
        if !self.is_store(node) {
            if self.redlock() {
                self.check_redlock_holders(w, node, out);
            }
            self.check_answers(&mut *w.checker, w.answers, out);
            return;
        }
        // A store's writes count once they are durable: what it answers waits for that, and a crash before it
        // takes them back (they stay dirty until then; the fsync's completion checks them).
        if !w.nodes.is_durable(usize::from(node)) {
            return;
        }
        let (rows, txns) = match w.nodes.get_mut(usize::from(node)).1 {
            Disk::Store(s) => (std::mem::take(&mut s.dirty_rows), std::mem::take(&mut s.dirty_txns)),
            _ => return,
        };
        let mut check_rows: VecSet<Row> = rows.into_iter().collect();
        let Disk::Store(s) = w.nodes.get(usize::from(node)).1 else { return };
        for txn in txns {
            check_commit(c, node, s, txn, &mut check_rows, out);
        }
        let mut wallets_changed = false;
        for row in check_rows {
            let home = usize::from(self.node_of(row));
            // A row on another store with writes not yet durable is checked when that store's fsync completes.
            if !w.nodes.is_durable(home) {
                continue;
            }
            let Disk::Store(s) = w.nodes.get(home).1 else { continue };
            wallets_changed |= self.check_row(c, s, row, out);
        }
        if wallets_changed {
            self.check_money(c, node, out);
        }
    }

    /// Mutual exclusion on every row of the lock table, and no deadlock standing past its strategy's bound. The bound
    /// is a promise about time, so, like liveness, it is judged only while every node runs at full speed: from the
    /// later of the cycle's forming and the end of the last pause or slow spell (`calm_since`, `None` during one).
    fn check_lock_table(
        &self,
        lm: &mut LockMgr,
        c: &mut Checker,
        (now, calm_since): (u64, Option<u64>),
        out: &mut Vec<Violation>,
    ) {
        for (row, l) in &lm.rows {
            let x = l.holders.iter().filter(|(_, m, _)| *m == Mode::Exclusive).count();
            if x > 1 || (x == 1 && l.holders.len() > 1) {
                let who: Vec<Arg> =
                    l.holders.iter().map(|(t, m, _)| Arg::from(format!("{} {}", m.letter(), txn_name(*t)))).collect();
                out.push(Violation::new(
                    &MUTUAL_EXCLUSION,
                    Some(LOCKS),
                    note!("locking.violation.two_holders", row = self.row_name(*row), holders = who),
                ));
            }
        }
        // A cycle forms at an event of the lock manager (a waiter joins a queue), and the checks run after each of
        // its events: the first time the checker sees a cycle is when it formed.
        let Some(cycle) = lm.cycle() else {
            c.cycle_seen = None;
            return;
        };
        let mut members = cycle.clone();
        members.sort_unstable();
        let formed = match &c.cycle_seen {
            Some((seen, at)) if *seen == members => *at,
            _ => {
                c.cycle_seen = Some((members, now));
                now
            }
        };
        {
            let judged_from = calm_since.map(|c| c.max(formed));
            let bound = self.deadlock_bound_us();
            if judged_from.is_some_and(|from| now - from > bound) {
                let cycle = Arg::Chain(cycle.iter().map(|t| Arg::from(txn_name(*t))).collect());
                out.push(Violation::new(
                    &NO_DEADLOCK,
                    Some(LOCKS),
                    note!(
                        "locking.violation.deadlock",
                        cycle,
                        waited_ms = (now - formed) / 1000,
                        bound_ms = bound / 1000
                    ),
                ));
            }
        }
    }

    /// No lost update and no oversell on one row: its value (a committed pending write counts) equals its start
    /// minus what committed checkouts took. Returns whether it is a wallet (money is then checked as a whole).
    fn check_row(&self, c: &mut Checker, s: &Store, row: Row, out: &mut Vec<Violation>) -> bool {
        let Some(cell) = s.cells.get(&row) else { return false };
        let effective = match &cell.intent {
            Some(i) if c.committed.contains(&i.txn) => i.value,
            _ => cell.value,
        };
        let taken = c.taken.get(&row).copied().unwrap_or(0);
        let expected = self.initial(row) - taken;
        if effective != expected {
            out.push(Violation::new(
                &NO_LOST_UPDATE,
                Some(self.node_of(row)),
                note!(
                    "locking.violation.lost_update",
                    row = self.row_name(row),
                    value = effective.to_string(),
                    start = self.initial(row).to_string(),
                    taken = taken.to_string(),
                    expected = expected.to_string()
                ),
            ));
        }
        if row < WALLET_BASE && expected < 0 {
            out.push(Violation::new(
                &rules::NO_OVERSELL,
                Some(self.node_of(row)),
                note!(
                    "locking.violation.oversold",
                    taken = taken.to_string(),
                    row = self.row_name(row),
                    start = self.initial(row).to_string()
                ),
            ));
        }
        if row < WALLET_BASE {
            return false;
        }
        let start = self.catalogue.wallet_cents as i64;
        let total = c.wallets_total.get_or_insert(start * i64::from(self.catalogue.customers));
        let old = c.wallets.insert(row, effective).unwrap_or(start);
        *total += effective - old;
        true
    }

    /// Money conserved: wallets plus revenue equal the wallets at the start.
    fn check_money(&self, c: &Checker, node: NodeId, out: &mut Vec<Violation>) {
        let start = self.catalogue.wallet_cents as i64 * i64::from(self.catalogue.customers);
        let total = c.wallets_total.unwrap_or(start);
        if total + c.revenue != start {
            out.push(Violation::new(
                &rules::MONEY_CONSERVED,
                Some(node),
                note!(
                    "locking.violation.money",
                    wallets = Arg::Cents(total.max(0) as u64),
                    revenue = Arg::Cents(c.revenue.max(0) as u64),
                    sum = (total + c.revenue).to_string(),
                    start = start.to_string()
                ),
            ));
        }
    }
}

/// A transaction whose record on this storage node changed: once it is seen committed, its checkout must not have
/// committed before (no double charge) nor been told it failed; its deltas are counted as taken.
fn check_commit(
    c: &mut Checker,
    node: NodeId,
    s: &Store,
    txn: TxnId,
    rows: &mut VecSet<Row>,
    out: &mut Vec<Violation>,
) {
    let Some(r) = s.records.get(&txn) else { return };
    if !r.committed || !c.committed.insert(txn) {
        return;
    }
    let req = txn >> 8;
    if let Some(first) = c.by_request.insert(req, txn) {
        out.push(Violation::new(
            &rules::NO_DOUBLE_CHARGE,
            Some(node),
            note!("locking.violation.twice", req, first = txn_name(first), second = txn_name(txn)),
        ));
    }
    if c.answered.get(&req) == Some(&false) {
        out.push(Violation::new(
            &rules::CONFIRMED_EXACTLY,
            Some(node),
            note!("locking.violation.failed_but_committed", req, txn = txn_name(txn)),
        ));
    }
    for &(row, delta) in &r.deltas {
        *c.taken.entry(row).or_default() += delta;
        if row >= WALLET_BASE {
            c.revenue += delta;
        }
        rows.insert(row);
    }
}

impl Locking {
    pub(super) fn check_answers(&self, c: &mut Checker, answers: &[(RequestId, Outcome)], out: &mut Vec<Violation>) {
        for (req, outcome) in &answers[c.answers_seen.min(answers.len())..] {
            let confirmed = outcome.is_confirmed();
            c.answered.insert(*req, confirmed);
            match (confirmed, c.by_request.get(req)) {
                (true, None) => out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    None,
                    note!("locking.violation.confirmed_uncommitted", req = *req),
                )),
                (false, Some(txn)) => out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    None,
                    note!(
                        "locking.violation.told_but_committed",
                        req = *req,
                        outcome = outcome.note(),
                        txn = txn_name(*txn)
                    ),
                )),
                _ => {}
            }
        }
        c.answers_seen = answers.len();
    }
}
