//! What a follower does (sections 5.2-5.4): it grants at most one vote per term, persisted, and only to a candidate
//! whose log is at least as up to date as its own (the *election restriction*); it accepts AppendEntries from the
//! leader of the current term when its log passes the consistency check, deletes a conflicting suffix, appends, and
//! learns the commit index. Any server that hears a higher term steps down to follower first, so these rules apply
//! to candidates and deposed leaders too.

use super::log::RaftLog;
use super::types::*;
use crate::domain::CheckoutRequest;
use crate::engine::Ctx;
use crate::note;
use crate::scenario::NodeId;

/// An AppendEntries as a follower reads it.
pub(super) struct Append<M: Machine> {
    pub term: u64,
    pub prev_index: u64,
    pub prev_term: u64,
    pub entries: Vec<(u64, Option<M::Cmd>)>,
    pub commit: u64,
    pub round: u64,
}

impl<M: Machine> Raft<M> {
    /// RequestVote: grant or refuse, and say why.
    pub(super) fn on_request_vote(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg<M>) {
        let Msg::RequestVote { term, last_index, last_term, log } = msg else { return };
        if self.vote_ignored_in_lease(s, ctx, from, term) {
            return;
        }
        if term > Self::term(ctx) {
            self.observe_term(s, ctx, term);
            if let (Variant::CopyWholeLog, Some(entries)) = (self.variant, log) {
                Self::with_log(ctx, |l| l.replace(&entries));
                s.commit_index = s.commit_index.min(entries.len() as u64);
                ctx.note(|| note!("raft.copy_whole_log", term, from, entries = entries.len()));
            }
        }
        let current = Self::term(ctx);
        let (voted_for, learner) = match ctx.disk() {
            Disk::Server { voted_for, learner, .. } => (*voted_for, *learner),
            Disk::Shopper { .. } => return,
        };
        let (up_to_date, my_last_index, my_last_term) = Self::up_to_date(ctx, last_index, last_term);
        let check_log = self.variant != Variant::VoteWithoutLogCheck;
        let granted = !learner && term == current && voted_for.is_none_or(|v| v == from) && (up_to_date || !check_log);
        if granted {
            ctx.persist(|d| {
                if let Disk::Server { voted_for, .. } = d {
                    *voted_for = Some(from);
                }
            });
            self.reset_election(s, ctx);
            ctx.note(|| {
                if up_to_date {
                    note!("raft.vote.granted", from, term)
                } else {
                    note!("raft.vote.granted.unchecked", from, term, last_term, my_last_term)
                }
            });
        } else {
            ctx.note(|| {
                let why = if learner {
                    note!("raft.vote.why.learner")
                } else if term < current {
                    note!("raft.vote.why.stale_term", term, current)
                } else if let Some(other) = voted_for.filter(|&v| v != from) {
                    note!("raft.vote.why.voted", other, current)
                } else {
                    note!("raft.vote.why.log", last_index, last_term, my_last_index, my_last_term)
                };
                note!("raft.vote.refused", from, why)
            });
        }
        ctx.send(from, Msg::Vote { term: current, granted });
    }

    /// RequestPreVote (thesis section 9.6): would this server vote for `from` in `term`? Yes if the term is above
    /// its own, the candidate's log is at least as up to date (the election restriction, as for votes), and it has
    /// not heard from a leader within the minimum election timeout. Its own term and vote do not change, whatever
    /// it answers; a leader always refuses.
    pub(super) fn on_request_prevote(
        &self,
        s: &mut Server<M>,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        term: u64,
        (last_index, last_term): (u64, u64),
    ) {
        let current = Self::term(ctx);
        let learner = Self::learner(ctx);
        let (up_to_date, my_last_index, my_last_term) = Self::up_to_date(ctx, last_index, last_term);
        let now = ctx.monotonic_us();
        let heard = s.reads.heard_us.filter(|&h| now < h + self.election_min_us);
        let why = if learner {
            Some(note!("raft.vote.why.learner"))
        } else if term <= current {
            Some(note!("raft.prevote.why.term", term, current))
        } else if s.role == RaftRole::Leader {
            Some(note!("raft.prevote.why.leader", current))
        } else if let Some(h) = heard {
            // Refused whenever a vote request would be ignored (`vote_ignored_in_lease`): a server restarted under
            // leases counts as having just heard a leader, though it knows none.
            let ago_ms = (now - h) / 1000;
            Some(match s.leader {
                Some(leader) => note!("raft.prevote.why.heard", leader, ago_ms),
                None => note!("raft.prevote.why.heard_recently", ago_ms),
            })
        } else if !up_to_date && self.variant != Variant::VoteWithoutLogCheck {
            Some(note!("raft.vote.why.log", last_index, last_term, my_last_index, my_last_term))
        } else {
            None
        };
        let granted = why.is_none();
        match why {
            None => ctx.note(|| note!("raft.prevote.granted", from, term)),
            Some(why) => ctx.note(|| note!("raft.prevote.refused", from, why)),
        }
        ctx.send(from, Msg::PreVote { term: if granted { term } else { current }, granted });
    }

