//! The five protocols as one [`Protocol`] type, so that [`super::build`] needs one engine, not five.
//!
//! The engine is generic over its protocol, and each instance is a full copy of it in the compiled code: five
//! copies of `Engine::step`, `check`, `apply`, the checkpoint clone, … were about 130 KB of the page's wasm.
//! [`AnyProtocol`] wraps the protocols in an enum and hands each handler its own protocol's types: messages,
//! timers, volatile state, disk and checker state are enums of the protocols' own, unwrapped on the way in and
//! wrapped on the way out ([`Member`]). A run through `AnyProtocol` is the same run, event for event, as through
//! `Engine<Raft>` and the others (a test compares their trace hashes).

use super::embed::{self, lift, Part};
use super::meta::ProtocolInfo;
use crate::domain::{Catalogue, CheckoutRequest};
use crate::engine::{CheckView, Ctx, Message, NodeDetail, Protocol, Role, TimerKind};
use crate::invariants::{InvariantInfo, Violation};
use crate::scenario::{NodeId, Scenario};

/// One protocol's side of [`AnyProtocol`]: how its own types go into and out of the shared enums (the rest is its
/// [`Part`] of `AnyProtocol`).
pub trait Member: Part<AnyProtocol> {
    fn wrap_state(s: Self::State) -> AnyState;
    fn msg(m: AnyMsg) -> Self::Msg;
    fn timer(t: AnyTimer) -> Self::Timer;
    /// This protocol's checker state, made on first use (the engine starts with [`AnyChecker::Unset`]).
    fn checker(c: &mut AnyChecker) -> &mut Self::Checker;
}

/// A value of one protocol met where another's was expected: impossible, since one run has one protocol.
#[cold]
fn mismatch() -> ! {
    unreachable!("one run mixes the types of two protocols")
}

