//! A run as readable text: the narration, with the faults, checkouts, answers and violations around it.
//!
//! Golden transcripts (`crates/protosim/tests/golden/*.txt`, compared by `tests/golden.rs`, rewritten with
//! `GOLDEN_REWRITE=1`) are these texts for a small fixed scenario per protocol and for every stored
//! counterexample, after etcd's raft `testdata/*.txt`: when behaviour changes, review shows *what* changed as a
//! diff of sentences, where a trace hash only says *that* it changed. Message traffic is left out (it is in the
//! trace and the page's event log): the transcript is what a teacher would read aloud.
//!
//! One line per event: simulated time in seconds (µs precision), the node's name (or `-` for the network and the
//! engine), then the text.

use crate::scenario::NodeId;
use crate::trace::{Ev, TraceEvent};
use std::fmt::Write;

/// Renders `trace` (of a run whose nodes are called `names`) up to and including its first violation, or whole.
pub fn render(names: &[String], trace: &[TraceEvent]) -> String {
    let name = |n: NodeId| names.get(usize::from(n)).cloned().unwrap_or_else(|| format!("node {n}"));
    let mut out = String::new();
    for e in trace {
        let (who, text) = match &e.ev {
            Ev::Note { node, note } => (name(*node), crate::i18n::render(note)),
            Ev::Submit { node, request_id, customer, lines } => {
                let basket: Vec<String> = lines.iter().map(|l| format!("{}× item {}", l.qty, l.item)).collect();
                (name(*node), format!("submits checkout #{request_id} for customer {customer}: {}", basket.join(", ")))
            }
            Ev::Outcome { node, request_id, outcome, latency_us } => (
                name(*node),
                format!("is told checkout #{request_id} {} ({:.1} ms)", outcome.short(), *latency_us as f64 / 1000.0),
            ),
            Ev::Read { node, request_id, item } => {
                (name(*node), format!("asks how many of item {item} are left (read #{request_id})"))
            }
            Ev::ReadAnswer { node, request_id, item, units, latency_us } => (
                name(*node),
                format!(
                    "is told read #{request_id}: {units} of item {item} left ({:.1} ms)",
                    *latency_us as f64 / 1000.0
                ),
            ),
            Ev::Crash { node } => ("-".into(), format!("{} crashes", name(*node))),
            Ev::Restart { node } => ("-".into(), format!("{} restarts", name(*node))),
            Ev::Pause { node } => ("-".into(), format!("{} pauses", name(*node))),
            Ev::Resume { node, backlog } => ("-".into(), format!("{} resumes with {backlog} waiting", name(*node))),
            Ev::Wipe { node } => ("-".into(), format!("{} is replaced with an empty disk", name(*node))),
            Ev::Disk { node, fsync_us } => ("-".into(), format!("{}'s fsync takes {fsync_us} µs", name(*node))),
            Ev::Synced { node, released } => {
                ("-".into(), format!("{}'s writes are durable: {released} waiting messages leave", name(*node)))
            }
            Ev::Clock { node, offset_us, drift_ppm } => {
                ("-".into(), format!("{}'s clock is {offset_us:+} µs off, running {drift_ppm:+} ppm", name(*node)))
            }
            Ev::Slow { node, handle_us } => ("-".into(), format!("{} takes {handle_us} µs per message", name(*node))),
            Ev::Partition { groups } => {
                let g: Vec<String> =
                    groups.iter().map(|g| g.iter().map(|&n| name(n)).collect::<Vec<_>>().join(" ")).collect();
                ("-".into(), format!("the network splits: [{}]", g.join("] | [")))
            }
            Ev::Cut { from, to } => ("-".into(), format!("the link {} → {} is cut", name(*from), name(*to))),
            Ev::Heal => ("-".into(), "the network heals".into()),
            Ev::Network { link, settings } => {
                let on = link.map_or("every link".to_string(), |(a, b)| format!("{} → {}", name(a), name(b)));
                (
                    "-".into(),
                    format!(
                        "{on}: loss {}, duplication {}, latency {}–{} µs",
                        settings.loss, settings.dup, settings.latency_us_min, settings.latency_us_max
                    ),
                )
            }
            Ev::Violation { violation } => (
                "-".into(),
                format!("VIOLATION of {}: {}", violation.invariant, crate::i18n::render(&violation.detail)),
            ),
            Ev::Engine { note } => ("-".into(), crate::i18n::render(note)),
            Ev::Stop { stop } => ("-".into(), format!("the run ends: {}", stop.describe())),
            Ev::Send { .. }
            | Ev::Deliver { .. }
            | Ev::Drop { .. }
            | Ev::Duplicate { .. }
            | Ev::Delay { .. }
            | Ev::Timer { .. }
            | Ev::State { .. } => continue,
        };
        let _ = writeln!(out, "{:>10.6}  {who:<10} {text}", e.t_us as f64 / 1e6);
        if matches!(e.ev, Ev::Violation { .. }) {
            let _ = writeln!(out, "(the transcript stops at the first violation)");
            break;
        }
    }
    out
}
