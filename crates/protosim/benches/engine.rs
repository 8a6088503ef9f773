//! Engine throughput, printed as figures (no assertions): `cargo bench -p protosim`.
//!
//! The baseline protocol under steady load: 16 shoppers sending 2,000 checkouts per simulated second to one
//! database for 60 simulated seconds, stock and wallets large enough that checkouts keep confirming.

use protosim::engine::{Engine, RecordOptions};
use protosim::pinned::steady_load;
use protosim::protocols::single::SingleDb;
use std::time::Instant;

fn measure(name: &str, opts: RecordOptions) {
    let s = steady_load(60_000);
    let mut best = f64::MAX;
    let mut events = 0;
    let mut trace = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let mut e = Engine::<SingleDb>::new(&s, opts);
        e.run_to_end();
        let secs = started.elapsed().as_secs_f64();
        best = best.min(secs);
        events = e.core.metrics.events;
        trace = e.trace.len();
        assert!(e.core.violations.is_empty());
    }
    println!(
        "engine/{name:<28} {events:>9} events in {:>7.1} ms = {:>6.2} M events/s ({trace} trace entries)",
        best * 1000.0,
        events as f64 / best / 1e6
    );
}

fn main() {
    measure("single, trace only", RecordOptions { narrate: false, checkpoint_every: 0 });
    measure("single, narrated", RecordOptions { narrate: true, checkpoint_every: 0 });
    measure("single, narrated+checkpoints", RecordOptions { narrate: true, checkpoint_every: 4096 });
}
