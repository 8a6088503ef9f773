//! # Paxos: competing order services agree on each checkout, slot by slot
//!
//! Lamport, "Paxos Made Simple" (2001). Multi-decree Paxos built from one single-decree instance per slot of an
//! order log.
//!
//! - **Roles.** 3 to 5 *acceptors* hold the votes; 1 to 3 *proposers* (order-service instances) take checkouts from
//!   shoppers and try to put each into the next free slot; the proposers are also the *learners*: each applies
//!   chosen slots, in order, to its own copy of the shop and answers its shoppers.
//! - **Ballots** are `(round, proposer)`, ordered by round then proposer, so no two proposers ever use the same one.
//! - **Phase 1.** A proposer sends `Prepare(slot, b)`. An acceptor that has promised nothing higher promises `b`
//!   (persisted) and reports the highest-ballot value it accepted for the slot; otherwise it answers `Nack` with
//!   the ballot it promised.
//! - **Phase 2.** With promises from a majority, the proposer must propose the value of the highest-ballot
//!   acceptance among them — only if there is none may it propose its own checkout. `Accept(slot, b, v)` is
//!   accepted (persisted) unless a higher ballot was promised; acceptors tell every learner.
//! - **Learning.** A value is chosen once a majority accepted it at one ballot. A proposer whose checkout lost the
//!   slot proposes it again in a later slot; a proposer that missed a decision re-runs the slot and learns it from
//!   the promises.
//! - **Duels** end through randomized, growing back-off after a `Nack`.
//! - **Stable leader** (an option, Multi-Paxos): the first proposer prepares once for every slot from one on, then
//!   runs only phase 2 — one round trip per checkout. The others forward checkouts to it; when the leader has not
//!   answered a forwarded checkout within a retry interval, or the shopper retries it, they run full Paxos for it
//!   themselves.
//!
//! Variants (textbook mistakes):
//! - `accept-below-promise`: an acceptor accepts a ballot lower than one it promised.
//! - `ignore-accepted-value`: a proposer proposes its own checkout even when a promise reported an accepted value.
//! - `forget-promises-on-restart`: acceptors keep promises and acceptances only in memory.
//! - `majority-vote-only`: the seed article's §4.1 shortcut: no prepare phase; a value counts as decided once more
//!   than half the acceptors accept it, and acceptors accept anything.

use crate::domain::{rules, Catalogue, CheckoutRequest, Outcome, RequestId, Shop};
use crate::engine::{CheckView, Ctx, LogCell, Message, MsgKind, NodeDetail, Protocol, TimerId, TimerKind};
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::{Arg, Note};
use crate::note;
use crate::protocols::client::{shopper_spelling, Client, Outbox, RetryPolicy, Servers, ShopperProtocol};
use crate::protocols::meta::{
    crash_between, plain, OptionInfo, OptionStore, OptionValues, ProtocolInfo, Trial, VariantInfo,
};
use crate::scenario::{NodeId, ProtocolKind, Scenario};
use crate::vecmap::{VecMap, VecSet};
use crate::view::fact;
use std::collections::VecDeque;
use std::rc::Rc;

pub const ONE_VALUE: InvariantInfo =
    InvariantInfo { name: "one-value-per-slot", rule: "at most one value is chosen for each slot" };
pub const LEARNERS_AGREE: InvariantInfo = InvariantInfo {
    name: "learners-agree",
    rule: "every learner learns, for each slot, the value that was chosen there and no other",
};

const INVARIANTS: [InvariantInfo; 6] = [
    ONE_VALUE,
    LEARNERS_AGREE,
    rules::NO_OVERSELL,
    rules::MONEY_CONSERVED,
    rules::CONFIRMED_EXACTLY,
    rules::NO_DOUBLE_CHARGE,
];

/// Three acceptors, two order services and three shoppers at six checkouts a second (duels over slots); an
/// acceptor is down from 8 s to 12 s (a majority still decides).
fn lesson(nodes: u16, _: Trial<'_>) -> Scenario {
    let mut s = Scenario { interventions: crash_between(0, 8_000, 12_000), ..plain(KIND, nodes) };
    s.workload.rate_per_s = 6.0;
    s
}

/// Multi-decree Paxos, as scenarios name it: `"protocol": "paxos"`.
pub const KIND: ProtocolKind = ProtocolKind::new("paxos");

