//! Raft's data: messages and timers, a server's and a shopper's state, what survives a crash, what the checker
//! keeps, and the steps every role shares (terms, the election timer, applying committed entries).

use crate::domain::{rules, Catalogue, CheckoutRequest, Outcome, RequestId, Shop};
use crate::engine::{Ctx, Message, MsgKind, ReadRequest, TimerId, TimerKind};
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::{Arg, Note};
use crate::note;
use crate::protocols::client::{Client, Outbox};
use crate::protocols::meta::{crash_between, plain, ProtocolInfo, Trial, VariantInfo};
use crate::protocols::meta::{OptionInfo, OptionStore, OptionValues};
use crate::scenario::{NodeId, ProtocolKind, RaftRead, Scenario};
use crate::vecmap::{VecMap, VecSet};

use super::log::{LogCmd, RaftLog};

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

/// Raft's own safety properties (Figure 3), whatever state machine it replicates.
pub const CONSENSUS_INVARIANTS: [InvariantInfo; 4] =
    [ELECTION_SAFETY, LOG_MATCHING, LEADER_COMPLETENESS, STATE_MACHINE_SAFETY];

pub(super) const INVARIANTS: [InvariantInfo; 8] = crate::invariants::concat(
    CONSENSUS_INVARIANTS,
    [rules::NO_OVERSELL, rules::MONEY_CONSERVED, rules::CONFIRMED_EXACTLY, rules::NO_DOUBLE_CHARGE],
);

/// Five servers and three shoppers; whoever leads just before 6 s crashes then and comes back at 9 s (an
/// election, the log catching up).
fn lesson(nodes: u16, trial: Trial<'_>) -> Scenario {
    let s = plain(KIND, nodes);
    let leader = trial(&s, 5_990_000)
        .views
        .into_iter()
        .find(|v| v.detail.role().as_deref() == Some("leader"))
        .map_or(0, |v| v.id);
    Scenario { interventions: crash_between(leader, 6_000, 9_000), ..s }
}

// ----- what Raft replicates -----
//
// A deterministic state machine ([`Machine`]) fed the committed log in order. Raft itself only orders commands (as
// etcd's raft library leaves applying them to its user); the shop of the checkout cluster is one machine
// ([`ShopMachine`], applied in `shop.rs`), pessimistic locking's replicated lock table another
// (`locking::raft_locks`).

