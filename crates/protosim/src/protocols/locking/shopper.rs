//! The shopper's transaction driver: each checkout runs itself as a transaction (locks or versioned reads, then a
//! prewrite and a commit at the primary), kept on disk, resumed after a crash, retried with back-off.

use crate::domain::{AbortReason, Outcome, RequestId};
use crate::engine::Ctx;
use crate::narration::Note;
use crate::note;
use crate::scenario::NodeId;
use crate::vecmap::VecMap;

use super::info::*;
use super::types::*;

impl Locking {
    pub(super) fn jobs<'a>(ctx: &'a Ctx<'_, Self>) -> &'a VecMap<RequestId, Job> {
        match ctx.disk() {
            Disk::Shopper { jobs } => jobs,
            _ => unreachable!("only shoppers have jobs"),
        }
    }

    pub(super) fn with_job<R>(ctx: &mut Ctx<'_, Self>, id: RequestId, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
        ctx.persist(|d| match d {
            Disk::Shopper { jobs } => jobs.get_mut(&id).map(f),
            _ => None,
        })
    }

    pub(super) fn nodes_of(&self, rows: &[(Row, i64)]) -> Vec<NodeId> {
        let mut v: Vec<NodeId> = rows.iter().map(|(r, _)| self.node_of(*r)).collect();
        crate::sort::sort_dedup(&mut v);
        v
    }

    pub(super) fn primary_of(&self, job: &Job) -> NodeId {
        self.node_of(WALLET_BASE + job.req.customer)
    }

    pub(super) fn new_attempt(&self, job: &mut Job) {
        job.seq += 1;
        let mut rows: Vec<(Row, i64)> = Vec::new();
        for l in &job.req.lines {
            match rows.iter_mut().find(|(r, _)| *r == l.item) {
                Some(r) => r.1 += i64::from(l.qty),
                None => rows.push((l.item, i64::from(l.qty))),
            }
        }
        rows.push((WALLET_BASE + job.req.customer, self.catalogue.total_cents(&job.req.lines) as i64));
        let n = rows.len();
        let phase = if self.pessimistic { Phase::Locking(0) } else { Phase::Reading };
        let waiting = if self.pessimistic { Vec::new() } else { self.nodes_of(&rows) };
        job.a = Attempt {
            txn: (job.req.request_id << 8) | (job.seq & 255),
            phase,
            rows,
            tokens: vec![0; n],
            read: vec![None; n],
            waiting,
            released: false,
            granted: Vec::new(),
            refused: Vec::new(),
            asked_at_us: 0,
        };
    }

    /// Sends what the current step of a checkout needs (again, after a timeout or a restart).
    pub(super) fn kick(&self, ctx: &mut Ctx<'_, Self>, job: &Job) {
        let a = &job.a;
        let txn = a.txn;
        match a.phase {
            Phase::Locking(i) => {
                let (row, _) = a.rows[i];
                let lock = Msg::Lock { txn, row, mode: Mode::Exclusive, prio: job.prio };
                // Redlock asks every server that has not answered yet; otherwise, the lock manager.
                let unanswered = self.lock_servers().filter(|s| !a.granted.contains(s) && !a.refused.contains(s));
                for server in unanswered {
                    ctx.send(server, lock.clone());
                }
            }
            Phase::Reading => {
                for &node in &a.waiting {
                    let rows = a
                        .rows
                        .iter()
                        .zip(&a.tokens)
                        .filter(|((r, _), _)| self.node_of(*r) == node)
                        .map(|((r, _), t)| (*r, *t))
                        .collect();
                    ctx.send(node, Msg::Read { txn, rows });
                }
            }
            Phase::Unlocking => self.release_locks(ctx, txn, true),
            Phase::Prewriting => {
                let primary = self.primary_of(job);
                for &node in &a.waiting {
                    let mut writes = Vec::new();
                    for (k, &(row, delta)) in a.rows.iter().enumerate() {
                        if self.node_of(row) != node {
                            continue;
                        }
                        let (value, version) = a.read[k].unwrap_or((0, 0));
                        let check = if self.pessimistic { a.tokens[k] } else { version };
                        writes.push(Write { row, value: value - delta, check });
                    }
                    let deltas = if node == primary { a.rows.clone() } else { Vec::new() };
                    ctx.send(node, Msg::Prewrite { txn, primary, writes, deltas });
                }
            }
            Phase::Committing => ctx.send(self.primary_of(job), Msg::Commit { txn, primary: true }),
            Phase::Backoff => {}
        }
    }

