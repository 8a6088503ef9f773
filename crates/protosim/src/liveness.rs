//! Liveness as a verdict: "every checkout is answered within B ms once what the protocol needs is up and connected".
//!
//! Safety invariants say nothing bad happens; liveness says something good eventually does. A bare "eventually"
//! cannot be checked on a finite run, so each protocol states a bound `B` ([`ProtocolInfo::liveness_bound_ms`],
//! for the default network; scaled with a slower network's worst latency, see [`bound_us`])
//! and a [`QuorumGroup`] list: which servers must be up for it to make progress (Raft: a majority of servers;
//! Paxos: a majority of acceptors and one order service; 2PC, the single database and the lock services: every
//! server). This is the safety-then-liveness split TigerBeetle's simulator makes, judged not only after a final
//! heal but in every stretch of the run in which the protocol's needs are met:
//!
//! A stretch is **good** when every shopper is up, the quorum groups are met (a paused node counts as down until
//! it resumes; a server replaced with an empty disk, which never votes again, for good), no node is slow, has a
//! slow disk or a drifting clock, no directed link between two up nodes is cut (partition or one-way cut), no link
//! loses messages at random (with loss, any number of retries can be lost in a row, so no bound is certain) and
//! none is worse than the scenario's own network (duplication, worst latency).
//! Every intervention other than a checkout starts a new stretch, so a checkout is judged from the later of its
//! submission and the start of the stretch. A checkout is **late** when it is still unanswered `B` ms after that
//! moment while the stretch lasts at least that long (the end of the run counts as the end of a stretch).
//! Checkouts never inside a long enough good stretch are not judged.
//!
//! [`ProtocolInfo::liveness_bound_ms`]: crate::protocols::ProtocolInfo::liveness_bound_ms

use crate::domain::RequestId;
use crate::i18n::Language;
use crate::narration::{Arg, Note};
use crate::note;
pub use crate::protocols::meta::QuorumGroup;
use crate::scenario::{Action, LinkSettings, NodeId, Scenario};
use crate::vecmap::VecMap;
use serde::Serialize;

/// The verdict on a run's liveness.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LivenessVerdict {
    /// Every judged checkout was answered within the bound.
    Held,
    /// Some checkout was not (see `first_late`).
    Broken,
    /// The protocol states no bound, or no checkout was inside a good stretch long enough to judge.
    NotApplicable,
}

impl LivenessVerdict {
    pub fn name(self) -> &'static str {
        match self {
            LivenessVerdict::Held => "held",
            LivenessVerdict::Broken => "broken",
            LivenessVerdict::NotApplicable => "not_applicable",
        }
    }
}

/// The first checkout that broke the promise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Late {
    pub request_id: RequestId,
    pub submitted_us: u64,
    /// When its judged wait began: its submission, or the start of the good stretch it was pending at.
    pub judged_from_us: u64,
    /// When it was answered, if ever.
    pub answered_us: Option<u64>,
}

impl Late {
    /// One line for people: "checkout #12 (submitted at 0.10 s) was answered 24.70 s after …", in English.
    pub fn describe(&self, bound_ms: u64) -> String {
        crate::i18n::render(&self.note(bound_ms))
    }

    /// The same line as a note, for any language.
    pub fn note(&self, bound_ms: u64) -> Note {
        let from = if self.judged_from_us == self.submitted_us {
            note!("liveness.from.submission")
        } else {
            note!("liveness.from.stretch", at = format!("{:.2}", self.judged_from_us as f64 / 1e6))
        };
        let (id, at, bound) = (self.request_id, format!("{:.2}", self.submitted_us as f64 / 1e6), bound_ms);
        match self.answered_us {
            Some(a) => note!("liveness.late.answered", id, at, waited = (a - self.judged_from_us) / 1000, from, bound),
            None => note!("liveness.late.unanswered", id, at, bound, from),
        }
    }
}

/// What `protosim run --json` carries as `"liveness"`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LivenessReport {
    pub verdict: LivenessVerdict,
    pub bound_ms: Option<u64>,
    /// The slowest judged answer, measured from the start of its judged wait.
    pub slowest_ms: u64,
    /// Checkouts judged (pending inside a good stretch long enough to judge them).
    pub judged: u64,
    pub first_late: Option<Late>,
    /// What the protocol needs, in English words ("3 of n0–n4 up, every shopper up and …").
    pub needs: String,
    /// The same, as a note for any language ([`LivenessReport::needs_in`]).
    #[serde(skip)]
    pub needs_note: Note,
}

impl LivenessReport {
    /// One line for people, in English (the CLI's).
    pub fn describe(&self) -> String {
        crate::i18n::render(&self.note())
    }

