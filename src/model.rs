//! The playback model: a finished run turned into what the screen needs at any cursor time — message flights,
//! node state timelines, network cuts and readable event lines. Built once per run; every frame only looks up.

use protosim::engine::{NodeDetail, Role};
use protosim::scenario::NodeId;
use protosim::trace::{DropReason, Ev, TraceEvent};
use protosim::{Runner, Scenario};

/// One message's trip along an edge.
#[derive(Clone, Debug, PartialEq)]
pub struct Flight {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub label: &'static str,
    /// A count shown beside the label (entries carried), if any.
    pub n: Option<u32>,
    pub sent_us: u64,
    /// When the network meant to deliver it (its position is measured against this).
    pub planned_us: u64,
    /// Delivery time, or the time it was dropped.
    pub end_us: u64,
    pub dropped: Option<DropReason>,
}

/// What a node box shows at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeState {
    pub summary: String,
    pub detail: NodeDetail,
}

#[derive(Clone, Debug, PartialEq)]
pub struct NodeInfo {
    pub id: NodeId,
    pub name: String,
    pub role: Role,
}

/// A broken invariant as the page shows it: when, where, and the sentence.
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationMark {
    pub t_us: u64,
    pub node: Option<NodeId>,
    pub invariant: &'static str,
    pub text: String,
}

/// One line of the event log.
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub t_us: u64,
    pub class: &'static str,
    pub text: String,
    /// The nodes the event is about (sender and receiver of a message, or the one node), for the log's filter.
    pub nodes: [Option<NodeId>; 2],
}

/// The event log's kinds of line, for its filter.
pub const LOG_KINDS: [(&str, &str); 6] = [
    ("all", "all events"),
    ("messages", "messages"),
    ("narration", "explanations and outcomes"),
    ("faults", "faults"),
    ("timers", "timers"),
    ("violations", "violations"),
];

