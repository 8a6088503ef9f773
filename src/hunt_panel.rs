//! The bug hunt in the page: pick a mistaken variant, press "find a counterexample". The hunt
//! ([`protosim::hunt::Hunt`]) runs in slices of about 30 ms between timer callbacks, so the page keeps drawing and
//! the progress bar moves; it stops at the first violation, shrinks the fault schedule and hands the result to the
//! player, paused at the breaking event.

use crate::now_ms;
use protosim::hunt::{Hunt, Progress};
use protosim::i18n::Language;
use protosim::narration::Note;
use protosim::note;
use protosim::scenario::ProtocolKind;
use protosim::Scenario;
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Seeds the page tries before it gives up.
pub const MAX_SEEDS: u64 = 2_000;
/// Work per slice before the page gets the thread back (ms).
const SLICE_MS: f64 = 30.0;

/// Every mistaken variant of every protocol: (protocol, variant).
pub fn mistaken_variants() -> Vec<(ProtocolKind, &'static str)> {
    protosim::protocols::kinds()
        .flat_map(|k| {
            protosim::protocols::info(k).variants.iter().filter(|v| v.name != "correct").map(move |v| (k, v.name))
        })
        .collect()
}

/// A counterexample ready for the player: the shrunk scenario and when it breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub scenario: Scenario,
    pub at_us: u64,
    /// What was found, in words (rendered in the reader's language when shown).
    pub summary: Note,
}

#[derive(Properties, PartialEq)]
pub struct HuntPanelProps {
    /// The scenario on screen: its protocol and variant pick the default choice.
    pub scenario: Scenario,
    pub on_found: Callback<Found>,
}

#[derive(Clone, Debug, PartialEq, Default)]
struct Shown {
    running: bool,
    progress: Option<Progress>,
    runs: u64,
    runs_per_s: f64,
    elapsed_ms: f64,
    message: Option<Note>,
}

#[component]
pub fn HuntPanel(props: &HuntPanelProps) -> Html {
    let lang = crate::lang::use_lang();
    let choices = use_memo((), |_| mistaken_variants());
    let default_choice = choices
        .iter()
        .position(|(k, v)| *k == props.scenario.protocol && *v == props.scenario.variant)
        .or_else(|| choices.iter().position(|(k, _)| *k == props.scenario.protocol))
        .unwrap_or(0);
    let choice = use_state(|| default_choice);
    let shown = use_state(Shown::default);
    // The running hunt and a generation number: cancelling or starting again bumps it, so old slices stop.
    let hunt = use_mut_ref(|| (0u64, None::<Hunt>));
    // Leaving the tab stops the hunt (its next slice sees a new generation and does nothing).
    {
        let hunt = hunt.clone();
        use_effect_with((), move |_| {
            move || {
                let mut h = hunt.borrow_mut();
                h.0 += 1;
                h.1 = None;
            }
        });
    }

    let start = {
        let hunt = hunt.clone();
        let shown = shown.clone();
        let choices = choices.clone();
        let choice = *choice;
        let on_found = props.on_found.clone();
        Callback::from(move |_| {
            let (kind, variant) = choices[choice];
            let generation = {
                let mut h = hunt.borrow_mut();
                h.0 += 1;
                h.1 = Some(Hunt::new(protosim::hunt::base(kind, variant), MAX_SEEDS));
                h.0
            };
            shown.set(Shown { running: true, ..Shown::default() });
            slice(hunt.clone(), generation, shown.setter(), on_found.clone(), now_ms());
        })
    };
    let cancel = {
        let hunt = hunt.clone();
        let shown = shown.clone();
        Callback::from(move |_| {
            let mut h = hunt.borrow_mut();
            h.0 += 1;
            h.1 = None;
            shown.set(Shown { message: Some(note!("ui.hunt.cancelled")), ..Shown::default() });
        })
    };
    let on_choice = {
        let choice = choice.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(i) = sel.value().parse() {
                choice.set(i);
            }
        })
    };
    let (kind, variant) = choices[*choice];
    let explain = protosim::protocols::info(kind).variant_named_in(variant, lang);
    let (value, max, phase) = progress_text(lang, &shown.progress);
    html! {
        <section class="hunt panel" aria-label={lang.text("ui.tab.hunt")} data-testid="hunt">
            <h2>{ lang.text("ui.tab.hunt") }</h2>
            <p>{ lang.text("ui.hunt.intro") }</p>
            <label>{ lang.text("ui.hunt.mistake") }
                <select onchange={on_choice} data-testid="hunt-variant" disabled={shown.running}>
                    { for choices.iter().enumerate().map(|(i, (k, v))| html! {
                        <option value={i.to_string()} selected={i == *choice}>{ format!("{} · {v}", k.name()) }</option>
                    }) }
                </select>
            </label>
            <p class="explain">{ explain }</p>
            if shown.running {
                <button onclick={cancel} data-testid="hunt-cancel">{ lang.text("ui.hunt.cancel") }</button>
            } else {
                <button class="primary" onclick={start} data-testid="hunt-start">{ lang.text("ui.hunt.start") }</button>
            }
            if shown.progress.is_some() {
                <div class="hunt-progress" data-testid="hunt-progress" data-runs={shown.runs.to_string()}>
                    <progress max={max.to_string()} value={value.to_string()} aria-label={lang.text("ui.hunt.progress")} />
                    <span>{ lang.render(&note!(
                        "ui.hunt.status",
                        phase,
                        runs = shown.runs,
                        rate = format!("{:.0}", shown.runs_per_s),
                        s = format!("{:.1}", shown.elapsed_ms / 1000.0)
                    )) }</span>
                </div>
            }
            if let Some(m) = &shown.message {
                <p class="hunt-message" data-testid="hunt-message">{ lang.render(m) }</p>
            }
        </section>
    }
}

