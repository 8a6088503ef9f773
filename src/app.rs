//! The app shell: loads the scenario (from the link, or the default), runs it, and plays the trace back.

use crate::cluster::Cluster;
use crate::model::Model;
use gloo::render::{request_animation_frame, AnimationFrame};
use protosim::scenario::ProtocolKind;
use protosim::{RecordOptions, Scenario, ScenarioError};

/// What a page without a scenario link opens with.
pub const DEFAULT_PROTOCOL: ProtocolKind = ProtocolKind::Raft;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Playback speeds run on a log scale: slider value `s` means `10^s` times real time.
pub const SPEED_LOG_MIN: f64 = -2.0;
pub const SPEED_LOG_MAX: f64 = 2.0;
/// Messages take 8 to 24 ms by default: at 0.05x a message takes a third of a second to cross the screen.
pub const SPEED_LOG_DEFAULT: f64 = -1.3;

/// The scenario a fresh page shows for a protocol. Each one stages the protocol's central lesson:
/// - single database: three shoppers and one database, which crashes for a second at 4 s (retries, an outage,
///   recovery from disk);
/// - Raft: five servers and three shoppers; the leader of the moment crashes at 6 s and comes back at 9 s (an
///   election, the log catching up);
/// - two-phase commit: the order service, two inventory shards and payments; the coordinator dies right after
///   the first PREPARE after 5 s and is down for 2 s (the blocking window);
/// - Paxos: three acceptors, two order services and three shoppers at six checkouts a second (duels over slots);
///   an acceptor is down from 8 s to 12 s (a majority still decides);
/// - pessimistic locking: the lock manager, two storage nodes and four shoppers; a third of the basket lines are the
///   hot mug, 40 in stock (sold out after about ten seconds: the last items go to whoever locks first). At 2 s two carts lock mug and tee in opposite
///   orders (a deadlock, broken by the chosen strategy); at 6 s a shopper crashes just after sending its writes
///   and comes back 2 s later (its lease expires, the row is fenced, its late write is refused);
/// - optimistic locking: two storage nodes and six shoppers; half the basket lines are the hot mug (100 in stock);
///   at 3 s all six buy a mug at once (conflicts, back-off, retries — each refused shopper flashes).
pub fn default_scenario(kind: ProtocolKind) -> Scenario {
    default_scenario_sized(kind, protosim::protocols::info(kind).default_nodes)
}

/// The default scenario of a protocol with another cluster size (the setup bar's size picker).
pub fn default_scenario_sized(kind: ProtocolKind, nodes: u16) -> Scenario {
    use protosim::scenario::{Action, Intervention};
    let mut s = Scenario { protocol: kind, nodes, ..Scenario::default() };
    let crash = |node, at_ms: u64, back_ms: u64| {
        vec![
            Intervention { at_us: at_ms * 1000, action: Action::Crash { node } },
            Intervention { at_us: back_ms * 1000, action: Action::Restart { node } },
        ]
    };
    match kind {
        ProtocolKind::Single => s.interventions = crash(0, 4_000, 5_000),
        ProtocolKind::Raft => {
            // Find who leads just before 6 s in this very run, and crash that server.
            let leader = protosim::build(&s, RecordOptions { narrate: false, checkpoint_every: 0 })
                .ok()
                .and_then(|mut r| {
                    while r.now_us() < 5_990_000 && r.step() {}
                    r.views_at(5_990_000)
                        .into_iter()
                        .find(|v| v.detail.facts.iter().any(|(k, val)| *k == "role" && val == "leader"))
                        .map(|v| v.id)
                })
                .unwrap_or(0);
            s.interventions = crash(leader, 6_000, 9_000);
        }
        ProtocolKind::TwoPc => {
            // The coordinator dies just after sending the first PREPARE after 5 s, for two seconds: the
            // participants vote YES to nobody and stay blocked, holding stock and money, until it comes back.
            let prepare_us = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 })
                .ok()
                .and_then(|r| {
                    r.trace().iter().find_map(|e| match e.ev {
                        protosim::trace::Ev::Send { from: 0, label: "Prepare", .. } if e.t_us >= 5_000_000 => {
                            Some(e.t_us)
                        }
                        _ => None,
                    })
                })
                .unwrap_or(5_000_000);
            s.interventions = vec![
                Intervention { at_us: prepare_us + 1, action: Action::Crash { node: 0 } },
                Intervention { at_us: prepare_us + 2_000_000, action: Action::Restart { node: 0 } },
            ];
        }
        ProtocolKind::Paxos => {
            // Both order services busy enough to duel over slots; one acceptor of three fails for a while.
            s.workload.rate_per_s = 6.0;
            s.interventions = crash(0, 8_000, 12_000);
        }
        ProtocolKind::Pessimistic => {
            s.shoppers = 4;
            let first = s.servers();
            let cart = |shopper, customer, items: [u16; 2]| Intervention {
                at_us: 2_000_000,
                action: Action::Checkout {
                    shopper,
                    customer,
                    lines: items.iter().map(|&item| protosim::scenario::Line { item, qty: 1 }).collect(),
                },
            };
            s.interventions = vec![cart(first, 0, [0, 1]), cart(first + 1, 1, [1, 0])];
            // The first shopper to send its writes after 6 s crashes just after, for two seconds.
            let writer = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).ok().and_then(|r| {
                r.trace().iter().find_map(|e| match e.ev {
                    protosim::trace::Ev::Send { from, label: "Write", .. } if e.t_us >= 6_000_000 => {
                        Some((from, e.t_us))
                    }
                    _ => None,
                })
            });
            if let Some((node, at_us)) = writer {
                s.interventions.push(Intervention { at_us: at_us + 1, action: Action::Crash { node } });
                s.interventions.push(Intervention { at_us: at_us + 2_000_000, action: Action::Restart { node } });
            }
        }
        ProtocolKind::Optimistic => {
            s.shoppers = 6;
            s.workload.hot_item = 0.5;
            s.workload.stock = 100;
            let first = s.servers();
            s.interventions = (0..6)
                .map(|k| Intervention {
                    at_us: 3_000_000,
                    action: Action::Checkout {
                        shopper: first + k,
                        customer: k,
                        lines: vec![protosim::scenario::Line { item: 0, qty: 1 }],
                    },
                })
                .collect();
        }
    }
    s
}

/// The scenario to show for a URL fragment: the default when there is none, or an error to show beside it.
pub fn scenario_for_fragment(fragment: &str) -> (Scenario, Option<ScenarioError>) {
    let f = fragment.trim().trim_start_matches('#');
    if f.is_empty() {
        return (default_scenario(DEFAULT_PROTOCOL), None);
    }
    match Scenario::from_compact(f) {
        Ok(s) => (s, None),
        Err(e) => (default_scenario(DEFAULT_PROTOCOL), Some(e)),
    }
}

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
    /// that comes first), and in words.
    pub fn progress(&self) -> (f64, String) {
        let (now, until) = (self.runner.now_us(), self.scenario.until_ms * 1000);
        let events = self.runner.metrics().events;
        let cap = self.max_events.min(self.scenario.limits.max_events);
        let done = (now as f64 / until.max(1) as f64).max(events as f64 / cap.max(1) as f64).min(1.0);
        let text = format!(
            "t = {:.1} s of {:.0} s · {} events (the page plays at most {}). The page stays usable meanwhile; \
             choosing another scenario stops this one.",
            now as f64 / 1e6,
            until as f64 / 1e6,
            group_thousands(events),
            group_thousands(cap)
        );
        (done, text)
    }

    /// The model of the finished run (see [`Loader::advance`]).
    pub fn finish(self) -> Model {
        let mut model = self.builder.finish(self.runner.as_ref());
        let s = self.scenario;
        if model.stop.contains("limits.max_events") && self.max_events < s.limits.max_events {
            model.cut_short = Some(format!(
                "This run is longer than the page plays: it was cut after {} events, at {:.3} s of {} s. \
                 Shorten it (fewer seconds, a lower rate) to see its end here, or run it whole with the protosim CLI.",
                group_thousands(self.max_events),
                model.end_us as f64 / 1e6,
                s.until_ms / 1000
            ));
        }
        model.scenario = s;
        model
    }
}

