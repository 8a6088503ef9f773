//! Engine throughput, printed as figures (no assertions): `cargo bench -p protosim`.
//!
//! Steady load: 16 shoppers sending 1,000 checkouts per simulated second (the most a scenario allows), stock and wallets large enough that
//! checkouts keep confirming; to one database for 120 simulated seconds, and to a 5-server Raft cluster for 20.

use protosim::engine::Protocol;
use protosim::engine::{Engine, RecordOptions};
use protosim::pinned::{paxos_steady_load, raft_steady_load, steady_load, twopc_steady_load};
use protosim::protocols::paxos::Paxos;
use protosim::protocols::raft::Raft;
use protosim::protocols::single::SingleDb;
use protosim::protocols::twopc::TwoPc;
use protosim::scenario::Scenario;
use std::time::Instant;

fn measure<P: Protocol>(name: &str, s: &Scenario, opts: RecordOptions) {
    s.validate().expect("benchmark scenarios are valid scenarios");
    let mut best = f64::MAX;
    let mut events = 0;
    let mut trace = 0;
    for _ in 0..5 {
        let started = Instant::now();
        let mut e = Engine::<P>::new(s, opts);
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
    let single = steady_load(120_000);
    measure::<SingleDb>("single, trace only", &single, RecordOptions { narrate: false, checkpoint_every: 0 });
    measure::<SingleDb>("single, narrated", &single, RecordOptions { narrate: true, checkpoint_every: 0 });
    measure::<SingleDb>(
        "single, narrated+checkpoints",
        &single,
        RecordOptions { narrate: true, checkpoint_every: 4096 },
    );
    let raft = raft_steady_load(5, 20_000);
    measure::<Raft>("raft 5 nodes, trace only", &raft, RecordOptions { narrate: false, checkpoint_every: 0 });
    measure::<Raft>("raft 5 nodes, narrated", &raft, RecordOptions { narrate: true, checkpoint_every: 0 });
    let paxos = paxos_steady_load(5, false, 20_000);
    measure::<Paxos>("paxos 5+2, trace only", &paxos, RecordOptions { narrate: false, checkpoint_every: 0 });
    let stable = paxos_steady_load(5, true, 20_000);
    measure::<Paxos>("paxos 5+2 stable, trace only", &stable, RecordOptions { narrate: false, checkpoint_every: 0 });
    let twopc = twopc_steady_load(20_000);
    measure::<TwoPc>("2pc 1+2+1, trace only", &twopc, RecordOptions { narrate: false, checkpoint_every: 0 });
}
