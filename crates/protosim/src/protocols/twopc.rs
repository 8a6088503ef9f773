//! # Two-phase commit: one checkout across order, inventory and payment services
//!
//! Gray & Lamport, "Consensus on Transaction Commit" (2006), section 3 (two-phase commit).
//!
//! The order service (`orders`, node 0) coordinates every checkout as a transaction over the inventory shards that
//! hold its items (`stock1…`, items spread round-robin) and the payment service (`payments`).
//!
//! - **Phase 1.** The coordinator logs the transaction's start, then sends PREPARE. A participant checks and
//!   *reserves* (stock held, funds held), writes "prepared" with its reservation to disk, and votes YES — or votes NO
//!   when stock or balance is short (and forgets the transaction: a NO is a unilateral abort).
//! - **Phase 2.** With every vote YES the coordinator decides COMMIT, otherwise (a NO, or a vote missing in time)
//!   ABORT. It writes the decision to disk *before* telling anyone, then sends it until every participant acknowledges.
//!   Committing makes a reservation final (stock taken, payment captured); aborting releases it.
//! - **Blocking.** A participant that voted YES is uncertain: it may neither commit nor abort on its own, and holds
//!   its reservation until it learns the decision — however long the coordinator is down. A restarted coordinator
//!   finishes every transaction in its log; one with no decision logged is aborted (presumed abort).
//! - **Cooperative termination** (an option): an uncertain participant asks the other participants; one that knows
//!   the decision (or never voted, and so may abort) answers. If all are uncertain, nobody can help.
//! - Shoppers keep unanswered checkouts on disk and retry with the same request id, which is the transaction id: a
//!   retry never starts a second transaction or a second charge.
//!
//! Variants (textbook mistakes):
//! - `heuristic-commit`: an uncertain participant commits on its own after a timeout.
//! - `decide-before-log`: the coordinator keeps its decision in memory until every participant acknowledged it, and
//!   decides afresh (abort) after a crash.
//! - `commit-on-own-check`: the seed article's §4.3 — a participant commits as soon as its own check passes, without
//!   waiting for the global decision.

use crate::domain::{rules, AbortReason, Catalogue, CheckoutRequest, Outcome, RequestId};
use crate::engine::{CheckView, Ctx, LogCell, Message, MsgKind, NodeDetail, Protocol, TimerId, TimerKind};
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::{Arg, Note};
use crate::note;
use crate::protocols::client::{shopper_spelling, Client, Outbox, RetryPolicy, Servers, ShopperProtocol};
use crate::protocols::meta::{plain, OptionInfo, OptionStore, OptionValues, ProtocolInfo, Trial, VariantInfo};
use crate::scenario::{Action, Intervention, Line, NodeId, ProtocolKind, Scenario};
use crate::vecmap::{VecMap, VecSet};
use crate::view::fact;

pub const ATOMICITY: InvariantInfo = InvariantInfo {
    name: "atomicity",
    rule: "no transaction is committed at one service and aborted at another (or by the coordinator)",
};
pub const RESERVATIONS: InvariantInfo = InvariantInfo {
    name: "reservations-released",
    rule: "every unit of stock and every cent is on hand, held by a prepared transaction, or sold by a committed one",
};

const INVARIANTS: [InvariantInfo; 4] = [ATOMICITY, RESERVATIONS, rules::NO_OVERSELL, rules::MONEY_CONSERVED];

/// The order service, two inventory shards and payments; the coordinator dies just after sending the first
/// PREPARE after 5 s, for two seconds: the participants vote YES to nobody and stay blocked, holding stock and
/// money, until it comes back.
fn lesson(nodes: u16, trial: Trial<'_>) -> Scenario {
    let mut s = plain(KIND, nodes);
    let prepare_us = trial(&s, u64::MAX)
        .trace
        .iter()
        .find_map(|e| match e.ev {
            crate::trace::Ev::Send { from: 0, label: "Prepare", .. } if e.t_us >= 5_000_000 => Some(e.t_us),
            _ => None,
        })
        .unwrap_or(5_000_000);
    s.interventions = vec![
        Intervention { at_us: prepare_us + 1, action: Action::Crash { node: 0 } },
        Intervention { at_us: prepare_us + 2_000_000, action: Action::Restart { node: 0 } },
    ];
    s
}

/// Two-phase commit, as scenarios name it: `"protocol": "2pc"`.
pub const KIND: ProtocolKind = ProtocolKind::new("2pc");

pub const INFO: ProtocolInfo = ProtocolInfo {
    kind: KIND,
    title: "two-phase commit",
    nodes: (3, 5),
    default_nodes: 4,
    variants: &[
        VariantInfo { name: "correct", explain: "2PC with the decision logged before it is sent, and presumed abort" },
        VariantInfo {
            name: "heuristic-commit",
            explain: "an uncertain participant commits on its own after a timeout: it may disagree with the decision",
        },
        VariantInfo {
            name: "decide-before-log",
            explain: "the coordinator sends its decision before logging it, and after a crash decides afresh",
        },
        VariantInfo {
            name: "commit-on-own-check",
            explain: "a participant commits as soon as its own check passes, without the global decision (§4.3)",
        },
        VariantInfo {
            name: "ack-before-fsync",
            explain: "votes and decisions are sent before the disk made them durable: a crash with a slow fsync forgets a yes or a commit",
        },
        VariantInfo {
            name: "held-is-sold-out",
            explain: "a participant answers out of stock (or insufficient funds) when what is short is only held by transactions still in doubt: if they abort, no order of the sales explains the refusal",
        },
    ],
    invariants: &INVARIANTS,
    liveness_bound_ms: Some(6_000),
    compare_with: ProtocolKind::new("raft"),
    metrics: &[
        crate::protocols::meta::RETRIES,
        crate::protocols::meta::MetricInfo {
            name: BLOCKED_METRIC,
            unit: crate::protocols::meta::MetricUnit::Micros,
            what: "how long a participant stayed prepared (holding stock or money) before it learned the decision",
            label: "blocked",
        },
    ],
    servers: crate::protocols::meta::nodes_only,
    lesson,
    options: &[OptionInfo {
        name: "cooperative",
        label: "cooperative termination",
        help: "an uncertain participant asks the others what was decided",
        values: OptionValues::Flag { default: false },
        store: OptionStore::Section {
            path: "twopc.cooperative",
            get: |s| s.twopc.cooperative.to_string(),
            set: |s, v| s.twopc.cooperative = v == "true",
        },
        applies: crate::protocols::meta::always,
    }],
    liveness_quorum: crate::protocols::meta::every_server,
    replaceable: crate::protocols::meta::never_replaceable,
    replacement_rejoins: crate::protocols::meta::never_rejoins,
    serves_reads: false,
    variant_options: &[],
};

