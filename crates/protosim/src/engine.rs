//! The deterministic discrete-event engine.
//!
//! Events are ordered by `(simulated time in µs, sequence number)`; there is no wall clock. Protocols are sans-IO
//! state machines ([`Protocol`]): the engine hands each handler a [`Ctx`] with the time, the node's own seeded
//! random stream, an outbox (send, set/cancel timer, note, outcome) and its persisted state, then applies what the
//! handler asked for. Crashes drop a node's volatile state and timers; only what it persisted survives.
//!
//! Everything that changes during a run lives in [`Core`], which is cheap to clone: checkpoints are clones taken
//! every few thousand events, and seeking restores the nearest one and replays forward without recording.

use crate::domain::{Catalogue, CheckoutRequest, Outcome, RequestId};
use crate::invariants::{InvariantInfo, Verdict, Violation};
use crate::narration::Note;
use crate::note;
use crate::rng::{SimRng, Stream};
use crate::scenario::{Action, Line, LinkSettings, NodeId, Scenario};
use crate::trace::{DropReason, Ev, Metrics, StopReason, TraceEvent};
use crate::vecmap::{VecMap, VecSet};
pub use crate::view::{LogCell, NodeDetail, Role, TableLine, WaitEdge};
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;

pub type TimerId = u64;
pub type MsgId = u64;

pub use crate::trace::MsgKind;

/// A protocol message: the engine needs a short label for dots and a detail line for the event log.
pub trait Message: Clone + fmt::Debug {
    fn label(&self) -> &'static str;
    /// Request, reply or refusal (the default: a request).
    fn kind(&self) -> MsgKind {
        MsgKind::Request
    }
    /// What it carries, as narration for the event log (see [`crate::narration`]).
    fn detail(&self) -> Note;
    /// A number to show beside the label, e.g. the entries an AppendEntries carries.
    fn count(&self) -> Option<u32> {
        None
    }
}

/// A protocol timer: the engine needs its name for the trace.
pub trait TimerKind: Clone + fmt::Debug {
    fn name(&self) -> &'static str;
}

/// A sans-IO protocol: pure handlers over a node's state; all effects go through [`Ctx`].
pub trait Protocol: Sized + Clone + 'static {
    type Msg: Message;
    type Timer: TimerKind;
    /// Volatile state: lost on a crash.
    type State: Clone;
    /// Persisted state: survives crashes; written only through [`Ctx::persist`].
    type Disk: Clone;
    /// State the invariant checker keeps between events (cloned with checkpoints).
    type Checker: Clone + Default;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self;
    /// How many server nodes this run has (node ids `0..server_count`); the scenario's shoppers follow them.
    fn server_count(&self) -> u16;
    /// The invariants this protocol's `check` can report, business rules included.
    fn invariants(&self) -> &'static [InvariantInfo];
    /// What a node is: the first [`Protocol::server_count`] nodes are servers, the rest shoppers.
    fn role(&self, node: NodeId) -> Role {
        if node < self.server_count() {
            Role::Server
        } else {
            Role::Shopper
        }
    }
    fn node_name(&self, node: NodeId) -> String;
    /// A node's disk before it ever ran.
    fn fresh_disk(&self, node: NodeId) -> Self::Disk;
    /// Start (or restart after a crash) from whatever is on disk.
    fn init(&self, ctx: &mut Ctx<'_, Self>) -> Self::State;
    fn on_message(&self, st: &mut Self::State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Self::Msg);
    fn on_timer(&self, st: &mut Self::State, ctx: &mut Ctx<'_, Self>, timer: Self::Timer);
    /// A shopper node is asked to run a checkout (from the workload or a user).
    fn on_checkout(&self, st: &mut Self::State, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest);
    /// A shopper node is asked to look up how many units of `item` are left ([`ReadRequest`]); it answers with
    /// [`Ctx::answer_read`]. Only protocols whose [`crate::protocols::ProtocolInfo::serves_reads`] is set get
    /// reads (validation refuses the others'), so the default ignores it.
    fn on_read(&self, _st: &mut Self::State, _ctx: &mut Ctx<'_, Self>, _read: ReadRequest) {}
    /// One line that describes the node's state at a glance (`None` state: the node is down), as a note the reader's
    /// language renders (`protocols.ftl`).
    fn summary(&self, node: NodeId, st: Option<&Self::State>, disk: &Self::Disk) -> Note;
    /// The node's state for the UI's node box and inspector. The default shows only the summary.
    fn detail(&self, _node: NodeId, _st: Option<&Self::State>, _disk: &Self::Disk) -> NodeDetail {
        NodeDetail::default()
    }
    /// Checks every invariant after an event; `touched` is the node the event changed, if any.
    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>);
    /// Whether the node sends its messages and answers before its writes are durable (the `ack-before-fsync`
    /// mistakes). Correct protocols do not: while a node's writes wait for an fsync, everything it sends waits
    /// with them (the write-ahead rule), so nothing it acknowledged can be lost in a crash.
    fn acks_before_fsync(&self) -> bool {
        false
    }
    /// The disk a replacement machine for `node` starts from ([`Action::DiskWipe`]), or `None` where this protocol
    /// has no safe way to take the node back without its data (a 2PC participant, a lock manager, a store, a
    /// shopper's outbox), so the engine refuses the wipe and says why. A node that may be replaced must not
    /// act on what it forgot: Raft servers and Paxos acceptors come back as replicas that never vote, since a vote
    /// or a promise they gave before is gone (Raft thesis §4: a lost disk is a membership change).
    /// [`crate::protocols::ProtocolInfo::replaceable`] says the same for the page and the sweep.
    fn replacement_disk(&self, _node: NodeId) -> Option<Self::Disk> {
        None
    }
}

/// One node as the engine keeps it.
#[derive(Clone, Debug)]
pub struct Node<P: Protocol> {
    pub up: bool,
    pub state: Option<P::State>,
    pub disk: P::Disk,
    incarnation: u32,
    timers: Vec<TimerId>,
    rng: SimRng,
    /// Frozen by [`Action::Pause`]: handles nothing until [`Action::Resume`]; what comes due waits in
    /// [`Core`]'s `held`.
    pub paused: bool,
    /// What each message it handles costs it, µs ([`Action::Slow`]; 0: nothing).
    pub handle_us: u64,
    /// Until when it is busy handling a message (a slow node); what comes due before waits until then.
    busy_until_us: u64,
    /// The message it is handling (a slow node): delivered once `busy_until_us` comes.
    handling: Option<MsgId>,
    /// Its local clock ([`crate::clock`]): what [`Ctx::now_us`] reads and what its timers run on.
    pub clock: crate::clock::Clock,
    /// Its monotonic clock: the same oscillator (drift) but never stepped ([`Ctx::monotonic_us`]).
    pub mono: crate::clock::Clock,
    /// How long an fsync takes on its disk, µs ([`Action::DiskLatency`]; 0: every write is durable at once).
    pub fsync_us: u64,
    /// What survives a crash while writes wait for an fsync: the disk as of the last completed fsync (`None`: the
    /// disk itself is durable).
    durable: Option<P::Disk>,
    /// Writes not yet covered by an fsync in progress.
    dirty: bool,
    /// An fsync is in progress.
    syncing: bool,
    /// What waits for the fsync to be sent.
    after_sync: Vec<Deferred<P>>,
}

/// A message or an answer that waits for its node's writes to be durable.
#[derive(Clone, Debug)]
enum Deferred<P: Protocol> {
    Send(NodeId, P::Msg),
    Answer(RequestId, Outcome),
    ReadAnswer(RequestId, u32),
}

/// What the invariant checker may look at.
pub struct CheckView<'a, P: Protocol> {
    /// The simulated time of the event just processed.
    pub now_us: u64,
    pub nodes: &'a mut dyn CheckNodes<P>,
    /// Every answer a shopper was given, in order.
    pub answers: &'a [(RequestId, Outcome)],
    pub checker: &'a mut P::Checker,
    /// Since when every node has run at full speed with a steady clock (none paused, slow or drifting, and no clock
    /// stepped since), or `None` while one is not: an invariant that bounds time (a deadlock broken within 250 ms)
    /// judges only what stood since then, as liveness does.
    pub calm_since_us: Option<u64>,
    /// The touched node's disk just went back to its last durable image (it crashed with writes not yet synced):
    /// a checker that counts what each disk holds incrementally counts that node again.
    pub disk_rolled_back: bool,
}

