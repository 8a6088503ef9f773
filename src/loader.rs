//! Simulating a run and preparing it for playback, in slices when it is long, so the page stays responsive.

use crate::model::Model;
use protosim::narration::Note;
use protosim::{note, RecordOptions, Scenario, ScenarioError};
use std::cell::RefCell;
use std::rc::Rc;
use yew::prelude::*;

/// Runs a scenario for playback, narrated. No engine checkpoints: the model keeps every node's state timeline from
/// the trace, so seeking is a look-up, and checkpoints (a clone of every node's state every 2,048 events) would
/// only cost memory — about 640 MB for a 177,000-event Raft run.
///
/// The trace is consumed as it is made ([`Loader`]): a long run keeps the latest
/// [`crate::model::HISTORY_BUDGET_BYTES`] of playback history and says that the older part was dropped, so memory
/// stays bounded (the `#bench-memory` page measures a 1,000,000-event run). The page still simulates at most
/// [`PAGE_MAX_EVENTS`] events of a run, for time rather than memory: beyond that it is cut, and the explorer says so.
/// The CLI runs any length.
pub fn run_for_playback(s: &Scenario) -> Result<Model, ScenarioError> {
    run_capped(s, PAGE_MAX_EVENTS)
}

/// [`run_for_playback`] with another cap on the events simulated.
pub fn run_capped(s: &Scenario, max_events: u64) -> Result<Model, ScenarioError> {
    let mut loader = Loader::start(s, max_events)?;
    loader.advance(f64::INFINITY);
    Ok(loader.finish())
}

/// A run being simulated and prepared for playback a slice at a time, so that a long one leaves the page
/// responsive and can show its progress (see [`App`]).
pub struct Loader {
    runner: Box<dyn protosim::Runner>,
    builder: crate::model::ModelBuilder,
    scenario: Scenario,
    max_events: u64,
    done: bool,
}

impl Loader {
    pub fn start(s: &Scenario, max_events: u64) -> Result<Loader, ScenarioError> {
        Loader::with_budget(s, max_events, crate::model::HISTORY_BUDGET_BYTES)
    }

    /// Starts preparing `s` the page's way (at most [`PAGE_MAX_EVENTS`] events, a history budget of `budget`
    /// bytes): the first [`FIRST_EVENTS`] events at once, and more until [`FIRST_SLICE_MS`] have passed. Whether
    /// the run is already over comes with the loader; if not, [`continue_loading`] goes on.
    pub fn begin(s: &Scenario, budget: usize) -> Result<(Loader, bool), ScenarioError> {
        let mut l = Loader::with_budget(s, PAGE_MAX_EVENTS, budget)?;
        let done = l.advance_past(FIRST_EVENTS, FIRST_SLICE_MS);
        Ok((l, done))
    }

    /// [`Loader::start`] with another history budget (bytes), for tests of a long run on a short one.
    pub fn with_budget(s: &Scenario, max_events: u64, budget: usize) -> Result<Loader, ScenarioError> {
        let mut capped = s.clone();
        capped.limits.max_events = capped.limits.max_events.min(max_events);
        let runner = protosim::build(&capped, RecordOptions { narrate: true, checkpoint_every: 0 })?;
        let builder = crate::model::ModelBuilder::with_budget(runner.as_ref(), budget);
        Ok(Loader { runner, builder, scenario: s.clone(), max_events, done: false })
    }

    /// Simulates for about `budget_ms` of the page's time (the whole run off the page, where that clock stands
    /// still); true once the run is over.
    pub fn advance(&mut self, budget_ms: f64) -> bool {
        self.advance_past(0, budget_ms)
    }

    /// Simulates at least `events` engine events whatever the time it takes, then goes on for what is left of
    /// `budget_ms`; true once the run is over.
    pub fn advance_past(&mut self, events: u64, budget_ms: f64) -> bool {
        let t0 = crate::now_ms();
        while !self.done {
            self.done = !self.runner.step_many(1024);
            for e in self.runner.take_trace() {
                self.builder.push(self.runner.as_ref(), e);
            }
            if self.runner.metrics().events >= events && crate::now_ms() - t0 >= budget_ms {
                break;
            }
        }
        self.done
    }

