//! The browser benchmark page (`index.html#bench`): the engine's events per second in wasm, on the same steady
//! load as `cargo bench -p protosim`. It prints figures; it asserts nothing.

use protosim::engine::{Engine, Protocol, RecordOptions};
use protosim::pinned::{locking_steady_load, paxos_steady_load, raft_steady_load, steady_load, twopc_steady_load};
use protosim::protocols::locking::Locking;
use protosim::protocols::paxos::Paxos;
use protosim::protocols::raft::Raft;
use protosim::protocols::single::SingleDb;
use protosim::protocols::twopc::TwoPc;
use protosim::scenario::ProtocolKind;
use protosim::Scenario;
use yew::prelude::*;

/// Simulated time of one benchmark run (shorter than the native 60 s and 20 s: a page should answer within
/// seconds); Raft runs half of it.
pub const BENCH_UNTIL_MS: u64 = 20_000;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Runs a scenario `repeats` times and returns (events, best milliseconds).
pub fn measure<P: Protocol>(s: &Scenario, opts: RecordOptions, repeats: u32) -> (u64, f64) {
    s.validate().expect("benchmark scenarios are valid scenarios");
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..repeats {
        let t0 = now_ms();
        let mut e = Engine::<P>::new(s, opts);
        e.run_to_end();
        best = best.min(now_ms() - t0);
        events = e.core.metrics.events;
    }
    (events, best)
}

#[component]
pub fn Bench() -> Html {
    let result = use_state(|| None::<Vec<String>>);
    {
        let result = result.clone();
        use_effect_with((), move |_| {
            // Let the page paint "running" first.
            gloo::timers::callback::Timeout::new(50, move || {
                let mut lines = Vec::new();
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
                let pessimistic = locking_steady_load(ProtocolKind::Pessimistic, BENCH_UNTIL_MS / 2);
                let optimistic = locking_steady_load(ProtocolKind::Optimistic, BENCH_UNTIL_MS / 2);
                let runs: [(&str, (u64, f64)); 8] = [
                    ("single, trace only", measure::<SingleDb>(&single, quiet, 5)),
                    ("single, narrated", measure::<SingleDb>(&single, narrated, 5)),
                    ("raft 5 nodes, trace only", measure::<Raft>(&raft, quiet, 5)),
                    ("raft 5 nodes, narrated", measure::<Raft>(&raft, narrated, 3)),
                    ("paxos 5+2, trace only", measure::<Paxos>(&paxos, quiet, 5)),
                    ("2pc 1+2+1, trace only", measure::<TwoPc>(&twopc, quiet, 5)),
                    ("pessimistic 1+2, trace only", measure::<Locking>(&pessimistic, quiet, 3)),
                    ("optimistic 2, trace only", measure::<Locking>(&optimistic, quiet, 5)),
                ];
                for (name, (events, ms)) in runs {
                    lines.push(format!(
                        "wasm/{name}: {events} events in {ms:.1} ms = {:.2} M events/s",
                        events as f64 / ms / 1000.0
                    ));
                }
                result.set(Some(lines));
            })
            .forget();
        });
    }
    html! {
        <main class="app bench">
            <h1>{ "Engine benchmark (wasm)" }</h1>
            { match &*result {
                None => html! { <p data-testid="bench-running">{ "running…" }</p> },
                Some(lines) => html! {
                    <pre id="bench-result" data-testid="bench-result">{ lines.join("\n") }</pre>
                },
            } }
        </main>
    }
}