/// The nodes as the invariant checker reads them: each node's volatile state (`None`: down) and disk.
///
/// A trait rather than a slice so that the page's one engine, over [`crate::protocols::any::AnyProtocol`], can
/// hand each protocol's checker a view of its own node types (one copy of the engine in the bundle, not five).
pub trait CheckNodes<P: Protocol> {
    fn count(&self) -> usize;
    fn get(&self, i: usize) -> (Option<&P::State>, &P::Disk);
    fn get_mut(&mut self, i: usize) -> (Option<&mut P::State>, &mut P::Disk);
    /// Whether everything on node `i`'s disk is durable (no write waits for an fsync). A checker that judges what
    /// the system has committed to (a value accepted by a majority) counts a write once it is durable: until then
    /// nobody has been told of it, and a crash may still take it back.
    fn is_durable(&self, _i: usize) -> bool {
        true
    }
}

impl<P: Protocol> CheckNodes<P> for Vec<Node<P>> {
    fn count(&self) -> usize {
        self.len()
    }
    fn get(&self, i: usize) -> (Option<&P::State>, &P::Disk) {
        (self[i].state.as_ref(), &self[i].disk)
    }
    fn get_mut(&mut self, i: usize) -> (Option<&mut P::State>, &mut P::Disk) {
        let n = &mut self[i];
        (n.state.as_mut(), &mut n.disk)
    }
    fn is_durable(&self, i: usize) -> bool {
        self[i].durable.is_none()
    }
}

/// A stock look-up a shopper is asked to make: `request_id` is from the same sequence as checkouts'.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadRequest {
    pub request_id: RequestId,
    pub item: u16,
}

/// What a handler asked for, applied by the engine after it returns.
pub(crate) enum Effect<P: Protocol> {
    Send(NodeId, P::Msg),
    SetTimer(TimerId, u64, P::Timer),
    CancelTimer(TimerId),
    Note(Note),
    Answer(RequestId, Outcome),
    /// A read's answer: (request, units of the item left).
    ReadAnswer(RequestId, u32),
    Sample(&'static str, u64),
}

/// Narration ([`Note`]), given directly or as a closure that builds it only when narration is recorded.
pub trait Narration {
    fn into_note(self) -> Note;
}
impl Narration for Note {
    fn into_note(self) -> Note {
        self
    }
}
impl<F: FnOnce() -> Note> Narration for F {
    fn into_note(self) -> Note {
        self()
    }
}

/// The handler's window on the world.
pub struct Ctx<'a, P: Protocol> {
    pub(crate) now_us: u64,
    pub(crate) mono_us: u64,
    pub(crate) me: NodeId,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) disk: &'a mut P::Disk,
    pub(crate) fx: &'a mut dyn EffectSink<P>,
    pub(crate) next_timer: &'a mut u64,
    pub(crate) narrate: bool,
    /// Set when the handler writes to its disk.
    pub(crate) wrote: &'a mut bool,
    /// On a disk with fsync latency: where the durable image goes, taken at the first write that is not yet
    /// durable (cloned only then: a handler that writes nothing costs nothing).
    pub(crate) keep: Option<&'a mut dyn KeepDurable<P::Disk>>,
}

/// Where a [`Ctx`] keeps the node's durable disk image before a write that is not durable yet.
pub(crate) trait KeepDurable<D> {
    /// Whether no image is kept yet (every earlier write is durable).
    fn wants(&self) -> bool;
    fn keep(&mut self, image: D);
}

impl<D> KeepDurable<D> for Option<D> {
    fn wants(&self) -> bool {
        self.is_none()
    }
    fn keep(&mut self, image: D) {
        *self = Some(image);
    }
}

/// Where a [`Ctx`] puts the effects a handler asks for.
pub(crate) trait EffectSink<P: Protocol> {
    fn push(&mut self, e: Effect<P>);
}

impl<P: Protocol> EffectSink<P> for Vec<Effect<P>> {
    fn push(&mut self, e: Effect<P>) {
        Vec::push(self, e)
    }
}

impl<P: Protocol> Ctx<'_, P> {
    /// The node's own clock, µs: true time as its clock reads it ([`crate::clock`]; 0 if a jump took it below
    /// zero). Protocols never see true time.
    pub fn now_us(&self) -> u64 {
        self.now_us
    }
    /// The node's monotonic clock, µs (`CLOCK_MONOTONIC`): it runs at the pace of the node's oscillator, drift
    /// included, but a clock step ([`Action::ClockJump`]) never moves it. What measures elapsed time for a lease
    /// or a timeout in a real system; [`Ctx::now_us`] is the wall clock.
    pub fn monotonic_us(&self) -> u64 {
        self.mono_us
    }
    pub fn me(&self) -> NodeId {
        self.me
    }
    /// This node's own seeded random stream.
    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }
    pub fn send(&mut self, to: NodeId, msg: P::Msg) {
        self.fx.push(Effect::Send(to, msg));
    }
    /// Fires `timer` after `after_us` unless cancelled first or the node crashes.
    pub fn set_timer(&mut self, after_us: u64, timer: P::Timer) -> TimerId {
        *self.next_timer += 1;
        let id = *self.next_timer;
        self.fx.push(Effect::SetTimer(id, after_us, timer));
        id
    }
    pub fn cancel_timer(&mut self, id: TimerId) {
        self.fx.push(Effect::CancelTimer(id));
    }
    /// The node's persisted state, as last written.
    pub fn disk(&self) -> &P::Disk {
        self.disk
    }
    /// Writes to stable storage. The change survives a crash once it is durable: at once on a disk without fsync
    /// latency; else when the fsync that follows this handler completes ([`Action::DiskLatency`]), and until then
    /// what the node sends waits for it (see [`Protocol::acks_before_fsync`]).
    pub fn persist<R>(&mut self, f: impl FnOnce(&mut P::Disk) -> R) -> R {
        if let Some(keep) = self.keep.as_deref_mut() {
            if keep.wants() {
                keep.keep(self.disk.clone());
            }
        }
        *self.wrote = true;
        f(self.disk)
    }
    /// Whether narration is being recorded (so handlers can skip formatting text nobody reads).
    pub fn narrating(&self) -> bool {
        self.narrate
    }
    /// A plain-words explanation for the event log, as a typed [`Note`] (see [`crate::narration`]). Pass a
    /// closure (`|| note!(…)`) where the note costs something to build: it is only called when narration is
    /// recorded.
    pub fn note(&mut self, note: impl Narration) {
        if self.narrate {
            self.fx.push(Effect::Note(note.into_note()));
        }
    }
    /// Records one measurement of a protocol-specific metric (reported with percentiles).
    pub fn sample(&mut self, name: &'static str, value: u64) {
        self.fx.push(Effect::Sample(name, value));
    }
    /// Tells the engine how a checkout submitted at this shopper ended (counted once per request).
    pub fn answer(&mut self, request_id: RequestId, outcome: Outcome) {
        self.fx.push(Effect::Answer(request_id, outcome));
    }
    /// Tells the engine what a read submitted at this shopper was told: `units` of its item left (counted once).
    pub fn answer_read(&mut self, request_id: RequestId, units: u32) {
        self.fx.push(Effect::ReadAnswer(request_id, units));
    }
}