    /// The election restriction (section 5.4.1): whether a candidate's log ending at `last_index` in `last_term` is
    /// at least as up to date as this server's (its last term is higher, or equal with an index at least as
    /// large); with this server's (last index, last term), for the narration.
    fn up_to_date(ctx: &Ctx<'_, Self>, last_index: u64, last_term: u64) -> (bool, u64, u64) {
        let log = Self::log(ctx);
        let (mine, my_term) = (log.last_index(), log.last_term());
        (last_term > my_term || (last_term == my_term && last_index >= mine), mine, my_term)
    }

    /// AppendEntries from a leader: refuse a stale term or a failed consistency check, else take its entries.
    pub(super) fn on_append_entries(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, a: Append<M>) {
        self.observe_term(s, ctx, a.term);
        let current = Self::term(ctx);
        let learner = Self::learner(ctx);
        // A refusal of a stale term echoes no round: the round was of another leadership (rounds restart at each),
        // and counting it could confirm a read of this one the follower never heard.
        let round = if a.term < current { 0 } else { a.round };
        let refuse = |conflict_term, conflict_index| Msg::Ack {
            term: current,
            success: false,
            match_index: 0,
            conflict_term,
            conflict_index,
            learner,
            round,
        };
        if a.term < current {
            ctx.send(from, refuse(0, 0));
            return;
        }
        if s.role != RaftRole::Follower {
            ctx.note(|| note!("raft.follow", from, term = a.term));
            s.role = RaftRole::Follower;
        }
        s.leader = Some(from);
        s.reads.heard_us = Some(ctx.monotonic_us());
        self.reset_election(s, ctx);
        if let Some((conflict_term, conflict_index)) = Self::consistency_conflict(ctx, a.prev_index, a.prev_term) {
            let prev_index = a.prev_index;
            let prev_term = a.prev_term;
            ctx.note(|| {
                if conflict_term == 0 {
                    note!("raft.append.refused.short", prev_index, last_index = conflict_index - 1)
                } else {
                    note!("raft.append.refused.term", prev_index, conflict_term, prev_term)
                }
            });
            ctx.send(from, refuse(conflict_term, conflict_index));
            return;
        }
        let last_new = a.prev_index + a.entries.len() as u64;
        self.append_entries(ctx, a.prev_index, a.entries);
        if a.commit.min(last_new) > s.commit_index {
            s.commit_index = a.commit.min(last_new);
            self.apply(s, ctx);
        }
        let ack = Msg::Ack {
            term: current,
            success: true,
            match_index: last_new,
            conflict_term: 0,
            conflict_index: 0,
            learner,
            round,
        };
        ctx.send(from, ack);
    }

    /// The consistency check: `None` when this log has an entry of `prev_term` at `prev_index`; otherwise where the
    /// conflict is, for the leader to skip back by a whole term: (conflicting term or 0 if the log is too short,
    /// the first index of that term or the index after the log's end).
    fn consistency_conflict(ctx: &Ctx<'_, Self>, prev_index: u64, prev_term: u64) -> Option<(u64, u64)> {
        let log: &RaftLog<M::Cmd> = Self::log(ctx);
        if prev_index > log.last_index() {
            Some((0, log.last_index() + 1))
        } else if log.term_at(prev_index) != prev_term {
            Some((log.term_at(prev_index), log.first_index_of_term(prev_index)))
        } else {
            None
        }
    }

    /// Appends the leader's entries after `prev_index`, deleting a conflicting suffix first (an entry already
    /// there with the same term is kept: the message may be a late duplicate).
    fn append_entries(&self, ctx: &mut Ctx<'_, Self>, prev_index: u64, entries: Vec<(u64, Option<M::Cmd>)>) {
        let truncated = Self::with_log(ctx, |l| {
            let mut truncated = 0;
            for (k, (t, cmd)) in entries.into_iter().enumerate() {
                let i = prev_index + 1 + k as u64;
                if i <= l.last_index() {
                    if l.term_at(i) == t {
                        continue;
                    }
                    truncated += l.last_index() - i + 1;
                    l.truncate_from(i);
                }
                l.append(t, cmd);
            }
            truncated
        });
        if truncated > 0 {
            ctx.note(|| note!("raft.truncate", truncated));
        }
    }

    /// A checkout sent to a server that does not lead: it names the leader it knows, if any.
    pub(super) fn redirect(&self, s: &Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, req: &CheckoutRequest) {
        let leader = s.leader.filter(|&l| l != ctx.me());
        ctx.send(from, Msg::Redirect { request_id: req.request_id, leader });
    }
}
