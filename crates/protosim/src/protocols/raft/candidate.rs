//! A candidate (section 5.2): a follower whose election timer ran out starts an election — a new term, its own
//! vote, RequestVote to every other server — and becomes leader once a majority votes for it in that term. Votes
//! are randomized in time, not in content: the election timeout is drawn anew each time, so split votes resolve.
//!
//! With Pre-Vote (thesis section 9.6, the scenario's `raft.prevote`, on by default as in etcd) the election has a
//! round before it: the server becomes a *pre-candidate* and asks (RequestPreVote) whether the others would vote
//! for it in the next term, changing no one's term or vote. It raises its term and starts the real election only
//! once a majority said yes. A server cut off alone keeps asking and never inflates its term, so when it rejoins
//! it cannot make a healthy leader step down.

use super::types::*;
use crate::engine::Ctx;
use crate::note;
use crate::scenario::NodeId;
use crate::vecmap::VecSet;

impl<M: Machine> Raft<M> {
    pub(super) fn start_election(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        if Self::learner(ctx) {
            return; // it sets no election timer, but a timer set before the wipe cannot fire: it died with the crash
        }
        let me = ctx.me();
        let term = Self::term(ctx) + 1;
        let prevoted = (s.role == RaftRole::PreCandidate).then(|| s.votes.len());
        ctx.persist(|d| {
            if let Disk::Server { current_term, voted_for, .. } = d {
                *current_term = term;
                *voted_for = Some(me);
            }
        });
        s.role = RaftRole::Candidate;
        s.leader = None;
        s.votes = VecSet::from([me]);
        self.reset_election(s, ctx);
        let log = Self::log(ctx);
        let (last_index, last_term) = (log.last_index(), log.last_term());
        let whole = (self.variant == Variant::CopyWholeLog).then(|| log.wire(1, usize::MAX));
        match prevoted {
            Some(votes) => ctx.note(|| note!("raft.candidate.prevoted", votes, servers = self.servers, term)),
            None => ctx.note(|| note!("raft.candidate", term)),
        }
        for p in self.peers(me) {
            ctx.send(p, Msg::RequestVote { term, last_index, last_term, log: whole.clone() });
        }
    }

    /// Pre-Vote's round: ask whether a majority would vote for this server in the next term, its own term and vote
    /// unchanged.
    pub(super) fn start_prevote(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        if Self::learner(ctx) {
            return;
        }
        let me = ctx.me();
        let term = Self::term(ctx) + 1;
        s.role = RaftRole::PreCandidate;
        s.leader = None;
        s.votes = VecSet::from([me]);
        self.reset_election(s, ctx);
        let log = Self::log(ctx);
        let (last_index, last_term) = (log.last_index(), log.last_term());
        ctx.note(|| note!("raft.pre_candidate", term));
        for p in self.peers(me) {
            ctx.send(p, Msg::RequestPreVote { term, last_index, last_term });
        }
    }

    /// A pre-vote arrives. A grant names the term asked about and counts while this server still asks about it; a
    /// refusal carries the refuser's own term, which a server behind adopts (as etcd does).
    pub(super) fn on_prevote(
        &self,
        s: &mut Server<M>,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        term: u64,
        granted: bool,
    ) {
        if !granted {
            self.observe_term(s, ctx, term);
            return;
        }
        if s.role == RaftRole::PreCandidate && term == Self::term(ctx) + 1 {
            s.votes.insert(from);
            if s.votes.len() >= self.majority() {
                self.start_election(s, ctx);
            }
        }
    }

    /// A vote arrives: counted only for the term this candidate is running in.
    pub(super) fn on_vote(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, term: u64, granted: bool) {
        self.observe_term(s, ctx, term);
        if s.role == RaftRole::Candidate && term == Self::term(ctx) && granted {
            s.votes.insert(from);
            if s.votes.len() >= self.majority() {
                self.become_leader(s, ctx);
            }
        }
    }
}