struct Envelope<M> {
    id: MsgId,
    from: NodeId,
    to: NodeId,
    msg: M,
    /// It reached its receiver, which was paused or busy: a partition formed since does not take it back.
    arrived: bool,
}

enum What<P: Protocol> {
    Deliver(Box<Envelope<P::Msg>>),
    Lose {
        id: MsgId,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    },
    Timer {
        node: NodeId,
        id: TimerId,
        incarnation: u32,
        timer: P::Timer,
    },
    Arrival,
    Intervene(u32),
    /// A checkout that waited for a paused shopper: (shopper, customer, basket).
    Submit(Box<(NodeId, u16, Vec<Line>)>),
    /// The next stock look-up of the seeded workload.
    ReadArrival,
    /// A look-up (shopper, item) that waited for its paused shopper.
    Read(NodeId, u16),
    /// A node's fsync completes.
    Fsync {
        node: NodeId,
        incarnation: u32,
    },
}

impl<P: Protocol> Clone for What<P> {
    fn clone(&self) -> Self {
        match self {
            What::Deliver(e) => What::Deliver(Box::new(Envelope { msg: e.msg.clone(), ..**e })),
            What::Lose { id, from, to, reason } => What::Lose { id: *id, from: *from, to: *to, reason: *reason },
            What::Timer { node, id, incarnation, timer } => {
                What::Timer { node: *node, id: *id, incarnation: *incarnation, timer: timer.clone() }
            }
            What::Arrival => What::Arrival,
            What::Intervene(i) => What::Intervene(*i),
            What::Submit(x) => What::Submit(x.clone()),
            What::ReadArrival => What::ReadArrival,
            What::Read(n, i) => What::Read(*n, *i),
            What::Fsync { node, incarnation } => What::Fsync { node: *node, incarnation: *incarnation },
        }
    }
}

struct Queued<P: Protocol> {
    t_us: u64,
    seq: u64,
    what: What<P>,
}

impl<P: Protocol> Clone for Queued<P> {
    fn clone(&self) -> Self {
        Queued { t_us: self.t_us, seq: self.seq, what: self.what.clone() }
    }
}
impl<P: Protocol> PartialEq for Queued<P> {
    fn eq(&self, o: &Self) -> bool {
        (self.t_us, self.seq) == (o.t_us, o.seq)
    }
}
impl<P: Protocol> Eq for Queued<P> {}
impl<P: Protocol> PartialOrd for Queued<P> {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl<P: Protocol> Ord for Queued<P> {
    // Reversed: BinaryHeap is a max-heap and the earliest event must come out first.
    fn cmp(&self, o: &Self) -> Ordering {
        (o.t_us, o.seq).cmp(&(self.t_us, self.seq))
    }
}

/// The set of messages in flight. Message ids are handed out in increasing order and inserted at once, so the
/// set is a window of flags from the oldest message still in flight: O(1) insert and remove, and a cheap clone.
#[derive(Clone, Debug, Default)]
struct InFlight {
    /// Id of `flags[0]`.
    base: MsgId,
    flags: std::collections::VecDeque<bool>,
    count: u64,
}

impl InFlight {
    fn insert(&mut self, id: MsgId) {
        if self.flags.is_empty() {
            self.base = id;
        }
        debug_assert!(id >= self.base + self.flags.len() as u64, "ids are inserted in increasing order");
        while self.base + (self.flags.len() as u64) < id {
            self.flags.push_back(false);
        }
        self.flags.push_back(true);
        self.count += 1;
    }

    fn contains(&self, id: MsgId) -> bool {
        id.checked_sub(self.base).and_then(|i| self.flags.get(i as usize)).copied().unwrap_or(false)
    }

    /// Removes `id`; false if it was not in flight.
    fn remove(&mut self, id: MsgId) -> bool {
        let Some(slot) = id.checked_sub(self.base).and_then(|i| self.flags.get_mut(i as usize)) else {
            return false;
        };
        if !std::mem::replace(slot, false) {
            return false;
        }
        self.count -= 1;
        while self.flags.front() == Some(&false) {
            self.flags.pop_front();
            self.base += 1;
        }
        true
    }

