//! The scenario: everything that decides a run. `run(&Scenario)` is a pure function of it.
//!
//! Stored as JSON with a `format_version`, or as a compact URL-safe string (`s1.` + base64url of the minified JSON)
//! for share links. Every decoder returns a [`ScenarioError`] that says what is wrong and where; none panics.

use crate::narration::Note;
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::fmt;

pub(crate) mod decode;

/// Current scenario format. Readers refuse other versions with a clear message.
pub const FORMAT_VERSION: u32 = 1;
/// Prefix of the compact encoding; the digit is the format version.
pub const COMPACT_PREFIX: &str = "s1.";

pub type NodeId = u16;

/// The mechanism that runs the checkout, by the name it is registered under (`raft`, `2pc`, `pessimistic`, …).
///
/// The scenario layer knows no protocol: any short name (at most [`ProtocolKind::MAX_LEN`] bytes of `a-z`, `0-9`
/// and `-`) decodes, and `Scenario::validate` refuses a name the registry (`protocols::REGISTRY`) does not hold,
/// listing those it does. Each protocol module declares its own constant (`protocols::raft::KIND`). Stored inline,
/// so it is `Copy` and can be matched against those constants.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProtocolKind {
    len: u8,
    bytes: [u8; ProtocolKind::MAX_LEN],
}

impl ProtocolKind {
    /// The longest protocol name.
    pub const MAX_LEN: usize = 15;

    /// The kind called `name`. Panics (at compile time, for a constant) if the name is too long or not of
    /// `a-z`, `0-9` and `-`.
    pub const fn new(name: &str) -> ProtocolKind {
        match ProtocolKind::parse_name(name) {
            Some(k) => k,
            None => panic!("a protocol name is 1 to 15 bytes of a-z, 0-9 and -"),
        }
    }

    /// The kind called `name`, if it is a well-formed name (whether a protocol is registered under it is the
    /// registry's business).
    pub const fn parse_name(name: &str) -> Option<ProtocolKind> {
        let b = name.as_bytes();
        if b.is_empty() || b.len() > ProtocolKind::MAX_LEN {
            return None;
        }
        let mut bytes = [0u8; ProtocolKind::MAX_LEN];
        let mut i = 0;
        while i < b.len() {
            if !(b[i].is_ascii_lowercase() || b[i].is_ascii_digit() || b[i] == b'-') {
                return None;
            }
            bytes[i] = b[i];
            i += 1;
        }
        Some(ProtocolKind { len: b.len() as u8, bytes })
    }

    pub fn name(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("?")
    }
}

impl fmt::Debug for ProtocolKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.name())
    }
}

impl fmt::Display for ProtocolKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for ProtocolKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for ProtocolKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        ProtocolKind::parse_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("`{name}` is not a protocol name")))
    }
}

/// Latency, loss and duplication of one link (or the default for all links).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinkSettings {
    pub latency_us_min: u64,
    pub latency_us_max: u64,
    /// Probability that a message is lost, 0..=1.
    pub loss: f64,
    /// Probability that a message is delivered twice, 0..=1.
    pub dup: f64,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings { latency_us_min: 8_000, latency_us_max: 24_000, loss: 0.0, dup: 0.0 }
    }
}

/// A per-link override of the default link settings (directed: `from` → `to`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkOverride {
    pub from: NodeId,
    pub to: NodeId,
    pub settings: LinkSettings,
}

/// The network: default settings for every link, and directed per-link overrides.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Network {
    pub default: LinkSettings,
    pub links: Vec<LinkOverride>,
}

