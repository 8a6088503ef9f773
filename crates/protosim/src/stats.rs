//! Time series of one run, for the charts: checkouts confirmed, latency percentiles, messages, aborts and retries,
//! and every duration the protocol declares (time blocked, time waiting for locks), each in fixed buckets of
//! simulated time.
//!
//! Everything is computed from what a run already records (its trace and its timed samples), so a chart never
//! disagrees with the player or the report.

use crate::domain::Outcome;
use crate::protocols::meta::{MetricInfo, MetricUnit};
use crate::trace::{percentile, Ev, Metrics, TraceEvent};

/// The bucket widths the charts use: the smallest that keeps a run within [`MAX_BUCKETS`] buckets.
const NICE_BUCKETS_US: [u64; 12] = [
    10_000, 20_000, 50_000, 100_000, 200_000, 250_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 30_000_000,
];
pub const MAX_BUCKETS: u64 = 150;
/// How many buckets a latency percentile looks back over.
pub const LATENCY_WINDOW: usize = 8;

/// One run's series. Bucket `k` covers `[k * bucket_us, (k + 1) * bucket_us)`.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub bucket_us: u64,
    pub end_us: u64,
    /// Checkouts confirmed by the end of each bucket (cumulative).
    pub confirmed: Vec<u64>,
    /// Latency (ms) of the checkouts answered in the [`LATENCY_WINDOW`] buckets up to and including each one
    /// (a single bucket holds too few answers for a percentile): p50, p95, p99; `None` where none was answered.
    pub p50_ms: Vec<Option<f64>>,
    pub p95_ms: Vec<Option<f64>>,
    pub p99_ms: Vec<Option<f64>>,
    /// Messages sent per second of simulated time.
    pub msgs_per_s: Vec<f64>,
    /// Checkouts aborted (answered "aborted") per second.
    pub aborts_per_s: Vec<f64>,
    /// Checkout attempts retried per second.
    pub retries_per_s: Vec<f64>,
    /// Every duration the protocol declares ([`crate::protocols::meta::MetricInfo`] in µs): its chart label and its
    /// mean (ms) over the samples recorded in each bucket — 2PC's time blocked, pessimistic locking's lock wait.
    pub waits_ms: Vec<(&'static str, Vec<Option<f64>>)>,
}

fn bucket_for(end_us: u64) -> u64 {
    NICE_BUCKETS_US.iter().copied().find(|b| end_us.div_ceil(*b) <= MAX_BUCKETS).unwrap_or(60_000_000)
}

/// The means of a timed sample metric per bucket (`None` where the bucket has no sample).
fn timed_means(metrics: &Metrics, name: &str, buckets: usize, bucket_us: u64) -> Vec<Option<f64>> {
    let (values, times) = match (metrics.samples.get(name), metrics.sample_times.get(name)) {
        (Some(v), Some(t)) => (v.as_slice(), t.as_slice()),
        _ => (&[][..], &[][..]),
    };
    let mut sum = vec![0u64; buckets];
    let mut n = vec![0u64; buckets];
    for (v, t) in values.iter().zip(times) {
        let k = ((t / bucket_us) as usize).min(buckets - 1);
        sum[k] += v;
        n[k] += 1;
    }
    sum.iter().zip(&n).map(|(s, &n)| (n > 0).then(|| *s as f64 / n as f64 / 1000.0)).collect()
}

/// The width of [`SeriesInput`]'s message-count slots: every bucket width is a multiple of it.
const SLOT_US: u64 = 10_000;

#[derive(Clone, Copy, Debug, PartialEq)]
enum OutcomeKind {
    Confirmed,
    Aborted,
    Other,
}

/// What the series need from a trace, gathered one event at a time (the page consumes its trace as it is made):
/// messages sent per 10 ms slot and every answer's time, latency and kind.
#[derive(Clone, Debug, Default)]
pub struct SeriesInput {
    sends: Vec<u64>,
    outcomes: Vec<(u64, u64, OutcomeKind)>,
}

