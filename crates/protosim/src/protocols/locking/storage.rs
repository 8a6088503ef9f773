//! A storage node: rows with versions, prewrites (pending writes), the commit at the transaction's primary
//! (Percolator's commit: the primary's decision is the transaction's), fences, and settling writes left behind.

use crate::engine::Ctx;
use crate::note;
use crate::scenario::NodeId;

use super::types::*;

/// A prewrite as a storage node reads it.
struct Prewrite {
    primary: NodeId,
    writes: Vec<Write>,
    deltas: Vec<(Row, i64)>,
}

impl Locking {
    pub(super) fn store<'a>(ctx: &'a Ctx<'_, Self>) -> &'a Store {
        match ctx.disk() {
            Disk::Store(s) => s,
            _ => unreachable!("only storage nodes have rows"),
        }
    }

    pub(super) fn with_store<R>(ctx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut Store) -> R) -> R {
        ctx.persist(|d| match d {
            Disk::Store(s) => f(s),
            _ => unreachable!("only storage nodes have rows"),
        })
    }

    /// Applies (commit) or drops (abort) every pending write of `txn` on this node; records the decision if this
    /// node is the transaction's primary. Returns whether anything changed.
    pub(super) fn settle(
        &self,
        vol: &mut StoreVol,
        ctx: &mut Ctx<'_, Self>,
        txn: TxnId,
        commit: bool,
        primary: bool,
    ) -> bool {
        let changed = Self::with_store(ctx, |s| {
            let mut changed = false;
            for (row, c) in s.cells.iter_mut() {
                if c.intent.as_ref().is_some_and(|i| i.txn == txn) {
                    let i = c.intent.take().expect("checked");
                    if commit {
                        c.value = i.value;
                        c.version += 1;
                    }
                    s.dirty_rows.push(*row);
                    changed = true;
                }
            }
            if primary && !s.records.contains_key(&txn) {
                let deltas = s.deltas.remove(&txn).unwrap_or_default();
                s.records.insert(txn, Record { committed: commit, deltas });
                s.dirty_txns.push(txn);
                changed = true;
            }
            changed
        });
        if let Some(t) = vol.ttl.remove(&txn) {
            ctx.cancel_timer(t);
        }
        self.ack_fences(vol, ctx);
        changed
    }

    pub(super) fn has_intent(ctx: &Ctx<'_, Self>, txn: TxnId) -> Option<(NodeId, u64)> {
        Self::store(ctx)
            .cells
            .values()
            .filter_map(|c| c.intent.as_ref())
            .find(|i| i.txn == txn)
            .map(|i| (i.primary, i.since_us))
    }

    /// Acknowledges every fence whose rows no longer hold a pending write from an older token.
    pub(super) fn ack_fences(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>) {
        let s = Self::store(ctx);
        let (ready, waiting): (Vec<_>, Vec<_>) =
            std::mem::take(&mut vol.fences).into_iter().partition(|(_, rows, token)| {
                rows.iter().all(|r| s.cells.get(r).and_then(|c| c.intent.as_ref()).is_none_or(|i| i.token >= *token))
            });
        vol.fences = waiting;
        for (from, rows, token) in ready {
            ctx.send(from, Msg::Fenced { rows, token });
        }
    }

    /// As the primary: the decision on `txn`, deciding "abort" now if `force` or its pending write is too old.
    pub(super) fn primary_decision(
        &self,
        vol: &mut StoreVol,
        ctx: &mut Ctx<'_, Self>,
        txn: TxnId,
        force: bool,
    ) -> Option<bool> {
        if let Some(r) = Self::store(ctx).records.get(&txn) {
            return Some(r.committed);
        }
        let young =
            Self::has_intent(ctx, txn).is_some_and(|(_, since)| ctx.now_us().saturating_sub(since) < self.ttl_us);
        if young && !force {
            return None;
        }
        ctx.note(|| note!("locking.primary.abort", txn = txn_name(txn)));
        self.settle(vol, ctx, txn, false, true);
        Some(false)
    }

    pub(super) fn store_message(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        let me = ctx.me();
        match msg {
            Msg::Read { txn, rows } => self.on_read(ctx, from, txn, rows),
            Msg::Prewrite { txn, primary, writes, deltas } => {
                self.on_prewrite(vol, ctx, from, txn, Prewrite { primary, writes, deltas })
            }
            Msg::Commit { txn, primary: true } => self.on_commit_at_primary(vol, ctx, from, txn),
            Msg::Commit { txn, primary: false } => {
                if Self::has_intent(ctx, txn).is_none() {
                    ctx.note(|| note!("locking.apply.nothing", txn = txn_name(txn)));
                }
                self.settle(vol, ctx, txn, true, false);
            }
            Msg::Rollback { txn, primary } => {
                if Self::has_intent(ctx, txn).is_none() {
                    ctx.note(|| note!("locking.rollback.nothing", txn = txn_name(txn)));
                }
                self.settle(vol, ctx, txn, false, primary == me);
            }
            Msg::Resolve { txn, force } => {
                let committed = self.primary_decision(vol, ctx, txn, force);
                ctx.send(from, Msg::Resolved { txn, committed });
            }
            Msg::Resolved { txn, committed: Some(commit) } if Self::has_intent(ctx, txn).is_some() => {
                ctx.note(|| {
                    if commit {
                        note!("locking.resolved.apply", txn = txn_name(txn))
                    } else {
                        note!("locking.resolved.drop", txn = txn_name(txn))
                    }
                });
                self.settle(vol, ctx, txn, commit, false);
            }
            Msg::Resolved { txn, committed: Some(_) } => {
                ctx.note(|| note!("locking.resolved.nothing", txn = txn_name(txn)));
            }
            Msg::Resolved { txn, committed: None } => {
                ctx.note(|| note!("locking.resolved.in_progress", txn = txn_name(txn)));
            }
            Msg::Fence { rows, token } => self.on_fence(vol, ctx, from, rows, token),
            _ => {}
        }
    }

    /// A read: the rows' values and versions, unless a fence refuses the reader's token or (pessimistic) another
    /// transaction's write is pending on a row.
    fn on_read(&self, ctx: &mut Ctx<'_, Self>, from: NodeId, txn: TxnId, rows: Vec<(Row, u64)>) {
        let s = Self::store(ctx);
        let mut out = Vec::with_capacity(rows.len());
        let rows_tokens = rows.clone();
        for (row, token) in rows {
            let Some(c) = s.cells.get(&row) else { continue };
            if self.fencing() && token < c.fence {
                let fence = c.fence;
                Self::with_store(ctx, |s| s.refused += 1);
                ctx.note(|| note!("locking.read.fenced", txn = txn_name(txn), row = self.row_name(row), token, fence));
                ctx.send(from, Msg::Refused { txn, why: Refusal::Fenced { row } });
                return;
            }
            if self.pessimistic && c.intent.as_ref().is_some_and(|i| i.txn != txn) {
                ctx.send(from, Msg::Busy { txn });
                return;
            }
            out.push((row, c.value, c.version));
        }
        if self.fences_on_read() {
            self.raise_fences(ctx, txn, &rows_tokens);
        }
        ctx.send(from, Msg::Values { txn, rows: out });
    }

    /// Raft lock service: a read that carries a newer token than a row's fence raises the fence to it (the storage
    /// remembers the highest token it has seen), so the holder before it can no longer read or write there. Written
    /// to disk before the values are answered.
    fn raise_fences(&self, ctx: &mut Ctx<'_, Self>, txn: TxnId, rows: &[(Row, u64)]) {
        let s = Self::store(ctx);
        let raised: Vec<(Row, u64)> =
            rows.iter().copied().filter(|(row, token)| s.cells.get(row).is_some_and(|c| c.fence < *token)).collect();
        if raised.is_empty() {
            return;
        }
        Self::with_store(ctx, |s| {
            for &(row, token) in &raised {
                if let Some(c) = s.cells.get_mut(&row) {
                    c.fence = token;
                    s.dirty_rows.push(row);
                }
            }
        });
        for (row, token) in raised {
            ctx.note(|| note!("locking.read.fence_raised", txn = txn_name(txn), row = self.row_name(row), token));
        }
    }

    /// A prewrite: validate every write (fence, version, another pending write), then place them as pending writes
    /// and arm their time-to-live.
    fn on_prewrite(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, from: NodeId, txn: TxnId, p: Prewrite) {
        let Prewrite { primary, writes, deltas } = p;
        let me = ctx.me();
        if let Some(r) = Self::store(ctx).records.get(&txn) {
            let reply = if r.committed { Msg::Prepared { txn } } else { Msg::Refused { txn, why: Refusal::Aborted } };
            ctx.send(from, reply);
            return;
        }
        let s = Self::store(ctx);
        let mut refusal = None;
        let mut busy = false;
        for w in &writes {
            let Some(c) = s.cells.get(&w.row) else { continue };
            match &c.intent {
                Some(i) if i.txn == txn => continue,
                Some(_) if self.pessimistic => busy = true,
                Some(_) => refusal = Some(Refusal::Conflict { row: w.row }),
                None => {}
            }
            if self.fencing() && w.check < c.fence {
                refusal = Some(Refusal::Fenced { row: w.row });
            }
            if !self.pessimistic && self.variant != Variant::NoVersionCheck && w.check != c.version {
                refusal = Some(Refusal::Conflict { row: w.row });
            }
            if refusal.is_some() {
                break;
            }
        }
        if let Some(why) = refusal {
            Self::with_store(ctx, |s| s.refused += 1);
            ctx.note(|| match why {
                Refusal::Conflict { row } => {
                    note!("locking.write.conflict", txn = txn_name(txn), row = self.row_name(row))
                }
                Refusal::Fenced { row } => note!("locking.write.fenced", txn = txn_name(txn), row = self.row_name(row)),
                Refusal::Aborted => note!("locking.write.aborted", txn = txn_name(txn)),
            });
            ctx.send(from, Msg::Refused { txn, why });
            return;
        }
        if busy {
            ctx.send(from, Msg::Busy { txn });
            return;
        }
        let now = ctx.now_us();
        let pess = self.pessimistic;
        Self::with_store(ctx, |s| {
            for w in &writes {
                if let Some(c) = s.cells.get_mut(&w.row) {
                    if c.intent.is_none() {
                        let token = if pess { w.check } else { 0 };
                        c.intent = Some(Intent { txn, value: w.value, token, primary, since_us: now });
                        s.dirty_rows.push(w.row);
                    }
                }
            }
            if me == primary {
                s.deltas.insert(txn, deltas);
            }
        });
        if !vol.ttl.contains_key(&txn) {
            vol.ttl.insert(txn, ctx.set_timer(self.ttl_us, Timer::Ttl(txn)));
        }
        ctx.send(from, Msg::Prepared { txn });
    }

    /// The commit at the primary: the decision is recorded durably here, and it is the transaction's.
    fn on_commit_at_primary(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, from: NodeId, txn: TxnId) {
        if let Some(r) = Self::store(ctx).records.get(&txn) {
            let committed = r.committed;
            ctx.send(from, Msg::Decided { txn, committed });
            return;
        }
        let ok = Self::has_intent(ctx, txn).is_some() && Self::store(ctx).deltas.contains_key(&txn);
        if ok {
            ctx.note(|| note!("locking.commit", txn = txn_name(txn)));
        } else {
            ctx.note(|| note!("locking.commit.dropped", txn = txn_name(txn)));
        }
        self.settle(vol, ctx, txn, ok, true);
        ctx.send(from, Msg::Decided { txn, committed: ok });
    }

    /// A fence from the lock manager: refuse older tokens on these rows from now on, settle pending writes that
    /// carry an older token, and acknowledge once none is left.
    fn on_fence(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, from: NodeId, rows: Vec<Row>, token: u64) {
        let me = ctx.me();
        let stale: Vec<(TxnId, NodeId)> = Self::with_store(ctx, |s| {
            let mut stale = Vec::new();
            for r in &rows {
                if let Some(c) = s.cells.get_mut(r) {
                    if c.fence < token {
                        c.fence = token;
                        s.dirty_rows.push(*r);
                    }
                    if let Some(i) = c.intent.as_ref().filter(|i| i.token < token) {
                        stale.push((i.txn, i.primary));
                    }
                }
            }
            stale
        });
        vol.fences.push((from, rows, token));
        for (txn, primary) in stale {
            if primary == me {
                let commit = self.primary_decision(vol, ctx, txn, true).unwrap_or(false);
                self.settle(vol, ctx, txn, commit, true);
            } else {
                ctx.send(primary, Msg::Resolve { txn, force: true });
            }
        }
        self.ack_fences(vol, ctx);
    }

    pub(super) fn store_timer(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, txn: TxnId) {
        vol.ttl.remove(&txn);
        let me = ctx.me();
        let Some((primary, _)) = Self::has_intent(ctx, txn) else { return };
        if primary == me {
            if self.primary_decision(vol, ctx, txn, false).is_none() {
                let t = ctx.set_timer(self.ttl_us, Timer::Ttl(txn));
                vol.ttl.insert(txn, t);
            }
        } else {
            ctx.send(primary, Msg::Resolve { txn, force: false });
            let t = ctx.set_timer(self.step_us, Timer::Ttl(txn));
            vol.ttl.insert(txn, t);
        }
    }

    // ----- shopper -----
}
