//! # Single database: the baseline
//!
//! One database server (`db`, node 0) holds the whole shop; shopper clients send it checkouts. The database runs
//! each checkout atomically (check stock and wallet, take the stock, capture the payment), writes the result to its
//! disk, and only then replies. Shoppers retry on a timeout with exponential back-off and jitter, always with the
//! same request id, and the database answers a request it has seen before with its first answer: retries are
//! idempotent, so a lost reply never charges twice.
//!
//! What it teaches: without distribution there is no disagreement to resolve — but a crash of the one server is an
//! outage for everybody, and only the durable write before the reply makes "confirmed" mean confirmed.
//!
//! Variants (textbook mistakes):
//! - `no-dedup`: every retry is handled as a new checkout, so a lost reply makes the shopper pay twice.
//! - `ack-before-persist`: orders live only in memory; a crash forgets checkouts already confirmed to shoppers.

use crate::domain::{rules, Catalogue, CheckoutRequest, Outcome, RequestId, Shop};
use crate::engine::{CheckView, Ctx, Message, MsgKind, Protocol, TimerKind};
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::{Arg, Note};
use crate::note;
use crate::protocols::client::{shopper_spelling, Client, Outbox, RetryPolicy, Servers, ShopperProtocol};
use crate::protocols::meta::{crash_between, plain, ProtocolInfo, Trial, VariantInfo};
use crate::scenario::{NodeId, ProtocolKind, Scenario};

/// Three shoppers and one database, which crashes for a second at 4 s: retries, an outage, recovery from disk.
fn lesson(nodes: u16, _: Trial<'_>) -> Scenario {
    Scenario { interventions: crash_between(0, 4_000, 5_000), ..plain(KIND, nodes) }
}

/// The single database, as scenarios name it: `"protocol": "single"`.
pub const KIND: ProtocolKind = ProtocolKind::new("single");

pub const INFO: ProtocolInfo = ProtocolInfo {
    kind: KIND,
    title: "single database",
    nodes: (1, 1),
    default_nodes: 1,
    variants: &[
        VariantInfo {
            name: "correct",
            explain: "one durable database; retries carry a request id and are answered once",
        },
        VariantInfo {
            name: "no-dedup",
            explain: "the database treats every retry as a new checkout: a lost reply makes the shopper pay twice",
        },
        VariantInfo {
            name: "ack-before-persist",
            explain: "orders live only in the database's memory: a crash forgets checkouts it already confirmed",
        },
    ],
    invariants: &INVARIANTS,
    liveness_bound_ms: Some(8_000),
    compare_with: ProtocolKind::new("raft"),
    metrics: &[crate::protocols::meta::RETRIES],
    servers: crate::protocols::meta::nodes_only,
    lesson,
    options: &[],
    liveness_quorum: crate::protocols::meta::every_server,
    replaceable: crate::protocols::meta::never_replaceable,
    replacement_rejoins: crate::protocols::meta::never_rejoins,
    serves_reads: false,
    variant_options: &[],
};

pub const DURABLE: InvariantInfo = InvariantInfo {
    name: "confirmed-checkouts-survive",
    rule: "every checkout confirmed to a shopper is still a confirmed order in the database",
};

const INVARIANTS: [InvariantInfo; 5] =
    [rules::NO_OVERSELL, rules::MONEY_CONSERVED, rules::CONFIRMED_EXACTLY, rules::NO_DOUBLE_CHARGE, DURABLE];

const DB: NodeId = 0;
/// Attempts per checkout before a shopper gives up.
pub const MAX_ATTEMPTS: u32 = 6;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
    Correct,
    NoDedup,
    AckBeforePersist,
}

#[derive(Clone, Debug)]
pub struct SingleDb {
    variant: Variant,
    catalogue: Catalogue,
    /// First retry timeout: comfortably above the slowest round trip.
    timeout_us: u64,
}

