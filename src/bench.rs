//! The browser benchmark page (`index.html#bench`): the engine's events per second in wasm, on the same steady
//! load as `cargo bench -p protosim`. It prints figures; it asserts nothing.

use crate::now_ms;
use protosim::engine::RecordOptions;
use protosim::pinned::{locking_steady_load, paxos_steady_load, raft_steady_load, steady_load, twopc_steady_load};
use protosim::Scenario;
use yew::prelude::*;

/// Simulated time of one benchmark run (shorter than the native 60 s and 20 s: a page should answer within
/// seconds); Raft runs half of it.
pub const BENCH_UNTIL_MS: u64 = 20_000;

/// Runs a scenario `repeats` times, as the explorer does ([`protosim::build`]), and returns (events, best
/// milliseconds, messages delivered).
pub fn measure(s: &Scenario, opts: RecordOptions, repeats: u32) -> (u64, f64, u64) {
    let mut best = f64::MAX;
    let (mut events, mut delivered) = (0, 0);
    for _ in 0..repeats {
        let t0 = now_ms();
        let mut e = protosim::build(s, opts).expect("benchmark scenarios are valid scenarios");
        e.run_to_end();
        best = best.min(now_ms() - t0);
        (events, delivered) = (e.metrics().events, e.metrics().messages_delivered);
    }
    (events, best, delivered)
}

/// The frame benchmark's scenario: 5 Raft servers and 2 shoppers (7 nodes) at 1,000 checkouts a second over slow
/// links (100–300 ms), so that a few hundred messages are in the air at once.
pub fn frame_scenario() -> Scenario {
    let mut s = raft_steady_load(5, 3_000);
    s.shoppers = 2;
    s.network.default.latency_us_min = 100_000;
    s.network.default.latency_us_max = 300_000;
    s
}

/// Frames the benchmark animates, one simulated millisecond apart, starting at 2 s.
pub const FRAMES: usize = 240;
const FRAMES_FROM_US: u64 = 2_000_000;

/// The seek benchmark's run: 5 Raft servers and 16 shoppers at 1,000 checkouts a second for 9 s, about 200,000
/// engine events.
pub fn seek_scenario() -> Scenario {
    raft_steady_load(5, 9_000)
}

/// The memory benchmark's run (`#bench-memory`): the seek benchmark's load for 45 s, which the page cuts at
/// [`crate::loader::PAGE_MAX_EVENTS`] = 1,000,000 engine events.
pub fn memory_scenario() -> Scenario {
    raft_steady_load(5, 45_000)
}

/// The wasm memory in use (MB): it only grows, so after a run it is that run's peak.
fn wasm_memory_mb() -> f64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .ok()
        .and_then(|m| m.buffer().dyn_into::<js_sys::ArrayBuffer>().ok())
        .map_or(0.0, |b| f64::from(b.byte_length()) / 1_048_576.0)
}

#[derive(Properties, PartialEq)]
struct FrameBenchProps {
    model: std::rc::Rc<crate::model::Model>,
    /// Jump to a pseudo-random moment of the run at every frame (a seek) instead of moving on 1 ms.
    #[prop_or_default]
    seek: bool,
    /// p50 and p95 frame time (ms), the mean number of messages drawn per frame, the p95 script time (ms) and how
    /// many frames took over 20 ms (a missed vsync).
    on_done: Callback<(f64, f64, f64, f64, f64)>,
}