    fn len(&self) -> u64 {
        self.count
    }
}

/// The network's current shape: settings per link and which directed links are cut.
#[derive(Clone, Debug)]
struct Net {
    n: usize,
    default: LinkSettings,
    links: VecMap<(NodeId, NodeId), LinkSettings>,
    /// `blocked[from * n + to]`: a partition or a one-way cut stops messages on that directed link.
    blocked: Vec<bool>,
}

impl Net {
    fn link(&self, from: NodeId, to: NodeId) -> &LinkSettings {
        if self.links.is_empty() {
            &self.default
        } else {
            self.links.get(&(from, to)).unwrap_or(&self.default)
        }
    }
    fn is_blocked(&self, from: NodeId, to: NodeId) -> bool {
        self.blocked[usize::from(from) * self.n + usize::from(to)]
    }
    fn partition(&mut self, groups: &[Vec<NodeId>]) {
        crate::scenario::partition_cuts(&mut self.blocked, self.n, groups);
    }
}

/// Everything that changes during a run. Cloning it is a checkpoint.
#[derive(Clone)]
pub struct Core<P: Protocol> {
    pub now_us: u64,
    seq: u64,
    queue: BinaryHeap<Queued<P>>,
    pub nodes: Vec<Node<P>>,
    net: Net,
    net_rng: SimRng,
    work_rng: SimRng,
    read_rng: SimRng,
    next_msg: MsgId,
    next_timer: TimerId,
    next_request: RequestId,
    in_flight: InFlight,
    /// Messages a user held back: id → how much later they arrive.
    delayed: VecMap<MsgId, u64>,
    /// What came due for a paused node, in arrival order: (node, what), handled when it resumes.
    held: Vec<(NodeId, What<P>)>,
    /// Checkouts submitted and not yet answered: request → (submitted at, shopper).
    pending: VecMap<RequestId, (u64, NodeId)>,
    /// Reads submitted and not yet answered: request → (submitted at, item).
    pending_reads: VecMap<RequestId, (u64, u16)>,
    pub answers: Vec<(RequestId, Outcome)>,
    pub metrics: Metrics,
    checker: P::Checker,
    /// The last summary recorded per node, so the trace only gets changes.
    summaries: Vec<(Note, NodeDetail)>,
    /// The last moment a node was paused or slow (see [`CheckView::calm_since_us`]).
    calm_since_us: u64,
    /// A crash just rolled a disk back to its durable image (see [`CheckView::disk_rolled_back`]).
    rolled_back: bool,
    /// (invariant, node) pairs already reported, so a broken rule is reported once, where it first broke.
    reported: VecSet<(&'static str, Option<NodeId>)>,
    pub violations: Vec<Violation>,
    pub stop: Option<StopReason>,
}

/// Options that do not change what happens in a run, only what is recorded.
#[derive(Clone, Copy, Debug)]
pub struct RecordOptions {
    /// Record narration notes and node state summaries (the browser and `--events` want them; sweeps do not).
    pub narrate: bool,
    /// Take a checkpoint every this many events (0: none). Needs the `checkpoints` feature (on by default; the
    /// page builds without it).
    pub checkpoint_every: u64,
}

impl Default for RecordOptions {
    fn default() -> Self {
        RecordOptions { narrate: true, checkpoint_every: 0 }
    }
}

/// A run of one protocol: the scenario, the protocol, the changing core, the recorded trace and checkpoints.
pub struct Engine<P: Protocol> {
    pub scenario: Scenario,
    pub catalogue: Catalogue,
    pub proto: P,
    pub core: Core<P>,
    pub trace: Vec<TraceEvent>,
    /// Events recorded since the start, including those a consumer took away (`Runner::take_trace`).
    recorded: u64,
    checkpoints: Vec<(u64, Core<P>)>,
    opts: RecordOptions,
    recording: bool,
    until_us: u64,
    stop_arrivals_us: u64,
    mean_gap_us: f64,
    read_gap_us: f64,
    fx: Vec<Effect<P>>,
    found: Vec<Violation>,
}

impl<P: Protocol> Engine<P> {
    /// Builds a run. The scenario must already be validated.
    pub fn new(scenario: &Scenario, opts: RecordOptions) -> Self {
        let catalogue = Catalogue::new(&scenario.workload);
        let proto = P::new(scenario, &catalogue);
        let n = usize::from(proto.server_count() + scenario.shoppers);
        let nodes = (0..n as NodeId)
            .map(|i| Node {
                up: true,
                state: None,
                disk: proto.fresh_disk(i),
                incarnation: 0,
                timers: Vec::new(),
                rng: SimRng::new(scenario.seed, Stream::Node(i)),
                paused: false,
                handle_us: 0,
                busy_until_us: 0,
                handling: None,
                clock: crate::clock::Clock::default(),
                mono: crate::clock::Clock::default(),
                fsync_us: 0,
                durable: None,
                dirty: false,
                syncing: false,
                after_sync: Vec::new(),
            })
            .collect();
        let mut net =
            Net { n, default: scenario.network.default.clone(), links: VecMap::new(), blocked: vec![false; n * n] };
        for o in &scenario.network.links {
            net.links.insert((o.from, o.to), o.settings.clone());
        }
        let w = &scenario.workload;
        let until_us = scenario.until_ms * 1000;
        let stop_arrivals_us = if w.stop_ms == 0 { until_us } else { (w.stop_ms * 1000).min(until_us) };
        let mean_gap_us = if w.rate_per_s > 0.0 { 1e6 / w.rate_per_s } else { 0.0 };
        let read_gap_us = if w.read_rate_per_s > 0.0 { 1e6 / w.read_rate_per_s } else { 0.0 };
        let core = Core {
            now_us: 0,
            seq: 0,
            queue: BinaryHeap::new(),
            nodes,
            net,
            net_rng: SimRng::new(scenario.seed, Stream::Network),
            work_rng: SimRng::new(scenario.seed, Stream::Workload),
            read_rng: SimRng::new(scenario.seed, Stream::Reads),
            next_msg: 0,
            next_timer: 0,
            next_request: 0,
            in_flight: InFlight::default(),
            delayed: VecMap::new(),
            held: Vec::new(),
            calm_since_us: 0,
            rolled_back: false,
            pending: VecMap::new(),
            pending_reads: VecMap::new(),
            answers: Vec::new(),
            metrics: Metrics::default(),
            checker: P::Checker::default(),
            summaries: vec![(Note::default(), NodeDetail::default()); n],
            reported: VecSet::new(),
            violations: Vec::new(),
            stop: None,
        };
        let mut e = Engine {
            scenario: scenario.clone(),
            catalogue,
            proto,
            core,
            trace: Vec::new(),
            recorded: 0,
            checkpoints: Vec::new(),
            opts,
            recording: true,
            until_us,
            stop_arrivals_us,
            mean_gap_us,
            read_gap_us,
            fx: Vec::new(),
            found: Vec::new(),
        };
        // Interventions first, so at equal times they act before anything scheduled later.
        let mut order: Vec<u32> = (0..scenario.interventions.len() as u32).collect();
        crate::sort::sort_by_key(&mut order, |&i| scenario.interventions[i as usize].at_us);
        for i in order {
            let at = scenario.interventions[i as usize].at_us;
            e.push(at, What::Intervene(i));
        }
        for i in 0..n as NodeId {
            e.start_node(i);
        }
        e.schedule_arrival();
        e.schedule_read();
        e.check(None);
        e
    }

    fn push(&mut self, t_us: u64, what: What<P>) {
        self.core.seq += 1;
        self.core.queue.push(Queued { t_us, seq: self.core.seq, what });
    }

    fn record(&mut self, ev: Ev) {
        if self.recording {
            self.trace.push(TraceEvent { t_us: self.core.now_us, ev });
            self.recorded += 1;
        }
    }

    /// Processes the next event. Returns false once the run has stopped.
    pub fn step(&mut self) -> bool {
        if self.core.stop.is_some() {
            return false;
        }
        if let Some(reason) = self.limit_reached() {
            self.finish(reason);
            return false;
        }
        if self.core.queue.peek().is_none_or(|next| next.t_us > self.until_us) {
            self.core.now_us = self.until_us;
            self.finish(StopReason::EndOfTime);
            return false;
        }
        #[cfg(feature = "checkpoints")]
        if self.opts.checkpoint_every > 0
            && self.recording
            && self.core.metrics.events.is_multiple_of(self.opts.checkpoint_every)
        {
            self.checkpoints.push((self.recorded, self.core.clone()));
        }
        let Queued { t_us, what, .. } = self.core.queue.pop().expect("peeked");
        self.core.now_us = t_us;
        if self.is_stale(&what) {
            return true; // a cancelled timer, or one from before a crash: not an event
        }
        if let What::Deliver(e) = &what {
            if let Some(by) = self.core.delayed.remove(&e.id) {
                self.push(t_us + by, what); // held back by a user: not an event yet
                return true;
            }
        }
        let Some(what) = self.wait_or_go(what, t_us) else {
            return true; // waits for a paused or busy node: not an event yet
        };
        self.core.metrics.events += 1;
        let touched = self.dispatch(what);
        self.check(touched);
        true
    }

    /// `what`, if it happens now; else it waits for its node: held until a paused node resumes, or queued until a
    /// slow node is free (and a delivery for as long as handling it costs). Only what would reach the node waits:
    /// a message a partition or a user took is dropped as it arrives, as always.
    fn wait_or_go(&mut self, mut what: What<P>, t_us: u64) -> Option<What<P>> {
        let (node, msg) = match &what {
            What::Deliver(e) => {
                let gone =
                    !self.core.in_flight.contains(e.id) || (!e.arrived && self.core.net.is_blocked(e.from, e.to));
                if gone {
                    return Some(what);
                }
                (e.to, Some(e.id))
            }
            What::Timer { node, .. } => (*node, None),
            What::Submit(x) => (x.0, None),
            What::Read(n, _) => (*n, None),
            What::Fsync { node, .. } => (*node, None),
            _ => return Some(what),
        };
        let n = &mut self.core.nodes[usize::from(node)];
        if !n.up {
            return Some(what);
        }
        let busy = n.busy_until_us > t_us || n.handling.is_some_and(|h| Some(h) != msg);
        let at = if n.paused {
            None
        } else if busy {
            Some(n.busy_until_us.max(t_us))
        } else if msg.is_some() && n.handling == msg {
            n.handling = None;
            return Some(what); // handled: its cost is paid
        } else if let (Some(id), true) = (msg, n.handle_us > 0) {
            n.handling = Some(id);
            n.busy_until_us = t_us + n.handle_us;
            Some(n.busy_until_us)
        } else {
            return Some(what);
        };
        if let What::Deliver(e) = &mut what {
            e.arrived = true;
        }
        match at {
            Some(at) => self.push(at, what),
            None => self.core.held.push((node, what)),
        }
        None
    }