pub const INFO: ProtocolInfo = ProtocolInfo {
    kind: KIND,
    title: "Paxos",
    nodes: (3, 5),
    default_nodes: 3,
    variants: &[
        VariantInfo { name: "correct", explain: "Paxos Made Simple, one instance per slot, with randomized back-off" },
        VariantInfo {
            name: "accept-below-promise",
            explain: "an acceptor accepts a ballot lower than one it promised: an old proposer can overwrite a choice",
        },
        VariantInfo {
            name: "ignore-accepted-value",
            explain: "a proposer proposes its own value although a promise reported an accepted one",
        },
        VariantInfo {
            name: "forget-promises-on-restart",
            explain: "acceptors keep promises only in memory: after a restart they promise and accept anew",
        },
        VariantInfo {
            name: "majority-vote-only",
            explain: "no prepare phase: decided once more than half accept it (seed article §4.1)",
        },
        VariantInfo {
            name: "ack-before-fsync",
            explain: "acceptors answer promises and accepts before their disk made them durable: a crash with a slow fsync forgets them",
        },
    ],
    invariants: &INVARIANTS,
    // A shopper whose retry interval has grown to its cap (2.4 s + jitter) during the faults may try the order
    // service that stays down first: two capped intervals, then a Paxos round that may duel and back off. The
    // slowest answer in 10,000 faulty seeds with a stable leader took 6.0 s.
    liveness_bound_ms: Some(8_000),
    // A majority of acceptors to choose, and one order service to propose and answer.
    compare_with: ProtocolKind::new("raft"),
    metrics: &[crate::protocols::meta::RETRIES],
    servers: |s| s.nodes + s.paxos.proposers,
    lesson,
    options: &[
        OptionInfo {
            name: "proposers",
            label: "proposers",
            help: "how many order services propose checkouts (each runs Paxos for the slots it needs)",
            values: OptionValues::Count { min: 1, max: 3, default: 2 },
            store: OptionStore::Section {
                path: "paxos.proposers",
                get: |s| s.paxos.proposers.to_string(),
                set: |s, v| s.paxos.proposers = v.parse().unwrap_or(s.paxos.proposers),
            },
            applies: crate::protocols::meta::always,
        },
        OptionInfo {
            name: "stable_leader",
            label: "stable leader (Multi-Paxos)",
            help: "one proposer runs phase 1 once for every later slot, then only phase 2 per checkout",
            values: OptionValues::Flag { default: false },
            store: OptionStore::Section {
                path: "paxos.stable_leader",
                get: |s| s.paxos.stable_leader.to_string(),
                set: |s, v| s.paxos.stable_leader = v == "true",
            },
            applies: crate::protocols::meta::always,
        },
    ],
    liveness_quorum: |s, _| {
        use crate::protocols::meta::QuorumGroup;
        vec![QuorumGroup::majority(0, s.nodes), QuorumGroup { first: s.nodes, count: s.paxos.proposers, need: 1 }]
    },
    // An acceptor comes back retired; a proposer could reuse a ballot, a shopper lose its outbox.
    replaceable: |s, node| node < s.nodes,
    replacement_rejoins: crate::protocols::meta::never_rejoins,
    serves_reads: false,
    variant_options: &[],
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Correct,
    AcceptBelowPromise,
    IgnoreAcceptedValue,
    ForgetPromises,
    MajorityVoteOnly,
    AckBeforeFsync,
}

/// `(round, proposer)`; `(0, 0)` is "none".
pub type Ballot = (u64, NodeId);
/// A checkout, or `None` for a no-op.
/// A slot's value: a batch of checkouts (a proposer puts every checkout it holds, up to [`MAX_BATCH`], into the
/// slot it proposes, so a backlog drains in a few rounds), or `None` for a no-op.
pub type Value = Option<Rc<Vec<Rc<CheckoutRequest>>>>;

/// Checkouts per slot, at most.
pub const MAX_BATCH: usize = 32;

fn value_id(v: &Value) -> u64 {
    v.as_ref().map_or(0, |b| b.iter().fold(0xcbf2_9ce4_8422_2325, |h, c| crate::rng::mix64(h ^ c.request_id)))
}

fn value_text(v: &Value) -> String {
    match v.as_deref().map(Vec::as_slice) {
        None | Some([]) => "no-op".to_string(),
        Some([one]) => format!("#{}", one.request_id),
        Some([first, rest @ ..]) => format!("#{}+{}", first.request_id, rest.len()),
    }
}

/// A value in narration: a no-op in words, a batch by its request ids.
fn value_arg(v: &Value) -> Arg {
    match v.as_deref().map(Vec::as_slice) {
        None | Some([]) => Arg::from(note!("paxos.value.noop")),
        _ => Arg::from(value_text(v)),
    }
}

/// A value in a log cell: a no-op in a word, a batch by its request ids.
fn cell_text(v: &Value) -> Arg {
    match v.as_deref().map(Vec::as_slice) {
        None | Some([]) => Arg::from(note!("cell.noop")),
        _ => Arg::from(value_text(v)),
    }
}

fn ballot_text(b: Ballot) -> String {
    format!("{}.{}", b.0, b.1)
}