const COORD: NodeId = 0;
/// The metric name under which each participant's uncertain time per transaction is recorded (µs).
pub const BLOCKED_METRIC: &str = "2pc-blocked";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Correct,
    HeuristicCommit,
    DecideBeforeLog,
    CommitOnOwnCheck,
    AckBeforeFsync,
    HeldIsSoldOut,
}

pub type TxnId = RequestId;

/// What a participant is asked to reserve.
#[derive(Clone, Debug, PartialEq)]
pub enum Work {
    Stock(Vec<Line>),
    Pay { customer: u16, amount: u64 },
}

#[derive(Clone, Debug)]
pub enum Msg {
    Checkout(CheckoutRequest),
    Reply {
        request_id: RequestId,
        outcome: Outcome,
    },
    Prepare {
        txn: TxnId,
        work: Work,
        participants: Vec<NodeId>,
    },
    /// `refusal`: why a NO vote refused (out of stock, insufficient funds).
    Vote {
        txn: TxnId,
        yes: bool,
        refusal: Option<Outcome>,
    },
    Decision {
        txn: TxnId,
        commit: bool,
    },
    Ack {
        txn: TxnId,
    },
    /// Cooperative termination: an uncertain participant asks another one.
    Ask {
        txn: TxnId,
    },
    /// The answer: the decision if known, `None` if the other is uncertain too.
    Tell {
        txn: TxnId,
        commit: Option<bool>,
    },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Checkout(_) => "Checkout",
            Msg::Reply { .. } => "Reply",
            Msg::Prepare { .. } => "Prepare",
            Msg::Vote { yes: true, .. } => "Yes",
            Msg::Vote { yes: false, .. } => "No",
            Msg::Decision { commit: true, .. } => "Commit",
            Msg::Decision { commit: false, .. } => "Abort",
            Msg::Ack { .. } => "Ack",
            Msg::Ask { .. } => "Ask",
            Msg::Tell { .. } => "Tell",
        }
    }
    /// A NO vote refuses; YES votes, acknowledgements, answers to Ask and to the shopper reply.
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Vote { yes: false, .. } => MsgKind::Refusal,
            Msg::Vote { .. } | Msg::Ack { .. } | Msg::Tell { .. } | Msg::Reply { .. } => MsgKind::Reply,
            Msg::Checkout(_) | Msg::Prepare { .. } | Msg::Decision { .. } | Msg::Ask { .. } => MsgKind::Request,
        }
    }
    fn detail(&self) -> Note {
        match self {
            Msg::Checkout(r) => note!("msg.checkout", id = r.request_id, customer = r.customer),
            Msg::Reply { request_id, outcome } => note!("msg.reply", id = *request_id, outcome = outcome.note()),
            Msg::Prepare { txn, work, .. } => match work {
                Work::Stock(lines) => note!("twopc.msg.prepare.stock", txn = *txn, lines = lines.len()),
                Work::Pay { customer, amount } => {
                    note!("twopc.msg.prepare.pay", txn = *txn, amount = Arg::Cents(*amount), customer = *customer)
                }
            },
            Msg::Vote { txn, yes: false, refusal: Some(o) } => {
                note!("twopc.msg.vote.no.why", txn = *txn, outcome = o.note())
            }
            Msg::Vote { txn, yes: false, .. } => note!("twopc.msg.vote.no", txn = *txn),
            Msg::Vote { txn, yes: true, .. } => note!("twopc.msg.vote.yes", txn = *txn),
            Msg::Decision { txn, commit: true } => note!("twopc.msg.commit", txn = *txn),
            Msg::Decision { txn, commit: false } => note!("twopc.msg.abort", txn = *txn),
            Msg::Ack { txn } => note!("twopc.msg.ack", txn = *txn),
            Msg::Ask { txn } => note!("twopc.msg.ask", txn = *txn),
            Msg::Tell { txn, commit: Some(true) } => note!("twopc.msg.tell.committed", txn = *txn),
            Msg::Tell { txn, commit: Some(false) } => note!("twopc.msg.tell.aborted", txn = *txn),
            Msg::Tell { txn, commit: None } => note!("twopc.msg.tell.uncertain", txn = *txn),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// The coordinator stops waiting for votes.
    Votes(TxnId),
    /// The coordinator sends its decision again to those that have not acknowledged.
    Resend(TxnId),
    /// An uncertain participant has waited this long.
    Uncertain(TxnId),
    Retry(RequestId),
}

impl TimerKind for Timer {
    fn name(&self) -> &'static str {
        match self {
            Timer::Votes(_) => "vote timeout",
            Timer::Resend(_) => "resend decision",
            Timer::Uncertain(_) => "uncertain",
            Timer::Retry(_) => "retry",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PState {
    Prepared,
    Committed,
    Aborted,
}

/// A participant's record of one transaction.
#[derive(Clone, Debug)]
pub struct PTxn {
    pub state: PState,
    pub work: Work,
    pub participants: Vec<NodeId>,
    /// When it voted YES (for the time blocked).
    pub prepared_us: u64,
}

/// A participant's disk: its rows and its transactions.
#[derive(Clone, Debug)]
pub struct Ledger {
    /// Inventory: stock on hand per item it owns. Payments: nothing.
    pub stock: VecMap<u16, i64>,
    /// Payments: each wallet. Inventory: nothing.
    pub wallets: Vec<i64>,
    pub revenue: i64,
    pub txns: VecMap<TxnId, PTxn>,
    dirty: Vec<TxnId>,
}

impl Ledger {
    /// Why this participant must vote NO on `work`, if it must. A shortfall that reservations of prepared
    /// transactions explain is answered "busy, try again", never "out of stock" or "insufficient funds": those
    /// transactions may still abort, and then no order of the checkouts explains the refusal (the client
    /// history would not be linearizable, [`crate::linearizability`]). A true shortfall wins over a busy one.
    /// Without `held_is_busy` (the `held-is-sold-out` variant) every shortfall is refused as a shortfall.
    pub fn refusal(&self, work: &Work, held_is_busy: bool) -> Option<Outcome> {
        let busy =
            |sold_out: Outcome| if held_is_busy { Outcome::Aborted { reason: AbortReason::Busy } } else { sold_out };
        match work {
            Work::Stock(lines) => {
                let on_hand = |item: u16| self.stock.get(&item).copied().unwrap_or(0);
                // Lines of one item are added up (a scripted basket may repeat an item).
                let wanted = |item: u16| lines.iter().filter(|l| l.item == item).map(|l| i64::from(l.qty)).sum::<i64>();
                let short = |line: &&Line| on_hand(line.item) < wanted(line.item);
                let truly = lines
                    .iter()
                    .filter(short)
                    .find(|line| on_hand(line.item) + self.held_units(line.item) < wanted(line.item));
                match truly {
                    Some(line) => Some(Outcome::OutOfStock { item: line.item }),
                    None => lines.iter().find(short).map(|line| busy(Outcome::OutOfStock { item: line.item })),
                }
            }
            Work::Pay { customer, amount } => {
                let have = self.wallets.get(usize::from(*customer)).copied().unwrap_or(0);
                if have >= *amount as i64 {
                    None
                } else if have + self.held_cents(*customer) >= *amount as i64 {
                    Some(busy(Outcome::InsufficientFunds { total_cents: *amount }))
                } else {
                    Some(Outcome::InsufficientFunds { total_cents: *amount })
                }
            }
        }
    }

    fn prepared(&self) -> impl Iterator<Item = &Work> {
        self.txns.values().filter(|t| t.state == PState::Prepared).map(|t| &t.work)
    }

    /// Units of `item` held by prepared transactions.
    fn held_units(&self, item: u16) -> i64 {
        let units = |w: &Work| match w {
            Work::Stock(lines) => lines.iter().filter(|l| l.item == item).map(|l| i64::from(l.qty)).sum(),
            Work::Pay { .. } => 0,
        };
        self.prepared().map(units).sum()
    }

    /// Cents of `customer`'s wallet held by prepared transactions.
    fn held_cents(&self, customer: u16) -> i64 {
        let cents = |w: &Work| match w {
            Work::Pay { customer: c, amount } if *c == customer => *amount as i64,
            _ => 0,
        };
        self.prepared().map(cents).sum()
    }
}

/// The coordinator's log entry for one transaction.
#[derive(Clone, Debug)]
pub struct CTxn {
    pub req: CheckoutRequest,
    pub shopper: NodeId,
    pub participants: Vec<NodeId>,
    pub decision: Option<bool>,
    pub outcome: Option<Outcome>,
    /// Every participant acknowledged the decision: nothing left to do after a restart.
    pub ended: bool,
}

#[derive(Clone, Debug)]
pub struct Coordinator {
    votes: VecMap<TxnId, VecMap<NodeId, bool>>,
    /// The vote-timeout and resend timers of each open transaction, cancelled once they have no work left.
    timers: VecMap<TxnId, TimerId>,
    acks: VecMap<TxnId, VecSet<NodeId>>,
    /// Decisions not logged yet (`decide-before-log` only).
    unlogged: VecMap<TxnId, (bool, Outcome)>,
    dirty: Vec<TxnId>,
}

/// A shopper's volatile state: the shared retrying client (it has only the coordinator to send to).
#[derive(Clone, Debug)]
pub struct Shopper {
    client: Client,
}

/// A participant's volatile state: the "still uncertain?" timer of each prepared transaction.
#[derive(Clone, Debug, Default)]
pub struct Participant {
    timers: VecMap<TxnId, TimerId>,
}

#[derive(Clone, Debug)]
pub enum State {
    Coordinator(Coordinator),
    Participant(Participant),
    Shopper(Shopper),
}

#[derive(Clone, Debug)]
pub enum Disk {
    Coordinator { log: VecMap<TxnId, CTxn> },
    Participant(Box<Ledger>),
    Shopper { pending: Outbox },
}

/// What the checker remembers: per transaction, the outcomes seen anywhere; per participant, the ledger totals
/// rebuilt from transaction states alone.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    seen: VecMap<TxnId, (bool, bool)>,
    counted: VecMap<(NodeId, TxnId), PState>,
    held_stock: VecMap<(NodeId, u16), i64>,
    sold_stock: VecMap<(NodeId, u16), i64>,
    held_cents: i64,
    captured_cents: i64,
}

#[derive(Clone, Debug)]
pub struct TwoPc {
    variant: Variant,
    catalogue: Catalogue,
    shards: u16,
    cooperative: bool,
    vote_timeout_us: u64,
    resend_us: u64,
    uncertain_us: u64,
    retry_us: u64,
}

impl TwoPc {
    fn payments(&self) -> NodeId {
        self.shards + 1
    }
    fn is_participant(&self, n: NodeId) -> bool {
        n >= 1 && n <= self.shards + 1
    }
    fn shard_of(&self, item: u16) -> NodeId {
        1 + item % self.shards
    }

    fn ledger<'a>(ctx: &'a Ctx<'_, Self>) -> &'a Ledger {
        match ctx.disk() {
            Disk::Participant(l) => l,
            _ => unreachable!("only participants have a ledger"),
        }
    }

    fn with_ledger<R>(ctx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut Ledger) -> R) -> R {
        ctx.persist(|d| match d {
            Disk::Participant(l) => f(l),
            _ => unreachable!("only participants have a ledger"),
        })
    }

    /// Commits or aborts a prepared transaction: the reservation becomes final or is released.
    fn finish(l: &mut Ledger, txn: TxnId, commit: bool) -> bool {
        let Some(t) = l.txns.get_mut(&txn) else { return false };
        if t.state != PState::Prepared {
            return t.state == if commit { PState::Committed } else { PState::Aborted };
        }
        t.state = if commit { PState::Committed } else { PState::Aborted };
        match (&t.work, commit) {
            (Work::Pay { amount, .. }, true) => l.revenue += *amount as i64,
            (Work::Pay { customer, amount }, false) => {
                if let Some(w) = l.wallets.get_mut(usize::from(*customer)) {
                    *w += *amount as i64;
                }
            }
            (Work::Stock(_), true) => {}
            (Work::Stock(lines), false) => {
                for line in lines {
                    *l.stock.entry(line.item).or_default() += i64::from(line.qty);
                }
            }
        }
        l.dirty.push(txn);
        true
    }

    fn arm(&self, timers: &mut VecMap<TxnId, TimerId>, ctx: &mut Ctx<'_, Self>, txn: TxnId, after_us: u64, t: Timer) {
        if let Some(old) = timers.insert(txn, ctx.set_timer(after_us, t)) {
            ctx.cancel_timer(old);
        }
    }

    fn disarm(timers: &mut VecMap<TxnId, TimerId>, ctx: &mut Ctx<'_, Self>, txn: TxnId) {
        if let Some(t) = timers.remove(&txn) {
            ctx.cancel_timer(t);
        }
    }

    fn participant_message(&self, p: &mut Participant, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Prepare { txn, work, participants } => self.on_prepare(p, ctx, from, txn, (work, participants)),
            Msg::Decision { txn, commit } => {
                Self::disarm(&mut p.timers, ctx, txn);
                self.sample_blocked(ctx, txn);
                let known = Self::ledger(ctx).txns.contains_key(&txn);
                let agreed = Self::with_ledger(ctx, |l| Self::finish(l, txn, commit));
                if !known && !commit {
                    // Remember the abort: a PREPARE still in flight (delayed, duplicated) must get NO, or this
                    // participant would reserve and then wait forever for a decision already given.
                    let now = ctx.now_us();
                    Self::with_ledger(ctx, |l| {
                        let tombstone = PTxn {
                            state: PState::Aborted,
                            work: Work::Stock(Vec::new()),
                            participants: Vec::new(),
                            prepared_us: now,
                        };
                        l.txns.insert(txn, tombstone);
                        l.dirty.push(txn);
                    });
                }
                if !known {
                    // It was down (or cut off) during PREPARE: it reserved nothing, so there is nothing to undo.
                    ctx.note(|| {
                        if commit {
                            note!("twopc.decision.commit.unknown", txn)
                        } else {
                            note!("twopc.decision.abort.unknown", txn)
                        }
                    });
                } else if !agreed {
                    ctx.note(|| {
                        if commit {
                            note!("twopc.decision.commit.opposite", txn)
                        } else {
                            note!("twopc.decision.abort.opposite", txn)
                        }
                    });
                }
                ctx.send(from, Msg::Ack { txn });
            }
            Msg::Ask { txn } => self.on_ask(ctx, from, txn),
            Msg::Tell { txn, commit: Some(_) } if !Self::ledger(ctx).txns.contains_key(&txn) => {
                ctx.note(|| note!("twopc.tell.unknown", txn, from));
            }
            Msg::Tell { txn, commit: Some(commit) } => {
                self.sample_blocked(ctx, txn);
                let unblocked = Self::with_ledger(ctx, |l| {
                    l.txns.get(&txn).is_some_and(|t| t.state == PState::Prepared) && Self::finish(l, txn, commit)
                });
                if unblocked {
                    Self::disarm(&mut p.timers, ctx, txn);
                    ctx.note(|| {
                        if commit {
                            note!("twopc.tell.committed", from, txn)
                        } else {
                            note!("twopc.tell.aborted", from, txn)
                        }
                    });
                }
            }
            _ => {}
        }
    }

    /// PREPARE: reserve the stock or the money and vote YES (now uncertain until the decision), or vote NO.
    fn on_prepare(
        &self,
        p: &mut Participant,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        txn: TxnId,
        (work, participants): (Work, Vec<NodeId>),
    ) {
        if let Some(t) = Self::ledger(ctx).txns.get(&txn) {
            // A repeated PREPARE gets the same vote.
            let yes = t.state != PState::Aborted;
            ctx.send(from, Msg::Vote { txn, yes, refusal: None });
            return;
        }
        let now = ctx.now_us();
        let own_commit = self.variant == Variant::CommitOnOwnCheck;
        let held_is_sold_out = self.variant == Variant::HeldIsSoldOut;
        let refusal = Self::with_ledger(ctx, |l| {
            let refusal = l.refusal(&work, !held_is_sold_out);
            if refusal.is_none() {
                match &work {
                    Work::Stock(lines) => {
                        for line in lines {
                            *l.stock.entry(line.item).or_default() -= i64::from(line.qty);
                        }
                    }
                    Work::Pay { customer, amount } => {
                        if let Some(w) = l.wallets.get_mut(usize::from(*customer)) {
                            *w -= *amount as i64;
                        }
                    }
                }
            }
            let state = if refusal.is_some() { PState::Aborted } else { PState::Prepared };
            l.txns.insert(txn, PTxn { state, work: work.clone(), participants, prepared_us: now });
            l.dirty.push(txn);
            if own_commit && refusal.is_none() {
                Self::finish(l, txn, true);
            }
            refusal
        });
        match refusal {
            Some(o) => {
                ctx.note(|| note!("twopc.vote.no", txn, outcome = o.note()));
                ctx.send(from, Msg::Vote { txn, yes: false, refusal: Some(o) });
            }
            None => {
                if own_commit {
                    ctx.note(|| note!("twopc.vote.own_commit", txn));
                } else {
                    ctx.note(|| note!("twopc.vote.yes", txn));
                    self.arm(&mut p.timers, ctx, txn, self.uncertain_us, Timer::Uncertain(txn));
                }
                ctx.send(from, Msg::Vote { txn, yes: true, refusal: None });
            }
        }
    }

    /// A peer asks about a transaction (cooperative termination): answer what is known; one never voted on is
    /// aborted here and now, which is safe because this participant's NO was never cast.
    fn on_ask(&self, ctx: &mut Ctx<'_, Self>, from: NodeId, txn: TxnId) {
        let now = ctx.now_us();
        let known = Self::ledger(ctx).txns.get(&txn).map(|t| t.state);
        let answer = match known {
            Some(PState::Committed) => Some(true),
            Some(PState::Aborted) => Some(false),
            Some(PState::Prepared) => None,
            None => {
                // It never voted, so it may abort on its own — and say so.
                Self::with_ledger(ctx, |l| {
                    l.txns.insert(
                        txn,
                        PTxn {
                            state: PState::Aborted,
                            work: Work::Stock(Vec::new()),
                            participants: Vec::new(),
                            prepared_us: now,
                        },
                    );
                    l.dirty.push(txn);
                });
                ctx.note(|| note!("twopc.ask.never_voted", txn));
                Some(false)
            }
        };
        ctx.send(from, Msg::Tell { txn, commit: answer });
    }

    /// Metric: how long a prepared transaction kept this participant uncertain, measured when it resolves.
    fn sample_blocked(&self, ctx: &mut Ctx<'_, Self>, txn: TxnId) {
        let since = Self::ledger(ctx).txns.get(&txn).filter(|t| t.state == PState::Prepared).map(|t| t.prepared_us);
        if let Some(since) = since {
            let blocked = ctx.now_us().saturating_sub(since);
            ctx.sample(BLOCKED_METRIC, blocked);
        }
    }

    fn participant_timer(&self, p: &mut Participant, ctx: &mut Ctx<'_, Self>, txn: TxnId) {
        p.timers.remove(&txn);
        let me = ctx.me();
        let Some(t) = Self::ledger(ctx).txns.get(&txn).cloned() else { return };
        if t.state != PState::Prepared {
            return;
        }
        let waited_ms = ctx.now_us().saturating_sub(t.prepared_us) / 1000;
        if self.variant == Variant::HeuristicCommit {
            self.sample_blocked(ctx, txn);
            Self::with_ledger(ctx, |l| Self::finish(l, txn, true));
            ctx.note(|| note!("twopc.heuristic_commit", txn, waited_ms));
            return;
        }
        let held = match &t.work {
            Work::Stock(lines) => {
                Arg::from(note!("twopc.held.units", units = lines.iter().map(|l| l.qty).sum::<u32>()))
            }
            Work::Pay { amount, .. } => Arg::Cents(*amount),
        };
        ctx.note(|| note!("twopc.blocked", txn, waited_ms, held));
        if self.cooperative {
            for q in t.participants.iter().copied().filter(|&q| q != me) {
                ctx.send(q, Msg::Ask { txn });
            }
        }
        self.arm(&mut p.timers, ctx, txn, self.uncertain_us, Timer::Uncertain(txn));
    }

    fn log_of<'a>(ctx: &'a Ctx<'_, Self>) -> &'a VecMap<TxnId, CTxn> {
        match ctx.disk() {
            Disk::Coordinator { log } => log,
            _ => unreachable!("only the coordinator has a log"),
        }
    }

    fn decide(&self, c: &mut Coordinator, ctx: &mut Ctx<'_, Self>, txn: TxnId, commit: bool, outcome: Outcome) {
        let Some(t) = Self::log_of(ctx).get(&txn).cloned() else { return };
        if t.decision.is_some() || c.unlogged.contains_key(&txn) {
            return;
        }
        if self.variant == Variant::DecideBeforeLog {
            c.unlogged.insert(txn, (commit, outcome));
            ctx.note(|| {
                if commit {
                    note!("twopc.decide.commit.unlogged", txn)
                } else {
                    note!("twopc.decide.abort.unlogged", txn)
                }
            });
        } else {
            ctx.persist(|d| {
                if let Disk::Coordinator { log } = d {
                    if let Some(e) = log.get_mut(&txn) {
                        e.decision = Some(commit);
                        e.outcome = Some(outcome);
                    }
                }
            });
            ctx.note(|| if commit { note!("twopc.decide.commit", txn) } else { note!("twopc.decide.abort", txn) });
        }
        c.dirty.push(txn);
        c.votes.remove(&txn);
        c.acks.insert(txn, VecSet::new());
        for p in &t.participants {
            ctx.send(*p, Msg::Decision { txn, commit });
        }
        ctx.send(t.shopper, Msg::Reply { request_id: txn, outcome });
        self.arm(&mut c.timers, ctx, txn, self.resend_us, Timer::Resend(txn));
    }

    fn coordinator_message(&self, c: &mut Coordinator, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Checkout(req) => {
                let txn = req.request_id;
                if let Some(t) = Self::log_of(ctx).get(&txn) {
                    if let Some(outcome) = t.outcome {
                        ctx.send(from, Msg::Reply { request_id: txn, outcome });
                    }
                    return; // in progress: the answer comes with the decision
                }
                let mut shards: Vec<NodeId> = req.lines.iter().map(|l| self.shard_of(l.item)).collect();
                crate::sort::sort_dedup(&mut shards);
                let mut participants = shards.clone();
                participants.push(self.payments());
                let amount = self.catalogue.total_cents(&req.lines);
                ctx.persist(|d| {
                    if let Disk::Coordinator { log } = d {
                        log.insert(
                            txn,
                            CTxn {
                                req: req.clone(),
                                shopper: from,
                                participants: participants.clone(),
                                decision: None,
                                outcome: None,
                                ended: false,
                            },
                        );
                    }
                });
                ctx.note(|| note!("twopc.begin", txn, services = participants.len()));
                c.votes.insert(txn, VecMap::new());
                for s in shards {
                    let lines: Vec<Line> = req.lines.iter().filter(|l| self.shard_of(l.item) == s).cloned().collect();
                    ctx.send(s, Msg::Prepare { txn, work: Work::Stock(lines), participants: participants.clone() });
                }
                let work = Work::Pay { customer: req.customer, amount };
                ctx.send(self.payments(), Msg::Prepare { txn, work, participants });
                self.arm(&mut c.timers, ctx, txn, self.vote_timeout_us, Timer::Votes(txn));
            }
            Msg::Vote { txn, yes, refusal } => {
                if !Self::log_of(ctx).contains_key(&txn) {
                    ctx.note(|| note!("twopc.vote.unknown", txn, from));
                    return;
                }
                let Some(votes) = c.votes.get_mut(&txn) else { return };
                votes.insert(from, yes);
                if !yes {
                    let outcome = refusal.unwrap_or(Outcome::Aborted { reason: AbortReason::VoteTimeout });
                    self.decide(c, ctx, txn, false, outcome);
                    return;
                }
                let n = Self::log_of(ctx).get(&txn).map_or(0, |t| t.participants.len());
                if votes.len() == n && votes.values().all(|&v| v) {
                    let total = Self::log_of(ctx).get(&txn).map_or(0, |t| self.catalogue.total_cents(&t.req.lines));
                    let outcome = Outcome::Confirmed { order: txn as u32, total_cents: total };
                    self.decide(c, ctx, txn, true, outcome);
                }
            }
            Msg::Ack { txn } => {
                if !Self::log_of(ctx).contains_key(&txn) {
                    ctx.note(|| note!("twopc.ack.unknown", txn, from));
                    return;
                }
                let Some(acks) = c.acks.get_mut(&txn) else { return };
                acks.insert(from);
                let n = Self::log_of(ctx).get(&txn).map_or(0, |t| t.participants.len());
                if acks.len() == n {
                    c.acks.remove(&txn);
                    Self::disarm(&mut c.timers, ctx, txn);
                    let unlogged = c.unlogged.remove(&txn);
                    ctx.persist(|d| {
                        if let Disk::Coordinator { log } = d {
                            if let Some(e) = log.get_mut(&txn) {
                                if let Some((commit, outcome)) = unlogged {
                                    e.decision = Some(commit);
                                    e.outcome = Some(outcome);
                                }
                                e.ended = true;
                            }
                        }
                    });
                }
            }
            _ => {}
        }
    }
}

