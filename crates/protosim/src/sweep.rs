//! Sweeps: one scenario over many seeds, each with a random fault schedule when asked, judged for safety (every
//! invariant after every event) and liveness ([`crate::liveness`]).
//!
//! **Every core, one answer.** With the `parallel` feature (the CLI's default) seeds run on rayon's thread pool in
//! ordered batches, and the batches' outcomes are folded in seed order. So the result — counts, events, the first
//! violating seed and its scenario — is the same whatever the number of threads: the first violation is the one of
//! the lowest seed, never the first to finish, and `stop_at_first` stops there (work done beyond it in the same
//! batch is discarded, not counted). The page builds without the feature and sweeps on one thread.
//!
//! **Shards.** [`Shard`] `K/N` runs the K-th of N contiguous ranges of the seeds, so a batch runner can spread a
//! million seeds over machines; [`merge`] adds the shards' results back into the result of one sweep over all of
//! them (equal to it field for field, `stop_at_first` included: shards after the one that stopped are dropped).

use crate::invariants::Violation;
use crate::linearizability::LinVerdict;
use crate::liveness::{LivenessJudge, LivenessVerdict};
use crate::scenario::{Scenario, ScenarioError};
use crate::{faults, i18n, liveness, protocols, RecordOptions};
use serde::{Deserialize, Serialize};

/// A scenario a search found, in the one shape `sweep --json` and `hunt --json` print (and the stored
/// counterexamples in `tests/fixtures/` keep): what broke, when, in words, and the scenario that replays it with
/// `protosim run --scenario` or in the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Found {
    /// The invariant that broke, or `liveness`.
    pub expect: String,
    /// Simulated time of the violation (for liveness: when the late checkout's bound ran out).
    pub at_us: u64,
    /// What broke, in English (the CLI's and the fixtures' language).
    pub detail: String,
    pub scenario: Scenario,
}

impl Found {
    pub fn violation(scenario: Scenario, v: &Violation) -> Found {
        Found { expect: v.invariant.to_string(), at_us: v.at_us, detail: i18n::render(&v.detail), scenario }
    }
}

/// Which part of a sweep's seeds to run: the `index`-th (1-based) of `count` contiguous ranges.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// Parses `K/N` (1 ≤ K ≤ N ≤ 1,000,000). Errors say what is wrong, in English (the CLI's language).
    pub fn parse(text: &str) -> Result<Shard, String> {
        let (k, n) = text.split_once('/').ok_or_else(|| format!("`{text}` should be K/N, e.g. 2/8"))?;
        let k: u64 = k.trim().parse().map_err(|_| format!("`{k}` is not a whole number"))?;
        let n: u64 = n.trim().parse().map_err(|_| format!("`{n}` is not a whole number"))?;
        if n == 0 || n > 1_000_000 || k == 0 || k > n {
            return Err(format!("`{text}`: K must be 1 to N and N 1 to 1000000"));
        }
        Ok(Shard { index: k, count: n })
    }

    /// The seed offsets `[from, to)` this shard runs, of `seeds` in all (shards differ in length by at most one).
    pub fn range(self, seeds: u64) -> (u64, u64) {
        let count = u128::from(self.count.max(1));
        let at = |k: u64| (u128::from(seeds) * u128::from(k.min(self.count)) / count) as u64;
        (at(self.index.saturating_sub(1)), at(self.index))
    }
}

/// What to sweep: `seeds` seeds counting up from the base scenario's seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SweepPlan {
    pub seeds: u64,
    /// Give every seed a random fault schedule ([`faults::with_random_faults`]).
    pub faults: bool,
    /// End the sweep at the first (lowest) violating seed.
    pub stop_at_first: bool,
    /// Run only this part of the seeds.
    pub shard: Option<Shard>,
}

impl SweepPlan {
    /// The seed offsets `[from, to)` this plan runs: its shard's, or all of them.
    pub fn range(&self) -> (u64, u64) {
        self.shard.map_or((0, self.seeds), |s| s.range(self.seeds))
    }
}

