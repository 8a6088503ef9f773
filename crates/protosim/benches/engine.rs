//! Engine throughput, printed as figures (no assertions): `cargo bench -p protosim`. Then the locking table:
//! pessimistic against optimistic locking at contention 0.1, 0.5 and 0.9 (simulated throughput, latency, aborts
//! and retries — figures of the protocols, not of this machine).
//!
//! Steady load: 16 shoppers sending 1,000 checkouts per simulated second (the most a scenario allows), stock and wallets large enough that
//! checkouts keep confirming; to one database for 120 simulated seconds, and to a 5-server Raft cluster for 20.

use protosim::engine::Protocol;
use protosim::engine::{Engine, RecordOptions};
use protosim::pinned::{
    contention_load, locking_steady_load, paxos_steady_load, raft_steady_load, steady_load, twopc_steady_load,
};
use protosim::protocols::locking::{Locking, ATTEMPTS_METRIC};
use protosim::protocols::paxos::Paxos;
use protosim::protocols::raft::Raft;
use protosim::protocols::single::SingleDb;
use protosim::protocols::twopc::TwoPc;
use protosim::scenario::Scenario;
use protosim::trace::percentile;
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
        "engine/{name:<40} {events:>9} events in {:>7.1} ms = {:>6.2} M events/s ({trace} trace entries)",
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
    let quiet = RecordOptions { narrate: false, checkpoint_every: 0 };
    measure::<Locking>(
        "pessimistic 1+2, trace only",
        &locking_steady_load(protosim::protocols::locking::PESSIMISTIC, 20_000),
        quiet,
    );
    measure::<Locking>(
        "optimistic 2, trace only",
        &locking_steady_load(protosim::protocols::locking::OPTIMISTIC, 20_000),
        quiet,
    );
    fault_costs();
    contention_table();
    sweep_speedup();
    linearizability_speed();
}

/// The linearizability checker's speed: the history of a correct 10-second steady load on 5-server Raft (about
/// 10,000 checkouts, 16 shoppers), the same with a tight stock (every checkout after the first thousand refused),
/// the same with 500 stock look-ups a second (ReadIndex, then leases),
/// the largest history of a 200-seed faulty Raft sweep, and an adversarial history (40 concurrent checkouts never
/// answered, then an answer no state explains), which must end "unknown" within its budget rather than hang.
fn linearizability_speed() {
    use protosim::linearizability::{check, history_of, DEFAULT_BUDGET};
    println!();
    println!("linearizability checker (Wing & Gong with Lowe's memoization), budget {DEFAULT_BUDGET} steps");
    let judge = |name: &str, s: &Scenario| {
        let r = protosim::run(s, RecordOptions { narrate: false, checkpoint_every: 0 }).expect("a valid scenario");
        let h = history_of(s, r.trace(), r.now_us());
        let started = Instant::now();
        let rep = check(&h, DEFAULT_BUDGET);
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "linearizability/{name:<44} {:>6} operations: {} in {ms:>7.1} ms ({} steps, {} parts)",
            rep.ops,
            rep.verdict.name(),
            rep.steps,
            rep.parts
        );
        (rep.ops, ms)
    };
    judge("raft 5 nodes, 10 s steady load", &raft_steady_load(5, 10_000));
    let mut tight = raft_steady_load(5, 10_000);
    tight.workload.stock = 400;
    judge("raft 5 nodes, 10 s steady load, 400 units an item", &tight);
    for read in [protosim::scenario::RaftRead::ReadIndex, protosim::scenario::RaftRead::Lease] {
        let mut reads = raft_steady_load(5, 10_000);
        reads.workload.read_rate_per_s = 500.0;
        reads.raft.read = read;
        judge(&format!("raft 5 nodes, 10 s steady load + 500 reads/s, {}", read.name()), &reads);
    }
    let base = Scenario { nodes: 5, ..protosim::hunt::base(protosim::protocols::raft::KIND, "correct") };
    let mut largest = (0, 0.0, 0);
    for k in 0..200 {
        let s = protosim::faults::seed_scenario(&base, k, true);
        let r = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).expect("a valid scenario");
        let h = history_of(&s, r.trace(), r.now_us());
        if h.ops.len() > largest.0 {
            let started = Instant::now();
            let _ = check(&h, DEFAULT_BUDGET);
            largest = (h.ops.len(), started.elapsed().as_secs_f64() * 1000.0, k);
        }
    }
    println!(
        "linearizability/largest history of 200 faulty raft seeds        {:>6} checkouts (seed offset {}) in {:.2} ms",
        largest.0, largest.2, largest.1
    );
    let adversarial = adversarial_history();
    let started = Instant::now();
    let rep = check(&adversarial, DEFAULT_BUDGET);
    println!(
        "linearizability/adversarial: 40 open checkouts, then a lie      {:>6} checkouts: {} in {:.1} ms ({} steps)",
        rep.ops,
        rep.verdict.name(),
        started.elapsed().as_secs_f64() * 1000.0,
        rep.steps
    );
}