    /// How far the run is, as a fraction (of its simulated time, or of the events the page simulates at most if
    /// that comes first), and in words (a note, rendered in the reader's language when shown).
    pub fn progress(&self) -> (f64, Note) {
        let (now, until) = (self.runner.now_us(), self.scenario.until_ms * 1000);
        let events = self.runner.metrics().events;
        let cap = self.max_events.min(self.scenario.limits.max_events);
        let done = (now as f64 / until.max(1) as f64).max(events as f64 / cap.max(1) as f64).min(1.0);
        let text = note!(
            "ui.loading.progress",
            now_s = format!("{:.1}", now as f64 / 1e6),
            until_s = format!("{:.0}", until as f64 / 1e6),
            events = group_thousands(events),
            cap = group_thousands(cap)
        );
        (done, text)
    }

    /// The model of the run so far, to play while the rest is simulated ([`crate::model::ModelBuilder::snapshot`]):
    /// it costs a copy of what is built ([`Loader::bytes`]).
    pub fn snapshot(&self) -> Model {
        let mut model = self.builder.snapshot(self.runner.as_ref());
        model.scenario = self.scenario.clone();
        model
    }

    /// The bytes of playback history built so far ([`crate::model::ModelBuilder::bytes`]).
    pub fn bytes(&self) -> usize {
        self.builder.bytes()
    }

    /// The model of the finished run (see [`Loader::advance`]).
    pub fn finish(self) -> Model {
        let mut model = self.builder.finish(self.runner.as_ref());
        let s = self.scenario;
        if model.stop.contains("limits.max_events") && self.max_events < s.limits.max_events {
            model.cut_short = Some(note!(
                "ui.cut-short",
                events = group_thousands(self.max_events),
                at_s = format!("{:.3}", model.end_us as f64 / 1e6),
                until_s = s.until_ms / 1000
            ));
        }
        model.scenario = s;
        model
    }
}

/// How long the page simulates a new run at once before it shows what it has and goes on in slices…
pub const FIRST_SLICE_MS: f64 = 30.0;
/// …and the events it always simulates at once however long they take (about 50 ms in Chromium), so that whether
/// a run is whole when it first shows does not depend on the machine for every run up to this size: every
/// protocol's default scenario at every cluster size (the largest, 7-server Raft, has 9,194 events).
pub const FIRST_EVENTS: u64 = 10_000;
/// While a long run is simulated the page plays its first part: a new copy of what is built at most this often
/// (ms of the page's time)…
pub const SNAPSHOT_EVERY_MS: f64 = 1_000.0;
/// …while what is built weighs at most this many bytes (a copy of more would be a long task); past that the part
/// already shown plays on, and the rest comes with the whole run.
pub const SNAPSHOT_MAX_BYTES: usize = 4 << 20;

/// A run prepared for playback, or one still being simulated in slices (numbered, so that its model is never
/// taken for another's), with the model of its first part.
pub enum Prepared {
    Ready(Result<Rc<Model>, Note>),
    Long(usize, Rc<RefCell<Option<Loader>>>, Rc<Model>),
}

/// A run for the page: its model once ready, and how far it is while it is simulated in slices.
pub struct Preparing {
    /// The whole run's model; while a long run is simulated, the model of its first part ([`Model::partial`]),
    /// which the page plays meanwhile. `None` when there is no scenario.
    pub model: Option<Result<Rc<Model>, Note>>,
    /// While a long run is being simulated: the fraction done, and in words.
    pub progress: Option<(f64, Note)>,
}

