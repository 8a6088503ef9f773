//! The lock manager (pessimistic mode): the lock table's FIFO queues and wait-for graph, grants with fencing
//! tokens, leases, revocation, and the three deadlock strategies (detect, wound-wait, timeout).

use crate::engine::Ctx;
use crate::narration::Arg;
use crate::note;
use crate::scenario::{DeadlockStrategy, NodeId};
use crate::vecmap::{VecMap, VecSet};

use super::info::*;
use super::types::*;

impl RowLock {
    /// The request at the front of the queue, if it can be granted now: the row is not being fenced and the request
    /// is compatible with every holder. Only the front is ever granted (FIFO: no request overtakes a waiting one).
    pub fn grantable(&self) -> Option<(TxnId, Mode)> {
        if self.fencing.is_some() {
            return None;
        }
        let &(txn, mode) = self.queue.first()?;
        self.holders.iter().all(|(t, m, _)| *t == txn || m.compatible(mode)).then_some((txn, mode))
    }
}

impl LockMgr {
    /// The transactions `txn` waits for on `row`: the incompatible holders, and the nearest incompatible request
    /// queued ahead of it. (It waits for every incompatible request ahead, but the nearest one waits in turn for
    /// the others — or for the same holders — so these edges have a cycle exactly when all of them do, and a long
    /// queue gives a chain rather than a quadratic number of edges.)
    pub fn blockers(&self, row: Row, txn: TxnId) -> Vec<TxnId> {
        let Some(l) = self.rows.get(&row) else { return Vec::new() };
        let Some(pos) = l.queue.iter().position(|(t, _)| *t == txn) else { return Vec::new() };
        let mode = l.queue[pos].1;
        let mut out: Vec<TxnId> =
            l.holders.iter().filter(|(t, m, _)| *t != txn && !m.compatible(mode)).map(|(t, _, _)| *t).collect();
        if let Some((t, _)) = l.queue[..pos].iter().rev().find(|(t, m)| *t != txn && !m.compatible(mode)) {
            out.push(*t);
        }
        out
    }

    /// Every transaction `txn` waits for on `row`, directly or behind others: wound-wait must wound every younger one.
    pub fn all_blockers(&self, row: Row, txn: TxnId) -> Vec<TxnId> {
        let Some(l) = self.rows.get(&row) else { return Vec::new() };
        let Some(pos) = l.queue.iter().position(|(t, _)| *t == txn) else { return Vec::new() };
        let mode = l.queue[pos].1;
        let holders = l.holders.iter().filter(|(t, m, _)| *t != txn && !m.compatible(mode)).map(|(t, _, _)| *t);
        let ahead = l.queue[..pos].iter().filter(|(t, m)| *t != txn && !m.compatible(mode)).map(|(t, _)| *t);
        holders.chain(ahead).collect()
    }

    /// Every wait-for edge: (waiter, blocker, row).
    pub fn wait_for(&self) -> Vec<(TxnId, TxnId, Row)> {
        let mut edges = Vec::new();
        for (&txn, t) in &self.txns {
            if let Some((row, _, _)) = t.waiting {
                for b in self.blockers(row, txn) {
                    edges.push((txn, b, row));
                }
            }
        }
        edges
    }

    /// [`LockMgr::find_cycle`], kept up to date cheaply for the checker, which asks after every event. A wait-for
    /// edge is only ever added when a transaction starts waiting (grants and releases only remove edges), so a new
    /// cycle can only appear then; otherwise it is enough to see whether the cycle found last time still stands.
    pub fn cycle(&mut self) -> Option<Vec<TxnId>> {
        let new = std::mem::take(&mut self.new_waiters);
        let stands = |c: &Vec<TxnId>| {
            c.iter().zip(c.iter().cycle().skip(1)).all(|(a, b)| {
                self.txns.get(a).and_then(|t| t.waiting).is_some_and(|(row, _, _)| self.blockers(row, *a).contains(b))
            })
        };
        match &self.cycle_cache {
            Some(c) if stands(c) => {}
            // Several cycles at once are rare: when the one we knew is broken, look at the whole graph again.
            Some(_) => self.cycle_cache = self.find_cycle(),
            None => self.cycle_cache = new.into_iter().find_map(|w| self.cycle_through(w)),
        }
        self.cycle_cache.clone()
    }

    /// A cycle through `start`, if its waits lead back to it (a depth-first search from it alone).
    pub fn cycle_through(&self, start: TxnId) -> Option<Vec<TxnId>> {
        let succ = |t: TxnId| -> Vec<TxnId> {
            self.txns.get(&t).and_then(|x| x.waiting).map(|(row, _, _)| self.blockers(row, t)).unwrap_or_default()
        };
        let mut seen = VecSet::from([start]);
        let mut path: Vec<(TxnId, Vec<TxnId>)> = vec![(start, succ(start))];
        while let Some((_, next)) = path.last_mut() {
            match next.pop() {
                Some(s) if s == start => return Some(path.iter().map(|(t, _)| *t).collect()),
                Some(s) => {
                    if seen.insert(s) {
                        let n = succ(s);
                        path.push((s, n));
                    }
                }
                None => {
                    path.pop();
                }
            }
        }
        None
    }