impl ShopperProtocol for TwoPc {
    shopper_spelling!(Disk, Timer, Msg);

    /// Only the order service (the coordinator) takes a checkout.
    fn servers(&self) -> Servers {
        Servers { first: COORD, count: 1 }
    }
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { retry_us: self.retry_us, max_attempts: None }
    }
}

impl Protocol for TwoPc {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Disk = Disk;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        let variant = match scenario.variant.as_str() {
            "heuristic-commit" => Variant::HeuristicCommit,
            "decide-before-log" => Variant::DecideBeforeLog,
            "ack-before-fsync" => Variant::AckBeforeFsync,
            "commit-on-own-check" => Variant::CommitOnOwnCheck,
            "held-is-sold-out" => Variant::HeldIsSoldOut,
            _ => Variant::Correct,
        };
        let worst = scenario.worst_latency_us();
        TwoPc {
            variant,
            catalogue: catalogue.clone(),
            shards: scenario.nodes - 2,
            cooperative: scenario.twopc.cooperative,
            vote_timeout_us: (6 * worst).max(150_000),
            resend_us: (6 * worst).max(150_000),
            uncertain_us: (12 * worst).max(400_000),
            retry_us: (16 * worst).max(400_000),
        }
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        INFO.invariants
    }

    fn server_count(&self) -> u16 {
        self.shards + 2
    }

    fn node_name(&self, node: NodeId) -> String {
        if node == COORD {
            "orders".to_string()
        } else if node == self.payments() {
            "payments".to_string()
        } else if node <= self.shards {
            format!("stock{node}")
        } else {
            format!("shopper{}", node - self.shards - 1)
        }
    }

    fn fresh_disk(&self, node: NodeId) -> Disk {
        if node == COORD {
            Disk::Coordinator { log: VecMap::new() }
        } else if node == self.payments() {
            let wallets = vec![self.catalogue.wallet_cents as i64; usize::from(self.catalogue.customers)];
            Disk::Participant(Box::new(Ledger {
                stock: VecMap::new(),
                wallets,
                revenue: 0,
                txns: VecMap::new(),
                dirty: Vec::new(),
            }))
        } else if self.is_participant(node) {
            let stock = (0..self.catalogue.items.len() as u16)
                .filter(|&i| self.shard_of(i) == node)
                .map(|i| (i, i64::from(self.catalogue.initial_stock)))
                .collect();
            Disk::Participant(Box::new(Ledger {
                stock,
                wallets: Vec::new(),
                revenue: 0,
                txns: VecMap::new(),
                dirty: Vec::new(),
            }))
        } else {
            Disk::Shopper { pending: Outbox::default() }
        }
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        let me = ctx.me();
        if me == COORD {
            let mut c = Coordinator {
                votes: VecMap::new(),
                timers: VecMap::new(),
                acks: VecMap::new(),
                unlogged: VecMap::new(),
                dirty: Vec::new(),
            };
            // Recovery: finish what the log says; a transaction with no decision logged is aborted.
            let open: Vec<(TxnId, Option<bool>)> =
                Self::log_of(ctx).iter().filter(|(_, t)| !t.ended).map(|(id, t)| (*id, t.decision)).collect();
            for (txn, decision) in open {
                match decision {
                    Some(commit) => {
                        let parts = Self::log_of(ctx)[&txn].participants.clone();
                        c.acks.insert(txn, VecSet::new());
                        for p in parts {
                            ctx.send(p, Msg::Decision { txn, commit });
                        }
                        self.arm(&mut c.timers, ctx, txn, self.resend_us, Timer::Resend(txn));
                    }
                    None => {
                        ctx.note(|| note!("twopc.restart.presumed_abort", txn));
                        self.decide(&mut c, ctx, txn, false, Outcome::Aborted { reason: AbortReason::VoteTimeout });
                    }
                }
            }
            return State::Coordinator(c);
        }
        if self.is_participant(me) {
            let prepared: Vec<TxnId> =
                Self::ledger(ctx).txns.iter().filter(|(_, t)| t.state == PState::Prepared).map(|(id, _)| *id).collect();
            if !prepared.is_empty() {
                let n = prepared.len();
                ctx.note(|| note!("twopc.restart.prepared", n));
            }
            let mut p = Participant::default();
            for txn in prepared {
                self.arm(&mut p.timers, ctx, txn, self.uncertain_us, Timer::Uncertain(txn));
            }
            return State::Participant(p);
        }
        State::Shopper(Shopper { client: Client::start(self, ctx) })
    }

    fn on_message(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match st {
            State::Coordinator(c) => self.coordinator_message(c, ctx, from, msg),
            State::Participant(p) => self.participant_message(p, ctx, from, msg),
            State::Shopper(sh) => {
                if let Msg::Reply { request_id, outcome } = msg {
                    sh.client.on_reply(ctx, from, request_id, outcome);
                }
            }
        }
    }

    fn on_timer(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match (st, timer) {
            (State::Coordinator(c), Timer::Votes(txn)) if c.votes.contains_key(&txn) => {
                c.timers.remove(&txn);
                ctx.note(|| note!("twopc.votes.timeout", txn));
                self.decide(c, ctx, txn, false, Outcome::Aborted { reason: AbortReason::VoteTimeout });
            }
            (State::Coordinator(c), Timer::Resend(txn)) => {
                let Some(acks) = c.acks.get(&txn) else { return };
                let Some(t) = Self::log_of(ctx).get(&txn).cloned() else { return };
                let commit = t.decision.or(c.unlogged.get(&txn).map(|u| u.0));
                let Some(commit) = commit else { return };
                let missing: Vec<NodeId> = t.participants.iter().copied().filter(|p| !acks.contains(p)).collect();
                for p in missing {
                    ctx.send(p, Msg::Decision { txn, commit });
                }
                c.timers.remove(&txn);
                self.arm(&mut c.timers, ctx, txn, self.resend_us, Timer::Resend(txn));
            }
            (State::Participant(p), Timer::Uncertain(txn)) => self.participant_timer(p, ctx, txn),
            (State::Shopper(sh), Timer::Retry(id)) => sh.client.on_retry(self, ctx, id),
            _ => {}
        }
    }

    fn on_checkout(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        let State::Shopper(sh) = st else { return };
        sh.client.submit(self, ctx, req);
    }

    fn summary(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> Note {
        let state = match disk {
            Disk::Coordinator { log } => {
                let open = log.values().filter(|t| t.decision.is_none()).count();
                let commits = log.values().filter(|t| t.decision == Some(true)).count();
                note!("twopc.summary.coordinator", txns = log.len(), commits, open)
            }
            Disk::Participant(l) => {
                let prepared = l.txns.values().filter(|t| t.state == PState::Prepared).count();
                if l.wallets.is_empty() {
                    let rows: Vec<String> = l.stock.iter().map(|(i, s)| format!("{i}:{s}")).collect();
                    note!("twopc.summary.inventory", prepared, stock = rows.join(" "))
                } else {
                    note!("twopc.summary.payments", prepared, revenue = Arg::Cents(l.revenue.max(0) as u64))
                }
            }
            Disk::Shopper { pending } if pending.is_empty() => note!("summary.idle"),
            Disk::Shopper { pending } => note!("summary.waiting", n = pending.len()),
        };
        if st.is_none() {
            note!("summary.down_then", state)
        } else {
            state
        }
    }

    fn detail(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> NodeDetail {
        let role = |r: Note| if st.is_some() { r } else { note!("role.down") };
        match disk {
            Disk::Coordinator { log } => {
                let first = log.keys().rev().nth(9).copied().unwrap_or(0);
                let cells = log
                    .range(first..)
                    .map(|(id, t)| LogCell {
                        index: *id,
                        term: match t.decision {
                            Some(true) => 1,
                            Some(false) => 5,
                            None => 0,
                        },
                        text: Arg::from(format!("#{id}")),
                        committed: t.decision.is_some(),
                    })
                    .collect();
                let open = log.values().filter(|t| t.decision.is_none()).count();
                NodeDetail {
                    blocked_since_us: None,
                    facts: vec![
                        fact(note!("fact.role"), role(note!("role.coordinator"))),
                        fact(note!("fact.txns"), log.len()),
                        fact(note!("fact.undecided"), open),
                    ],
                    log: cells,
                    timer: None,
                    legend: Some(note!("twopc.legend.coordinator")),
                    ..NodeDetail::default()
                }
            }
            Disk::Participant(l) => {
                let prepared: Vec<&PTxn> = l.txns.values().filter(|t| t.state == PState::Prepared).collect();
                let held: i64 = prepared
                    .iter()
                    .map(|t| match &t.work {
                        Work::Stock(lines) => lines.iter().map(|l| i64::from(l.qty)).sum::<i64>(),
                        Work::Pay { amount, .. } => *amount as i64,
                    })
                    .sum();
                let held = if l.wallets.is_empty() {
                    Arg::from(note!("twopc.held.units", units = held.max(0) as u64))
                } else {
                    Arg::Cents(held.max(0) as u64)
                };
                let first = l.txns.keys().rev().nth(9).copied().unwrap_or(0);
                let cells = l
                    .txns
                    .range(first..)
                    .map(|(id, t)| LogCell {
                        index: *id,
                        term: match t.state {
                            PState::Committed => 1,
                            PState::Aborted => 5,
                            PState::Prepared => 2,
                        },
                        text: Arg::from(format!("#{id}")),
                        committed: t.state != PState::Prepared,
                    })
                    .collect();
                let kind = if l.wallets.is_empty() { note!("role.inventory") } else { note!("role.payments") };
                NodeDetail {
                    blocked_since_us: prepared.iter().map(|t| t.prepared_us).min(),
                    facts: vec![
                        fact(note!("fact.role"), role(kind)),
                        fact(note!("fact.uncertain"), prepared.len()),
                        fact(note!("fact.holding"), held),
                    ],
                    log: cells,
                    timer: None,
                    legend: Some(note!("twopc.legend.participant")),
                    ..NodeDetail::default()
                }
            }
            Disk::Shopper { .. } => NodeDetail::default(),
        }
    }

    fn acks_before_fsync(&self) -> bool {
        self.variant == Variant::AckBeforeFsync
    }

    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let Some(node) = touched else { return };
        if w.disk_rolled_back && !self.is_participant(node) {
            self.reseen(w);
        }
        let c = &mut *w.checker;
        let (state, disk) = w.nodes.get_mut(usize::from(node));
        let outcome =
            |seen: &mut VecMap<TxnId, (bool, bool)>, txn: TxnId, commit: bool, who: Arg, out: &mut Vec<Violation>| {
                let e = seen.entry(txn).or_default();
                if commit {
                    e.0 = true;
                } else {
                    e.1 = true;
                }
                if e.0 && e.1 {
                    out.push(Violation::new(&ATOMICITY, Some(node), note!("twopc.violation.atomicity", txn, who)));
                }
            };
        match (state, disk) {
            (Some(State::Coordinator(co)), Disk::Coordinator { log }) => {
                for txn in std::mem::take(&mut co.dirty) {
                    let d = log.get(&txn).and_then(|t| t.decision).or(co.unlogged.get(&txn).map(|u| u.0));
                    if let Some(commit) = d {
                        outcome(&mut c.seen, txn, commit, Arg::from(note!("twopc.violation.by_coordinator")), out);
                    }
                }
            }
            (_, Disk::Participant(l)) => {
                let mut dirty = std::mem::take(&mut l.dirty);
                if w.disk_rolled_back {
                    // The disk went back to its durable image: count what it holds from scratch.
                    c.counted.retain(|(n, _), _| *n != node);
                    c.held_stock.retain(|(n, _), _| *n != node);
                    c.sold_stock.retain(|(n, _), _| *n != node);
                    if !l.wallets.is_empty() {
                        (c.held_cents, c.captured_cents) = (0, 0);
                    }
                    dirty = l.txns.keys().copied().collect();
                }
                for txn in dirty {
                    let Some(t) = l.txns.get(&txn) else { continue };
                    let prev = c.counted.insert((node, txn), t.state);
                    if prev == Some(t.state) {
                        continue;
                    }
                    // Remove what the previous state counted, add what the new one counts.
                    for (state, sign) in [(prev, -1i64), (Some(t.state), 1)] {
                        let Some(state) = state else { continue };
                        match &t.work {
                            Work::Stock(lines) => {
                                for line in lines {
                                    let key = (node, line.item);
                                    match state {
                                        PState::Prepared => {
                                            *c.held_stock.entry(key).or_default() += sign * i64::from(line.qty)
                                        }
                                        PState::Committed => {
                                            *c.sold_stock.entry(key).or_default() += sign * i64::from(line.qty)
                                        }
                                        PState::Aborted => {}
                                    }
                                }
                            }
                            Work::Pay { amount, .. } => match state {
                                PState::Prepared => c.held_cents += sign * *amount as i64,
                                PState::Committed => c.captured_cents += sign * *amount as i64,
                                PState::Aborted => {}
                            },
                        }
                    }
                    match t.state {
                        PState::Committed => outcome(&mut c.seen, txn, true, Arg::from(self.node_name(node)), out),
                        PState::Aborted => outcome(&mut c.seen, txn, false, Arg::from(self.node_name(node)), out),
                        PState::Prepared => {}
                    }
                }
                self.check_ledger(c, node, l, out);
            }
            _ => {}
        }
    }
}