    /// The same line in `lang`.
    pub fn describe_in(&self, lang: &Language) -> String {
        lang.render(&self.note())
    }

    /// What the protocol needs, in `lang`.
    pub fn needs_in(&self, lang: &Language) -> String {
        lang.render(&self.needs_note)
    }

    /// The verdict as a note.
    pub fn note(&self) -> Note {
        let needs = self.needs_note.clone();
        match (self.verdict, self.bound_ms) {
            (LivenessVerdict::Held, Some(bound)) => {
                note!("liveness.held", judged = self.judged, bound, needs, slowest = self.slowest_ms)
            }
            (LivenessVerdict::Broken, Some(b)) => match &self.first_late {
                Some(l) => note!("liveness.broken", late = l.note(b), needs),
                None => note!("liveness.broken_bare"),
            },
            (_, None) => note!("liveness.no_bound"),
            (_, Some(bound)) => note!("liveness.not_applicable", bound, needs),
        }
    }
}

/// Judges liveness from the checkouts' submissions and answers, fed in time order (streaming: the page feeds it
/// while it loads a run in pieces, the CLI from the whole trace).
#[derive(Clone, Debug)]
pub struct LivenessJudge {
    bound_us: Option<u64>,
    /// Good stretches, [start, end) in µs, in order; the last may end at `u64::MAX`.
    good: Vec<(u64, u64)>,
    pending: VecMap<RequestId, u64>,
    slowest_us: u64,
    judged: u64,
    first_late: Option<Late>,
    needs: Note,
}

impl LivenessJudge {
    pub fn new(scenario: &Scenario) -> LivenessJudge {
        let info = crate::protocols::info(scenario.protocol);
        let groups = (info.liveness_quorum)(scenario, scenario.servers());
        LivenessJudge {
            bound_us: info.liveness_bound_ms.map(|b| bound_us(b, scenario)),
            good: good_stretches(scenario, &groups),
            pending: VecMap::new(),
            slowest_us: 0,
            judged: 0,
            first_late: None,
            needs: needs_note(&groups, &{
                // The servers by the names the page and the CLI show (`db`, `acceptor1`, …), not their numbers.
                let catalogue = crate::domain::Catalogue::new(&scenario.workload);
                let proto = <crate::protocols::any::AnyProtocol as crate::engine::Protocol>::new(scenario, &catalogue);
                move |n| crate::engine::Protocol::node_name(&proto, n)
            }),
        }
    }

    pub fn submit(&mut self, request_id: RequestId, t_us: u64) {
        self.pending.insert(request_id, t_us);
    }

    pub fn answer(&mut self, request_id: RequestId, t_us: u64) {
        if let Some(s) = self.pending.remove(&request_id) {
            self.judge(request_id, s, Some(t_us), t_us);
        }
    }

    /// Takes the submissions and answers among `events` (the next piece of a trace, in time order).
    pub fn feed(&mut self, events: &[crate::trace::TraceEvent]) {
        use crate::trace::Ev;
        for e in events {
            match &e.ev {
                Ev::Submit { request_id, .. } => self.submit(*request_id, e.t_us),
                Ev::Outcome { request_id, .. } => self.answer(*request_id, e.t_us),
                _ => {}
            }
        }
    }

    /// The verdict once the run ended at `end_us`.
    pub fn finish(mut self, end_us: u64) -> LivenessReport {
        for (id, s) in std::mem::take(&mut self.pending) {
            self.judge(id, s, None, end_us);
        }
        let verdict = match (self.bound_us, &self.first_late) {
            (None, _) => LivenessVerdict::NotApplicable,
            (Some(_), Some(_)) => LivenessVerdict::Broken,
            (Some(_), None) if self.judged == 0 => LivenessVerdict::NotApplicable,
            (Some(_), None) => LivenessVerdict::Held,
        };
        LivenessReport {
            verdict,
            bound_ms: self.bound_us.map(|b| b / 1000),
            slowest_ms: self.slowest_us / 1000,
            judged: self.judged,
            first_late: self.first_late,
            needs: crate::i18n::render(&self.needs),
            needs_note: self.needs,
        }
    }