/// A ballot in narration: `round.proposer`, an identifier.
fn ballot_arg(b: Ballot) -> Arg {
    Arg::from(ballot_text(b))
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// `open`: the stable leader's prepare, for this slot and every later one.
    Prepare {
        slot: u64,
        ballot: Ballot,
        open: bool,
    },
    Promise {
        slot: u64,
        ballot: Ballot,
        accepted: Vec<(u64, Ballot, Value)>,
    },
    Accept {
        slot: u64,
        ballot: Ballot,
        value: Value,
    },
    Accepted {
        slot: u64,
        ballot: Ballot,
        value: Value,
    },
    Nack {
        slot: u64,
        ballot: Ballot,
        promised: Ballot,
    },
    Checkout(CheckoutRequest),
    /// A proposer hands a checkout to the stable leader, which answers the shopper itself.
    Forward {
        req: CheckoutRequest,
        shopper: NodeId,
    },
    Reply {
        request_id: RequestId,
        outcome: Outcome,
    },
    /// A learner that missed decisions asks the other learners for the chosen values from `from` on.
    Catchup {
        from: u64,
    },
    /// Chosen values, as one learner learned them, for another.
    Decided {
        decisions: Vec<(u64, Value)>,
    },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Prepare { .. } => "Prepare",
            Msg::Promise { .. } => "Promise",
            Msg::Accept { .. } => "Accept",
            Msg::Accepted { .. } => "Accepted",
            Msg::Nack { .. } => "Nack",
            Msg::Checkout(_) => "Checkout",
            Msg::Forward { .. } => "Forward",
            Msg::Reply { .. } => "Reply",
            Msg::Catchup { .. } => "Catchup",
            Msg::Decided { .. } => "Decided",
        }
    }
    /// A Nack refuses a ballot; promises, acceptances, decisions sent to catch up and answers reply.
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Nack { .. } => MsgKind::Refusal,
            Msg::Promise { .. } | Msg::Accepted { .. } | Msg::Reply { .. } | Msg::Decided { .. } => MsgKind::Reply,
            Msg::Prepare { .. } | Msg::Accept { .. } | Msg::Checkout(_) | Msg::Forward { .. } | Msg::Catchup { .. } => {
                MsgKind::Request
            }
        }
    }
    fn detail(&self) -> Note {
        match self {
            &Msg::Prepare { slot, ballot, open } => {
                if open {
                    note!("paxos.msg.prepare.open", slot, ballot = ballot_arg(ballot))
                } else {
                    note!("paxos.msg.prepare", slot, ballot = ballot_arg(ballot))
                }
            }
            Msg::Promise { slot, ballot, accepted } => {
                let prior: Vec<Arg> = accepted
                    .iter()
                    .map(|(s, b, v)| {
                        Arg::from(note!("paxos.msg.prior", slot = *s, value = value_arg(v), ballot = ballot_arg(*b)))
                    })
                    .collect();
                if prior.is_empty() {
                    note!("paxos.msg.promise.fresh", slot = *slot, ballot = ballot_arg(*ballot))
                } else {
                    note!("paxos.msg.promise", slot = *slot, ballot = ballot_arg(*ballot), prior)
                }
            }
            Msg::Accept { slot, ballot, value } | Msg::Accepted { slot, ballot, value } => {
                note!("paxos.msg.accept", slot = *slot, ballot = ballot_arg(*ballot), value = value_arg(value))
            }
            &Msg::Nack { slot, ballot, promised } => {
                note!("paxos.msg.nack", slot, ballot = ballot_arg(ballot), promised = ballot_arg(promised))
            }
            Msg::Checkout(r) => note!("msg.checkout", id = r.request_id, customer = r.customer),
            Msg::Forward { req, shopper } => note!("paxos.msg.forward", id = req.request_id, shopper = *shopper),
            Msg::Reply { request_id, outcome } => note!("msg.reply", id = *request_id, outcome = outcome.note()),
            &Msg::Catchup { from } => note!("paxos.msg.catchup", from),
            Msg::Decided { decisions } => note!("paxos.msg.decided", n = decisions.len()),
        }
    }
    fn count(&self) -> Option<u32> {
        match self {
            Msg::Decided { decisions } => Some(decisions.len() as u32),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// No majority answered this attempt in time.
    Attempt(u64),
    /// Back-off after a lost duel is over.
    Backoff,
    Retry(RequestId),
    /// A checkout handed to the stable leader is still unanswered: propose it here.
    Forwarded(RequestId),
}

impl TimerKind for Timer {
    fn name(&self) -> &'static str {
        match self {
            Timer::Attempt(_) => "attempt",
            Timer::Backoff => "back-off",
            Timer::Retry(_) => "retry",
            Timer::Forwarded(_) => "leader silent",
        }
    }
}

/// What an acceptor remembers. Persisted, except in the `forget-promises-on-restart` variant.
#[derive(Clone, Debug, Default)]
pub struct Acceptor {
    pub promised: VecMap<u64, Ballot>,
    /// The stable leader's promise: every slot from `.0` on has at least ballot `.1` promised.
    pub promised_from: (u64, Ballot),
    pub accepted: VecMap<u64, (Ballot, Value)>,
    /// Every acceptance since the checker looked: (slot, ballot, value id). Each one, not only a slot's latest: an
    /// acceptor may accept a slot twice within one fsync window (a lower ballot, then a higher one with the same
    /// value), and its Accepted reply for the first, released by that fsync, counts toward a majority at the first
    /// ballot (sweep seed 3746 of a tight workload: the learner learned a value this checker had missed).
    dirty: Vec<(u64, Ballot, Value)>,
    /// A replacement machine's acceptor ([`crate::scenario::Action::DiskWipe`]): it forgot the promises and
    /// acceptances its old disk held, so it answers no prepare and no accept ever again (answering could break a
    /// promise or hide a chosen value: Lamport's acceptors must not forget). Only a reconfiguration, with a new
    /// acceptor set, brings the cluster back to full strength.
    pub retired: bool,
}

impl Acceptor {
    /// The highest promise covering any slot from `slot` on.
    fn promise_from(&self, slot: u64) -> Ballot {
        let single = self.promised.range(slot..).map(|(_, b)| *b).max().unwrap_or((0, 0));
        single.max(self.promised_from.1)
    }

    /// Promises `ballot` for every slot from `from` on, keeping the old range promise in force for the slots it
    /// covered and the new one does not.
    fn promise_range(&mut self, from: u64, ballot: Ballot) {
        let (old_from, old_ballot) = self.promised_from;
        if old_ballot > (0, 0) && from > old_from {
            for s in old_from..from {
                let p = self.promised.entry(s).or_insert(old_ballot);
                *p = (*p).max(old_ballot);
            }
        }
        self.promised_from = (from, ballot);
    }

