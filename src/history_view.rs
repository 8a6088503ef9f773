//! The shoppers' history, as the linearizability checker sees it: one lane per shopper, a bar per checkout or read
//! from its sending to its answer (its result in its colour and tooltip), the faults on the same time axis, and the
//! player's moment as a line. Only what had happened by that moment is drawn, so the history grows as the run plays.
//! When the history is not linearizable, the witness's operations are outlined and named, and the reason is said
//! in words under the diagram; a click on a bar moves the player to its answer, a click elsewhere to that moment.

use crate::model::Model;
use protosim::linearizability::{LinVerdict, Op, OpResult};
use protosim::scenario::NodeId;
use yew::prelude::*;

const LEFT: f64 = 84.0;
const WIDTH: f64 = 620.0;
/// Height of one lane; a shopper's operations that overlap in time take one of [`ROWS`] rows in it.
const LANE: f64 = 36.0;
const ROWS: usize = 3;
/// At most this many operations are drawn (the most recent before the cursor, and every one of the witness).
const MAX_OPS: usize = 1_500;

#[derive(Properties, PartialEq)]
pub struct HistoryViewProps {
    pub model: std::rc::Rc<Model>,
    pub cursor_us: u64,
    /// A click: the answer of the operation clicked, or the simulated time under the pointer.
    pub on_seek: Callback<u64>,
}

/// What a bar shows: a CSS class and the result in words.
fn result_class(op: &Op) -> &'static str {
    match op.result {
        OpResult::Confirmed { .. } => "confirmed",
        OpResult::OutOfStock { .. } | OpResult::InsufficientFunds { .. } => "refused",
        OpResult::Stock { .. } => "read",
        OpResult::Failed if op.read.is_none() => "aborted",
        OpResult::Failed | OpResult::Unknown => "open",
    }
}

/// The time axis under the lanes: a tick every 0.1, 0.2, 0.5, 1, 2, 5, … s, at most ten along a run of `end_us`.
fn axis_ticks(lang: &protosim::i18n::Language, end_us: u64, height: f64, x: &dyn Fn(u64) -> f64) -> Vec<Html> {
    let step_us = [100_000u64, 200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000, 60_000_000]
        .into_iter()
        .find(|s| end_us / s <= 10)
        .unwrap_or(60_000_000);
    (0..=end_us / step_us)
        .map(|k| {
            let at = k * step_us;
            let secs =
                if step_us < 1_000_000 { format!("{:.1}", at as f64 / 1e6) } else { (at / 1_000_000).to_string() };
            let label = lang.render(&protosim::note!("ui.history.tick", s = secs));
            html! {
                <g class="h-tick">
                    <line x1={x(at).to_string()} y1={(height - 16.0).to_string()} x2={x(at).to_string()} y2={(height - 12.0).to_string()} />
                    <text x={x(at).to_string()} y={(height - 2.0).to_string()} text-anchor="middle">{ label }</text>
                </g>
            }
        })
        .collect()
}

/// A bar per operation sent by the player's moment (the most recent [`MAX_OPS`], and every one of the witness), in
/// its shopper's lane (`shoppers`, in order) from `top`: each takes the first of its lane's rows free at its call.
fn op_bars(
    props: &HistoryViewProps,
    lang: &protosim::i18n::Language,
    shoppers: &[NodeId],
    witness: &[u64],
    top: f64,
) -> Vec<Html> {
    let m = &props.model;
    let t = props.cursor_us;
    let end = m.end_us.max(1);
    let x = move |us: u64| LEFT + WIDTH * us.min(end) as f64 / end as f64;
    let lane_of = |n: NodeId| shoppers.iter().position(|&s| s == n).unwrap_or(0);
    let name = |n: NodeId| m.nodes.get(usize::from(n)).map_or_else(|| format!("node {n}"), |i| i.name.clone());
    // The operations sent by the cursor, most recent last; each takes the first row of its lane free at its call.
    let shown: Vec<&Op> = m.history.ops.iter().filter(|o| o.call_us <= t).collect();
    let skip = shown.len().saturating_sub(MAX_OPS);
    let mut row_free = vec![[0u64; ROWS]; shoppers.len()];
    shown.iter().enumerate().map(|(i, op)| {
        let lane = lane_of(op.shopper);
        let done = op.answered_us.filter(|&a| a <= t);
        let until = done.unwrap_or(t);
        let row = (0..ROWS).find(|&r| row_free[lane][r] <= op.call_us).unwrap_or(i % ROWS);
        row_free[lane][row] = until + end / 400;
        let in_witness = witness.contains(&op.request_id);
        if i < skip && !in_witness {
            return html! {};
        }
        let y = top + LANE * lane as f64 + 6.0 + 10.0 * row as f64;
        let (x1, x2) = (x(op.call_us), x(until));
        let what = match (op.read, done) {
            (_, None) => lang.render(&protosim::note!("ui.history.open", id = op.request_id)),
            _ => lang.render(&op.note(&name(op.shopper))),
        };
        let class = if done.is_some() { result_class(op) } else { "open" };
        let seek_to = done.unwrap_or(op.call_us);
        let on_seek = props.on_seek.clone();
        let onclick = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_seek.emit(seek_to);
        });
        html! {
            <g class={classes!("h-op", class, in_witness.then_some("witness"))} data-testid="history-op"
               data-id={op.request_id.to_string()} data-result={class} onclick={onclick}>
                <title>{ what }</title>
                <rect x={x1.to_string()} y={y.to_string()} width={(x2 - x1).max(2.5).to_string()} height="7" rx="2" />
                if in_witness {
                    <text x={x1.to_string()} y={(y - 1.5).to_string()}>{ format!("#{}", op.request_id) }</text>
                }
            </g>
        }
    }).collect()
}

