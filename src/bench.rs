//! The browser benchmark page (`index.html#bench`): the engine's events per second in wasm, on the same steady
//! load as `cargo bench -p protosim`. It prints figures; it asserts nothing.

use protosim::engine::{Engine, RecordOptions};
use protosim::pinned::steady_load;
use protosim::protocols::single::SingleDb;
use yew::prelude::*;

/// Simulated time of one benchmark run (shorter than the native 60 s: a page should answer within seconds).
pub const BENCH_UNTIL_MS: u64 = 20_000;

fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Runs the steady load `repeats` times and returns (events, best milliseconds).
pub fn measure(opts: RecordOptions, repeats: u32) -> (u64, f64) {
    let s = steady_load(BENCH_UNTIL_MS);
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..repeats {
        let t0 = now_ms();
        let mut e = Engine::<SingleDb>::new(&s, opts);
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
                for (name, opts) in [
                    ("single, trace only", RecordOptions { narrate: false, checkpoint_every: 0 }),
                    ("single, narrated", RecordOptions { narrate: true, checkpoint_every: 0 }),
                ] {
                    let (events, ms) = measure(opts, 3);
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