/// The progress bar's value and maximum, and what the hunt is doing, in words.
fn progress_text(lang: &Language, progress: &Option<Progress>) -> (f64, f64, String) {
    match progress {
        Some(Progress::Searching { tried, max }) => {
            (*tried as f64, *max as f64, lang.render(&note!("ui.hunt.searching", seed = tried + 1, max = *max)))
        }
        Some(Progress::Shrinking { seed, left, before }) => (
            (before - left) as f64,
            *before as f64,
            lang.render(&note!("ui.hunt.shrinking", seed = *seed, left = *left, before = *before)),
        ),
        Some(Progress::Found) => (1.0, 1.0, lang.text("ui.hunt.found")),
        Some(Progress::GaveUp { tried }) => (1.0, 1.0, lang.render(&note!("ui.hunt.gave-up", tried = *tried))),
        None => (0.0, 1.0, String::new()),
    }
}

type Slot = Rc<RefCell<(u64, Option<Hunt>)>>;

/// One slice of work, then the next slice on a fresh timer task (the page draws in between).
fn slice(hunt: Slot, generation: u64, shown: UseStateSetter<Shown>, on_found: Callback<Found>, started: f64) {
    let t0 = now_ms();
    let mut h = hunt.borrow_mut();
    if h.0 != generation {
        return;
    }
    let Some(run) = h.1.as_mut() else { return };
    while now_ms() - t0 < SLICE_MS {
        if run.work(1) {
            break;
        }
    }
    let elapsed_ms = now_ms() - started;
    let mut next = Shown {
        running: !run.is_over(),
        progress: Some(run.progress()),
        runs: run.runs,
        runs_per_s: run.runs as f64 / (elapsed_ms / 1000.0).max(1e-3),
        elapsed_ms,
        message: None,
    };
    if run.is_over() {
        match run.result() {
            Some(c) => {
                let net = &c.scenario.network.default;
                let kept = match c.scenario.interventions.len() {
                    0 if net.loss > 0.0 || net.dup > 0.0 => note!(
                        "ui.hunt.kept.background",
                        loss = format!("{:.0}", net.loss * 100.0),
                        dup = format!("{:.0}", net.dup * 100.0)
                    ),
                    0 => note!("ui.hunt.kept.workload"),
                    n => note!("ui.hunt.kept.some", n),
                };
                let took = if elapsed_ms < 1000.0 {
                    note!("ui.hunt.took.ms", ms = format!("{elapsed_ms:.0}"))
                } else {
                    note!("ui.hunt.took.s", s = format!("{:.1}", elapsed_ms / 1000.0))
                };
                let summary = note!(
                    "ui.hunt.summary",
                    seed = c.seed,
                    invariant = c.violation.invariant.to_string(),
                    at_s = format!("{:.3}", c.violation.at_us as f64 / 1e6),
                    before = c.interventions_before,
                    kept,
                    runs = run.runs,
                    took
                );
                next.message = Some(summary.clone());
                let found = Found { scenario: c.scenario.clone(), at_us: c.violation.at_us, summary };
                h.1 = None;
                drop(h);
                shown.set(next);
                on_found.emit(found);
                return;
            }
            None => next.message = Some(note!("ui.hunt.none", seeds = MAX_SEEDS)),
        }
        h.1 = None;
        shown.set(next);
        return;
    }
    drop(h);
    shown.set(next);
    gloo::timers::callback::Timeout::new(0, move || slice(hunt, generation, shown, on_found, started)).forget();
}