#[derive(Clone, Debug)]
pub enum Msg {
    Checkout(CheckoutRequest),
    Reply { request_id: RequestId, outcome: Outcome },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Checkout(_) => "Checkout",
            Msg::Reply { .. } => "Reply",
        }
    }
    fn kind(&self) -> MsgKind {
        match self {
            Msg::Checkout(_) => MsgKind::Request,
            Msg::Reply { .. } => MsgKind::Reply,
        }
    }
    fn detail(&self) -> Note {
        match self {
            Msg::Checkout(r) => note!("msg.checkout", id = r.request_id, customer = r.customer),
            Msg::Reply { request_id, outcome } => note!("msg.reply", id = *request_id, outcome = outcome.note()),
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    Retry(RequestId),
}

impl TimerKind for Timer {
    fn name(&self) -> &'static str {
        "retry"
    }
}

#[derive(Clone, Debug)]
pub enum State {
    /// The database. `memory` holds the shop only in the `ack-before-persist` variant.
    Db { memory: Option<Box<Shop>> },
    /// A shopper: the shared retrying client.
    Shopper { client: Client },
}

#[derive(Clone, Debug)]
pub enum Disk {
    /// The database's disk: the shop (unless the variant keeps it in memory) and how often it booted.
    Db { shop: Option<Box<Shop>>, boots: u32 },
    /// A shopper's unanswered checkouts survive its crash.
    Shopper { pending: Outbox },
}

/// What the checker remembers between events.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    answers_seen: usize,
    confirmed: Vec<RequestId>,
    verified: usize,
    boots_seen: u32,
}

impl SingleDb {
    fn shop_of<'a>(&self, st: Option<&'a mut State>, disk: &'a mut Disk) -> Option<&'a mut Shop> {
        match (self.variant, st, disk) {
            (Variant::AckBeforePersist, Some(State::Db { memory }), _) => memory.as_deref_mut(),
            (Variant::AckBeforePersist, _, _) => None,
            (_, _, Disk::Db { shop, .. }) => shop.as_deref_mut(),
            _ => None,
        }
    }

    fn shop_ref<'a>(&self, st: Option<&'a State>, disk: &'a Disk) -> Option<&'a Shop> {
        match (self.variant, st, disk) {
            (Variant::AckBeforePersist, Some(State::Db { memory }), _) => memory.as_deref(),
            (Variant::AckBeforePersist, _, _) => None,
            (_, _, Disk::Db { shop, .. }) => shop.as_deref(),
            _ => None,
        }
    }
}

impl ShopperProtocol for SingleDb {
    shopper_spelling!(Disk, Timer, Msg);

    fn servers(&self) -> Servers {
        Servers { first: DB, count: 1 }
    }
    /// A shopper gives up after [`MAX_ATTEMPTS`]: with one database there is nobody else to ask.
    fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy { retry_us: self.timeout_us, max_attempts: Some(MAX_ATTEMPTS) }
    }
}