    fn promise_for(&self, slot: u64) -> Ballot {
        let own = self.promised.get(&slot).copied().unwrap_or((0, 0));
        if slot >= self.promised_from.0 && self.promised_from.1 > own {
            self.promised_from.1
        } else {
            own
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Prepare,
    Accept,
}

#[derive(Clone, Debug)]
pub struct Attempt {
    pub slot: u64,
    pub ballot: Ballot,
    pub phase: Phase,
    promises: VecSet<NodeId>,
    best: Option<(Ballot, Value)>,
    pub value: Value,
    timer: TimerId,
}

#[derive(Clone, Debug)]
pub struct Proposer {
    /// Checkouts waiting for a slot, oldest first. An entry whose id left `queued` (decided meanwhile) is stale
    /// and skipped: removal from the middle of a long queue would cost a scan per decision.
    queue: VecDeque<Rc<CheckoutRequest>>,
    queued: VecSet<RequestId>,
    /// Checkouts this proposer must answer: request → shopper.
    clients: VecMap<RequestId, NodeId>,
    pub round: u64,
    pub attempt: Option<Attempt>,
    backoff: Option<TimerId>,
    nacks_in_a_row: u32,
    /// Stable-leader mode: phase 1 is done with this ballot for every slot from `.1` on.
    pub leading: Option<(Ballot, u64)>,
    /// Values reported by the stable leader's open prepare, which later slots must re-propose.
    prior: VecMap<u64, (Ballot, Value)>,
    /// Checkouts handed to the stable leader; a shopper's retry of one means the leader did not answer.
    forwarded: VecSet<RequestId>,
    /// Forwarded checkouts and their shoppers, until the wait runs out (then proposed here unless already learned)
    /// or the shopper retries.
    forward_wait: VecMap<RequestId, (CheckoutRequest, NodeId)>,
    votes: VecMap<u64, VecMap<Ballot, (VecSet<NodeId>, Value)>>,
    pub chosen: VecMap<u64, Value>,
    pub applied: u64,
    pub shop: Box<Shop>,
    pub rounds: VecMap<u64, u32>,
    /// Slots learned since the checker looked.
    learned_dirty: Vec<u64>,
    /// The highest slot seen in any acceptance, and when this learner last asked the others to catch up.
    highest_seen: u64,
    last_catchup_us: Option<u64>,
}

/// A shopper's volatile state: the shared retrying client (it prefers the order service that answered last).
#[derive(Clone, Debug)]
pub struct Shopper {
    pub client: Client,
}

#[derive(Clone, Debug)]
pub enum State {
    /// `memory` holds the acceptor's state only in the `forget-promises-on-restart` variant.
    Acceptor {
        memory: Option<Box<Acceptor>>,
    },
    Proposer(Box<Proposer>),
    Shopper(Shopper),
}

#[derive(Clone, Debug)]
pub enum Disk {
    Acceptor(Box<Acceptor>),
    /// The highest round this proposer used (a ballot is never used twice, even across a crash), and the
    /// decisions it learned (an order service keeps its order log; after a restart it rebuilds its shop from it).
    Proposer {
        round: u64,
        chosen: VecMap<u64, Value>,
    },
    Shopper {
        pending: Outbox,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Every acceptance ever seen: slot → ballot → (acceptors, value id).
    votes: VecMap<u64, VecMap<Ballot, (VecSet<NodeId>, u64)>>,
    chosen: VecMap<u64, u64>,
}

#[derive(Clone, Debug)]
pub struct Paxos {
    variant: Variant,
    catalogue: Catalogue,
    acceptors: u16,
    proposers: u16,
    stable: bool,
    attempt_us: u64,
    backoff_us: u64,
    retry_us: u64,
}

impl Paxos {
    fn majority(&self) -> usize {
        usize::from(self.acceptors) / 2 + 1
    }
    fn is_acceptor(&self, n: NodeId) -> bool {
        n < self.acceptors
    }
    fn is_proposer(&self, n: NodeId) -> bool {
        n >= self.acceptors && n < self.acceptors + self.proposers
    }
    fn leader(&self) -> NodeId {
        self.acceptors
    }
    fn proposer_ids(&self) -> impl Iterator<Item = NodeId> {
        self.acceptors..self.acceptors + self.proposers
    }
    fn durable_acceptors(&self) -> bool {
        self.variant != Variant::ForgetPromises
    }

    fn with_acceptor<R>(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut Acceptor) -> R) -> R {
        if self.durable_acceptors() {
            ctx.persist(|d| match d {
                Disk::Acceptor(a) => f(a),
                _ => unreachable!("only acceptors call this"),
            })
        } else {
            match st {
                State::Acceptor { memory: Some(a) } => f(a),
                _ => unreachable!("an acceptor in memory"),
            }
        }
    }

    fn acceptor_message(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        if matches!(ctx.disk(), Disk::Acceptor(d) if d.retired) {
            if matches!(msg, Msg::Prepare { .. } | Msg::Accept { .. }) {
                ctx.note(|| note!("paxos.acceptor.retired"));
            }
            return;
        }
        let accept_anything = matches!(self.variant, Variant::AcceptBelowPromise | Variant::MajorityVoteOnly);
        match msg {
            Msg::Prepare { slot, ballot, open } => {
                let reply = self.with_acceptor(st, ctx, |a| {
                    // An open prepare promises every slot from `slot` on, so it must beat every promise there.
                    let promised = if open { a.promise_from(slot) } else { a.promise_for(slot) };
                    if ballot < promised {
                        return Msg::Nack { slot, ballot, promised };
                    }
                    if open {
                        a.promise_range(slot, ballot);
                    } else {
                        a.promised.insert(slot, ballot);
                    }
                    let accepted = if open {
                        a.accepted.range(slot..).map(|(&s, (b, v))| (s, *b, v.clone())).collect()
                    } else {
                        a.accepted.get(&slot).map(|(b, v)| vec![(slot, *b, v.clone())]).unwrap_or_default()
                    };
                    Msg::Promise { slot, ballot, accepted }
                });
                if let Msg::Nack { promised, .. } = &reply {
                    let p = *promised;
                    ctx.note(|| {
                        note!("paxos.prepare.refused", ballot = ballot_arg(ballot), slot, promised = ballot_arg(p))
                    });
                }
                ctx.send(from, reply);
            }
            Msg::Accept { slot, ballot, value } => {
                let result = self.with_acceptor(st, ctx, |a| {
                    let promised = a.promise_for(slot);
                    if ballot < promised && !accept_anything {
                        return Err(promised);
                    }
                    if ballot > a.promised.get(&slot).copied().unwrap_or((0, 0)) {
                        a.promised.insert(slot, ballot);
                    }
                    a.dirty.push((slot, ballot, value.clone()));
                    a.accepted.insert(slot, (ballot, value.clone()));
                    Ok(promised)
                });
                match result {
                    Ok(promised) => {
                        if ballot < promised {
                            ctx.note(|| {
                                note!(
                                    "paxos.accept.anything",
                                    value = value_arg(&value),
                                    slot,
                                    ballot = ballot_arg(ballot),
                                    promised = ballot_arg(promised)
                                )
                            });
                        }
                        for p in self.proposer_ids() {
                            ctx.send(p, Msg::Accepted { slot, ballot, value: value.clone() });
                        }
                    }
                    Err(promised) => ctx.send(from, Msg::Nack { slot, ballot, promised }),
                }
            }
            _ => {}
        }
    }

    fn next_slot(p: &Proposer) -> u64 {
        let mut s = p.applied + 1;
        while p.chosen.contains_key(&s) {
            s += 1;
        }
        s
    }

    /// Starts an attempt on the next free slot if there is work and no attempt or back-off is running.
    fn try_start(&self, p: &mut Proposer, ctx: &mut Ctx<'_, Self>) {
        if p.attempt.is_some() || p.backoff.is_some() {
            return;
        }
        // Drop checkouts already decided (ours, or re-proposed by someone else).
        while p.queue.front().is_some_and(|c| !p.queued.contains(&c.request_id)) {
            p.queue.pop_front();
        }
        if p.queue.is_empty() {
            return;
        }
        let own: Rc<Vec<Rc<CheckoutRequest>>> =
            Rc::new(p.queue.iter().filter(|c| p.queued.contains(&c.request_id)).take(MAX_BATCH).cloned().collect());
        let me = ctx.me();
        let slot = Self::next_slot(p);
        // Behind the others? Ask them for what was chosen instead of re-running every missed slot.
        let behind = p.highest_seen > slot || p.chosen.keys().next_back().is_some_and(|&l| l > slot);
        if behind && p.last_catchup_us.is_none_or(|t| ctx.now_us() >= t + self.attempt_us) {
            p.last_catchup_us = Some(ctx.now_us());
            ctx.note(|| note!("paxos.catchup", slot));
            for q in self.proposer_ids().filter(|&q| q != me) {
                ctx.send(q, Msg::Catchup { from: slot });
            }
        }
        *p.rounds.entry(slot).or_default() += 1;
        let timer = ctx.set_timer(self.attempt_us, Timer::Attempt(slot));
        if let Some((ballot, _)) = p.leading.filter(|&(_, from)| slot >= from) {
            // Stable leader: phase 1 is already done for this slot.
            let value = match p.prior.get(&slot) {
                Some((_, v)) if self.variant != Variant::IgnoreAcceptedValue => v.clone(),
                _ => Some(own),
            };
            self.send_accept(p, ctx, slot, ballot, value, timer);
            return;
        }
        if self.variant == Variant::MajorityVoteOnly {
            let ballot = Self::new_ballot(p, ctx);
            ctx.note(|| note!("paxos.propose.no_prepare", value = value_arg(&Some(own.clone())), slot));
            self.send_accept(p, ctx, slot, ballot, Some(own), timer);
            return;
        }
        let ballot = Self::new_ballot(p, ctx);
        let open = self.stable && me == self.leader();
        p.attempt = Some(Attempt {
            slot,
            ballot,
            phase: Phase::Prepare,
            promises: VecSet::new(),
            best: None,
            value: Some(own),
            timer,
        });
        let rounds = p.rounds[&slot];
        ctx.note(|| {
            let ballot = ballot_arg(ballot);
            match (open, rounds > 1) {
                (false, false) => note!("paxos.prepare", slot, ballot),
                (true, false) => note!("paxos.prepare.open", slot, ballot),
                (false, true) => note!("paxos.prepare.again", slot, ballot, rounds),
                (true, true) => note!("paxos.prepare.open.again", slot, ballot, rounds),
            }
        });
        for a in 0..self.acceptors {
            ctx.send(a, Msg::Prepare { slot, ballot, open });
        }
    }

    /// The next ballot of this proposer, persisted before use.
    fn new_ballot(p: &mut Proposer, ctx: &mut Ctx<'_, Self>) -> Ballot {
        p.round += 1;
        let round = p.round;
        ctx.persist(|d| {
            if let Disk::Proposer { round: r, .. } = d {
                *r = round;
            }
        });
        (round, ctx.me())
    }

    fn send_accept(
        &self,
        p: &mut Proposer,
        ctx: &mut Ctx<'_, Self>,
        slot: u64,
        ballot: Ballot,
        value: Value,
        timer: TimerId,
    ) {
        p.attempt = Some(Attempt {
            slot,
            ballot,
            phase: Phase::Accept,
            promises: VecSet::new(),
            best: None,
            value: value.clone(),
            timer,
        });
        for a in 0..self.acceptors {
            ctx.send(a, Msg::Accept { slot, ballot, value: value.clone() });
        }
    }

    fn abandon(&self, p: &mut Proposer, ctx: &mut Ctx<'_, Self>, backoff: bool) {
        if let Some(a) = p.attempt.take() {
            ctx.cancel_timer(a.timer);
        }
        if backoff {
            p.nacks_in_a_row += 1;
            let cap = self.backoff_us << p.nacks_in_a_row.min(5);
            let wait = ctx.rng().range_u64(self.backoff_us / 4, cap);
            if let Some(t) = p.backoff.take() {
                ctx.cancel_timer(t);
            }
            p.backoff = Some(ctx.set_timer(wait, Timer::Backoff));
            ctx.note(|| note!("paxos.backoff", wait_ms = wait / 1000));
        }
    }

    fn learn(&self, p: &mut Proposer, ctx: &mut Ctx<'_, Self>, slot: u64, value: Value) {
        if p.chosen.contains_key(&slot) {
            return;
        }
        ctx.note(|| note!("paxos.learn", slot, value = value_arg(&value)));
        p.chosen.insert(slot, value.clone());
        p.learned_dirty.push(slot);
        // Someone made progress: the contention that grew the back-off is over.
        p.nacks_in_a_row = 0;
        ctx.persist(|d| {
            if let Disk::Proposer { chosen, .. } = d {
                chosen.entry(slot).or_insert_with(|| value.clone());
            }
        });
        for req in value.iter().flat_map(|b| b.iter()) {
            p.queued.remove(&req.request_id);
        }
        if let Some(a) = &p.attempt {
            if a.slot == slot {
                let won = value_id(&a.value) == value_id(&value);
                let t = a.timer;
                p.attempt = None;
                ctx.cancel_timer(t);
                if !won {
                    ctx.note(|| note!("paxos.slot.lost", slot));
                }
            }
        }
        while let Some(v) = p.chosen.get(&(p.applied + 1)).cloned() {
            p.applied += 1;
            for req in v.iter().flat_map(|b| b.iter()) {
                let outcome = p.shop.checkout(&self.catalogue, req, true);
                if let Some(shopper) = p.clients.remove(&req.request_id) {
                    ctx.send(shopper, Msg::Reply { request_id: req.request_id, outcome });
                }
            }
        }
    }

    fn take_checkout(&self, p: &mut Proposer, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest, shopper: NodeId) {
        if let Some((_, o)) = p.shop.order_for(req.request_id) {
            ctx.send(shopper, Msg::Reply { request_id: req.request_id, outcome: o.answer });
            return;
        }
        let me = ctx.me();
        if self.stable && me != self.leader() {
            if p.forwarded.insert(req.request_id) {
                // A leader that is down or cut off never answers: after a retry interval, propose it here (a
                // forwarding proposer must not depend on the shopper coming back to it).
                ctx.set_timer(self.retry_us, Timer::Forwarded(req.request_id));
                p.forward_wait.insert(req.request_id, (req.clone(), shopper));
                ctx.send(self.leader(), Msg::Forward { req, shopper });
                return;
            }
            p.forward_wait.remove(&req.request_id);
            // The shopper came back with a checkout we forwarded: the leader did not answer. Run Paxos for it here.
            let id = req.request_id;
            ctx.note(|| note!("paxos.leader.silent", id));
        }
        p.clients.insert(req.request_id, shopper);
        if p.queued.insert(req.request_id) {
            p.queue.push_back(Rc::new(req));
        }
        self.try_start(p, ctx);
    }

    fn proposer_message(&self, p: &mut Proposer, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Checkout(req) => self.take_checkout(p, ctx, req, from),
            Msg::Forward { req, shopper } => self.take_checkout(p, ctx, req, shopper),
            Msg::Promise { slot, ballot, accepted } => {
                let majority = self.majority();
                let Some(a) = p.attempt.as_mut().filter(|a| a.ballot == ballot && a.phase == Phase::Prepare) else {
                    return;
                };
                a.promises.insert(from);
                for (s, b, v) in accepted {
                    if s == slot {
                        if a.best.as_ref().is_none_or(|(bb, _)| b > *bb) {
                            a.best = Some((b, v));
                        }
                    } else if p.prior.get(&s).is_none_or(|(bb, _)| b > *bb) {
                        p.prior.insert(s, (b, v));
                    }
                }
                if a.promises.len() < majority {
                    return;
                }
                let a = p.attempt.take().expect("checked above");
                let value = match (&a.best, self.variant) {
                    (Some((b, v)), v2) if v2 != Variant::IgnoreAcceptedValue => {
                        let (bt, vt) = (*b, value_arg(v));
                        ctx.note(|| {
                            note!("paxos.promised.prior", ballot = ballot_arg(ballot), value = vt, at = ballot_arg(bt))
                        });
                        v.clone()
                    }
                    (Some((_, v)), _) => {
                        let value = value_arg(v);
                        ctx.note(|| note!("paxos.promised.ignore", value));
                        a.value.clone()
                    }
                    (None, _) => a.value.clone(),
                };
                if self.stable && ctx.me() == self.leader() {
                    p.leading = Some((ballot, slot));
                }
                self.send_accept(p, ctx, slot, ballot, value, a.timer);
            }
            Msg::Catchup { from: first } => {
                let decisions: Vec<(u64, Value)> =
                    p.chosen.range(first..).take(256).map(|(s, v)| (*s, v.clone())).collect();
                if !decisions.is_empty() {
                    ctx.send(from, Msg::Decided { decisions });
                }
            }
            Msg::Decided { decisions } => {
                for (slot, value) in decisions {
                    self.learn(p, ctx, slot, value);
                }
                self.try_start(p, ctx);
            }
            Msg::Accepted { slot, ballot, value } => {
                p.highest_seen = p.highest_seen.max(slot);
                let majority = self.majority();
                let entry =
                    p.votes.entry(slot).or_default().entry(ballot).or_insert_with(|| (VecSet::new(), value.clone()));
                entry.0.insert(from);
                if entry.0.len() >= majority {
                    let v = entry.1.clone();
                    self.learn(p, ctx, slot, v);
                    self.try_start(p, ctx);
                }
            }
            Msg::Nack { slot, ballot, promised } => {
                p.round = p.round.max(promised.0);
                if p.attempt.as_ref().is_some_and(|a| a.ballot == ballot && a.slot == slot) {
                    if p.leading.is_some_and(|(b, _)| b == ballot) {
                        p.leading = None;
                    }
                    ctx.note(|| {
                        note!("paxos.duel", slot, ballot = ballot_arg(ballot), beaten_by = ballot_arg(promised))
                    });
                    self.abandon(p, ctx, true);
                }
            }
            _ => {}
        }
    }
}

impl ShopperProtocol for Paxos {
    shopper_spelling!(Disk, Timer, Msg);