    /// Judges one checkout submitted at `s`, answered at `answered` (or not by `end_us`).
    fn judge(&mut self, request_id: RequestId, s: u64, answered: Option<u64>, end_us: u64) {
        let Some(bound) = self.bound_us else { return };
        let a = answered.unwrap_or(u64::MAX);
        let mut judged = false;
        for &(g0, g1) in &self.good {
            if g1 <= s || g0 >= a.min(end_us) {
                continue;
            }
            let from = s.max(g0);
            let stretch_end = g1.min(end_us);
            if a <= stretch_end {
                // Answered inside this stretch: its wait counts, late or not.
                judged = true;
                self.slowest_us = self.slowest_us.max(a - from);
                if a - from > bound {
                    self.late(request_id, s, from, answered);
                }
                break;
            }
            if stretch_end.saturating_sub(from) > bound {
                judged = true;
                self.late(request_id, s, from, answered);
                break;
            }
        }
        if judged {
            self.judged += 1;
        }
    }

    fn late(&mut self, request_id: RequestId, submitted_us: u64, judged_from_us: u64, answered_us: Option<u64>) {
        if self.first_late.is_none() {
            self.first_late = Some(Late { request_id, submitted_us, judged_from_us, answered_us });
        }
    }
}

/// Judges a whole trace (a report of a run kept whole).
pub fn judge_trace(scenario: &Scenario, trace: &[crate::trace::TraceEvent], end_us: u64) -> LivenessReport {
    let mut j = LivenessJudge::new(scenario);
    j.feed(trace);
    j.finish(end_us)
}

/// The worst one-way latency a stated bound assumes: the default network's.
pub const BOUND_LATENCY_US: u64 = 24_000;

/// A protocol's bound for a scenario: as stated for the default network, scaled up in proportion to a slower
/// network's worst one-way latency (every protocol's timeouts and retry intervals grow with it).
pub fn bound_us(bound_ms: u64, scenario: &Scenario) -> u64 {
    let worst = scenario.worst_latency_us().max(BOUND_LATENCY_US);
    (bound_ms * 1000).saturating_mul(worst) / BOUND_LATENCY_US
}

fn needs_note(groups: &[QuorumGroup], name: &dyn Fn(NodeId) -> String) -> Note {
    let parts: Vec<Arg> = groups
        .iter()
        .map(|g| {
            // A few servers by name ("locks, store1 and store2"), more as a range ("n0–n4").
            let range = match g.count {
                1 => Arg::from(name(g.first)),
                2..=3 => Arg::List((g.first..g.first + g.count).map(|n| Arg::from(name(n))).collect()),
                _ => Arg::from(format!("{}–{}", name(g.first), name(g.first + g.count - 1))),
            };
            if g.need == g.count && g.count > 1 {
                Arg::from(note!("liveness.group.all", range))
            } else if g.need == g.count {
                range
            } else {
                Arg::from(note!("liveness.group.some", need = g.need, range))
            }
        })
        .collect();
    note!("liveness.needs", groups = Arg::List(parts))
}

/// No message loss, and no worse than the scenario's own network (`base`: a link's starting settings): duplication
/// and worst latency at most the base's.
/// (With random loss no bound holds for sure: any number of retries can be lost in a row.)
fn calm(s: &LinkSettings, base: &LinkSettings) -> bool {
    s.loss == 0.0 && s.dup <= base.dup && s.latency_us_max <= base.latency_us_max
}

/// The network as the engine shapes it, for judging: which directed links are cut (partitions and cuts add up
/// until a heal, as in the engine) and which links are calm.
struct NetState {
    n: usize,
    blocked: Vec<bool>,
    /// The default link settings now, against the scenario's starting default.
    default_calm: bool,
    /// Per-link settings now, each against its own starting settings (or the starting default).
    links_calm: VecMap<(NodeId, NodeId), bool>,
}

impl NetState {
    fn new(scenario: &Scenario, n: usize) -> NetState {
        let base = &scenario.network.default;
        let links_calm =
            scenario.network.links.iter().map(|l| ((l.from, l.to), calm(&l.settings, &l.settings))).collect();
        NetState { n, blocked: vec![false; n * n], default_calm: calm(base, base), links_calm }
    }

    fn apply(&mut self, scenario: &Scenario, action: &Action) {
        let n = self.n;
        match action {
            Action::Partition { groups } => crate::scenario::partition_cuts(&mut self.blocked, n, groups),
            Action::Cut { from, to } => {
                if let Some(x) = self.blocked.get_mut(usize::from(*from) * n + usize::from(*to)) {
                    *x = true;
                }
            }
            Action::Heal => self.blocked.iter_mut().for_each(|b| *b = false),
            Action::SetNetwork { link: None, settings } => {
                self.default_calm = calm(settings, &scenario.network.default);
            }
            Action::SetNetwork { link: Some((a, b)), settings } => {
                let start = scenario.network.links.iter().find(|l| (l.from, l.to) == (*a, *b));
                let base = start.map_or(&scenario.network.default, |l| &l.settings);
                self.links_calm.insert((*a, *b), calm(settings, base));
            }
            _ => {}
        }
    }

