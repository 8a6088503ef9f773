//! The playback model: a finished run turned into what the screen needs at any cursor time — message flights,
//! node state timelines, network cuts and readable event lines. Built once per run; every frame only looks up.

use protosim::engine::Role;
use protosim::i18n::Language;
use protosim::narration::{Arg, Note};
use protosim::note;
use protosim::scenario::NodeId;
use protosim::trace::{DropReason, Ev, MsgKind, TraceEvent};
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
    /// Request, reply or refusal, as the protocol says: a reply is drawn as a square, a refusal (a conflict, a
    /// fenced write, a revoked lock, a vote denied) in red, and its receiver's box flashes.
    pub kind: MsgKind,
}

pub use crate::timeline::NodeState;

#[derive(Clone, Debug, PartialEq)]
pub struct NodeInfo {
    pub id: NodeId,
    pub name: String,
    pub role: Role,
}

/// A broken invariant as the page shows it: when, where, and what (rendered in the reader's language).
#[derive(Clone, Debug, PartialEq)]
pub struct ViolationMark {
    pub t_us: u64,
    pub node: Option<NodeId>,
    pub invariant: &'static str,
    /// The rule, in English as the protocol module declares it.
    pub rule: &'static str,
    pub detail: Note,
}

impl ViolationMark {
    /// "⚠ rule broken: what was found — the rule", in `lang`.
    pub fn text(&self, lang: &Language) -> String {
        let rule = protosim::invariants::InvariantInfo { name: self.invariant, rule: self.rule }.rule_in(lang);
        lang.render(&note!(
            "violation.line",
            invariant = self.invariant.to_string(),
            detail = self.detail.clone(),
            rule
        ))
    }
}

/// The nodes a trace event is about (a log line's filter): a message's two ends, or one node.
fn nodes_of(ev: &Ev) -> [Option<NodeId>; 2] {
    match ev {
        Ev::Send { from, to, .. } | Ev::Deliver { from, to, .. } | Ev::Drop { from, to, .. } => {
            [Some(*from), Some(*to)]
        }
        Ev::Cut { from, to } => [Some(*from), Some(*to)],
        Ev::Timer { node, .. }
        | Ev::Crash { node }
        | Ev::Restart { node }
        | Ev::Pause { node }
        | Ev::Resume { node, .. }
        | Ev::Slow { node, .. }
        | Ev::Clock { node, .. }
        | Ev::Disk { node, .. }
        | Ev::Wipe { node }
        | Ev::Synced { node, .. }
        | Ev::Submit { node, .. }
        | Ev::Outcome { node, .. }
        | Ev::Read { node, .. }
        | Ev::ReadAnswer { node, .. }
        | Ev::Note { node, .. }
        | Ev::State { node, .. } => [Some(*node), None],
        Ev::Violation { violation } => [violation.node, None],
        _ => [None, None],
    }
}

/// The line that ends a run.
fn stop_note(stop: &protosim::trace::StopReason) -> Note {
    match stop {
        protosim::trace::StopReason::EndOfTime => note!("log.stop.end"),
        protosim::trace::StopReason::Limit { what, value } => {
            note!("log.stop.limit", what = what.to_string(), value = *value)
        }
    }
}

/// One line of the event log: a note, rendered in the reader's language when shown ([`LogLine::text`]).
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    pub t_us: u64,
    pub class: &'static str,
    pub note: Note,
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