/// Animates the cluster picture frame by frame (the cursor moves on at every animation frame, as when playing)
/// and measures the time between frames: at 60 frames a second that is 16.7 ms.
#[component]
fn FrameBench(props: &FrameBenchProps) -> Html {
    let frame = use_state(|| 0usize);
    let gaps = use_mut_ref(Vec::<f64>::new);
    let drawn = use_mut_ref(|| 0usize);
    let done = *frame >= FRAMES;
    {
        let frame = frame.clone();
        let gaps = gaps.clone();
        crate::player::use_animation_frames(
            !done,
            Callback::from(move |dt: f64| {
                gaps.borrow_mut().push(dt);
                frame.set(*frame + 1);
            }),
        );
    }
    let cursor = if props.seek {
        protosim::rng::mix64(*frame as u64) % props.model.end_us.max(1)
    } else {
        FRAMES_FROM_US + 1_000 * *frame as u64
    };
    // Script time of the frame: from this render to the end of Yew's DOM update (the effect below runs after it).
    let began = use_mut_ref(|| 0.0f64);
    let scripts = use_mut_ref(Vec::<f64>::new);
    *began.borrow_mut() = now_ms();
    {
        let began = began.clone();
        let scripts = scripts.clone();
        use_effect(move || {
            scripts.borrow_mut().push(now_ms() - *began.borrow());
        });
    }
    *drawn.borrow_mut() += props.model.flights_at(cursor).count();
    {
        let on_done = props.on_done.clone();
        let gaps = gaps.clone();
        let drawn = drawn.clone();
        let scripts = scripts.clone();
        use_effect_with(done, move |&done| {
            if done {
                let mut g = gaps.borrow().clone();
                protosim::sort::sort_unstable_by(&mut g, |a, b| a.total_cmp(b).is_lt());
                let at = |p: usize| g.get((g.len() * p / 100).min(g.len().saturating_sub(1))).copied().unwrap_or(0.0);
                let mut sc = scripts.borrow().clone();
                protosim::sort::sort_unstable_by(&mut sc, |a, b| a.total_cmp(b).is_lt());
                let script95 = sc.get((sc.len() * 95 / 100).min(sc.len().saturating_sub(1))).copied().unwrap_or(0.0);
                let slow = g.iter().filter(|&&d| d > 20.0).count() as f64;
                on_done.emit((at(50), at(95), *drawn.borrow() as f64 / (FRAMES + 1) as f64, script95, slow));
            }
        });
    }
    html! { <crate::cluster::Cluster model={props.model.clone()} cursor_us={cursor} /> }
}

/// The bug hunt for every mistaken variant, as the page runs it: the time to the first counterexample (the search)
/// and to the shrunk one, and the runs per second.
pub fn hunt_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for (kind, variant) in crate::hunt_panel::mistaken_variants() {
        let t0 = now_ms();
        let mut hunt = protosim::hunt::Hunt::new(protosim::hunt::base(kind, variant), crate::hunt_panel::MAX_SEEDS);
        let mut found_ms = None;
        while !hunt.work(1) {
            if found_ms.is_none() && !matches!(hunt.progress(), protosim::hunt::Progress::Searching { .. }) {
                found_ms = Some(now_ms() - t0);
            }
        }
        let total = now_ms() - t0;
        let line = match hunt.result() {
            Some(c) => format!(
                "hunt/{}/{variant}: first counterexample in {:.0} ms (seed {}, {} runs), shrunk {} → {} interventions, \
                 {:.0} ms in all, {:.0} runs/s",
                kind.name(),
                found_ms.unwrap_or(total),
                c.seed,
                c.search_runs,
                c.interventions_before,
                c.scenario.interventions.len(),
                total,
                hunt.runs as f64 / (total / 1000.0).max(1e-6)
            ),
            None => format!("hunt/{}/{variant}: NO counterexample in {} runs", kind.name(), hunt.runs),
        };
        lines.push(line);
    }
    lines
}

