//! The bug hunt's search in Web Workers, one per core (`navigator.hardwareConcurrency`, at most [`MAX_WORKERS`]):
//! the page hands each worker a range of seed offsets ([`Job`]), the worker tries them in order with
//! [`protosim::hunt::search_range`] and answers with the first that broke a rule ([`Done`]); the page keeps the
//! lowest violating offset of all ranges, so it finds the seed the one-thread hunt finds, whatever order the
//! workers answer in (see [`Search`]). Shrinking, each step depending on the last, then runs in the page in slices
//! as before ([`protosim::hunt::Hunt::shrinking_from`]).
//!
//! The worker is its own bundle (`src/bin/hunt_worker.rs`), built by Trunk as a worker, beside the page with its
//! loader `hunt-worker-loader.js` (ours rather than Trunk's shim, so that a wasm that fails to load says so). Page and worker talk in one line of text each way (the job carries the
//! scenario as its JSON) over `web-sys`'s `Worker` directly: `gloo-worker` was tried first, and its message enum
//! through a serde codec added 18 KB gzipped to the page's bundle, which is over its size target; here the page's
//! side is a few hundred bytes. The worker says [`READY`] once its wasm has started (messages sent before that would
//! be lost); a worker that fails to load (the single-file copy opened from `file://`, a host that dropped the
//! worker's files) raises an error event or says [`FAILED`] before that, and the page then runs the hunt itself,
//! in slices, as it always could.

use protosim::hunt::{search_range, RangeOutcome};
use protosim::Scenario;

/// At most this many workers, however many cores the machine reports.
pub const MAX_WORKERS: usize = 8;
/// Seed offsets per job: small enough that little is run past the first violation (at most this many per
/// worker), large enough that messages cost nothing beside the runs.
pub const JOB_SEEDS: u64 = 8;
/// The worker's loader beside the page (`static/hunt-worker-loader.js`): it loads the worker bundle and says
/// [`FAILED`] when its wasm does not start.
pub const LOADER: &str = "./hunt-worker-loader.js";
/// The worker's first message: its wasm runs and it takes jobs.
pub const READY: &str = "ready";
/// The loader's message when the worker's wasm failed to load or start (then the page hunts by itself).
pub const FAILED: &str = "failed";

/// One range of seed offsets to try: `from .. to` of the hunt `hunt` (the page's generation number, so answers
/// from a cancelled hunt are ignored), over `base`, the hunt's base scenario as JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub hunt: u64,
    pub from: u64,
    pub to: u64,
    pub base: String,
}

impl Job {
    /// As sent: `"<hunt> <from> <to>\n<scenario JSON>"`.
    pub fn to_text(&self) -> String {
        format!("{} {} {}\n{}", self.hunt, self.from, self.to, self.base)
    }

    /// Reads [`Job::to_text`]'s text; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Job> {
        let (head, base) = text.split_once('\n')?;
        let [hunt, from, to] = numbers(head)?;
        Some(Job { hunt, from, to, base: base.to_string() })
    }
}

/// A worker's answer to a [`Job`]: its range, and the lowest violating offset in it with the runs and events it
/// took; `error` when the base scenario did not parse or the job was unreadable (nothing was run).
#[derive(Clone, Debug, PartialEq)]
pub struct Done {
    pub hunt: u64,
    pub from: u64,
    pub to: u64,
    pub violating: Option<u64>,
    pub runs: u64,
    pub events: u64,
    pub error: Option<String>,
}

impl Done {
    /// As sent: `"<hunt> <from> <to> <violating or -> <runs> <events>"`, then `"\n<error>"` if there is one.
    pub fn to_text(&self) -> String {
        let v = self.violating.map_or("-".to_string(), |v| v.to_string());
        let mut t = format!("{} {} {} {v} {} {}", self.hunt, self.from, self.to, self.runs, self.events);
        if let Some(e) = &self.error {
            t.push('\n');
            t.push_str(e);
        }
        t
    }

