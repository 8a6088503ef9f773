//! The shopper's retrying client, shared by every protocol whose shoppers hand a checkout to a server and wait for
//! its answer (the single database, Raft, Paxos, two-phase commit).
//!
//! A shopper cannot tell a slow server from a dead one, so it keeps each unanswered checkout in a durable
//! [`Outbox`] and sends it again, with the *same request id*, until some server answers; the servers' request-id
//! deduplication turns those retries into "exactly once" (the rule every client of a replicated service follows:
//! Raft §8, "clients assign unique serial numbers to every command").
//!
//! The client owns everything about retrying:
//!
//! - **request ids and the durable outbox**: a checkout is written to the shopper's disk before the first send and
//!   removed when answered, so a shopper that crashes and restarts sends its unanswered checkouts again;
//! - **back-off with jitter**: an attempt waits `retry_us · 2^min(r, 3)` plus up to half a `retry_us` of jitter, so
//!   shoppers do not retry in step, where `r` counts the rounds already made through all the servers: each server
//!   sees the shopper's interval double, but a shopper with dead servers to skip does not wait longer for each;
//! - **where to send**: the protocol supplies only its routing rule, the [`Servers`] that may take a checkout
//!   (every Raft server, every Paxos order service, the one coordinator or database). The client prefers the server
//!   that answered last (or that a server named as leader); when an attempt times out, that server is suspected
//!   and the next attempt goes to a server not tried since the last answer, in turn, before returning to one that
//!   failed. So a shopper that knows a live leader keeps sending there, and one that lost it finds a live server in
//!   at most as many timeouts as there are dead servers.
//!
//! A fixed rotation ("always the next server") is the mistake this replaces: a reply points the shopper at the
//! leader, but a single lost message then moves it to the leader's successor, and when the servers after the leader
//! are down the shopper circles among dead servers while the leader sits idle.

use crate::domain::{AbortReason, CheckoutRequest, Outcome, RequestId};
use crate::engine::{Ctx, Protocol, ReadRequest, TimerId};
use crate::note;
use crate::scenario::NodeId;
use crate::vecmap::{VecMap, VecSet};

pub use crate::trace::RETRIES_METRIC;

/// How many redirects one attempt follows before it waits for its timer (a leader named by a stale follower can
/// redirect in a circle).
pub const MAX_HOPS: u32 = 3;

/// How long a shopper waits for an answer to checkout attempt number `attempts` (1, 2, …) after `rounds` full
/// rounds through the servers: the retry interval, doubled per round up to eight times, plus up to half an
/// interval of jitter. Every attempt after the first counts as a retry ([`RETRIES_METRIC`], charted over time).
fn retry_after_us<P: Protocol>(ctx: &mut Ctx<'_, P>, retry_us: u64, attempts: u32, rounds: u32) -> u64 {
    if attempts > 1 {
        ctx.sample(RETRIES_METRIC, 1);
    }
    (retry_us << rounds.min(3)) + ctx.rng().range_u64(0, retry_us / 2)
}

/// The unanswered checkouts on a shopper's disk (they survive its crash): request id → the request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outbox {
    pending: VecMap<RequestId, CheckoutRequest>,
}

impl Outbox {
    pub fn len(&self) -> usize {
        self.pending.len()
    }
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }
    /// The unanswered request ids, oldest first.
    pub fn ids(&self) -> impl Iterator<Item = RequestId> + '_ {
        self.pending.keys().copied()
    }
    pub fn get(&self, id: RequestId) -> Option<&CheckoutRequest> {
        self.pending.get(&id)
    }
}

/// The routing rule a protocol gives its shoppers: the `count` servers with consecutive node ids from `first`
/// that can take a checkout.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Servers {
    pub first: NodeId,
    pub count: u16,
}

impl Servers {
    fn after(&self, node: NodeId) -> NodeId {
        self.first + (node.saturating_sub(self.first) + 1) % self.count.max(1)
    }
    fn contains(&self, node: NodeId) -> bool {
        node >= self.first && node < self.first + self.count
    }
}

/// How a protocol's shoppers retry: the base interval (µs) and, optionally, after how many attempts a shopper
/// gives up and answers itself "aborted: gave up" (the single database, whose outage has no end in sight).
#[derive(Clone, Copy, Debug)]
pub struct RetryPolicy {
    pub retry_us: u64,
    pub max_attempts: Option<u32>,
}