#[component]
pub fn Bench() -> Html {
    let result = use_state(|| None::<Vec<String>>);
    let engine_lines = use_state(|| None::<Vec<String>>);
    let frame_model = use_state(|| None::<std::rc::Rc<crate::model::Model>>);
    // The seek benchmark's run, loaded first and kept here until the frame benchmark is over.
    let seek_slot = use_mut_ref(|| None::<std::rc::Rc<crate::model::Model>>);
    {
        let result = engine_lines.clone();
        let frame_model = frame_model.clone();
        let seek_slot = seek_slot.clone();
        use_effect_with((), move |_| {
            // Let the page paint "running" first.
            gloo::timers::callback::Timeout::new(50, move || {
                // First the seek benchmark's run, on a fresh page: the memory it takes is then its own (wasm memory
                // only grows, and later benchmarks reuse what it leaves).
                let (line, model) = load_line("load", &seek_scenario());
                let mut lines = vec![line];
                *seek_slot.borrow_mut() = Some(std::rc::Rc::new(model));
                lines.extend(engine_speed_lines());
                lines.extend(hunt_lines());
                result.set(Some(lines));
                frame_model.set(crate::loader::run_for_playback(&frame_scenario()).ok().map(std::rc::Rc::new));
            })
            .forget();
        });
    }
    let seek_model = use_state(|| None::<std::rc::Rc<crate::model::Model>>);
    let acc = use_mut_ref(Vec::<String>::new);
    let on_frames = {
        let engine_lines = engine_lines.clone();
        let acc = acc.clone();
        let seek_model = seek_model.clone();
        let seek_slot = seek_slot.clone();
        Callback::from(move |(p50, p95, drawn, script95, slow): (f64, f64, f64, f64, f64)| {
            let mut lines = (*engine_lines).clone().unwrap_or_default();
            lines.push(format!(
                "frames/7 nodes, {drawn:.0} messages drawn per frame on average: p50 {p50:.1} ms, p95 {p95:.1} ms \
                 over {FRAMES} frames (60 fps = 16.7 ms), {slow} frames over 20 ms; rendering in the page's script: \
                 p95 {script95:.1} ms"
            ));
            *acc.borrow_mut() = lines;
            // Then the seek benchmark, over the run loaded first.
            seek_model.set(seek_slot.borrow_mut().take());
        })
    };
    let on_seeks = {
        let result = result.clone();
        let acc = acc.clone();
        Callback::from(move |(p50, _p95, _drawn, script95, _slow): (f64, f64, f64, f64, f64)| {
            let mut lines = acc.borrow().clone();
            lines.push(format!(
                "seek/{FRAMES} jumps to random moments of that run: the page's script (look-ups, render, DOM update) \
                 p95 {script95:.1} ms (target ≤ 50 ms); frame p50 {p50:.1} ms"
            ));
            result.set(Some(lines));
        })
    };
    html! {
        <main class="app bench">
            <h1>{ "Engine benchmark (wasm)" }</h1>
            if let (Some(model), None, None) = (&*frame_model, &*seek_model, &*result) {
                <div class="frame-bench"><FrameBench model={model.clone()} on_done={on_frames} /></div>
            }
            if let (Some(model), None) = (&*seek_model, &*result) {
                <div class="frame-bench"><FrameBench model={model.clone()} seek={true} on_done={on_seeks} /></div>
            }
            { match &*result {
                None => html! { <p data-testid="bench-running">{ "running…" }</p> },
                Some(lines) => html! {
                    <pre id="bench-result" data-testid="bench-result">{ lines.join("\n") }</pre>
                },
            } }
        </main>
    }
}

/// The engine's speed in wasm, per protocol, with and without narration (after a warm-up).
fn engine_speed_lines() -> Vec<String> {
    // Warm up first: the browser compiles hot wasm again, optimized, a moment after it first runs.
    for s in [steady_load(2_000), raft_steady_load(5, 2_000), paxos_steady_load(5, false, 2_000)] {
        let _ = protosim::run(&s, RecordOptions { narrate: true, checkpoint_every: 0 });
    }
    let single = steady_load(BENCH_UNTIL_MS);
    let raft = raft_steady_load(5, BENCH_UNTIL_MS / 2);
    let quiet = RecordOptions { narrate: false, checkpoint_every: 0 };
    let narrated = RecordOptions { narrate: true, checkpoint_every: 0 };
    let paxos = paxos_steady_load(5, false, BENCH_UNTIL_MS / 2);
    let twopc = twopc_steady_load(BENCH_UNTIL_MS / 2);
    let pessimistic = locking_steady_load(protosim::protocols::locking::PESSIMISTIC, BENCH_UNTIL_MS / 2);
    let optimistic = locking_steady_load(protosim::protocols::locking::OPTIMISTIC, BENCH_UNTIL_MS / 2);
    let runs: [(&str, (u64, f64, u64)); 8] = [
        ("single, trace only", measure(&single, quiet, 5)),
        ("single, narrated", measure(&single, narrated, 5)),
        ("raft 5 nodes, trace only", measure(&raft, quiet, 5)),
        ("raft 5 nodes, narrated", measure(&raft, narrated, 3)),
        ("paxos 5+2, trace only", measure(&paxos, quiet, 5)),
        ("2pc 1+2+1, trace only", measure(&twopc, quiet, 5)),
        ("pessimistic 1+2, trace only", measure(&pessimistic, quiet, 3)),
        ("optimistic 2, trace only", measure(&optimistic, quiet, 5)),
    ];
    let mut lines = Vec::new();
    for (name, (events, ms, _)) in runs {
        lines.push(format!(
            "wasm/{name}: {events} events in {ms:.1} ms = {:.2} M events/s",
            events as f64 / ms / 1000.0
        ));
    }
    let (_, bare_ms, delivered) = runs[2].1;
    lines.push(recording_line(&raft, bare_ms, delivered));
    lines
}