impl LogLine {
    /// Whether the line is of `kind` (one of [`LOG_KINDS`]) and about `node` (or any node).
    pub fn matches(&self, kind: &str, node: Option<NodeId>) -> bool {
        let kind_ok = match kind {
            "messages" => matches!(self.class, "send" | "deliver" | "drop" | "dup"),
            "narration" => matches!(self.class, "note" | "ok" | "outcome" | "submit"),
            "faults" => self.class == "fault",
            "timers" => self.class == "timer",
            "violations" => self.class == "violation",
            _ => true,
        };
        kind_ok && node.is_none_or(|n| self.nodes.contains(&Some(n)))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    pub scenario: Scenario,
    pub nodes: Vec<NodeInfo>,
    pub flights: Vec<Flight>,
    /// Longest flight, so the frame's search for messages in the air is a short scan.
    pub longest_flight_us: u64,
    /// Per node: (time, state) in time order.
    pub summaries: Vec<Vec<(u64, NodeState)>>,
    /// Per node: (time, up) in time order.
    pub up: Vec<Vec<(u64, bool)>>,
    /// (time, blocked[from * n + to]) after each network change.
    pub cuts: Vec<(u64, Vec<bool>)>,
    pub log: Vec<LogLine>,
    pub end_us: u64,
    pub stop: String,
    pub violations: Vec<ViolationMark>,
    /// Faults and interventions (crash, restart, partition, cut, heal, network change, user drop), for the
    /// scrubber's markers: (time, short label).
    pub faults: Vec<(u64, String)>,
    /// Messages dropped, of any cause, and by the user, over the whole run.
    pub dropped: u64,
    pub dropped_by_user: u64,
    pub duplicated: u64,
    pub trace_hash: String,
    /// Per node: when a refusal reached it (an optimistic conflict, a fenced write), to flash its box.
    pub flashes: Vec<Vec<u64>>,
    /// Totals of the whole run.
    pub messages_sent: u64,
    pub confirmed: u64,
    /// Engine events of the whole run.
    pub events: u64,
    /// Set when the page cut the run short (too long to play in a browser): what to tell the user.
    pub cut_short: Option<String>,
    /// The run's chart series and its summary (for the charts and the comparison table).
    pub series: std::rc::Rc<protosim::stats::Series>,
    pub summary: protosim::compare::Summary,
}

/// How long, in simulated time, a dropped message takes to fall out of the picture.
pub const FALL_US: u64 = 12_000;
/// How long a node box flashes after a conflict reaches it (simulated time).
pub const FLASH_US: u64 = 150_000;
/// Message labels that mean "your write lost": the receiving box flashes.
pub const REFUSALS: [&str; 2] = ["Conflict", "Refused"];

fn last_at<T: Clone>(timeline: &[(u64, T)], t_us: u64) -> Option<T> {
    let i = timeline.partition_point(|(t, _)| *t <= t_us);
    if i == 0 {
        None
    } else {
        Some(timeline[i - 1].1.clone())
    }
}

impl Model {
    pub fn from_run(r: &dyn Runner) -> Model {
        let scenario = r.scenario().clone();
        let views = r.views_at(0);
        let nodes: Vec<NodeInfo> =
            views.iter().map(|v| NodeInfo { id: v.id, name: v.name.clone(), role: v.role }).collect();
        let n = nodes.len();
        let name = |id: NodeId| nodes.get(usize::from(id)).map_or_else(|| format!("node {id}"), |x| x.name.clone());
        let mut flights: Vec<Flight> = Vec::new();
        let mut index = std::collections::BTreeMap::new();
        let mut summaries: Vec<Vec<(u64, NodeState)>> = views
            .iter()
            .map(|v| vec![(0, NodeState { summary: v.summary.clone(), detail: v.detail.clone() })])
            .collect();
        let mut up: Vec<Vec<(u64, bool)>> = vec![vec![(0, true)]; n];
        let mut blocked = vec![false; n * n];
        let mut cuts = vec![(0, blocked.clone())];
        let mut log = Vec::new();
        let mut violations = Vec::new();
        let mut flashes = vec![Vec::new(); n];
        let mut faults = Vec::new();
        for TraceEvent { t_us, ev } in r.trace() {
            let t = *t_us;
            let nodes = match ev {
                Ev::Send { from, to, .. } | Ev::Deliver { from, to, .. } | Ev::Drop { from, to, .. } => {
                    [Some(*from), Some(*to)]
                }
                Ev::Cut { from, to } => [Some(*from), Some(*to)],
                Ev::Timer { node, .. }
                | Ev::Crash { node }
                | Ev::Restart { node }
                | Ev::Submit { node, .. }
                | Ev::Outcome { node, .. }
                | Ev::Note { node, .. }
                | Ev::State { node, .. } => [Some(*node), None],
                Ev::Violation { violation } => [violation.node, None],
                _ => [None, None],
            };
            let mut line = |class: &'static str, text: String| log.push(LogLine { t_us: t, class, text, nodes });
            match ev {
                Ev::Send { id, from, to, label, n, detail, deliver_us } => {
                    index.insert(*id, flights.len());
                    flights.push(Flight {
                        id: *id,
                        from: *from,
                        to: *to,
                        label,
                        n: *n,
                        sent_us: t,
                        planned_us: *deliver_us,
                        end_us: *deliver_us,
                        dropped: None,
                    });
                    line("send", format!("{} → {}: {label} #{id} {detail}", name(*from), name(*to)));
                }
                Ev::Duplicate { id, copy, deliver_us } => {
                    if let Some(&i) = index.get(id) {
                        let mut f = flights[i].clone();
                        f.id = *copy;
                        f.sent_us = t;
                        f.planned_us = *deliver_us;
                        f.end_us = *deliver_us;
                        index.insert(*copy, flights.len());
                        flights.push(f);
                    }
                    line("dup", format!("the network duplicates message #{id} (copy #{copy})"));
                }
                Ev::Delay { id, deliver_us } => {
                    if let Some(&i) = index.get(id) {
                        flights[i].planned_us = *deliver_us;
                        flights[i].end_us = *deliver_us;
                    }
                    faults.push((t, format!("delay #{id}")));
                    line(
                        "fault",
                        format!("you hold message #{id} back: it now arrives at {:.3} s", *deliver_us as f64 / 1e6),
                    );
                }
                Ev::Deliver { id, from, to } => {
                    if let Some(&i) = index.get(id) {
                        flights[i].end_us = t;
                        if REFUSALS.contains(&flights[i].label) {
                            flashes[usize::from(*to)].push(t);
                        }
                    }
                    line("deliver", format!("{} receives #{id} from {}", name(*to), name(*from)));
                }
                Ev::Drop { id, from, to, reason } => {
                    if *reason == DropReason::User {
                        faults.push((t, format!("drop #{id}")));
                    }
                    if let Some(&i) = index.get(id) {
                        flights[i].end_us = t;
                        flights[i].dropped = Some(*reason);
                    }
                    let why = match reason {
                        DropReason::Loss => "lost by the network",
                        DropReason::Partition => "stopped by the partition",
                        DropReason::User => "dropped by you",
                        DropReason::ReceiverDown => "not received: the receiver is down",
                    };
                    line("drop", format!("message #{id} {} → {} {why}", name(*from), name(*to)));
                }
                Ev::Timer { node, name: timer } => line("timer", format!("{}: {timer} timer fires", name(*node))),
                Ev::Crash { node } => {
                    faults.push((t, format!("✖ {}", name(*node))));
                    up[usize::from(*node)].push((t, false));
                    line("fault", format!("{} crashes: its memory is gone, its disk is kept", name(*node)));
                }
                Ev::Restart { node } => {
                    faults.push((t, format!("↺ {}", name(*node))));
                    up[usize::from(*node)].push((t, true));
                    line("fault", format!("{} restarts from its disk", name(*node)));
                }
                Ev::Partition { groups } => {
                    let mut group = vec![groups.len(); n];
                    for (g, members) in groups.iter().enumerate() {
                        for &m in members {
                            group[usize::from(m)] = g;
                        }
                    }
                    for a in 0..n {
                        for b in 0..n {
                            if group[a] != group[b] {
                                blocked[a * n + b] = true;
                            }
                        }
                    }
                    cuts.push((t, blocked.clone()));
                    faults.push((t, "✂ partition".to_string()));
                    let names: Vec<String> =
                        groups.iter().map(|g| g.iter().map(|&m| name(m)).collect::<Vec<_>>().join(", ")).collect();
                    line("fault", format!("partition: {{{}}} | the rest", names.join("} | {")));
                }
                Ev::Cut { from, to } => {
                    blocked[usize::from(*from) * n + usize::from(*to)] = true;
                    cuts.push((t, blocked.clone()));
                    faults.push((t, format!("✂ {}→{}", name(*from), name(*to))));
                    line("fault", format!("one-way cut: {} can no longer reach {}", name(*from), name(*to)));
                }
                Ev::Heal => {
                    blocked.iter_mut().for_each(|b| *b = false);
                    cuts.push((t, blocked.clone()));
                    faults.push((t, "heal".to_string()));
                    line("fault", "the network heals: every link works again".to_string());
                }
                Ev::Network { link, settings } => {
                    faults.push((t, "network".to_string()));
                    let which = match link {
                        Some((a, b)) => format!("link {} → {}", name(*a), name(*b)),
                        None => "every link".to_string(),
                    };
                    line(
                        "fault",
                        format!(
                            "{which}: latency {}–{} ms, loss {:.0}%, duplication {:.0}%",
                            settings.latency_us_min / 1000,
                            settings.latency_us_max / 1000,
                            settings.loss * 100.0,
                            settings.dup * 100.0
                        ),
                    );
                }
                Ev::Submit { node, request_id, customer, lines } => line(
                    "submit",
                    format!(
                        "{} starts checkout #{request_id}: customer {customer} buys {}",
                        name(*node),
                        r.catalogue().basket_text(lines)
                    ),
                ),
                Ev::Outcome { node, request_id, outcome, latency_us } => line(
                    if outcome.is_confirmed() { "ok" } else { "outcome" },
                    format!(
                        "{}: checkout #{request_id} {} in {:.1} ms",
                        name(*node),
                        outcome.short(),
                        *latency_us as f64 / 1000.0
                    ),
                ),
                Ev::State { node, summary, detail } => summaries[usize::from(*node)]
                    .push((t, NodeState { summary: summary.clone(), detail: detail.clone().unwrap_or_default() })),
                Ev::Note { node, text } => {
                    // Notes name their node when it is the sentence's subject; otherwise say whose note it is.
                    let who = name(*node);
                    let starts_with_name =
                        text.strip_prefix(who.as_str()).is_some_and(|rest| rest.starts_with(' ') || rest.is_empty());
                    line("note", if starts_with_name { text.clone() } else { format!("{who}: {text}") })
                }
                Ev::Violation { violation: v } => {
                    let text = format!("⚠ {} broken: {} — {}", v.invariant, v.detail, v.rule);
                    violations.push(ViolationMark {
                        t_us: t,
                        node: v.node,
                        invariant: v.invariant,
                        text: text.clone(),
                    });
                    line("violation", text);
                }
                Ev::Stop { stop } => line("stop", format!("the run ends: {}", stop.describe())),
            }
        }
        // One report for the trace hash and the comparison's summary (it hashes the whole trace).
        let report = protosim::Report::of(r);
        let longest_flight_us = flights.iter().map(|f| f.end_us.saturating_sub(f.sent_us) + FALL_US).max().unwrap_or(0);
        Model {
            scenario,
            nodes,
            flights,
            longest_flight_us,
            summaries,
            up,
            cuts,
            log,
            end_us: r.now_us(),
            stop: r.stop_reason().map(|s| s.describe()).unwrap_or_default(),
            violations,
            faults,
            dropped: r.metrics().messages_dropped(),
            dropped_by_user: r.metrics().dropped_user,
            duplicated: r.metrics().messages_duplicated,
            flashes,
            trace_hash: report.trace_hash.clone(),
            messages_sent: r.metrics().messages_sent,
            confirmed: r.metrics().checkouts_confirmed,
            events: r.metrics().events,
            cut_short: None,
            series: std::rc::Rc::new(protosim::stats::Series::of_run(r)),
            summary: protosim::compare::Summary::from_report(&report, r),
        }
    }