    pub(super) fn set_step(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, after_us: u64) {
        let t = ctx.set_timer(after_us, Timer::Step(id));
        let slot = vol.timers.entry(id).or_insert((0, 0));
        if slot.0 != 0 {
            ctx.cancel_timer(slot.0);
        }
        slot.0 = t;
    }

    pub(super) fn set_renew(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let slot = vol.timers.entry(id).or_insert((0, 0));
        if slot.1 == 0 {
            slot.1 = ctx.set_timer(self.renew_us, Timer::Renew(id));
        }
    }

    /// Moves a checkout on to `phase` and sends what it needs.
    pub(super) fn go(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, phase: Phase) {
        let nodes = Self::jobs(ctx).get(&id).map(|j| self.nodes_of(&j.a.rows)).unwrap_or_default();
        let now = ctx.now_us();
        let Some(job) = Self::with_job(ctx, id, |j| {
            j.a.phase = phase;
            if matches!(phase, Phase::Reading | Phase::Prewriting) {
                j.a.waiting = nodes;
            }
            if matches!(phase, Phase::Locking(_)) {
                (j.a.granted, j.a.refused, j.a.asked_at_us) = (Vec::new(), Vec::new(), now);
            }
            j.clone()
        }) else {
            return;
        };
        self.kick(ctx, &job);
        self.set_step(vol, ctx, id, self.step_us);
    }

    pub(super) fn finish(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, outcome: Outcome) {
        let job = ctx.persist(|d| match d {
            Disk::Shopper { jobs } => jobs.remove(&id),
            _ => None,
        });
        if let Some((step, renew)) = vol.timers.remove(&id) {
            ctx.cancel_timer(step);
            ctx.cancel_timer(renew);
        }
        if let Some(job) = job {
            ctx.sample(ATTEMPTS_METRIC, u64::from(job.failed) + 1);
        }
        ctx.answer(id, outcome);
    }

    /// The attempt failed: undo what it placed, release its locks, back off — or give up after the last attempt.
    pub(super) fn fail(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, why: Note) {
        self.abandon(ctx, id);
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        let a = &job.a;
        let failed = job.failed + 1;
        if failed >= MAX_ATTEMPTS {
            ctx.note(|| note!("locking.failed.last", txn = txn_name(a.txn), why = why.clone(), failed));
            Self::with_job(ctx, id, |j| j.failed = failed);
            self.finish(vol, ctx, id, Outcome::Aborted { reason: AbortReason::Contention });
            return;
        }
        ctx.sample(crate::trace::RETRIES_METRIC, 1);
        let window = self.backoff_us << failed.min(6);
        let wait = window / 2 + ctx.rng().range_u64(0, window / 2);
        if ctx.now_us() + wait >= job.prio.0 + CHECKOUT_DEADLINE_US {
            ctx.note(|| note!("locking.failed.deadline", txn = txn_name(a.txn), why = why.clone()));
            Self::with_job(ctx, id, |j| j.failed = failed);
            self.finish(vol, ctx, id, Outcome::Aborted { reason: AbortReason::GaveUp });
            return;
        }
        ctx.note(|| {
            note!("locking.failed.retry", txn = txn_name(a.txn), why, wait_ms = wait / 1000, attempt = failed + 1)
        });
        Self::with_job(ctx, id, |j| {
            j.failed = failed;
            j.a.phase = Phase::Backoff;
            j.a.released = true;
        });
        if let Some(slot) = vol.timers.get_mut(&id) {
            if slot.1 != 0 {
                ctx.cancel_timer(slot.1);
                slot.1 = 0;
            }
        }
        self.set_step(vol, ctx, id, wait);
    }

    /// Undoes what the current attempt placed (pending writes) and holds (locks). Not for a committing attempt.
    pub(super) fn abandon(&self, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        let a = &job.a;
        if a.phase == Phase::Prewriting || a.phase == Phase::Committing {
            let primary = self.primary_of(&job);
            for node in self.nodes_of(&a.rows) {
                ctx.send(node, Msg::Rollback { txn: a.txn, primary });
            }
        }
        if self.pessimistic && !a.released {
            self.release_locks(ctx, a.txn, false);
        }
        Self::with_job(ctx, id, |j| j.a.released = true);
    }

    pub(super) fn start(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let now = ctx.now_us();
        let Some(job) = Self::with_job(ctx, id, |j| {
            self.new_attempt(j);
            j.a.asked_at_us = now;
            j.clone()
        }) else {
            return;
        };
        self.kick(ctx, &job);
        self.set_step(vol, ctx, id, self.step_us);
        if self.pessimistic {
            self.set_renew(vol, ctx, id);
        }
    }