/// A replicated state machine. Every server applies the same committed commands in the same order
/// ([`Machine::apply`]), so every server's `Applied` goes through the same states; only the leader answers clients.
pub trait Machine: Sized + Clone + std::fmt::Debug + 'static {
    /// A logged command.
    type Cmd: LogCmd;
    /// What a client of this machine sends a server ([`Msg::Request`]); the shop's clients use [`Msg::Checkout`].
    type Request: Message;
    /// What a server answers such a client ([`Msg::Answer`]).
    type Reply: Message;
    /// The machine's state on one server, as the applied entries left it (volatile: rebuilt from the log).
    type Applied: Clone + std::fmt::Debug;

    /// The machine of a stand-alone run of `scenario`.
    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self;
    /// The invariants a run checks: Raft's own and the machine's.
    fn invariants(&self) -> &'static [InvariantInfo];
    /// The state before any entry is applied.
    fn start(&self) -> Self::Applied;
    /// A command as a log cell shows it.
    fn cmd_text(cmd: &Self::Cmd) -> Arg;
    /// Applies the committed command at `index` to `s.sm`; the leader (`s.role`) answers whom it concerns.
    fn apply(&self, s: &mut Server<Self>, ctx: &mut Ctx<'_, Raft<Self>>, index: u64, cmd: &Self::Cmd);
    /// A shop client's checkout reached server `s` (only the shop takes them).
    fn on_checkout(
        &self,
        _raft: &Raft<Self>,
        _s: &mut Server<Self>,
        _ctx: &mut Ctx<'_, Raft<Self>>,
        _from: NodeId,
        _req: CheckoutRequest,
    ) {
    }
    /// A client's request reached server `s`.
    fn on_request(
        &self,
        _raft: &Raft<Self>,
        _s: &mut Server<Self>,
        _ctx: &mut Ctx<'_, Raft<Self>>,
        _from: NodeId,
        _req: Self::Request,
    ) {
    }
    /// Server `s` just became leader (after its no-op was appended).
    fn on_leader(&self, _s: &mut Server<Self>, _ctx: &mut Ctx<'_, Raft<Self>>) {}
    /// The leader's heartbeat: time-driven work the machine proposes (a lease that ran out).
    fn on_tick(&self, _raft: &Raft<Self>, _s: &mut Server<Self>, _ctx: &mut Ctx<'_, Raft<Self>>) {}
    /// The server stopped leading: forget the clients it was to answer.
    fn on_step_down(&self, _sm: &mut Self::Applied) {}
    /// The answer to a read of `item` in state `sm` (units left), or `None` where the machine has no stock.
    fn read(&self, _sm: &Self::Applied, _item: u16) -> Option<u32> {
        None
    }
    /// The machine's own invariants on one server's applied state.
    fn audit(&self, _sm: &mut Self::Applied, _node: NodeId, _out: &mut Vec<Violation>) {}
}

/// No message: the shop's clients speak [`Msg::Checkout`], [`Msg::Reply`] and [`Msg::Redirect`] instead.
#[derive(Clone, Debug)]
pub enum NoMsg {}

impl Message for NoMsg {
    fn label(&self) -> &'static str {
        match *self {}
    }
    fn detail(&self) -> Note {
        match *self {}
    }
}

/// The checkout cluster's state machine: the shop. A command is a checkout; applying it charges and ships it, or
/// refuses it; the leader that logged a checkout answers its shopper once it is applied.
#[derive(Clone, Debug)]
pub struct ShopMachine {
    pub catalogue: Catalogue,
}

/// The shop on one server, and (leader only) the shoppers to answer: log index → (request, shopper).
#[derive(Clone, Debug)]
pub struct ShopApplied {
    pub shop: Box<Shop>,
    pub(super) waiting: VecMap<u64, (RequestId, NodeId)>,
}

/// Raft, as scenarios name it: `"protocol": "raft"`.
pub const KIND: ProtocolKind = ProtocolKind::new("raft");

pub const INFO: ProtocolInfo = ProtocolInfo {
    kind: KIND,
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
                      new leader's no-op: a later leader can erase that entry; shown with Pre-Vote and CheckQuorum off, \
                      under which it fires far more often",
        },
        VariantInfo {
            name: "copy-whole-log",
            explain: "a server that sees a higher term in a vote request copies the candidate's log wholesale (seed article §4.2); shown with Pre-Vote and CheckQuorum off, which mask it (a candidate whose log is behind gets no pre-votes)",
        },
        VariantInfo {
            name: "ack-before-fsync",
            explain: "servers acknowledge entries and votes before their disk made them durable: a crash with a slow fsync loses what a majority confirmed",
        },
        VariantInfo {
            name: "stale-read",
            explain: "the leader answers reads from its own copy at once (raft.read = leader-local): a leader cut off in a minority keeps answering after a new leader has sold",
        },
    ],
    invariants: &INVARIANTS,
    // A shopper whose retry interval has grown to its cap (8 × 200 ms + jitter, 1.7 s) during the faults can have
    // one attempt in flight when the faults end and then try the two servers that stay down (a minority of five)
    // before a live one: three capped intervals at worst (5.1 s), plus an election (at most 0.3 s). 4 s held over 10,000
    // seeds of crashes and partitions, and was exceeded (4.1 s) once in 1,000 once pauses and slow nodes joined.
    liveness_bound_ms: Some(6_000),
    compare_with: ProtocolKind::new("paxos"),
    metrics: &[crate::protocols::meta::RETRIES],
    servers: crate::protocols::meta::nodes_only,
    lesson,
    options: &[
        OptionInfo {
            name: "read",
            label: "reads",
            help: "how the leader answers a stock look-up: read-index (confirm leadership with a heartbeat round), log (an entry of its own), lease (on the leader's clock), leader-local (unsafe: the stale-read variant)",
            values: OptionValues::OneOf(&["read-index", "log", "lease", "leader-local"]),
            store: OptionStore::Section {
                path: "raft.read",
                get: |s| s.raft.read.name().to_string(),
                set: |s, v| s.raft.read = RaftRead::parse(v).unwrap_or(s.raft.read),
            },
            applies: crate::protocols::meta::always,
        },
        OptionInfo {
            name: "lease_drift_bound_pct",
            label: "lease drift bound (%)",
            help: "the clock drift a lease read allows for: the lease is the minimum election timeout less this share",
            values: OptionValues::Count { min: 0, max: 90, default: 10 },
            store: OptionStore::Section {
                path: "raft.lease_drift_bound_pct",
                get: |s| s.raft.lease_drift_bound_pct.to_string(),
                set: |s, v| s.raft.lease_drift_bound_pct = v.parse().unwrap_or(s.raft.lease_drift_bound_pct),
            },
            applies: |s| s.raft.read == RaftRead::Lease,
        },
        OptionInfo {
            name: "prevote",
            label: "Pre-Vote",
            help: "a server asks whether it could win before it raises its term, so one that was cut off cannot depose a healthy leader when it rejoins (on in etcd)",
            values: OptionValues::Flag { default: true },
            store: OptionStore::Section {
                path: "raft.prevote",
                get: |s| s.raft.prevote.to_string(),
                set: |s, v| s.raft.prevote = v == "true",
            },
            applies: crate::protocols::meta::always,
        },
        OptionInfo {
            name: "check_quorum",
            label: "CheckQuorum",
            help: "a leader that hears from no majority for an election timeout steps down; followers that hear their leader ignore vote requests (on in etcd)",
            values: OptionValues::Flag { default: true },
            store: OptionStore::Section {
                path: "raft.check_quorum",
                get: |s| s.raft.check_quorum.to_string(),
                set: |s, v| s.raft.check_quorum = v == "true",
            },
            applies: crate::protocols::meta::always,
        },
    ],
    liveness_quorum: |s, _| vec![crate::protocols::meta::QuorumGroup::majority(0, s.nodes)],
    // A server comes back as a learner; a shopper's outbox cannot be replaced.
    replaceable: |s, node| node < s.nodes,
    replacement_rejoins: crate::protocols::meta::never_rejoins,
    serves_reads: true,
    // Pre-Vote and CheckQuorum mask copy-whole-log (0 of 3,000 faulty seeds) and make the Figure 8 mistake rare
    // (first at seed 1,084 of the faulty sweep with both on, 236 with both off): both are shown without them.
    variant_options: &[
        ("copy-whole-log", "prevote", "false"),
        ("copy-whole-log", "check_quorum", "false"),
        ("commit-old-term", "prevote", "false"),
        ("commit-old-term", "check_quorum", "false"),
    ],
};