/// The shop and its shoppers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Workload {
    /// New checkouts per simulated second, over all shoppers (Poisson arrivals).
    pub rate_per_s: f64,
    /// Largest number of distinct items in one basket.
    pub basket_max: u8,
    /// Probability that a basket line is the hot item (item 0): the contention knob.
    pub hot_item: f64,
    /// Number of items in the catalogue.
    pub items: u16,
    /// Units of stock per item at the start.
    pub stock: u32,
    /// Number of customers.
    pub customers: u16,
    /// Each customer's wallet at the start, in cents.
    pub wallet_cents: u64,
    /// No new checkouts arrive after this time (ms); 0 means until the end of the run.
    pub stop_ms: u64,
    /// New stock look-ups per simulated second, over all shoppers (Poisson arrivals, until `stop_ms` like
    /// checkouts): a shopper asks how many units of an item are left (the hot item as often as baskets name it).
    /// 0 (the default, left out of the JSON): shoppers only buy.
    #[serde(skip_serializing_if = "is_zero_f64")]
    pub read_rate_per_s: f64,
}

fn is_zero_f64(x: &f64) -> bool {
    *x == 0.0
}

impl Default for Workload {
    fn default() -> Self {
        Workload {
            rate_per_s: 3.0,
            basket_max: 3,
            hot_item: 0.3,
            items: 5,
            stock: 40,
            customers: 6,
            wallet_cents: 100_000,
            stop_ms: 0,
            read_rate_per_s: 0.0,
        }
    }
}

/// Limits on everything, so a run always ends with a reason instead of a hang or an out-of-memory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub max_events: u64,
    pub max_in_flight: u64,
    pub max_trace: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_events: 5_000_000, max_in_flight: 100_000, max_trace: 2_000_000 }
    }
}

/// One line of a basket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    pub item: u16,
    pub qty: u32,
}

/// Something a user (or a fault schedule) does to the run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// The node stops; its volatile state is lost, its persisted state kept.
    Crash { node: NodeId },
    /// A crashed node starts again from its persisted state.
    Restart { node: NodeId },
    /// A process pause (a long garbage collection, a VM migration, `SIGSTOP`): the node is alive but handles
    /// nothing and none of its timers fires; messages and checkouts for it wait, in arrival order. Its state and
    /// its beliefs (a lease it holds, that it leads) stay as they were. A no-op, said in the log, on a node that is
    /// down or already paused.
    Pause { node: NodeId },
    /// A paused node wakes up: it handles what waited for it, in arrival order, and its overdue timers fire at
    /// once, all at the moment it resumes. A no-op on a node that is not paused.
    Resume { node: NodeId },
    /// A slow node: each message it handles costs it `handle_us` of its time, and messages queue behind it (0:
    /// back to normal speed). Its timers that come due while it is busy fire when it is free.
    Slow { node: NodeId, handle_us: u64 },
    /// The node's clock steps by `by_us` (an NTP step; negative: back). Every reading of its clock sees the step
    /// (leases, deadlines, timestamps); timers already set keep their length ([`crate::clock`]).
    ClockJump { node: NodeId, by_us: i64 },
    /// From now on the node's clock runs `ppm` parts per million fast (negative: slow), its timers with it.
    ClockDrift { node: NodeId, ppm: i64 },
    /// From now on an fsync on the node's disk takes `fsync_us` (0: writes are durable at once). A write is durable
    /// once the fsync after it completes; a crash loses what was not; correct protocols send nothing that depends
    /// on a write before it is durable, so a slow fsync delays every acknowledgement.
    DiskLatency { node: NodeId, fsync_us: u64 },
    /// The node's machine is replaced: it crashes if it is up and comes back at once with an empty disk, started
    /// as a replacement (it knows it joins a running cluster). Where the protocol cannot be safe with that (a
    /// 2PC participant, a lock manager, a store, a shopper: their data lives only on that disk) nothing happens
    /// and the log says why; Raft servers and Paxos acceptors come back as replicas that never vote again
    /// ([`crate::engine::Protocol::replacement_disk`]).
    DiskWipe { node: NodeId },
    /// Nodes in different groups cannot reach each other; nodes in no group form one more group together.
    Partition { groups: Vec<Vec<NodeId>> },
    /// One-way cut: messages from `from` to `to` are lost, the other direction still works.
    Cut { from: NodeId, to: NodeId },
    /// Remove every partition and cut.
    Heal,
    /// Drop one message that is in flight, by its id.
    DropMessage { id: u64 },
    /// Deliver one more copy of a message that is in flight, by its id (at the same time as the original).
    DuplicateMessage { id: u64 },
    /// Hold a message that is in flight back: it arrives `by_us` later than it would have.
    DelayMessage { id: u64, by_us: u64 },
    /// Change the default link settings, or one directed link's.
    SetNetwork {
        #[serde(default)]
        link: Option<(NodeId, NodeId)>,
        settings: LinkSettings,
    },
    /// A shopper submits a checkout for a customer.
    Checkout { shopper: NodeId, customer: u16, lines: Vec<Line> },
    /// A shopper looks up how many units of `item` are left (a read: it changes nothing).
    Read { shopper: NodeId, item: u16 },
}

