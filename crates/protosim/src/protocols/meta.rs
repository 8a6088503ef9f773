//! What a protocol says about itself: its name and variants, its invariants, its topology (how many servers a
//! scenario's `nodes` mean), and its liveness promise (a bound, and which servers it needs up).
//! The registry ([`crate::protocols::info`]) hands these out; the protocols themselves import only this module.

use crate::i18n::{info_key, Language};
use crate::invariants::InvariantInfo;
use crate::narration::Note;
use crate::scenario::{NodeId, ProtocolKind, Scenario};
use serde::Serialize;

/// `count` consecutive servers from `first`, of which at least `need` must be up for the protocol to make progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct QuorumGroup {
    pub first: NodeId,
    pub count: u16,
    pub need: u16,
}

impl QuorumGroup {
    /// A majority of `count` servers from `first`.
    pub fn majority(first: NodeId, count: u16) -> QuorumGroup {
        QuorumGroup { first, count, need: count / 2 + 1 }
    }
    /// Every one of `count` servers from `first`.
    pub fn all(first: NodeId, count: u16) -> QuorumGroup {
        QuorumGroup { first, count, need: count }
    }
}

/// A named variant: `correct`, or a textbook mistake explained in one line.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct VariantInfo {
    pub name: &'static str,
    pub explain: &'static str,
}

#[derive(Clone, Copy, Debug, Serialize)]
pub struct ProtocolInfo {
    pub kind: ProtocolKind,
    pub title: &'static str,
    /// Allowed number of server nodes, inclusive.
    pub nodes: (u16, u16),
    pub default_nodes: u16,
    pub variants: &'static [VariantInfo],
    /// Every invariant checked after each event, business rules included.
    pub invariants: &'static [InvariantInfo],
    /// Liveness promise: once [`ProtocolInfo::liveness_quorum`] is up and connected, every checkout is answered
    /// within this many ms (see [`crate::liveness`]; `run` reports it, sweeps count its failures).
    pub liveness_bound_ms: Option<u64>,
    /// The servers this protocol needs up to make progress, given the scenario and its number of servers.
    #[serde(skip)]
    pub liveness_quorum: fn(&Scenario, u16) -> Vec<QuorumGroup>,
    /// Whether a node's machine may be replaced with an empty disk ([`crate::scenario::Action::DiskWipe`]): the
    /// page offers the button, the sweep draws the fault. It says what the protocol's
    /// [`crate::engine::Protocol::replacement_disk`] does (a test keeps the two in step).
    #[serde(skip)]
    pub replaceable: fn(&Scenario, NodeId) -> bool,
    /// Whether a replaced node serves as before (it kept nothing that matters: a Redlock server's keys live in
    /// memory) rather than never counting toward a quorum again (a Raft learner, a retired acceptor). Liveness
    /// counts a replaced node that does not rejoin as down for good. Per scenario: a Redlock server rejoins, a Raft
    /// lock server does not.
    #[serde(skip)]
    pub replacement_rejoins: fn(&Scenario) -> bool,
    /// The natural opponent to compare it with in the page's Compare view (same workload, seed and faults).
    pub compare_with: ProtocolKind,
    /// The measurements it records with `Ctx::sample` (a test checks that every one recorded is declared).
    pub metrics: &'static [MetricInfo],
    /// The topology: how many server nodes (node ids `0..servers`) a scenario runs; shoppers come after them.
    #[serde(skip)]
    pub servers: fn(&Scenario) -> u16,
    /// The scenario the page opens with for this protocol, with `nodes` servers: the workload and faults that
    /// stage its central lesson (a leader crash for Raft, a coordinator dying mid-commit for 2PC, …). It may
    /// consult a [`Trial`] run to time its faults (crash whoever leads at 6 s).
    #[serde(skip)]
    pub lesson: fn(nodes: u16, trial: Trial<'_>) -> Scenario,
    /// Its settings: each is a control in the page's setup bar, a `--option NAME=VALUE` of the CLI, shown in a
    /// sweep's heading, and checked when a scenario is read.
    pub options: &'static [OptionInfo],
    /// Whether its shoppers can look stock up (`workload.read_rate_per_s`, the `read` action): a scenario with
    /// reads for a protocol that serves none is refused with a message that says so.
    pub serves_reads: bool,
    /// Settings a mistaken variant is shown with, as (variant, option, value): where a production option masks
    /// the mistake (Raft's Pre-Vote and CheckQuorum leave `copy-whole-log` almost no schedule to fire in: 0 of
    /// 3,000 faulty seeds), choosing the variant turns that option off, in the page, the CLI and the hunt, and says
    /// so. A scenario file's own settings are kept.
    pub variant_options: &'static [(&'static str, &'static str, &'static str)],
}

