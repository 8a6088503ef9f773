//! The bug hunt: run seeded random fault schedules until an invariant breaks, then shrink the schedule to one
//! from which no single intervention can be removed without the violation disappearing.
//!
//! The hunt is a state machine that does a bounded amount of work per call ([`Hunt::work`]), so the browser can
//! run it in slices between animation frames and show progress; the CLI and the tests run it to the end with
//! [`Hunt::finish`]. Each run stops at its first violation (nothing after it can matter).
//!
//! Shrinking (delta debugging, Zeller's ddmin in its simple greedy form): first drop every intervention after the
//! violation and the random base loss and duplication, then try removing chunks of interventions, halving the chunk
//! size, and end with passes removing one intervention at a time until a whole pass removes nothing. A candidate is
//! kept only when the *same* invariant still breaks, so the lesson stays the same. The result is 1-minimal:
//! removing any one of its remaining interventions makes that violation disappear.

use crate::invariants::Violation;
use crate::scenario::{ProtocolKind, Scenario};
use crate::RecordOptions;

/// The scenario the hunt starts from: the CLI's `protosim sweep --faults --protocol P --variant V` default (the
/// protocol's default cluster, seed 1), so the page and the CLI find the same first seed.
pub fn base(kind: ProtocolKind, variant: &str) -> Scenario {
    let info = crate::protocols::info(kind);
    let mut s = Scenario { protocol: kind, nodes: info.default_nodes, ..Scenario::default() };
    info.choose_variant(&mut s, variant);
    s
}

/// Runs a scenario until its first violation (or its end): the violation, and the events simulated. A run that
/// keeps every invariant to its end is judged on its client history: a history no correct shop explains is a
/// violation of [`crate::linearizability::RULE`].
pub fn first_violation(s: &Scenario) -> (Option<Violation>, u64) {
    let Ok(mut r) = crate::build(s, RecordOptions { narrate: false, checkpoint_every: 0 }) else {
        return (None, 0);
    };
    while r.violations().is_empty() && r.step() {}
    if let Some(v) = r.violations().first() {
        return (Some(v.clone()), r.metrics().events);
    }
    let history = crate::linearizability::history_of(s, r.trace(), r.now_us());
    let lin = crate::linearizability::check(&history, crate::linearizability::DEFAULT_BUDGET);
    (lin.violation_in(s, r.now_us()), r.metrics().events)
}

/// The scenario of seed offset `offset` of `base` with its random fault schedule
/// ([`crate::faults::seed_scenario`]), its first violation and the events simulated: one try of the hunt's search.
fn try_offset(base: &Scenario, offset: u64) -> (Scenario, Option<Violation>, u64) {
    let s = crate::faults::seed_scenario(base, offset, true);
    let (v, events) = first_violation(&s);
    (s, v, events)
}

/// What one search of a run of seeds found ([`search_range`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RangeOutcome {
    /// The lowest seed offset of the range whose schedule broke a rule, if any.
    pub violating: Option<u64>,
    /// Runs done: the offsets tried, up to and including `violating` (the rest of the range is not run).
    pub runs: u64,
    /// Events those runs simulated.
    pub events: u64,
}

/// Tries the fault schedules of seed offsets `from .. to` of `base` ([`crate::faults::seed_scenario`]) in order
/// and stops at the first that breaks a rule: the unit of work the page's hunt hands to each Web Worker. A hunt
/// that splits its offsets into ranges and keeps the lowest violating one of all finds what the one-thread
/// [`Hunt`] finds (it goes on with [`Hunt::shrinking_from`]).
pub fn search_range(base: &Scenario, from: u64, to: u64) -> RangeOutcome {
    let mut out = RangeOutcome { violating: None, runs: 0, events: 0 };
    for offset in from..to {
        let (_, v, events) = try_offset(base, offset);
        out.runs += 1;
        out.events += events;
        if v.is_some() {
            out.violating = Some(offset);
            break;
        }
    }
    out
}

/// What the hunt found, after shrinking.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// The shrunk scenario: replays to `violation` anywhere.
    pub scenario: Scenario,
    pub violation: Violation,
    /// The seed whose random schedule broke the rule, and how many interventions it had before shrinking.
    pub seed: u64,
    pub interventions_before: usize,
    /// Runs spent searching (seeds tried) and shrinking.
    pub search_runs: u64,
    pub shrink_runs: u64,
}

