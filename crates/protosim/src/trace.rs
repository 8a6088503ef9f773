//! The trace of a run: every event the UI plays back and the CLI prints, plus the run's metrics.

use crate::domain::{Outcome, RequestId};
use crate::invariants::Violation;
use crate::narration::Note;
use crate::scenario::{Line, LinkSettings, NodeId};
use crate::view::NodeDetail;
use serde::Serialize;

/// Why a message did not arrive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// The network lost it (the link's loss probability).
    Loss,
    /// A partition or one-way cut separates sender and receiver.
    Partition,
    /// A user dropped it in flight.
    User,
    /// The receiver was down when it arrived.
    ReceiverDown,
}

/// Why a run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum StopReason {
    /// Simulated time reached the scenario's `until_ms`.
    EndOfTime,
    /// A limit of the scenario was reached; the run stops there.
    Limit { what: &'static str, value: u64 },
}

impl StopReason {
    pub fn describe(&self) -> String {
        match self {
            StopReason::EndOfTime => "reached the end of the scenario's time".to_string(),
            StopReason::Limit { what, value } => {
                format!("stopped early: the limit {what} = {value} was reached")
            }
        }
    }
}

/// One entry of the trace.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "ev", rename_all = "snake_case")]
pub enum Ev {
    Send {
        id: u64,
        from: NodeId,
        to: NodeId,
        label: &'static str,
        /// A count shown beside the label (entries in an AppendEntries), when the message has one.
        #[serde(skip_serializing_if = "Option::is_none")]
        n: Option<u32>,
        /// Request, reply or refusal, as the protocol declares it ([`crate::engine::Message::kind`]): the page
        /// draws replies as squares and flashes the receiver of a refusal. Left out of the JSON for a request.
        #[serde(skip_serializing_if = "MsgKind::is_request")]
        kind: MsgKind,
        /// What it carries, as narration (left out when the run is not narrated).
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<Note>,
        deliver_us: u64,
    },
    Deliver {
        id: u64,
        from: NodeId,
        to: NodeId,
    },
    Drop {
        id: u64,
        from: NodeId,
        to: NodeId,
        reason: DropReason,
    },
    Duplicate {
        id: u64,
        copy: u64,
        deliver_us: u64,
        /// The user asked for the copy ("Deliver it twice"), not the network's duplication rate. Left out of the
        /// JSON when false, so traces without user duplicates keep their bytes and hashes.
        #[serde(skip_serializing_if = "is_false")]
        by_user: bool,
    },
    /// A user held a message back: it now arrives at `deliver_us`.
    Delay {
        id: u64,
        deliver_us: u64,
    },
    Timer {
        node: NodeId,
        name: &'static str,
    },
    Crash {
        node: NodeId,
    },
    Restart {
        node: NodeId,
    },
    /// The node froze ([`crate::scenario::Action::Pause`]).
    Pause {
        node: NodeId,
    },
    /// The node woke up with `backlog` deliveries, timers and checkouts waiting, handled from now on in arrival order.
    Resume {
        node: NodeId,
        backlog: u32,
    },
    /// Each message the node handles now costs it `handle_us` ([`crate::scenario::Action::Slow`]; 0: normal).
    Slow {
        node: NodeId,
        handle_us: u64,
    },
    /// The node's machine was replaced: it comes back with an empty disk ([`crate::scenario::Action::DiskWipe`];
    /// a crash before it and a restart after it are their own events).
    Wipe {
        node: NodeId,
    },
    /// An fsync on the node's disk now takes `fsync_us` ([`crate::scenario::Action::DiskLatency`]).
    Disk {
        node: NodeId,
        fsync_us: u64,
    },
    /// The node's fsync completed: its writes until then are durable, and `released` messages and answers that
    /// waited for them leave now.
    Synced {
        node: NodeId,
        released: u32,
    },
    /// The node's clock changed (a jump or a new drift): from now it reads true time + `offset_us` and runs
    /// `drift_ppm` fast ([`crate::clock::Clock::from_offset`]).
    Clock {
        node: NodeId,
        offset_us: i64,
        drift_ppm: i64,
    },
    Partition {
        groups: Vec<Vec<NodeId>>,
    },
    Cut {
        from: NodeId,
        to: NodeId,
    },
    Heal,
    Network {
        link: Option<(NodeId, NodeId)>,
        settings: LinkSettings,
    },
    Submit {
        node: NodeId,
        request_id: RequestId,
        customer: u16,
        lines: Vec<Line>,
    },
    Outcome {
        node: NodeId,
        request_id: RequestId,
        outcome: Outcome,
        latency_us: u64,
    },
    /// A shopper asks how many units of `item` are left (a read: it changes nothing).
    Read {
        node: NodeId,
        request_id: RequestId,
        item: u16,
    },
    /// What the shopper was told: `units` left (the first answer; a retry's later answer is not recorded).
    ReadAnswer {
        node: NodeId,
        request_id: RequestId,
        item: u16,
        units: u32,
        latency_us: u64,
    },
    State {
        node: NodeId,
        summary: Note,
        /// The node's state laid out for drawing, for protocols that give one.
        #[serde(skip_serializing_if = "Option::is_none")]
        detail: Option<NodeDetail>,
    },
    /// What a node says about its step, as a typed record rendered by [`crate::i18n`].
    Note {
        node: NodeId,
        note: Note,
    },
    /// The engine's own narration: an intervention that did nothing (a message no longer in flight, a crash of a
    /// node that is down, a restart of one that is up) and why. Belongs to no node.
    Engine {
        note: Note,
    },
    Violation {
        violation: Violation,
    },
    Stop {
        stop: StopReason,
    },
}