macro_rules! any_protocol {
    ($($v:ident($m:ident::$t:ident, [$($info:ident),+ $(,)?])),* $(,)?) => {
        /// Every registered protocol, in the order the page and the CLI list them.
        pub static REGISTRY: &[&ProtocolInfo] = &[$($(&super::$m::$info),+),*];

        /// The member that runs `scenario`'s protocol (one module may run several kinds, as locking does).
        fn new_member(scenario: &Scenario, catalogue: &Catalogue) -> AnyProtocol {
            $(if [$(super::$m::$info.kind),+].contains(&scenario.protocol) {
                return AnyProtocol::$v(<super::$m::$t as Protocol>::new(scenario, catalogue));
            })*
            panic!("no protocol is registered as `{}` (validate the scenario first)", scenario.protocol)
        }

        /// The same run on the protocol's own engine (`Engine<Raft>`, not `Engine<AnyProtocol>`), for the test
        /// that the two agree event for event. The page never calls it, so its five engines stay out of the
        /// bundle.
        pub fn own_engine(scenario: &Scenario, opts: crate::engine::RecordOptions) -> Box<dyn super::runner::Runner> {
            $(if [$(super::$m::$info.kind),+].contains(&scenario.protocol) {
                return Box::new(crate::engine::Engine::<super::$m::$t>::new(scenario, opts));
            })*
            panic!("no protocol is registered as `{}` (validate the scenario first)", scenario.protocol)
        }

        /// One of the registered protocols.
        #[derive(Clone)]
        pub enum AnyProtocol { $($v(super::$m::$t)),* }
        /// A message of the run's protocol.
        #[derive(Clone, Debug)]
        pub enum AnyMsg { $($v(super::$m::Msg)),* }
        /// A timer of the run's protocol.
        #[derive(Clone, Debug)]
        pub enum AnyTimer { $($v(super::$m::Timer)),* }
        /// A node's volatile state under the run's protocol.
        #[derive(Clone, Debug)]
        pub enum AnyState { $($v(super::$m::State)),* }
        /// A node's disk under the run's protocol.
        #[derive(Clone, Debug)]
        pub enum AnyDisk { $($v(super::$m::Disk)),* }
        /// The invariant checker's state under the run's protocol.
        #[derive(Clone, Default)]
        pub enum AnyChecker {
            #[default]
            Unset,
            $($v(super::$m::Checker)),*
        }

        impl Message for AnyMsg {
            fn label(&self) -> &'static str {
                match self { $(AnyMsg::$v(m) => m.label()),* }
            }
            fn detail(&self) -> crate::narration::Note {
                match self { $(AnyMsg::$v(m) => m.detail()),* }
            }
            fn count(&self) -> Option<u32> {
                match self { $(AnyMsg::$v(m) => m.count()),* }
            }
            fn kind(&self) -> crate::engine::MsgKind {
                match self { $(AnyMsg::$v(m) => m.kind()),* }
            }
        }

        impl TimerKind for AnyTimer {
            fn name(&self) -> &'static str {
                match self { $(AnyTimer::$v(t) => t.name()),* }
            }
        }

        $(impl Part<AnyProtocol> for super::$m::$t {
            fn wrap_msg(m: Self::Msg) -> AnyMsg { AnyMsg::$v(m) }
            fn wrap_timer(t: Self::Timer) -> AnyTimer { AnyTimer::$v(t) }
            fn wrap_disk(d: Self::Disk) -> AnyDisk { AnyDisk::$v(d) }
            fn state(s: &AnyState) -> &Self::State {
                match s { AnyState::$v(s) => s, _ => mismatch() }
            }
            fn state_mut(s: &mut AnyState) -> &mut Self::State {
                match s { AnyState::$v(s) => s, _ => mismatch() }
            }
            fn disk(d: &AnyDisk) -> &Self::Disk {
                match d { AnyDisk::$v(d) => d, _ => mismatch() }
            }
            fn disk_mut(d: &mut AnyDisk) -> &mut Self::Disk {
                match d { AnyDisk::$v(d) => d, _ => mismatch() }
            }
        }

        impl Member for super::$m::$t {
            fn wrap_state(s: Self::State) -> AnyState { AnyState::$v(s) }
            fn msg(m: AnyMsg) -> Self::Msg {
                match m { AnyMsg::$v(m) => m, _ => mismatch() }
            }
            fn timer(t: AnyTimer) -> Self::Timer {
                match t { AnyTimer::$v(t) => t, _ => mismatch() }
            }
            fn checker(c: &mut AnyChecker) -> &mut Self::Checker {
                if !matches!(c, AnyChecker::$v(_)) {
                    *c = AnyChecker::$v(Default::default());
                }
                match c { AnyChecker::$v(c) => c, _ => mismatch() }
            }
        })*

        /// Runs `$body` with `$q` bound to the wrapped protocol.
        macro_rules! each {
            ($s:expr, $q:ident => $body:expr) => {
                match $s { $(AnyProtocol::$v($q) => $body),* }
            };
        }
    };
}

// The registry: one line per protocol module (its variant here, its module and type, and the `ProtocolInfo` of each
// kind it runs). The macro names the module (`super::raft::…`), so nothing else in this file changes.
any_protocol! {
    Single(single::SingleDb, [INFO]),
    Raft(raft::Raft, [INFO]),
    Paxos(paxos::Paxos, [INFO]),
    TwoPc(twopc::TwoPc, [INFO]),
    Locking(locking::Locking, [PESSIMISTIC_INFO, OPTIMISTIC_INFO]),
}

fn check<Q: Member>(q: &Q, w: &mut CheckView<'_, AnyProtocol>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
    embed::check(q, w, Q::checker, touched, out);
}