    /// Reads [`Done::to_text`]'s text; `None` when it is not one.
    pub fn parse(text: &str) -> Option<Done> {
        let (head, error) = match text.split_once('\n') {
            Some((h, e)) => (h, Some(e.to_string())),
            None => (text, None),
        };
        let mut words = head.split(' ');
        let [hunt, from, to] = [words.next()?, words.next()?, words.next()?].map(|w| w.parse().ok());
        let violating = match words.next()? {
            "-" => None,
            v => Some(v.parse().ok()?),
        };
        let [runs, events] = [words.next()?, words.next()?].map(|w| w.parse().ok());
        if words.next().is_some() {
            return None;
        }
        Some(Done { hunt: hunt?, from: from?, to: to?, violating, runs: runs?, events: events?, error })
    }
}

/// Exactly three numbers separated by single spaces.
fn numbers(text: &str) -> Option<[u64; 3]> {
    let mut words = text.split(' ').map(|w| w.parse().ok());
    let n = [words.next()??, words.next()??, words.next()??];
    words.next().is_none().then_some(n)
}

/// What a worker does with a message (natively too, for the tests): the answer to send back.
pub fn answer_text(message: &str) -> String {
    let Some(job) = Job::parse(message) else {
        let error = Some(format!("not a hunt job: {:?}", message.chars().take(40).collect::<String>()));
        return Done { hunt: 0, from: 0, to: 0, violating: None, runs: 0, events: 0, error }.to_text();
    };
    run_job(&job).to_text()
}

/// Runs a job's range.
pub fn run_job(job: &Job) -> Done {
    let (outcome, error) = match Scenario::from_json(&job.base) {
        Ok(base) => (search_range(&base, job.from, job.to), None),
        Err(e) => (RangeOutcome { violating: None, runs: 0, events: 0 }, Some(e.to_string())),
    };
    let RangeOutcome { violating, runs, events } = outcome;
    Done { hunt: job.hunt, from: job.from, to: job.to, violating, runs, events, error }
}

/// The search's bookkeeping on the page: which ranges are out, what came back, and when the search is over.
/// Pure (no workers in it), so the order of answers can be tested natively.
#[derive(Clone, Debug)]
pub struct Search {
    max_seeds: u64,
    next: u64,
    /// Ranges handed out and not answered: (from, to). (Vectors, not maps: a hunt has at most a few hundred ranges,
    /// and the page's bundle then carries no B-tree code for them.)
    out: Vec<(u64, u64)>,
    /// Answers kept, by `from`: (from, violating, runs, events).
    back: Vec<(u64, Option<u64>, u64, u64)>,
    lowest: Option<u64>,
}

impl Search {
    pub fn new(max_seeds: u64) -> Search {
        Search { max_seeds, next: 0, out: Vec::new(), back: Vec::new(), lowest: None }
    }

    /// The next range to hand a worker that is free, if one is still worth trying: not past the seeds, and not
    /// past a violation already found (everything above the lowest violating offset is moot).
    pub fn next_range(&mut self) -> Option<(u64, u64)> {
        let limit = self.lowest.map_or(self.max_seeds, |l| l.min(self.max_seeds));
        if self.next >= limit {
            return None;
        }
        let from = self.next;
        let to = (from + JOB_SEEDS).min(limit);
        self.next = to;
        self.out.push((from, to));
        Some((from, to))
    }

    /// Takes a worker's answer for the range starting at `from` (ignored unless that range is out).
    pub fn answer(&mut self, from: u64, violating: Option<u64>, runs: u64, events: u64) {
        let Some(k) = self.out.iter().position(|r| r.0 == from) else { return };
        self.out.swap_remove(k);
        if let Some(v) = violating {
            self.lowest = Some(self.lowest.map_or(v, |l| l.min(v)));
        }
        let at = self.back.partition_point(|a| a.0 < from);
        self.back.insert(at, (from, violating, runs, events));
    }

    /// Runs answered so far (including any past the first violation, which the result does not count).
    pub fn runs(&self) -> u64 {
        self.back.iter().map(|a| a.2).sum()
    }

    /// Seed offsets tried from 0 with no gap: the progress bar's value.
    pub fn tried(&self) -> u64 {
        let mut end = 0;
        for &(from, violating, runs, _) in &self.back {
            if from != end {
                break;
            }
            end = violating.map_or(from + runs, |v| v + 1);
        }
        end
    }

