//! Reads (the Raft thesis, section 6.4): how a leader answers "how many are left?" without breaking
//! linearizability, or, in the mistaken variant, while breaking it.
//!
//! A read changes nothing, so logging it like a checkout is wasteful; but answering from the leader's own copy is
//! wrong, since a leader cut off in a minority does not know it was deposed and answers from a state the new
//! leader has moved past (a *stale read*). The scenario's `raft.read` chooses:
//!
//! - `log`: the read takes a log entry of its own (an empty one: it changes nothing) and is answered when that entry
//!   is applied, so its place in the order of commands is its log index.
//! - `read-index`: the leader notes a *read index*, its commit index, or the first index of its own term if that
//!   is later (an entry of its term must be committed first: until then its commit index may lag what earlier
//!   leaders committed). It then starts a heartbeat round; once a majority acknowledged that round (or a later
//!   one) it knows no other leader was elected before the read arrived, and it answers when it has applied the read
//!   index. Heartbeat rounds are numbered and followers echo the number, so an acknowledgement of a heartbeat sent
//!   before the read cannot confirm it (etcd carries the read's context in its heartbeats the same way).
//! - `lease` (section 6.4.1): a round acknowledged by a majority gives the leader a lease from the moment it sent
//!   that round, for the minimum election timeout shrunk by the drift bound, on its own monotonic clock (drift
//!   counts, a clock step does not: what a real system measures a lease on). Servers that heard
//!   from a leader within the minimum election timeout ignore vote requests, so no other leader can be elected
//!   while the lease lasts, if clocks drift less than the bound. Within its lease (and once an entry of its term is
//!   committed) the leader answers at once; otherwise it falls back to `read-index`. A leader whose clock runs
//!   slower than the bound believes its lease longer than it is: the checker catches the stale answers.
//! - `leader-local` (the mistaken variant `stale-read`): answer at once from the leader's copy.

use super::types::*;
use crate::engine::{Ctx, ReadRequest};
use crate::note;
use crate::scenario::{NodeId, RaftRead};

impl Reads {
    /// A new leadership: rounds count from zero; the lease is gone.
    pub(super) fn lead(&mut self, servers: usize, term_start: u64) {
        *self = Reads { acked: vec![0; servers], term_start, heard_us: None, ..Reads::default() };
    }

    /// Stepping down: the reads waiting here are forgotten (their shoppers retry elsewhere).
    pub(super) fn step_down(&mut self) {
        self.pending.clear();
        self.sent.clear();
        self.lease_until_us = 0;
    }
}

impl<M: Machine> Raft<M> {
    /// The read path this cluster uses: the scenario's, or leader-local in the `stale-read` variant.
    pub(super) fn read_mode(&self) -> RaftRead {
        if self.variant == Variant::StaleRead {
            RaftRead::LeaderLocal
        } else {
            self.read
        }
    }

    /// A new heartbeat round starts now (before AppendEntries go out to every follower).
    pub(super) fn start_round(&self, s: &mut Server<M>, ctx: &Ctx<'_, Self>) {
        let r = &mut s.reads;
        r.round += 1;
        if r.sent.len() >= ROUNDS_KEPT {
            r.sent.remove(0);
        }
        r.sent.push((r.round, ctx.monotonic_us()));
    }

    /// A read reached server `s`: a follower redirects it; the leader serves it by the cluster's read path.
    pub(super) fn on_read(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, read: ReadRequest) {
        if s.role != RaftRole::Leader {
            let leader = s.leader.filter(|&l| l != ctx.me());
            ctx.send(from, Msg::Redirect { request_id: read.request_id, leader });
            return;
        }
        let id = read.request_id;
        if s.reads.pending.iter().any(|p| p.read.request_id == id) {
            return; // a retry of a read already waiting here: it will be answered once
        }
        match self.read_mode() {
            RaftRead::LeaderLocal => {
                ctx.note(|| note!("raft.read.local", id));
                self.answer_read(s, ctx, from, read);
            }
            RaftRead::Log => {
                let term = Self::term(ctx);
                let index = Self::with_log(ctx, |l| l.append(term, None));
                s.match_index[usize::from(ctx.me())] = index;
                ctx.note(|| note!("raft.read.log", id, index, term));
                s.reads.pending.push(PendingRead { read, from, index, round: 0 });
                self.replicate_new(s, ctx);
            }
            RaftRead::Lease if self.in_lease(s, ctx) => {
                let left_ms = format!("{:.0}", (s.reads.lease_until_us - ctx.monotonic_us()) as f64 / 1000.0);
                ctx.note(|| note!("raft.read.lease", id, left_ms));
                self.answer_read(s, ctx, from, read);
            }
            mode => {
                let index = s.commit_index.max(s.reads.term_start);
                self.start_round(s, ctx);
                let round = s.reads.round;
                ctx.note(|| {
                    if mode == RaftRead::Lease {
                        note!("raft.read.lease_expired", id, index)
                    } else {
                        note!("raft.read.index", id, index)
                    }
                });
                s.reads.pending.push(PendingRead { read, from, index, round });
                for p in self.peers(ctx.me()) {
                    self.replicate(s, ctx, p);
                }
                self.serve_reads(s, ctx);
            }
        }
    }

