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

mod candidate;
mod checks;
mod follower;
mod leader;
pub mod log;
mod reads;
mod shop;
mod types;

pub use log::{Cmd, Entry, LogCmd, RaftLog};
pub use types::*;

use crate::domain::{Catalogue, CheckoutRequest, RequestId};
use crate::engine::{CheckView, Ctx, LogCell, NodeDetail, Protocol, ReadRequest};
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::{Arg, Note};
use crate::note;
use crate::protocols::client::{Client, Outbox, RetryPolicy, Servers, ShopperProtocol};
use crate::scenario::{NodeId, Scenario};
use crate::vecmap::VecSet;
use crate::view::fact;
use follower::Append;

impl<M: Machine> Raft<M> {
    /// A server steps on a message by its kind, each handled by the role that owns it (as etcd's raft steps by
    /// role): votes are granted as a follower would (a higher term makes any server a follower first), votes are
    /// counted by a candidate, AppendEntries is taken as a follower, acknowledgements and checkouts by the leader.
    fn server_message(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg<M>) {
        match msg {
            Msg::RequestVote { .. } => self.on_request_vote(s, ctx, from, msg),
            Msg::Vote { term, granted } => self.on_vote(s, ctx, from, term, granted),
            Msg::RequestPreVote { term, last_index, last_term } => {
                self.on_request_prevote(s, ctx, from, term, (last_index, last_term))
            }
            Msg::PreVote { term, granted } => self.on_prevote(s, ctx, from, term, granted),
            Msg::AppendEntries { term, prev_index, prev_term, entries, commit, round } => {
                self.on_append_entries(s, ctx, from, Append { term, prev_index, prev_term, entries, commit, round })
            }
            Msg::Read(read) => self.on_read(s, ctx, from, read),
            Msg::Ack { .. } => self.on_ack(s, ctx, from, msg),
            Msg::Checkout(req) => self.machine.on_checkout(self, s, ctx, from, req),
            Msg::Request(req) => self.machine.on_request(self, s, ctx, from, req),
            Msg::Reply { .. } | Msg::Redirect { .. } | Msg::Answer(_) | Msg::ReadReply { .. } => {}
        }
    }

    fn shopper_message(&self, sh: &mut Shopper, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg<M>) {
        match msg {
            Msg::Reply { request_id, outcome } => sh.client.on_reply(ctx, from, request_id, outcome),
            Msg::Redirect { request_id, leader } => sh.client.on_redirect(self, ctx, from, request_id, leader),
            Msg::ReadReply { request_id, units } => sh.client.on_read_reply(ctx, from, request_id, units),
            _ => {}
        }
    }
}

impl<M: Machine> ShopperProtocol for Raft<M> {
    fn outbox(disk: &Disk<M>) -> Option<&Outbox> {
        match disk {
            Disk::Shopper { pending } => Some(pending),
            Disk::Server { .. } => None,
        }
    }
    fn outbox_mut(disk: &mut Disk<M>) -> Option<&mut Outbox> {
        match disk {
            Disk::Shopper { pending } => Some(pending),
            Disk::Server { .. } => None,
        }
    }
    fn retry_timer(id: RequestId) -> Timer {
        Timer::Retry(id)
    }
    fn checkout_message(req: CheckoutRequest) -> Msg<M> {
        Msg::Checkout(req)
    }

    /// Any server takes a checkout: a follower redirects it to the leader it knows.
    fn servers(&self) -> Servers {
        Servers { first: 0, count: self.servers }
    }
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { retry_us: self.retry_us, max_attempts: None }
    }
    fn read_message(read: ReadRequest) -> Option<Msg<M>> {
        Some(Msg::Read(read))
    }
}

impl<M: Machine> Protocol for Raft<M> {
    type Msg = Msg<M>;
    type Timer = Timer;
    type State = State<M>;
    type Disk = Disk<M>;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        Raft::with_machine(M::new(scenario, catalogue), scenario.nodes, scenario)
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        self.machine.invariants()
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

    fn fresh_disk(&self, node: NodeId) -> Disk<M> {
        if node < self.servers {
            Disk::Server { current_term: 0, voted_for: None, log: RaftLog::default(), learner: false }
        } else {
            Disk::Shopper { pending: Outbox::default() }
        }
    }

    fn replacement_disk(&self, node: NodeId) -> Option<Disk<M>> {
        (node < self.servers).then(|| Disk::Server {
            current_term: 0,
            voted_for: None,
            log: RaftLog::default(),
            learner: true,
        })
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State<M> {
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
            sm: self.machine.start(),
            votes: VecSet::new(),
            learners: VecSet::new(),
            next_index: vec![1; n],
            match_index: vec![0; n],
            outstanding: vec![false; n],
            election_timer: None,
            election_window: None,
            heartbeat_timer: None,
            heard_from: VecSet::new(),
            check_quorum_timer: None,
            reads: Box::default(),
        };
        if Self::learner(ctx) {
            ctx.note(|| note!("raft.learner"));
        } else if Self::term(ctx) > 0 {
            let (term, entries) = (Self::term(ctx), Self::log(ctx).last_index());
            ctx.note(|| note!("raft.restart", term, entries));
        }
        if self.read_mode() == crate::scenario::RaftRead::Lease {
            // Under leases a (re)started server waits a minimum election timeout before it votes: it may have
            // acknowledged a round a leader's lease rests on just before it crashed.
            s.reads.heard_us = Some(ctx.monotonic_us());
        }
        self.reset_election(&mut s, ctx);
        State::Server(s)
    }