/// 40 checkouts of one unit, submitted together and never answered, then an answer with a total no basket has.
fn adversarial_history() -> protosim::linearizability::History {
    let mut s = Scenario::default();
    s.workload.rate_per_s = 0.0;
    s.workload.stock = 1_000;
    let one = protosim::scenario::Line { item: 0, qty: 1 };
    s.interventions = (0..40)
        .map(|k| protosim::scenario::Intervention {
            at_us: 1_000 + k,
            action: protosim::scenario::Action::Checkout {
                shopper: 1 + (k % 3) as u16,
                customer: 0,
                lines: vec![one.clone()],
            },
        })
        .collect();
    s.until_ms = 2;
    let r = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).expect("a valid scenario");
    let mut h = protosim::linearizability::history_of(&s, r.trace(), 2_000);
    let mut lie = h.ops[0].clone();
    lie.request_id = 1_000;
    lie.call_us = 1_500;
    lie.answered_us = Some(1_600);
    lie.return_us = Some(1_600);
    lie.result = protosim::linearizability::OpResult::InsufficientFunds { total_cents: 1 };
    h.ops.push(lie);
    h
}

/// What each fault kind of the engine costs: the 5-server Raft load with one fault kept up through the run, in
/// events per second against the same load without it (each fault also changes what the run does, so the event
/// counts differ: the figure is the engine's speed on such a run). Then Redlock against the single lock manager.
fn fault_costs() {
    use protosim::scenario::{Action, Intervention};
    let quiet = RecordOptions { narrate: false, checkpoint_every: 0 };
    let at = |at_us, action| Intervention { at_us, action };
    let base = raft_steady_load(5, 20_000);
    let every = |f: &dyn Fn(u16) -> Action| (0..5).map(|node| at(0, f(node))).collect::<Vec<_>>();
    let cases: Vec<(&str, Vec<Intervention>)> = vec![
        ("no fault", vec![]),
        (
            "a follower paused 2-18 s",
            vec![at(2_000_000, Action::Pause { node: 1 }), at(18_000_000, Action::Resume { node: 1 })],
        ),
        ("a follower slow, 2 ms a message", vec![at(0, Action::Slow { node: 1, handle_us: 2_000 })]),
        ("every clock drifting 1 %", every(&|node| Action::ClockDrift { node, ppm: 10_000 })),
        (
            "a clock step every 100 ms",
            (1..200u64).map(|k| at(k * 100_000, Action::ClockJump { node: (k % 5) as u16, by_us: 20_000 })).collect(),
        ),
        ("every fsync 1 ms", every(&|node| Action::DiskLatency { node, fsync_us: 1_000 })),
        ("a follower replaced at 5 s", vec![at(5_000_000, Action::DiskWipe { node: 1 })]),
    ];
    println!();
    println!(
        "what each fault costs the engine: raft 5 nodes, the steady load for 20 simulated s, one fault throughout"
    );
    for (name, faults) in cases {
        let mut s = base.clone();
        s.interventions.extend(faults);
        crate::sort_interventions(&mut s);
        measure::<Raft>(&format!("raft, {name}"), &s, quiet);
    }
    let mut redlock = locking_steady_load(protosim::protocols::locking::PESSIMISTIC, 20_000);
    redlock.locking.service = protosim::scenario::LockService::Redlock;
    measure::<Locking>("pessimistic, redlock 5+2", &redlock, quiet);
    let mut raft_locks = locking_steady_load(protosim::protocols::locking::PESSIMISTIC, 20_000);
    raft_locks.locking.service = protosim::scenario::LockService::Raft;
    measure::<Locking>("pessimistic, raft lock service 3+2", &raft_locks, quiet);
    let single = locking_steady_load(protosim::protocols::locking::PESSIMISTIC, 20_000);
    measure::<Locking>("pessimistic, single lock manager 1+2", &single, quiet);
}

/// Interventions in time order, as a scenario keeps them.
fn sort_interventions(s: &mut Scenario) {
    s.interventions.sort_by_key(|i| i.at_us);
}