    fn is_stale(&self, what: &What<P>) -> bool {
        match what {
            What::Timer { node, id, incarnation, .. } => {
                let n = &self.core.nodes[usize::from(*node)];
                !n.up || n.incarnation != *incarnation || !n.timers.contains(id)
            }
            _ => false,
        }
    }

    fn limit_reached(&self) -> Option<StopReason> {
        let l = &self.scenario.limits;
        if self.core.metrics.events >= l.max_events {
            Some(StopReason::Limit { what: "limits.max_events", value: l.max_events })
        } else if self.core.in_flight.len() >= l.max_in_flight {
            Some(StopReason::Limit { what: "limits.max_in_flight", value: l.max_in_flight })
        } else if self.recording && self.recorded >= l.max_trace {
            Some(StopReason::Limit { what: "limits.max_trace", value: l.max_trace })
        } else {
            None
        }
    }

    fn finish(&mut self, reason: StopReason) {
        self.record(Ev::Stop { stop: reason.clone() });
        self.core.stop = Some(reason);
    }

    /// Runs until the scenario's end time or a limit.
    pub fn run_to_end(&mut self) {
        while self.step() {}
    }

    /// Processes every event at or before `t_us` (and no later one).
    pub fn run_until(&mut self, t_us: u64) {
        while self.core.queue.peek().is_some_and(|q| q.t_us <= t_us) && self.step() {}
    }

    fn dispatch(&mut self, what: What<P>) -> Option<NodeId> {
        match what {
            What::Deliver(env) => {
                let Envelope { id, from, to, msg, arrived } = *env;
                if !self.core.in_flight.remove(id) {
                    return None; // dropped by a user while in flight; already traced
                }
                if !arrived && self.core.net.is_blocked(from, to) {
                    self.core.metrics.dropped_partition += 1;
                    self.record(Ev::Drop { id, from, to, reason: DropReason::Partition });
                    return None;
                }
                if !self.core.nodes[usize::from(to)].up {
                    self.core.metrics.dropped_receiver_down += 1;
                    self.record(Ev::Drop { id, from, to, reason: DropReason::ReceiverDown });
                    return None;
                }
                self.core.metrics.messages_delivered += 1;
                self.record(Ev::Deliver { id, from, to });
                self.handle(to, |p, st, ctx| p.on_message(st, ctx, from, msg));
                Some(to)
            }
            What::Lose { id, from, to, reason } => {
                if self.core.in_flight.remove(id) {
                    match reason {
                        DropReason::Loss => self.core.metrics.dropped_loss += 1,
                        _ => self.core.metrics.dropped_partition += 1,
                    }
                    self.record(Ev::Drop { id, from, to, reason });
                }
                None
            }
            What::Timer { node, id, incarnation, timer } => {
                let n = &mut self.core.nodes[usize::from(node)];
                if !n.up || n.incarnation != incarnation {
                    return None;
                }
                let pos = n.timers.iter().position(|&t| t == id)?;
                n.timers.swap_remove(pos);
                self.core.metrics.timers_fired += 1;
                self.record(Ev::Timer { node, name: timer.name() });
                self.handle(node, |p, st, ctx| p.on_timer(st, ctx, timer));
                Some(node)
            }
            What::Arrival => {
                let touched = self.arrival();
                self.schedule_arrival();
                touched
            }
            What::Intervene(i) => {
                let action = self.scenario.interventions[i as usize].action.clone();
                self.intervene(action)
            }
            What::Submit(x) => {
                let (shopper, customer, lines) = *x;
                self.submit(shopper, customer, lines)
            }
            What::ReadArrival => {
                let touched = self.read_arrival();
                self.schedule_read();
                touched
            }
            What::Read(shopper, item) => self.submit_read(shopper, item),
            What::Fsync { node, incarnation } => self.fsync_done(node, incarnation),
        }
    }