    fn on_message(&self, st: &mut State<M>, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg<M>) {
        match st {
            State::Server(s) => self.server_message(s, ctx, from, msg),
            State::Shopper(sh) => self.shopper_message(sh, ctx, from, msg),
        }
    }

    fn on_timer(&self, st: &mut State<M>, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match (st, timer) {
            (State::Server(s), Timer::Election) => {
                s.election_timer = None;
                if s.role != RaftRole::Leader {
                    if self.prevote {
                        self.start_prevote(s, ctx);
                    } else {
                        self.start_election(s, ctx);
                    }
                }
            }
            (State::Server(s), Timer::CheckQuorum) if s.role == RaftRole::Leader => self.check_quorum(s, ctx),
            (State::Server(s), Timer::Heartbeat) if s.role == RaftRole::Leader => {
                self.start_round(s, ctx);
                for p in self.peers(ctx.me()) {
                    self.replicate(s, ctx, p);
                }
                s.heartbeat_timer = Some(ctx.set_timer(self.heartbeat_us, Timer::Heartbeat));
                self.machine.on_tick(self, s, ctx);
            }
            (State::Shopper(sh), Timer::Retry(id)) => sh.client.on_retry(self, ctx, id),
            _ => {}
        }
    }

    fn on_checkout(&self, st: &mut State<M>, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        let State::Shopper(sh) = st else { return };
        sh.client.submit(self, ctx, req);
    }

    fn on_read(&self, st: &mut State<M>, ctx: &mut Ctx<'_, Self>, read: ReadRequest) {
        let State::Shopper(sh) = st else { return };
        sh.client.read(self, ctx, read);
    }

    fn summary(&self, _node: NodeId, st: Option<&State<M>>, disk: &Disk<M>) -> Note {
        match (st, disk) {
            (Some(State::Server(s)), Disk::Server { current_term, voted_for, log, learner }) => {
                let role = if *learner { note!("role.learner") } else { s.role.fact_note() };
                let (term, log, commit) = (*current_term, log.last_index(), s.commit_index);
                match voted_for {
                    Some(v) => note!("raft.summary.server_voted", role, term, voted = format!("n{v}"), log, commit),
                    None => note!("raft.summary.server", role, term, log, commit),
                }
            }
            (None, Disk::Server { current_term, log, .. }) => {
                note!("raft.summary.down", term = *current_term, log = log.last_index())
            }
            (Some(State::Shopper(sh)), Disk::Shopper { pending }) => {
                if pending.is_empty() {
                    note!("summary.idle")
                } else {
                    let mut ids: Vec<Arg> = pending.ids().take(3).map(|id| Arg::from(format!("#{id}"))).collect();
                    if pending.len() > 3 {
                        ids.push(Arg::from(format!("+{}", pending.len() - 3)));
                    }
                    let target = format!("n{}", sh.client.target(ShopperProtocol::servers(self)));
                    note!("summary.waiting_asks", waiting = Arg::List(ids), target)
                }
            }
            (None, Disk::Shopper { pending }) => note!("summary.down_pending", n = pending.len()),
            _ => Note::default(),
        }
    }

    fn detail(&self, _node: NodeId, st: Option<&State<M>>, disk: &Disk<M>) -> NodeDetail {
        let Disk::Server { current_term, voted_for, log, learner } = disk else { return NodeDetail::default() };
        let server = match st {
            Some(State::Server(s)) => Some(s),
            _ => None,
        };
        let commit = server.map_or(0, |s| s.commit_index);
        let mut facts = vec![
            fact(
                note!("fact.role"),
                server
                    .map_or(note!("role.down"), |s| if *learner { note!("role.learner") } else { s.role.fact_note() }),
            ),
            fact(note!("fact.term"), *current_term),
            fact(note!("fact.vote"), voted_for.map_or("–".to_string(), |v| format!("n{v}"))),
            fact(note!("fact.commit"), commit),
        ];
        if let Some(s) = server {
            facts.push(fact(note!("fact.applied"), s.last_applied));
        }
        let first = log.last_index().saturating_sub(9).max(1);
        let cells = (first..=log.last_index())
            .filter_map(|i| log.get(i).map(|e| (i, e)))
            .map(|(i, e)| LogCell {
                index: i,
                term: e.term,
                text: e.cmd.as_ref().map_or(Arg::from(note!("cell.noop")), M::cmd_text),
                committed: i <= commit,
            })
            .collect();
        NodeDetail {
            blocked_since_us: None,
            facts,
            log: cells,
            timer: server.and_then(|s| s.election_window),
            legend: Some(note!("raft.legend")),
            ..NodeDetail::default()
        }
    }
    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        self.check_all(w, touched, out)
    }
    fn acks_before_fsync(&self) -> bool {
        self.variant == Variant::AckBeforeFsync
    }
}