/// The result of a sweep over many seeds (or one shard of it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SweepResult {
    /// The sweep: its base scenario (seeds count up from its seed), how many seeds in all, with random faults or not,
    /// stopping at the first violation or not. [`merge`] refuses results of different sweeps.
    pub base: Scenario,
    pub seeds: u64,
    pub faults: bool,
    pub stop_at_first: bool,
    /// The seed offsets this result covers, `[from, to)` (the whole sweep unless it is a shard's).
    pub range: (u64, u64),
    pub shard: Option<Shard>,
    pub runs: u64,
    pub violating_runs: u64,
    pub events: u64,
    /// The first violating run: what broke and its scenario (replayable anywhere).
    pub first: Option<Found>,
    /// For protocols that promise liveness ([`liveness`]): the stated bound, the slowest judged answer, the runs
    /// that broke the promise and the first of them (its scenario and the late checkout in words).
    pub liveness_bound_ms: Option<u64>,
    pub slowest_answer_ms: u64,
    pub liveness_failures: u64,
    pub first_liveness_failure: Option<Found>,
    /// Runs whose client history is not linearizable ([`crate::linearizability`]), whether or not an invariant
    /// broke too (a run counts once in `violating_runs` either way; its first broken invariant, else its history, is
    /// what `first` reports).
    #[serde(default)]
    pub not_linearizable: u64,
    /// Runs whose history the checker could not judge within its budget, and the seed of the first of them.
    #[serde(default)]
    pub linearizability_unknown: u64,
    #[serde(default)]
    pub first_unknown_seed: Option<u64>,
}

impl SweepResult {
    fn empty(base: &Scenario, plan: &SweepPlan, range: (u64, u64)) -> SweepResult {
        SweepResult {
            base: base.clone(),
            seeds: plan.seeds,
            faults: plan.faults,
            stop_at_first: plan.stop_at_first,
            range,
            shard: plan.shard,
            runs: 0,
            violating_runs: 0,
            events: 0,
            first: None,
            liveness_bound_ms: protocols::info(base.protocol)
                .liveness_bound_ms
                .map(|b| liveness::bound_us(b, base) / 1000),
            slowest_answer_ms: 0,
            liveness_failures: 0,
            first_liveness_failure: None,
            not_linearizable: 0,
            linearizability_unknown: 0,
            first_unknown_seed: None,
        }
    }

    /// Whether the sweep ended at its first violation (nothing after it is run or counted).
    pub fn stopped(&self) -> bool {
        self.stop_at_first && self.first.is_some()
    }

    /// Adds the next seed's outcome (seeds must come in order).
    fn add(&mut self, o: SeedOutcome) {
        self.runs += 1;
        self.events += o.events;
        self.slowest_answer_ms = self.slowest_answer_ms.max(o.slowest_ms);
        if let Some(late) = o.late {
            self.liveness_failures += 1;
            self.first_liveness_failure.get_or_insert(late);
        }
        self.not_linearizable += u64::from(o.not_linearizable);
        if o.unknown {
            self.linearizability_unknown += 1;
            let seed = self.base.seed.wrapping_add(self.range.0 + self.runs - 1);
            self.first_unknown_seed.get_or_insert(seed);
        }
        if let Some(v) = o.violation {
            self.violating_runs += 1;
            self.first.get_or_insert(v);
        }
    }

    /// Adds the result of the shard that comes next (its range starts where this one's ends).
    fn append(&mut self, next: SweepResult) {
        self.range.1 = next.range.1;
        if self.stopped() {
            return;
        }
        self.runs += next.runs;
        self.violating_runs += next.violating_runs;
        self.events += next.events;
        self.slowest_answer_ms = self.slowest_answer_ms.max(next.slowest_answer_ms);
        self.liveness_failures += next.liveness_failures;
        self.not_linearizable += next.not_linearizable;
        self.linearizability_unknown += next.linearizability_unknown;
        self.first_unknown_seed = self.first_unknown_seed.or(next.first_unknown_seed);
        if self.first.is_none() {
            self.first = next.first;
        }
        if self.first_liveness_failure.is_none() {
            self.first_liveness_failure = next.first_liveness_failure;
        }
    }
}

/// What one seed's run came to.
struct SeedOutcome {
    events: u64,
    slowest_ms: u64,
    violation: Option<Found>,
    late: Option<Found>,
    /// The linearizability checker ran out of budget.
    unknown: bool,
    /// The client history is not linearizable (counted whether or not an invariant broke first).
    not_linearizable: bool,
}

/// Runs one seed to its end, consuming its trace in pieces (memory grows with the run's checkouts and samples, never
/// with its trace).
fn run_seed(base: &Scenario, offset: u64, with_faults: bool) -> Result<SeedOutcome, ScenarioError> {
    let s = faults::seed_scenario(base, offset, with_faults);
    let mut r = crate::build(&s, RecordOptions { narrate: false, checkpoint_every: 0 })?;
    let mut judge = LivenessJudge::new(&s);
    let mut recorder = crate::linearizability::HistoryRecorder::new(&s);
    crate::stream(r.as_mut(), |piece| {
        judge.feed(piece);
        recorder.feed(piece);
        true
    });
    let live = judge.finish(r.now_us());
    let lin = crate::linearizability::check(&recorder.finish(r.now_us()), crate::linearizability::DEFAULT_BUDGET);
    let late = (live.verdict == LivenessVerdict::Broken).then(|| {
        let at_us = live.first_late.as_ref().map_or(0, |l| l.judged_from_us + live.bound_ms.unwrap_or(0) * 1000);
        Found { expect: "liveness".into(), at_us, detail: live.describe(), scenario: s.clone() }
    });
    Ok(SeedOutcome {
        events: r.metrics().events,
        slowest_ms: live.slowest_ms,
        unknown: lin.verdict == LinVerdict::Unknown,
        not_linearizable: lin.verdict == LinVerdict::Violated,
        violation: r
            .violations()
            .first()
            .cloned()
            .or_else(|| lin.violation_in(&s, r.now_us()))
            .map(|v| Found::violation(s, &v)),
        late,
    })
}

