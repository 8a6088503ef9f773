//! Redlock (`"locking": {"service": "redlock"}`): the distributed lock of the Redis documentation, over
//! [`crate::scenario::REDLOCK_SERVERS`] independent lock servers (`redis1…`).
//!
//! - **A server** runs `SET row txn NX PX validity`: it grants a row that is free, expired (on its own clock) or
//!   already the asker's, and says no otherwise; it extends the rows a transaction still holds (`PEXPIRE` after
//!   comparing the value) and deletes them on release (`DEL` after comparing). It keeps its keys in memory only, as
//!   Redis does without an fsync per write: a restarted server has forgotten every lock.
//! - **A shopper** asks every server for each row, in basket order, and holds the row once a majority granted it
//!   while time was left: validity = lease − (time taken, on its own clock) − drift allowance (1 % + 2 ms). A row a
//!   majority refused, or that took too long, fails the attempt: it releases everything on every server and backs off
//!   (no queue, so no deadlock). Once it holds its rows it works as a client library lets it: the lock is extended
//!   in the background (Redisson's watchdog), and nothing tells the transaction when an extension fails.
//! - **No fencing:** each server's keys are its own, so no token orders the grants across servers and storage cannot
//!   refuse a stale writer. Kleppmann ("How to do distributed locking", 2016) shows the consequence — a holder paused
//!   past its validity, a server whose clock jumps, or one that restarts without its keys lets two shoppers hold the
//!   same row — and the sweep finds the lost update it causes (`no-lost-update`); antirez's reply ("Is Redlock
//!   safe?") asks for delayed restarts and bounded clocks, which the faults here do not promise.

use crate::domain::RequestId;
use crate::engine::{Ctx, NodeDetail, TableLine};
use crate::note;
use crate::scenario::NodeId;
use crate::view::fact;

use super::types::*;

impl Locking {
    /// A Redlock server's answer to a lock, an extension or a release.
    pub(super) fn redis_message(&self, r: &mut RedisVol, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        let now = ctx.now_us();
        // Expired keys are gone (Redis deletes them lazily; the effect is the same).
        r.rows.retain(|_, (_, expires)| *expires > now);
        match msg {
            Msg::Lock { txn, row, .. } => match r.rows.get(&row).map(|(t, _)| *t) {
                Some(holder) if holder != txn => {
                    ctx.note(|| {
                        note!(
                            "locking.redis.held",
                            row = self.row_name(row),
                            txn = txn_name(txn),
                            holder = txn_name(holder)
                        )
                    });
                    ctx.send(from, Msg::Held { txn, row });
                }
                _ => {
                    r.rows.insert(row, (txn, now + self.lease_us));
                    ctx.note(|| {
                        note!(
                            "locking.redis.set",
                            row = self.row_name(row),
                            txn = txn_name(txn),
                            ms = self.lease_us / 1000
                        )
                    });
                    ctx.send(from, Msg::Granted { txn, row, token: 0 });
                }
            },
            Msg::Renew { txn } => {
                for (holder, expires) in r.rows.values_mut() {
                    if *holder == txn {
                        *expires = now + self.lease_us;
                    }
                }
            }
            Msg::Release { txn, ack } => {
                r.rows.retain(|_, (holder, _)| *holder != txn);
                if ack {
                    ctx.send(from, Msg::Released { txn });
                }
            }
            _ => {}
        }
    }

    /// Redlock: how long the row being locked has waited for its majority, on the shopper's clock, and the validity
    /// a majority arriving now would leave (0: none), both µs — the Redis documentation's rule: validity = lease −
    /// time taken − drift allowance.
    pub(super) fn redlock_validity(&self, ctx: &Ctx<'_, Self>, job: &Job) -> (u64, u64) {
        let took_us = ctx.now_us().saturating_sub(job.a.asked_at_us);
        (took_us, self.lease_us.saturating_sub(took_us + self.drift_allowance_us()))
    }

    /// Redlock: how long a row still being locked has waited, once that has spent its whole validity (`None`: not
    /// locking with Redlock, or time is left).
    pub(super) fn redlock_spent(&self, ctx: &Ctx<'_, Self>, job: &Job) -> Option<u64> {
        let (took_us, validity_us) = self.redlock_validity(ctx, job);
        (self.redlock() && matches!(job.a.phase, Phase::Locking(_)) && validity_us == 0).then_some(took_us)
    }