    /// Once no range below the answer is still out: the lowest violating offset and the events the one-thread
    /// search would have simulated up to it (`Some((None, events))` when no seed broke a rule). `None` while the
    /// search goes on.
    pub fn outcome(&self) -> Option<(Option<u64>, u64)> {
        let limit = self.lowest.unwrap_or(u64::MAX);
        if self.out.iter().any(|r| r.0 <= limit) || (self.lowest.is_none() && self.next < self.max_seeds) {
            return None;
        }
        let events = self.back.iter().filter(|a| a.0 <= limit).map(|a| a.3).sum();
        Some((self.lowest, events))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protosim::hunt::{base, Hunt};

    /// Workers answering out of order give the one-thread hunt's counterexample, runs and events.
    #[test]
    fn answers_in_any_order_give_the_one_thread_hunt() {
        for (kind, variant) in [
            (protosim::protocols::twopc::KIND, "decide-before-log"),
            (protosim::protocols::paxos::KIND, "accept-below-promise"),
        ] {
            let b = base(kind, variant);
            let mut one = Hunt::new(b.clone(), 300);
            let want = one.finish().cloned().unwrap_or_else(|| panic!("{variant}: found on one thread"));
            let json = b.to_json();
            // Three workers; each round the last handed out answers first.
            let mut search = Search::new(300);
            let mut pending: Vec<Job> = Vec::new();
            let outcome = loop {
                while pending.len() < 3 {
                    let Some((from, to)) = search.next_range() else { break };
                    pending.push(Job { hunt: 1, base: json.clone(), from, to });
                }
                if let Some(o) = search.outcome() {
                    break o;
                }
                let job = pending.pop().expect("a range is out while the search goes on");
                let d = Done::parse(&answer_text(&job.to_text())).expect("an answer");
                assert_eq!(d.error, None);
                search.answer(d.from, d.violating, d.runs, d.events);
            };
            let (Some(offset), events) = outcome else { panic!("{variant}: the split search finds it") };
            assert_eq!(search.tried(), offset + 1, "{variant}: every seed up to the violation was tried");
            let mut split = Hunt::shrinking_from(b, 300, offset, events).expect("it breaks a rule");
            let got = split.finish().cloned().expect("shrunk");
            assert_eq!(
                (got.seed, got.scenario, got.search_runs, got.shrink_runs, split.runs, split.events),
                (want.seed, want.scenario, want.search_runs, want.shrink_runs, one.runs, one.events),
                "{variant}"
            );
        }
    }

    #[test]
    fn a_search_with_no_violation_ends_after_every_seed() {
        let mut s = Search::new(20);
        while let Some((from, to)) = s.next_range() {
            assert_eq!(s.outcome(), None, "ranges are still out");
            s.answer(from, None, to - from, 10);
        }
        assert_eq!(s.outcome(), Some((None, 30)));
        assert_eq!(s.tried(), 20);
    }

    #[test]
    fn a_job_over_a_broken_scenario_says_so_and_runs_nothing() {
        let job = Job { hunt: 3, base: "{\"protocol\":".into(), from: 0, to: 8 };
        let d = Done::parse(&answer_text(&job.to_text())).expect("an answer");
        assert!(d.error.is_some());
        assert_eq!((d.hunt, d.runs, d.violating), (3, 0, None));
        let d = Done::parse(&answer_text("hello")).expect("an answer");
        assert!(d.error.expect("an error").contains("not a hunt job"));
    }

    #[test]
    fn messages_read_back_as_sent() {
        let job = Job {
            hunt: 7,
            from: 16,
            to: 24,
            base: protosim::hunt::base(protosim::protocols::raft::KIND, "correct").to_json(),
        };
        assert_eq!(Job::parse(&job.to_text()), Some(job));
        for d in [
            Done { hunt: 1, from: 0, to: 8, violating: Some(5), runs: 6, events: 12345, error: None },
            Done { hunt: 2, from: 8, to: 16, violating: None, runs: 8, events: 9, error: Some("bad\nscenario".into()) },
        ] {
            assert_eq!(Done::parse(&d.to_text()), Some(d));
        }
        for bad in ["", "1 2", "1 2 3 x 4 5", "1 2 3 - 4 5 6", "a b c\n{}"] {
            assert_eq!(Done::parse(bad), None, "{bad:?}");
        }
        assert_eq!(Job::parse("1 2\n{}"), None);
    }
}
