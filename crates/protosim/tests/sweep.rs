//! Sweeps and hunts on every core give the one-thread answer, and a sweep's shards add up to the whole sweep.

use protosim::hunt::{base, Hunt};
use protosim::sweep::{merge, sweep_with, Shard, SweepPlan, SweepResult};
use protosim::Scenario;

fn on_threads<T: Send>(n: usize, f: impl FnOnce() -> T + Send) -> T {
    rayon::ThreadPoolBuilder::new().num_threads(n).build().expect("a thread pool").install(f)
}

fn scenario(protocol: &str, variant: &str) -> Scenario {
    base(protosim::protocols::parse(protocol).expect("a protocol"), variant)
}

fn plan(seeds: u64, stop_at_first: bool) -> SweepPlan {
    SweepPlan { seeds, faults: true, stop_at_first, shard: None }
}

fn swept(s: &Scenario, p: &SweepPlan) -> SweepResult {
    sweep_with(s, p, &mut |_| {}).unwrap_or_else(|e| panic!("{e}: {}", s.to_json()))
}

/// A correct protocol's counts, and a mistaken variant whose violations come thick (several in every batch, so a
/// first-to-finish answer would differ from run to run): the same result, field for field, on 1 thread and on 4.
#[test]
fn a_sweep_gives_the_same_result_on_one_thread_and_on_four() {
    for (protocol, variant, seeds, stop) in [
        ("raft", "correct", 96, false),
        ("2pc", "decide-before-log", 300, false),
        ("2pc", "decide-before-log", 300, true),
        ("optimistic", "no-version-check", 200, true),
    ] {
        let s = scenario(protocol, variant);
        let p = plan(seeds, stop);
        let one = on_threads(1, || swept(&s, &p));
        let four = on_threads(4, || swept(&s, &p));
        assert_eq!(one, four, "{protocol}/{variant}, {seeds} seeds, stop at first: {stop}");
        if variant != "correct" {
            let first = one.first.as_ref().unwrap_or_else(|| panic!("{protocol}/{variant} is caught"));
            assert!(one.violating_runs > 1 || stop, "{protocol}/{variant}: violations in several seeds");
            if stop {
                assert_eq!(one.runs, first.scenario.seed - s.seed + 1, "it stops at the lowest violating seed");
            }
        } else {
            assert_eq!(
                one.violating_runs,
                0,
                "{}",
                one.first.as_ref().map(|f| f.scenario.to_json()).unwrap_or_default()
            );
        }
    }
}

/// The hunt's search tries seeds on every core; it finds, counts and shrinks what the one-thread search does.
#[test]
fn a_hunt_finds_the_same_counterexample_on_one_thread_and_on_four() {
    for (protocol, variant) in [("2pc", "decide-before-log"), ("paxos", "accept-below-promise")] {
        let s = scenario(protocol, variant);
        let hunt = |threads| {
            on_threads(threads, || {
                let mut h = Hunt::new(s.clone(), 2000);
                let c = h.finish().cloned().unwrap_or_else(|| panic!("{protocol}/{variant}: the hunt finds it"));
                (c.seed, c.scenario, c.violation.invariant, c.search_runs, c.shrink_runs, h.runs, h.events)
            })
        };
        assert_eq!(hunt(1), hunt(4), "{protocol}/{variant}");
    }
}

/// `--shard K/N` for every K, merged, equals the sweep run whole — with and without stopping at the first.
#[test]
fn shards_merged_equal_the_whole_sweep() {
    for (protocol, variant, seeds, stop, shards) in [
        ("raft", "correct", 50, false, 3),
        ("2pc", "decide-before-log", 120, false, 4),
        ("2pc", "decide-before-log", 120, true, 5),
    ] {
        let s = scenario(protocol, variant);
        let whole = swept(&s, &plan(seeds, stop));
        let mut parts: Vec<SweepResult> = (1..=shards)
            .map(|k| swept(&s, &SweepPlan { shard: Some(Shard { index: k, count: shards }), ..plan(seeds, stop) }))
            .collect();
        assert_eq!(parts.iter().map(|p| p.range.1 - p.range.0).sum::<u64>(), seeds, "the shards cover every seed");
        parts.reverse(); // the order they are given in does not matter
        assert_eq!(merge(parts).expect("the shards merge"), whole, "{protocol}/{variant} over {shards} shards");
    }
}

#[test]
fn merge_refuses_shards_that_do_not_make_one_sweep() {
    let s = scenario("single", "correct");
    let shard = |k, n, seeds| swept(&s, &SweepPlan { shard: Some(Shard { index: k, count: n }), ..plan(seeds, false) });
    let err = |parts| merge(parts).expect_err("refused");
    assert!(err(vec![shard(1, 3, 30), shard(3, 3, 30)]).contains("leave a gap"));
    assert!(err(vec![shard(1, 3, 30), shard(1, 3, 30)]).contains("overlap"));
    assert!(err(vec![shard(2, 3, 30), shard(3, 3, 30)]).contains("seeds 0 to 10"));
    assert!(err(vec![shard(1, 2, 30), shard(2, 2, 40)]).contains("different sweeps"));
    assert!(err(vec![]).contains("nothing"));
    for bad in ["0/3", "4/3", "1/0", "x/2", "3"] {
        assert!(Shard::parse(bad).is_err(), "{bad}");
    }
    assert_eq!(Shard::parse("2/8").map(|s| s.range(100)), Ok((12, 25)));
}