#[derive(Clone, Debug)]
enum Phase {
    Searching { next: u64 },
    Shrinking(Box<Shrinker>),
    Done(Box<Counterexample>),
    GaveUp,
}

#[derive(Clone, Debug)]
struct Shrinker {
    current: Scenario,
    violation: Violation,
    seed: u64,
    before: usize,
    /// Step 0: cut everything after the violation; 1: calm base network; 2: chunks.
    stage: u8,
    chunk: usize,
    pos: usize,
    removed_in_pass: bool,
}

impl Shrinker {
    fn new(s: Scenario, violation: Violation) -> Shrinker {
        Shrinker {
            before: s.interventions.len(),
            seed: s.seed,
            current: s,
            violation,
            stage: 0,
            chunk: 0,
            pos: 0,
            removed_in_pass: false,
        }
    }
}

/// Where a hunt is, for a progress display.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Trying seeds: how many so far, of at most how many.
    Searching {
        tried: u64,
        max: u64,
    },
    /// Shrinking the schedule of `seed`: interventions left, and how many it had.
    Shrinking {
        seed: u64,
        left: usize,
        before: usize,
    },
    Found,
    GaveUp {
        tried: u64,
    },
}

/// A bug hunt over seeds `base.seed ..` with random fault schedules.
#[derive(Clone, Debug)]
pub struct Hunt {
    base: Scenario,
    max_seeds: u64,
    phase: Phase,
    /// Simulation runs so far (search and shrink) and the events they simulated.
    pub runs: u64,
    pub events: u64,
    search_runs: u64,
}

impl Hunt {
    pub fn new(base: Scenario, max_seeds: u64) -> Hunt {
        Hunt { phase: Phase::Searching { next: 0 }, base, max_seeds, runs: 0, events: 0, search_runs: 0 }
    }

    /// The hunt as the one-thread search leaves it when seed offset `offset` (the lowest breaking a rule, found
    /// elsewhere: by [`search_range`] in workers) has just broken one: shrinking that seed's schedule, with the
    /// events the search simulated. The search ran `offset + 1` times, as [`Hunt::work`] would have. `None` when
    /// that seed breaks no rule with this base, or `offset` is not below `max_seeds`.
    pub fn shrinking_from(base: Scenario, max_seeds: u64, offset: u64, search_events: u64) -> Option<Hunt> {
        if offset >= max_seeds {
            return None;
        }
        let (s, violation, _) = try_offset(&base, offset);
        let phase = Phase::Shrinking(Box::new(Shrinker::new(s, violation?)));
        let runs = offset + 1;
        Some(Hunt { phase, base, max_seeds, runs, events: search_events, search_runs: runs })
    }

    /// The hunt as the one-thread search leaves it when no seed below `max_seeds` broke a rule.
    pub fn gave_up(base: Scenario, max_seeds: u64, search_events: u64) -> Hunt {
        Hunt { phase: Phase::GaveUp, base, max_seeds, runs: max_seeds, events: search_events, search_runs: max_seeds }
    }

    pub fn progress(&self) -> Progress {
        match &self.phase {
            Phase::Searching { next } => Progress::Searching { tried: *next, max: self.max_seeds },
            Phase::Shrinking(s) => {
                Progress::Shrinking { seed: s.seed, left: s.current.interventions.len(), before: s.before }
            }
            Phase::Done(_) => Progress::Found,
            Phase::GaveUp => Progress::GaveUp { tried: self.max_seeds },
        }
    }

    /// The counterexample, once the hunt has found and shrunk one.
    pub fn result(&self) -> Option<&Counterexample> {
        match &self.phase {
            Phase::Done(c) => Some(c),
            _ => None,
        }
    }

    pub fn is_over(&self) -> bool {
        matches!(self.phase, Phase::Done(_) | Phase::GaveUp)
    }

    fn try_run(&mut self, s: &Scenario) -> Option<Violation> {
        let (v, events) = first_violation(s);
        self.runs += 1;
        self.events += events;
        v
    }

    /// Does at most `max_runs` simulation runs; returns whether the hunt is over.
    ///
    /// With the `parallel` feature (the CLI) the search tries its next seeds on every core at once and takes the
    /// lowest that breaks a rule, so it finds, counts and shrinks exactly what the one-thread search (the page's)
    /// does; shrinking is sequential (each step depends on the last).
    pub fn work(&mut self, max_runs: u32) -> bool {
        let mut left = u64::from(max_runs);
        while left > 0 && !self.is_over() {
            left -= match self.phase {
                #[cfg(feature = "parallel")]
                Phase::Searching { next } if left > 1 => self.search_batch(next, left),
                _ => {
                    self.one_run();
                    1
                }
            };
        }
        self.is_over()
    }

