//! What a leader does (sections 5.3-5.4 and 8): on winning it appends a no-op of its own term, then replicates its
//! log to every follower from that follower's `next_index` (heartbeats are empty AppendEntries), backs `next_index`
//! off a whole term per refusal, commits an index once a majority stores it *and* it is from the current term (the
//! Figure 8 rule), and appends the commands its clients propose ([`super::Machine`] answers them once applied).

use super::types::*;
use crate::engine::Ctx;
use crate::note;
use crate::scenario::NodeId;

impl<M: Machine> Raft<M> {
    pub(super) fn become_leader(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        let me = ctx.me();
        let term = Self::term(ctx);
        s.role = RaftRole::Leader;
        s.leader = Some(me);
        self.stop_election(s, ctx);
        // The mistaken variant commits old entries by counting copies, so it sees no need for the no-op.
        let noop = self.variant != Variant::CommitOldTerm;
        let last = if noop { Self::with_log(ctx, |l| l.append(term, None)) } else { Self::log(ctx).last_index() };
        let n = usize::from(self.servers);
        s.next_index = vec![last.max(1); n];
        s.match_index = vec![0; n];
        s.match_index[usize::from(me)] = last;
        s.outstanding = vec![false; n];
        s.reads.lead(n, last);
        self.start_round(s, ctx);
        let (votes, servers) = (s.votes.len(), self.servers);
        ctx.note(|| {
            if noop {
                note!("raft.leader.won.noop", votes, servers, term, index = last)
            } else {
                note!("raft.leader.won", votes, servers, term)
            }
        });
        for p in self.peers(me) {
            self.replicate(s, ctx, p);
        }
        s.heartbeat_timer = Some(ctx.set_timer(self.heartbeat_us, Timer::Heartbeat));
        if self.check_quorum {
            self.start_quorum_count(s, ctx);
        }
        self.machine.on_leader(s, ctx);
    }

    /// A new CheckQuorum window: nobody heard yet, the count due in a minimum election timeout.
    fn start_quorum_count(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        s.heard_from.clear();
        s.check_quorum_timer = Some(ctx.set_timer(self.election_min_us, Timer::CheckQuorum));
    }

    /// CheckQuorum (thesis section 6.2; etcd's `checkQuorum`): every minimum election timeout the leader counts
    /// itself and the voters that answered it since the last count. Short of a majority, it steps down to follower
    /// (keeping its term): cut off from the majority, a new leader may already lead there, and its own clients are
    /// better off looking for it than waiting. Learners are not counted: they never count toward a majority.
    pub(super) fn check_quorum(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        s.check_quorum_timer = None;
        let heard = s.heard_from.iter().filter(|p| !s.learners.contains(p)).count() + 1;
        if heard >= self.majority() {
            self.start_quorum_count(s, ctx);
            return;
        }
        let (servers, ms) = (self.servers, self.election_min_us / 1000);
        ctx.note(|| note!("raft.check_quorum.step_down", heard, servers, ms));
        self.become_follower(s, ctx);
    }

    /// Sends the entries from the follower's `next_index` on (an empty AppendEntries is a heartbeat).
    pub(super) fn replicate(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, to: NodeId) {
        let term = Self::term(ctx);
        let log = Self::log(ctx);
        let next = s.next_index[usize::from(to)].clamp(1, log.last_index() + 1);
        let prev_index = next - 1;
        let msg = Msg::AppendEntries {
            term,
            prev_index,
            prev_term: log.term_at(prev_index),
            entries: log.wire(next, MAX_BATCH),
            commit: s.commit_index,
            round: s.reads.round,
        };
        s.outstanding[usize::from(to)] = true;
        ctx.send(to, msg);
    }

    pub(super) fn advance_commit(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        let term = Self::term(ctx);
        let log = Self::log(ctx);
        let mut n = log.last_index();
        while n > s.commit_index {
            let learners = &s.learners;
            let replicas =
                (0..self.servers).filter(|&p| !learners.contains(&p) && s.match_index[usize::from(p)] >= n).count();
            if replicas >= self.majority() {
                let entry_term = log.term_at(n);
                if entry_term == term || self.variant == Variant::CommitOldTerm {
                    s.commit_index = n;
                    if entry_term == term {
                        ctx.note(|| note!("raft.commit", index = n, replicas, servers = self.servers));
                    } else {
                        ctx.note(|| note!("raft.commit.old_term", index = n, term = entry_term));
                    }
                    self.apply(s, ctx);
                }
                break;
            }
            n -= 1;
        }
    }

    /// A follower's answer to AppendEntries: advance its match index and the commit, or back off and resend.
    pub(super) fn on_ack(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg<M>) {
        let Msg::Ack { term, success, match_index, conflict_term, conflict_index, learner, round } = msg else {
            return;
        };
        self.observe_term(s, ctx, term);
        if s.role != RaftRole::Leader || term != Self::term(ctx) {
            return;
        }
        if learner && s.learners.insert(from) {
            ctx.note(|| note!("raft.learner.seen", from));
        }
        // Any answer of this term, even a refusal, shows the follower took this leader's round (a learner's counts
        // for nothing: it is known as one before its round is recorded).
        self.round_acked(s, ctx, from, round);
        s.heard_from.insert(from);
        let f = usize::from(from);
        s.outstanding[f] = false;
        if success {
            if match_index > s.match_index[f] {
                s.match_index[f] = match_index;
            }
            s.next_index[f] = s.next_index[f].max(s.match_index[f] + 1);
            self.advance_commit(s, ctx);
        } else {
            let log = Self::log(ctx);
            let back = match (conflict_term, log.last_index_of_term(conflict_term)) {
                (0, _) | (_, None) => conflict_index,
                (_, Some(last)) => last + 1,
            };
            let back = back.max(1);
            if back <= s.match_index[f] {
                // It lacks entries it acknowledged: its disk was replaced (or a stale refusal arrived late). Lowering
                // what it is known to hold is always safe (commitment only counts it); not lowering would leave the
                // leader offering the same entries past its log end forever.
                s.match_index[f] = back - 1;
            }
            s.next_index[f] = back.max(s.match_index[f] + 1);
        }
        if s.next_index[f] <= Self::log(ctx).last_index() {
            self.replicate(s, ctx, from);
        }
    }

    /// Appends `cmd` to the leader's log in its current term; returns (index, term). Follow with
    /// [`Raft::replicate_new`] once narrated.
    pub(super) fn append_command(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, cmd: M::Cmd) -> (u64, u64) {
        let term = Self::term(ctx);
        let index = Self::with_log(ctx, |l| l.append(term, Some(cmd)));
        s.match_index[usize::from(ctx.me())] = index;
        (index, term)
    }

    /// Sends new entries to every follower not already waiting on an AppendEntries (and commits at once in a
    /// one-server cluster).
    pub(super) fn replicate_new(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        for p in self.peers(ctx.me()) {
            if !s.outstanding[usize::from(p)] {
                self.replicate(s, ctx, p);
            }
        }
        if self.servers == 1 {
            self.advance_commit(s, ctx);
        }
    }

    /// Proposes a command of the machine: appends it and replicates it (the leader only; `None` elsewhere).
    pub fn propose(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, cmd: M::Cmd) -> Option<u64> {
        if s.role != RaftRole::Leader {
            return None;
        }
        let (index, _) = self.append_command(s, ctx, cmd);
        self.replicate_new(s, ctx);
        Some(index)
    }
}