#[derive(Clone, Debug)]
pub struct Model {
    pub scenario: Scenario,
    pub nodes: Vec<NodeInfo>,
    pub flights: Vec<Flight>,
    /// Longest flight, so the frame's search for messages in the air is a short scan.
    pub longest_flight_us: u64,
    /// Per node: its states in time order, compactly (read them with [`Model::state_at`]).
    pub summaries: Vec<crate::timeline::Timeline>,
    /// The names the compact states refer to.
    statics: crate::timeline::Statics,
    /// Per node: (time, up) in time order.
    pub up: Vec<Vec<(u64, bool)>>,
    /// Per node: (time, paused) in time order (a process pause, [`Ev::Pause`]).
    pub paused: Vec<Vec<(u64, bool)>>,
    /// Per node: (time, µs each message costs it) in time order (a slow node, [`Ev::Slow`]).
    pub slow: Vec<Vec<(u64, u64)>>,
    /// Per node: (time, its clock from then) in time order ([`Ev::Clock`]).
    pub clocks: Vec<Vec<(u64, protosim::clock::Clock)>>,
    /// Per node: (time, how long an fsync takes, µs) in time order ([`Ev::Disk`]).
    pub disks: Vec<Vec<(u64, u64)>>,
    /// (time, blocked[from * n + to]) after each network change.
    pub cuts: Vec<(u64, Vec<bool>)>,
    pub log: Vec<LogLine>,
    pub end_us: u64,
    pub stop: String,
    /// Why the run stopped, for the page's footer.
    pub stop_why: Option<Note>,
    pub violations: Vec<ViolationMark>,
    /// Faults and interventions (crash, restart, partition, cut, heal, network change, user drop), for the
    /// scrubber's markers: (time, short label, rendered in the reader's language when shown).
    pub faults: Vec<(u64, Note)>,
    /// Messages dropped, of any cause, and by the user, over the whole run.
    pub dropped: u64,
    pub dropped_by_user: u64,
    pub duplicated: u64,
    /// Of `duplicated`, the copies the user asked for.
    pub duplicated_by_user: u64,
    pub trace_hash: String,
    /// Per node: when a refusal reached it (an optimistic conflict, a fenced write), to flash its box.
    pub flashes: Vec<Vec<u64>>,
    /// Totals of the whole run.
    pub messages_sent: u64,
    pub confirmed: u64,
    /// Engine events of the whole run.
    pub events: u64,
    /// Set when the page cut the run short (too long to play in a browser): what to tell the user.
    pub cut_short: Option<Note>,
    /// Where the kept history starts: 0, or the time before which a long run's playback history was dropped (see
    /// [`HISTORY_BUDGET_BYTES`]).
    pub history_from_us: u64,
    /// Log lines dropped with that history.
    pub dropped_lines: u64,
    /// The run's chart series and its summary (for the charts and the comparison table).
    pub series: std::rc::Rc<protosim::stats::Series>,
    pub summary: protosim::compare::Summary,
    /// Every checkout answered within the protocol's bound once what it needs is up and connected.
    pub liveness: protosim::liveness::LivenessReport,
    /// Whether what the shoppers were told could have come from one correct shop (judged once the whole run is
    /// simulated; a partial model carries the placeholder "unknown" with no operations).
    pub linearizability: protosim::linearizability::LinReport,
    /// What the shoppers were told, operation by operation (the history view draws it).
    pub history: std::rc::Rc<protosim::linearizability::History>,
    /// The first part of a run still being simulated ([`ModelBuilder::snapshot`]): it ends at `end_us`, where the
    /// engine was, and the whole run's model replaces it when it is done.
    pub partial: bool,
}

/// Models compare by identity: a model never changes once built, and components take it as a property, which Yew
/// compares on every render (every frame while playing). Comparing by value would walk the whole run each time (and
/// `Rc<Model>` compares its contents unless the type is `Eq`); it also cost 2.5 KB of wasm.
impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        std::ptr::eq(self, other)
    }
}

/// How long, in simulated time, a dropped message takes to fall out of the picture.
pub const FALL_US: u64 = 12_000;
/// How long a node box flashes after a conflict reaches it (simulated time).
pub const FLASH_US: u64 = 150_000;

fn last_at<T: Clone>(timeline: &[(u64, T)], t_us: u64) -> Option<T> {
    let i = timeline.partition_point(|(t, _)| *t <= t_us);
    if i == 0 {
        None
    } else {
        Some(timeline[i - 1].1.clone())
    }
}

/// How much of a run's playback history (log lines, message flights, node states) the page keeps, in bytes as
/// [`ModelBuilder`] estimates them. A longer run keeps its latest history within this and drops the oldest, saying
/// so; its charts, totals, violations and fault marks still cover the whole run. The `#bench` page's 221,000-event
/// 5-server Raft run fits whole (93 MB of wasm memory in all).
pub const HISTORY_BUDGET_BYTES: usize = 96 << 20;

/// Builds a [`Model`] from a trace consumed one event at a time, so a run of a million events never has its whole
/// trace in memory: each event's strings move into the model, and when the history outgrows its budget the oldest
/// third is dropped (the state at the cut is kept, so playback from there on is exact). Cloned for a
/// [`ModelBuilder::snapshot`] of a run still being simulated.
#[derive(Clone)]
pub struct ModelBuilder {
    names: Vec<String>,
    flights: Vec<Flight>,
    summaries: Vec<crate::timeline::Timeline>,
    statics: crate::timeline::Statics,
    up: Vec<Vec<(u64, bool)>>,
    paused: Vec<Vec<(u64, bool)>>,
    slow: Vec<Vec<(u64, u64)>>,
    clocks: Vec<Vec<(u64, protosim::clock::Clock)>>,
    disks: Vec<Vec<(u64, u64)>>,
    blocked: Vec<bool>,
    cuts: Vec<(u64, Vec<bool>)>,
    log: Vec<LogLine>,
    violations: Vec<ViolationMark>,
    flashes: Vec<Vec<u64>>,
    faults: Vec<(u64, Note)>,
    hasher: protosim::trace::TraceHasher,
    series: protosim::stats::SeriesInput,
    liveness: protosim::liveness::LivenessJudge,
    history: protosim::linearizability::HistoryRecorder,
    /// The bytes held by the log lines' texts, and the budget the whole history must stay within (see
    /// [`ModelBuilder::bytes`]).
    text_bytes: usize,
    budget: usize,
    history_from_us: u64,
    /// Log lines dropped with the oldest history.
    dropped_lines: u64,
}