    /// Tries seeds `next ..` (at most `max` of them) at once; moves to shrinking at the lowest that broke a rule.
    /// Returns the runs counted: those up to and including that seed (the rest are discarded unseen).
    #[cfg(feature = "parallel")]
    fn search_batch(&mut self, next: u64, max: u64) -> u64 {
        use rayon::prelude::*;
        // At most 32 seeds a thread at once: what a batch runs past the first violation is wasted.
        let max = max.min(rayon::current_num_threads() as u64 * 32);
        let end = self.max_seeds.min(next.saturating_add(max));
        if next >= end {
            self.phase = Phase::GaveUp;
            return 1;
        }
        let base = &self.base;
        let tried: Vec<_> = (next..end).into_par_iter().map(|k| try_offset(base, k)).collect();
        let mut counted = 0;
        for (s, v, events) in tried {
            counted += 1;
            self.runs += 1;
            self.events += events;
            self.search_runs += 1;
            if let Some(violation) = v {
                self.phase = Phase::Shrinking(Box::new(Shrinker::new(s, violation)));
                return counted;
            }
        }
        self.phase = Phase::Searching { next: end };
        counted
    }

    /// Runs the hunt to its end.
    pub fn finish(&mut self) -> Option<&Counterexample> {
        while !self.work(64) {}
        self.result()
    }

    fn one_run(&mut self) {
        match std::mem::replace(&mut self.phase, Phase::GaveUp) {
            Phase::Searching { next } => {
                if next >= self.max_seeds {
                    self.phase = Phase::GaveUp;
                    return;
                }
                let s = crate::faults::seed_scenario(&self.base, next, true);
                self.search_runs += 1;
                self.phase = match self.try_run(&s) {
                    Some(violation) => Phase::Shrinking(Box::new(Shrinker::new(s, violation))),
                    None => Phase::Searching { next: next + 1 },
                };
            }
            Phase::Shrinking(mut sh) => {
                self.phase = match self.shrink_step(&mut sh) {
                    true => Phase::Done(Box::new(Counterexample {
                        scenario: sh.current.clone(),
                        violation: sh.violation.clone(),
                        seed: sh.seed,
                        interventions_before: sh.before,
                        search_runs: self.search_runs,
                        shrink_runs: self.runs - self.search_runs,
                    })),
                    false => Phase::Shrinking(sh),
                };
            }
            done => self.phase = done,
        }
    }

    /// Tries one candidate; keeps it when the same invariant still breaks. Returns whether shrinking is over.
    fn shrink_step(&mut self, sh: &mut Shrinker) -> bool {
        let n = sh.current.interventions.len();
        let by_chunk = sh.stage == 2;
        let candidate = match sh.stage {
            0 => {
                sh.stage = 1;
                let mut c = sh.current.clone();
                c.interventions.retain(|i| i.at_us <= sh.violation.at_us);
                if c.interventions.len() == n {
                    return false;
                }
                c
            }
            1 => {
                sh.stage = 2;
                sh.chunk = n.div_ceil(2).max(1);
                sh.pos = 0;
                let mut c = sh.current.clone();
                if c.network.default.loss == 0.0 && c.network.default.dup == 0.0 {
                    return n == 0;
                }
                c.network.default.loss = 0.0;
                c.network.default.dup = 0.0;
                c
            }
            _ => {
                if n == 0 {
                    return true;
                }
                if sh.pos >= n {
                    if sh.chunk > 1 {
                        sh.chunk = sh.chunk.div_ceil(2);
                    } else if !sh.removed_in_pass {
                        return true;
                    }
                    sh.pos = 0;
                    sh.removed_in_pass = false;
                    return false;
                }
                let mut c = sh.current.clone();
                let end = (sh.pos + sh.chunk).min(n);
                c.interventions.drain(sh.pos..end);
                c
            }
        };
        match self.try_run(&candidate) {
            Some(v) if v.invariant == sh.violation.invariant => {
                sh.current = candidate;
                sh.violation = v;
                sh.removed_in_pass = true;
            }
            _ if by_chunk => sh.pos += sh.chunk,
            _ => {}
        }
        false
    }
}