    /// Messages in the air at `t_us` (and dropped ones still falling), with their progress along the edge.
    pub fn flights_at(&self, t_us: u64) -> impl Iterator<Item = (&Flight, f64)> {
        let hi = self.flights.partition_point(|f| f.sent_us <= t_us);
        let lo = self.flights[..hi].partition_point(|f| f.sent_us + self.longest_flight_us < t_us);
        self.flights[lo..hi].iter().filter_map(move |f| {
            let end = if f.dropped.is_some() { f.end_us + FALL_US } else { f.end_us };
            if t_us >= end {
                return None;
            }
            let span = f.planned_us.saturating_sub(f.sent_us).max(1) as f64;
            let at = t_us.min(f.end_us);
            Some((f, ((at - f.sent_us) as f64 / span).min(1.0)))
        })
    }

    pub fn state_at(&self, node: usize, t_us: u64) -> NodeState {
        last_at(&self.summaries[node], t_us).unwrap_or_default()
    }

    pub fn summary_at(&self, node: usize, t_us: u64) -> String {
        self.state_at(node, t_us).summary
    }

    /// Whether a refusal reached the node in the last [`FLASH_US`] before `t_us`.
    pub fn flash_at(&self, node: usize, t_us: u64) -> bool {
        let f = &self.flashes[node];
        let i = f.partition_point(|&x| x <= t_us);
        i > 0 && t_us - f[i - 1] < FLASH_US
    }