/// How long the page simulates a new run at once before going on in slices (see [`App`])…
pub const FIRST_SLICE_MS: f64 = 400.0;
/// …and the events it always simulates at once however long they take (about 0.1 s in Chromium), so that whether
/// a run shows at once or with a progress bar does not depend on the machine for every run up to this size.
pub const FIRST_EVENTS: u64 = 20_000;

/// A run prepared for playback, or one still being simulated in slices (numbered, so that its model is never
/// taken for another's).
pub enum Prepared {
    Ready(Result<Rc<Model>, String>),
    Long(usize, Rc<RefCell<Option<Loader>>>),
}

/// A run for the page: its model once ready, or how far it is while it is simulated in slices.
pub struct Preparing {
    /// `None` while a long run is being simulated, or when there is no scenario.
    pub model: Option<Result<Rc<Model>, String>>,
    /// While a long run is being simulated: the fraction done, and in words.
    pub progress: Option<(f64, String)>,
}

/// Prepares `scenario` for playback with a history budget of `budget` bytes. A run is ready at once when it has at
/// most [`FIRST_EVENTS`] events or takes under [`FIRST_SLICE_MS`] (nearly every run); a longer one goes on in slices
/// between the page's frames, with its progress, and a newer scenario abandons it.
#[hook]
pub fn use_prepared(scenario: Option<Scenario>, budget: usize) -> Preparing {
    let prepared = use_memo(scenario, move |s| {
        let s = s.as_ref()?;
        Some(match Loader::begin(s, budget) {
            Err(e) => Prepared::Ready(Err(e.to_string())),
            Ok((l, true)) => Prepared::Ready(Ok(Rc::new(l.finish()))),
            Ok((l, false)) => {
                thread_local!(static NEXT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
                Prepared::Long(NEXT.with(|n| n.replace(n.get() + 1)), Rc::new(RefCell::new(Some(l))))
            }
        })
    });
    let long_done = use_state(|| None::<(usize, Rc<Model>)>);
    // Set after every slice of a long run, so the page shows its progress (read from the loader itself).
    let long_progress = use_state(|| 0.0);
    {
        let (long_done, long_progress, prepared) = (long_done.clone(), long_progress.clone(), prepared.clone());
        let long_key = match &*prepared {
            Some(Prepared::Long(key, _)) => Some(*key),
            _ => None,
        };
        use_effect_with(long_key, move |_| {
            if let Some(Prepared::Long(key, loader)) = &*prepared {
                let key = *key;
                continue_loading(
                    Rc::downgrade(loader),
                    Rc::new(move |l: &Loader, _| long_progress.set(l.progress().0)),
                    Box::new(move |m| long_done.set(Some((key, Rc::new(m))))),
                );
            }
        });
    }
    match &*prepared {
        None => Preparing { model: None, progress: None },
        Some(Prepared::Ready(r)) => Preparing { model: Some(r.clone()), progress: None },
        Some(Prepared::Long(key, cell)) => match long_done.as_ref().filter(|(k, _)| k == key) {
            Some((_, m)) => Preparing { model: Some(Ok(m.clone())), progress: None },
            None => Preparing {
                model: None,
                progress: Some(cell.borrow().as_ref().map(Loader::progress).unwrap_or_default()),
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

#[derive(Clone, Debug, PartialEq)]
pub struct Player {
    pub cursor_us: f64,
    /// The first moment the player can show: where the kept history of a long run starts (0 for a whole run).
    pub start_us: u64,
    pub end_us: u64,
    pub playing: bool,
    pub speed_log: f64,
    /// Playing pauses here once: the first violation, so nobody misses it.
    pub pause_at: Option<u64>,
}

pub enum PlayerAction {
    /// Real milliseconds elapsed since the last frame.
    Tick(f64),
    Toggle,
    Restart,
    Seek(u64),
    /// Seek and pause (stepping to the next or previous event).
    Step(u64),
    Speed(f64),
}

impl Reducible for Player {
    type Action = PlayerAction;
    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        let mut p = (*self).clone();
        match action {
            PlayerAction::Tick(dt_ms) => {
                if !p.playing {
                    return self;
                }
                let dt = dt_ms.clamp(0.0, 250.0); // a background tab must not jump far ahead
                p.cursor_us += dt * 1000.0 * crate::math::pow(10.0, p.speed_log);
                if let Some(stop) = p.pause_at.filter(|&stop| p.cursor_us >= stop as f64) {
                    p.cursor_us = stop as f64;
                    p.playing = false;
                    p.pause_at = None;
                }
                if p.cursor_us >= p.end_us as f64 {
                    p.cursor_us = p.end_us as f64;
                    p.playing = false;
                }
            }
            PlayerAction::Toggle => {
                if !p.playing && p.cursor_us >= p.end_us as f64 {
                    p.cursor_us = p.start_us as f64;
                }
                p.playing = !p.playing;
            }
            PlayerAction::Restart => p.cursor_us = p.start_us as f64,
            PlayerAction::Seek(t) => p.cursor_us = t.clamp(p.start_us, p.end_us) as f64,
            PlayerAction::Step(t) => {
                p.cursor_us = t.clamp(p.start_us, p.end_us) as f64;
                p.playing = false;
            }
            PlayerAction::Speed(s) => p.speed_log = s.clamp(SPEED_LOG_MIN, SPEED_LOG_MAX),
        }
        Rc::new(p)
    }
}

pub fn speed_text(speed_log: f64) -> String {
    let s = crate::math::pow(10.0, speed_log);
    if s >= 10.0 {
        format!("{s:.0}x")
    } else if s >= 1.0 {
        format!("{s:.1}x")
    } else if s >= 0.1 {
        format!("{s:.2}x")
    } else {
        format!("{s:.3}x")
    }
}

/// The handler of a player's range input (speed, scrubber): its value turned into an action.
pub fn on_range(p: UseReducerDispatcher<Player>, action: fn(f64) -> PlayerAction) -> Callback<InputEvent> {
    Callback::from(move |e: InputEvent| {
        // The browser's own number parsing: Rust's `str::parse::<f64>` would add 14 KB to the bundle.
        let v = e.target_unchecked_into::<HtmlInputElement>().value_as_number();
        if v.is_finite() {
            p.dispatch(action(v));
        }
    })
}

/// Calls `on_frame` with the real milliseconds between animation frames while `active`.
#[hook]
pub fn use_animation_frames(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |&active| {
        let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        fn schedule(slot: Rc<RefCell<Option<AnimationFrame>>>, last: Option<f64>, on_frame: Callback<f64>) {
            let next = slot.clone();
            let frame = request_animation_frame(move |ts| {
                if let Some(prev) = last {
                    on_frame.emit(ts - prev);
                }
                schedule(next, Some(ts), on_frame);
            });
            *slot.borrow_mut() = Some(frame);
        }
        if active {
            schedule(slot.clone(), None, on_frame);
        }
        move || {
            slot.borrow_mut().take();
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The URL fragment the page was opened with (`#s1.…`), or empty.
    #[prop_or_default]
    pub fragment: String,
    /// Play runs on their own: the first at once, and each new one picked in the setup bar from its start (the
    /// page does). Off, the player's clock moves only when the user (or a test) presses play, steps or seeks, so a
    /// test never races the machine's speed.
    #[prop_or(true)]
    pub autoplay: bool,
}

/// What is on screen: the scenario, how many runs were loaded (a new one remounts the player), and where the new
/// player starts and whether it plays.
#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    scenario: Scenario,
    count: u32,
    start_us: u64,
    playing: bool,
    /// The guided tour this run belongs to, if one was picked.
    tour: Option<&'static crate::tours::Tour>,
}

/// What the page shows under the setup bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Explore,
    Compare,
    Hunt,
    Tours,
}

impl Mode {
    const ALL: [(Mode, &'static str, &'static str); 4] = [
        (Mode::Explore, "Explore", "explore"),
        (Mode::Compare, "Compare", "compare"),
        (Mode::Hunt, "Bug hunt", "hunt"),
        (Mode::Tours, "Guided tours", "tours"),
    ];
}

/// Something a user does to the run at the cursor: the run forks there (see [`fork`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Act {
    pub at_us: u64,
    pub action: protosim::scenario::Action,
    pub playing: bool,
}

/// A button's click handler that performs `action` at the cursor.
fn act_on_click(
    on_act: &Callback<Act>,
    at_us: u64,
    playing: bool,
    action: protosim::scenario::Action,
) -> Callback<MouseEvent> {
    let on_act = on_act.clone();
    Callback::from(move |_| on_act.emit(Act { at_us, action: action.clone(), playing }))
}

/// The scenario with one more intervention just after `at_us`. Everything up to the cursor stays as it was (a run
/// is a pure function of its scenario, and the new intervention comes after every event shown); the future after
/// it is simulated again with the intervention.
pub fn fork(s: &Scenario, at_us: u64, action: protosim::scenario::Action) -> Scenario {
    let mut s = s.clone();
    s.interventions.push(protosim::scenario::Intervention { at_us: at_us + 1, action });
    protosim::sort::sort_by_key(&mut s.interventions, |i| i.at_us);
    s
}

/// Loads a scenario (from the link, or the one picked) and hands its run to the player.
#[component]
pub fn App(props: &AppProps) -> Html {
    let initial = use_memo(props.fragment.clone(), |f| scenario_for_fragment(f));
    let current = use_state(|| Loaded {
        scenario: initial.0.clone(),
        count: 0,
        start_us: 0,
        playing: props.autoplay,
        tour: None,
    });
    let mode = use_state(|| Mode::Explore);
    let notice = use_state(|| None::<String>);
    let other = use_state(|| crate::compare_view::default_other(&initial.0));
    // The address bar always holds the scenario on screen, so a copied address reproduces the run.
    use_effect_with(current.scenario.clone(), crate::share::set_fragment);
    let link_error = use_state(|| initial.1.as_ref().map(|e| e.to_string()));
    let setup_error = use_state(|| None::<String>);
    let loading = use_prepared(Some(current.scenario.clone()), crate::model::HISTORY_BUDGET_BYTES);
    let large = use_state(|| false);

    // A new scenario from the setup bar plays from the start (paused there without autoplay); one that does not
    // validate is refused with a message and the run on screen stays.
    let set_scenario = {
        let autoplay = props.autoplay;
        let current = current.clone();
        let setup_error = setup_error.clone();
        let link_error = link_error.clone();
        let other = other.clone();
        let notice = notice.clone();
        Callback::from(move |s: Scenario| match s.validate() {
            Ok(()) => {
                setup_error.set(None);
                link_error.set(None);
                notice.set(None);
                if s.protocol != current.scenario.protocol || s.variant != current.scenario.variant {
                    other.set(crate::compare_view::default_other(&s));
                }
                current.set(Loaded {
                    scenario: s,
                    count: current.count + 1,
                    start_us: 0,
                    playing: autoplay,
                    tour: None,
                });
            }
            Err(e) => setup_error.set(Some(e.to_string())),
        })
    };
    // A valid scenario from a file or pasted text (the import box explains what is not valid).
    let on_import = {
        let set_scenario = set_scenario.clone();
        let mode = mode.clone();
        let notice = notice.clone();
        Callback::from(move |s: Scenario| {
            let text = format!("Imported a {} scenario (seed {}).", s.protocol.name(), s.seed);
            mode.set(Mode::Explore);
            set_scenario.emit(s);
            notice.set(Some(text));
        })
    };
    let on_found = {
        let current = current.clone();
        let mode = mode.clone();
        let notice = notice.clone();
        let other = other.clone();
        Callback::from(move |f: crate::hunt_panel::Found| {
            notice.set(Some(format!("Bug hunt: {} The player is paused at the breaking event.", f.summary)));
            other.set(crate::compare_view::default_other(&f.scenario));
            current.set(Loaded {
                scenario: f.scenario,
                count: current.count + 1,
                start_us: f.at_us,
                playing: false,
                tour: None,
            });
            mode.set(Mode::Explore);
        })
    };
    let on_tour = {
        let current = current.clone();
        let mode = mode.clone();
        let other = other.clone();
        let notice = notice.clone();
        Callback::from(move |t: &'static crate::tours::Tour| {
            notice.set(None);
            let s = t.scenario();
            other.set(crate::compare_view::default_other(&s));
            current.set(Loaded { scenario: s, count: current.count + 1, start_us: 0, playing: false, tour: Some(t) });
            mode.set(Mode::Explore);
        })
    };
    // The other side of a comparison is simulated only while the Compare tab is open: every action forks and reruns
    // the scenario, and running a second one each time in Explore would double that work for nothing.
    // Half the history budget: two long runs side by side must fit too.
    let other_scenario =
        (*mode == Mode::Compare).then(|| protosim::compare::translate(&current.scenario, other.0, &other.1));
    let compare = use_prepared(other_scenario, crate::model::HISTORY_BUDGET_BYTES / 2);
    let on_act = {
        let current = current.clone();
        let setup_error = setup_error.clone();
        Callback::from(move |act: Act| {
            let s = fork(&current.scenario, act.at_us, act.action);
            match s.validate() {
                Ok(()) => {
                    setup_error.set(None);
                    current.set(Loaded {
                        scenario: s,
                        count: current.count + 1,
                        start_us: act.at_us,
                        playing: act.playing,
                        tour: None,
                    })
                }
                Err(e) => setup_error.set(Some(e.to_string())),
            }
        })
    };
    let toggle_large = {
        let large = large.clone();
        Callback::from(move |_| large.set(!*large))
    };

    let error_banner = link_error.as_ref().map(|e| {
        html! {
            <div class="banner error" role="alert" data-testid="load-error">
                <strong>{ "This link does not hold a scenario this page can run." }</strong>
                { format!(" {e}. Showing the default scenario instead.") }
            </div>
        }
    });
    let setup_banner = setup_error.as_ref().map(|e| {
        html! {
            <div class="banner error" role="alert" data-testid="setup-error">
                <strong>{ "That setting cannot run: " }</strong>{ e.clone() }{ ". The run on screen is unchanged." }
            </div>
        }
    });
    let s = &current.scenario;
    let info = protosim::protocols::info(s.protocol);
    let notice_banner = notice.as_ref().map(|m| {
        let notice = notice.clone();
        html! {
            <div class="banner info" role="status" data-testid="notice">
                { m.clone() }
                <button class="ghost" onclick={Callback::from(move |_| notice.set(None))} aria-label="Dismiss">{ "✕" }</button>
            </div>
        }
    });
    let tabs = html! {
        <nav class="tabs" aria-label="Tools">
            { for Mode::ALL.iter().map(|&(m, label, id)| {
                let mode = mode.clone();
                html! {
                    <button aria-pressed={(*mode == m).to_string()} data-testid={format!("tab-{id}")}
                            class={classes!((*mode == m).then_some("active"))}
                            onclick={Callback::from(move |_| mode.set(m))}>{ label }</button>
                }
            }) }
            <crate::share::ShareBar scenario={s.clone()} on_import={on_import}
                on_message={{ let n = notice.clone(); Callback::from(move |m: String| n.set(Some(m))) }} />
        </nav>
    };
    let body = match *mode {
        Mode::Explore | Mode::Compare if loading.progress.is_some() || compare.progress.is_some() => {
            let (done, text) = loading.progress.clone().or(compare.progress.clone()).unwrap_or_default();
            html! {
                <section class="panel loading" data-testid="loading" aria-live="polite">
                    <h2>{ "Simulating a long run…" }</h2>
                    <progress max="1" value={format!("{done:.4}")} aria-label="Simulated so far" />
                    <p>{ text }</p>
                </section>
            }
        }
        Mode::Explore => match loading.model.as_ref().expect("ready when not loading") {
            Ok(model) => html! {
                <Explorer key={current.count} model={model.clone()} playing={current.playing}
                          start_us={current.start_us} invariants={info.invariants} on_act={on_act}
                          tour={current.tour} />
            },
            Err(e) => html! {
                <div class="banner error" role="alert" data-testid="run-error">{ format!("This scenario cannot run: {e}") }</div>
            },
        },
        Mode::Compare => match (loading.model.as_ref().expect("ready when not loading"), &compare.model) {
            (Ok(a), Some(Ok(b))) => html! {
                <crate::compare_view::CompareView key={format!("{}-{}-{}", current.count, other.0.name(), other.1)}
                    a={a.clone()} b={b.clone()}
                    on_pick={{ let o = other.clone(); Callback::from(move |p| o.set(p)) }} />
            },
            (Err(e), _) | (_, Some(Err(e))) => html! {
                <div class="banner error" role="alert" data-testid="run-error">{ format!("This comparison cannot run: {e}") }</div>
            },
            (Ok(_), None) => html! {}, // not reached: the other side is simulated while Compare is open
        },
        Mode::Hunt => html! { <crate::hunt_panel::HuntPanel scenario={s.clone()} on_found={on_found} /> },
        Mode::Tours => html! { <crate::tours::TourList on_pick={on_tour} /> },
    };
    html! {
        <main class={classes!("app", large.then_some("large"))}>
            <header class="top">
                <h1>{ "Checkout protocol explorer" }</h1>
                <button class="ghost" onclick={toggle_large} aria-pressed={large.to_string()} data-testid="presenter">
                    { if *large { "Normal text" } else { "Projector text" } }
                </button>
            </header>
            <SetupBar scenario={s.clone()} on_change={set_scenario}
                      on_error={{ let e = setup_error.clone(); Callback::from(move |m: String| e.set(Some(m))) }} />
            { tabs }
            // One wrapper whatever banners show, so that a banner appearing never shifts (and remounts) the
            // share bar or the player after it.
            <div class="banners">
                { error_banner }
                { setup_banner }
                { notice_banner }
            </div>
            { body }
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct SetupBarProps {
    pub scenario: Scenario,
    pub on_change: Callback<Scenario>,
    /// A value that is not even a number: the message to show.
    pub on_error: Callback<String>,
}

/// The setup bar: protocol, variant (with its one-line explanation), cluster size, seed, network and workload.
/// Every change builds a new scenario and hands it up; the app refuses one that does not validate.
#[component]
pub fn SetupBar(props: &SetupBarProps) -> Html {
    let s = &props.scenario;
    let info = protosim::protocols::info(s.protocol);
    // A select or input that edits the scenario: `f` gets a copy and the control's value.
    let edit = |f: fn(&mut Scenario, &str) -> Result<(), String>| {
        let s = s.clone();
        let on_change = props.on_change.clone();
        let on_error = props.on_error.clone();
        Callback::from(move |e: Event| {
            let value = if let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                sel.value()
            } else if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                if input.type_() == "checkbox" {
                    input.checked().to_string()
                } else {
                    input.value()
                }
            } else {
                return;
            };
            let mut next = s.clone();
            match f(&mut next, value.trim()) {
                Ok(()) => on_change.emit(next),
                Err(msg) => on_error.emit(msg),
            }
        })
    };
    fn num<T: std::str::FromStr>(v: &str, what: &str) -> Result<T, String> {
        v.parse().map_err(|_| format!("`{v}` is not {what}"))
    }
    // Decimals are read by the browser (`Number(text)`): `str::parse::<f64>` would add 14 KB to the bundle.
    fn decimal(v: &str, what: &str) -> Result<f64, String> {
        let n = v.trim().parse::<js_sys::Number>().map_or(f64::NAN, |n| n.value_of());
        (!v.trim().is_empty() && n.is_finite()).then_some(n).ok_or_else(|| format!("`{v}` is not {what}"))
    }
    let on_protocol = edit(|s, v| {
        let kind = ProtocolKind::parse(v).ok_or_else(|| format!("`{v}` is not a protocol"))?;
        *s = default_scenario(kind);
        Ok(())
    });
    let on_variant = edit(|s, v| {
        s.variant = v.to_string();
        Ok(())
    });
    let on_nodes = edit(|s, v| {
        let nodes: u16 = num(v, "a number of servers")?;
        let (variant, seed) = (s.variant.clone(), s.seed);
        *s = default_scenario_sized(s.protocol, nodes);
        s.variant = variant;
        s.seed = seed;
        Ok(())
    });
    let on_seed = edit(|s, v| {
        s.seed = num(v, "a whole number")?;
        Ok(())
    });
    let new_seed = {
        let s = s.clone();
        let on_change = props.on_change.clone();
        Callback::from(move |_| {
            let mut next = s.clone();
            next.seed = protosim::rng::mix64(s.seed.wrapping_add(0x9e37_79b9)) % 1_000_000;
            on_change.emit(next);
        })
    };
    let on_lat_min = edit(|s, v| {
        s.network.default.latency_us_min = (decimal(v, "a number of milliseconds")?.max(0.0) * 1000.0) as u64;
        Ok(())
    });
    let on_lat_max = edit(|s, v| {
        s.network.default.latency_us_max = (decimal(v, "a number of milliseconds")?.max(0.0) * 1000.0) as u64;
        Ok(())
    });
    let on_loss = edit(|s, v| {
        s.network.default.loss = decimal(v, "a percentage")? / 100.0;
        Ok(())
    });
    let on_dup = edit(|s, v| {
        s.network.default.dup = decimal(v, "a percentage")? / 100.0;
        Ok(())
    });
    let on_rate = edit(|s, v| {
        s.workload.rate_per_s = decimal(v, "a number of checkouts per second")?;
        Ok(())
    });
    let on_hot = edit(|s, v| {
        s.workload.hot_item = decimal(v, "a percentage")? / 100.0;
        Ok(())
    });
    let on_cooperative = edit(|s, v| {
        s.twopc.cooperative = v == "true";
        Ok(())
    });
    let on_stable = edit(|s, v| {
        s.paxos.stable_leader = v == "true";
        Ok(())
    });
    let on_deadlock = edit(|s, v| {
        s.locking.deadlock = protosim::scenario::DeadlockStrategy::parse(v).ok_or("unknown strategy")?;
        Ok(())
    });
    let explain = info.variants.iter().find(|v| v.name == s.variant).map_or("", |v| v.explain);
    let n = &s.network.default;
    // A select the user once changed keeps showing its own choice whatever `selected` says, so when the scenario
    // changes from elsewhere (a tour, the bug hunt, an import) the selects are set to it.
    let bar = use_node_ref();
    {
        let bar = bar.clone();
        let shown = [
            ("protocol", s.protocol.name().to_string()),
            ("variant", s.variant.clone()),
            ("nodes", s.nodes.to_string()),
            ("deadlock", s.locking.deadlock.name().to_string()),
        ];
        use_effect_with(shown, move |shown| {
            if let Some(bar) = bar.cast::<web_sys::Element>() {
                for (id, value) in shown {
                    let el = bar.query_selector(&format!("select[data-testid='{id}']")).ok().flatten();
                    if let Some(sel) = el.and_then(|e| e.dyn_into::<web_sys::HtmlSelectElement>().ok()) {
                        sel.set_value(value);
                    }
                }
            }
        });
    }
    html! {
        <section class="setup" aria-label="Scenario setup" ref={bar}>
            <label class="pick">
                <span class="sr-only">{ "Protocol" }</span>
                <select onchange={on_protocol} aria-label="Protocol" data-testid="protocol">
                    { for ProtocolKind::ALL.iter().map(|k| html! {
                        <option value={k.name()} selected={*k == s.protocol}>{ protosim::protocols::info(*k).title }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                { "variant " }
                <select onchange={on_variant} aria-label="Variant" data-testid="variant">
                    { for info.variants.iter().map(|v| html! {
                        <option value={v.name} selected={v.name == s.variant} title={v.explain}>{ v.name }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                { "servers " }
                <select onchange={on_nodes} aria-label="Cluster size" data-testid="nodes">
                    { for (info.nodes.0..=info.nodes.1).map(|k| html! {
                        <option value={k.to_string()} selected={k == s.nodes}>{ k }</option>
                    }) }
                </select>
            </label>
            <label class="pick">
                { "seed " }
                <input type="number" min="0" value={s.seed.to_string()} onchange={on_seed} aria-label="Seed"
                       data-testid="seed" class="num" />
            </label>
            <button onclick={new_seed} data-testid="new-seed">{ "⚄ new seed" }</button>
            if s.protocol == ProtocolKind::Paxos {
                <label class="pick">
                    <input type="checkbox" checked={s.paxos.stable_leader} onchange={on_stable}
                           data-testid="stable-leader" />
                    { " stable leader (Multi-Paxos)" }
                </label>
            }
            if s.protocol == ProtocolKind::TwoPc {
                <label class="pick" title="an uncertain participant asks the others what was decided">
                    <input type="checkbox" checked={s.twopc.cooperative} onchange={on_cooperative}
                           data-testid="cooperative" />
                    { " cooperative termination" }
                </label>
            }
            if s.protocol == ProtocolKind::Pessimistic {
                <label class="pick">
                    { "deadlocks " }
                    <select onchange={on_deadlock} aria-label="Deadlock handling" data-testid="deadlock">
                        { for protosim::scenario::DeadlockStrategy::ALL.iter().map(|d| html! {
                            <option value={d.name()} selected={*d == s.locking.deadlock}>{ d.name() }</option>
                        }) }
                    </select>
                </label>
            }
            <details class="more">
                <summary>{ "network & workload" }</summary>
                <label>{ "latency " }
                    <input type="number" class="num" min="0" step="1" aria-label="Latency min (ms)"
                           value={(n.latency_us_min / 1000).to_string()} onchange={on_lat_min} />
                    { "–" }
                    <input type="number" class="num" min="0" step="1" aria-label="Latency max (ms)"
                           value={(n.latency_us_max / 1000).to_string()} onchange={on_lat_max} />{ " ms" }</label>
                <label>{ "loss " }
                    <input type="number" class="num" min="0" max="100" step="1" aria-label="Loss (%)"
                           data-testid="loss" value={format!("{}", n.loss * 100.0)} onchange={on_loss} />{ " %" }</label>
                <label>{ "duplication " }
                    <input type="number" class="num" min="0" max="100" step="1" aria-label="Duplication (%)"
                           value={format!("{}", n.dup * 100.0)} onchange={on_dup} />{ " %" }</label>
                <label>{ "shoppers' rate " }
                    <input type="number" class="num" min="0" step="0.5" aria-label="Checkouts per second"
                           value={s.workload.rate_per_s.to_string()} onchange={on_rate} />{ " /s" }</label>
                <label>{ "hot item " }
                    <input type="number" class="num" min="0" max="100" step="5" aria-label="Hot item (%)"
                           value={format!("{}", s.workload.hot_item * 100.0)} onchange={on_hot} />{ " %" }</label>
            </details>
            <p class="explain" data-testid="explain">{ explain }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    pub model: Rc<Model>,
    /// Whether the player starts playing.
    pub playing: bool,
    /// Where the player starts (after an action, where the user acted).
    #[prop_or_default]
    pub start_us: u64,
    pub invariants: &'static [protosim::invariants::InvariantInfo],
    #[prop_or_default]
    pub on_act: Callback<Act>,
    /// A guided tour over this run: its narration card drives the player.
    #[prop_or_default]
    pub tour: Option<&'static crate::tours::Tour>,
}

const SHORTCUTS: [(&str, &str); 8] = [
    ("Space", "play / pause"),
    ("→", "step to the next event"),
    ("←", "step back to the previous event"),
    ("↑ or +", "faster"),
    ("↓ or -", "slower"),
    ("Home", "back to the start"),
    ("?", "this help sheet"),
    ("Esc", "close the help sheet or the inspector"),
];

/// Plays one run back: controls, the cluster picture, the inspector, invariants and the event log.
#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let model = props.model.clone();
    let end_us = model.end_us;
    // Not one in history a long run dropped: the player cannot go there.
    let first_violation =
        model.violations.iter().map(|v| v.t_us).find(|&t| t > props.start_us && t >= model.history_from_us);
    let player = use_reducer(|| Player {
        cursor_us: props.start_us.clamp(model.history_from_us, end_us) as f64,
        start_us: model.history_from_us,
        end_us,
        playing: props.playing,
        speed_log: SPEED_LOG_DEFAULT,
        pause_at: first_violation,
    });
    {
        let dispatcher = player.dispatcher();
        use_animation_frames(player.playing, Callback::from(move |dt| dispatcher.dispatch(PlayerAction::Tick(dt))));
    }
    let cursor = player.cursor_us as u64;
    let selected = use_state(|| None::<protosim::scenario::NodeId>);
    let picked_msg = use_state(|| None::<u64>);
    let partitioning = use_state(|| false);
    let log_kind = use_state(|| "all".to_string());
    let log_node = use_state(|| None::<protosim::scenario::NodeId>);
    let help = use_state(|| false);
    let tour_step = use_state(|| 0usize);
    // Keyed by the model's address: comparing a whole run by value on every frame would cost more than the memo.
    let model_key = Rc::as_ptr(&model) as usize;
    let tour_times = use_memo((props.tour.map(|t| t.id), model_key), {
        let (tour, model) = (props.tour, model.clone());
        move |_| tour.map(|t| t.times(&model))
    });
    let charts = use_memo(model_key, {
        let model = model.clone();
        move |_| Rc::new(crate::charts::charts(&model.series, None, ""))
    });
    let fault_times = use_memo(model_key, {
        let model = model.clone();
        move |_| Rc::new(model.faults.iter().map(|(t, _)| *t).collect::<Vec<u64>>())
    });

    // Keyboard: one listener on the document while the explorer is mounted. It reads the latest player through a
    // shared cell, so the listener need not be rebuilt on every frame.
    let latest = use_mut_ref(|| (0u64, 0.0f64));
    *latest.borrow_mut() = (cursor, player.speed_log);
    {
        let p = player.dispatcher();
        let model = model.clone();
        let latest = latest.clone();
        let help = help.clone();
        let selected = selected.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listener = doc.map(|doc| {
                gloo::events::EventListener::new(&doc, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
                    if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let (cursor, speed) = *latest.borrow();
                    let handled = match e.key().as_str() {
                        " " => {
                            p.dispatch(PlayerAction::Toggle);
                            true
                        }
                        "ArrowRight" => {
                            if let Some(t) = model.next_event_after(cursor) {
                                p.dispatch(PlayerAction::Step(t));
                            }
                            true
                        }
                        "ArrowLeft" => {
                            if let Some(t) = model.prev_event_before(cursor) {
                                p.dispatch(PlayerAction::Step(t));
                            }
                            true
                        }
                        "ArrowUp" | "+" | "=" => {
                            p.dispatch(PlayerAction::Speed(speed + 0.25));
                            true
                        }
                        "ArrowDown" | "-" => {
                            p.dispatch(PlayerAction::Speed(speed - 0.25));
                            true
                        }
                        "Home" => {
                            p.dispatch(PlayerAction::Restart);
                            true
                        }
                        "?" => {
                            help.set(!*help);
                            true
                        }
                        "Escape" => {
                            help.set(false);
                            selected.set(None);
                            true
                        }
                        _ => false,
                    };
                    if handled {
                        e.prevent_default();
                    }
                })
            });
            move || drop(listener)
        });
    }

    let toggle = {
        let p = player.dispatcher();
        Callback::from(move |_| p.dispatch(PlayerAction::Toggle))
    };
    let restart = {
        let p = player.dispatcher();
        Callback::from(move |_| p.dispatch(PlayerAction::Restart))
    };
    let step = |forward: bool| {
        let p = player.dispatcher();
        let model = model.clone();
        Callback::from(move |_| {
            let t = if forward { model.next_event_after(cursor) } else { model.prev_event_before(cursor) };
            if let Some(t) = t {
                p.dispatch(PlayerAction::Step(t));
            }
        })
    };
    let on_speed = on_range(player.dispatcher(), PlayerAction::Speed);
    let on_seek = on_range(player.dispatcher(), |v| PlayerAction::Seek(v.max(0.0) as u64));
    let act = {
        let on_act = props.on_act.clone();
        let playing = player.playing;
        move |action: protosim::scenario::Action| on_act.emit(Act { at_us: cursor, action, playing })
    };
    let on_node = {
        let selected = selected.clone();
        Callback::from(move |id| selected.set(Some(id)))
    };
    let on_msg = {
        let picked_msg = picked_msg.clone();
        Callback::from(move |id: u64| picked_msg.set(Some(id)))
    };
    let heal = {
        let act = act.clone();
        Callback::from(move |_| act(protosim::scenario::Action::Heal))
    };
    let toggle_help = {
        let help = help.clone();
        Callback::from(move |_| help.set(!*help))
    };

    let violations_now: Vec<&crate::model::ViolationMark> =
        model.violations.iter().filter(|v| v.t_us <= cursor).collect();
    let highlight: Vec<protosim::scenario::NodeId> = violations_now.iter().filter_map(|v| v.node).collect();
    let log_end = model.log_end(cursor);
    // The last 80 lines up to the cursor that pass the filter (looking back at most 20,000 lines).
    let shown: Vec<&crate::model::LogLine> = model.log[log_end.saturating_sub(20_000)..log_end]
        .iter()
        .rev()
        .filter(|l| l.matches(&log_kind, *log_node))
        .take(80)
        .collect();
    let on_log_kind = {
        let log_kind = log_kind.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            log_kind.set(sel.value());
        })
    };
    let on_log_node = {
        let log_node = log_node.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            log_node.set(sel.value().parse().ok());
        })
    };
    let seek_to = {
        let p = player.dispatcher();
        move |t: u64| {
            let p = p.clone();
            Callback::from(move |_| p.dispatch(PlayerAction::Step(t)))
        }
    };
    let latest_line = log_end.checked_sub(1).map(|i| model.log[i].text.clone()).unwrap_or_default();
    let markers = model
        .faults
        .iter()
        .map(|(t, label)| (*t, label.clone(), "fault"))
        .chain(model.violations.iter().map(|v| (v.t_us, format!("⚠ {}", v.invariant), "violation")));

    html! {
        <>
            if let Some(why) = &model.cut_short {
                <div class="banner error" role="status" data-testid="cut-short">{ why.clone() }</div>
            }
            if model.history_from_us > 0 {
                <div class="banner info" role="status" data-testid="history-dropped">{ format!(
                    "A long run: to stay within memory the page keeps its playback history from t = {:.3} s on; the \
                     {} log lines before were dropped (shaded on the time bar). Charts, totals, violations and fault \
                     marks cover the whole run. Shorten the run to replay its start, or use the protosim CLI.",
                    model.history_from_us as f64 / 1e6,
                    group_thousands(model.dropped_lines)
                ) }</div>
            }
            <section class="controls" aria-label="Playback">
                <button class="primary" onclick={toggle} data-testid="play" title="Space">
                    { if player.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button onclick={step(false)} data-testid="step-back" title="← previous event">{ "◀ Step" }</button>
                <button onclick={step(true)} data-testid="step" title="→ next event">{ "Step ▶" }</button>
                <button onclick={restart} title="Home">{ "↺ Start" }</button>
                <label class="speed">
                    { "Speed " }
                    <input type="range" min={SPEED_LOG_MIN.to_string()} max={SPEED_LOG_MAX.to_string()} step="0.05"
                        value={player.speed_log.to_string()} oninput={on_speed} aria-label="Playback speed" />
                    <output data-testid="speed">{ speed_text(player.speed_log) }</output>
                </label>
                <span class="clock" data-testid="clock" data-us={cursor.to_string()}>
                    { format!("t = {:.3} s", cursor as f64 / 1e6) }
                    <small>{ format!(" / {:.3} s", model.end_us as f64 / 1e6) }</small>
                </span>
                <button onclick={{ let p = partitioning.clone(); Callback::from(move |_| p.set(!*p)) }}
                        data-testid="partition" title="split the nodes into two groups that cannot talk">
                    { "✂ Partition…" }
                </button>
                <button onclick={heal} data-testid="heal" title="remove every partition and cut, from now on">
                    { "⚕ Heal network" }
                </button>
                <button class="ghost" onclick={toggle_help} aria-label="Keyboard shortcuts" title="?">{ "?" }</button>
                <div class="scrub">
                    <input class="scrubber" type="range" min="0" max={model.end_us.to_string()} step="1000"
                        value={cursor.to_string()} oninput={on_seek} aria-label="Simulated time" />
                    <div class="marks" aria-hidden="true">
                        if model.history_from_us > 0 {
                            <span class="dropped-history" title="history dropped to save memory"
                                  style={format!("width: {:.3}%", 100.0 * model.history_from_us as f64
                                                 / model.end_us.max(1) as f64)} />
                        }
                        { for markers.map(|(t, label, class)| html! {
                            <span class={classes!("mark", class)} title={format!("{:.3} s: {label}", t as f64 / 1e6)}
                                  style={format!("left: {:.3}%", 100.0 * t as f64 / model.end_us.max(1) as f64)} />
                        }) }
                    </div>
                </div>
            </section>
            <div class="stage">
                <div class="picture">
                    <Cluster model={model.clone()} cursor_us={cursor} on_node={on_node} on_msg={on_msg}
                             selected={*selected} highlight={highlight} />
                    <p class="hint">{ "Click a node to inspect it, crash it or cut it off; click a message in flight to drop it." }</p>
                    <crate::cluster::SpaceTime model={model.clone()} cursor_us={cursor}
                        on_seek={{ let p = player.dispatcher(); Callback::from(move |t| p.dispatch(PlayerAction::Step(t))) }} />
                    <crate::charts::Charts charts={(*charts).clone()} end_us={model.end_us}
                        faults={(*fault_times).clone()} cursor_us={cursor}
                        on_seek={{ let p = player.dispatcher(); Callback::from(move |t| p.dispatch(PlayerAction::Step(t))) }} />
                </div>
                <aside class="side">
                    if let (Some(tour), Some(times), true) = (props.tour, (*tour_times).clone(), *tour_step != usize::MAX) {
                        <crate::tours::TourCard tour={tour} times={times.clone()} step={*tour_step}
                            on_step={{
                                let tour_step = tour_step.clone();
                                let p = player.dispatcher();
                                Callback::from(move |k: usize| {
                                    if let Some(&t) = times.as_ref().ok().and_then(|v| v.get(k)) {
                                        p.dispatch(PlayerAction::Step(t));
                                    }
                                    tour_step.set(k);
                                })
                            }}
                            on_close={{ let s = tour_step.clone(); Callback::from(move |_| s.set(usize::MAX)) }} />
                    }
                    if let Some(id) = *picked_msg {
                        <MessagePanel model={model.clone()} id={id} cursor_us={cursor} on_act={props.on_act.clone()}
                                      playing={player.playing}
                                      on_close={{ let s = picked_msg.clone(); Callback::from(move |_| s.set(None)) }} />
                    }
                    if *partitioning {
                        <PartitionPanel model={model.clone()} cursor_us={cursor} on_act={props.on_act.clone()}
                                        playing={player.playing}
                                        on_close={{ let s = partitioning.clone(); Callback::from(move |_| s.set(false)) }} />
                    }
                    if let Some(id) = *selected {
                        <Inspector model={model.clone()} node={id} cursor_us={cursor} on_act={props.on_act.clone()}
                                   playing={player.playing} on_close={{ let s = selected.clone(); Callback::from(move |_| s.set(None)) }} />
                    }
                    <InvariantsPanel invariants={props.invariants} violations={violations_now.into_iter().cloned().collect::<Vec<_>>()}
                                     liveness={model.liveness.clone()} />
                    if model.scenario.protocol == ProtocolKind::Pessimistic {
                        <LockPanel detail={model.state_at(0, cursor).detail} />
                    }
                    <section class="log" aria-label="Event log" aria-live="off">
                        <h2>{ "Events" }
                            <select onchange={on_log_kind} aria-label="Show events of kind" data-testid="log-kind">
                                { for crate::model::LOG_KINDS.iter().map(|(k, label)| html! {
                                    <option value={*k} selected={*k == log_kind.as_str()}>{ *label }</option>
                                }) }
                            </select>
                            <select onchange={on_log_node} aria-label="Show events of node" data-testid="log-node">
                                <option value="" selected={log_node.is_none()}>{ "all nodes" }</option>
                                { for model.nodes.iter().map(|n| html! {
                                    <option value={n.id.to_string()} selected={*log_node == Some(n.id)}>{ &n.name }</option>
                                }) }
                            </select>
                        </h2>
                        <ol data-testid="events">
                            { for shown.iter().map(|l| html! {
                                <li class={l.class} onclick={seek_to(l.t_us)} title="click to go to this moment">
                                    <span class="t">{ format!("{:.3}", l.t_us as f64 / 1e6) }</span>
                                    { " " }{ &l.text }
                                </li>
                            }) }
                        </ol>
                    </section>
                </aside>
            </div>
            <div class="sr-only" aria-live="polite" data-testid="narration">
                { if player.playing { String::new() } else { latest_line } }
            </div>
            if *help {
                <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
                    <h2>{ "Keyboard" }</h2>
                    <table>
                        { for SHORTCUTS.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }
                    </table>
                    <button onclick={{ let h = help.clone(); Callback::from(move |_| h.set(false)) }}>{ "Close" }</button>
                </div>
            }
            <footer class="foot" data-testid="totals" data-messages={model.messages_sent.to_string()}
                    data-confirmed={model.confirmed.to_string()} data-dropped={model.dropped.to_string()}
                    data-dropped-user={model.dropped_by_user.to_string()} data-duplicated={model.duplicated.to_string()}
                    data-trace={model.trace_hash.clone()}>
                { format!(
                    "{} messages ({} dropped, {} by you) · {} checkouts confirmed · trace {} · {} events · {}",
                    model.messages_sent, model.dropped, model.dropped_by_user, model.confirmed, model.trace_hash,
                    model.log.len(), model.stop
                ) }
            </footer>
        </>
    }
}

#[derive(Properties, PartialEq)]
pub struct InvariantsPanelProps {
    pub invariants: &'static [protosim::invariants::InvariantInfo],
    /// The violations up to the cursor.
    pub violations: Vec<crate::model::ViolationMark>,
    /// The liveness verdict of the whole run (a promise about the future cannot be judged at the cursor).
    pub liveness: protosim::liveness::LivenessReport,
}

/// Every invariant with its state at the cursor; a broken one says where, when and what.
#[component]
pub fn InvariantsPanel(props: &InvariantsPanelProps) -> Html {
    let broken = !props.violations.is_empty();
    html! {
        <section class={classes!("invariants", broken.then_some("broken"))} data-testid="invariants">
            if broken {
                <p><strong>{ "⚠ A safety rule broke: the run paused there." }</strong></p>
            } else {
                <p>{ format!("✔ All {} invariants hold so far", props.invariants.len()) }</p>
            }
            <ul class="rules">
                { for props.invariants.iter().map(|inv| {
                    let v = props.violations.iter().find(|v| v.invariant == inv.name);
                    html! {
                        <li class={classes!(v.is_some().then_some("bad"))} title={inv.rule}>
                            { if v.is_some() { "✖ " } else { "✔ " } }<code>{ inv.name }</code>
                            if let Some(v) = v {
                                <p class="violation">{ &v.text }</p>
                            }
                        </li>
                    }
                }) }
                { liveness_line(&props.liveness) }
            </ul>
        </section>
    }
}

/// The liveness verdict as one more rule of the invariant panel, judged over the whole run.
fn liveness_line(l: &protosim::liveness::LivenessReport) -> Html {
    use protosim::liveness::LivenessVerdict;
    let (mark, class) = match l.verdict {
        LivenessVerdict::Held => ("✔ ", None),
        LivenessVerdict::Broken => ("✖ ", Some("bad")),
        LivenessVerdict::NotApplicable => ("– ", None),
    };
    let rule = match l.bound_ms {
        Some(b) => format!("every checkout is answered within {b} ms once {}", l.needs),
        None => "this protocol states no liveness bound".to_string(),
    };
    html! {
        <li class={classes!(class)} title={rule} data-testid="liveness" data-verdict={l.verdict.name()}>
            { mark }<code>{ "liveness" }</code>{ " (whole run)" }
            <p class={classes!(if class.is_some() { "violation" } else { "liveness-why" })}>{ l.describe() }</p>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub model: Rc<Model>,
    pub node: protosim::scenario::NodeId,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// One node's full state at the cursor, and what can be done to it there.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    use protosim::scenario::Action;
    let m = &props.model;
    let id = props.node;
    let Some(info) = m.nodes.get(usize::from(id)) else { return html! {} };
    let up = m.up_at(usize::from(id), props.cursor_us);
    let st = m.state_at(usize::from(id), props.cursor_us);
    let act = |action: Action| act_on_click(&props.on_act, props.cursor_us, props.playing, action);
    let others: Vec<protosim::scenario::NodeId> = m.nodes.iter().map(|n| n.id).filter(|&n| n != id).collect();
    let shopper = info.role == protosim::engine::Role::Shopper;
    html! {
        <section class="inspector" aria-label={format!("Inspector: {}", info.name)} data-testid="inspector">
            <h2>{ &info.name }<small>{ if up { " · up" } else { " · down" } }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label="Close the inspector">{ "✕" }</button>
            </h2>
            <p class="summary">{ &st.summary }</p>
            if !st.detail.facts.is_empty() {
                <dl class="facts">
                    { for st.detail.facts.iter().map(|(k, v)| html! { <><dt>{ *k }</dt><dd>{ v }</dd></> }) }
                </dl>
            }
            if !st.detail.table.is_empty() {
                <table class="rows">
                    { for st.detail.table.iter().map(|l| html! {
                        <tr class={classes!(l.hot.then_some("hot"))}><th>{ &l.key }</th><td>{ &l.text }</td></tr>
                    }) }
                </table>
            }
            <div class="actions">
                if up {
                    <button onclick={act(Action::Crash { node: id })} data-testid="crash">{ "✖ Crash" }</button>
                } else {
                    <button onclick={act(Action::Restart { node: id })} data-testid="restart">{ "↺ Restart" }</button>
                }
                <button onclick={act(Action::Partition { groups: vec![vec![id], others] })} data-testid="isolate">
                    { "✂ Isolate" }
                </button>
                if shopper {
                    <BasketForm shopper={id} items={m.scenario.workload.items} customers={m.scenario.workload.customers}
                                cursor_us={props.cursor_us} playing={props.playing} on_act={props.on_act.clone()} />
                }
            </div>
            <p class="muted">{ "Actions happen at the cursor: the run forks there and the future is simulated again." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LockPanelProps {
    /// The lock manager's state at the cursor.
    pub detail: protosim::engine::NodeDetail,
}

/// The lock manager's full lock table (holders ← queue per row, fencing tokens) and its wait-for graph.
#[component]
pub fn LockPanel(props: &LockPanelProps) -> Html {
    let d = &props.detail;
    html! {
        <section class="locks" aria-label="Lock table and wait-for graph" data-testid="locks">
            <h2>{ "Lock table" }</h2>
            if d.table.is_empty() {
                <p class="muted">{ "No row is locked." }</p>
            } else {
                <table>
                    { for d.table.iter().map(|l| html! {
                        <tr class={classes!(l.hot.then_some("hot"))}><th>{ &l.key }</th><td>{ &l.text }</td></tr>
                    }) }
                </table>
            }
            <h2>{ "Wait-for graph" }<small>{ " an arrow means “waits for”; red: a deadlock" }</small></h2>
            <crate::cluster::WaitGraph edges={d.waits.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct BasketFormProps {
    pub shopper: protosim::scenario::NodeId,
    pub items: u16,
    pub customers: u16,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
}

/// A checkout to submit from a shopper: which customer buys how many of which item.
#[component]
pub fn BasketForm(props: &BasketFormProps) -> Html {
    let item = use_state(|| 0u16);
    let qty = use_state(|| 1u32);
    let customer = use_state(|| 0u16);
    let pick = |h: UseStateHandle<u16>| {
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = sel.value().parse() {
                h.set(v);
            }
        })
    };
    let on_qty = {
        let qty = qty.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u32>() {
                qty.set(v.clamp(1, protosim::scenario::bounds::QTY_MAX));
            }
        })
    };
    let submit = {
        let on_act = props.on_act.clone();
        let (shopper, at_us, playing) = (props.shopper, props.cursor_us, props.playing);
        let (item, qty, customer) = (*item, *qty, *customer);
        Callback::from(move |_| {
            let lines = vec![protosim::scenario::Line { item, qty }];
            let action = protosim::scenario::Action::Checkout { shopper, customer, lines };
            on_act.emit(Act { at_us, action, playing })
        })
    };
    html! {
        <div class="basket" data-testid="basket">
            <label>{ "customer " }
                <select onchange={pick(customer.clone())} aria-label="Customer">
                    { for (0..props.customers).map(|c| html! { <option value={c.to_string()} selected={c == *customer}>{ c }</option> }) }
                </select>
            </label>
            <label>{ "buys " }
                <input type="number" class="num" min="1" value={qty.to_string()} onchange={on_qty} aria-label="Quantity" />
            </label>
            <select onchange={pick(item.clone())} aria-label="Item">
                { for (0..props.items).map(|i| html! {
                    <option value={i.to_string()} selected={i == *item}>{ protosim::domain::item_name(i) }</option>
                }) }
            </select>
            <button onclick={submit} data-testid="buy">{ "🛒 Submit checkout" }</button>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct MessagePanelProps {
    pub model: Rc<Model>,
    pub id: u64,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// A message picked in flight: what it is, and drop it or deliver it twice.
#[component]
pub fn MessagePanel(props: &MessagePanelProps) -> Html {
    use protosim::scenario::Action;
    let m = &props.model;
    let Some(f) = m.flights.iter().find(|f| f.id == props.id) else { return html! {} };
    let name = |n: protosim::scenario::NodeId| m.nodes.get(usize::from(n)).map_or_else(String::new, |x| x.name.clone());
    let in_flight = f.sent_us <= props.cursor_us && props.cursor_us < f.end_us && f.dropped.is_none();
    let act = |action: Action| act_on_click(&props.on_act, props.cursor_us, props.playing, action);
    html! {
        <section class="inspector" aria-label={format!("Message #{}", f.id)} data-testid="message">
            <h2>{ format!("{} #{}", f.label, f.id) }<small>{ format!(" {} → {}", name(f.from), name(f.to)) }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label="Close">{ "✕" }</button>
            </h2>
            <p class="summary">{ format!("sent at {:.3} s, due at {:.3} s", f.sent_us as f64 / 1e6, f.planned_us as f64 / 1e6) }</p>
            if in_flight {
                <div class="actions">
                    <button onclick={act(Action::DropMessage { id: f.id })} data-testid="drop">{ "✖ Drop it" }</button>
                    <button onclick={act(Action::DuplicateMessage { id: f.id })} data-testid="duplicate">{ "⧉ Deliver it twice" }</button>
                    <button onclick={act(Action::DelayMessage { id: f.id, by_us: 200_000 })} data-testid="delay">
                        { "⧗ Hold it back 200 ms" }
                    </button>
                </div>
            } else {
                <p class="muted">{ "Not in flight at this moment." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct PartitionPanelProps {
    pub model: Rc<Model>,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// Make a partition by choosing groups: the ticked nodes on one side, the others on the other.
#[component]
pub fn PartitionPanel(props: &PartitionPanelProps) -> Html {
    let side = use_state(protosim::vecmap::VecSet::<protosim::scenario::NodeId>::new);
    let m = &props.model;
    let cut = {
        let side = side.clone();
        let on_act = props.on_act.clone();
        let all: Vec<protosim::scenario::NodeId> = m.nodes.iter().map(|n| n.id).collect();
        let (at_us, playing) = (props.cursor_us, props.playing);
        Callback::from(move |_| {
            let a: Vec<_> = side.iter().copied().collect();
            let b: Vec<_> = all.iter().copied().filter(|n| !side.contains(n)).collect();
            if a.is_empty() || b.is_empty() {
                return;
            }
            let action = protosim::scenario::Action::Partition { groups: vec![a, b] };
            on_act.emit(Act { at_us, action, playing })
        })
    };
    html! {
        <section class="inspector" aria-label="Make a partition" data-testid="partition-panel">
            <h2>{ "Partition" }<small>{ " tick one side" }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label="Close">{ "✕" }</button>
            </h2>
            <div class="sides">
                { for m.nodes.iter().map(|n| {
                    let id = n.id;
                    let ticked = side.contains(&id);
                    let side = side.clone();
                    let toggle = Callback::from(move |_| {
                        let mut s = (*side).clone();
                        if !s.remove(&id) {
                            s.insert(id);
                        }
                        side.set(s);
                    });
                    html! {
                        <label><input type="checkbox" checked={ticked} onchange={toggle}
                                      data-testid={format!("side-{id}")} />{ format!(" {}", n.name) }</label>
                    }
                }) }
            </div>
            <div class="actions">
                <button onclick={cut} data-testid="cut" disabled={side.is_empty() || side.len() == m.nodes.len()}>
                    { "✂ Cut them off from the rest" }
                </button>
            </div>
        </section>
    }
}