impl LogLine {
    /// The line in `lang`.
    pub fn text(&self, lang: &Language) -> String {
        lang.render(&self.note)
    }
}

/// The heap bytes of a log line's note, with the allocator's own few bytes per allocation.
fn text_bytes(l: &LogLine) -> usize {
    fn note_bytes(n: &Note) -> usize {
        n.args.len() * std::mem::size_of::<(&str, Arg)>() + 8 + n.args.iter().map(|(_, a)| arg_bytes(a)).sum::<usize>()
    }
    fn arg_bytes(a: &Arg) -> usize {
        match a {
            Arg::Name(s) => s.len() + 8,
            Arg::Say(n) => std::mem::size_of::<Note>() + 8 + note_bytes(n),
            Arg::List(v) | Arg::Chain(v) => {
                v.capacity() * std::mem::size_of::<Arg>() + 8 + v.iter().map(arg_bytes).sum::<usize>()
            }
            Arg::Num(_) | Arg::Cents(_) => 0,
        }
    }
    note_bytes(&l.note)
}

fn history_bytes(
    log: &Vec<LogLine>,
    texts: usize,
    flights: &Vec<Flight>,
    states: &[crate::timeline::Timeline],
) -> usize {
    log.capacity() * std::mem::size_of::<LogLine>()
        + texts
        + flights.capacity() * std::mem::size_of::<Flight>()
        + states.iter().map(crate::timeline::Timeline::bytes).sum::<usize>()
}

/// Search steps the page spends judging a run's history, on its main thread, once the run is simulated: about a
/// quarter of a second natively on the hardest histories the sweeps produce (a twelfth of the CLI's budget), so a
/// history that would take longer says "unknown" instead of freezing the page (`protosim run` judges it further).
pub const PAGE_LINEARIZABILITY_BUDGET: u64 = 1_000_000;

impl ModelBuilder {
    /// A builder for `r`'s run, before any of its trace was taken.
    pub fn new(r: &dyn Runner) -> ModelBuilder {
        ModelBuilder::with_budget(r, HISTORY_BUDGET_BYTES)
    }

    pub fn with_budget(r: &dyn Runner, budget: usize) -> ModelBuilder {
        let views = r.views_at(0);
        let n = views.len();
        let blocked = vec![false; n * n];
        let mut statics = crate::timeline::Statics::default();
        let summaries = views
            .iter()
            .map(|v| {
                let mut timeline = crate::timeline::Timeline::default();
                timeline.push(&mut statics, 0, &NodeState { summary: v.summary.clone(), detail: v.detail.clone() });
                timeline
            })
            .collect();
        ModelBuilder {
            names: views.iter().map(|v| v.name.clone()).collect(),
            flights: Vec::new(),
            summaries,
            statics,
            up: vec![vec![(0, true)]; n],
            paused: vec![vec![(0, false)]; n],
            slow: vec![vec![(0, 0)]; n],
            clocks: vec![vec![(0, protosim::clock::Clock::default())]; n],
            disks: vec![vec![(0, 0)]; n],
            cuts: vec![(0, blocked.clone())],
            blocked,
            log: Vec::new(),
            violations: Vec::new(),
            flashes: vec![Vec::new(); n],
            faults: Vec::new(),
            hasher: Default::default(),
            series: Default::default(),
            liveness: protosim::liveness::LivenessJudge::new(r.scenario()),
            history: protosim::linearizability::HistoryRecorder::new(r.scenario()),
            text_bytes: 0,
            budget,
            history_from_us: 0,
            dropped_lines: 0,
        }
    }

    fn name(&self, id: NodeId) -> String {
        self.names.get(usize::from(id)).map_or_else(|| format!("node {id}"), Clone::clone)
    }

    fn flight(&mut self, id: u64) -> Option<&mut Flight> {
        // Message ids are handed out in the order their flights are recorded, so the flights are sorted by id.
        self.flights.binary_search_by_key(&id, |f| f.id).ok().map(|i| &mut self.flights[i])
    }

