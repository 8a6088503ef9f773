//! # Raft: a replicated checkout log
//!
//! Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm" (USENIX ATC 2014), Figure 2.
//!
//! 3 to 7 servers agree on one log of checkout commands; each applies the committed prefix, in order, to its own
//! copy of the shop. Time is divided into terms; each term has at most one leader, elected by a majority.
//!
//! - **Election.** A follower that hears nothing from a leader for a randomized election timeout becomes a
//!   candidate: it increments its term, votes for itself and asks the others (RequestVote). A server grants one vote
//!   per term (persisted), and only to a candidate whose log is at least as up to date as its own (the last entry's
//!   term is higher, or equal with an index at least as large): the *election restriction*. A majority of votes
//!   makes a leader, which at once appends a no-op entry of its own term (section 8) and starts heartbeats.
//! - **Replication.** AppendEntries carries the entries after `prev_index` and the term of the entry there; a
//!   follower refuses unless its own log has that entry (the *consistency check*), deletes any conflicting suffix and
//!   appends. A refusal names the conflicting term and where it starts, so the leader backs `next_index` off a whole
//!   term at a time instead of one entry per round trip.
//! - **Commit.** The leader commits index N once a majority stores it *and* the entry at N is from the current term
//!   (the Figure 8 rule); earlier entries commit with it. Followers learn the commit index from AppendEntries.
//!   Every server applies committed entries in order.
//! - **Persistence.** `current_term`, `voted_for` and the log are written through `ctx.persist` before the server
//!   answers; everything else (role, commit index, the applied shop) is volatile and rebuilt after a crash.
//! - **Clients.** Shoppers keep their unanswered checkouts on disk, send them to the server they believe leads,
//!   follow redirects, and retry on a timeout with the same request id. The shop ignores a request id it has seen,
//!   so a checkout that lands in the log twice is charged once. A leader answers only after applying the entry.
//!
//! Variants (textbook mistakes):
//! - `vote-without-log-check`: votes are granted without the election restriction, so a server missing committed
//!   entries can become leader and overwrite them.
//! - `commit-old-term`: the leader counts replicas of an entry from an earlier term as committed (Figure 8).
//! - `copy-whole-log`: the mistake in the seed article (section 4.2): a server that sees a higher term in a vote
//!   request replaces its log wholesale with the candidate's.

use crate::domain::{rules, Catalogue, CheckoutRequest, Outcome, RequestId, Shop};
use crate::engine::{CheckView, Ctx, LogCell, Message, NodeDetail, Protocol, Role, TimerId, TimerKind};
use crate::invariants::{InvariantInfo, Violation};
use crate::protocols::client::{Client, Outbox, RetryPolicy, Servers, ShopperProtocol};
use crate::protocols::meta::{ProtocolInfo, VariantInfo};
use crate::rng::mix64;
use crate::scenario::{NodeId, ProtocolKind, Scenario};
use crate::vecmap::{VecMap, VecSet};
use std::rc::Rc;

/// A logged checkout command. Entries travel in every AppendEntries and sit in every log: sharing them keeps
/// replication from copying baskets around.
pub type Cmd = Rc<CheckoutRequest>;

pub const ELECTION_SAFETY: InvariantInfo =
    InvariantInfo { name: "election-safety", rule: "at most one leader is elected in a term" };
pub const LOG_MATCHING: InvariantInfo = InvariantInfo {
    name: "log-matching",
    rule: "if two logs have an entry with the same index and term, the logs are identical up to that index",
};
pub const LEADER_COMPLETENESS: InvariantInfo =
    InvariantInfo { name: "leader-completeness", rule: "a leader's log holds every entry committed in earlier terms" };
pub const STATE_MACHINE_SAFETY: InvariantInfo =
    InvariantInfo { name: "state-machine-safety", rule: "no two servers apply different entries at the same index" };

const INVARIANTS: [InvariantInfo; 8] = [
    ELECTION_SAFETY,
    LOG_MATCHING,
    LEADER_COMPLETENESS,
    STATE_MACHINE_SAFETY,
    rules::NO_OVERSELL,
    rules::MONEY_CONSERVED,
    rules::CONFIRMED_EXACTLY,
    rules::NO_DOUBLE_CHARGE,
];