/// Entries per AppendEntries, at most.
pub(super) const MAX_BATCH: usize = 64;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Variant {
    Correct,
    VoteWithoutLogCheck,
    CommitOldTerm,
    CopyWholeLog,
    AckBeforeFsync,
    StaleRead,
}

/// A Raft message: the consensus messages of Figure 2, the shop's client messages, and those of another state
/// machine's clients ([`Machine::Request`], [`Machine::Reply`]).
#[derive(Clone, Debug)]
pub enum Msg<M: Machine = ShopMachine> {
    RequestVote {
        term: u64,
        last_index: u64,
        last_term: u64,
        /// Only in the `copy-whole-log` variant: the candidate's whole log.
        log: Option<Vec<(u64, Option<M::Cmd>)>>,
    },
    Vote {
        term: u64,
        granted: bool,
    },
    /// Pre-Vote (thesis section 9.6): would you vote for me in `term` (one above my own)? Changes no one's term.
    RequestPreVote {
        term: u64,
        last_index: u64,
        last_term: u64,
    },
    /// The answer: granted for the term asked about, or refused with the answerer's own term.
    PreVote {
        term: u64,
        granted: bool,
    },
    AppendEntries {
        term: u64,
        prev_index: u64,
        prev_term: u64,
        entries: Vec<(u64, Option<M::Cmd>)>,
        commit: u64,
        /// The leader's heartbeat round when it sent this (reads confirm leadership with it: [`super::reads`]).
        round: u64,
    },
    /// A follower's answer to AppendEntries. On refusal, `conflict_term`/`conflict_index` say where to back off to.
    /// `learner`: it comes from a replacement that never counts toward a majority (its old disk's vote and term
    /// are gone, so it would take entries from a leader the others deposed).
    Ack {
        term: u64,
        success: bool,
        match_index: u64,
        conflict_term: u64,
        conflict_index: u64,
        learner: bool,
        /// The round of the AppendEntries answered.
        round: u64,
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
    /// A shopper asks how many units of an item are left.
    Read(ReadRequest),
    /// The leader's answer to a read.
    ReadReply {
        request_id: RequestId,
        units: u32,
    },
    /// A client's request to the replicated state machine (not the shop's: the lock table's).
    Request(M::Request),
    /// A server's answer to such a request.
    Answer(M::Reply),
}

impl<M: Machine> Message for Msg<M> {
    fn label(&self) -> &'static str {
        match self {
            Msg::RequestVote { .. } => "RequestVote",
            Msg::Vote { granted: true, .. } => "Vote",
            Msg::Vote { granted: false, .. } => "Vote✗",
            Msg::RequestPreVote { .. } => "RequestPreVote",
            Msg::PreVote { granted: true, .. } => "PreVote",
            Msg::PreVote { granted: false, .. } => "PreVote✗",
            Msg::AppendEntries { .. } => "AppendEntries",
            Msg::Ack { success: true, .. } => "Ack",
            Msg::Ack { success: false, .. } => "Ack✗",
            Msg::Checkout(_) => "Checkout",
            Msg::Reply { .. } => "Reply",
            Msg::Redirect { .. } => "Redirect",
            Msg::Read(_) => "Read",
            Msg::ReadReply { .. } => "ReadReply",
            Msg::Request(m) => m.label(),
            Msg::Answer(m) => m.label(),
        }
    }
    /// A vote denied and a failed consistency check refuse; the other answers reply.
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Vote { granted: false, .. }
            | Msg::PreVote { granted: false, .. }
            | Msg::Ack { success: false, .. } => MsgKind::Refusal,
            Msg::Vote { .. }
            | Msg::PreVote { .. }
            | Msg::Ack { .. }
            | Msg::Reply { .. }
            | Msg::Redirect { .. }
            | Msg::ReadReply { .. } => MsgKind::Reply,
            Msg::RequestVote { .. }
            | Msg::RequestPreVote { .. }
            | Msg::AppendEntries { .. }
            | Msg::Checkout(_)
            | Msg::Read(_) => MsgKind::Request,
            Msg::Request(m) => m.kind(),
            Msg::Answer(m) => m.kind(),
        }
    }
    fn count(&self) -> Option<u32> {
        match self {
            Msg::AppendEntries { entries, .. } => Some(entries.len() as u32),
            Msg::Request(m) => m.count(),
            Msg::Answer(m) => m.count(),
            _ => None,
        }
    }
    fn detail(&self) -> Note {
        match self {
            &Msg::RequestVote { term, last_index, last_term, ref log } => {
                if log.is_some() {
                    note!("raft.msg.request_vote.log", term, last_index, last_term)
                } else {
                    note!("raft.msg.request_vote", term, last_index, last_term)
                }
            }
            &Msg::Vote { term, granted: true } => note!("raft.msg.vote.granted", term),
            &Msg::Vote { term, granted: false } => note!("raft.msg.vote.refused", term),
            &Msg::RequestPreVote { term, last_index, last_term } => {
                note!("raft.msg.request_prevote", term, last_index, last_term)
            }
            &Msg::PreVote { term, granted: true } => note!("raft.msg.prevote.granted", term),
            &Msg::PreVote { term, granted: false } => note!("raft.msg.prevote.refused", term),
            &Msg::AppendEntries { term, prev_index, prev_term, ref entries, commit, .. } => {
                note!("raft.msg.append", term, prev_index, prev_term, entries = entries.len(), commit)
            }
            &Msg::Ack { term, success: true, match_index, .. } => note!("raft.msg.ack", term, match_index),
            &Msg::Ack { term, conflict_term, conflict_index, .. } => {
                note!("raft.msg.ack.refused", term, conflict_index, conflict_term)
            }
            Msg::Checkout(r) => note!("msg.checkout", id = r.request_id, customer = r.customer),
            Msg::Reply { request_id, outcome } => note!("msg.reply", id = *request_id, outcome = outcome.note()),
            &Msg::Redirect { request_id, leader: Some(leader) } => note!("raft.msg.redirect", id = request_id, leader),
            &Msg::Redirect { request_id, leader: None } => note!("raft.msg.redirect.unknown", id = request_id),
            Msg::Read(r) => note!("msg.read", id = r.request_id, item = r.item),
            &Msg::ReadReply { request_id, units } => note!("msg.read_reply", id = request_id, units),
            Msg::Request(m) => m.detail(),
            Msg::Answer(m) => m.detail(),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Election,
    Heartbeat,
    /// CheckQuorum: every minimum election timeout a leader counts who answered it since the last count.
    CheckQuorum,
    Retry(RequestId),
}

impl TimerKind for Timer {
    fn name(&self) -> &'static str {
        match self {
            Timer::Election => "election",
            Timer::Heartbeat => "heartbeat",
            Timer::CheckQuorum => "check-quorum",
            Timer::Retry(_) => "retry",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RaftRole {
    Follower,
    /// Pre-Vote's first step: asking whether it could win, its term not yet raised (thesis section 9.6).
    PreCandidate,
    Candidate,
    Leader,
}

impl RaftRole {
    /// The role as a node box shows it (`fact.role`'s value).
    pub(super) fn fact_note(self) -> Note {
        match self {
            RaftRole::Follower => note!("role.follower"),
            RaftRole::PreCandidate => note!("role.pre_candidate"),
            RaftRole::Candidate => note!("role.candidate"),
            RaftRole::Leader => note!("role.leader"),
        }
    }

    /// The role as a word of narration.
    pub(super) fn note(self) -> Note {
        match self {
            RaftRole::Follower => note!("raft.role.follower"),
            RaftRole::PreCandidate => note!("raft.role.pre_candidate"),
            RaftRole::Candidate => note!("raft.role.candidate"),
            RaftRole::Leader => note!("raft.role.leader"),
        }
    }
}

/// A server's volatile state.
#[derive(Clone, Debug)]
pub struct Server<M: Machine = ShopMachine> {
    pub role: RaftRole,
    pub leader: Option<NodeId>,
    pub commit_index: u64,
    pub last_applied: u64,
    /// The chain of the last applied entry: the checker compares it across servers.
    pub applied_chain: u64,
    /// The state machine as the applied entries left it (the shop; the lock table).
    pub sm: M::Applied,
    pub(super) votes: VecSet<NodeId>,
    /// Leader only: the followers that said they are learners; their copies never count toward a commit.
    pub(super) learners: VecSet<NodeId>,
    pub(super) next_index: Vec<u64>,
    pub(super) match_index: Vec<u64>,
    /// An AppendEntries is out to this follower and unanswered (simple flow control; heartbeats ignore it).
    pub(super) outstanding: Vec<bool>,
    pub(super) election_timer: Option<TimerId>,
    /// (set at, fires at) of the election timer, for the timer ring.
    pub(super) election_window: Option<(u64, u64)>,
    pub(super) heartbeat_timer: Option<TimerId>,
    /// Leader with CheckQuorum: the servers that answered it since its last count, and that count's timer.
    pub(super) heard_from: VecSet<NodeId>,
    pub(super) check_quorum_timer: Option<TimerId>,
    /// Reads waiting for their confirmation, heartbeat rounds, the lease ([`super::reads`]).
    pub(super) reads: Box<Reads>,
}

/// A shopper's volatile state: the shared retrying client (where to send, attempts, timers).
#[derive(Clone, Debug)]
pub struct Shopper {
    pub client: Client,
}

#[derive(Clone, Debug)]
pub enum State<M: Machine = ShopMachine> {
    Server(Server<M>),
    Shopper(Shopper),
}

#[derive(Clone, Debug)]
pub enum Disk<M: Machine = ShopMachine> {
    Server {
        current_term: u64,
        voted_for: Option<NodeId>,
        log: RaftLog<M::Cmd>,
        /// A replacement machine's server ([`crate::scenario::Action::DiskWipe`]): a *learner* (a non-voting
        /// member, Raft thesis §4.2.1) that stores and acknowledges entries but never votes nor stands for
        /// election. Its old disk held a vote (`voted_for`) and entries it acknowledged; voting again could elect
        /// two leaders in a term or one without a committed entry. Making it a voter again is a membership change.
        learner: bool,
    },
    /// Unanswered checkouts survive a shopper's crash (a durable outbox), so every checkout gets an answer.
    Shopper { pending: Outbox },
}

#[derive(Clone, Debug, Default)]
pub struct Checker {
    pub(super) leaders: VecMap<u64, NodeId>,
    /// Per index (index 1 at position 0): the chain of the entry first seen committed there, and the term it was
    /// committed in: the current term of the server that first saw it committed, which is the leader that
    /// committed it (a leader learns of a commit first, and the checks run after its every event).
    pub(super) committed: Vec<(u64, u64)>,
    /// (node, term) leaderships already checked for completeness.
    pub(super) leaderships_checked: VecSet<(NodeId, u64)>,
    /// Per server: its committed prefix already compared with `committed`.
    pub(super) verified: Vec<u64>,
}

/// A Raft cluster of `servers` servers (node ids `0..servers`) replicating the state machine `M` (the shop by
/// default), and the shop's shoppers after them.
#[derive(Clone, Debug)]
pub struct Raft<M: Machine = ShopMachine> {
    pub(super) variant: Variant,
    /// The state machine's rules and settings (the catalogue; the lease).
    pub machine: M,
    pub(super) servers: u16,
    pub(super) heartbeat_us: u64,
    pub(super) election_min_us: u64,
    pub(super) election_max_us: u64,
    pub(super) retry_us: u64,
    /// How the leader answers reads (the scenario's `raft.read`).
    pub(super) read: RaftRead,
    /// How long a heartbeat round a majority acknowledged gives the leader a lease, on its clock: the minimum
    /// election timeout shrunk by the drift bound (thesis section 6.4.1).
    pub(super) lease_us: u64,
    /// Pre-Vote (the scenario's `raft.prevote`; [`super::candidate`]).
    pub(super) prevote: bool,
    /// CheckQuorum (the scenario's `raft.check_quorum`; [`super::leader`]).
    pub(super) check_quorum: bool,
}

impl<M: Machine> Raft<M> {
    /// A cluster of `servers` servers replicating `machine`, its timing drawn from the scenario's worst latency
    /// (heartbeats well inside the election timeout, which is well above a round trip: section 5.6) and its
    /// variant from the scenario's (a variant name Raft does not know is the correct Raft).
    pub fn with_machine(machine: M, servers: u16, scenario: &Scenario) -> Self {
        let variant = match scenario.variant.as_str() {
            "vote-without-log-check" => Variant::VoteWithoutLogCheck,
            "commit-old-term" => Variant::CommitOldTerm,
            "copy-whole-log" => Variant::CopyWholeLog,
            "ack-before-fsync" => Variant::AckBeforeFsync,
            "stale-read" => Variant::StaleRead,
            _ => Variant::Correct,
        };
        let worst = scenario.worst_latency_us();
        let heartbeat_us = (2 * worst).max(50_000);
        let bound_pct = u64::from(scenario.raft.lease_drift_bound_pct.min(100));
        Raft {
            read: scenario.raft.read,
            lease_us: 3 * heartbeat_us * (100 - bound_pct) / 100,
            prevote: scenario.raft.prevote,
            check_quorum: scenario.raft.check_quorum,
            variant,
            machine,
            servers,
            heartbeat_us,
            election_min_us: 3 * heartbeat_us,
            election_max_us: 6 * heartbeat_us,
            retry_us: (8 * worst).max(200_000),
        }
    }

    /// How many servers the cluster has (node ids `0..servers`).
    pub fn servers(&self) -> u16 {
        self.servers
    }

    /// The leader's heartbeat interval, µs.
    pub fn heartbeat_us(&self) -> u64 {
        self.heartbeat_us
    }

    pub(super) fn majority(&self) -> usize {
        usize::from(self.servers) / 2 + 1
    }

    pub(super) fn peers(&self, me: NodeId) -> impl Iterator<Item = NodeId> {
        (0..self.servers).filter(move |&p| p != me)
    }

    pub(super) fn reset_election(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        if let Some(t) = s.election_timer.take() {
            ctx.cancel_timer(t);
        }
        if Self::learner(ctx) {
            s.election_window = None; // a learner never stands for election
            return;
        }
        let after = ctx.rng().range_u64(self.election_min_us, self.election_max_us);
        s.election_timer = Some(ctx.set_timer(after, Timer::Election));
        s.election_window = Some((ctx.now_us(), ctx.now_us() + after));
    }

    pub(super) fn stop_election(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        if let Some(t) = s.election_timer.take() {
            ctx.cancel_timer(t);
        }
        s.election_window = None;
    }

    pub(super) fn term(ctx: &Ctx<'_, Self>) -> u64 {
        match ctx.disk() {
            Disk::Server { current_term, .. } => *current_term,
            Disk::Shopper { .. } => 0,
        }
    }

    /// Whether this server is a learner: a replacement that never votes ([`Disk::Server`]'s `learner`).
    pub(super) fn learner(ctx: &Ctx<'_, Self>) -> bool {
        matches!(ctx.disk(), Disk::Server { learner: true, .. })
    }

    pub(super) fn log<'a>(ctx: &'a Ctx<'_, Self>) -> &'a RaftLog<M::Cmd> {
        match ctx.disk() {
            Disk::Server { log, .. } => log,
            Disk::Shopper { .. } => unreachable!("only servers have a log"),
        }
    }

    pub(super) fn with_log<R>(ctx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut RaftLog<M::Cmd>) -> R) -> R {
        ctx.persist(|d| match d {
            Disk::Server { log, .. } => f(log),
            Disk::Shopper { .. } => unreachable!("only servers have a log"),
        })
    }

    /// Adopts a higher term seen in any message: persist it, forget the vote, become a follower.
    pub(super) fn observe_term(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>, term: u64) {
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
            ctx.note(|| note!("raft.step_down", term, role = was.note()));
        }
        s.leader = None; // the leader of the new term is not known yet (AppendEntries names it)
        self.become_follower(s, ctx);
    }

    /// Any role to follower, in the current term: a leader stops its heartbeats and its quorum count, forgets the
    /// reads waiting on it and its lease, and starts an election timer again.
    pub(super) fn become_follower(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        let was = s.role;
        s.role = RaftRole::Follower;
        s.votes.clear();
        self.machine.on_step_down(&mut s.sm);
        for t in [s.heartbeat_timer.take(), s.check_quorum_timer.take()].into_iter().flatten() {
            ctx.cancel_timer(t);
        }
        if was == RaftRole::Leader {
            s.reads.step_down();
            s.leader = None;
            self.reset_election(s, ctx);
        }
    }

    /// Applies committed entries in order to the state machine (which answers the clients it should).
    pub(super) fn apply(&self, s: &mut Server<M>, ctx: &mut Ctx<'_, Self>) {
        while s.last_applied < s.commit_index {
            let i = s.last_applied + 1;
            let Some(e) = Self::log(ctx).get(i).cloned() else { break };
            s.last_applied = i;
            s.applied_chain = e.chain;
            if let Some(cmd) = &e.cmd {
                self.machine.apply(s, ctx, i, cmd);
            }
        }
        self.serve_reads(s, ctx);
    }
}

// ----- reads (behaviour in `reads.rs`) -----

/// How many unacknowledged heartbeat rounds a leader remembers the sending time of (older ones are dropped: a
/// round acknowledged that late gives no lease worth having).
pub(super) const ROUNDS_KEPT: usize = 64;

/// A read waiting at the leader.
#[derive(Clone, Debug)]
pub(super) struct PendingRead {
    pub(super) read: ReadRequest,
    pub(super) from: NodeId,
    /// Answer once the leader has applied this far.
    pub(super) index: u64,
    /// The heartbeat round a majority must acknowledge first (0: none needed).
    pub(super) round: u64,
}

/// A server's read bookkeeping (volatile).
#[derive(Clone, Debug, Default)]
pub struct Reads {
    pub(super) pending: Vec<PendingRead>,
    /// Leader: the current heartbeat round (carried by every AppendEntries it sends, echoed in every Ack).
    pub(super) round: u64,
    /// Leader: (round, when it was sent on the leader's clock, µs) for rounds a majority has not acknowledged.
    pub(super) sent: Vec<(u64, u64)>,
    /// Leader: the highest round each server acknowledged in this term.
    pub(super) acked: Vec<u64>,
    /// Leader: the log index of its term's first entry (its no-op): a read index is at least this.
    pub(super) term_start: u64,
    /// Leader: its lease lasts until this reading of its own clock, µs.
    pub(super) lease_until_us: u64,
    /// Follower: when it last heard from a leader, on its own clock (µs).
    pub(super) heard_us: Option<u64>,
}
