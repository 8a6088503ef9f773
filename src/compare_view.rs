//! Compare: the scenario on screen next to the same workload, seed and fault schedule under another mechanism or
//! variant ([`protosim::compare::translate`]). One player drives both pictures; the charts overlay the two runs
//! (B dashed); a table sums them up. Interventions are made in the explorer; this view only watches.

use crate::cluster::Cluster;
use crate::model::Model;
use crate::player::{
    on_range, speed_text, use_animation_frames, Player, PlayerAction, SPEED_LOG_DEFAULT, SPEED_LOG_MAX, SPEED_LOG_MIN,
};
use protosim::compare::Summary;
use protosim::i18n::Language;
use protosim::note;
use protosim::scenario::ProtocolKind;
use std::rc::Rc;
use yew::prelude::*;

/// The other side a comparison starts with: the natural opponent of each mechanism.
pub fn default_other(s: &protosim::Scenario) -> (ProtocolKind, String) {
    if s.variant != "correct" {
        return (s.protocol, "correct".into());
    }
    let kind = protosim::protocols::info(s.protocol).compare_with;
    (kind, "correct".into())
}

#[derive(Properties, PartialEq)]
pub struct CompareViewProps {
    pub a: Rc<Model>,
    pub b: Rc<Model>,
    /// The other side was changed: protocol and variant.
    pub on_pick: Callback<(ProtocolKind, String)>,
}

fn label(m: &Model) -> String {
    if m.scenario.variant == "correct" {
        m.scenario.protocol.name().to_string()
    } else {
        format!("{} ({})", m.scenario.protocol.name(), m.scenario.variant)
    }
}

#[component]
pub fn CompareView(props: &CompareViewProps) -> Html {
    let lang = crate::lang::use_lang();
    let (a, b) = (props.a.clone(), props.b.clone());
    let end_us = a.end_us.max(b.end_us);
    // Long runs may keep only their latest history: the pictures start where both have theirs.
    let start_us = a.history_from_us.max(b.history_from_us).min(end_us);
    let player = use_reducer(|| Player {
        cursor_us: start_us as f64,
        start_us,
        end_us,
        playing: false,
        speed_log: SPEED_LOG_DEFAULT,
        pause_at: None,
        speed_before: None,
        partial: false,
        pending_us: None,
    });
    {
        let d = player.dispatcher();
        use_animation_frames(player.playing, Callback::from(move |dt| d.dispatch(PlayerAction::Tick(dt))));
    }
    let cursor = player.cursor_us as u64;
    let (la, lb) = (label(&a), label(&b));
    // Keyed by the runs' addresses (comparing two runs by value on every frame would cost more than the memo).
    let key = (Rc::as_ptr(&a) as usize, Rc::as_ptr(&b) as usize);
    let charts = use_memo((key, crate::lang::Lang(lang)), {
        let (a, b) = (a.clone(), b.clone());
        move |(_, lang)| Rc::new(crate::charts::charts(lang.0, &a.series, Some((&b.series, &label(&b))), &label(&a)))
    });
    let faults = use_memo(key, {
        let (a, b) = (a.clone(), b.clone());
        move |_| {
            let mut v: Vec<u64> = a.faults.iter().chain(b.faults.iter()).map(|(t, _)| *t).collect();
            protosim::sort::sort_dedup(&mut v);
            Rc::new(v)
        }
    });
    let p = player.dispatcher();
    let toggle = {
        let p = p.clone();
        Callback::from(move |_| p.dispatch(PlayerAction::Toggle))
    };
    let on_seek = on_range(p.clone(), |v| PlayerAction::Seek(v.max(0.0) as u64));
    let on_speed = on_range(p.clone(), PlayerAction::Speed);
    html! {
        <section class="compare" aria-label={lang.text("ui.compare")} data-testid="compare">
            <div class="controls">
                <button class="primary" onclick={toggle} data-testid="compare-play">
                    { if player.playing { lang.text("ui.player.pause") } else { lang.text("ui.compare.play") } }
                </button>
                { picker(lang, &b, &props.on_pick) }
                <label class="speed">{ lang.text("ui.player.speed") }
                    <input type="range" min={SPEED_LOG_MIN.to_string()} max={SPEED_LOG_MAX.to_string()} step="0.05"
                           value={player.speed_log.to_string()} oninput={on_speed}
                           aria-label={lang.text("ui.player.speed.label")} />
                    <output>{ speed_text(player.speed_log) }</output>
                </label>
                <span class="clock" data-testid="compare-clock" data-us={cursor.to_string()}>
                    { lang.render(&note!("ui.player.clock", s = format!("{:.3}", cursor as f64 / 1e6))) }
                </span>
                <input class="scrubber" type="range" min="0" max={end_us.to_string()} step="1000"
                       value={cursor.to_string()} oninput={on_seek} aria-label={lang.text("ui.compare.time")} />
            </div>
            <p class="hint">{ lang.text("ui.compare.hint") }</p>
            <div class="pair">
                { side(lang, &a, &format!("A · {la}"), "compare-a", cursor) }
                { side(lang, &b, &format!("B · {lb}"), "compare-b", cursor) }
            </div>
            { summary(lang, &a.summary, &b.summary, &la, &lb) }
            <crate::charts::Charts charts={(*charts).clone()} end_us={end_us} faults={(*faults).clone()} cursor_us={cursor}
                on_seek={{ let p = p.clone(); Callback::from(move |t| p.dispatch(PlayerAction::Step(t))) }} />
        </section>
    }
}