    /// Every order service (proposer) takes a checkout; with a stable leader the others forward it.
    fn servers(&self) -> Servers {
        Servers { first: self.acceptors, count: self.proposers }
    }
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { retry_us: self.retry_us, max_attempts: None }
    }
}

impl Protocol for Paxos {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Disk = Disk;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        let variant = match scenario.variant.as_str() {
            "accept-below-promise" => Variant::AcceptBelowPromise,
            "ignore-accepted-value" => Variant::IgnoreAcceptedValue,
            "forget-promises-on-restart" => Variant::ForgetPromises,
            "majority-vote-only" => Variant::MajorityVoteOnly,
            "ack-before-fsync" => Variant::AckBeforeFsync,
            _ => Variant::Correct,
        };
        let worst = scenario.worst_latency_us();
        Paxos {
            variant,
            catalogue: catalogue.clone(),
            acceptors: scenario.nodes,
            proposers: scenario.paxos.proposers,
            stable: scenario.paxos.stable_leader,
            attempt_us: (6 * worst).max(100_000),
            backoff_us: (2 * worst).max(20_000),
            retry_us: (12 * worst).max(300_000),
        }
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        INFO.invariants
    }

    fn server_count(&self) -> u16 {
        self.acceptors + self.proposers
    }

    fn node_name(&self, node: NodeId) -> String {
        if self.is_acceptor(node) {
            format!("acceptor{}", node + 1)
        } else if self.is_proposer(node) {
            format!("orders{}", node - self.acceptors + 1)
        } else {
            format!("shopper{}", node - self.acceptors - self.proposers + 1)
        }
    }

    fn fresh_disk(&self, node: NodeId) -> Disk {
        if self.is_acceptor(node) {
            Disk::Acceptor(Box::default())
        } else if self.is_proposer(node) {
            Disk::Proposer { round: 0, chosen: VecMap::new() }
        } else {
            Disk::Shopper { pending: Outbox::default() }
        }
    }

    /// Only an acceptor can be replaced (as one that never answers again); a proposer that lost its round could
    /// reuse a ballot with another value, and a shopper its unanswered checkouts: both are refused.
    fn replacement_disk(&self, node: NodeId) -> Option<Disk> {
        self.is_acceptor(node).then(|| Disk::Acceptor(Box::new(Acceptor { retired: true, ..Acceptor::default() })))
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        let me = ctx.me();
        if self.is_acceptor(me) {
            let memory = (!self.durable_acceptors()).then(Box::default);
            return State::Acceptor { memory };
        }
        if self.is_proposer(me) {
            let mut p = Box::new(Proposer {
                queue: VecDeque::new(),
                queued: VecSet::new(),
                clients: VecMap::new(),
                round: match ctx.disk() {
                    Disk::Proposer { round, .. } => *round,
                    _ => 0,
                },
                attempt: None,
                backoff: None,
                nacks_in_a_row: 0,
                leading: None,
                prior: VecMap::new(),
                forwarded: VecSet::new(),
                forward_wait: VecMap::new(),
                votes: VecMap::new(),
                chosen: VecMap::new(),
                applied: 0,
                shop: Box::new(Shop::new(&self.catalogue)),
                rounds: VecMap::new(),
                learned_dirty: Vec::new(),
                highest_seen: 0,
                last_catchup_us: None,
            });
            let known: Vec<(u64, Value)> = match ctx.disk() {
                Disk::Proposer { chosen, .. } => chosen.iter().map(|(s, v)| (*s, v.clone())).collect(),
                _ => Vec::new(),
            };
            if !known.is_empty() {
                let n = known.len();
                ctx.note(|| note!("paxos.restart", n));
            }
            for (slot, value) in known {
                self.learn(&mut p, ctx, slot, value);
            }
            return State::Proposer(p);
        }
        State::Shopper(Shopper { client: Client::start(self, ctx) })
    }

    fn on_message(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match st {
            State::Acceptor { .. } => self.acceptor_message(st, ctx, from, msg),
            State::Proposer(p) => self.proposer_message(p, ctx, from, msg),
            State::Shopper(sh) => {
                if let Msg::Reply { request_id, outcome } = msg {
                    sh.client.on_reply(ctx, from, request_id, outcome);
                }
            }
        }
    }

    fn on_timer(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match (st, timer) {
            (State::Proposer(p), Timer::Attempt(slot)) if p.attempt.as_ref().is_some_and(|a| a.slot == slot) => {
                p.leading = None;
                ctx.note(|| note!("paxos.attempt.timeout", slot));
                self.abandon(p, ctx, true);
            }
            (State::Proposer(p), Timer::Backoff) => {
                p.backoff = None;
                self.try_start(p, ctx);
            }
            (State::Proposer(p), Timer::Forwarded(id)) => {
                let Some((req, shopper)) = p.forward_wait.remove(&id) else { return };
                if p.shop.order_for(id).is_none() {
                    self.take_checkout(p, ctx, req, shopper);
                }
            }
            (State::Shopper(sh), Timer::Retry(id)) => sh.client.on_retry(self, ctx, id),
            _ => {}
        }
    }

    fn on_checkout(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        let State::Shopper(sh) = st else { return };
        sh.client.submit(self, ctx, req);
    }

    fn summary(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> Note {
        match (st, disk) {
            (Some(State::Proposer(p)), _) => {
                let doing = match &p.attempt {
                    Some(a) => note!(
                        "paxos.summary.attempt",
                        slot = a.slot,
                        phase = if a.phase == Phase::Prepare {
                            note!("paxos.phase.prepare")
                        } else {
                            note!("paxos.phase.accept")
                        },
                        ballot = ballot_arg(a.ballot)
                    ),
                    None if p.backoff.is_some() => note!("paxos.summary.backing_off"),
                    None => note!("summary.idle"),
                };
                note!("paxos.summary.proposer", doing, chosen = p.chosen.len(), applied = p.applied)
            }
            (None, Disk::Proposer { .. }) => note!("summary.down"),
            (Some(_), Disk::Acceptor(d)) if d.retired => note!("paxos.summary.retired"),
            (st, Disk::Acceptor(d)) => {
                let a: &Acceptor = match st {
                    Some(State::Acceptor { memory: Some(m) }) => m,
                    None if !self.durable_acceptors() => return note!("summary.memory_lost"),
                    _ => d,
                };
                let slots = a.accepted.len();
                let state = match a.accepted.iter().next_back() {
                    Some((&slot, (b, v))) => {
                        note!("paxos.summary.acceptor_last", slots, slot, value = value_arg(v), ballot = ballot_arg(*b))
                    }
                    None => note!("paxos.summary.acceptor", slots),
                };
                if st.is_none() {
                    note!("summary.down_disk", state)
                } else {
                    state
                }
            }
            (Some(State::Shopper(sh)), Disk::Shopper { pending }) => {
                if pending.is_empty() {
                    note!("summary.idle")
                } else {
                    let target = self.node_name(sh.client.target(self.servers()));
                    note!("summary.waiting_n_asks", n = pending.len(), target)
                }
            }
            (None, Disk::Shopper { pending }) => note!("summary.down_pending", n = pending.len()),
            _ => Note::default(),
        }
    }

    fn detail(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> NodeDetail {
        match (st, disk) {
            (Some(State::Proposer(p)), _) => {
                let role = if p.leading.is_some() { note!("role.leader") } else { note!("role.proposer") };
                let mut facts = vec![fact(note!("fact.role"), role)];
                match &p.attempt {
                    Some(a) => {
                        facts.push(fact(note!("fact.slot"), a.slot));
                        facts.push(fact(note!("fact.ballot"), ballot_text(a.ballot)));
                        let phase = if a.phase == Phase::Prepare {
                            note!("paxos.phase.one_prepare")
                        } else {
                            note!("paxos.phase.two_accept")
                        };
                        facts.push(fact(note!("fact.phase"), phase));
                        facts.push(fact(note!("fact.rounds"), p.rounds.get(&a.slot).copied().unwrap_or(0)));
                    }
                    None => {
                        let phase =
                            if p.backoff.is_some() { note!("paxos.phase.backoff") } else { note!("summary.idle") };
                        facts.push(fact(note!("fact.phase"), phase))
                    }
                }
                let first = p.chosen.keys().next_back().map_or(1, |&l| l.saturating_sub(9).max(1));
                let log = p
                    .chosen
                    .range(first..)
                    .map(|(&s, v)| LogCell {
                        index: s,
                        term: u64::from(p.rounds.get(&s).copied().unwrap_or(0)),
                        text: cell_text(v),
                        committed: s <= p.applied,
                    })
                    .collect();
                NodeDetail { facts, log, legend: Some(note!("paxos.legend.proposer")), ..NodeDetail::default() }
            }
            (st, Disk::Acceptor(d)) => {
                let a: &Acceptor = match st {
                    Some(State::Acceptor { memory: Some(m) }) => m,
                    None if !self.durable_acceptors() => return NodeDetail::default(),
                    _ => d,
                };
                let last_slot = a.accepted.keys().next_back().copied().unwrap_or(0);
                let promised = a.promise_for(last_slot.max(1));
                let facts = vec![
                    fact(
                        note!("fact.role"),
                        match st {
                            None => note!("role.down"),
                            Some(_) if d.retired => note!("role.retired"),
                            Some(_) => note!("role.acceptor"),
                        },
                    ),
                    fact(note!("fact.promised"), ballot_text(promised)),
                    fact(note!("fact.accepted"), a.accepted.len()),
                ];
                let first = last_slot.saturating_sub(9).max(1);
                let log = a
                    .accepted
                    .range(first..)
                    .map(|(&s, (b, v))| LogCell { index: s, term: b.0, text: cell_text(v), committed: false })
                    .collect();
                NodeDetail { facts, log, legend: Some(note!("paxos.legend.acceptor")), ..NodeDetail::default() }
            }
            _ => NodeDetail::default(),
        }
    }

    fn acks_before_fsync(&self) -> bool {
        self.variant == Variant::AckBeforeFsync
    }

    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let Some(node) = touched else { return };
        let durable = w.nodes.is_durable(usize::from(node));
        let c = &mut *w.checker;
        let (state, disk) = w.nodes.get_mut(usize::from(node));
        if self.is_acceptor(node) {
            // An acceptance counts once it is durable: its Accepted reply waits for that, and a crash before it
            // takes the acceptance back (the slots stay dirty until then).
            if !durable {
                return;
            }
            let acc: Option<&mut Acceptor> = match (state, disk) {
                (Some(State::Acceptor { memory: Some(m) }), _) => Some(m),
                (_, Disk::Acceptor(d)) if self.durable_acceptors() => Some(d),
                _ => None,
            };
            let Some(a) = acc else { return };
            for (slot, ballot, value) in std::mem::take(&mut a.dirty) {
                let vid = value_id(&value);
                let e = c.votes.entry(slot).or_default().entry(ballot).or_insert_with(|| (VecSet::new(), vid));
                e.0.insert(node);
                if e.0.len() >= self.majority() {
                    match c.chosen.get(&slot) {
                        Some(&other) if other != vid => out.push(Violation::new(
                            &ONE_VALUE,
                            Some(node),
                            note!(
                                "paxos.violation.two_values",
                                slot,
                                value = value_arg(&value),
                                ballot = ballot_arg(ballot)
                            ),
                        )),
                        Some(_) => {}
                        None => {
                            c.chosen.insert(slot, vid);
                        }
                    }
                }
            }
            return;
        }
        let Some(State::Proposer(p)) = state else { return };
        for slot in std::mem::take(&mut p.learned_dirty) {
            let vid = p.chosen.get(&slot).map_or(0, value_id);
            if c.chosen.get(&slot).is_some_and(|&chosen| chosen != vid) || !c.chosen.contains_key(&slot) {
                out.push(Violation::new(
                    &LEARNERS_AGREE,
                    Some(node),
                    note!("paxos.violation.learned", node = self.node_name(node), slot),
                ));
            }
        }
        p.shop.audit(node, out);
    }
}