#[component]
pub fn HistoryView(props: &HistoryViewProps) -> Html {
    let lang = crate::lang::use_lang();
    let m = &props.model;
    let h = &m.history;
    let t = props.cursor_us;
    let end = m.end_us.max(1);
    let x = move |us: u64| LEFT + WIDTH * us.min(end) as f64 / end as f64;
    let witness: Vec<u64> = match (&m.linearizability.verdict, &m.linearizability.witness) {
        (LinVerdict::Violated, Some(w)) => w.ops.iter().map(|o| o.request_id).collect(),
        _ => Vec::new(),
    };
    let mut shoppers: Vec<NodeId> = h.ops.iter().map(|o| o.shopper).collect();
    shoppers.sort_unstable();
    shoppers.dedup();
    let top = 8.0;
    let height = top + LANE * shoppers.len().max(1) as f64 + 18.0;
    let ticks = axis_ticks(lang, end, height, &x);
    let name = |n: NodeId| m.nodes.get(usize::from(n)).map_or_else(|| format!("node {n}"), |i| i.name.clone());
    let bars = op_bars(props, lang, &shoppers, &witness, top);
    let lanes = shoppers.iter().enumerate().map(|(k, &n)| {
        let y = top + LANE * k as f64;
        html! {
            <g class="lane">
                <text x={(LEFT - 8.0).to_string()} y={(y + LANE / 2.0 + 4.0).to_string()} text-anchor="end">{ name(n) }</text>
                <line x1={LEFT.to_string()} y1={(y + LANE).to_string()} x2={(LEFT + WIDTH).to_string()} y2={(y + LANE).to_string()} />
            </g>
        }
    });
    let faults = m.faults.iter().filter(|(at, _)| *at <= t).map(|(at, label)| {
        html! {
            <g class="h-fault">
                <title>{ lang.render(label) }</title>
                <line x1={x(*at).to_string()} y1="10" x2={x(*at).to_string()} y2={(height - 4.0).to_string()} />
            </g>
        }
    });
    let onclick = {
        let on_seek = props.on_seek.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(frac) = crate::cluster::click_fraction(&e, LEFT, WIDTH) {
                on_seek.emit((frac * end as f64) as u64);
            }
        })
    };
    let reason = (!witness.is_empty()).then(|| {
        let names = |n: NodeId| name(n);
        lang.render(&m.linearizability.note(&names))
    });
    html! {
        <figure class="history-view" data-testid="history-view" data-witness={witness.len().to_string()}>
            <figcaption>{ lang.text("ui.history.title") }
                <span class="h-legend">
                    <span class="h-key confirmed">{ lang.text("ui.history.confirmed") }</span>
                    <span class="h-key refused">{ lang.text("ui.history.refused") }</span>
                    <span class="h-key read">{ lang.text("ui.history.read") }</span>
                    <span class="h-key open">{ lang.text("ui.history.pending") }</span>
                </span>
            </figcaption>
            <svg viewBox={format!("0 0 {} {height}", LEFT + WIDTH + 8.0)} onclick={onclick} role="img"
                 aria-label={lang.text("ui.history.title")}>
                { for lanes }
                { for ticks.into_iter() }
                { for faults }
                { for bars.into_iter() }
                <line class="h-cursor" x1={x(t).to_string()} y1="4" x2={x(t).to_string()} y2={height.to_string()} />
            </svg>
            if let Some(r) = reason {
                <p class="h-reason" data-testid="history-reason">{ r }</p>
            }
        </figure>
    }
}