/// The other side's pickers: the mechanism and its variant.
fn picker(lang: &Language, b: &Model, on_pick: &Callback<(ProtocolKind, String)>) -> Html {
    let on_protocol = {
        let on_pick = on_pick.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(k) = protosim::protocols::parse(&sel.value()) {
                on_pick.emit((k, "correct".into()));
            }
        })
    };
    let on_variant = {
        let on_pick = on_pick.clone();
        let kind = b.scenario.protocol;
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            on_pick.emit((kind, sel.value()));
        })
    };
    html! {
        <>
            <label>{ lang.text("ui.compare.with") }
                <select onchange={on_protocol} data-testid="compare-protocol" aria-label={lang.text("ui.compare.other")}>
                    { for protosim::protocols::REGISTRY.iter().copied().map(|i| html! {
                        <option value={i.kind.name()} selected={i.kind == b.scenario.protocol}>{ i.title_in(lang) }</option>
                    }) }
                </select>
            </label>
            <select onchange={on_variant} data-testid="compare-variant" aria-label={lang.text("ui.compare.other-variant")}>
                { for protosim::protocols::info(b.scenario.protocol).variants.iter().map(|v| html! {
                    <option value={v.name} selected={v.name == b.scenario.variant}>{ v.name }</option>
                }) }
            </select>
        </>
    }
}

/// One side's picture at the cursor, with the first rule it broke by then.
fn side(lang: &Language, m: &Rc<Model>, name: &str, testid: &'static str, cursor: u64) -> Html {
    let highlight: Vec<_> = m.violations.iter().filter(|v| v.t_us <= cursor).filter_map(|v| v.node).collect();
    let broken = m.violations.iter().find(|v| v.t_us <= cursor);
    html! {
        <div class="side-by-side" data-testid={testid}>
            <h3>{ name.to_string() }
                if let Some(v) = broken {
                    <span class="bad">{ lang.render(&note!(
                        "ui.compare.side-broken",
                        invariant = v.invariant.to_string(),
                        s = format!("{:.3}", v.t_us as f64 / 1e6)
                    )) }</span>
                }
            </h3>
            <Cluster model={m.clone()} cursor_us={cursor.min(m.end_us)} highlight={highlight} />
        </div>
    }
}

/// The two runs' totals side by side.
fn summary(lang: &Language, sa: &Summary, sb: &Summary, la: &str, lb: &str) -> Html {
    let row = |what: String, f: &dyn Fn(&Summary) -> String| {
        html! { <tr><th scope="row">{ what }</th><td>{ f(sa) }</td><td>{ f(sb) }</td></tr> }
    };
    html! {
    <div class="summary-wrap">
    <table class="summary" data-testid="compare-summary">
        <thead><tr><th></th><th scope="col">{ format!("A · {la}") }</th><th scope="col">{ format!("B · {lb}") }</th></tr></thead>
        <tbody>
            { row(lang.text("ui.compare.row.confirmed"), &|s| s.confirmed.to_string()) }
            { row(lang.text("ui.compare.row.rejected"), &|s| s.rejected.to_string()) }
            { row(lang.text("ui.compare.row.aborted"), &|s| s.aborted.to_string()) }
            { row(lang.text("ui.compare.row.unanswered"), &|s| s.unanswered.to_string()) }
            { row(lang.text("ui.compare.row.latency"), &|s| lang.render(&note!(
                "ui.compare.latency",
                p50 = format!("{:.0}", s.p50_ms),
                p95 = format!("{:.0}", s.p95_ms),
                p99 = format!("{:.0}", s.p99_ms)
            ))) }
            { row(lang.text("ui.compare.row.messages"), &|s| s.messages.to_string()) }
            { row(lang.text("ui.compare.row.retries"), &|s| s.retries.to_string()) }
            { row(lang.text("ui.compare.row.safety"), &|s| match &s.first_violation {
                Some((inv, t)) => lang.render(&note!(
                    "ui.compare.broken",
                    invariant = inv.to_string(),
                    s = format!("{:.3}", *t as f64 / 1e6)
                )),
                None => lang.text("ui.compare.held"),
            }) }
        </tbody>
    </table>
    </div>
    }
}