    /// A cycle of the wait-for graph, if there is one: its transactions in order.
    pub fn find_cycle(&self) -> Option<Vec<TxnId>> {
        let edges = self.wait_for();
        if edges.is_empty() {
            return None;
        }
        let mut next: VecMap<TxnId, Vec<TxnId>> = VecMap::new();
        for (a, b, _) in &edges {
            next.entry(*a).or_default().push(*b);
        }
        // Iterative depth-first search with colours: 1 = on the current path, 2 = done.
        let mut colour: VecMap<TxnId, u8> = VecMap::new();
        for &start in next.keys() {
            if colour.contains_key(&start) {
                continue;
            }
            let mut path: Vec<(TxnId, usize)> = vec![(start, 0)];
            colour.insert(start, 1);
            while let Some(&mut (node, ref mut k)) = path.last_mut() {
                let succ = next.get(&node).map_or(&[][..], |v| v.as_slice());
                if *k < succ.len() {
                    let s = succ[*k];
                    *k += 1;
                    match colour.get(&s) {
                        Some(1) => {
                            let from = path.iter().position(|(n, _)| *n == s).unwrap_or(0);
                            return Some(path[from..].iter().map(|(n, _)| *n).collect());
                        }
                        Some(_) => {}
                        None => {
                            colour.insert(s, 1);
                            path.push((s, 0));
                        }
                    }
                } else {
                    colour.insert(node, 2);
                    path.pop();
                }
            }
        }
        None
    }
}

impl Locking {
    /// Grants queued requests from the front of the row's queue while they are compatible.
    pub(super) fn pump(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, row: Row) {
        loop {
            let Some(l) = lm.rows.get_mut(&row) else { return };
            let Some((txn, mode)) = l.grantable() else { return };
            l.queue.remove(0);
            let token = Self::lm_persist_token(ctx);
            l.holders.push((txn, mode, token));
            let Some(t) = lm.txns.get_mut(&txn) else { continue };
            t.held.push(row);
            if let Some((_, since, timer)) = t.waiting.take() {
                if let Some(timer) = timer {
                    ctx.cancel_timer(timer);
                }
                let waited = ctx.now_us().saturating_sub(since);
                ctx.sample(LOCK_WAIT_METRIC, waited);
                if waited > 0 {
                    let name = self.row_name(row);
                    ctx.note(|| note!("locking.grant", row = name, txn = txn_name(txn), waited_ms = waited / 1000));
                }
            }
            let shopper = t.shopper;
            ctx.send(shopper, Msg::Granted { txn, row, token });
        }
    }

    /// Takes every lock and queue place of `txn` away. Voluntary releases free the rows at once; revoked locks are
    /// fenced first (unless the variant forgot fencing).
    pub(super) fn drop_txn(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, txn: TxnId, revoked: Option<Revoke>) {
        let Some(t) = lm.txns.remove(&txn) else { return };
        lm.dead.insert(txn);
        ctx.cancel_timer(t.lease_timer);
        let mut to_pump = Vec::new();
        if let Some((row, _, timer)) = t.waiting {
            if let Some(timer) = timer {
                ctx.cancel_timer(timer);
            }
            if let Some(l) = lm.rows.get_mut(&row) {
                l.queue.retain(|(q, _)| *q != txn);
            }
            to_pump.push(row);
        }
        let fence = revoked.is_some() && self.fencing();
        let token = Self::lm_next_token(ctx);
        let mut fenced: VecMap<NodeId, Vec<Row>> = VecMap::new();
        for row in &t.held {
            if let Some(l) = lm.rows.get_mut(row) {
                l.holders.retain(|(h, _, _)| *h != txn);
                if fence {
                    l.fencing = Some(token);
                    fenced.entry(self.node_of(*row)).or_default().push(*row);
                } else {
                    to_pump.push(*row);
                }
            }
        }
        for (node, rows) in fenced {
            ctx.send(node, Msg::Fence { rows, token });
        }
        if fence && !t.held.is_empty() {
            self.arm_refence(lm, ctx);
        }
        if let Some(why) = revoked {
            ctx.note(|| {
                let rows: Vec<Arg> = t.held.iter().map(|r| Arg::from(self.row_name(*r))).collect();
                let (txn, why) = (txn_name(txn), why.note());
                if rows.is_empty() {
                    note!("locking.abort.no_locks", txn, why)
                } else if fence {
                    note!("locking.abort.fence", txn, why, rows)
                } else {
                    note!("locking.abort.no_fence", txn, why, rows)
                }
            });
            ctx.send(t.shopper, Msg::Revoked { txn, why });
        }
        for row in to_pump {
            self.pump(lm, ctx, row);
        }
    }