    /// All rows read: decide — reject, or write (after unlocking, in the `release-before-write` variant).
    pub(super) fn decide(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        let a = &job.a;
        let mut refusal = None;
        for (k, &(row, delta)) in a.rows.iter().enumerate() {
            let (value, _) = a.read[k].unwrap_or((0, 0));
            if value < delta {
                refusal = Some(if row >= WALLET_BASE {
                    Outcome::InsufficientFunds { total_cents: delta as u64 }
                } else {
                    Outcome::OutOfStock { item: row }
                });
                break;
            }
        }
        if let Some(outcome) = refusal {
            ctx.note(|| note!("locking.refused", txn = txn_name(a.txn), outcome = outcome.note()));
            if self.pessimistic {
                self.release_locks(ctx, a.txn, false);
            }
            self.finish(vol, ctx, id, outcome);
            return;
        }
        if self.variant == Variant::ReleaseBeforeWrite {
            ctx.note(|| note!("locking.release_before_write", txn = txn_name(a.txn)));
            Self::with_job(ctx, id, |j| j.a.released = true);
            self.go(vol, ctx, id, Phase::Unlocking);
        } else {
            self.go(vol, ctx, id, Phase::Prewriting);
        }
    }

    pub(super) fn shopper_message(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        let txn = match &msg {
            Msg::Granted { txn, .. }
            | Msg::Revoked { txn, .. }
            | Msg::Held { txn, .. }
            | Msg::Values { txn, .. }
            | Msg::Busy { txn }
            | Msg::Refused { txn, .. }
            | Msg::Released { txn }
            | Msg::Prepared { txn }
            | Msg::Decided { txn, .. } => *txn,
            _ => return,
        };
        let id = txn >> 8;
        let current = Self::jobs(ctx).get(&id).map(|j| j.a.txn);
        if current != Some(txn) {
            // A late answer to an earlier attempt, or to a checkout that has ended.
            ctx.note(|| note!("locking.shopper.late", txn = txn_name(txn)));
            return;
        }
        let Some(job) = Self::jobs(ctx).get(&id) else { return };
        let phase = job.a.phase;
        match msg {
            Msg::Granted { row, .. } if self.redlock() => self.redlock_granted(vol, ctx, id, (from, row)),
            Msg::Granted { row, token, .. } => self.on_granted(vol, ctx, id, row, token),
            Msg::Held { row, .. } if self.redlock() => self.redlock_refused(vol, ctx, id, (from, row)),
            // The Raft lock service refuses a held row: no queue, so back off and try again.
            Msg::Held { row, .. } if matches!(phase, Phase::Locking(i) if job.a.rows[i].0 == row) => {
                self.fail(vol, ctx, id, note!("locking.why.held", row = self.row_name(row)));
            }
            Msg::Revoked { why, .. }
                if matches!(phase, Phase::Locking(_) | Phase::Reading | Phase::Prewriting) && !job.a.released =>
            {
                self.fail(vol, ctx, id, note!("locking.why.revoked", why = why.note()));
            }
            Msg::Values { rows, .. } => self.on_values(vol, ctx, id, from, rows),
            Msg::Busy { .. } => {
                if matches!(phase, Phase::Reading | Phase::Prewriting) {
                    self.set_step(vol, ctx, id, self.busy_us);
                }
            }
            Msg::Refused { why, .. } => {
                if matches!(phase, Phase::Reading | Phase::Prewriting) {
                    let why = match why {
                        Refusal::Conflict { row } => note!("locking.why.conflict", row = self.row_name(row)),
                        Refusal::Fenced { row } => note!("locking.why.fenced", row = self.row_name(row)),
                        Refusal::Aborted => note!("locking.why.aborted"),
                    };
                    self.fail(vol, ctx, id, why);
                }
            }
            Msg::Released { .. } if phase == Phase::Unlocking => self.go(vol, ctx, id, Phase::Prewriting),
            Msg::Prepared { .. } => self.on_prepared(vol, ctx, id, from),
            Msg::Decided { committed, .. } => self.on_decided(vol, ctx, id, txn, committed),
            _ => {}
        }
    }

    /// A lock granted: lock the next row, or read once every row is locked.
    fn on_granted(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, row: Row, token: u64) {
        let Some(job) = Self::jobs(ctx).get(&id) else { return };
        let Phase::Locking(i) = job.a.phase else { return };
        if job.a.rows[i].0 != row {
            return;
        }
        let last = i + 1 == job.a.rows.len();
        Self::with_job(ctx, id, |j| j.a.tokens[i] = token);
        if last {
            self.go(vol, ctx, id, Phase::Reading);
        } else {
            self.go(vol, ctx, id, Phase::Locking(i + 1));
        }
    }