    /// No cut between two up nodes, and every link calm.
    fn whole(&self, up: &[bool]) -> bool {
        let n = self.n;
        let connected = (0..n).all(|a| (0..n).all(|b| !up[a] || !up[b] || !self.blocked[a * n + b]));
        connected && self.default_calm && self.links_calm.values().all(|&c| c)
    }
}

/// The good stretches of a scenario, from its interventions (see the module comment).
fn good_stretches(scenario: &Scenario, groups: &[QuorumGroup]) -> Vec<(u64, u64)> {
    let n = usize::from(scenario.total_nodes());
    let servers = usize::from(scenario.servers());
    let mut up = vec![true; n];
    // A paused node counts as down until it resumes (a crash ends its pause); a slow node makes the stretch bad.
    let mut paused = vec![false; n];
    let mut slow = vec![false; n];
    let mut drifting = vec![false; n];
    let mut slow_disk = vec![false; n];
    // A replaced machine that the protocol takes back never votes again (a Raft learner, a retired acceptor):
    // it counts as down for good.
    let mut replaced = vec![false; n];
    let info = crate::protocols::info(scenario.protocol);
    let (replaceable, rejoins) = (info.replaceable, (info.replacement_rejoins)(scenario));
    let mut net = NetState::new(scenario, n);
    let good = |(up, paused, replaced): (&[bool], &[bool], &[bool]),
                (slow, drifting, slow_disk): (&[bool], &[bool], &[bool]),
                net: &NetState| {
        let up: Vec<bool> = (0..n).map(|i| up[i] && !paused[i] && !replaced[i]).collect();
        let up = up.as_slice();
        let impaired = [slow, drifting, slow_disk].iter().any(|v| v.contains(&true));
        let shoppers_up = (servers..n).all(|i| up[i]) && !impaired;
        let quorum = groups.iter().all(|g| {
            (g.first..g.first + g.count).filter(|&i| up.get(usize::from(i)).copied().unwrap_or(false)).count()
                >= usize::from(g.need)
        });
        shoppers_up && quorum && net.whole(up)
    };
    let mut out: Vec<(u64, u64)> = Vec::new();
    let mut start = 0u64;
    let mut was_good = good((&up, &paused, &replaced), (&slow, &drifting, &slow_disk), &net);
    let mut ivs: Vec<&crate::scenario::Intervention> =
        scenario.interventions.iter().filter(|i| !matches!(i.action, Action::Checkout { .. })).collect();
    crate::sort::sort_by_key(&mut ivs, |i| i.at_us);
    let mut k = 0;
    while k < ivs.len() {
        let t = ivs[k].at_us;
        while k < ivs.len() && ivs[k].at_us == t {
            match &ivs[k].action {
                Action::Crash { node } => {
                    set(&mut up, *node, false);
                    set(&mut paused, *node, false);
                }
                Action::Restart { node } => set(&mut up, *node, true),
                // A refused wipe changes nothing; an accepted one crashes the node and brings it back at once.
                Action::DiskWipe { node } if replaceable(scenario, *node) => {
                    set(&mut up, *node, true);
                    set(&mut paused, *node, false);
                    set(&mut replaced, *node, !rejoins);
                }
                Action::DiskWipe { .. } => {}
                Action::Pause { node } => {
                    let is_up = up.get(usize::from(*node)).copied().unwrap_or(false);
                    set(&mut paused, *node, is_up);
                }
                Action::Resume { node } => set(&mut paused, *node, false),
                Action::Slow { node, handle_us } => set(&mut slow, *node, *handle_us > 0),
                // A drifting clock stretches or shrinks every timer and lease: judged like a slow node.
                Action::ClockDrift { node, ppm } => set(&mut drifting, *node, *ppm != 0),
                // A slow disk delays every acknowledgement of the node: judged like a slow node.
                Action::DiskLatency { node, fsync_us } => set(&mut slow_disk, *node, *fsync_us > 0),
                other => net.apply(scenario, other),
            }
            k += 1;
        }
        // Every fault starts a new stretch: close the current one here.
        if was_good && t > start {
            out.push((start, t));
        }
        start = t;
        was_good = good((&up, &paused, &replaced), (&slow, &drifting, &slow_disk), &net);
    }
    if was_good {
        out.push((start, u64::MAX));
    }
    out
}

fn set(up: &mut [bool], node: NodeId, v: bool) {
    if let Some(x) = up.get_mut(usize::from(node)) {
        *x = v;
    }
}