    pub(super) fn arm_refence(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>) {
        if !lm.refence_armed {
            lm.refence_armed = true;
            ctx.set_timer(self.step_us, Timer::Refence);
        }
    }

    pub(super) fn arm_detect(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>) {
        if self.strategy == DeadlockStrategy::Detect && !lm.detect_armed {
            lm.detect_armed = true;
            ctx.set_timer(self.detect_us, Timer::Detect);
        }
    }

    /// A transaction ends: its locks go to the next in line, and a late request of it is refused from now on.
    fn on_release(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, from: NodeId, txn: TxnId, ack: bool) {
        if !lm.txns.contains_key(&txn) && !lm.dead.contains(&txn) {
            // Its table was lost in a crash (or the request never came): there is nothing to give back.
            ctx.note(|| note!("locking.release.unknown", txn = txn_name(txn)));
        }
        self.drop_txn(lm, ctx, txn, None);
        lm.dead.insert(txn);
        if ack {
            ctx.send(from, Msg::Released { txn });
        }
    }

    pub(super) fn lock_message(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Lock { txn, row, mode, prio } => {
                if lm.dead.contains(&txn) {
                    ctx.send(from, Msg::Revoked { txn, why: Revoke::Unknown });
                    return;
                }
                let now = ctx.now_us();
                if !lm.txns.contains_key(&txn) {
                    let lease_timer = ctx.set_timer(self.lease_us, Timer::Lease(txn));
                    lm.txns.insert(
                        txn,
                        TxnLocks {
                            prio,
                            shopper: from,
                            lease_until: now + self.lease_us,
                            lease_timer,
                            held: Vec::new(),
                            waiting: None,
                        },
                    );
                }
                if let Some(t) = lm.txns.get_mut(&txn) {
                    t.lease_until = now + self.lease_us; // any request renews the lease
                }
                let l = lm.rows.entry(row).or_default();
                if let Some(&(_, _, token)) = l.holders.iter().find(|(t, _, _)| *t == txn) {
                    ctx.send(from, Msg::Granted { txn, row, token });
                    return;
                }
                if l.queue.iter().any(|(t, _)| *t == txn) {
                    return;
                }
                l.queue.push((txn, mode));
                lm.new_waiters.push(txn);
                if let Some(t) = lm.txns.get_mut(&txn) {
                    t.waiting = Some((row, now, None));
                }
                if self.strategy == DeadlockStrategy::WoundWait {
                    for b in lm.all_blockers(row, txn) {
                        let younger = lm.txns.get(&b).is_some_and(|bt| bt.prio > prio);
                        if younger {
                            self.drop_txn(lm, ctx, b, Some(Revoke::Wounded));
                        }
                    }
                }
                self.pump(lm, ctx, row);
                let still = lm.txns.get(&txn).is_some_and(|t| t.waiting.is_some());
                if still {
                    let blockers: Vec<Arg> = lm.blockers(row, txn).into_iter().map(txn_arg).collect();
                    let row = self.row_name(row);
                    ctx.note(|| {
                        if blockers.is_empty() {
                            note!("locking.wait.fenced", txn = txn_name(txn), row)
                        } else {
                            note!("locking.wait", txn = txn_name(txn), row, blockers)
                        }
                    });
                    match self.strategy {
                        DeadlockStrategy::Timeout => {
                            let timer = ctx.set_timer(self.lock_timeout_us, Timer::Wait(txn));
                            if let Some((_, _, slot)) = lm.txns.get_mut(&txn).and_then(|t| t.waiting.as_mut()) {
                                *slot = Some(timer);
                            }
                        }
                        DeadlockStrategy::Detect => self.arm_detect(lm, ctx),
                        DeadlockStrategy::WoundWait => {}
                    }
                }
            }
            Msg::Release { txn, ack } => self.on_release(lm, ctx, from, txn, ack),
            Msg::Renew { txn } => match lm.txns.get_mut(&txn) {
                Some(t) => t.lease_until = ctx.now_us() + self.lease_us,
                // A renewal can overtake the first lock request; only a transaction it ended is told so.
                None if lm.dead.contains(&txn) => ctx.send(from, Msg::Revoked { txn, why: Revoke::Unknown }),
                None => ctx.note(|| note!("locking.renew.unknown", txn = txn_name(txn))),
            },
            Msg::Fenced { rows, token } => {
                for row in rows {
                    let done = lm.rows.get_mut(&row).is_some_and(|l| {
                        let done = l.fencing.is_some_and(|f| f <= token);
                        if done {
                            l.fencing = None;
                        }
                        done
                    });
                    if done {
                        self.pump(lm, ctx, row);
                    }
                }
            }
            _ => {}
        }
    }

    pub(super) fn lock_timer(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match timer {
            Timer::Lease(txn) => {
                let Some(t) = lm.txns.get_mut(&txn) else { return };
                let now = ctx.now_us();
                if t.lease_until <= now {
                    self.drop_txn(lm, ctx, txn, Some(Revoke::LeaseExpired));
                } else {
                    t.lease_timer = ctx.set_timer(t.lease_until - now, Timer::Lease(txn));
                }
            }
            Timer::Wait(txn) => {
                let waiting = lm.txns.get(&txn).is_some_and(|t| t.waiting.is_some());
                if waiting {
                    self.drop_txn(lm, ctx, txn, Some(Revoke::Timeout));
                }
            }
            Timer::Detect => {
                lm.detect_armed = false;
                while let Some(cycle) = lm.find_cycle() {
                    let victim = cycle.iter().copied().max_by_key(|t| lm.txns.get(t).map(|x| x.prio));
                    let Some(victim) = victim else { break };
                    let cycle = Arg::Chain(cycle.iter().copied().map(txn_arg).collect());
                    ctx.note(|| note!("locking.deadlock", cycle));
                    self.drop_txn(lm, ctx, victim, Some(Revoke::Deadlock));
                }
                if lm.txns.values().any(|t| t.waiting.is_some()) {
                    self.arm_detect(lm, ctx);
                }
            }
            Timer::Refence => {
                lm.refence_armed = false;
                let mut by_node: VecMap<(NodeId, u64), Vec<Row>> = VecMap::new();
                for (row, l) in &lm.rows {
                    if let Some(token) = l.fencing {
                        by_node.entry((self.node_of(*row), token)).or_default().push(*row);
                    }
                }
                if !by_node.is_empty() {
                    for ((node, token), rows) in by_node {
                        ctx.send(node, Msg::Fence { rows, token });
                    }
                    self.arm_refence(lm, ctx);
                }
            }
            _ => {}
        }
    }

    // ----- storage -----
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(holders: &[(TxnId, Mode)], queue: &[(TxnId, Mode)]) -> RowLock {
        RowLock { holders: holders.iter().map(|&(t, m)| (t, m, t)).collect(), queue: queue.to_vec(), fencing: None }
    }

    fn waiting(lm: &mut LockMgr, txn: TxnId, row: Row) {
        let t = TxnLocks {
            prio: (txn, txn),
            shopper: 0,
            lease_until: 0,
            lease_timer: 0,
            held: Vec::new(),
            waiting: Some((row, 0, None)),
        };
        lm.txns.insert(txn, t);
    }

    use Mode::{Exclusive as X, Shared as S};

    #[test]
    fn shared_locks_share_and_exclusive_ones_wait_in_fifo_order() {
        // Readers share a row.
        assert_eq!(row(&[(1, S)], &[(2, S)]).grantable(), Some((2, S)));
        // A writer waits for the readers, and a reader queued behind the writer does not overtake it.
        assert_eq!(row(&[(1, S), (2, S)], &[(3, X), (4, S)]).grantable(), None);
        assert_eq!(row(&[], &[(3, X), (4, S)]).grantable(), Some((3, X)));
        assert_eq!(row(&[(3, X)], &[(4, S)]).grantable(), None);
        // A row being fenced grants nothing.
        let mut fenced = row(&[], &[(5, S)]);
        fenced.fencing = Some(9);
        assert_eq!(fenced.grantable(), None);
    }

    #[test]
    fn the_wait_for_graph_follows_lock_modes_and_finds_cycles() {
        let mut lm = LockMgr::default();
        // Row 0: readers 1 and 2; writer 3 waits for both, reader 4 waits behind writer 3.
        lm.rows.insert(0, row(&[(1, S), (2, S)], &[(3, X), (4, S)]));
        waiting(&mut lm, 3, 0);
        waiting(&mut lm, 4, 0);
        assert_eq!(lm.blockers(0, 3), vec![1, 2]);
        assert_eq!(lm.blockers(0, 4), vec![3], "a reader waits for the writer ahead, not for the other readers");
        assert_eq!(lm.find_cycle(), None);
        // Reader 1 now waits for row 1, held exclusively by 4: 1 → 4 → 3 → 1 is a cycle.
        lm.rows.insert(1, row(&[(4, X)], &[(1, X)]));
        waiting(&mut lm, 1, 1);
        let cycle = lm.find_cycle().expect("1 → 4 → 3 → 1");
        let mut sorted = cycle.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 3, 4]);
        assert_eq!(lm.cycle_through(1).map(|c| c.len()), Some(3));
        assert_eq!(lm.cycle_through(2), None, "2 waits for nobody");
    }
}