/// Prepares `scenario` for playback with a history budget of `budget` bytes. A run is whole at once when it has at
/// most [`FIRST_EVENTS`] events or takes under [`FIRST_SLICE_MS`]; a longer one shows its first part at once and
/// plays it while the rest is simulated in slices between the page's frames (a newer copy every
/// [`SNAPSHOT_EVERY_MS`] while small enough, then the whole run); a newer scenario abandons it.
#[hook]
pub fn use_prepared(scenario: Option<Scenario>, budget: usize) -> Preparing {
    let prepared = use_memo(scenario, move |s| {
        let s = s.as_ref()?;
        Some(match Loader::begin(s, budget) {
            Err(e) => Prepared::Ready(Err(e.note())),
            Ok((l, true)) => Prepared::Ready(Ok(Rc::new(l.finish()))),
            Ok((l, false)) => {
                thread_local!(static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
                let first = Rc::new(l.snapshot());
                Prepared::Long(NEXT.with(|n| n.replace(n.get() + 1)), Rc::new(RefCell::new(Some(l))), first)
            }
        })
    });
    // The latest model of a long run: a newer part while it is simulated, then the whole run (numbered as above).
    let long_model = use_state(|| None::<(usize, Rc<Model>, bool)>);
    // Set after every slice of a long run, so the page shows its progress (read from the loader itself).
    let long_progress = use_state(|| 0.0);
    {
        let (long_model, long_progress, prepared) = (long_model.clone(), long_progress.clone(), prepared.clone());
        let long_key = match &*prepared {
            Some(Prepared::Long(key, ..)) => Some(*key),
            _ => None,
        };
        use_effect_with(long_key, move |_| {
            if let Some(Prepared::Long(key, loader, _)) = &*prepared {
                let key = *key;
                let last = Rc::new(std::cell::Cell::new(crate::now_ms()));
                let on_slice = {
                    let (long_model, weak) = (long_model.setter(), Rc::downgrade(loader));
                    Rc::new(move |l: &Loader, _| {
                        long_progress.set(l.progress().0);
                        if crate::now_ms() - last.get() < SNAPSHOT_EVERY_MS {
                            return;
                        }
                        last.set(crate::now_ms());
                        // The copy on a task of its own, not on top of a slice's work.
                        let (long_model, weak) = (long_model.clone(), weak.clone());
                        gloo::timers::callback::Timeout::new(0, move || {
                            let Some(cell) = weak.upgrade() else { return };
                            let m = match cell.borrow().as_ref() {
                                Some(l) if l.bytes() <= SNAPSHOT_MAX_BYTES => l.snapshot(),
                                _ => return,
                            };
                            long_model.set(Some((key, Rc::new(m), false)));
                        })
                        .forget();
                    })
                };
                continue_loading(
                    Rc::downgrade(loader),
                    on_slice,
                    Box::new(move |m| long_model.set(Some((key, Rc::new(m), true)))),
                );
            }
        });
    }
    match &*prepared {
        None => Preparing { model: None, progress: None },
        Some(Prepared::Ready(r)) => Preparing { model: Some(r.clone()), progress: None },
        Some(Prepared::Long(key, cell, first)) => match long_model.as_ref().filter(|(k, ..)| k == key) {
            Some((_, m, true)) => Preparing { model: Some(Ok(m.clone())), progress: None },
            latest => Preparing {
                model: Some(Ok(latest.map_or_else(|| first.clone(), |(_, m, _)| m.clone()))),
                progress: Some(
                    cell.borrow().as_ref().map(Loader::progress).unwrap_or_else(|| (1.0, note!("ui.loading.title"))),
                ),
            },
        },
    }
}

/// After every slice of a long run: the loader, and how long the slice took (ms).
pub type OnSlice = Rc<dyn Fn(&Loader, f64)>;

/// Goes on with a long run in 30 ms slices, each on its own timer task so the page answers between them:
/// `on_slice` after each, `on_done` with the model at the end. Stops when the loader is gone (a newer scenario
/// replaced it).
pub fn continue_loading(
    loader: std::rc::Weak<RefCell<Option<Loader>>>,
    on_slice: OnSlice,
    on_done: Box<dyn FnOnce(Model)>,
) {
    gloo::timers::callback::Timeout::new(0, move || {
        let Some(cell) = loader.upgrade() else { return };
        let finished = {
            let mut slot = cell.borrow_mut();
            let Some(l) = slot.as_mut() else { return };
            let t0 = crate::now_ms();
            let over = l.advance(30.0);
            on_slice(l, crate::now_ms() - t0);
            over
        };
        if finished {
            if let Some(l) = cell.borrow_mut().take() {
                on_done(l.finish());
            }
        } else {
            continue_loading(loader, on_slice, on_done);
        }
    })
    .forget();
}

/// `1618446` as `1,618,446`, for numbers a reader should take in at a glance.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The most events the page simulates for one run (see [`run_for_playback`]): about 15 s of work in Chromium on a
/// 2-core machine, done in slices with a progress bar (see [`Loader`]).
pub const PAGE_MAX_EVENTS: u64 = 1_000_000;