pub const INFO: ProtocolInfo = ProtocolInfo {
    kind: ProtocolKind::Raft,
    title: "Raft",
    nodes: (3, 7),
    default_nodes: 5,
    variants: &[
        VariantInfo { name: "correct", explain: "Raft as in Figure 2 of the paper, with the election restriction and the Figure 8 commit rule" },
        VariantInfo {
            name: "vote-without-log-check",
            explain: "votes are granted without comparing logs: a server missing committed entries can win and overwrite them",
        },
        VariantInfo {
            name: "commit-old-term",
            explain: "a leader counts copies of an old-term entry on a majority as committed (Figure 8), so it skips the \
                      new leader's no-op: a later leader can erase that entry",
        },
        VariantInfo {
            name: "copy-whole-log",
            explain: "a server that sees a higher term in a vote request copies the candidate's log wholesale (seed article §4.2)",
        },
    ],
    invariants: &INVARIANTS,
    liveness_bound_ms: Some(4_000),
    servers: crate::protocols::meta::nodes_only,
    liveness_quorum: |s, _| vec![crate::protocols::meta::QuorumGroup::majority(0, s.nodes)],
};

/// Entries per AppendEntries, at most.
const MAX_BATCH: usize = 64;
/// Redirects a shopper follows for one attempt before it waits for its timer.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Correct,
    VoteWithoutLogCheck,
    CommitOldTerm,
    CopyWholeLog,
}

/// One log entry. `chain` hashes this entry with every entry before it in this server's log, so two servers
/// whose entries at one index have equal chains have identical logs up to there (the checker relies on it).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub term: u64,
    /// `None`: the no-op a new leader appends. Shared, not copied, between logs and messages.
    pub cmd: Option<Cmd>,
    pub chain: u64,
}

/// A server's log, 1-based like the paper. Keeps the chains right and remembers the lowest index changed since
/// the checker last looked.
#[derive(Clone, Debug, Default)]
pub struct RaftLog {
    entries: Vec<Entry>,
    dirty_from: Option<u64>,
}

fn chain_of(prev: u64, term: u64, cmd: &Option<Cmd>) -> u64 {
    mix64(prev ^ mix64(term.wrapping_mul(0x9E37_79B9) ^ cmd.as_ref().map_or(0, |c| c.request_id.wrapping_add(1))))
}

impl RaftLog {
    pub fn last_index(&self) -> u64 {
        self.entries.len() as u64
    }
    pub fn last_term(&self) -> u64 {
        self.entries.last().map_or(0, |e| e.term)
    }
    pub fn get(&self, index: u64) -> Option<&Entry> {
        if index == 0 {
            None
        } else {
            self.entries.get((index - 1) as usize)
        }
    }
    pub fn term_at(&self, index: u64) -> u64 {
        self.get(index).map_or(0, |e| e.term)
    }
    fn chain_at(&self, index: u64) -> u64 {
        self.get(index).map_or(0, |e| e.chain)
    }
    fn touch(&mut self, index: u64) {
        self.dirty_from = Some(self.dirty_from.map_or(index, |d| d.min(index)));
    }
    pub fn append(&mut self, term: u64, cmd: Option<Cmd>) -> u64 {
        let chain = chain_of(self.chain_at(self.last_index()), term, &cmd);
        self.entries.push(Entry { term, cmd, chain });
        let i = self.last_index();
        self.touch(i);
        i
    }
    /// Deletes the entry at `index` and every one after it.
    pub fn truncate_from(&mut self, index: u64) {
        if index >= 1 && index <= self.last_index() {
            self.entries.truncate((index - 1) as usize);
            self.touch(index);
        }
    }
    /// Replaces the whole log (the `copy-whole-log` mistake).
    fn replace(&mut self, entries: &[(u64, Option<Cmd>)]) {
        self.entries.clear();
        for (term, cmd) in entries {
            self.append(*term, cmd.clone());
        }
        self.touch(1);
    }
    fn first_index_of_term(&self, index: u64) -> u64 {
        let term = self.term_at(index);
        let mut i = index;
        while i > 1 && self.term_at(i - 1) == term {
            i -= 1;
        }
        i
    }
    fn last_index_of_term(&self, term: u64) -> Option<u64> {
        (1..=self.last_index()).rev().find(|&i| self.term_at(i) == term)
    }
    fn wire(&self, from: u64, max: usize) -> Vec<(u64, Option<Cmd>)> {
        self.entries.iter().skip((from.max(1) - 1) as usize).take(max).map(|e| (e.term, e.cmd.clone())).collect()
    }
}