    /// Takes in one event of the trace, in order. `r` is the run it comes from (for the catalogue's names).
    pub fn push(&mut self, r: &dyn Runner, e: TraceEvent) {
        self.hasher.push_hash_only(&e);
        self.series.push(&e);
        match &e.ev {
            Ev::Submit { request_id, .. } => {
                self.liveness.submit(*request_id, e.t_us);
                self.history.feed(std::slice::from_ref(&e));
            }
            Ev::Outcome { request_id, .. } => {
                self.liveness.answer(*request_id, e.t_us);
                self.history.feed(std::slice::from_ref(&e));
            }
            Ev::Read { .. } | Ev::ReadAnswer { .. } => self.history.feed(std::slice::from_ref(&e)),
            _ => {}
        }
        let TraceEvent { t_us: t, ev } = e;
        let nodes = nodes_of(&ev);
        let line: Option<(&'static str, Note)> = match ev {
            ev @ (Ev::Send { .. } | Ev::Duplicate { .. } | Ev::Delay { .. } | Ev::Deliver { .. } | Ev::Drop { .. }) => {
                self.message_line(t, ev)
            }
            Ev::Timer { node, name: timer } => {
                // The catalogues name each timer by its slug (`leader-silent`): a Fluent variant key has no spaces.
                Some(("timer", note!("log.timer", node = self.name(node), timer = timer.replace(' ', "-"))))
            }
            ev @ (Ev::Pause { .. }
            | Ev::Resume { .. }
            | Ev::Slow { .. }
            | Ev::Clock { .. }
            | Ev::Disk { .. }
            | Ev::Wipe { .. }
            | Ev::Synced { .. }) => self.pace_line(t, ev),
            ev @ (Ev::Crash { .. }
            | Ev::Restart { .. }
            | Ev::Partition { .. }
            | Ev::Cut { .. }
            | Ev::Heal
            | Ev::Network { .. }) => self.fault_line(t, ev),
            Ev::Submit { node, request_id, customer, lines } => Some((
                "submit",
                note!(
                    "log.submit",
                    node = self.name(node),
                    id = request_id,
                    customer,
                    basket = r.catalogue().basket_text(&lines)
                ),
            )),
            Ev::Outcome { node, request_id, outcome, latency_us } => Some((
                if outcome.is_confirmed() { "ok" } else { "outcome" },
                note!(
                    "log.outcome",
                    node = self.name(node),
                    id = request_id,
                    outcome = outcome.note(),
                    ms = format!("{:.1}", latency_us as f64 / 1000.0)
                ),
            )),
            ev @ (Ev::Read { .. } | Ev::ReadAnswer { .. }) => self.read_line(ev),
            Ev::State { node, summary, detail } => {
                let st = NodeState { summary, detail: detail.unwrap_or_default() };
                self.summaries[usize::from(node)].push(&mut self.statics, t, &st);
                None
            }
            Ev::Note { node, note } => Some(("note", note!("log.note", who = self.name(node), what = note))),
            Ev::Violation { violation: v } => {
                let (invariant, detail) = (v.invariant.to_string(), v.detail.clone());
                self.violations.push(ViolationMark {
                    t_us: t,
                    node: v.node,
                    invariant: v.invariant,
                    rule: v.rule,
                    detail: v.detail,
                });
                Some(("violation", note!("log.violation", invariant, detail)))
            }
            Ev::Engine { note } => Some(("fault", note)),
            Ev::Stop { stop } => Some(("stop", stop_note(&stop))),
        };
        if let Some((class, note)) = line {
            let l = LogLine { t_us: t, class, note, nodes };
            self.text_bytes += text_bytes(&l);
            self.log.push(l);
        }
        if self.bytes() > self.budget {
            self.drop_oldest();
        }
    }

    /// A stock look-up's log line: asked, or answered.
    fn read_line(&self, ev: Ev) -> Option<(&'static str, Note)> {
        match ev {
            Ev::Read { node, request_id, item } => {
                Some(("submit", note!("log.read", node = self.name(node), id = request_id, item)))
            }
            Ev::ReadAnswer { node, request_id, item, units, latency_us } => {
                let ms = format!("{:.1}", latency_us as f64 / 1000.0);
                Some(("outcome", note!("log.read_answer", node = self.name(node), id = request_id, item, units, ms)))
            }
            _ => None,
        }
    }