impl Protocol for SingleDb {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Disk = Disk;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        let variant = match scenario.variant.as_str() {
            "no-dedup" => Variant::NoDedup,
            "ack-before-persist" => Variant::AckBeforePersist,
            _ => Variant::Correct,
        };
        let worst_link = scenario.worst_latency_us();
        SingleDb { variant, catalogue: catalogue.clone(), timeout_us: (4 * worst_link).max(150_000) }
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        INFO.invariants
    }

    fn server_count(&self) -> u16 {
        1
    }

    fn node_name(&self, node: NodeId) -> String {
        if node == DB {
            "db".to_string()
        } else {
            format!("shopper{node}")
        }
    }

    fn fresh_disk(&self, node: NodeId) -> Disk {
        if node != DB {
            Disk::Shopper { pending: Outbox::default() }
        } else if self.variant == Variant::AckBeforePersist {
            Disk::Db { shop: None, boots: 0 }
        } else {
            Disk::Db { shop: Some(Box::new(Shop::new(&self.catalogue))), boots: 0 }
        }
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        if ctx.me() != DB {
            return State::Shopper { client: Client::start(self, ctx) };
        }
        let boots = ctx.persist(|d| match d {
            Disk::Db { boots, .. } => {
                *boots += 1;
                *boots
            }
            Disk::Shopper { .. } => 0,
        });
        if self.variant == Variant::AckBeforePersist {
            if boots > 1 {
                ctx.note(note!("single.restart.memory"));
            }
            State::Db { memory: Some(Box::new(Shop::new(&self.catalogue))) }
        } else {
            if boots > 1 {
                ctx.note(note!("single.restart.disk"));
            }
            State::Db { memory: None }
        }
    }

    fn on_message(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match (st, msg) {
            (State::Db { memory }, Msg::Checkout(req)) => {
                let dedup = self.variant != Variant::NoDedup;
                let seen = |shop: &Shop| shop.order_for(req.request_id).is_some();
                let (outcome, retry) = match memory {
                    Some(shop) => {
                        let retry = seen(shop);
                        (shop.checkout(&self.catalogue, &req, dedup), retry)
                    }
                    None => ctx.persist(|d| match d {
                        Disk::Db { shop: Some(shop), .. } => {
                            let retry = seen(shop);
                            (shop.checkout(&self.catalogue, &req, dedup), retry)
                        }
                        _ => unreachable!("the durable database always has its shop on disk"),
                    }),
                };
                let id = req.request_id;
                ctx.note(|| match (retry, dedup, memory.is_some()) {
                    (true, true, _) => note!("single.retry.dedup", id),
                    (true, false, _) => note!("single.retry.no_dedup", id, outcome = outcome.note()),
                    (false, _, true) => note!("single.run.memory", id, outcome = outcome.note()),
                    (false, _, false) => note!("single.run.disk", id, outcome = outcome.note()),
                });
                ctx.send(from, Msg::Reply { request_id: req.request_id, outcome });
            }
            (State::Shopper { client }, Msg::Reply { request_id, outcome }) => {
                client.on_reply(ctx, from, request_id, outcome)
            }
            _ => {}
        }
    }

    fn on_timer(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        let (State::Shopper { client }, Timer::Retry(id)) = (st, timer) else {
            return;
        };
        client.on_retry(self, ctx, id);
    }

    fn on_checkout(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        let State::Shopper { client } = st else {
            return;
        };
        client.submit(self, ctx, req);
    }

    fn summary(&self, node: NodeId, st: Option<&State>, disk: &Disk) -> Note {
        match (st, disk) {
            (_, Disk::Db { .. }) => match self.shop_ref(st, disk) {
                Some(shop) => {
                    let stock: Vec<String> = shop.stock.iter().map(|s| s.to_string()).collect();
                    let state = note!(
                        "single.summary.db",
                        orders = shop.orders.len(),
                        confirmed = shop.confirmed_count(),
                        stock = stock.join("/")
                    );
                    if st.is_some() {
                        state
                    } else {
                        note!("summary.down_disk", state)
                    }
                }
                None => note!("summary.memory_lost"),
            },
            (None, _) => note!("summary.down"),
            (_, Disk::Shopper { pending }) if pending.is_empty() => note!("summary.idle"),
            (Some(State::Shopper { client }), Disk::Shopper { pending }) => {
                let parts: Vec<Arg> = pending
                    .ids()
                    .take(3)
                    .map(|id| match client.attempts(id) {
                        n if n > 1 => Arg::from(note!("single.summary.try", id, n)),
                        _ => Arg::from(format!("#{id}")),
                    })
                    .collect();
                let more = if pending.len() > 3 { format!(" +{}", pending.len() - 3) } else { String::new() };
                note!("single.summary.waiting", waiting = Arg::List(parts), more)
            }
            (Some(State::Db { .. }), Disk::Shopper { .. }) => note!("single.summary.node", node),
        }
    }

    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let c = &mut *w.checker;
        for (id, outcome) in &w.answers[c.answers_seen..] {
            if outcome.is_confirmed() {
                c.confirmed.push(*id);
            }
        }
        c.answers_seen = w.answers.len();
        let (state, disk) = w.nodes.get_mut(usize::from(DB));
        let boots = match disk {
            Disk::Db { boots, .. } => *boots,
            Disk::Shopper { .. } => 0,
        };
        let Some(shop) = self.shop_of(state, disk) else {
            return;
        };
        if touched.is_none_or(|n| n == DB) {
            shop.audit(DB, out);
        }
        if boots != c.boots_seen {
            c.boots_seen = boots;
            c.verified = 0;
        }
        for &id in &c.confirmed[c.verified..] {
            if !shop.order_for(id).is_some_and(|(_, o)| o.answer.is_confirmed()) {
                out.push(Violation::new(&DURABLE, Some(DB), note!("single.violation.lost", id)));
                break;
            }
        }
        c.verified = c.confirmed.len();
    }
}