/// Cuts, in `blocked` (`n × n`, `blocked[from * n + to]`), every directed link that a partition into `groups`
/// separates: nodes in different groups cannot reach each other, and nodes named in no group form one more group
/// together ([`Action::Partition`]). Cuts add up: a link already cut stays cut until a heal clears them all. The
/// engine, the liveness verdict and the page's picture all shape the network with this one rule.
pub fn partition_cuts(blocked: &mut [bool], n: usize, groups: &[Vec<NodeId>]) {
    let mut group = vec![groups.len(); n];
    for (g, members) in groups.iter().enumerate() {
        for &m in members {
            if let Some(x) = group.get_mut(usize::from(m)) {
                *x = g;
            }
        }
    }
    for a in 0..n {
        for b in 0..n {
            if group[a] != group[b] {
                blocked[a * n + b] = true;
            }
        }
    }
}

/// An action stamped with the simulated time it happens at.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intervention {
    pub at_us: u64,
    pub action: Action,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub format_version: u32,
    pub protocol: ProtocolKind,
    /// `correct`, or the name of a textbook mistake of the protocol.
    #[serde(default = "default_variant")]
    pub variant: String,
    /// Server nodes (the cluster size). The single database has exactly one. Absent: the protocol's default
    /// cluster ([`crate::protocols::ProtocolInfo::default_nodes`]), which the decoder fills in (serde's derive,
    /// which cannot see the protocol while it reads this field, leaves 0).
    #[serde(default)]
    pub nodes: u16,
    /// Shopper client nodes.
    #[serde(default = "default_shoppers")]
    pub shoppers: u16,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_until_ms")]
    pub until_ms: u64,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub workload: Workload,
    #[serde(default)]
    pub interventions: Vec<Intervention>,
    #[serde(default)]
    pub limits: Limits,
    /// Options of the Paxos protocol (ignored by the others).
    #[serde(default)]
    pub paxos: PaxosOptions,
    /// Options of two-phase commit (ignored by the others).
    #[serde(default)]
    pub twopc: TwoPcOptions,
    /// Options of pessimistic locking (ignored by the others).
    #[serde(default)]
    pub locking: LockingOptions,
    /// Options of Raft (ignored by the others; left out of the JSON when all are defaults).
    #[serde(default, skip_serializing_if = "RaftOptions::is_default")]
    pub raft: RaftOptions,
    /// The options of protocols registered after the three sections above: option name → a JSON boolean, number
    /// or string, as the protocol declares them (`ProtocolInfo::options`, each a control in the page and a
    /// `--option NAME=VALUE` of the CLI). Validation refuses a name the scenario's protocol does not declare.
    #[serde(default, skip_serializing_if = "VecMap::is_empty")]
    pub options: VecMap<String, serde_json::Value>,
}

/// How the lock manager deals with deadlocks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlockStrategy {
    /// Look for cycles in the wait-for graph a moment after someone starts waiting; abort the youngest in a cycle.
    #[default]
    Detect,
    /// An older transaction that would wait for a younger one aborts ("wounds") it instead; younger ones wait.
    WoundWait,
    /// No detection: a lock request that waits too long gives up.
    Timeout,
}