    /// Rows read from one storage node: decide once every node has answered.
    fn on_values(
        &self,
        vol: &mut ShopperVol,
        ctx: &mut Ctx<'_, Self>,
        id: RequestId,
        from: NodeId,
        rows: Vec<(Row, i64, u64)>,
    ) {
        let Some(job) = Self::jobs(ctx).get(&id) else { return };
        if job.a.phase != Phase::Reading || !job.a.waiting.contains(&from) {
            return;
        }
        let done = Self::with_job(ctx, id, |j| {
            for (row, value, version) in rows {
                if let Some(k) = j.a.rows.iter().position(|(r, _)| *r == row) {
                    j.a.read[k] = Some((value, version));
                }
            }
            j.a.waiting.retain(|n| *n != from);
            j.a.waiting.is_empty()
        });
        if done == Some(true) {
            self.decide(vol, ctx, id);
        }
    }

    /// One storage node holds the pending writes: commit at the primary once all do.
    fn on_prepared(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, from: NodeId) {
        let Some(job) = Self::jobs(ctx).get(&id) else { return };
        if job.a.phase != Phase::Prewriting || !job.a.waiting.contains(&from) {
            return;
        }
        let done = Self::with_job(ctx, id, |j| {
            j.a.waiting.retain(|n| *n != from);
            j.a.waiting.is_empty()
        });
        if done == Some(true) {
            self.go(vol, ctx, id, Phase::Committing);
        }
    }

    /// The primary's decision: on a commit, tell the other nodes, unlock and confirm; on an abort, fail the attempt.
    fn on_decided(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, txn: TxnId, committed: bool) {
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        if job.a.phase != Phase::Committing {
            return;
        }
        if !committed {
            self.fail(vol, ctx, id, note!("locking.why.primary_aborted"));
            return;
        }
        let primary = self.primary_of(&job);
        for node in self.nodes_of(&job.a.rows).into_iter().filter(|n| *n != primary) {
            ctx.send(node, Msg::Commit { txn, primary: false });
        }
        if self.pessimistic && !job.a.released {
            self.release_locks(ctx, txn, false);
        }
        let total = self.catalogue.total_cents(&job.req.lines);
        ctx.note(|| note!("locking.committed", txn = txn_name(txn)));
        self.finish(vol, ctx, id, Outcome::Confirmed { order: id as u32, total_cents: total });
    }

    pub(super) fn shopper_timer(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match timer {
            Timer::Step(id) => {
                if let Some(slot) = vol.timers.get_mut(&id) {
                    slot.0 = 0;
                }
                let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
                let late = ctx.now_us() >= job.prio.0 + CHECKOUT_DEADLINE_US;
                if late && job.a.phase != Phase::Committing {
                    let txn = job.a.txn;
                    ctx.note(|| note!("locking.deadline", txn = txn_name(txn)));
                    self.abandon(ctx, id);
                    self.finish(vol, ctx, id, Outcome::Aborted { reason: AbortReason::GaveUp });
                } else if job.a.phase == Phase::Backoff {
                    self.start(vol, ctx, id);
                } else if let Some(took_us) = self.redlock_spent(ctx, &job) {
                    // Redlock gives up on a lock once its validity is spent waiting for a majority.
                    self.fail(vol, ctx, id, note!("locking.why.redlock_late", ms = took_us / 1000));
                } else {
                    self.kick(ctx, &job);
                    self.set_step(vol, ctx, id, self.step_us);
                }
            }
            Timer::Renew(id) => {
                if let Some(slot) = vol.timers.get_mut(&id) {
                    slot.1 = 0;
                }
                let Some(job) = Self::jobs(ctx).get(&id) else { return };
                // The lease covers the whole transaction, waiting in a queue included.
                if !job.a.released && job.a.phase != Phase::Backoff {
                    let txn = job.a.txn;
                    for server in self.lock_servers() {
                        ctx.send(server, Msg::Renew { txn });
                    }
                    self.set_renew(vol, ctx, id);
                }
            }
            _ => {}
        }
    }

    /// The phase as a word of narration.
    pub(super) fn phase_note(p: Phase) -> Note {
        match p {
            Phase::Locking(_) => note!("locking.phase.locking"),
            Phase::Reading => note!("locking.phase.reading"),
            Phase::Unlocking => note!("locking.phase.unlocking"),
            Phase::Prewriting => note!("locking.phase.writing"),
            Phase::Committing => note!("locking.phase.committing"),
            Phase::Backoff => note!("locking.phase.backoff"),
        }
    }
}