/// The mechanical half of [`ShopperProtocol`] for a protocol whose shopper disk is `Disk::Shopper { pending }`, whose
/// retry timer is `Timer::Retry(id)` and whose checkout message is `Msg::Checkout(req)` (the names every client
/// protocol uses): `shopper_spelling!(Disk, Timer, Msg);` inside its `impl ShopperProtocol`, then only
/// `servers` (the routing rule) and `retry_policy` are left to write.
macro_rules! shopper_spelling {
    ($disk:ident, $timer:ident, $msg:ident) => {
        fn outbox(disk: &$disk) -> Option<&$crate::protocols::client::Outbox> {
            match disk {
                $disk::Shopper { pending } => Some(pending),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
        fn outbox_mut(disk: &mut $disk) -> Option<&mut $crate::protocols::client::Outbox> {
            match disk {
                $disk::Shopper { pending } => Some(pending),
                #[allow(unreachable_patterns)]
                _ => None,
            }
        }
        fn retry_timer(id: $crate::domain::RequestId) -> $timer {
            $timer::Retry(id)
        }
        fn checkout_message(req: $crate::domain::CheckoutRequest) -> $msg {
            $msg::Checkout(req)
        }
    };
}
pub(crate) use shopper_spelling;

/// What a protocol tells the client about its own types: where its shoppers keep the outbox, how a retry timer
/// and a checkout message are spelled, and its routing rule and retry policy.
pub trait ShopperProtocol: Protocol {
    fn outbox(disk: &Self::Disk) -> Option<&Outbox>;
    fn outbox_mut(disk: &mut Self::Disk) -> Option<&mut Outbox>;
    fn retry_timer(id: RequestId) -> Self::Timer;
    fn checkout_message(req: CheckoutRequest) -> Self::Msg;
    fn servers(&self) -> Servers;
    fn retry_policy(&self) -> RetryPolicy;
    /// The message that asks a server how many units of `item` are left (`None`: the protocol serves no reads).
    fn read_message(_read: ReadRequest) -> Option<Self::Msg> {
        None
    }
}

#[derive(Clone, Copy, Debug)]
struct Attempt {
    /// Attempts so far (1 after the first send).
    attempts: u32,
    /// Redirects followed in the current attempt.
    hops: u32,
    timer: TimerId,
    sent_to: NodeId,
}

/// A shopper's volatile client state (lost on a crash; the [`Outbox`] is what survives).
#[derive(Clone, Debug)]
pub struct Client {
    /// The server that answered last, or that a live server named as its leader: new attempts go there.
    preferred: Option<NodeId>,
    /// Servers that let an attempt time out since the last answer: tried only when no other is left.
    failed: VecSet<NodeId>,
    /// Where the rotation goes next when no server is preferred.
    next: NodeId,
    attempts: VecMap<RequestId, Attempt>,
    /// Reads not yet answered (volatile: a read has no effect, so a shopper that crashes simply forgets it).
    reads: VecMap<RequestId, (ReadRequest, Attempt)>,
}

impl Client {
    /// A client that starts at its own share of the servers (shoppers spread over them), then sends every checkout
    /// left in its outbox again.
    pub fn start<P: ShopperProtocol>(p: &P, ctx: &mut Ctx<'_, P>) -> Client {
        let servers = p.servers();
        let me = ctx.me();
        let mut c = Client {
            preferred: None,
            failed: VecSet::new(),
            next: servers.first + me % servers.count.max(1),
            attempts: VecMap::new(),
            reads: VecMap::new(),
        };
        let pending: Vec<CheckoutRequest> =
            P::outbox(ctx.disk()).map(|o| o.pending.values().cloned().collect()).unwrap_or_default();
        if !pending.is_empty() {
            let n = pending.len();
            ctx.note(|| note!("client.restart.pending", n));
        }
        for req in pending {
            c.send(p, ctx, req);
        }
        c
    }

    /// The server the next new checkout goes to.
    pub fn target(&self, servers: Servers) -> NodeId {
        match self.preferred {
            Some(s) if !self.failed.contains(&s) => s,
            _ => self.rotation(servers),
        }
    }

    fn rotation(&self, servers: Servers) -> NodeId {
        let mut s = self.next;
        for _ in 0..servers.count {
            if !self.failed.contains(&s) {
                return s;
            }
            s = servers.after(s);
        }
        self.next
    }

    /// Attempts made so far for an unanswered checkout.
    pub fn attempts(&self, id: RequestId) -> u32 {
        self.attempts.get(&id).map_or(0, |a| a.attempts)
    }

    /// A new checkout: written to the outbox, then sent.
    pub fn submit<P: ShopperProtocol>(&mut self, p: &P, ctx: &mut Ctx<'_, P>, req: CheckoutRequest) {
        ctx.persist(|d| {
            if let Some(o) = P::outbox_mut(d) {
                o.pending.insert(req.request_id, req.clone());
            }
        });
        self.send(p, ctx, req);
    }

    /// The next attempt of request `id` (after `previous`, whose timer is cancelled): to [`Client::target`], with its
    /// retry timer armed. Checkouts and reads take their attempts from here.
    fn next_attempt<P: ShopperProtocol>(
        &mut self,
        p: &P,
        ctx: &mut Ctx<'_, P>,
        id: RequestId,
        previous: Option<Attempt>,
    ) -> Attempt {
        let servers = p.servers();
        let to = self.target(servers);
        if self.preferred != Some(to) {
            // Chosen by rotation: the rotation moves on, so two checkouts in a row spread over live servers.
            self.next = servers.after(to);
        }
        let attempts = match previous {
            Some(a) => {
                if a.timer != 0 {
                    ctx.cancel_timer(a.timer);
                }
                a.attempts + 1
            }
            None => 1,
        };
        let rounds = (attempts - 1) / u32::from(servers.count.max(1));
        let after = retry_after_us(ctx, p.retry_policy().retry_us, attempts, rounds);
        let timer = ctx.set_timer(after, P::retry_timer(id));
        Attempt { attempts, hops: 0, timer, sent_to: to }
    }

    /// Sends the next attempt of `req` to [`Client::target`] and (re)arms its retry timer.
    fn send<P: ShopperProtocol>(&mut self, p: &P, ctx: &mut Ctx<'_, P>, req: CheckoutRequest) {
        let id = req.request_id;
        let a = self.next_attempt(p, ctx, id, self.attempts.get(&id).copied());
        self.attempts.insert(id, a);
        ctx.send(a.sent_to, P::checkout_message(req));
    }

    /// A new read: sent like a checkout (same routing, redirects and retries), but kept only in memory.
    pub fn read<P: ShopperProtocol>(&mut self, p: &P, ctx: &mut Ctx<'_, P>, read: ReadRequest) {
        self.send_read(p, ctx, read);
    }

    fn send_read<P: ShopperProtocol>(&mut self, p: &P, ctx: &mut Ctx<'_, P>, read: ReadRequest) {
        let Some(msg) = P::read_message(read) else { return };
        let id = read.request_id;
        let a = self.next_attempt(p, ctx, id, self.reads.get(&id).map(|(_, a)| *a));
        self.reads.insert(id, (read, a));
        ctx.send(a.sent_to, msg);
    }

    /// Whether `id` is a read this shopper still waits for.
    pub fn is_read(&self, id: RequestId) -> bool {
        self.reads.contains_key(&id)
    }

    /// A server answered read `request_id` with `units` left: the shopper is told (once) and prefers that server.
    pub fn on_read_reply<P: ShopperProtocol>(
        &mut self,
        ctx: &mut Ctx<'_, P>,
        from: NodeId,
        request_id: RequestId,
        units: u32,
    ) {
        let Some((read, a)) = self.reads.remove(&request_id) else {
            ctx.note(|| note!("client.reply.late", id = request_id));
            return;
        };
        ctx.cancel_timer(a.timer);
        let (item, n) = (read.item, a.attempts);
        ctx.note(|| note!("client.read.answered", id = request_id, units, item, n));
        self.preferred = Some(from);
        self.failed.clear();
        ctx.answer_read(request_id, units);
    }

    /// A redirect of a read: as [`Client::on_redirect`] does for a checkout.
    fn on_read_redirect<P: ShopperProtocol>(
        &mut self,
        p: &P,
        ctx: &mut Ctx<'_, P>,
        from: NodeId,
        request_id: RequestId,
        leader: Option<NodeId>,
    ) {
        let Some(&(read, mut a)) = self.reads.get(&request_id) else { return };
        if a.sent_to != from {
            return;
        }
        if let (Some(l), Some(msg)) = (self.follow(p.servers(), &mut a, from, leader), P::read_message(read)) {
            self.reads.insert(request_id, (read, a));
            ctx.send(l, msg);
        }
    }

    /// Where a redirect from `from` naming `leader` sends attempt `a` now: to a named leader, up to [`MAX_HOPS`]
    /// times per attempt; with none named, nowhere (the attempt's timer picks another server).
    fn follow(&mut self, servers: Servers, a: &mut Attempt, from: NodeId, leader: Option<NodeId>) -> Option<NodeId> {
        match leader {
            Some(l) if a.hops < MAX_HOPS && servers.contains(l) => {
                a.hops += 1;
                a.sent_to = l;
                // A live server vouches for `l`: it heard from it recently, so it is worth trying even if it once
                // timed out.
                self.failed.remove(&l);
                self.preferred = Some(l);
                Some(l)
            }
            _ => {
                if self.preferred == Some(from) || self.preferred.is_none() {
                    self.preferred = None;
                    self.next = servers.after(from);
                }
                None
            }
        }
    }

    /// The server an attempt went to let it time out: it is suspected until the next answer.
    fn suspect(&mut self, servers: Servers, sent_to: NodeId) {
        if servers.count > 1 {
            self.failed.insert(sent_to);
            if self.preferred == Some(sent_to) {
                self.preferred = None;
                self.next = servers.after(sent_to);
            }
            if (0..servers.count).all(|i| self.failed.contains(&(servers.first + i))) {
                // Every server has failed once since the last answer: start a new round.
                self.failed.clear();
            }
        }
    }

    /// A read's retry timer fired: the next attempt goes elsewhere, as a checkout's would (a shopper whose policy
    /// gives up stops asking: an unanswered read changed nothing).
    fn on_read_retry<P: ShopperProtocol>(&mut self, p: &P, ctx: &mut Ctx<'_, P>, id: RequestId) {
        let Some((read, a)) = self.reads.get_mut(&id) else { return };
        let (read, attempts, sent_to) = (*read, a.attempts, a.sent_to);
        a.timer = 0;
        if p.retry_policy().max_attempts.is_some_and(|max| attempts >= max) {
            self.reads.remove(&id);
            return;
        }
        self.suspect(p.servers(), sent_to);
        let to = self.target(p.servers());
        let retry = attempts + 1;
        ctx.note(|| note!("client.retry", id, retry, to));
        self.send_read(p, ctx, read);
    }

    /// A server answered `request_id`: it leaves the outbox and the shopper is told (once; a late or duplicate
    /// reply is ignored). The server that answered becomes the preferred one.
    pub fn on_reply<P: ShopperProtocol>(
        &mut self,
        ctx: &mut Ctx<'_, P>,
        from: NodeId,
        request_id: RequestId,
        outcome: Outcome,
    ) {
        let was_pending = ctx.persist(|d| P::outbox_mut(d).is_some_and(|o| o.pending.remove(&request_id).is_some()));
        if !was_pending {
            ctx.note(|| note!("client.reply.late", id = request_id));
            return;
        }
        if let Some(a) = self.attempts.remove(&request_id) {
            ctx.cancel_timer(a.timer);
            let n = a.attempts;
            ctx.note(|| note!("client.answered", id = request_id, outcome = outcome.note(), n));
        }
        self.preferred = Some(from);
        self.failed.clear();
        ctx.answer(request_id, outcome);
    }

    /// A server that is not the leader names the one it knows (`Some`) or none (an election is on). A named leader
    /// is tried at once (up to [`MAX_HOPS`] times per attempt); with none, the attempt's timer picks another server.
    pub fn on_redirect<P: ShopperProtocol>(
        &mut self,
        p: &P,
        ctx: &mut Ctx<'_, P>,
        from: NodeId,
        request_id: RequestId,
        leader: Option<NodeId>,
    ) {
        if self.is_read(request_id) {
            return self.on_read_redirect(p, ctx, from, request_id, leader);
        }
        let Some(req) = P::outbox(ctx.disk()).and_then(|o| o.get(request_id)).cloned() else { return };
        let Some(mut a) = self.attempts.get(&request_id).copied() else { return };
        if a.sent_to != from {
            return; // a late redirect from an earlier attempt: the current one is elsewhere
        }
        if let Some(l) = self.follow(p.servers(), &mut a, from, leader) {
            self.attempts.insert(request_id, a);
            ctx.send(l, P::checkout_message(req));
        }
    }

    /// The retry timer of `id` fired with no answer: the server it went to is suspected and the checkout goes to
    /// the next server not tried since the last answer (or the shopper gives up, if its policy says so).
    pub fn on_retry<P: ShopperProtocol>(&mut self, p: &P, ctx: &mut Ctx<'_, P>, id: RequestId) {
        if self.is_read(id) {
            return self.on_read_retry(p, ctx, id);
        }
        let Some(req) = P::outbox(ctx.disk()).and_then(|o| o.get(id)).cloned() else { return };
        let servers = p.servers();
        let (attempts, sent_to) = self.attempts.get(&id).map_or((0, self.target(servers)), |a| (a.attempts, a.sent_to));
        if let Some(max) = p.retry_policy().max_attempts {
            if attempts >= max {
                ctx.persist(|d| P::outbox_mut(d).map(|o| o.pending.remove(&id)));
                self.attempts.remove(&id);
                ctx.note(|| note!("client.give_up", id, max));
                ctx.answer(id, Outcome::Aborted { reason: AbortReason::GaveUp });
                return;
            }
        }
        self.suspect(servers, sent_to);
        if let Some(a) = self.attempts.get_mut(&id) {
            // The timer has fired: nothing to cancel.
            a.timer = 0;
        }
        let to = self.target(servers);
        let retry = attempts + 1;
        ctx.note(|| note!("client.retry", id, retry, to));
        self.send(p, ctx, req);
    }
}