impl DeadlockStrategy {
    pub const ALL: [DeadlockStrategy; 3] =
        [DeadlockStrategy::Detect, DeadlockStrategy::WoundWait, DeadlockStrategy::Timeout];
    pub fn name(self) -> &'static str {
        match self {
            DeadlockStrategy::Detect => "detect",
            DeadlockStrategy::WoundWait => "wound-wait",
            DeadlockStrategy::Timeout => "timeout",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|d| d.name() == s)
    }
}

/// Where pessimistic locking takes its locks from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LockService {
    /// One lock manager with a FIFO queue, leases and fencing tokens.
    #[default]
    Single,
    /// Redlock (the Redis documentation's distributed lock): [`REDLOCK_SERVERS`] independent lock servers, each
    /// `SET row txn NX PX validity`; a lock is held once a majority granted it within its validity, measured on the
    /// shopper's clock. No token is monotonic across servers, so storage cannot fence.
    Redlock,
    /// The lock table replicated by Raft over [`RAFT_LOCK_SERVERS`] servers (as etcd or ZooKeeper keep theirs):
    /// grants, releases and lease expiries are log entries; the fencing token is the grant's log index.
    Raft,
}

/// How many independent lock servers Redlock uses (the Redis documentation's example: 5, a majority of 3).
pub const REDLOCK_SERVERS: u16 = 5;

/// How many servers replicate the Raft lock service (etcd's smallest fault-tolerant cluster: 3, surviving one
/// crash).
pub const RAFT_LOCK_SERVERS: u16 = 3;

impl LockService {
    pub const ALL: [LockService; 3] = [LockService::Single, LockService::Raft, LockService::Redlock];
    pub fn name(self) -> &'static str {
        match self {
            LockService::Single => "single",
            LockService::Raft => "raft",
            LockService::Redlock => "redlock",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|d| d.name() == s)
    }
    fn is_single(&self) -> bool {
        *self == LockService::Single
    }
    /// How many lock servers come before the storage nodes.
    pub fn lock_servers(self) -> u16 {
        match self {
            LockService::Single => 1,
            LockService::Raft => RAFT_LOCK_SERVERS,
            LockService::Redlock => REDLOCK_SERVERS,
        }
    }
}

/// Pessimistic-locking options.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LockingOptions {
    pub deadlock: DeadlockStrategy,
    /// Where the locks come from (`single` is left out of the JSON, so older scenarios read and print the same).
    #[serde(skip_serializing_if = "LockService::is_single")]
    pub service: LockService,
}

/// Two-phase commit options: whether an uncertain participant asks the others (cooperative termination).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TwoPcOptions {
    pub cooperative: bool,
}

/// Paxos options: how many order-service instances propose, and whether one of them keeps a stable leadership
/// (Multi-Paxos: phase 1 once for all later slots, then phase 2 only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PaxosOptions {
    pub proposers: u16,
    pub stable_leader: bool,
}

impl Default for PaxosOptions {
    fn default() -> Self {
        PaxosOptions { proposers: 2, stable_leader: false }
    }
}

/// How a Raft leader answers a read (the Raft thesis, section 6.4).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RaftRead {
    /// ReadIndex (section 6.4): the leader notes its commit index (once an entry of its term is committed), confirms
    /// it still leads with a round of heartbeats a majority acknowledges, and answers once it has applied that
    /// far. etcd's default (`ReadOnlySafe`).
    #[default]
    ReadIndex,
    /// Through the log: the read takes an entry of its own and is answered when that entry is applied.
    Log,
    /// A leader lease (section 6.4.1): while a majority acknowledged a heartbeat round less than an election
    /// timeout ago, shrunk by the drift bound, measured on the leader's own clock, the leader answers at once
    /// (servers that heard a leader within the minimum election timeout ignore vote requests, so no other leader
    /// can be elected meanwhile). Outside its lease it falls back to ReadIndex. Safe only while clocks drift less
    /// than the bound.
    Lease,
    /// The leader answers from its own copy at once: a deposed leader cut off in a minority answers stale data.
    /// The read path of the mistaken variant `stale-read`.
    LeaderLocal,
}