impl ProtocolInfo {
    /// `s` with variant `variant` chosen: its name set, every option some variant is shown with back at its
    /// default (so that leaving `copy-whole-log` for `correct` turns Pre-Vote on again), then the settings this one
    /// is shown with ([`ProtocolInfo::variant_options`]) applied. A test checks that every entry names a declared
    /// option and a value it takes.
    pub fn choose_variant(&self, s: &mut Scenario, variant: &str) {
        s.variant = variant.to_string();
        let option = |name: &str| self.options.iter().find(|o| o.name == name);
        for &(_, name, _) in self.variant_options {
            if let Some(o) = option(name) {
                let _ = o.set(s, &o.values.default_text());
            }
        }
        for &(_, name, value) in self.variant_options.iter().filter(|(v, _, _)| *v == variant) {
            if let Some(o) = option(name) {
                let _ = o.set(s, value);
            }
        }
    }
}

/// One setting of a protocol (Paxos's stable leader, the lock manager's deadlock strategy).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct OptionInfo {
    /// Its name: in the scenario's `options`, in `--option NAME=VALUE`, and (with `-` for `_`) the page
    /// control's test id.
    pub name: &'static str,
    /// The control's label in the page.
    pub label: &'static str,
    /// What it changes, in a sentence (the control's tooltip, the CLI's help).
    pub help: &'static str,
    pub values: OptionValues,
    /// Where the value lives.
    #[serde(skip)]
    pub store: OptionStore,
    /// Whether it means anything in this scenario: the page shows its control only then (the deadlock strategy of
    /// a lock manager, not under Redlock, which has no queue). [`always`] for most.
    #[serde(skip)]
    pub applies: fn(&Scenario) -> bool,
}

/// The values an option takes.
#[derive(Clone, Copy, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionValues {
    /// `true` or `false`: a checkbox.
    Flag { default: bool },
    /// A whole number in `min..=max`.
    Count { min: u16, max: u16, default: u16 },
    /// One of these names: a drop-down; the first is the default.
    OneOf(&'static [&'static str]),
}

/// Where an option's value is kept in a [`Scenario`].
#[derive(Clone, Copy, Debug)]
pub enum OptionStore {
    /// In the scenario's `options` map, under the option's name (every protocol registered from now on).
    Options,
    /// In a section of the scenario of its own (`paxos`, `twopc`, `locking`: the first protocols' settings,
    /// kept so that every scenario file and link made before stays valid), at `path` (`paxos.proposers`): read
    /// and written by these.
    Section { path: &'static str, get: fn(&Scenario) -> String, set: fn(&mut Scenario, &str) },
}

impl OptionValues {
    /// `value` as this option stores it, or why not.
    pub fn check(&self, value: &str) -> Result<serde_json::Value, Note> {
        match *self {
            OptionValues::Flag { .. } => match value {
                "true" => Ok(true.into()),
                "false" => Ok(false.into()),
                _ => Err(crate::note!("scenario.error.option-flag", value = value.to_string())),
            },
            OptionValues::Count { min, max, .. } => match value.parse::<u16>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n.into()),
                _ => Err(crate::note!("scenario.error.option-count", value = value.to_string(), min, max)),
            },
            OptionValues::OneOf(names) if names.contains(&value) => Ok(value.into()),
            OptionValues::OneOf(names) => Err(crate::note!(
                "scenario.error.option-one-of",
                value = value.to_string(),
                names = crate::narration::quoted(names)
            )),
        }
    }

    /// The default value as `--option` writes it.
    pub fn default_text(&self) -> String {
        match *self {
            OptionValues::Flag { default } => default.to_string(),
            OptionValues::Count { default, .. } => default.to_string(),
            OptionValues::OneOf(names) => names.first().copied().unwrap_or_default().to_string(),
        }
    }
}