/// The page's own recording of the Raft load (narrated, into the playback model, as a run is prepared for the
/// explorer) against the bare engine's `bare_ms`, and the Raft messages it delivers (`delivered`, the bare run's
/// count: recording never changes a run) per wall second. For scale:
/// RaftScope's raft.js delivered about 127,000 per second in headless Chromium on the 2-core machine this was
/// written on; the target is 20 times that (about 2.5 million) and recording at most 1.5 times the bare engine.
fn recording_line(raft: &Scenario, bare_ms: f64, delivered: u64) -> String {
    let mut best = f64::MAX;
    for _ in 0..3 {
        let t0 = now_ms();
        let model = crate::loader::run_capped(raft, u64::MAX).expect("a valid scenario");
        best = best.min(now_ms() - t0);
        drop(model);
    }
    format!(
        "wasm/raft 5 nodes, recorded for the page (narrated, into the playback model): {best:.1} ms = {:.1}x the bare \
         engine (target 1.5x); {delivered} messages delivered = {:.2} M messages/s while recording (target 2.5 M)",
        best / bare_ms,
        delivered as f64 / best / 1000.0
    )
}

/// One line about a run prepared for playback: its size, what was kept, `how` it was prepared, and the wasm memory
/// before and after.
fn model_line(name: &str, model: &crate::model::Model, how: &str, before_mb: f64) -> String {
    let history = if model.history_from_us == 0 {
        "its whole history kept".to_string()
    } else {
        format!(
            "history kept from {:.3} s ({} older log lines dropped)",
            model.history_from_us as f64 / 1e6,
            model.dropped_lines
        )
    };
    format!(
        "{name}/a {:.1} s Raft run: {} events, {} log lines, {} messages kept, {history}; {how}; wasm memory \
         {before_mb:.0} MB before, {:.0} MB after",
        model.end_us as f64 / 1e6,
        model.events,
        model.log.len(),
        model.flights.len(),
        wasm_memory_mb()
    )
}

/// A run loaded for playback in one go, with its line.
fn load_line(name: &str, s: &Scenario) -> (String, crate::model::Model) {
    let before = wasm_memory_mb();
    let t0 = now_ms();
    let model = crate::loader::run_for_playback(s).expect("benchmark scenarios run");
    let how = format!("simulated and prepared for playback in {:.0} ms", now_ms() - t0);
    (model_line(name, &model, &how, before), model)
}

/// The memory benchmark page (`index.html#bench-memory`), opened on a fresh page so the wasm memory it reports is
/// this run's own peak (wasm memory never shrinks): a 1,000,000-event run prepared for playback the way the explorer
/// does it ([`crate::loader::Loader::begin`], then [`crate::loader::continue_loading`] in slices on timer tasks), with the
/// longest slice (the longest the page could not answer) and the whole time. Prints; asserts nothing.
#[component]
pub fn MemoryBench() -> Html {
    let result = use_state(|| None::<String>);
    {
        let result = result.clone();
        use_effect_with((), move |_| {
            let before = wasm_memory_mb();
            let t0 = now_ms();
            let (loader, over) = crate::loader::Loader::begin(&memory_scenario(), crate::model::HISTORY_BUDGET_BYTES)
                .expect("a valid run");
            let first_ms = now_ms() - t0;
            let report = move |model: crate::model::Model, slices: &[f64]| {
                let longest = slices.iter().copied().fold(0.0, f64::max);
                let how = format!(
                    "prepared in {:.0} ms in {} slices (first {first_ms:.0} ms, then at most {longest:.0} ms each)",
                    now_ms() - t0,
                    1 + slices.len()
                );
                let line = model_line("memory", &model, &how, before);
                result.set(Some(format!("{line} (target ≤ 150 MB for 1,000,000 events)")));
            };
            if over {
                return report(loader.finish(), &[]);
            }
            let cell = std::rc::Rc::new(std::cell::RefCell::new(Some(loader)));
            let slices = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
            let on_slice = {
                let slices = slices.clone();
                std::rc::Rc::new(move |_: &crate::loader::Loader, ms| slices.borrow_mut().push(ms))
            };
            // The closure holds the loader, which the slices only see weakly, until the run is prepared.
            let keep = cell.clone();
            let on_done = Box::new(move |model| {
                drop(keep);
                report(model, &slices.borrow());
            });
            crate::loader::continue_loading(std::rc::Rc::downgrade(&cell), on_slice, on_done);
        });
    }
    html! {
        <main class="app bench">
            <h1>{ "Memory benchmark (wasm)" }</h1>
            { match &*result {
                None => html! { <p data-testid="bench-running">{ "running…" }</p> },
                Some(line) => html! { <pre id="bench-result" data-testid="bench-result">{ line.clone() }</pre> },
            } }
        </main>
    }
}