impl RaftRead {
    pub const ALL: [RaftRead; 4] = [RaftRead::ReadIndex, RaftRead::Log, RaftRead::Lease, RaftRead::LeaderLocal];
    pub fn name(self) -> &'static str {
        match self {
            RaftRead::ReadIndex => "read-index",
            RaftRead::Log => "log",
            RaftRead::Lease => "lease",
            RaftRead::LeaderLocal => "leader-local",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|d| d.name() == s)
    }
}

/// Raft options.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RaftOptions {
    /// How the leader answers reads.
    pub read: RaftRead,
    /// The clock drift a lease allows for, in percent: the lease lasts the minimum election timeout times
    /// (1 − bound), on the leader's clock. A leader whose clock runs slower than that outlives its lease.
    pub lease_drift_bound_pct: u16,
    /// Pre-Vote (Raft thesis section 9.6): a server whose election timer runs out first asks the others whether
    /// they would vote for it in the next term, and raises its term only once a majority would. A server cut off
    /// alone then cannot inflate its term and depose a healthy leader when it rejoins. On by default, as etcd ships.
    pub prevote: bool,
    /// CheckQuorum (Raft thesis section 6.2): a leader that has not heard from a majority within an election
    /// timeout steps down, and a follower that heard from its leader within the minimum election timeout ignores
    /// vote requests. Without it a leader cut off from everyone keeps believing it leads, and its clients wait. On
    /// by default, as etcd ships.
    pub check_quorum: bool,
}

impl Default for RaftOptions {
    fn default() -> Self {
        RaftOptions { read: RaftRead::default(), lease_drift_bound_pct: 10, prevote: true, check_quorum: true }
    }
}

impl RaftOptions {
    fn is_default(&self) -> bool {
        *self == RaftOptions::default()
    }
}

fn default_variant() -> String {
    "correct".to_string()
}
fn default_shoppers() -> u16 {
    3
}
fn default_until_ms() -> u64 {
    30_000
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            format_version: FORMAT_VERSION,
            // The single database: the smallest shop, and the first protocol registered.
            protocol: ProtocolKind::new("single"),
            variant: default_variant(),
            // The single database's one server (the default protocol's default cluster).
            nodes: 1,
            shoppers: default_shoppers(),
            seed: 1,
            until_ms: default_until_ms(),
            network: Network::default(),
            workload: Workload::default(),
            interventions: Vec::new(),
            limits: Limits::default(),
            paxos: PaxosOptions::default(),
            twopc: TwoPcOptions::default(),
            locking: LockingOptions::default(),
            raft: RaftOptions::default(),
            options: VecMap::new(),
        }
    }
}

/// What kind of problem a decoder found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Not valid JSON (truncated, a typo).
    Syntax,
    /// A `format_version` this build cannot read.
    Version,
    /// A field of the wrong type, an unknown field, a missing one.
    Field,
    /// A well-formed value outside its allowed range.
    Value,
    /// A share link that is not a scenario.
    Link,
}

/// A decoding or validation error: what is wrong and where.
///
/// The message is a catalogue note (`scenario.error.*` in `i18n/*/ui.ftl`), so the page says it in the reader's
/// language; `Display` (the CLI, logs) renders it in English as `at: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub kind: ErrorKind,
    /// Where: a field path such as `network.default.loss` or `interventions[0].action.node` (the same form for a value the decoder refuses and one validation refuses), or `line 3 column 7`.
    pub at: String,
    /// What is wrong: `scenario.error.range` with the value and its bounds, say.
    pub message: Note,
}

impl ScenarioError {
    pub fn new(kind: ErrorKind, at: impl Into<String>, message: Note) -> Self {
        ScenarioError { kind, at: at.into(), message }
    }