/// A sweep and a hunt on one thread and on every core (rayon): seeds per second and the speed-up, with the core
/// count. The results are the same either way (`tests/sweep.rs`); only the time differs.
fn sweep_speedup() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!();
    println!("sweeps and hunts on every core: this machine has {cores} cores");
    let raft = protosim::hunt::base(protosim::protocols::raft::KIND, "correct");
    let raft5 = Scenario { nodes: 5, ..raft };
    let plan = protosim::sweep::SweepPlan { seeds: 200, faults: true, stop_at_first: false, shard: None };
    // The best of two sweeps on each pool, so that neither pays alone for a cold start.
    let sweep = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
        let once = || {
            let started = Instant::now();
            let r = pool.install(|| protosim::sweep::sweep_with(&raft5, &plan, &mut |_| {})).expect("a valid scenario");
            (started.elapsed().as_secs_f64(), r)
        };
        let (a, r) = once();
        let (b, _) = once();
        (a.min(b), r)
    };
    let (one, r1) = sweep(1);
    let (all, rn) = sweep(cores);
    assert_eq!(r1, rn, "the same result on 1 thread and on {cores}");
    println!(
        "sweep/raft 5 nodes, faults  {} seeds: {:>6.1} seeds/s on 1 thread, {:>6.1} on {cores}: speed-up {:.2}x",
        plan.seeds,
        plan.seeds as f64 / one,
        plan.seeds as f64 / all,
        one / all
    );
    let hunt = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
        let once = || {
            let started = Instant::now();
            let mut h =
                protosim::hunt::Hunt::new(protosim::hunt::base(protosim::protocols::raft::KIND, "correct"), 300);
            pool.install(|| h.finish().is_none());
            (started.elapsed().as_secs_f64(), h.runs)
        };
        let (a, runs) = once();
        let (b, _) = once();
        (a.min(b), runs)
    };
    let (one, runs) = hunt(1);
    let (all, _) = hunt(cores);
    println!(
        "hunt/raft 5 nodes, correct  {runs} runs: {:>6.1} runs/s on 1 thread, {:>6.1} on {cores}: speed-up {:.2}x",
        runs as f64 / one,
        runs as f64 / all,
        one / all
    );
}

/// Pessimistic (two deadlock strategies) against optimistic locking under rising contention, at an offered load
/// both keep up with and at one that makes the lock convoys of pessimistic locking thrash; three seeds each, summed.
fn contention_table() {
    use protosim::scenario::DeadlockStrategy;
    println!();
    println!("locking under contention: 16 shoppers, 2 storage nodes, 10 items, 60 simulated s x 3 seeds per row");
    println!(
        "(hot = probability a basket line is the hot item; aborted = gave up; retries = extra attempts per checkout)"
    );
    println!(
        "{:>7} {:>5}  {:<24} {:>11} {:>8} {:>8} {:>8} {:>8}",
        "offered", "hot", "mode", "confirmed/s", "p50 ms", "p99 ms", "aborted", "retries"
    );
    let modes = [
        (protosim::protocols::locking::PESSIMISTIC, DeadlockStrategy::Detect, "pessimistic, detect"),
        (protosim::protocols::locking::PESSIMISTIC, DeadlockStrategy::WoundWait, "pessimistic, wound-wait"),
        (protosim::protocols::locking::OPTIMISTIC, DeadlockStrategy::Detect, "optimistic"),
    ];
    for rate in [5.0, 10.0] {
        for hot in [0.1, 0.5, 0.9] {
            for (kind, strategy, name) in modes {
                let (mut confirmed, mut aborted, mut answered, mut retries, mut secs) = (0u64, 0u64, 0u64, 0u64, 0.0);
                let mut lat = Vec::new();
                for seed in 1..=3 {
                    let mut s = contention_load(kind, rate, hot, seed);
                    s.locking.deadlock = strategy;
                    s.validate().expect("a valid scenario");
                    let mut e = Engine::<Locking>::new(&s, RecordOptions { narrate: false, checkpoint_every: 0 });
                    e.run_to_end();
                    assert!(e.core.violations.is_empty(), "{name} hot {hot} seed {seed}: {:?}", e.core.violations);
                    let m = &e.core.metrics;
                    confirmed += m.checkouts_confirmed;
                    aborted += m.checkouts_aborted;
                    answered += m.checkouts_confirmed + m.checkouts_rejected + m.checkouts_aborted;
                    retries += m.samples.get(ATTEMPTS_METRIC).map_or(0, |v| v.iter().map(|a| a - 1).sum());
                    lat.extend_from_slice(&m.latencies_us);
                    secs += e.core.now_us as f64 / 1e6;
                }
                lat.sort_unstable();
                println!(
                    "{:>5.0}/s {:>5.1}  {:<24} {:>11.2} {:>8.0} {:>8.0} {:>7.1}% {:>8.2}",
                    rate,
                    hot,
                    name,
                    confirmed as f64 / secs,
                    percentile(&lat, 50) as f64 / 1000.0,
                    percentile(&lat, 99) as f64 / 1000.0,
                    100.0 * aborted as f64 / answered.max(1) as f64,
                    retries as f64 / answered.max(1) as f64
                );
            }
        }
    }
}
