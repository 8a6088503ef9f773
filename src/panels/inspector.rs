//! The node inspector: one node's full state at the cursor, and what can be done to it there.

use super::basket::BasketForm;
use crate::act::*;
use crate::model::Model;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub model: Rc<Model>,
    pub node: protosim::scenario::NodeId,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// What each message costs a node the inspector makes slow, µs: 50 ms, a few round trips of the default network,
/// enough to queue messages behind it and to stretch a leader's heartbeats toward an election timeout.
pub const SLOW_HANDLE_US: u64 = 50_000;

/// How far the inspector steps a node's clock forward, µs: 1 s, two leases of the locking protocols, far beyond an
/// election timeout, so what the node measures on its clock visibly ends early.
pub const CLOCK_STEP_US: i64 = 1_000_000;

/// How long an fsync takes on a disk the inspector makes slow, µs: 20 ms, about a round trip of the default network,
/// so every acknowledgement of the node visibly waits for its disk.
pub const SLOW_FSYNC_US: u64 = 20_000;
/// How fast the inspector's drifting clock runs, ppm: 5 % fast, so a 500 ms lease measured on it ends 25 ms early.
pub const DRIFT_PPM: i64 = 50_000;

/// One node's full state at the cursor, and what can be done to it there.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    use protosim::scenario::Action;
    let lang = crate::lang::use_lang();
    let m = &props.model;
    let id = props.node;
    let Some(info) = m.nodes.get(usize::from(id)) else { return html! {} };
    let up = m.up_at(usize::from(id), props.cursor_us);
    let paused = up && m.paused_since(usize::from(id), props.cursor_us).is_some();
    let slow = m.handle_us_at(usize::from(id), props.cursor_us) > 0;
    let slow_disk = m.fsync_us_at(usize::from(id), props.cursor_us) > 0;
    let drifting = m.clock_drift_at(usize::from(id), props.cursor_us) != 0;
    let replaceable = (protosim::protocols::info(m.scenario.protocol).replaceable)(&m.scenario, id);
    let st = m.state_at(usize::from(id), props.cursor_us);
    let act = |action: Action| act_on_click(&props.on_act, props.cursor_us, props.playing, action);
    let others: Vec<protosim::scenario::NodeId> = m.nodes.iter().map(|n| n.id).filter(|&n| n != id).collect();
    let shopper = info.role == protosim::engine::Role::Shopper;
    html! {
        <section class="inspector" aria-label={lang.render(&protosim::note!("ui.inspector", node = info.name.clone()))} data-testid="inspector">
            <h2>{ &info.name }<small>{ match (up, paused) {
                (false, _) => lang.text("ui.inspector.down"),
                (true, true) => lang.text("ui.inspector.paused"),
                (true, false) => lang.text("ui.inspector.up"),
            } }</small>
                <button class="ghost close" onclick={props.on_close.clone()}
                        aria-label={lang.text("ui.inspector.close")}>{ "✕" }</button>
            </h2>
            <p class="summary">{ lang.render(&st.summary) }</p>
            if !st.detail.facts.is_empty() {
                <dl class="facts">
                    { for st.detail.facts_in(lang).into_iter().map(|(k, v)| html! { <><dt>{ k }</dt><dd>{ v }</dd></> }) }
                </dl>
            }
            if !st.detail.table.is_empty() {
                <table class="rows">
                    { for st.detail.table.iter().map(|l| html! {
                        <tr class={classes!(l.hot.then_some("hot"))}><th>{ &l.key }</th><td>{ lang.render(&l.text) }</td></tr>
                    }) }
                </table>
            }
            <div class="actions">
                if up {
                    <button onclick={act(Action::Crash { node: id })} data-testid="crash">{ lang.text("ui.inspector.crash") }</button>
                } else {
                    <button onclick={act(Action::Restart { node: id })} data-testid="restart">{ lang.text("ui.inspector.restart") }</button>
                }
                if paused {
                    <button onclick={act(Action::Resume { node: id })} data-testid="resume">{ lang.text("ui.inspector.resume") }</button>
                } else if up {
                    <button onclick={act(Action::Pause { node: id })} data-testid="pause">{ lang.text("ui.inspector.pause") }</button>
                }
                if slow_disk {
                    <button onclick={act(Action::DiskLatency { node: id, fsync_us: 0 })} data-testid="disk-fast">{ lang.text("ui.inspector.disk-fast") }</button>
                } else {
                    <button onclick={act(Action::DiskLatency { node: id, fsync_us: SLOW_FSYNC_US })} data-testid="disk-slow">{ lang.text("ui.inspector.disk-slow") }</button>
                }
                <button onclick={act(Action::ClockJump { node: id, by_us: CLOCK_STEP_US })} data-testid="clock-jump">
                    { lang.text("ui.inspector.clock-jump") }
                </button>
                if drifting {
                    <button onclick={act(Action::ClockDrift { node: id, ppm: 0 })} data-testid="clock-steady">{ lang.text("ui.inspector.clock-steady") }</button>
                } else {
                    <button onclick={act(Action::ClockDrift { node: id, ppm: DRIFT_PPM })} data-testid="clock-drift">{ lang.text("ui.inspector.clock-drift") }</button>
                }
                if replaceable {
                    <button onclick={act(Action::DiskWipe { node: id })} data-testid="wipe">{ lang.text("ui.inspector.wipe") }</button>
                }
                if slow {
                    <button onclick={act(Action::Slow { node: id, handle_us: 0 })} data-testid="fast">{ lang.text("ui.inspector.fast") }</button>
                } else {
                    <button onclick={act(Action::Slow { node: id, handle_us: SLOW_HANDLE_US })} data-testid="slow">{ lang.text("ui.inspector.slow") }</button>
                }
                <button onclick={act(Action::Partition { groups: vec![vec![id], others] })} data-testid="isolate">
                    { lang.text("ui.inspector.isolate") }
                </button>
                if shopper {
                    <BasketForm shopper={id} items={m.scenario.workload.items} customers={m.scenario.workload.customers}
                                cursor_us={props.cursor_us} playing={props.playing} on_act={props.on_act.clone()} />
                }
            </div>
            <p class="muted">{ lang.text("ui.inspector.fork") }</p>
        </section>
    }
}