    /// Sends a release (`ack`: asking for an answer) to every lock server.
    pub(super) fn release_locks(&self, ctx: &mut Ctx<'_, Self>, txn: TxnId, ack: bool) {
        for server in self.lock_servers() {
            ctx.send(server, Msg::Release { txn, ack });
        }
    }

    /// Redlock: records one server's answer (`grant` or a no) about the row being locked, and returns that row's
    /// place in the basket and how many servers have now answered so; `None` when the answer does not count — a late
    /// one about an earlier row (its majority came from the others), or a second answer of the same server (a
    /// duplicate, or a grant after its no once the holder's key expired).
    fn redlock_record(
        &self,
        ctx: &mut Ctx<'_, Self>,
        id: RequestId,
        (from, row): (NodeId, Row),
        grant: bool,
    ) -> Option<(usize, usize)> {
        let job = Self::jobs(ctx).get(&id)?;
        let Phase::Locking(i) = job.a.phase else { return None };
        if job.a.rows[i].0 != row || job.a.granted.contains(&from) || job.a.refused.contains(&from) {
            return None;
        }
        Self::with_job(ctx, id, |j| {
            let answered = if grant { &mut j.a.granted } else { &mut j.a.refused };
            answered.push(from);
            (i, answered.len())
        })
    }

    /// Redlock: one server granted the row being locked; with a majority, while validity is left, the row is held.
    pub(super) fn redlock_granted(
        &self,
        vol: &mut ShopperVol,
        ctx: &mut Ctx<'_, Self>,
        id: RequestId,
        (from, row): (NodeId, Row),
    ) {
        let Some((i, granted)) = self.redlock_record(ctx, id, (from, row), true) else { return };
        let job = &Self::jobs(ctx)[&id];
        let (txn, last) = (job.a.txn, i + 1 == job.a.rows.len());
        let (took_us, validity_us) = self.redlock_validity(ctx, job);
        if granted < self.majority() {
            return;
        }
        if validity_us == 0 {
            self.fail(vol, ctx, id, note!("locking.why.redlock_late", ms = took_us / 1000));
            return;
        }
        ctx.note(|| {
            note!(
                "locking.redlock.acquired",
                txn = txn_name(txn),
                row = self.row_name(row),
                granted,
                servers = self.base,
                ms = validity_us / 1000
            )
        });
        self.go(vol, ctx, id, if last { Phase::Reading } else { Phase::Locking(i + 1) });
    }

    /// Redlock: one server refused the row being locked; once a majority can no longer grant it, the attempt fails.
    pub(super) fn redlock_refused(
        &self,
        vol: &mut ShopperVol,
        ctx: &mut Ctx<'_, Self>,
        id: RequestId,
        (from, row): (NodeId, Row),
    ) {
        let Some((_, refused)) = self.redlock_record(ctx, id, (from, row), false) else { return };
        if refused > usize::from(self.base) - self.majority() {
            self.fail(vol, ctx, id, note!("locking.why.redlock_no_majority", refused, servers = self.base));
        }
    }

    /// A Redlock server's box: its keys, each with its holder and when it expires on the server's clock.
    pub(super) fn redis_detail(&self, st: Option<&State>) -> NodeDetail {
        let empty = RedisVol::default();
        let r = match st {
            Some(State::Redis(r)) => r,
            _ => &empty,
        };
        let role = if st.is_some() { note!("role.redis") } else { note!("role.down") };
        let table: Vec<TableLine> = r
            .rows
            .iter()
            .map(|(row, (txn, expires))| TableLine {
                key: self.row_name(*row),
                text: note!("locking.redis.row", txn = txn_name(*txn), until = format!("{:.3}", *expires as f64 / 1e6)),
                hot: false,
            })
            .collect();
        NodeDetail {
            facts: vec![fact(note!("fact.role"), role), fact(note!("fact.held"), r.rows.len())],
            legend: Some(note!("locking.legend.redis")),
            table,
            empty: st.is_some().then(|| note!("locking.redis.no-keys")),
            ..NodeDetail::default()
        }
    }
}