impl SeriesInput {
    pub fn push(&mut self, e: &TraceEvent) {
        match &e.ev {
            Ev::Send { .. } => {
                let slot = (e.t_us / SLOT_US) as usize;
                if self.sends.len() <= slot {
                    self.sends.resize(slot + 1, 0);
                }
                self.sends[slot] += 1;
            }
            Ev::Outcome { outcome, latency_us, .. } => {
                let kind = match outcome {
                    Outcome::Confirmed { .. } => OutcomeKind::Confirmed,
                    Outcome::Aborted { .. } => OutcomeKind::Aborted,
                    _ => OutcomeKind::Other,
                };
                self.outcomes.push((e.t_us, *latency_us, kind));
            }
            _ => {}
        }
    }
}

impl Series {
    /// The series of a run that ended at `end_us`, of a protocol that declares `declared` (its durations are
    /// charted even when a run recorded none).
    pub fn of(trace: &[TraceEvent], metrics: &Metrics, end_us: u64, declared: &[MetricInfo]) -> Series {
        let mut input = SeriesInput::default();
        trace.iter().for_each(|e| input.push(e));
        Series::from_input(&input, metrics, end_us, declared)
    }

    /// The series from what [`SeriesInput`] gathered over a whole trace.
    pub fn from_input(input: &SeriesInput, metrics: &Metrics, end_us: u64, declared: &[MetricInfo]) -> Series {
        let bucket_us = bucket_for(end_us.max(1));
        let buckets = end_us.max(1).div_ceil(bucket_us) as usize;
        let mut confirmed = vec![0u64; buckets];
        let mut lat: Vec<Vec<u64>> = vec![Vec::new(); buckets];
        let mut sends = vec![0u64; buckets];
        let mut aborts = vec![0u64; buckets];
        let at = |t: u64| ((t / bucket_us) as usize).min(buckets - 1);
        // Every bucket width is a whole number of the input's 10 ms slots.
        for (slot, n) in input.sends.iter().enumerate() {
            sends[at(slot as u64 * SLOT_US)] += n;
        }
        for &(t, latency_us, kind) in &input.outcomes {
            let k = at(t);
            lat[k].push(latency_us);
            match kind {
                OutcomeKind::Confirmed => confirmed[k] += 1,
                OutcomeKind::Aborted => aborts[k] += 1,
                OutcomeKind::Other => {}
            }
        }
        let mut total = 0;
        for c in &mut confirmed {
            total += *c;
            *c = total;
        }
        let mut retries = vec![0u64; buckets];
        if let Some(times) = metrics.sample_times.get(crate::protocols::RETRIES_METRIC) {
            for &t in times {
                retries[at(t)] += 1;
            }
        }
        let per_s = |v: Vec<u64>| v.into_iter().map(|n| n as f64 * 1e6 / bucket_us as f64).collect::<Vec<f64>>();
        // Each bucket's window is sorted once; the three percentiles are read from it.
        let windows: Vec<Vec<u64>> = (0..buckets)
            .map(|k| {
                let mut v: Vec<u64> = lat[k.saturating_sub(LATENCY_WINDOW - 1)..=k].concat();
                crate::sort::sort_unstable(&mut v);
                v
            })
            .collect();
        let pct = |p: u32| -> Vec<Option<f64>> {
            windows.iter().map(|v| (!v.is_empty()).then(|| percentile(v, p) as f64 / 1000.0)).collect()
        };
        Series {
            bucket_us,
            end_us,
            confirmed,
            p50_ms: pct(50),
            p95_ms: pct(95),
            p99_ms: pct(99),
            msgs_per_s: per_s(sends),
            aborts_per_s: per_s(aborts),
            retries_per_s: per_s(retries),
            waits_ms: declared
                .iter()
                .filter(|m| m.unit == MetricUnit::Micros)
                .map(|m| (m.label, timed_means(metrics, m.name, buckets, bucket_us)))
                .collect(),
        }
    }

    /// The series of a finished run.
    pub fn of_run(r: &dyn crate::Runner) -> Series {
        let declared = crate::protocols::info(r.scenario().protocol).metrics;
        Series::of(r.trace(), r.metrics(), r.now_us(), declared)
    }

    /// The start time of bucket `k` (µs).
    pub fn time_of(&self, k: usize) -> u64 {
        k as u64 * self.bucket_us
    }

    pub fn len(&self) -> usize {
        self.confirmed.len()
    }

    pub fn is_empty(&self) -> bool {
        self.confirmed.is_empty()
    }
}