    /// Runs `f` with the node's volatile state (if it is up) and a context, then applies what it asked for. On a
    /// disk with fsync latency, the durable image is kept from before the first write that is not yet durable
    /// ([`Ctx::persist`] clones it then, so handlers that only read cost no copy of the disk).
    fn with_ctx<R>(&mut self, node: NodeId, f: impl FnOnce(&P, Option<&mut P::State>, &mut Ctx<'_, P>) -> R) -> R {
        let mut fx = std::mem::take(&mut self.fx);
        let mut wrote = false;
        let out = {
            let core = &mut self.core;
            let n = &mut core.nodes[usize::from(node)];
            let keep: Option<&mut dyn KeepDurable<P::Disk>> = if n.fsync_us > 0 { Some(&mut n.durable) } else { None };
            let mut ctx = Ctx {
                now_us: n.clock.local_us(core.now_us).max(0) as u64,
                mono_us: n.mono.local_us(core.now_us).max(0) as u64,
                me: node,
                rng: &mut n.rng,
                disk: &mut n.disk,
                fx: &mut fx,
                next_timer: &mut core.next_timer,
                narrate: self.opts.narrate && self.recording,
                wrote: &mut wrote,
                keep,
            };
            let out = f(&self.proto, n.state.as_mut(), &mut ctx);
            if wrote && n.fsync_us > 0 {
                n.dirty = true;
            }
            out
        };
        self.apply(node, &mut fx);
        self.fx = fx;
        let n = &self.core.nodes[usize::from(node)];
        if n.dirty && !n.syncing {
            self.start_fsync(node);
        }
        out
    }

    /// Starts an fsync of everything the node wrote so far.
    fn start_fsync(&mut self, node: NodeId) {
        let n = &mut self.core.nodes[usize::from(node)];
        n.syncing = true;
        n.dirty = false;
        let (at, incarnation) = (self.core.now_us + n.fsync_us.max(1), n.incarnation);
        self.push(at, What::Fsync { node, incarnation });
    }

    /// An fsync completed: everything written so far is durable (writes made while it ran join it, as in a group
    /// commit), and everything that waited is sent.
    fn fsync_done(&mut self, node: NodeId, incarnation: u32) -> Option<NodeId> {
        let n = &mut self.core.nodes[usize::from(node)];
        if !n.up || n.incarnation != incarnation {
            return None;
        }
        if !std::mem::replace(&mut n.syncing, false) {
            return None;
        }
        let waiting = std::mem::take(&mut n.after_sync);
        n.durable = None;
        n.dirty = false;
        self.record(Ev::Synced { node, released: waiting.len() as u32 });
        for d in waiting {
            match d {
                Deferred::Send(to, msg) => self.send(node, to, msg),
                Deferred::Answer(request_id, outcome) => self.answered(node, request_id, outcome),
                Deferred::ReadAnswer(request_id, units) => self.read_answered(node, request_id, units),
            }
        }
        Some(node)
    }

    /// Runs one handler of a node that is up.
    fn handle(&mut self, node: NodeId, f: impl FnOnce(&P, &mut P::State, &mut Ctx<'_, P>)) {
        self.with_ctx(node, |p, st, ctx| {
            if let Some(st) = st {
                f(p, st, ctx)
            }
        });
    }

    /// Starts (or restarts) a node from its disk.
    fn start_node(&mut self, node: NodeId) {
        let st = self.with_ctx(node, |p, _, ctx| p.init(ctx));
        self.core.nodes[usize::from(node)].state = Some(st);
    }

    fn apply(&mut self, node: NodeId, fx: &mut Vec<Effect<P>>) {
        // While the node's writes wait for an fsync, what it sends and answers waits with them.
        let n = &self.core.nodes[usize::from(node)];
        let wait = (n.dirty || n.syncing) && !self.proto.acks_before_fsync();
        for e in fx.drain(..) {
            match e {
                Effect::Send(to, msg) if wait => self.defer(node, Deferred::Send(to, msg)),
                Effect::Answer(request_id, outcome) if wait => self.defer(node, Deferred::Answer(request_id, outcome)),
                Effect::ReadAnswer(request_id, units) if wait => {
                    self.defer(node, Deferred::ReadAnswer(request_id, units))
                }
                Effect::Send(to, msg) => self.send(node, to, msg),
                Effect::SetTimer(id, after_us, timer) => {
                    let n = &mut self.core.nodes[usize::from(node)];
                    n.timers.push(id);
                    let incarnation = n.incarnation;
                    let at = self.core.now_us.saturating_add(n.clock.true_delay_us(after_us));
                    self.push(at, What::Timer { node, id, incarnation, timer });
                }
                Effect::CancelTimer(id) => {
                    let n = &mut self.core.nodes[usize::from(node)];
                    if let Some(pos) = n.timers.iter().position(|&t| t == id) {
                        n.timers.swap_remove(pos);
                    }
                }
                Effect::Note(note) => self.record(Ev::Note { node, note }),
                Effect::Answer(request_id, outcome) => self.answered(node, request_id, outcome),
                Effect::ReadAnswer(request_id, units) => self.read_answered(node, request_id, units),
                Effect::Sample(name, value) => {
                    self.core.metrics.samples.entry(name).or_default().push(value);
                    self.core.metrics.sample_times.entry(name).or_default().push(self.core.now_us);
                }
            }
        }
    }

    /// Holds a message or an answer until the writes made before it are durable.
    fn defer(&mut self, node: NodeId, d: Deferred<P>) {
        self.core.nodes[usize::from(node)].after_sync.push(d);
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        let core = &mut self.core;
        core.next_msg += 1;
        let id = core.next_msg;
        let link = core.net.link(from, to);
        let (lo, hi, loss, dup) = (link.latency_us_min, link.latency_us_max, link.loss, link.dup);
        let latency = core.net_rng.range_u64(lo, hi);
        let deliver_us = core.now_us + latency;
        core.metrics.messages_sent += 1;
        core.in_flight.insert(id);
        let blocked = core.net.is_blocked(from, to);
        let lost = !blocked && core.net_rng.chance(loss);
        let copy = !blocked && !lost && core.net_rng.chance(dup);
        if self.recording {
            let detail = self.opts.narrate.then(|| msg.detail());
            let kind = msg.kind();
            self.record(Ev::Send { id, from, to, label: msg.label(), n: msg.count(), kind, detail, deliver_us });
        }
        if blocked || lost {
            // The message travels part of the way, then is gone: the UI shows it falling at the cut.
            let reason = if blocked { DropReason::Partition } else { DropReason::Loss };
            self.push(self.core.now_us + latency / 2, What::Lose { id, from, to, reason });
            return;
        }
        if copy {
            let core = &mut self.core;
            core.next_msg += 1;
            let copy_id = core.next_msg;
            let copy_deliver = core.now_us + core.net_rng.range_u64(lo, hi);
            core.metrics.messages_duplicated += 1;
            core.in_flight.insert(copy_id);
            self.record(Ev::Duplicate { id, copy: copy_id, deliver_us: copy_deliver, by_user: false });
            let env = Envelope { id: copy_id, from, to, msg: msg.clone(), arrived: false };
            self.push(copy_deliver, What::Deliver(Box::new(env)));
        }
        self.push(deliver_us, What::Deliver(Box::new(Envelope { id, from, to, msg, arrived: false })));
    }

    fn answered(&mut self, node: NodeId, request_id: RequestId, outcome: Outcome) {
        let Some((submitted_us, _)) = self.core.pending.remove(&request_id) else {
            return;
        };
        let latency_us = self.core.now_us - submitted_us;
        let m = &mut self.core.metrics;
        if outcome.is_confirmed() {
            m.checkouts_confirmed += 1;
        } else if outcome.is_rejected() {
            m.checkouts_rejected += 1;
        } else {
            m.checkouts_aborted += 1;
        }
        m.latencies_us.push(latency_us);
        self.core.answers.push((request_id, outcome));
        self.record(Ev::Outcome { node, request_id, outcome, latency_us });
    }

    /// A read's first answer: recorded with its latency; later ones (a retry answered twice) are ignored.
    fn read_answered(&mut self, node: NodeId, request_id: RequestId, units: u32) {
        let Some((submitted_us, item)) = self.core.pending_reads.remove(&request_id) else {
            return;
        };
        let latency_us = self.core.now_us - submitted_us;
        self.core.metrics.reads_answered += 1;
        self.record(Ev::ReadAnswer { node, request_id, item, units, latency_us });
    }

    fn schedule_read(&mut self) {
        if self.read_gap_us <= 0.0 {
            return;
        }
        let gap = self.core.read_rng.exp_u64(self.read_gap_us).max(1);
        let at = self.core.now_us.saturating_add(gap);
        if at <= self.stop_arrivals_us {
            self.push(at, What::ReadArrival);
        }
    }

    /// A new look-up from the seeded workload: a random shopper, the hot item as often as a basket line is.
    fn read_arrival(&mut self) -> Option<NodeId> {
        let w = &self.scenario.workload;
        let r = &mut self.core.read_rng;
        let shopper = self.proto.server_count() + r.index(usize::from(self.scenario.shoppers)) as NodeId;
        let item = if r.chance(w.hot_item) { 0 } else { r.index(usize::from(w.items)) as u16 };
        self.submit_read(shopper, item)
    }

    fn submit_read(&mut self, shopper: NodeId, item: u16) -> Option<NodeId> {
        if !self.shopper_takes(shopper, || What::Read(shopper, item)) {
            return None;
        }
        self.core.next_request += 1;
        let request_id = self.core.next_request;
        self.core.metrics.reads_submitted += 1;
        self.core.pending_reads.insert(request_id, (self.core.now_us, item));
        if self.recording {
            self.record(Ev::Read { node: shopper, request_id, item });
        }
        let read = ReadRequest { request_id, item };
        self.handle(shopper, |p, st, ctx| p.on_read(st, ctx, read));
        Some(shopper)
    }

    fn schedule_arrival(&mut self) {
        if self.mean_gap_us <= 0.0 {
            return;
        }
        let gap = self.core.work_rng.exp_u64(self.mean_gap_us).max(1);
        let at = self.core.now_us.saturating_add(gap);
        if at <= self.stop_arrivals_us {
            self.push(at, What::Arrival);
        }
    }

    /// A new checkout from the seeded workload.
    fn arrival(&mut self) -> Option<NodeId> {
        let s = &self.scenario;
        let w = &s.workload;
        let r = &mut self.core.work_rng;
        let shopper = self.proto.server_count() + r.index(usize::from(s.shoppers)) as NodeId;
        let customer = r.index(usize::from(w.customers)) as u16;
        let n_lines = 1 + r.index(usize::from(w.basket_max));
        let mut lines: Vec<Line> = Vec::with_capacity(n_lines);
        for _ in 0..n_lines {
            let item = if r.chance(w.hot_item) { 0 } else { r.index(usize::from(w.items)) as u16 };
            let qty = 1 + r.index(2) as u32;
            match lines.iter_mut().find(|l| l.item == item) {
                Some(l) => l.qty += qty,
                None => lines.push(Line { item, qty }),
            }
        }
        self.submit(shopper, customer, lines)
    }

    /// Whether `shopper` can take a request now: a paused one holds `what` until it resumes (the device is frozen:
    /// the click waits for it), a down one takes nothing (and the log says so).
    fn shopper_takes(&mut self, shopper: NodeId, what: impl FnOnce() -> What<P>) -> bool {
        let n = &self.core.nodes[usize::from(shopper)];
        if n.paused {
            self.core.held.push((shopper, what()));
            return false;
        }
        if !n.up {
            if self.opts.narrate {
                self.record(Ev::Note { node: shopper, note: note!("engine.shopper_down") });
            }
            return false;
        }
        true
    }

    fn submit(&mut self, shopper: NodeId, customer: u16, lines: Vec<Line>) -> Option<NodeId> {
        if !self.shopper_takes(shopper, || What::Submit(Box::new((shopper, customer, lines.clone())))) {
            return None;
        }
        self.core.next_request += 1;
        let request_id = self.core.next_request;
        self.core.metrics.checkouts_submitted += 1;
        self.core.pending.insert(request_id, (self.core.now_us, shopper));
        if self.recording {
            self.record(Ev::Submit { node: shopper, request_id, customer, lines: lines.clone() });
        }
        let req = CheckoutRequest { request_id, customer, lines };
        self.handle(shopper, |p, st, ctx| p.on_checkout(st, ctx, req));
        Some(shopper)
    }

    /// A crash: memory, timers and what was not yet durable are lost; `None` (and a note) if it was down already.
    fn crash(&mut self, node: NodeId) -> Option<NodeId> {
        let n = &mut self.core.nodes[usize::from(node)];
        if !n.up {
            let name = self.proto.node_name(node);
            self.engine_note(|| note!("engine.crash.noop", node = name));
            return None;
        }
        n.up = false;
        n.state = None;
        n.timers.clear();
        n.incarnation += 1;
        n.paused = false;
        n.busy_until_us = 0;
        n.handling = None;
        // Writes not yet durable are lost with the node's memory, and what waited for them is never sent.
        let lost = n.durable.take().map(|d| std::mem::replace(&mut n.disk, d)).is_some();
        n.dirty = false;
        n.syncing = false;
        n.after_sync.clear();
        self.core.metrics.crashes += 1;
        self.record(Ev::Crash { node });
        if lost {
            self.core.rolled_back = true;
            let name = self.proto.node_name(node);
            self.engine_note(|| note!("engine.crash.unsynced", node = name));
        }
        // What waited for it meets a node that is down: messages are lost, timers gone, checkouts refused.
        self.release_held(node);
        Some(node)
    }

    /// A replacement machine: crash if up, the protocol's replacement disk, restart. Refused with a note when the
    /// protocol has no safe way to take a server back with an empty disk ([`Protocol::replacement_disk`]).
    fn wipe(&mut self, node: NodeId) -> Option<NodeId> {
        let Some(disk) = self.proto.replacement_disk(node) else {
            let name = self.proto.node_name(node);
            self.engine_note(|| note!("engine.wipe.refused", node = name));
            return None;
        };
        if self.core.nodes[usize::from(node)].up {
            self.crash(node);
        }
        let n = &mut self.core.nodes[usize::from(node)];
        n.disk = disk;
        n.durable = None;
        self.core.rolled_back = true;
        self.record(Ev::Wipe { node });
        self.node_fault(Action::Restart { node })
    }

    /// What happens to one node: a crash, a restart, a pause, a resume, a change of its speed.
    fn node_fault(&mut self, action: Action) -> Option<NodeId> {
        match action {
            Action::Crash { node } => self.crash(node),
            Action::Pause { node } => {
                let n = &mut self.core.nodes[usize::from(node)];
                if !n.up || n.paused {
                    let name = self.proto.node_name(node);
                    if n.paused {
                        self.engine_note(|| note!("engine.pause.noop", node = name));
                    } else {
                        self.engine_note(|| note!("engine.pause.down", node = name));
                    }
                    return None;
                }
                n.paused = true;
                self.core.metrics.pauses += 1;
                self.record(Ev::Pause { node });
                None
            }
            Action::Resume { node } => {
                if !self.core.nodes[usize::from(node)].paused {
                    let name = self.proto.node_name(node);
                    self.engine_note(|| note!("engine.resume.noop", node = name));
                    return None;
                }
                self.core.nodes[usize::from(node)].paused = false;
                self.core.calm_since_us = self.core.now_us;
                let backlog = self.core.held.iter().filter(|(n, _)| *n == node).count() as u32;
                self.record(Ev::Resume { node, backlog });
                self.release_held(node);
                None
            }
            Action::Slow { node, handle_us } => {
                self.core.nodes[usize::from(node)].handle_us = handle_us;
                self.core.calm_since_us = self.core.now_us;
                self.record(Ev::Slow { node, handle_us });
                None
            }
            Action::Restart { node } => {
                if self.core.nodes[usize::from(node)].up {
                    let name = self.proto.node_name(node);
                    self.engine_note(|| note!("engine.restart.noop", node = name));
                    return None;
                }
                self.core.nodes[usize::from(node)].up = true;
                self.record(Ev::Restart { node });
                self.start_node(node);
                Some(node)
            }
            Action::DiskWipe { node } => self.wipe(node),
            Action::DiskLatency { node, fsync_us } => {
                self.core.nodes[usize::from(node)].fsync_us = fsync_us;
                self.core.calm_since_us = self.core.now_us;
                self.record(Ev::Disk { node, fsync_us });
                None
            }
            Action::ClockJump { node, by_us } => {
                let now = self.core.now_us;
                self.core.nodes[usize::from(node)].clock.jump(now, by_us);
                self.record_clock(node);
                None
            }
            Action::ClockDrift { node, ppm } => {
                let now = self.core.now_us;
                self.core.nodes[usize::from(node)].clock.set_drift(now, ppm);
                self.core.nodes[usize::from(node)].mono.set_drift(now, ppm);
                self.record_clock(node);
                None
            }
            _ => None,
        }
    }

    fn record_clock(&mut self, node: NodeId) {
        let (now, clock) = (self.core.now_us, self.core.nodes[usize::from(node)].clock);
        self.core.calm_since_us = now;
        self.record(Ev::Clock { node, offset_us: clock.offset_us(now), drift_ppm: clock.drift_ppm });
    }

    fn intervene(&mut self, action: Action) -> Option<NodeId> {
        match action {
            Action::Crash { .. }
            | Action::Restart { .. }
            | Action::Pause { .. }
            | Action::Resume { .. }
            | Action::Slow { .. }
            | Action::ClockJump { .. }
            | Action::ClockDrift { .. }
            | Action::DiskLatency { .. }
            | Action::DiskWipe { .. } => self.node_fault(action),
            Action::Partition { groups } => {
                self.core.net.partition(&groups);
                self.record(Ev::Partition { groups });
                None
            }
            Action::Cut { from, to } => {
                let n = self.core.net.n;
                self.core.net.blocked[usize::from(from) * n + usize::from(to)] = true;
                self.record(Ev::Cut { from, to });
                None
            }
            Action::Heal => {
                self.core.net.blocked.iter_mut().for_each(|b| *b = false);
                self.record(Ev::Heal);
                None
            }
            Action::DropMessage { id } => {
                if self.core.in_flight.remove(id) {
                    self.core.metrics.dropped_user += 1;
                    // The envelope stays queued; its delivery finds it gone from `in_flight` and does nothing.
                    let (from, to) = self.find_envelope(id).unwrap_or((0, 0));
                    self.record(Ev::Drop { id, from, to, reason: DropReason::User });
                } else {
                    self.engine_note(|| note!("engine.drop.noop", id));
                }
                None
            }
            Action::DuplicateMessage { id } => {
                let original = self.queued_delivery(id).map(|(t, e)| (t, e.from, e.to, e.msg.clone()));
                match original {
                    Some((at, from, to, msg)) if self.core.in_flight.contains(id) => {
                        self.core.next_msg += 1;
                        let copy = self.core.next_msg;
                        self.core.in_flight.insert(copy);
                        self.core.metrics.messages_duplicated += 1;
                        self.core.metrics.duplicated_user += 1;
                        self.record(Ev::Duplicate { id, copy, deliver_us: at, by_user: true });
                        self.push(at, What::Deliver(Box::new(Envelope { id: copy, from, to, msg, arrived: false })));
                    }
                    _ => self.engine_note(|| note!("engine.duplicate.noop", id)),
                }
                None
            }
            Action::DelayMessage { id, by_us } => {
                let due = self.queued_delivery(id).map(|(t, _)| t);
                match due {
                    Some(at) if self.core.in_flight.contains(id) => {
                        *self.core.delayed.entry(id).or_default() += by_us;
                        let total = self.core.delayed[&id];
                        self.record(Ev::Delay { id, deliver_us: at + total });
                    }
                    _ => self.engine_note(|| note!("engine.delay.noop", id)),
                }
                None
            }
            Action::SetNetwork { link, settings } => {
                match link {
                    Some((a, b)) => {
                        self.core.net.links.insert((a, b), settings.clone());
                    }
                    None => self.core.net.default = settings.clone(),
                }
                self.record(Ev::Network { link, settings });
                None
            }
            Action::Checkout { shopper, customer, lines } => self.submit(shopper, customer, lines),
            Action::Read { shopper, item } => self.submit_read(shopper, item),
        }
    }

    /// Puts back what waited for a paused `node`, due now, in the order it arrived.
    fn release_held(&mut self, node: NodeId) {
        let held = std::mem::take(&mut self.core.held);
        let (mine, others): (Vec<_>, Vec<_>) = held.into_iter().partition(|(n, _)| *n == node);
        self.core.held = others;
        for (_, what) in mine {
            self.push(self.core.now_us, what);
        }
    }

    /// The engine's own narration (see [`Ev::Engine`]), recorded only when narration is.
    fn engine_note(&mut self, note: impl FnOnce() -> Note) {
        if self.opts.narrate {
            self.record(Ev::Engine { note: note() });
        }
    }

    /// The pending delivery of message `id` (not a loss): when it is due, and the envelope.
    fn queued_delivery(&self, id: MsgId) -> Option<(u64, &Envelope<P::Msg>)> {
        self.core.queue.iter().find_map(|q| match &q.what {
            What::Deliver(e) if e.id == id => Some((q.t_us, &**e)),
            _ => None,
        })
    }

    fn find_envelope(&self, id: MsgId) -> Option<(NodeId, NodeId)> {
        self.core.queue.iter().find_map(|q| match &q.what {
            What::Deliver(e) if e.id == id => Some((e.from, e.to)),
            What::Lose { id: i, from, to, .. } if *i == id => Some((*from, *to)),
            _ => None,
        })
    }

    fn check(&mut self, touched: Option<NodeId>) {
        let mut found = std::mem::take(&mut self.found);
        {
            let core = &mut self.core;
            let impaired = core
                .nodes
                .iter()
                .any(|n| n.up && (n.paused || n.handle_us > 0 || n.fsync_us > 0 || n.clock.drift_ppm != 0));
            if impaired {
                core.calm_since_us = core.now_us;
            }
            let mut view = CheckView {
                now_us: core.now_us,
                nodes: &mut core.nodes,
                answers: &core.answers,
                checker: &mut core.checker,
                calm_since_us: (!impaired).then_some(core.calm_since_us),
                disk_rolled_back: std::mem::take(&mut core.rolled_back),
            };
            self.proto.check(&mut view, touched, &mut found);
        }
        for mut v in found.drain(..) {
            if self.core.reported.insert((v.invariant, v.node)) {
                v.at_us = self.core.now_us;
                v.event = self.core.metrics.events;
                self.core.violations.push(v.clone());
                self.record(Ev::Violation { violation: v });
            }
        }
        self.found = found;
        if let (Some(node), true) = (touched, self.opts.narrate && self.recording) {
            let n = &self.core.nodes[usize::from(node)];
            let summary = self.proto.summary(node, n.state.as_ref(), &n.disk);
            let detail = self.proto.detail(node, n.state.as_ref(), &n.disk);
            let last = &self.core.summaries[usize::from(node)];
            if summary != last.0 || detail != last.1 {
                self.core.summaries[usize::from(node)] = (summary.clone(), detail.clone());
                let detail = (detail != NodeDetail::default()).then_some(detail);
                self.record(Ev::State { node, summary, detail });
            }
        }
    }

    /// The verdict on every invariant of the protocol.
    pub fn verdicts(&self) -> Vec<Verdict> {
        self.proto
            .invariants()
            .iter()
            .map(|inv| {
                let first = self.core.violations.iter().find(|v| v.invariant == inv.name).cloned();
                Verdict { invariant: inv.name, rule: inv.rule, held: first.is_none(), first }
            })
            .collect()
    }

    /// The run's state after every event at or before `t_us`, rebuilt from the nearest checkpoint.
    /// Needs `checkpoint_every > 0` to be fast; without checkpoints it replays from the start.
    pub fn core_at(&self, t_us: u64) -> Core<P> {
        let start = self.checkpoint_before(t_us);
        let mut replay = Engine {
            scenario: self.scenario.clone(),
            catalogue: self.catalogue.clone(),
            proto: self.proto.clone(),
            core: match start {
                Some(c) => c,
                None => Engine::<P>::new(&self.scenario, RecordOptions { narrate: false, checkpoint_every: 0 }).core,
            },
            trace: Vec::new(),
            recorded: 0,
            checkpoints: Vec::new(),
            opts: RecordOptions { narrate: false, checkpoint_every: 0 },
            recording: false,
            until_us: self.until_us,
            stop_arrivals_us: self.stop_arrivals_us,
            mean_gap_us: self.mean_gap_us,
            read_gap_us: self.read_gap_us,
            fx: Vec::new(),
            found: Vec::new(),
        };
        replay.run_until(t_us);
        replay.core
    }

    /// The last checkpoint at or before `t_us`, if any.
    #[cfg(feature = "checkpoints")]
    fn checkpoint_before(&self, t_us: u64) -> Option<Core<P>> {
        let idx = self.checkpoints.partition_point(|(_, c)| c.now_us <= t_us);
        idx.checked_sub(1).map(|i| self.checkpoints[i].1.clone())
    }

    /// Without the `checkpoints` feature (the page's build) there are none: cloning a whole run's state is code
    /// the page never needs (it plays from its own model), so it is not compiled in.
    #[cfg(not(feature = "checkpoints"))]
    fn checkpoint_before(&self, _t_us: u64) -> Option<Core<P>> {
        None
    }

    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }
}