    /// A message's flight (sent, duplicated, held back, delivered, dropped) and its log line.
    fn message_line(&mut self, t: u64, ev: Ev) -> Option<(&'static str, Note)> {
        match ev {
            Ev::Send { id, from, to, label, n, kind, detail, deliver_us } => {
                self.flights.push(Flight {
                    kind,
                    id,
                    from,
                    to,
                    label,
                    n,
                    sent_us: t,
                    planned_us: deliver_us,
                    end_us: deliver_us,
                    dropped: None,
                });
                let (from, to, label) = (self.name(from), self.name(to), label.to_string());
                Some(match detail {
                    Some(detail) => ("send", note!("log.send", from, to, label, id, detail)),
                    None => ("send", note!("log.send.bare", from, to, label, id)),
                })
            }
            Ev::Duplicate { id, copy, deliver_us, by_user } => {
                if let Some(f) = self.flight(id) {
                    let f = Flight { id: copy, sent_us: t, planned_us: deliver_us, end_us: deliver_us, ..f.clone() };
                    self.flights.push(f);
                }
                if by_user {
                    // The user's own action, like a drop or a hold: marked on the scrubber and said as theirs.
                    self.faults.push((t, note!("ui.fault.duplicate", id)));
                    return Some(("fault", note!("log.dup.user", id, copy)));
                }
                Some(("dup", note!("log.dup", id, copy)))
            }
            Ev::Delay { id, deliver_us } => {
                if let Some(f) = self.flight(id) {
                    f.planned_us = deliver_us;
                    f.end_us = deliver_us;
                }
                self.faults.push((t, note!("ui.fault.delay", id)));
                Some(("fault", note!("log.delay", id, at_s = format!("{:.3}", deliver_us as f64 / 1e6))))
            }
            Ev::Deliver { id, from, to } => {
                if let Some(f) = self.flight(id) {
                    f.end_us = t;
                    if f.kind == MsgKind::Refusal {
                        self.flashes[usize::from(to)].push(t);
                    }
                }
                Some(("deliver", note!("log.deliver", to = self.name(to), id, from = self.name(from))))
            }
            Ev::Drop { id, from, to, reason } => {
                if reason == DropReason::User {
                    self.faults.push((t, note!("ui.fault.drop", id)));
                }
                if let Some(f) = self.flight(id) {
                    f.end_us = t;
                    f.dropped = Some(reason);
                }
                let (from, to) = (self.name(from), self.name(to));
                Some((
                    "drop",
                    match reason {
                        DropReason::Loss => note!("log.drop.loss", id, from, to),
                        DropReason::Partition => note!("log.drop.partition", id, from, to),
                        DropReason::User => note!("log.drop.user", id, from, to),
                        DropReason::ReceiverDown => note!("log.drop.down", id, from, to),
                    },
                ))
            }
            _ => None,
        }
    }

    /// A pause, a resume or a change of a node's speed: its timeline, a scrubber mark and a log line.
    fn pace_line(&mut self, t: u64, ev: Ev) -> Option<(&'static str, Note)> {
        match ev {
            Ev::Pause { node } => {
                self.paused[usize::from(node)].push((t, true));
                self.faults.push((t, note!("ui.fault.pause", node = self.name(node))));
                Some(("fault", note!("log.pause", node = self.name(node))))
            }
            Ev::Resume { node, backlog } => {
                let since = self.paused[usize::from(node)].last().map_or(t, |&(at, _)| at);
                self.paused[usize::from(node)].push((t, false));
                self.faults.push((t, note!("ui.fault.resume", node = self.name(node))));
                let ms = (t - since) / 1000;
                Some(("fault", note!("log.resume", node = self.name(node), ms, backlog)))
            }
            Ev::Slow { node, handle_us } => {
                self.slow[usize::from(node)].push((t, handle_us));
                self.faults.push((t, note!("ui.fault.slow", node = self.name(node))));
                Some((
                    "fault",
                    if handle_us == 0 {
                        note!("log.slow.off", node = self.name(node))
                    } else {
                        note!("log.slow", node = self.name(node), ms = format!("{:.1}", handle_us as f64 / 1000.0))
                    },
                ))
            }
            Ev::Disk { node, fsync_us } => {
                self.disks[usize::from(node)].push((t, fsync_us));
                self.faults.push((t, note!("ui.fault.disk", node = self.name(node))));
                let ms = format!("{:.1}", fsync_us as f64 / 1000.0);
                Some(("fault", note!("log.disk", node = self.name(node), ms)))
            }
            Ev::Synced { node, released } => Some(("note", note!("log.synced", node = self.name(node), released))),
            Ev::Wipe { node } => {
                self.faults.push((t, note!("ui.fault.wipe", node = self.name(node))));
                Some(("fault", note!("log.wipe", node = self.name(node))))
            }
            Ev::Clock { node, offset_us, drift_ppm } => {
                self.clocks[usize::from(node)].push((t, protosim::clock::Clock::from_offset(t, offset_us, drift_ppm)));
                self.faults.push((t, note!("ui.fault.clock", node = self.name(node))));
                let offset = format!("{:+.3}", offset_us as f64 / 1e6);
                let drift = format!("{:+.1}", drift_ppm as f64 / 1e4);
                Some(("fault", note!("log.clock", node = self.name(node), offset, drift)))
            }
            _ => None,
        }
    }