    /// The whole error as one note, the place first: "network.default.loss: 2 is not a probability (0 to 1)".
    pub fn note(&self) -> Note {
        if self.at.is_empty() {
            self.message.clone()
        } else {
            crate::note!("scenario.error.at", at = self.at.clone(), problem = self.message.clone())
        }
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::render(&self.note()))
    }
}

impl std::error::Error for ScenarioError {}

/// Indents compact JSON (no whitespace outside strings, as serde_json writes it) the way serde_json's pretty printer
/// does: two spaces a level, `": "` after keys, empty objects and lists kept as `{}` and `[]`.
pub fn indent_json(compact: &str) -> String {
    let b = compact.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() * 2);
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * depth));
    };
    let (mut in_text, mut escaped) = (false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        if in_text {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_text = false;
            }
            continue;
        }
        match c {
            b'"' => {
                in_text = true;
                out.push(c);
            }
            b'{' | b'[' if matches!(b.get(i), Some(b'}' | b']')) => {
                out.extend_from_slice(&[c, b[i]]);
                i += 1;
            }
            b'{' | b'[' => {
                out.push(c);
                depth += 1;
                newline(&mut out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(c),
        }
    }
    // Only ASCII was added, between whole UTF-8 sequences.
    String::from_utf8(out).unwrap_or_else(|_| unreachable!("indenting keeps UTF-8"))
}

/// Hard bounds on settings: beyond them a run would not fit a browser tab or would mean nothing.
pub mod bounds {
    pub const SHOPPERS_MAX: u16 = 32;
    pub const UNTIL_MS_MAX: u64 = 3_600_000;
    pub const LATENCY_US_MAX: u64 = 10_000_000;
    pub const RATE_PER_S_MAX: f64 = 1_000.0;
    pub const ITEMS_MAX: u16 = 26;
    pub const STOCK_MAX: u32 = 1_000_000;
    pub const CUSTOMERS_MAX: u16 = 64;
    pub const WALLET_CENTS_MAX: u64 = 1_000_000_000_000;
    pub const BASKET_MAX: u8 = 10;
    pub const QTY_MAX: u32 = 1_000;
    pub const INTERVENTIONS_MAX: usize = 10_000;
    pub const MAX_EVENTS_MAX: u64 = 50_000_000;
    pub const MAX_IN_FLIGHT_MAX: u64 = 1_000_000;
    pub const MAX_TRACE_MAX: u64 = 100_000_000;
}

impl Scenario {
    /// The slowest one-way latency any link starts with: protocols size their timeouts from it.
    pub fn worst_latency_us(&self) -> u64 {
        self.network.links.iter().map(|l| l.settings.latency_us_max).fold(self.network.default.latency_us_max, u64::max)
    }

    pub fn to_json(&self) -> String {
        // Not `expect`: that would print serde_json's error with `Debug` (see `from_json`).
        serde_json::to_string(self).unwrap_or_else(|_| unreachable!("a scenario always serialises"))
    }

    /// The JSON indented as `serde_json::to_string_pretty` writes it, by re-indenting [`Scenario::to_json`]:
    /// serde's pretty printer is a second copy of every `Serialize` impl, 2.5 KB of the page's gzipped bundle.
    pub fn to_json_pretty(&self) -> String {
        indent_json(&self.to_json())
    }

    /// The compact, URL-safe form used in share links: `s1.` + base64url(minified JSON).
    pub fn to_compact(&self) -> String {
        format!("{COMPACT_PREFIX}{}", base64url_encode(self.to_json().as_bytes()))
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

pub fn base64url_encode(data: &[u8]) -> String {
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// Decodes unpadded base64url; on error gives the position and the offending character.
pub fn base64url_decode(text: &str) -> Result<Vec<u8>, (usize, char)> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for (i, c) in text.char_indices() {
        let v = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '-' => 62,
            '_' => 63,
            '=' => continue,
            _ => return Err((i, c)),
        };
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}