impl OptionInfo {
    /// Its value in `s`, as text (`true`, `3`, `wound-wait`); the default when `s` does not set it.
    pub fn get(&self, s: &Scenario) -> String {
        match self.store {
            OptionStore::Section { get, .. } => get(s),
            OptionStore::Options => match s.options.get(self.name) {
                Some(serde_json::Value::String(t)) => t.clone(),
                Some(v) => v.to_string(),
                None => self.values.default_text(),
            },
        }
    }

    /// Sets it in `s` to `value` (text, as [`OptionInfo::get`] gives it), or says why `value` is not one of its
    /// values.
    pub fn set(&self, s: &mut Scenario, value: &str) -> Result<(), Note> {
        let v = self
            .values
            .check(value)
            .map_err(|e| crate::note!("scenario.error.at", at = self.name.to_string(), problem = e))?;
        match self.store {
            OptionStore::Section { set, .. } => set(s, value),
            OptionStore::Options => {
                s.options.insert(self.name.to_string(), v);
            }
        }
        Ok(())
    }

    /// Where it is in a scenario, for messages: `paxos.proposers`, `options.read_quorum`.
    pub fn path(&self) -> String {
        match self.store {
            OptionStore::Section { path, .. } => path.to_string(),
            OptionStore::Options => format!("options.{}", self.name),
        }
    }

    /// Whether `s` has it at something other than its default.
    pub fn is_set(&self, s: &Scenario) -> bool {
        self.get(s) != self.values.default_text()
    }
}

/// A trial run a [`ProtocolInfo::lesson`] consults: `scenario` run to `until_us` (or its end), its trace and its
/// nodes as drawn at that moment.
pub type Trial<'a> = &'a dyn Fn(&Scenario, u64) -> TrialRun;

/// What a [`Trial`] returns.
pub struct TrialRun {
    pub trace: Vec<crate::trace::TraceEvent>,
    pub views: Vec<super::runner::NodeView>,
}

/// `kind`'s default scenario with `nodes` servers (every field at its default but these two).
pub fn plain(kind: ProtocolKind, nodes: u16) -> Scenario {
    Scenario { protocol: kind, nodes, ..Scenario::default() }
}

/// Crash `node` at `at_ms` and restart it at `back_ms`.
pub fn crash_between(node: NodeId, at_ms: u64, back_ms: u64) -> Vec<crate::scenario::Intervention> {
    use crate::scenario::{Action, Intervention};
    vec![
        Intervention { at_us: at_ms * 1000, action: Action::Crash { node } },
        Intervention { at_us: back_ms * 1000, action: Action::Restart { node } },
    ]
}

/// What a protocol-specific measurement counts, so reports print it right.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MetricUnit {
    /// A duration in microseconds (printed in ms).
    Micros,
    /// A count (attempts, retries).
    Count,
}

/// A measurement a protocol records with `Ctx::sample`: its name, unit and meaning.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct MetricInfo {
    pub name: &'static str,
    pub unit: MetricUnit,
    pub what: &'static str,
    /// A chart legend of a word or two. Every duration ([`MetricUnit::Micros`]) a protocol declares is charted
    /// in the page's "time spent waiting" chart under this label, as a mean per bucket of time.
    pub label: &'static str,
}

/// Every protocol whose shoppers use the shared client records this.
pub const RETRIES: MetricInfo = MetricInfo {
    name: crate::trace::RETRIES_METRIC,
    unit: MetricUnit::Count,
    what: "a checkout attempt sent again (a resend, or a new attempt after a conflict or an abort)",
    label: "retries",
};