    /// A fault (crash, restart, partition, cut, heal, network change): the picture's timelines and a log line.
    fn fault_line(&mut self, t: u64, ev: Ev) -> Option<(&'static str, Note)> {
        let n = self.names.len();
        match ev {
            Ev::Crash { node } => {
                self.faults.push((t, note!("ui.fault.crash", node = self.name(node))));
                self.up[usize::from(node)].push((t, false));
                if last_at(&self.paused[usize::from(node)], t) == Some(true) {
                    self.paused[usize::from(node)].push((t, false)); // a crash ends a pause
                }
                Some(("fault", note!("log.crash", node = self.name(node))))
            }
            Ev::Restart { node } => {
                self.faults.push((t, note!("ui.fault.restart", node = self.name(node))));
                self.up[usize::from(node)].push((t, true));
                Some(("fault", note!("log.restart", node = self.name(node))))
            }
            Ev::Partition { groups } => {
                protosim::scenario::partition_cuts(&mut self.blocked, n, &groups);
                self.cuts.push((t, self.blocked.clone()));
                self.faults.push((t, note!("ui.fault.partition")));
                let names: Vec<String> =
                    groups.iter().map(|g| g.iter().map(|&m| self.name(m)).collect::<Vec<_>>().join(", ")).collect();
                Some(("fault", note!("log.partition", groups = format!("{{{}}}", names.join("} | {")))))
            }
            Ev::Cut { from, to } => {
                self.blocked[usize::from(from) * n + usize::from(to)] = true;
                self.cuts.push((t, self.blocked.clone()));
                self.faults.push((t, note!("ui.fault.cut", from = self.name(from), to = self.name(to))));
                Some(("fault", note!("log.cut", from = self.name(from), to = self.name(to))))
            }
            Ev::Heal => {
                self.blocked.iter_mut().for_each(|b| *b = false);
                self.cuts.push((t, self.blocked.clone()));
                self.faults.push((t, note!("ui.fault.heal")));
                Some(("fault", note!("log.heal")))
            }
            Ev::Network { link, settings } => {
                self.faults.push((t, note!("ui.fault.network")));
                let (min_ms, max_ms) = (settings.latency_us_min / 1000, settings.latency_us_max / 1000);
                let loss = format!("{:.0}", settings.loss * 100.0);
                let dup = format!("{:.0}", settings.dup * 100.0);
                Some((
                    "fault",
                    match link {
                        Some((a, b)) => {
                            let (from, to) = (self.name(a), self.name(b));
                            note!("log.network.link", from, to, min_ms, max_ms, loss, dup)
                        }
                        None => note!("log.network.all", min_ms, max_ms, loss, dup),
                    },
                ))
            }
            _ => None,
        }
    }

    /// The history's bytes, estimated from what it holds: the vectors' whole capacity (a vector that doubled holds
    /// room it does not use yet), the texts and the node states.
    pub fn bytes(&self) -> usize {
        history_bytes(&self.log, self.text_bytes, &self.flights, &self.summaries)
    }

    /// Drops the oldest third of the log, and the flights, states and flashes before it; keeps what the picture
    /// needs at the cut (each node's last state, liveness and the network's cuts, messages still in the air).
    fn drop_oldest(&mut self) {
        let Some(cut) = self.log.get(self.log.len() / 3).map(|l| l.t_us) else { return };
        if cut <= self.history_from_us {
            return;
        }
        let lines = self.log.partition_point(|l| l.t_us < cut);
        self.text_bytes -= self.log[..lines].iter().map(text_bytes).sum::<usize>();
        self.log.drain(..lines);
        self.dropped_lines += lines as u64;
        self.flights.retain(|f| f.sent_us >= cut || f.end_us + FALL_US >= cut);
        for states in &mut self.summaries {
            // Keep the last state before the cut: it is the node's state at the cut.
            states.drop_before(cut);
        }
        for timeline in self.up.iter_mut().chain(&mut self.paused) {
            let i = timeline.partition_point(|(t, _)| *t < cut).saturating_sub(1);
            timeline.drain(..i);
        }
        for timeline in self.slow.iter_mut().chain(&mut self.disks) {
            let i = timeline.partition_point(|(t, _)| *t < cut).saturating_sub(1);
            timeline.drain(..i);
        }
        for timeline in &mut self.clocks {
            let i = timeline.partition_point(|(t, _)| *t < cut).saturating_sub(1);
            timeline.drain(..i);
        }
        let i = self.cuts.partition_point(|(t, _)| *t < cut).saturating_sub(1);
        self.cuts.drain(..i);
        for f in &mut self.flashes {
            let i = f.partition_point(|&t| t + FLASH_US < cut);
            f.drain(..i);
        }
        self.history_from_us = cut;
    }