    pub fn up_at(&self, node: usize, t_us: u64) -> bool {
        last_at(&self.up[node], t_us).unwrap_or(true)
    }

    pub fn blocked_at(&self, t_us: u64) -> Vec<bool> {
        last_at(&self.cuts, t_us).unwrap_or_default()
    }

    /// The time of the next event after `t_us` (for stepping), if any.
    pub fn next_event_after(&self, t_us: u64) -> Option<u64> {
        self.log.get(self.log_end(t_us)).map(|l| l.t_us)
    }

    /// The time of the last event before `t_us` (for stepping back), if any.
    pub fn prev_event_before(&self, t_us: u64) -> Option<u64> {
        let i = self.log.partition_point(|l| l.t_us < t_us);
        i.checked_sub(1).map(|i| self.log[i].t_us)
    }

    /// Index one past the last log line at or before `t_us`.
    pub fn log_end(&self, t_us: u64) -> usize {
        self.log.partition_point(|l| l.t_us <= t_us)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protosim::scenario::{Action, Intervention};
    use protosim::RecordOptions;

    fn model(s: &Scenario) -> (Model, Box<dyn Runner>) {
        let r = protosim::run(s, RecordOptions { narrate: true, checkpoint_every: 256 }).unwrap();
        (Model::from_run(r.as_ref()), r)
    }

    #[test]
    fn a_message_is_on_its_edge_exactly_while_in_flight() {
        let (m, _) = model(&Scenario { until_ms: 3_000, ..Scenario::default() });
        let f = m.flights.iter().find(|f| f.dropped.is_none() && f.end_us > f.sent_us + 2).unwrap().clone();
        let mid = (f.sent_us + f.end_us) / 2;
        let (_, frac) = m.flights_at(mid).find(|(g, _)| g.id == f.id).expect("in the air half-way");
        assert!((frac - 0.5).abs() < 0.01, "{frac}");
        assert!(m.flights_at(f.end_us).all(|(g, _)| g.id != f.id), "gone once delivered");
        assert!(m.flights_at(f.sent_us.saturating_sub(1)).all(|(g, _)| g.id != f.id), "not there before it is sent");
    }

    #[test]
    fn a_dropped_message_falls_for_a_moment_then_disappears() {
        let mut s = Scenario { until_ms: 3_000, ..Scenario::default() };
        s.network.default.loss = 1.0;
        let (m, _) = model(&s);
        let f = m.flights.iter().find(|f| f.dropped.is_some()).unwrap().clone();
        let (_, frac) = m.flights_at(f.end_us + FALL_US / 2).find(|(g, _)| g.id == f.id).expect("still falling");
        assert!(frac > 0.3 && frac < 0.7, "lost half-way: {frac}");
        assert!(m.flights_at(f.end_us + FALL_US).all(|(g, _)| g.id != f.id));
    }

    #[test]
    fn node_state_and_liveness_follow_the_trace() {
        let mut s = Scenario { until_ms: 4_000, ..Scenario::default() };
        s.interventions = vec![
            Intervention { at_us: 1_000_000, action: Action::Crash { node: 0 } },
            Intervention { at_us: 2_000_000, action: Action::Restart { node: 0 } },
        ];
        let (m, r) = model(&s);
        assert!(m.up_at(0, 999_999));
        assert!(!m.up_at(0, 1_500_000));
        assert!(m.up_at(0, 2_000_000));
        for t in [0, 700_000, 1_500_000, 3_333_333] {
            for v in r.views_at(t) {
                let st = m.state_at(usize::from(v.id), t);
                assert_eq!(st.summary, v.summary, "node {} at {t}", v.id);
                assert_eq!(st.detail, v.detail, "node {} at {t}", v.id);
            }
        }
        assert!(m.log.windows(2).all(|w| w[0].t_us <= w[1].t_us), "the log is in time order");
        assert!(m.log.iter().any(|l| l.text.contains("crashes")));
    }
}
