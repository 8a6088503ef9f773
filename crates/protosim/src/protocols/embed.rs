//! One protocol running inside another: the outer protocol `P` hands some of its nodes' events to an inner
//! protocol `Q`, whose handlers see a context of `Q`'s own types. Two uses: [`super::any::AnyProtocol`] (every
//! protocol inside the one the engine runs) and pessimistic locking's Raft-replicated lock service (a Raft cluster of
//! lock tables inside a locking run).
//!
//! The inner protocol's messages, timers and disk go into the outer ones' on the way out ([`Part::wrap_msg`], …) and
//! are found in them on the way in; its effects are wrapped as they are made, so a run through the embedding is the
//! same run, event for event.

use crate::engine::{CheckNodes, CheckView, Ctx, Effect, EffectSink, KeepDurable, Protocol};
use crate::invariants::Violation;
use crate::scenario::NodeId;
use std::marker::PhantomData;

/// How the inner protocol's types go into and out of the outer protocol's `P`.
pub trait Part<P: Protocol>: Protocol {
    fn wrap_msg(m: Self::Msg) -> P::Msg;
    fn wrap_timer(t: Self::Timer) -> P::Timer;
    fn wrap_disk(d: Self::Disk) -> P::Disk;
    /// The inner state in an outer node's state (a node of another kind is a programming error: it panics).
    fn state(s: &P::State) -> &Self::State;
    fn state_mut(s: &mut P::State) -> &mut Self::State;
    fn disk(d: &P::Disk) -> &Self::Disk;
    fn disk_mut(d: &mut P::Disk) -> &mut Self::Disk;
}

/// The effects of an inner handler, wrapped into the outer outbox as they are made.
struct Lift<'a, P: Protocol, Q> {
    out: &'a mut dyn EffectSink<P>,
    inner: PhantomData<Q>,
}

impl<P: Protocol, Q: Part<P>> EffectSink<Q> for Lift<'_, P, Q> {
    fn push(&mut self, e: Effect<Q>) {
        self.out.push(match e {
            Effect::Send(to, m) => Effect::Send(to, Q::wrap_msg(m)),
            Effect::SetTimer(id, after_us, t) => Effect::SetTimer(id, after_us, Q::wrap_timer(t)),
            Effect::CancelTimer(id) => Effect::CancelTimer(id),
            Effect::Note(text) => Effect::Note(text),
            Effect::Answer(request_id, outcome) => Effect::Answer(request_id, outcome),
            Effect::ReadAnswer(request_id, units) => Effect::ReadAnswer(request_id, units),
            Effect::Sample(name, value) => Effect::Sample(name, value),
        })
    }
}

/// The engine's durable-image slot, as an inner context writes to it.
struct LiftKeep<'a, P: Protocol, Q> {
    outer: &'a mut dyn KeepDurable<P::Disk>,
    inner: PhantomData<Q>,
}

impl<P: Protocol, Q: Part<P>> KeepDurable<Q::Disk> for LiftKeep<'_, P, Q> {
    fn wants(&self) -> bool {
        self.outer.wants()
    }
    fn keep(&mut self, image: Q::Disk) {
        self.outer.keep(Q::wrap_disk(image));
    }
}

/// Runs `f` with a context of the inner protocol's types over the outer context (same node, clock, randomness,
/// timer ids and disk).
pub fn lift<P: Protocol, Q: Part<P>, R>(ctx: &mut Ctx<'_, P>, f: impl FnOnce(&mut Ctx<'_, Q>) -> R) -> R {
    let mut sink = Lift::<P, Q> { out: &mut *ctx.fx, inner: PhantomData };
    let mut keep = ctx.keep.as_deref_mut().map(|outer| LiftKeep::<P, Q> { outer, inner: PhantomData });
    let mut inner = Ctx {
        now_us: ctx.now_us,
        mono_us: ctx.mono_us,
        me: ctx.me,
        rng: &mut *ctx.rng,
        disk: Q::disk_mut(ctx.disk),
        fx: &mut sink,
        next_timer: &mut *ctx.next_timer,
        narrate: ctx.narrate,
        wrote: &mut *ctx.wrote,
        keep: keep.as_mut().map(|k| k as &mut dyn KeepDurable<Q::Disk>),
    };
    f(&mut inner)
}

/// The outer nodes as an inner checker reads them (it must read only nodes of its own kind).
struct Project<'a, P: Protocol, Q> {
    nodes: &'a mut dyn CheckNodes<P>,
    inner: PhantomData<Q>,
}

impl<P: Protocol, Q: Part<P>> CheckNodes<Q> for Project<'_, P, Q> {
    fn count(&self) -> usize {
        self.nodes.count()
    }
    fn get(&self, i: usize) -> (Option<&Q::State>, &Q::Disk) {
        let (state, disk) = self.nodes.get(i);
        (state.map(Q::state), Q::disk(disk))
    }
    fn get_mut(&mut self, i: usize) -> (Option<&mut Q::State>, &mut Q::Disk) {
        let (state, disk) = self.nodes.get_mut(i);
        (state.map(Q::state_mut), Q::disk_mut(disk))
    }
    fn is_durable(&self, i: usize) -> bool {
        self.nodes.is_durable(i)
    }
}

/// Runs the inner protocol's invariant checks after an event of node `touched`, with its own checker state.
pub fn check<P: Protocol, Q: Part<P>>(
    q: &Q,
    w: &mut CheckView<'_, P>,
    checker: impl FnOnce(&mut P::Checker) -> &mut Q::Checker,
    touched: Option<NodeId>,
    out: &mut Vec<Violation>,
) {
    let mut nodes = Project::<P, Q> { nodes: &mut *w.nodes, inner: PhantomData };
    let mut view = CheckView {
        now_us: w.now_us,
        nodes: &mut nodes,
        answers: w.answers,
        checker: checker(w.checker),
        calm_since_us: w.calm_since_us,
        disk_rolled_back: w.disk_rolled_back,
    };
    q.check(&mut view, touched, out);
}