impl TwoPc {
    /// The outcomes seen, counted again from every disk as it is now: the coordinator crashed with decisions it had
    /// not made durable, so they were never sent and are gone (a decision counts once it is in the durable log).
    fn reseen(&self, w: &mut CheckView<'_, Self>) {
        let mut seen: VecMap<TxnId, (bool, bool)> = VecMap::new();
        let mut mark = |txn: TxnId, commit: bool| {
            let e = seen.entry(txn).or_default();
            if commit {
                e.0 = true;
            } else {
                e.1 = true;
            }
        };
        for j in 0..w.nodes.count() {
            match w.nodes.get(j).1 {
                Disk::Coordinator { log } => {
                    for (&txn, t) in log {
                        if let Some(commit) = t.decision {
                            mark(txn, commit);
                        }
                    }
                }
                Disk::Participant(l) => {
                    for (&txn, t) in &l.txns {
                        match t.state {
                            PState::Committed => mark(txn, true),
                            PState::Aborted => mark(txn, false),
                            PState::Prepared => {}
                        }
                    }
                }
                Disk::Shopper { .. } => {}
            }
        }
        w.checker.seen = seen;
    }

    /// A participant's ledger: on hand + held + sold = the start, for every item and for the money, and the revenue
    /// equals what committed transactions captured.
    fn check_ledger(&self, c: &Checker, node: NodeId, l: &Ledger, out: &mut Vec<Violation>) {
        for (&item, &on_hand) in &l.stock {
            if on_hand < 0 {
                out.push(Violation::new(
                    &rules::NO_OVERSELL,
                    Some(node),
                    note!("violation.negative_stock", item, stock = on_hand.to_string()),
                ));
            }
            let held = c.held_stock.get(&(node, item)).copied().unwrap_or(0);
            let sold = c.sold_stock.get(&(node, item)).copied().unwrap_or(0);
            let start = i64::from(self.catalogue.initial_stock);
            if on_hand + held + sold != start {
                out.push(Violation::new(
                    &RESERVATIONS,
                    Some(node),
                    note!(
                        "twopc.violation.stock_ledger",
                        item,
                        on_hand = on_hand.to_string(),
                        held = held.to_string(),
                        sold = sold.to_string(),
                        start = start.to_string()
                    ),
                ));
            }
        }
        if !l.wallets.is_empty() {
            let start = self.catalogue.wallet_cents as i64 * i64::from(self.catalogue.customers);
            let wallets: i64 = l.wallets.iter().sum();
            if wallets + c.held_cents + l.revenue != start {
                out.push(Violation::new(
                    &RESERVATIONS,
                    Some(node),
                    note!(
                        "twopc.violation.money_ledger",
                        wallets = wallets.to_string(),
                        held = c.held_cents.to_string(),
                        revenue = l.revenue.to_string(),
                        start = start.to_string()
                    ),
                ));
            }
            if l.revenue != c.captured_cents {
                out.push(Violation::new(
                    &rules::MONEY_CONSERVED,
                    Some(node),
                    note!(
                        "twopc.violation.revenue",
                        revenue = l.revenue.to_string(),
                        captured = c.captured_cents.to_string()
                    ),
                ));
            }
        }
    }
}
