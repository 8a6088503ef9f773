//! A candidate (section 5.2): a follower whose election timer ran out starts an election — a new term, its own
//! vote, RequestVote to every other server — and becomes leader once a majority votes for it in that term. Votes
//! are randomized in time, not in content: the election timeout is drawn anew each time, so split votes resolve.

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
        ctx.note(|| note!("raft.candidate", term));
        for p in self.peers(me) {
            ctx.send(p, Msg::RequestVote { term, last_index, last_term, log: whole.clone() });
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
