//! # protosim: the engine of the checkout protocol explorer
//!
//! A run is a pure function of its [`Scenario`]: [`run`] builds the protocol named by the scenario, simulates it on
//! a deterministic discrete-event engine ([`engine`]), checks every invariant after every event, and returns the
//! trace with its metrics. No wall clock, no global randomness, no IO: the same scenario gives the same trace,
//! byte for byte, natively and in the browser.
//!
//! This crate has no web dependency; the browser app and the `protosim` CLI both sit on top of it.

pub mod check;
pub mod clock;
pub mod compare;
pub mod domain;
pub mod engine;
pub mod faults;
pub mod hunt;
pub mod i18n;
pub mod invariants;
pub mod linearizability;
pub mod liveness;
pub mod narration;
pub mod pinned;
pub mod protocols;
pub mod rng;
pub mod scenario;
pub mod sort;
pub mod stats;
pub mod sweep;
pub mod trace;
pub mod transcript;
pub mod vecmap;
pub mod view;

pub use engine::RecordOptions;
pub use protocols::{build, NodeView, Runner};
pub use scenario::{Scenario, ScenarioError};
pub use sweep::{sweep, Found, SweepResult};

use invariants::Verdict;
use liveness::LivenessReport;
use serde::Serialize;
use trace::{percentile, trace_hash, StopReason};

/// Validates and runs a scenario to its end.
pub fn run(scenario: &Scenario, opts: RecordOptions) -> Result<Box<dyn Runner>, ScenarioError> {
    let mut r = build(scenario, opts)?;
    r.run_to_end();
    Ok(r)
}

/// Runs `r` to its end, handing its trace to `each` in pieces of about 4,096 events as they are made, so the trace
/// is never held whole. Stops early, returning false, when `each` does (a reader that has gone away).
pub fn stream(r: &mut dyn Runner, mut each: impl FnMut(&[trace::TraceEvent]) -> bool) -> bool {
    loop {
        let more = r.step_many(4096);
        if !each(&r.take_trace()) {
            return false;
        }
        if !more {
            return true;
        }
    }
}

/// The verdicts judged from a run's client history (its submissions and answers).
#[derive(Clone, Debug)]
pub struct Judged {
    pub liveness: LivenessReport,
    pub linearizability: linearizability::LinReport,
}

/// Checks a history's linearizability within [`linearizability::DEFAULT_BUDGET`] steps, with its wall time in
/// `ms` natively (the browser's page measures its own: `std::time` has no clock in wasm).
pub fn judge_history(h: &linearizability::History) -> linearizability::LinReport {
    #[cfg(not(target_arch = "wasm32"))]
    let started = std::time::Instant::now();
    #[allow(unused_mut)]
    let mut r = linearizability::check(h, linearizability::DEFAULT_BUDGET);
    #[cfg(not(target_arch = "wasm32"))]
    {
        r.ms = started.elapsed().as_secs_f64() * 1000.0;
    }
    r
}

/// What `protosim run` prints: counts, latency percentiles, messages, verdicts and the trace hash.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub protocol: String,
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
    /// Stock look-ups submitted and answered (absent when the run had none).
    #[serde(skip_serializing_if = "is_zero")]
    pub reads_submitted: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub reads_answered: u64,
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
    /// Every checkout answered within the protocol's bound once what it needs is up and connected
    /// ([`liveness`]).
    pub liveness: LivenessReport,
    /// Whether what the shoppers were told could have come from one correct shop ([`linearizability`]).
    pub linearizability: linearizability::LinReport,
    pub trace_events: usize,
    pub trace_hash: String,
}

impl Report {
    pub fn of(r: &dyn Runner) -> Report {
        let liveness = liveness::judge_trace(r.scenario(), r.trace(), r.now_us());
        let history = linearizability::history_of(r.scenario(), r.trace(), r.now_us());
        let judged = Judged { liveness, linearizability: judge_history(&history) };
        Report::with_trace(r, r.trace().len(), trace_hash(r.trace()), judged)
    }

    /// The report of a run whose trace was consumed as it was made: its length, hash (see
    /// [`trace::TraceHasher`]), liveness (see [`liveness::LivenessJudge`]) and linearizability (see
    /// [`linearizability::HistoryRecorder`]) come from the consumer.
    pub fn with_trace(r: &dyn Runner, trace_events: usize, trace_hash: String, judged: Judged) -> Report {
        let Judged { liveness, linearizability } = judged;
        let m = r.metrics();
        let mut lat = m.latencies_us.clone();
        sort::sort_unstable(&mut lat);
        let ms = |p| percentile(&lat, p) as f64 / 1000.0;
        let verdicts = r.verdicts();
        let s = r.scenario();
        Report {
            protocol: s.protocol.name().to_string(),
            variant: s.variant.clone(),
            seed: s.seed,
            simulated_ms: r.now_us() / 1000,
            stop: r.stop_reason().map_or_else(|| "still running".to_string(), StopReason::describe),
            events: m.events,
            checkouts_submitted: m.checkouts_submitted,
            checkouts_confirmed: m.checkouts_confirmed,
            checkouts_rejected: m.checkouts_rejected,
            checkouts_aborted: m.checkouts_aborted,
            reads_submitted: m.reads_submitted,
            reads_answered: m.reads_answered,
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
            liveness,
            linearizability,
            trace_events,
            trace_hash,
        }
    }
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