/// Runs `seeds` seeds starting at `base.seed`, each with a random fault schedule when `faults` is set.
/// `stop_at_first` ends the sweep at the first violation.
pub fn sweep(base: &Scenario, seeds: u64, faults: bool, stop_at_first: bool) -> Result<SweepResult, ScenarioError> {
    sweep_with(base, &SweepPlan { seeds, faults, stop_at_first, shard: None }, &mut |_| {})
}

/// Runs a [`SweepPlan`], calling `progress` with the result so far after each batch of seeds (for a progress bar).
///
/// Errors: the base scenario's, before anything runs.
pub fn sweep_with(
    base: &Scenario,
    plan: &SweepPlan,
    progress: &mut dyn FnMut(&SweepResult),
) -> Result<SweepResult, ScenarioError> {
    base.validate()?;
    let range = plan.range();
    let mut res = SweepResult::empty(base, plan, range);
    let batch = batch_size(plan.stop_at_first);
    let mut next = range.0;
    while next < range.1 && !res.stopped() {
        let end = range.1.min(next.saturating_add(batch));
        for outcome in run_batch(base, next, end, plan.faults) {
            res.add(outcome?);
            if res.stopped() {
                break;
            }
        }
        next = end;
        progress(&res);
    }
    Ok(res)
}

/// Seeds per batch: every thread waits for the batch's slowest run before the fold, so a batch is long (256 seeds
/// a thread, about a second of work: a progress bar still moves) unless the sweep stops at its first violation,
/// where what a batch runs past it is wasted (32 a thread).
fn batch_size(stop_at_first: bool) -> u64 {
    #[cfg(feature = "parallel")]
    let threads = rayon::current_num_threads() as u64;
    #[cfg(not(feature = "parallel"))]
    let threads = 1;
    threads * if stop_at_first { 32 } else { 256 }
}

/// The outcomes of seeds `[from, to)`, in seed order.
fn run_batch(base: &Scenario, from: u64, to: u64, faults: bool) -> Vec<Result<SeedOutcome, ScenarioError>> {
    #[cfg(feature = "parallel")]
    {
        use rayon::prelude::*;
        (from..to).into_par_iter().map(|k| run_seed(base, k, faults)).collect()
    }
    #[cfg(not(feature = "parallel"))]
    {
        (from..to).map(|k| run_seed(base, k, faults)).collect()
    }
}

/// Adds the results of a sweep's shards into the result of the whole sweep.
///
/// Errors (in English): no results; results of different sweeps (base scenario, seeds, faults, stop-at-first);
/// ranges that overlap or leave seeds out.
pub fn merge(mut parts: Vec<SweepResult>) -> Result<SweepResult, String> {
    parts.sort_by_key(|p| p.range);
    let mut parts = parts.into_iter();
    let mut whole = parts.next().ok_or("nothing to merge")?;
    let same = |a: &SweepResult, b: &SweepResult| {
        a.base == b.base && a.seeds == b.seeds && a.faults == b.faults && a.stop_at_first == b.stop_at_first
    };
    if whole.range.0 != 0 {
        return Err(format!("seeds 0 to {} are in none of the results", whole.range.0));
    }
    for part in parts {
        if !same(&whole, &part) {
            return Err(format!(
                "the results are of different sweeps (the one of seeds {}..{} differs in its scenario, seed count, \
                 faults or stop-at-first)",
                part.range.0, part.range.1
            ));
        }
        if part.range.0 != whole.range.1 {
            return Err(format!(
                "seed ranges {}..{} and {}..{} {}",
                whole.range.0,
                whole.range.1,
                part.range.0,
                part.range.1,
                if part.range.0 < whole.range.1 { "overlap" } else { "leave a gap" }
            ));
        }
        whole.append(part);
    }
    if whole.range.1 != whole.seeds {
        return Err(format!("seeds {} to {} are in none of the results", whole.range.1, whole.seeds));
    }
    whole.shard = None;
    Ok(whole)
}