/// What a message is to its receiver: a request, an answer, or an answer that refuses (a conflict, a fenced write,
/// a vote denied). In the trace's JSON: `"reply"` or `"refusal"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MsgKind {
    Request,
    Reply,
    Refusal,
}

impl MsgKind {
    pub fn is_request(&self) -> bool {
        *self == MsgKind::Request
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TraceEvent {
    pub t_us: u64,
    #[serde(flatten)]
    pub ev: Ev,
}

/// Counters of a run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Metrics {
    pub events: u64,
    pub checkouts_submitted: u64,
    pub checkouts_confirmed: u64,
    pub checkouts_rejected: u64,
    pub checkouts_aborted: u64,
    /// Stock look-ups submitted and answered (reads are not checkouts: none of the counts above includes them).
    #[serde(skip_serializing_if = "is_zero")]
    pub reads_submitted: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub reads_answered: u64,
    /// Submission to answer, for every answered checkout, in answer order.
    pub latencies_us: Vec<u64>,
    pub messages_sent: u64,
    pub messages_delivered: u64,
    pub messages_duplicated: u64,
    pub dropped_loss: u64,
    pub dropped_partition: u64,
    pub dropped_user: u64,
    /// Copies the user asked for ("Deliver it twice"); also counted in `messages_duplicated`.
    pub duplicated_user: u64,
    pub dropped_receiver_down: u64,
    pub timers_fired: u64,
    pub crashes: u64,
    /// Process pauses ([`crate::scenario::Action::Pause`]) that took effect (left out of the JSON when none, so
    /// reports of runs without pauses keep their bytes).
    #[serde(skip_serializing_if = "is_zero")]
    pub pauses: u64,
    /// Protocol-specific measurements, e.g. how long each 2PC transaction kept a participant blocked (µs).
    pub samples: crate::vecmap::VecMap<&'static str, Vec<u64>>,
    /// When each of `samples` was taken (µs), in the same order: the charts plot them over time.
    #[serde(skip)]
    pub sample_times: crate::vecmap::VecMap<&'static str, Vec<u64>>,
}

/// A count metric every protocol records once per retried checkout attempt (a resend, or a new attempt after a
/// conflict or an abort); charted over time.
pub const RETRIES_METRIC: &str = "retries";

impl Metrics {
    pub fn messages_dropped(&self) -> u64 {
        self.dropped_loss + self.dropped_partition + self.dropped_user + self.dropped_receiver_down
    }
}

/// The `p`-th percentile (0..=100) by nearest rank, or 0 for no data.
pub fn percentile(sorted: &[u64], p: u32) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    sorted[(rank - 1) as usize]
}

/// FNV-1a, 64 bit: small, fast and the same on every platform.
#[derive(Clone, Copy, Debug)]
pub struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl std::io::Write for Fnv {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Fnv::write(self, bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The trace hash taken one event at a time, for a trace that is consumed as it is made (the page keeps no whole
/// trace): the same value as [`trace_hash`] over the same events.
#[derive(Clone, Debug, Default)]
pub struct TraceHasher {
    fnv: Fnv,
    buf: Vec<u8>,
    events: usize,
}

impl TraceHasher {
    /// Hashes one more event; returns its JSON (the line hashed, without its newline), for a writer that wants it.
    pub fn push(&mut self, e: &TraceEvent) -> &str {
        self.buf.clear();
        if serde_json::to_writer(&mut self.buf, e).is_err() {
            unreachable!("trace events always serialise");
        }
        self.buf.push(b'\n');
        self.fnv.write(&self.buf);
        self.events += 1;
        std::str::from_utf8(&self.buf[..self.buf.len() - 1]).unwrap_or_else(|_| unreachable!("serde_json writes UTF-8"))
    }

    /// Hashes one more event like [`TraceHasher::push`], writing its JSON straight into the hash instead of a
    /// buffer (for a consumer that does not want the line: the page's model builder).
    pub fn push_hash_only(&mut self, e: &TraceEvent) {
        if serde_json::to_writer(&mut self.fnv, e).is_err() {
            unreachable!("trace events always serialise");
        }
        self.fnv.write(b"\n");
        self.events += 1;
    }

    /// How many events were hashed.
    pub fn events(&self) -> usize {
        self.events
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.fnv.0)
    }
}

/// The trace hash: FNV-1a over the JSON lines of every event, so it covers everything a trace says.
pub fn trace_hash(events: &[TraceEvent]) -> String {
    let mut h = TraceHasher::default();
    for e in events {
        h.push(e);
    }
    h.hex()
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

fn is_false(b: &bool) -> bool {
    !*b
}