    /// Whether the leader's lease holds now (on its clock) and an entry of its term is committed.
    fn in_lease(&self, s: &Server<M>, ctx: &Ctx<'_, Self>) -> bool {
        ctx.monotonic_us() < s.reads.lease_until_us && s.commit_index >= s.reads.term_start
    }

    fn answer_read(&self, s: &Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, read: ReadRequest) {
        if let Some(units) = self.machine.read(&s.sm, read.item) {
            ctx.send(from, Msg::ReadReply { request_id: read.request_id, units });
        }
    }

    /// The highest round a majority of voters (the leader counting its current one) has acknowledged.
    fn quorum_round(&self, s: &Server<M>, me: NodeId) -> u64 {
        let mut rounds: Vec<u64> = (0..self.servers)
            .filter(|p| !s.learners.contains(p))
            .map(|p| if p == me { s.reads.round } else { s.reads.acked.get(usize::from(p)).copied().unwrap_or(0) })
            .collect();
        rounds.sort_unstable_by(|a, b| b.cmp(a));
        rounds.get(self.majority() - 1).copied().unwrap_or(0)
    }

    /// A follower of this term acknowledged heartbeat round `round`: extend the lease, serve what is confirmed.
    pub(super) fn round_acked(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, round: u64) {
        if let Some(a) = s.reads.acked.get_mut(usize::from(from)) {
            *a = (*a).max(round);
        }
        let q = self.quorum_round(s, ctx.me());
        if let Some(&(_, sent_us)) = s.reads.sent.iter().rev().find(|(r, _)| *r <= q) {
            s.reads.lease_until_us = s.reads.lease_until_us.max(sent_us + self.lease_us);
            s.reads.sent.retain(|(r, _)| *r > q);
        }
        self.serve_reads(s, ctx);
    }

    /// Answers every waiting read whose round a majority confirmed and whose index is applied.
    pub(super) fn serve_reads(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        if s.reads.pending.is_empty() || s.role != RaftRole::Leader {
            return;
        }
        let q = self.quorum_round(s, ctx.me());
        let applied = s.last_applied;
        let (ready, waiting): (Vec<PendingRead>, Vec<PendingRead>) =
            std::mem::take(&mut s.reads.pending).into_iter().partition(|p| p.round <= q && p.index <= applied);
        s.reads.pending = waiting;
        for p in ready {
            let (id, index) = (p.read.request_id, p.index);
            ctx.note(|| note!("raft.read.served", id, index));
            self.answer_read(s, ctx, p.from, p.read);
        }
    }

    /// Under leases or CheckQuorum, a follower that heard from a leader less than the minimum election timeout ago
    /// (on its clock) ignores a vote request of a higher term: the leader's lease may still hold (thesis sections
    /// 6.4.1 and 4.2.3; etcd's `inLease`). Under leases the leader ignores one while its own lease holds; under
    /// CheckQuorum alone it does not (a leader's `heard_us` is empty), and steps down for the higher term.
    pub(super) fn vote_ignored_in_lease(
        &self,
        s: &Server<M>,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        term: u64,
    ) -> bool {
        let lease = self.read_mode() == RaftRead::Lease;
        if !(lease || self.check_quorum) || term <= Self::term(ctx) {
            return false;
        }
        let now = ctx.monotonic_us();
        if s.role == RaftRole::Leader && lease {
            // The leader itself keeps its lease rather than step down for a candidate that cannot win before it ends.
            if now >= s.reads.lease_until_us {
                return false;
            }
            let left_ms = format!("{:.0}", (s.reads.lease_until_us - now) as f64 / 1000.0);
            ctx.note(|| note!("raft.vote.ignored_own_lease", from, term, left_ms));
            return true;
        }
        let Some(heard) = s.reads.heard_us else { return false };
        if now >= heard + self.election_min_us {
            return false;
        }
        let ago_ms = format!("{:.0}", now.saturating_sub(heard) as f64 / 1000.0);
        if lease {
            ctx.note(|| note!("raft.vote.ignored_lease", from, term, ago_ms));
        } else {
            ctx.note(|| note!("raft.vote.ignored_check_quorum", from, term, ago_ms));
        }
        true
    }
}