/// A cluster of exactly `nodes` servers (most protocols).
pub fn nodes_only(s: &Scenario) -> u16 {
    s.nodes
}

/// An option that applies in every scenario of its protocol ([`OptionInfo::applies`]).
pub fn always(_: &Scenario) -> bool {
    true
}

/// A replaced machine never votes again ([`ProtocolInfo::replacement_rejoins`]).
pub fn never_rejoins(_: &Scenario) -> bool {
    false
}

/// No node can be replaced: its data lives only on its disk ([`ProtocolInfo::replaceable`]).
pub fn never_replaceable(_: &Scenario, _: NodeId) -> bool {
    false
}

/// Every server of the scenario must be up (a single coordinator or database, a lock service).
pub fn every_server(_: &Scenario, servers: u16) -> Vec<QuorumGroup> {
    vec![QuorumGroup::all(0, servers)]
}

/// What a protocol declares in English about itself, in a reader's language: English from the module, other
/// languages from the catalogue (`protocols.ftl`) under the key [`super::info_texts`] derives.
impl ProtocolInfo {
    pub(crate) fn title_key(&self) -> String {
        info_key(&["title", self.kind.name()])
    }
    pub(crate) fn variant_key(&self, v: &VariantInfo) -> String {
        info_key(&["variant", self.kind.name(), v.name])
    }
    pub(crate) fn metric_key(&self, m: &MetricInfo, part: &str) -> String {
        info_key(&["metric", self.kind.name(), m.name, part])
    }
    pub(crate) fn option_key(&self, o: &OptionInfo, part: &str) -> String {
        info_key(&["option", self.kind.name(), o.name, part])
    }

    /// Its title ("two-phase commit", "两阶段提交").
    pub fn title_in(&self, lang: &Language) -> String {
        lang.text_or(&self.title_key(), self.title)
    }

    /// Variant `v`'s one-line explanation (`v` one of [`ProtocolInfo::variants`]).
    pub fn variant_in(&self, v: &VariantInfo, lang: &Language) -> String {
        lang.text_or(&self.variant_key(v), v.explain)
    }

    /// The explanation of the variant called `name`; empty for a name it does not have.
    pub fn variant_named_in(&self, name: &str, lang: &Language) -> String {
        self.variants.iter().find(|v| v.name == name).map(|v| self.variant_in(v, lang)).unwrap_or_default()
    }

    /// What metric `m` measures, in a sentence (`m` one of [`ProtocolInfo::metrics`]).
    pub fn metric_what_in(&self, m: &MetricInfo, lang: &Language) -> String {
        lang.text_or(&self.metric_key(m, "what"), m.what)
    }

    /// Metric `m`'s chart legend, a word or two.
    pub fn metric_label_in(&self, m: &MetricInfo, lang: &Language) -> String {
        lang.text_or(&self.metric_key(m, "label"), m.label)
    }

    /// Option `o`'s control label (`o` one of [`ProtocolInfo::options`]).
    pub fn option_label_in(&self, o: &OptionInfo, lang: &Language) -> String {
        lang.text_or(&self.option_key(o, "label"), o.label)
    }

    /// What option `o` changes, in a sentence (the control's tooltip).
    pub fn option_help_in(&self, o: &OptionInfo, lang: &Language) -> String {
        lang.text_or(&self.option_key(o, "help"), o.help)
    }

    /// The name of value `v` of a drop-down option `o` as `lang` shows it: the value itself in English (it is also
    /// what a scenario and `--option` take), a translation in other languages (`info.option.pessimistic.deadlock.
    /// value.wound_wait`).
    pub fn option_value_in(&self, o: &OptionInfo, v: &str, lang: &Language) -> String {
        lang.text_or(&self.option_key(o, &format!("value.{v}")), v)
    }
}

impl InvariantInfo {
    pub(crate) fn rule_key(&self) -> String {
        info_key(&["invariant", self.name])
    }

    /// The rule in words, in `lang`: English from the module, other languages from `info.invariant.<name>`.
    pub fn rule_in(&self, lang: &Language) -> String {
        lang.text_or(&self.rule_key(), self.rule)
    }
}