#[derive(Clone, Debug)]
pub enum Msg {
    RequestVote {
        term: u64,
        last_index: u64,
        last_term: u64,
        /// Only in the `copy-whole-log` variant: the candidate's whole log.
        log: Option<Vec<(u64, Option<Cmd>)>>,
    },
    Vote {
        term: u64,
        granted: bool,
    },
    AppendEntries {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<(u64, Option<Cmd>)>,
        commit: u64,
    },
    /// A follower's answer to AppendEntries. On refusal, `conflict_term`/`conflict_index` say where to back off to.
    Ack {
        term: u64,
        success: bool,
        match_index: u64,
        conflict_term: u64,
        conflict_index: u64,
    },
    Checkout(CheckoutRequest),
    Reply {
        request_id: RequestId,
        outcome: Outcome,
    },
    Redirect {
        request_id: RequestId,
        leader: Option<NodeId>,
    },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::RequestVote { .. } => "RequestVote",
            Msg::Vote { granted: true, .. } => "Vote",
            Msg::Vote { granted: false, .. } => "Vote✗",
            Msg::AppendEntries { .. } => "AppendEntries",
            Msg::Ack { success: true, .. } => "Ack",
            Msg::Ack { success: false, .. } => "Ack✗",
            Msg::Checkout(_) => "Checkout",
            Msg::Reply { .. } => "Reply",
            Msg::Redirect { .. } => "Redirect",
        }
    }
    fn count(&self) -> Option<u32> {
        match self {
            Msg::AppendEntries { entries, .. } => Some(entries.len() as u32),
            _ => None,
        }
    }
    fn detail(&self) -> String {
        match self {
            Msg::RequestVote { term, last_index, last_term, log } => format!(
                "term {term}, my log ends at index {last_index} (term {last_term}){}",
                if log.is_some() { ", with my whole log attached" } else { "" }
            ),
            Msg::Vote { term, granted } => format!("term {term}: {}", if *granted { "granted" } else { "refused" }),
            Msg::AppendEntries { term, prev_index, prev_term, entries, commit } => format!(
                "term {term}, after index {prev_index} (term {prev_term}): {} entr{}, commit index {commit}",
                entries.len(),
                if entries.len() == 1 { "y" } else { "ies" }
            ),
            Msg::Ack { term, success: true, match_index, .. } => {
                format!("term {term}: stored up to index {match_index}")
            }
            Msg::Ack { term, conflict_term, conflict_index, .. } => {
                format!("term {term}: refused; back off to index {conflict_index} (my term there: {conflict_term})")
            }
            Msg::Checkout(r) => format!("request #{} for customer {}", r.request_id, r.customer),
            Msg::Reply { request_id, outcome } => format!("request #{request_id}: {}", outcome.short()),
            Msg::Redirect { request_id, leader } => match leader {
                Some(l) => format!("request #{request_id}: I am not the leader; try node {l}"),
                None => format!("request #{request_id}: I am not the leader and know no leader"),
            },
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Election,
    Heartbeat,
    Retry(RequestId),
}

impl TimerKind for Timer {
    fn name(&self) -> &'static str {
        match self {
            Timer::Election => "election",
            Timer::Heartbeat => "heartbeat",
            Timer::Retry(_) => "retry",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftRole {
    Follower,
    Candidate,
    Leader,
}

impl RaftRole {
    fn name(self) -> &'static str {
        match self {
            RaftRole::Follower => "follower",
            RaftRole::Candidate => "candidate",
            RaftRole::Leader => "leader",
        }
    }
}

/// A server's volatile state.
#[derive(Clone, Debug)]
pub struct Server {
    pub role: RaftRole,
    pub leader: Option<NodeId>,
    pub commit_index: u64,
    pub last_applied: u64,
    /// The chain of the last applied entry: the checker compares it across servers.
    pub applied_chain: u64,
    pub shop: Box<Shop>,
    votes: VecSet<NodeId>,
    next_index: Vec<u64>,
    match_index: Vec<u64>,
    /// An AppendEntries is out to this follower and unanswered (simple flow control; heartbeats ignore it).
    outstanding: Vec<bool>,
    election_timer: Option<TimerId>,
    /// (set at, fires at) of the election timer, for the timer ring.
    election_window: Option<(u64, u64)>,
    heartbeat_timer: Option<TimerId>,
    /// Leader only: log index → (request, shopper) to answer once applied.
    waiting: VecMap<u64, (RequestId, NodeId)>,
}

/// A shopper's volatile state: the shared retrying client (where to send, attempts, timers).
#[derive(Clone, Debug)]
pub struct Shopper {
    pub client: Client,
}

#[derive(Clone, Debug)]
pub enum State {
    Server(Server),
    Shopper(Shopper),
}

#[derive(Clone, Debug)]
pub enum Disk {
    Server {
        current_term: u64,
        voted_for: Option<NodeId>,
        log: RaftLog,
    },
    /// Unanswered checkouts survive a shopper's crash (a durable outbox), so every checkout gets an answer.
    Shopper {
        pending: Outbox,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Checker {
    leaders: VecMap<u64, NodeId>,
    /// Chain of the committed entry at each index (index 1 at position 0), as first seen committed.
    committed: Vec<u64>,
    /// (node, term) leaderships already checked for completeness.
    leaderships_checked: VecSet<(NodeId, u64)>,
    /// Per server: its committed prefix already compared with `committed`.
    verified: Vec<u64>,
}

#[derive(Clone, Debug)]
pub struct Raft {
    variant: Variant,
    catalogue: Catalogue,
    servers: u16,
    heartbeat_us: u64,
    election_min_us: u64,
    election_max_us: u64,
    retry_us: u64,
}

impl Raft {
    fn majority(&self) -> usize {
        usize::from(self.servers) / 2 + 1
    }

    fn peers(&self, me: NodeId) -> impl Iterator<Item = NodeId> {
        (0..self.servers).filter(move |&p| p != me)
    }

    fn reset_election(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>) {
        if let Some(t) = s.election_timer.take() {
            ctx.cancel_timer(t);
        }
        let after = ctx.rng().range_u64(self.election_min_us, self.election_max_us);
        s.election_timer = Some(ctx.set_timer(after, Timer::Election));
        s.election_window = Some((ctx.now_us(), ctx.now_us() + after));
    }

    fn stop_election(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>) {
        if let Some(t) = s.election_timer.take() {
            ctx.cancel_timer(t);
        }
        s.election_window = None;
    }

    fn term(ctx: &Ctx<'_, Self>) -> u64 {
        match ctx.disk() {
            Disk::Server { current_term, .. } => *current_term,
            Disk::Shopper { .. } => 0,
        }
    }

    fn log<'a>(ctx: &'a Ctx<'_, Self>) -> &'a RaftLog {
        match ctx.disk() {
            Disk::Server { log, .. } => log,
            Disk::Shopper { .. } => unreachable!("only servers have a log"),
        }
    }

    fn with_log<R>(ctx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut RaftLog) -> R) -> R {
        ctx.persist(|d| match d {
            Disk::Server { log, .. } => f(log),
            Disk::Shopper { .. } => unreachable!("only servers have a log"),
        })
    }

    /// Adopts a higher term seen in any message: persist it, forget the vote, become a follower.
    fn observe_term(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>, term: u64) {
        if term <= Self::term(ctx) {
            return;
        }
        let was = s.role;
        ctx.persist(|d| {
            if let Disk::Server { current_term, voted_for, .. } = d {
                *current_term = term;
                *voted_for = None;
            }
        });
        if was != RaftRole::Follower {
            ctx.note(|| format!("sees term {term}, higher than its own: steps down from {} to follower", was.name()));
        }
        s.role = RaftRole::Follower;
        s.votes.clear();
        s.waiting.clear();
        if let Some(t) = s.heartbeat_timer.take() {
            ctx.cancel_timer(t);
        }
        if was == RaftRole::Leader {
            s.leader = None;
            self.reset_election(s, ctx);
        }
    }

    fn start_election(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>) {
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
        ctx.note(|| {
            format!("hears no leader before its election timeout: becomes candidate for term {term}, votes for itself")
        });
        for p in self.peers(me) {
            ctx.send(p, Msg::RequestVote { term, last_index, last_term, log: whole.clone() });
        }
    }

    fn become_leader(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>) {
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
        ctx.note(if noop {
            format!(
                "wins a majority ({} of {} votes) and leads term {term}; appends a no-op entry at index {last} so \
                 entries from earlier terms can commit",
                s.votes.len(),
                self.servers
            )
        } else {
            format!("wins a majority ({} of {} votes) and leads term {term}", s.votes.len(), self.servers)
        });
        for p in self.peers(me) {
            self.replicate(s, ctx, p);
        }
        s.heartbeat_timer = Some(ctx.set_timer(self.heartbeat_us, Timer::Heartbeat));
    }

    /// Sends the entries from the follower's `next_index` on (an empty AppendEntries is a heartbeat).
    fn replicate(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>, to: NodeId) {
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
        };
        s.outstanding[usize::from(to)] = true;
        ctx.send(to, msg);
    }

    fn advance_commit(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>) {
        let term = Self::term(ctx);
        let log = Self::log(ctx);
        let mut n = log.last_index();
        while n > s.commit_index {
            let replicas = s.match_index.iter().filter(|&&m| m >= n).count();
            if replicas >= self.majority() {
                let entry_term = log.term_at(n);
                if entry_term == term || self.variant == Variant::CommitOldTerm {
                    s.commit_index = n;
                    if entry_term == term {
                        ctx.note(|| {
                            format!(
                            "index {n} is stored on {replicas} of {} servers and is from the current term: commits \
                             up to {n}",
                            self.servers
                        )
                        });
                    } else {
                        ctx.note(|| {
                            format!(
                                "index {n} (term {}) is stored on a majority: commits it although it is from an older \
                             term — the Figure 8 mistake",
                                entry_term
                            )
                        });
                    }
                    self.apply(s, ctx);
                }
                break;
            }
            n -= 1;
        }
    }

    /// Applies committed entries in order; the leader answers the shoppers it is holding.
    fn apply(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>) {
        while s.last_applied < s.commit_index {
            let i = s.last_applied + 1;
            let Some(e) = Self::log(ctx).get(i).cloned() else { break };
            s.last_applied = i;
            s.applied_chain = e.chain;
            if let Some(req) = &e.cmd {
                let outcome = s.shop.checkout(&self.catalogue, req, true);
                if let Some((request_id, shopper)) = s.waiting.remove(&i) {
                    ctx.send(shopper, Msg::Reply { request_id, outcome });
                }
            }
        }
    }

    fn server_message(&self, s: &mut Server, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        let me = ctx.me();
        match msg {
            Msg::RequestVote { term, last_index, last_term, log } => {
                if term > Self::term(ctx) {
                    self.observe_term(s, ctx, term);
                    if let (Variant::CopyWholeLog, Some(entries)) = (self.variant, log) {
                        Self::with_log(ctx, |l| l.replace(&entries));
                        s.commit_index = s.commit_index.min(entries.len() as u64);
                        ctx.note(|| {
                            format!(
                            "sees the higher term {term} and copies candidate node {from}'s log wholesale ({} entries)",
                            entries.len()
                        )
                        });
                    }
                }
                let current = Self::term(ctx);
                let (voted_for, my_last_index, my_last_term) = match ctx.disk() {
                    Disk::Server { voted_for, log, .. } => (*voted_for, log.last_index(), log.last_term()),
                    Disk::Shopper { .. } => return,
                };
                let up_to_date = last_term > my_last_term || (last_term == my_last_term && last_index >= my_last_index);
                let check_log = self.variant != Variant::VoteWithoutLogCheck;
                let granted = term == current && voted_for.is_none_or(|v| v == from) && (up_to_date || !check_log);
                if granted {
                    ctx.persist(|d| {
                        if let Disk::Server { voted_for, .. } = d {
                            *voted_for = Some(from);
                        }
                    });
                    self.reset_election(s, ctx);
                    ctx.note(if up_to_date {
                        format!("votes for node {from} in term {term}")
                    } else {
                        format!(
                            "votes for node {from} in term {term} without checking logs — its log ends in term \
                             {last_term}, mine in {my_last_term}"
                        )
                    });
                } else if ctx.narrating() {
                    let why = if term < current {
                        format!("its term {term} is older than mine ({current})")
                    } else if voted_for.is_some_and(|v| v != from) {
                        format!("I already voted for node {} in term {current}", voted_for.unwrap_or(0))
                    } else {
                        format!(
                            "its log ends at index {last_index} in term {last_term}, mine at {my_last_index} in term \
                             {my_last_term} — the election restriction"
                        )
                    };
                    ctx.note(|| format!("refuses its vote to node {from}: {why}"));
                }
                ctx.send(from, Msg::Vote { term: current, granted });
            }
            Msg::Vote { term, granted } => {
                self.observe_term(s, ctx, term);
                if s.role == RaftRole::Candidate && term == Self::term(ctx) && granted {
                    s.votes.insert(from);
                    if s.votes.len() >= self.majority() {
                        self.become_leader(s, ctx);
                    }
                }
            }
            Msg::AppendEntries { term, prev_index, prev_term, entries, commit } => {
                self.observe_term(s, ctx, term);
                let current = Self::term(ctx);
                if term < current {
                    ctx.send(
                        from,
                        Msg::Ack { term: current, success: false, match_index: 0, conflict_term: 0, conflict_index: 0 },
                    );
                    return;
                }
                if s.role != RaftRole::Follower {
                    ctx.note(|| format!("hears leader node {from} of term {term}: becomes its follower"));
                    s.role = RaftRole::Follower;
                }
                s.leader = Some(from);
                self.reset_election(s, ctx);
                let log = Self::log(ctx);
                if prev_index > log.last_index() || log.term_at(prev_index) != prev_term {
                    let (conflict_term, conflict_index) = if prev_index > log.last_index() {
                        (0, log.last_index() + 1)
                    } else {
                        (log.term_at(prev_index), log.first_index_of_term(prev_index))
                    };
                    ctx.note(|| {
                        format!(
                            "refuses the entries after index {prev_index}: its log {} there — the consistency check",
                            if conflict_term == 0 {
                                format!("ends at index {}", conflict_index - 1)
                            } else {
                                format!("has term {conflict_term}, not {prev_term},")
                            }
                        )
                    });
                    ctx.send(
                        from,
                        Msg::Ack { term: current, success: false, match_index: 0, conflict_term, conflict_index },
                    );
                    return;
                }
                let n_entries = entries.len() as u64;
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
                    ctx.note(|| {
                        format!(
                            "deletes {truncated} conflicting entr{} and takes the leader's",
                            if truncated == 1 { "y" } else { "ies" }
                        )
                    });
                }
                let last_new = prev_index + n_entries;
                if commit.min(last_new) > s.commit_index {
                    s.commit_index = commit.min(last_new);
                    self.apply(s, ctx);
                }
                ctx.send(
                    from,
                    Msg::Ack {
                        term: current,
                        success: true,
                        match_index: last_new,
                        conflict_term: 0,
                        conflict_index: 0,
                    },
                );
            }
            Msg::Ack { term, success, match_index, conflict_term, conflict_index } => {
                self.observe_term(s, ctx, term);
                if s.role != RaftRole::Leader || term != Self::term(ctx) {
                    return;
                }
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
                    s.next_index[f] = back.max(s.match_index[f] + 1).max(1);
                }
                if s.next_index[f] <= Self::log(ctx).last_index() {
                    self.replicate(s, ctx, from);
                }
            }
            Msg::Checkout(req) => {
                if s.role != RaftRole::Leader {
                    let leader = s.leader.filter(|&l| l != me);
                    ctx.send(from, Msg::Redirect { request_id: req.request_id, leader });
                    return;
                }
                if let Some((_, o)) = s.shop.order_for(req.request_id) {
                    // Already applied: answer from the shop instead of logging the retry again.
                    ctx.send(from, Msg::Reply { request_id: req.request_id, outcome: o.answer });
                    return;
                }
                if s.waiting.values().any(|(r, _)| *r == req.request_id) {
                    return; // already in the log, not yet applied: the answer will come
                }
                let term = Self::term(ctx);
                let request_id = req.request_id;
                let index = Self::with_log(ctx, |l| l.append(term, Some(Rc::new(req))));
                s.match_index[usize::from(me)] = index;
                s.waiting.insert(index, (request_id, from));
                ctx.note(|| format!("appends request #{request_id} at index {index} (term {term}) and replicates it"));
                for p in self.peers(me) {
                    if !s.outstanding[usize::from(p)] {
                        self.replicate(s, ctx, p);
                    }
                }
                if self.servers == 1 {
                    self.advance_commit(s, ctx);
                }
            }
            Msg::Reply { .. } | Msg::Redirect { .. } => {}
        }
    }

    fn shopper_message(&self, sh: &mut Shopper, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Reply { request_id, outcome } => sh.client.on_reply(ctx, from, request_id, outcome),
            Msg::Redirect { request_id, leader } => sh.client.on_redirect(self, ctx, from, request_id, leader),
            _ => {}
        }
    }
}