    /// The model of what was pushed so far, while the run goes on (the page plays it while it simulates the
    /// rest): a copy of everything built, so it costs about what the builder holds ([`ModelBuilder::bytes`]).
    pub fn snapshot(&self, r: &dyn Runner) -> Model {
        self.clone().build(r, true)
    }

    /// The model of the run, once its whole trace was pushed.
    pub fn finish(self, r: &dyn Runner) -> Model {
        self.build(r, false)
    }

    /// The model; a `partial` one is not judged for linearizability yet (the history goes on).
    fn build(self, r: &dyn Runner, partial: bool) -> Model {
        let liveness = self.liveness.finish(r.now_us());
        let history = self.history.finish(r.now_us());
        // No wall time (`ms` stays 0): a model is the same however fast it was built.
        let linearizability = if partial {
            protosim::linearizability::LinReport::pending()
        } else {
            protosim::linearizability::check(&history, PAGE_LINEARIZABILITY_BUDGET)
        };
        let judged = protosim::Judged { liveness, linearizability };
        let report = protosim::Report::with_trace(r, self.hasher.events(), self.hasher.hex(), judged);
        let declared = protosim::protocols::info(r.scenario().protocol).metrics;
        let series = protosim::stats::Series::from_input(&self.series, r.metrics(), r.now_us(), declared);
        let longest_flight_us =
            self.flights.iter().map(|f| f.end_us.saturating_sub(f.sent_us) + FALL_US).max().unwrap_or(0);
        let views = r.views_at(0);
        Model {
            scenario: r.scenario().clone(),
            nodes: views.into_iter().map(|v| NodeInfo { id: v.id, name: v.name, role: v.role }).collect(),
            flights: self.flights,
            longest_flight_us,
            summaries: self.summaries,
            statics: self.statics,
            up: self.up,
            paused: self.paused,
            slow: self.slow,
            clocks: self.clocks,
            disks: self.disks,
            cuts: self.cuts,
            log: self.log,
            end_us: r.now_us(),
            stop: r.stop_reason().map(|s| s.describe()).unwrap_or_default(),
            stop_why: r.stop_reason().map(|s| match s {
                protosim::trace::StopReason::EndOfTime => note!("ui.stop.end"),
                protosim::trace::StopReason::Limit { what, value } => {
                    note!("ui.stop.limit", what = what.to_string(), value = *value)
                }
            }),
            violations: self.violations,
            faults: self.faults,
            dropped: r.metrics().messages_dropped(),
            dropped_by_user: r.metrics().dropped_user,
            duplicated: r.metrics().messages_duplicated,
            duplicated_by_user: r.metrics().duplicated_user,
            flashes: self.flashes,
            trace_hash: report.trace_hash.clone(),
            messages_sent: r.metrics().messages_sent,
            confirmed: r.metrics().checkouts_confirmed,
            events: r.metrics().events,
            cut_short: None,
            history_from_us: self.history_from_us,
            dropped_lines: self.dropped_lines,
            series: std::rc::Rc::new(series),
            summary: protosim::compare::Summary::from_report(&report, r),
            liveness: report.liveness,
            linearizability: report.linearizability,
            history: std::rc::Rc::new(history),
            partial,
        }
    }
}

impl Model {
    /// The model of a finished run whose whole trace is still in `r` (it is copied, not taken).
    pub fn from_run(r: &dyn Runner) -> Model {
        let mut b = ModelBuilder::new(r);
        for e in r.trace() {
            b.push(r, e.clone());
        }
        b.finish(r)
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
        self.summaries[node].at(&self.statics, t_us).unwrap_or_default()
    }

