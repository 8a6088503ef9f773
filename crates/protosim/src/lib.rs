//! # protosim: the engine of the checkout protocol explorer
//!
//! A run is a pure function of its [`Scenario`]: [`run`] builds the protocol named by the scenario, simulates it on
//! a deterministic discrete-event engine ([`engine`]), checks every invariant after every event, and returns the
//! trace with its metrics. No wall clock, no global randomness, no IO: the same scenario gives the same trace,
//! byte for byte, natively and in the browser.
//!
//! This crate has no web dependency; the browser app and the `protosim` CLI both sit on top of it.

pub mod compare;
pub mod domain;
pub mod engine;
pub mod faults;
pub mod hunt;
pub mod invariants;
pub mod pinned;
pub mod protocols;
pub mod rng;
pub mod scenario;
pub mod sort;
pub mod stats;
pub mod trace;
pub mod vecmap;

pub use engine::RecordOptions;
pub use protocols::{build, NodeView, Runner};
pub use scenario::{Scenario, ScenarioError};

use invariants::{Verdict, Violation};
use serde::Serialize;
use trace::{percentile, trace_hash, StopReason};

/// Validates and runs a scenario to its end.
pub fn run(scenario: &Scenario, opts: RecordOptions) -> Result<Box<dyn Runner>, ScenarioError> {
    let mut r = build(scenario, opts)?;
    r.run_to_end();
    Ok(r)
}

/// What `protosim run` prints: counts, latency percentiles, messages, verdicts and the trace hash.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub protocol: &'static str,
    pub variant: String,
    pub seed: u64,
    pub simulated_ms: u64,
    pub stop: String,
    pub events: u64,
    pub checkouts_submitted: u64,
    pub checkouts_confirmed: u64,
    pub checkouts_rejected: u64,
    pub checkouts_aborted: u64,
    pub checkouts_unanswered: u64,
    pub latency_ms_p50: f64,
    pub latency_ms_p95: f64,
    pub latency_ms_p99: f64,
    pub messages_sent: u64,
    pub messages_delivered: u64,
    pub messages_dropped: u64,
    pub messages_duplicated: u64,
    /// Protocol-specific measurements: name → (count, p50, p95, max), e.g. 2PC's time blocked per transaction.
    pub samples: Vec<(&'static str, usize, u64, u64, u64)>,
    /// The mean of each protocol-specific measurement.
    pub sample_means: Vec<(&'static str, f64)>,
    pub invariants_held: bool,
    pub verdicts: Vec<Verdict>,
    pub trace_events: usize,
    pub trace_hash: String,
}

impl Report {
    pub fn of(r: &dyn Runner) -> Report {
        Report::with_trace(r, r.trace().len(), trace_hash(r.trace()))
    }

    /// The report of a run whose trace was consumed as it was made: its length and hash (see
    /// [`trace::TraceHasher`]) come from the consumer.
    pub fn with_trace(r: &dyn Runner, trace_events: usize, trace_hash: String) -> Report {
        let m = r.metrics();
        let mut lat = m.latencies_us.clone();
        sort::sort_unstable(&mut lat);
        let ms = |p| percentile(&lat, p) as f64 / 1000.0;
        let verdicts = r.verdicts();
        let s = r.scenario();
        Report {
            protocol: s.protocol.name(),
            variant: s.variant.clone(),
            seed: s.seed,
            simulated_ms: r.now_us() / 1000,
            stop: r.stop_reason().map_or_else(|| "still running".to_string(), StopReason::describe),
            events: m.events,
            checkouts_submitted: m.checkouts_submitted,
            checkouts_confirmed: m.checkouts_confirmed,
            checkouts_rejected: m.checkouts_rejected,
            checkouts_aborted: m.checkouts_aborted,
            checkouts_unanswered: m.checkouts_submitted
                - m.checkouts_confirmed
                - m.checkouts_rejected
                - m.checkouts_aborted,
            latency_ms_p50: ms(50),
            latency_ms_p95: ms(95),
            latency_ms_p99: ms(99),
            messages_sent: m.messages_sent,
            messages_delivered: m.messages_delivered,
            messages_dropped: m.messages_dropped(),
            messages_duplicated: m.messages_duplicated,
            samples: m
                .samples
                .iter()
                .map(|(name, v)| {
                    let mut v = v.clone();
                    sort::sort_unstable(&mut v);
                    (*name, v.len(), percentile(&v, 50), percentile(&v, 95), v.last().copied().unwrap_or(0))
                })
                .collect(),
            sample_means: m
                .samples
                .iter()
                .map(|(name, v)| (*name, v.iter().sum::<u64>() as f64 / v.len().max(1) as f64))
                .collect(),
            invariants_held: verdicts.iter().all(|v| v.held),
            verdicts,
            trace_events,
            trace_hash,
        }
    }
}

/// The result of a sweep over many seeds.
#[derive(Clone, Debug, Serialize)]
pub struct SweepResult {
    pub runs: u64,
    pub violating_runs: u64,
    pub events: u64,
    /// The first violating run: its scenario (replayable anywhere) and what broke.
    pub first: Option<(Scenario, Violation)>,
    /// With faults, for protocols that promise liveness: the stated bound, the slowest answer after the heal, the
    /// runs that broke the promise and the first of them.
    pub liveness_bound_ms: Option<u64>,
    pub worst_answer_after_heal_ms: u64,
    pub liveness_failures: u64,
    pub first_liveness_failure: Option<(Scenario, String)>,
}

/// Runs `seeds` seeds starting at `base.seed`, each with a random fault schedule when `faults` is set.
/// `stop_at_first` ends the sweep at the first violation.
pub fn sweep(base: &Scenario, seeds: u64, faults: bool, stop_at_first: bool) -> Result<SweepResult, ScenarioError> {
    base.validate()?;
    let bound_ms = if faults { protocols::info(base.protocol).liveness_bound_ms } else { None };
    let mut res = SweepResult {
        runs: 0,
        violating_runs: 0,
        events: 0,
        first: None,
        liveness_bound_ms: bound_ms,
        worst_answer_after_heal_ms: 0,
        liveness_failures: 0,
        first_liveness_failure: None,
    };
    for k in 0..seeds {
        let mut s = base.clone();
        s.seed = base.seed.wrapping_add(k);
        if faults {
            s = faults::with_random_faults(&s);
        }
        let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 })?;
        res.runs += 1;
        res.events += r.metrics().events;
        if let Some(bound_ms) = bound_ms {
            match faults::answered_after_heal(r.trace(), faults::heal_us(s.until_ms), r.now_us(), bound_ms * 1000) {
                Ok(worst_us) => res.worst_answer_after_heal_ms = res.worst_answer_after_heal_ms.max(worst_us / 1000),
                Err(why) => {
                    res.liveness_failures += 1;
                    if res.first_liveness_failure.is_none() {
                        res.first_liveness_failure = Some((s.clone(), why));
                    }
                }
            }
        }
        if let Some(v) = r.violations().first() {
            res.violating_runs += 1;
            if res.first.is_none() {
                res.first = Some((s, v.clone()));
            }
            if stop_at_first {
                break;
            }
        }
    }
    Ok(res)
}