impl ShopperProtocol for Raft {
    fn outbox(disk: &Disk) -> Option<&Outbox> {
        match disk {
            Disk::Shopper { pending } => Some(pending),
            Disk::Server { .. } => None,
        }
    }
    fn outbox_mut(disk: &mut Disk) -> Option<&mut Outbox> {
        match disk {
            Disk::Shopper { pending } => Some(pending),
            Disk::Server { .. } => None,
        }
    }
    fn retry_timer(id: RequestId) -> Timer {
        Timer::Retry(id)
    }
    fn checkout_message(req: CheckoutRequest) -> Msg {
        Msg::Checkout(req)
    }
    /// Any server takes a checkout: a follower redirects it to the leader it knows.
    fn servers(&self) -> Servers {
        Servers { first: 0, count: self.servers }
    }
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { retry_us: self.retry_us, max_attempts: None }
    }
}

impl Protocol for Raft {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Disk = Disk;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        let variant = match scenario.variant.as_str() {
            "vote-without-log-check" => Variant::VoteWithoutLogCheck,
            "commit-old-term" => Variant::CommitOldTerm,
            "copy-whole-log" => Variant::CopyWholeLog,
            _ => Variant::Correct,
        };
        let worst = scenario.worst_latency_us();
        // Heartbeats well inside the election timeout, which is well above a round trip (section 5.6).
        let heartbeat_us = (2 * worst).max(50_000);
        Raft {
            variant,
            catalogue: catalogue.clone(),
            servers: scenario.nodes,
            heartbeat_us,
            election_min_us: 3 * heartbeat_us,
            election_max_us: 6 * heartbeat_us,
            retry_us: (8 * worst).max(200_000),
        }
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        INFO.invariants
    }

    fn role(&self, node: NodeId) -> Role {
        if node < self.servers {
            Role::Server
        } else {
            Role::Shopper
        }
    }

    fn server_count(&self) -> u16 {
        self.servers
    }

    fn node_name(&self, node: NodeId) -> String {
        if node < self.servers {
            format!("n{node}")
        } else {
            format!("shopper{}", node - self.servers + 1)
        }
    }

    fn fresh_disk(&self, node: NodeId) -> Disk {
        if node < self.servers {
            Disk::Server { current_term: 0, voted_for: None, log: RaftLog::default() }
        } else {
            Disk::Shopper { pending: Outbox::default() }
        }
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        let me = ctx.me();
        if me >= self.servers {
            return State::Shopper(Shopper { client: Client::start(self, ctx) });
        }
        let n = usize::from(self.servers);
        let mut s = Server {
            role: RaftRole::Follower,
            leader: None,
            commit_index: 0,
            last_applied: 0,
            applied_chain: 0,
            shop: Box::new(Shop::new(&self.catalogue)),
            votes: VecSet::new(),
            next_index: vec![1; n],
            match_index: vec![0; n],
            outstanding: vec![false; n],
            election_timer: None,
            election_window: None,
            heartbeat_timer: None,
            waiting: VecMap::new(),
        };
        if Self::term(ctx) > 0 {
            let (term, entries) = (Self::term(ctx), Self::log(ctx).last_index());
            ctx.note(|| {
                format!(
                    "restarts as a follower: term {term}, its vote and its log ({entries} entries) come back from \
                     disk; the shop is rebuilt as entries commit again"
                )
            });
        }
        self.reset_election(&mut s, ctx);
        State::Server(s)
    }

    fn on_message(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match st {
            State::Server(s) => self.server_message(s, ctx, from, msg),
            State::Shopper(sh) => self.shopper_message(sh, ctx, from, msg),
        }
    }

    fn on_timer(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match (st, timer) {
            (State::Server(s), Timer::Election) => {
                s.election_timer = None;
                if s.role != RaftRole::Leader {
                    self.start_election(s, ctx);
                }
            }
            (State::Server(s), Timer::Heartbeat) if s.role == RaftRole::Leader => {
                for p in self.peers(ctx.me()) {
                    self.replicate(s, ctx, p);
                }
                s.heartbeat_timer = Some(ctx.set_timer(self.heartbeat_us, Timer::Heartbeat));
            }
            (State::Shopper(sh), Timer::Retry(id)) => sh.client.on_retry(self, ctx, id),
            _ => {}
        }
    }

    fn on_checkout(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        let State::Shopper(sh) = st else { return };
        sh.client.submit(self, ctx, req);
    }

    fn summary(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> String {
        match (st, disk) {
            (Some(State::Server(s)), Disk::Server { current_term, voted_for, log }) => format!(
                "{} t{current_term}{} · log {} · commit {}",
                s.role.name(),
                voted_for.map(|v| format!(" voted n{v}")).unwrap_or_default(),
                log.last_index(),
                s.commit_index
            ),
            (None, Disk::Server { current_term, log, .. }) => {
                format!("down · disk: t{current_term}, log {}", log.last_index())
            }
            (Some(State::Shopper(sh)), Disk::Shopper { pending }) => {
                if pending.is_empty() {
                    "idle".to_string()
                } else {
                    let ids: Vec<String> = pending.ids().take(3).map(|id| format!("#{id}")).collect();
                    let more = if pending.len() > 3 { format!(" +{}", pending.len() - 3) } else { String::new() };
                    format!("waiting {}{more} · asks n{}", ids.join(", "), sh.client.target(self.servers()))
                }
            }
            (None, Disk::Shopper { pending }) => format!("down · {} on disk", pending.len()),
            _ => String::new(),
        }
    }

    fn detail(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> NodeDetail {
        let Disk::Server { current_term, voted_for, log } = disk else { return NodeDetail::default() };
        let server = match st {
            Some(State::Server(s)) => Some(s),
            _ => None,
        };
        let commit = server.map_or(0, |s| s.commit_index);
        let mut facts = vec![
            ("role", server.map_or("down", |s| s.role.name()).to_string()),
            ("term", current_term.to_string()),
            ("vote", voted_for.map_or("–".to_string(), |v| format!("n{v}"))),
            ("commit", commit.to_string()),
        ];
        if let Some(s) = server {
            facts.push(("applied", s.last_applied.to_string()));
        }
        let first = log.last_index().saturating_sub(9).max(1);
        let cells = (first..=log.last_index())
            .filter_map(|i| log.get(i).map(|e| (i, e)))
            .map(|(i, e)| LogCell {
                index: i,
                term: e.term,
                text: e.cmd.as_ref().map_or("no-op".to_string(), |c| format!("#{}", c.request_id)),
                committed: i <= commit,
            })
            .collect();
        NodeDetail {
            blocked_since_us: None,
            facts,
            log: cells,
            timer: server.and_then(|s| s.election_window),
            legend: "term · filled: committed",
            ..NodeDetail::default()
        }
    }

    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let Some(node) = touched.filter(|&n| n < self.servers) else { return };
        let c = &mut *w.checker;
        let nodes = &mut *w.nodes;
        let i = usize::from(node);
        let dirty_from = match nodes.get_mut(i).1 {
            Disk::Server { log, .. } => log.dirty_from.take(),
            Disk::Shopper { .. } => None,
        };
        let (state, disk) = nodes.get(i);
        let Disk::Server { current_term, log, .. } = disk else { return };
        let term = *current_term;

        // Log matching: entries this node changed, against every other server's entry at the same index.
        if let Some(from) = dirty_from {
            'outer: for idx in from..=log.last_index() {
                let Some(mine) = log.get(idx) else { break };
                for j in (0..usize::from(self.servers)).filter(|&j| j != i) {
                    let Disk::Server { log: theirs, .. } = nodes.get(j).1 else { continue };
                    if let Some(e) = theirs.get(idx) {
                        if e.term == mine.term && e.chain != mine.chain {
                            out.push(Violation::new(
                                &LOG_MATCHING,
                                Some(node),
                                format!(
                                    "n{node} and n{j} both have an entry of term {} at index {idx}, but their logs \
                                     differ before it",
                                    mine.term
                                ),
                            ));
                            break 'outer;
                        }
                    }
                }
            }
        }

        let Some(State::Server(s)) = state else { return };

        // Committed entries, as this node sees them, must agree with what anyone saw committed before. Only the
        // part not compared yet is: beyond the last comparison, or from where the log last changed.
        let commit = s.commit_index.min(log.last_index());
        if c.verified.len() < usize::from(self.servers) {
            c.verified.resize(usize::from(self.servers), 0);
        }
        let mut start = c.verified[i].min(commit);
        if let Some(from) = dirty_from {
            start = start.min(from.saturating_sub(1));
        }
        c.verified[i] = commit;
        for idx in (start + 1)..=commit {
            let chain = log.get(idx).map_or(0, |e| e.chain);
            match c.committed.get((idx - 1) as usize) {
                Some(&known) if known != chain => {
                    out.push(Violation::new(
                        &STATE_MACHINE_SAFETY,
                        Some(node),
                        format!(
                            "n{node} holds a different committed entry at index {idx} than another server committed"
                        ),
                    ));
                    break;
                }
                Some(_) => {}
                None => c.committed.push(chain),
            }
        }
        // Applied state: the last applied entry must be the committed one at that index.
        if s.last_applied > 0 {
            if let Some(&known) = c.committed.get((s.last_applied - 1) as usize) {
                if known != s.applied_chain {
                    out.push(Violation::new(
                        &STATE_MACHINE_SAFETY,
                        Some(node),
                        format!(
                            "n{node} applied a different entry at index {} than another server did",
                            s.last_applied
                        ),
                    ));
                }
            }
        }

        if s.role == RaftRole::Leader {
            // Election safety: one leader per term, ever.
            match c.leaders.get(&term) {
                Some(&other) if other != node => out.push(Violation::new(
                    &ELECTION_SAFETY,
                    Some(node),
                    format!("n{node} and n{other} were both elected leader of term {term}"),
                )),
                Some(_) => {}
                None => {
                    c.leaders.insert(term, node);
                }
            }
            // Leader completeness: checked when a leadership is first seen, against everything committed so far.
            if c.leaderships_checked.insert((node, term)) {
                for (k, &chain) in c.committed.iter().enumerate() {
                    let idx = k as u64 + 1;
                    if log.get(idx).map(|e| e.chain) != Some(chain) {
                        out.push(Violation::new(
                            &LEADER_COMPLETENESS,
                            Some(node),
                            format!("n{node} leads term {term} without the entry committed at index {idx}"),
                        ));
                        break;
                    }
                }
            }
        }

        // Business rules on this replica's applied shop.
        if let Some(State::Server(s)) = nodes.get_mut(i).0 {
            s.shop.audit(node, out);
        }
    }
}