    pub fn summary_at(&self, node: usize, t_us: u64) -> Note {
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

    /// When the node's pause began, if it is paused at `t_us`.
    pub fn paused_since(&self, node: usize, t_us: u64) -> Option<u64> {
        let p = &self.paused[node];
        let i = p.partition_point(|(t, _)| *t <= t_us);
        i.checked_sub(1).map(|i| p[i]).and_then(|(at, paused)| paused.then_some(at))
    }

    /// How far the node's clock is off true time at `t_us`, µs (positive: ahead).
    pub fn clock_offset_at(&self, node: usize, t_us: u64) -> i64 {
        last_at(&self.clocks[node], t_us).map_or(0, |c| c.offset_us(t_us))
    }

    /// How fast the node's clock runs at `t_us`, ppm (0: at true time's pace).
    pub fn clock_drift_at(&self, node: usize, t_us: u64) -> i64 {
        last_at(&self.clocks[node], t_us).map_or(0, |c| c.drift_ppm)
    }

    /// How long an fsync takes on the node's disk at `t_us`, µs (0: writes are durable at once).
    pub fn fsync_us_at(&self, node: usize, t_us: u64) -> u64 {
        last_at(&self.disks[node], t_us).unwrap_or(0)
    }

    /// What each message costs the node at `t_us`, µs (0: not slow).
    pub fn handle_us_at(&self, node: usize, t_us: u64) -> u64 {
        last_at(&self.slow[node], t_us).unwrap_or(0)
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

    fn streamed(s: &Scenario, budget: usize) -> Model {
        let mut loader = crate::loader::Loader::with_budget(s, u64::MAX, budget).unwrap();
        loader.advance(f64::INFINITY);
        loader.finish()
    }

    #[test]
    fn a_streamed_model_equals_the_model_of_the_whole_trace() {
        for kind in protosim::protocols::kinds() {
            let mut s = crate::presets::default_scenario(kind);
            s.until_ms = 4_000;
            s.interventions = vec![
                Intervention { at_us: 1_000_000, action: Action::Crash { node: 0 } },
                Intervention { at_us: 2_000_000, action: Action::Restart { node: 0 } },
            ];
            let (whole, r) = model(&s);
            let m = streamed(&s, HISTORY_BUDGET_BYTES);
            assert_eq!(m.history_from_us, 0, "{}", kind.name());
            // By value, every field (models compare by identity with `==`).
            assert!(format!("{m:?}") == format!("{whole:?}"), "{}: the streamed model differs", kind.name());
            assert_eq!(m.trace_hash, protosim::Report::of(r.as_ref()).trace_hash, "{}", kind.name());
        }
    }

    #[test]
    fn a_long_run_keeps_its_latest_history_exactly_and_its_whole_totals() {
        let mut s = protosim::pinned::raft_steady_load(5, 3_000);
        s.interventions = vec![
            Intervention { at_us: 500_000, action: Action::Crash { node: 1 } },
            Intervention { at_us: 2_200_000, action: Action::Crash { node: 2 } },
            Intervention { at_us: 2_300_000, action: Action::Partition { groups: vec![vec![0, 3]] } },
        ];
        let (whole, _) = model(&s);
        let budget = 2 << 20;
        let m = streamed(&s, budget);
        assert!(m.history_from_us > 1_000_000 && m.history_from_us < m.end_us, "{}", m.history_from_us);
        assert!(m.dropped_lines > 0 && m.log.len() < whole.log.len());
        assert_eq!(m.log.len() as u64 + m.dropped_lines, whole.log.len() as u64, "every line kept or counted");
        assert!(m.log.iter().all(|l| l.t_us >= m.history_from_us));
        let texts = m.log.iter().map(text_bytes).sum();
        let kept_bytes = history_bytes(&m.log, texts, &m.flights, &m.summaries);
        assert!(kept_bytes <= budget, "{kept_bytes} bytes kept, budget {budget}");
        // Whole-run figures are the same.
        assert_eq!(m.trace_hash, whole.trace_hash);
        assert_eq!(m.series, whole.series);
        assert_eq!(m.summary, whole.summary);
        assert_eq!(m.violations, whole.violations);
        assert_eq!(m.faults, whole.faults);
        assert_eq!(m.events, whole.events);
        // From the cut on, the picture is exactly the whole model's.
        let step = (m.end_us - m.history_from_us) / 97;
        for t in (m.history_from_us..=m.end_us).step_by(step as usize) {
            for node in 0..m.nodes.len() {
                assert_eq!(m.state_at(node, t), whole.state_at(node, t), "node {node} at {t}");
                assert_eq!(m.up_at(node, t), whole.up_at(node, t), "node {node} at {t}");
                assert_eq!(m.flash_at(node, t), whole.flash_at(node, t), "node {node} at {t}");
            }
            assert_eq!(m.blocked_at(t), whole.blocked_at(t), "{t}");
            let a: Vec<_> = m.flights_at(t).map(|(f, x)| (f.id, x)).collect();
            let b: Vec<_> = whole.flights_at(t).map(|(f, x)| (f.id, x)).collect();
            assert_eq!(a, b, "messages in the air at {t}");
            let (i, j) = (m.log_end(t), whole.log_end(t));
            assert_eq!(m.log[i.saturating_sub(30)..i], whole.log[j.saturating_sub(30.min(i))..j], "log up to {t}");
        }
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
        assert!(m.log.iter().any(|l| l.text(&protosim::i18n::ENGLISH).contains("crashes")));
    }
}