impl Protocol for AnyProtocol {
    type Msg = AnyMsg;
    type Timer = AnyTimer;
    type State = AnyState;
    type Disk = AnyDisk;
    type Checker = AnyChecker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        new_member(scenario, catalogue)
    }
    fn invariants(&self) -> &'static [InvariantInfo] {
        each!(self, q => q.invariants())
    }
    fn role(&self, node: NodeId) -> Role {
        each!(self, q => q.role(node))
    }
    fn server_count(&self) -> u16 {
        each!(self, q => q.server_count())
    }
    fn node_name(&self, node: NodeId) -> String {
        each!(self, q => q.node_name(node))
    }
    fn fresh_disk(&self, node: NodeId) -> AnyDisk {
        fn fresh<Q: Member>(q: &Q, node: NodeId) -> AnyDisk {
            Q::wrap_disk(q.fresh_disk(node))
        }
        each!(self, q => fresh(q, node))
    }
    fn init(&self, ctx: &mut Ctx<'_, Self>) -> AnyState {
        fn init<Q: Member>(q: &Q, ctx: &mut Ctx<'_, AnyProtocol>) -> AnyState {
            Q::wrap_state(lift(ctx, |c| q.init(c)))
        }
        each!(self, q => init(q, ctx))
    }
    fn on_message(&self, st: &mut AnyState, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: AnyMsg) {
        fn on<Q: Member>(q: &Q, st: &mut AnyState, ctx: &mut Ctx<'_, AnyProtocol>, from: NodeId, msg: AnyMsg) {
            lift(ctx, |c| q.on_message(Q::state_mut(st), c, from, Q::msg(msg)))
        }
        each!(self, q => on(q, st, ctx, from, msg))
    }
    fn on_timer(&self, st: &mut AnyState, ctx: &mut Ctx<'_, Self>, timer: AnyTimer) {
        fn on<Q: Member>(q: &Q, st: &mut AnyState, ctx: &mut Ctx<'_, AnyProtocol>, timer: AnyTimer) {
            lift(ctx, |c| q.on_timer(Q::state_mut(st), c, Q::timer(timer)))
        }
        each!(self, q => on(q, st, ctx, timer))
    }
    fn on_checkout(&self, st: &mut AnyState, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        fn on<Q: Member>(q: &Q, st: &mut AnyState, ctx: &mut Ctx<'_, AnyProtocol>, req: CheckoutRequest) {
            lift(ctx, |c| q.on_checkout(Q::state_mut(st), c, req))
        }
        each!(self, q => on(q, st, ctx, req))
    }
    fn on_read(&self, st: &mut AnyState, ctx: &mut Ctx<'_, Self>, read: crate::engine::ReadRequest) {
        fn on<Q: Member>(q: &Q, st: &mut AnyState, ctx: &mut Ctx<'_, AnyProtocol>, read: crate::engine::ReadRequest) {
            lift(ctx, |c| q.on_read(Q::state_mut(st), c, read))
        }
        each!(self, q => on(q, st, ctx, read))
    }
    fn summary(&self, node: NodeId, st: Option<&AnyState>, disk: &AnyDisk) -> crate::narration::Note {
        fn summary<Q: Member>(q: &Q, node: NodeId, st: Option<&AnyState>, disk: &AnyDisk) -> crate::narration::Note {
            q.summary(node, st.map(Q::state), Q::disk(disk))
        }
        each!(self, q => summary(q, node, st, disk))
    }
    fn detail(&self, node: NodeId, st: Option<&AnyState>, disk: &AnyDisk) -> NodeDetail {
        fn detail<Q: Member>(q: &Q, node: NodeId, st: Option<&AnyState>, disk: &AnyDisk) -> NodeDetail {
            q.detail(node, st.map(Q::state), Q::disk(disk))
        }
        each!(self, q => detail(q, node, st, disk))
    }
    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        each!(self, q => check(q, w, touched, out))
    }
    fn acks_before_fsync(&self) -> bool {
        each!(self, q => q.acks_before_fsync())
    }
    fn replacement_disk(&self, node: NodeId) -> Option<AnyDisk> {
        fn replacement<Q: Member>(q: &Q, node: NodeId) -> Option<AnyDisk> {
            q.replacement_disk(node).map(Q::wrap_disk)
        }
        each!(self, q => replacement(q, node))
    }
}
