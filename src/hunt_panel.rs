//! The bug hunt in the page: pick a mistaken variant, press "find a counterexample". The search for a violating
//! seed runs in Web Workers, one per core ([`crate::hunt_worker`]); where workers cannot run (the single-file copy
//! from `file://`, a host without the worker's files) it runs in the page. Shrinking, and the whole hunt in the
//! page, run in slices of about 30 ms between timer callbacks ([`protosim::hunt::Hunt`]), so the page keeps
//! drawing and the progress bar moves. Either way the hunt finds the same seed and shrinks it to the same
//! counterexample, then hands it to the player, paused at the breaking event.

use crate::hunt_worker::{self, Done, Job, Search};
use crate::now_ms;
use protosim::hunt::{Hunt, Progress};
use protosim::i18n::Language;
use protosim::narration::Note;
use protosim::note;
use protosim::scenario::ProtocolKind;
use protosim::Scenario;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
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
    /// Web Workers searching (0: the page itself).
    workers: usize,
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
    let hunt = use_mut_ref(Running::default);
    // Leaving the tab stops the hunt (its next slice sees a new generation and does nothing).
    {
        let hunt = hunt.clone();
        use_effect_with((), move |_| {
            move || {
                hunt.borrow_mut().stop();
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
            let generation = hunt.borrow_mut().stop();
            shown.set(Shown { running: true, ..Shown::default() });
            let ctx = Ctx {
                slot: hunt.clone(),
                generation,
                shown: shown.setter(),
                on_found: on_found.clone(),
                started: now_ms(),
            };
            begin(ctx, protosim::hunt::base(kind, variant));
        })
    };
    let cancel = {
        let hunt = hunt.clone();
        let shown = shown.clone();
        Callback::from(move |_| {
            hunt.borrow_mut().stop();
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
                { progress_bar(lang, &shown) }
            }
            if let Some(m) = &shown.message {
                <p class="hunt-message" data-testid="hunt-message">{ lang.render(m) }</p>
            }
        </section>
    }
}

/// The hunt's progress bar, where it searches (while it does) and its figures.
fn progress_bar(lang: &Language, shown: &Shown) -> Html {
    let (value, max, phase) = progress_text(lang, &shown.progress);
    html! {
        <div class="hunt-progress" data-testid="hunt-progress" data-runs={shown.runs.to_string()}>
            <progress max={max.to_string()} value={value.to_string()} aria-label={lang.text("ui.hunt.progress")} />
            if matches!(shown.progress, Some(Progress::Searching { .. })) {
                <span data-testid="hunt-where" data-workers={shown.workers.to_string()}>
                    { lang.render(&note!("ui.hunt.where", workers = shown.workers)) }{ " · " }
                </span>
            }
            <span>{ lang.render(&note!(
                "ui.hunt.status",
                phase,
                runs = shown.runs,
                rate = format!("{:.0}", shown.runs_per_s),
                s = format!("{:.1}", shown.elapsed_ms / 1000.0)
            )) }</span>
        </div>
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

/// The hunt under way: its generation (starting, cancelling or leaving bumps it, so stale slices and worker answers
/// do nothing), the workers' search while it lasts, then the hunt the page shrinks in slices.
#[derive(Default)]
struct Running {
    generation: u64,
    /// Web Workers the search ran in (0: the page).
    workers: usize,
    pool: Option<Pool>,
    hunt: Option<Hunt>,
}

impl Running {
    /// Stops whatever runs (dropping the pool ends its workers) and returns the new generation.
    fn stop(&mut self) -> u64 {
        self.generation += 1;
        self.pool = None;
        self.hunt = None;
        self.workers = 0;
        self.generation
    }
}

/// The workers' search: the base scenario (and its JSON, sent with each job), the bookkeeping, the workers (ended
/// when the pool is dropped) with their event handlers, and which of them said they are ready.
struct Pool {
    base: Scenario,
    json: String,
    search: Search,
    workers: Vec<web_sys::Worker>,
    ready: Vec<bool>,
    _handlers: Vec<Closure<dyn FnMut(web_sys::Event)>>,
}

impl Pool {
    fn send(&mut self, worker: usize, generation: u64) {
        if let Some((from, to)) = self.search.next_range() {
            let job = Job { hunt: generation, from, to, base: self.json.clone() };
            let _ = self.workers[worker].post_message(&job.to_text().into());
        }
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        for w in &self.workers {
            w.terminate();
            w.set_onmessage(None);
            w.set_onerror(None);
        }
    }
}

type Slot = Rc<RefCell<Running>>;

/// What each step of a hunt needs to carry on.
#[derive(Clone)]
struct Ctx {
    slot: Slot,
    generation: u64,
    shown: UseStateSetter<Shown>,
    on_found: Callback<Found>,
    started: f64,
}

/// Starts a hunt over `base`: in one worker per core when the page is served over http(s) and can start them, else
/// in the page.
#[inline(never)] // one copy, not one in each caller: the page's bundle is over its size target
fn begin(ctx: Ctx, base: Scenario) {
    match spawn_pool(&ctx, &base) {
        Some(pool) => {
            let workers = pool.workers.len();
            let mut r = ctx.slot.borrow_mut();
            r.workers = workers;
            r.pool = Some(pool);
            ctx.shown.set(Shown {
                running: true,
                progress: Some(Progress::Searching { tried: 0, max: MAX_SEEDS }),
                workers,
                ..Shown::default()
            });
        }
        None => in_page(&ctx, base),
    }
}

/// The hunt in the page, from its first seed.
fn in_page(ctx: &Ctx, base: Scenario) {
    let mut r = ctx.slot.borrow_mut();
    r.workers = 0;
    r.hunt = Some(Hunt::new(base, MAX_SEEDS));
    drop(r);
    slice(ctx.clone());
}

/// One worker per core, each answering into [`answered`] and reporting errors to [`failed`]; `None` where workers
/// cannot run.
fn spawn_pool(ctx: &Ctx, base: &Scenario) -> Option<Pool> {
    let window = web_sys::window()?;
    let http = matches!(window.location().protocol().ok()?.as_str(), "http:" | "https:");
    if !http || !js_sys::Reflect::has(&window, &"Worker".into()).unwrap_or(false) {
        return None;
    }
    let n = (window.navigator().hardware_concurrency() as usize).clamp(1, hunt_worker::MAX_WORKERS);
    let mut workers: Vec<web_sys::Worker> = Vec::with_capacity(n);
    let mut handlers = Vec::with_capacity(2 * n);
    for i in 0..n {
        let Ok(w) = web_sys::Worker::new(hunt_worker::LOADER) else {
            workers.iter().for_each(web_sys::Worker::terminate);
            return None;
        };
        let on_message = {
            let ctx = ctx.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |e: web_sys::Event| {
                let text = e.dyn_ref::<web_sys::MessageEvent>().and_then(|m| m.data().as_string()).unwrap_or_default();
                answered(&ctx, i, &text);
            })
        };
        let on_error = {
            let ctx = ctx.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| failed(&ctx, i))
        };
        w.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        w.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        handlers.extend([on_message, on_error]);
        workers.push(w);
    }
    Some(Pool {
        base: base.clone(),
        json: base.to_json(),
        search: Search::new(MAX_SEEDS),
        workers,
        ready: vec![false; n],
        _handlers: handlers,
    })
}

/// A worker failed. Before it ever said it was ready its bundle did not load (missing files, a browser that will
/// not run it): the page hunts by itself instead. After, it broke while running: the hunt stops and says so.
#[inline(never)]
fn failed(ctx: &Ctx, worker: usize) {
    let mut r = ctx.slot.borrow_mut();
    if r.generation != ctx.generation {
        return;
    }
    let Some(pool) = r.pool.take() else { return };
    let loaded = pool.ready[worker];
    let base = pool.base.clone();
    drop(r);
    end_workers(pool);
    if loaded {
        ctx.shown.set(Shown { message: Some(note!("ui.hunt.worker-stopped")), ..Shown::default() });
    } else {
        in_page(ctx, base);
    }
}

/// A worker's message: `ready` (hand it a range), or an answer: hand it the next range, show the progress, and once
/// the lowest violating seed is certain, end the workers and shrink in the page.
#[inline(never)]
fn answered(ctx: &Ctx, worker: usize, text: &str) {
    let mut r = ctx.slot.borrow_mut();
    if r.generation != ctx.generation {
        return;
    }
    let Some(pool) = r.pool.as_mut() else { return };
    if text == hunt_worker::READY {
        pool.ready[worker] = true;
        return pool.send(worker, ctx.generation);
    }
    if text.starts_with(hunt_worker::FAILED) {
        // Its wasm did not load (the loader says so: a failed promise never reaches `onerror`).
        drop(r);
        return failed(ctx, worker);
    }
    let d = Done::parse(text).unwrap_or_else(|| Done {
        hunt: ctx.generation,
        from: 0,
        to: 0,
        violating: None,
        runs: 0,
        events: 0,
        error: Some(format!("unreadable answer from a worker: {text:?}")),
    });
    if d.hunt != ctx.generation {
        return;
    }
    if let Some(error) = d.error {
        let pool = r.pool.take().expect("the pool is there");
        drop(r);
        end_workers(pool);
        ctx.shown.set(Shown { message: Some(note!("ui.hunt.error", error)), ..Shown::default() });
        return;
    }
    pool.search.answer(d.from, d.violating, d.runs, d.events);
    pool.send(worker, ctx.generation);
    let elapsed_ms = now_ms() - ctx.started;
    let workers = pool.workers.len();
    let Some((lowest, events)) = pool.search.outcome() else {
        let runs = pool.search.runs();
        ctx.shown.set(Shown {
            running: true,
            progress: Some(Progress::Searching { tried: pool.search.tried(), max: MAX_SEEDS }),
            runs,
            runs_per_s: per_s(runs, elapsed_ms),
            elapsed_ms,
            workers,
            ..Shown::default()
        });
        return;
    };
    let pool = r.pool.take().expect("the pool is there");
    let base = pool.base.clone();
    r.hunt = match lowest {
        Some(offset) => Hunt::shrinking_from(base, MAX_SEEDS, offset, events),
        None => Some(Hunt::gave_up(base, MAX_SEEDS, events)),
    };
    let lost = r.hunt.is_none();
    drop(r);
    end_workers(pool);
    if lost {
        // A seed a worker saw break a rule does not break it here: the page and the worker disagree.
        let error = format!("seed offset {lowest:?} broke a rule in a worker but not in the page");
        ctx.shown.set(Shown { message: Some(note!("ui.hunt.error", error)), ..Shown::default() });
        return;
    }
    slice(ctx.clone());
}

/// Runs per second of the page's time.
fn per_s(runs: u64, elapsed_ms: f64) -> f64 {
    runs as f64 / (elapsed_ms / 1000.0).max(1e-3)
}

/// Ends the workers at once, and drops their handlers once the current handler has returned.
fn end_workers(pool: Pool) {
    for w in &pool.workers {
        w.terminate();
    }
    gloo::timers::callback::Timeout::new(0, move || drop(pool)).forget();
}

/// One slice of work, then the next slice on a fresh timer task (the page draws in between).
#[inline(never)]
fn slice(ctx: Ctx) {
    let Ctx { slot: hunt, generation, shown, on_found, started } = ctx.clone();
    let t0 = now_ms();
    let mut h = hunt.borrow_mut();
    if h.generation != generation {
        return;
    }
    let workers = h.workers;
    let Some(run) = h.hunt.as_mut() else { return };
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
        runs_per_s: per_s(run.runs, elapsed_ms),
        elapsed_ms,
        workers,
        ..Shown::default()
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
                    took,
                    searched = note!("ui.hunt.searched", workers)
                );
                next.message = Some(summary.clone());
                let found = Found { scenario: c.scenario.clone(), at_us: c.violation.at_us, summary };
                h.hunt = None;
                drop(h);
                shown.set(next);
                on_found.emit(found);
                return;
            }
            None => next.message = Some(note!("ui.hunt.none", seeds = MAX_SEEDS)),
        }
        h.hunt = None;
        shown.set(next);
        return;
    }
    drop(h);
    shown.set(next);
    gloo::timers::callback::Timeout::new(0, move || slice(ctx)).forget();
}
