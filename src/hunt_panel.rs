//! The bug hunt in the page: pick a mistaken variant, press "find a counterexample". The hunt
//! ([`protosim::hunt::Hunt`]) runs in slices of about 30 ms between timer callbacks, so the page keeps drawing and
//! the progress bar moves; it stops at the first violation, shrinks the fault schedule and hands the result to the
//! player, paused at the breaking event.

use crate::now_ms;
use protosim::hunt::{Hunt, Progress};
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
    pub summary: String,
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
    message: Option<String>,
}

#[component]
pub fn HuntPanel(props: &HuntPanelProps) -> Html {
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
            shown.set(Shown { message: Some("Hunt cancelled.".into()), ..Shown::default() });
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
    let lang = crate::lang::use_lang();
    let explain = protosim::protocols::info(kind).variant_named_in(variant, lang);
    let (value, max, phase) = progress_text(&shown.progress);
    html! {
        <section class="hunt panel" aria-label="Bug hunt" data-testid="hunt">
            <h2>{ "Bug hunt" }</h2>
            <p>{ "Pick a textbook mistake and let the page search for a schedule of crashes, partitions and lossy \
                  links that breaks a safety rule. It stops at the first violation, removes every fault it can \
                  while the rule still breaks, and opens the result in the player at the breaking event." }</p>
            <label>{ "Mistake " }
                <select onchange={on_choice} data-testid="hunt-variant" disabled={shown.running}>
                    { for choices.iter().enumerate().map(|(i, (k, v))| html! {
                        <option value={i.to_string()} selected={i == *choice}>{ format!("{} · {v}", k.name()) }</option>
                    }) }
                </select>
            </label>
            <p class="explain">{ explain }</p>
            if shown.running {
                <button onclick={cancel} data-testid="hunt-cancel">{ "Cancel" }</button>
            } else {
                <button class="primary" onclick={start} data-testid="hunt-start">{ "Find a counterexample" }</button>
            }
            if shown.progress.is_some() {
                <div class="hunt-progress" data-testid="hunt-progress" data-runs={shown.runs.to_string()}>
                    <progress max={max.to_string()} value={value.to_string()} aria-label="Hunt progress" />
                    <span>{ format!("{phase} · {} runs · {:.0} runs/s · {:.1} s", shown.runs, shown.runs_per_s,
                                    shown.elapsed_ms / 1000.0) }</span>
                </div>
            }
            if let Some(m) = &shown.message {
                <p class="hunt-message" data-testid="hunt-message">{ m.clone() }</p>
            }
        </section>
    }
}

/// The progress bar's value and maximum, and what the hunt is doing, in words.
fn progress_text(progress: &Option<Progress>) -> (f64, f64, String) {
    match progress {
        Some(Progress::Searching { tried, max }) => {
            (*tried as f64, *max as f64, format!("trying random fault schedules: seed {} of at most {max}", tried + 1))
        }
        Some(Progress::Shrinking { seed, left, before }) => (
            (before - left) as f64,
            *before as f64,
            format!("seed {seed} broke a rule; shrinking its schedule: {left} of {before} interventions left"),
        ),
        Some(Progress::Found) => (1.0, 1.0, "found".into()),
        Some(Progress::GaveUp { tried }) => (1.0, 1.0, format!("no violation in {tried} seeds")),
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
                    0 if net.loss > 0.0 || net.dup > 0.0 => format!(
                        "none was needed: the run's background loss ({:.0}%) and duplication ({:.0}%) are enough",
                        net.loss * 100.0,
                        net.dup * 100.0
                    ),
                    0 => "none was needed: the workload alone breaks it".to_string(),
                    1 => "one is left, and without it the violation disappears".to_string(),
                    n => format!("{n} are left, and removing any one of them makes the violation disappear"),
                };
                let took = if elapsed_ms < 1000.0 {
                    format!("{elapsed_ms:.0} ms")
                } else {
                    format!("{:.1} s", elapsed_ms / 1000.0)
                };
                let summary = format!(
                    "Seed {} broke {} at {:.3} s. Of its schedule's {} interventions {kept} ({} runs, {took}).",
                    c.seed,
                    c.violation.invariant,
                    c.violation.at_us as f64 / 1e6,
                    c.interventions_before,
                    run.runs,
                );
                next.message = Some(summary.clone());
                let found = Found { scenario: c.scenario.clone(), at_us: c.violation.at_us, summary };
                h.1 = None;
                drop(h);
                shown.set(next);
                on_found.emit(found);
                return;
            }
            None => next.message = Some(format!("No counterexample in {MAX_SEEDS} seeds.")),
        }
        h.1 = None;
        shown.set(next);
        return;
    }
    drop(h);
    shown.set(next);
    gloo::timers::callback::Timeout::new(0, move || slice(hunt, generation, shown, on_found, started)).forget();
}
