//! The client history: each checkout from its submission to its answer, built from a run's trace.

use crate::domain::{AbortReason, Catalogue, Outcome, RequestId};
use crate::narration::Note;
use crate::note;
use crate::scenario::{Line, NodeId, Scenario};
use crate::trace::{Ev, TraceEvent};
use crate::vecmap::VecMap;
use serde::Serialize;

/// The shop's state in the model: units on hand per item, cents per customer's wallet.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct ShopState {
    pub stock: Vec<i64>,
    pub wallets: Vec<i64>,
}

impl ShopState {
    pub fn start(cat: &Catalogue) -> ShopState {
        ShopState {
            stock: vec![i64::from(cat.initial_stock); cat.items.len()],
            wallets: vec![cat.wallet_cents as i64; usize::from(cat.customers)],
        }
    }
}

/// What a search's [`crate::sweep::Found`] names when a history is not linearizable.
pub const EXPECT: &str = "linearizability";

/// A checkout's answer as the model reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum OpResult {
    Confirmed {
        total_cents: u64,
    },
    OutOfStock {
        item: u16,
    },
    InsufficientFunds {
        total_cents: u64,
    },
    /// A read's answer: `units` of `item` were left.
    Stock {
        item: u16,
        units: u32,
    },
    /// Answered that nothing happened (aborted, busy), or a read never answered (a read changes nothing): left
    /// out of the search.
    Failed,
    /// Never answered, or given up: it may have taken effect after its submission, or never. (With a return time,
    /// as a witness relaxes a confirmed checkout: it may have taken effect within its interval, or never.)
    Unknown,
}

impl OpResult {
    fn of(outcome: Option<&Outcome>) -> OpResult {
        match outcome {
            Some(Outcome::Confirmed { total_cents, .. }) => OpResult::Confirmed { total_cents: *total_cents },
            Some(Outcome::OutOfStock { item }) => OpResult::OutOfStock { item: *item },
            Some(Outcome::InsufficientFunds { total_cents }) => {
                OpResult::InsufficientFunds { total_cents: *total_cents }
            }
            Some(Outcome::Aborted { reason: AbortReason::GaveUp }) | None => OpResult::Unknown,
            Some(Outcome::Aborted { .. }) => OpResult::Failed,
        }
    }
}

/// One client operation: a checkout, or a read of one item's stock, from its submission to its answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Op {
    pub request_id: RequestId,
    /// A read of this item's stock (then `lines` is empty and `customer` means nothing); `None`: a checkout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read: Option<u16>,
    /// The shopper's node (Jepsen's process, Porcupine's client id).
    pub shopper: NodeId,
    pub customer: u16,
    pub lines: Vec<Line>,
    /// Submission, µs of simulated time.
    pub call_us: u64,
    /// When the shopper heard its answer, if it did.
    pub answered_us: Option<u64>,
    /// What it heard.
    pub answer: Option<Outcome>,
    /// The answer as the model reads it.
    pub result: OpResult,
    /// The end of its interval for the search: the answer's time, or none (an unknown result).
    pub return_us: Option<u64>,
}

impl Op {
    pub(crate) fn new(request_id: RequestId, shopper: NodeId, customer: u16, lines: Vec<Line>, call_us: u64) -> Op {
        Op {
            request_id,
            read: None,
            shopper,
            customer,
            lines,
            call_us,
            answered_us: None,
            answer: None,
            result: OpResult::Unknown,
            return_us: None,
        }
    }

    /// A read of `item` submitted at `call_us`, not yet answered (left out unless it is).
    pub(crate) fn read(request_id: RequestId, shopper: NodeId, item: u16, call_us: u64) -> Op {
        Op { read: Some(item), result: OpResult::Failed, ..Op::new(request_id, shopper, 0, Vec::new(), call_us) }
    }

    /// A read's answer: `units` left.
    pub(crate) fn read_answered(&mut self, units: u32, at_us: u64) {
        if let Some(item) = self.read {
            self.answered_us = Some(at_us);
            self.result = OpResult::Stock { item, units };
            self.return_us = Some(at_us);
        }
    }

    /// Whether it is a read (a checkout otherwise).
    pub fn is_read(&self) -> bool {
        self.read.is_some()
    }

    pub(crate) fn answered(&mut self, outcome: Outcome, at_us: u64) {
        self.answered_us = Some(at_us);
        self.answer = Some(outcome);
        self.result = OpResult::of(Some(&outcome));
        self.return_us = (self.result != OpResult::Unknown).then_some(at_us);
    }

    /// The operation as one line of a witness: "#12 (shopper s1, 1.200-1.250 s): out of stock: mug".
    pub fn note(&self, shopper_name: &str) -> Note {
        let from = format!("{:.3}", self.call_us as f64 / 1e6);
        if let (OpResult::Stock { item, units }, Some(t)) = (self.result, self.answered_us) {
            let to = format!("{:.3}", t as f64 / 1e6);
            return note!(
                "linearizability.read_op",
                id = self.request_id,
                shopper = shopper_name.to_string(),
                from,
                to,
                item,
                units
            );
        }
        let answer = self.answer.map_or_else(|| note!("linearizability.no_answer"), |o| o.note());
        match self.answered_us {
            Some(t) => note!(
                "linearizability.op",
                id = self.request_id,
                shopper = shopper_name.to_string(),
                from,
                to = format!("{:.3}", t as f64 / 1e6),
                answer
            ),
            None => {
                note!("linearizability.op_open", id = self.request_id, shopper = shopper_name.to_string(), from, answer)
            }
        }
    }
}

/// A run's client history: the shop it started from and every checkout, in submission order.
#[derive(Clone, Debug, Serialize)]
pub struct History {
    pub start: ShopState,
    pub prices_cents: Vec<u64>,
    pub ops: Vec<Op>,
    /// When the run ended (µs): unanswered operations were still open then.
    pub end_us: u64,
}

/// Builds a [`History`] from a trace fed in pieces, in time order (the engine's stream, the page's loader).
#[derive(Clone, Debug)]
pub struct HistoryRecorder {
    start: ShopState,
    prices_cents: Vec<u64>,
    ops: Vec<Op>,
    by_request: VecMap<RequestId, usize>,
}

impl HistoryRecorder {
    pub fn new(scenario: &Scenario) -> HistoryRecorder {
        let cat = Catalogue::new(&scenario.workload);
        HistoryRecorder {
            start: ShopState::start(&cat),
            prices_cents: cat.items.iter().map(|i| i.price_cents).collect(),
            ops: Vec::new(),
            by_request: VecMap::new(),
        }
    }

    /// Takes the submissions and answers among `events`; a request's first answer is the one its shopper heard.
    pub fn feed(&mut self, events: &[TraceEvent]) {
        for e in events {
            match &e.ev {
                Ev::Submit { node, request_id, customer, lines } => {
                    self.by_request.insert(*request_id, self.ops.len());
                    self.ops.push(Op::new(*request_id, *node, *customer, lines.clone(), e.t_us));
                }
                Ev::Read { node, request_id, item } => {
                    self.by_request.insert(*request_id, self.ops.len());
                    self.ops.push(Op::read(*request_id, *node, *item, e.t_us));
                }
                Ev::ReadAnswer { request_id, units, .. } => {
                    if let Some(&i) = self.by_request.get(request_id) {
                        if self.ops[i].answered_us.is_none() {
                            self.ops[i].read_answered(*units, e.t_us);
                        }
                    }
                }
                Ev::Outcome { request_id, outcome, .. } => {
                    if let Some(&i) = self.by_request.get(request_id) {
                        if self.ops[i].answer.is_none() {
                            self.ops[i].answered(*outcome, e.t_us);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    pub fn finish(self, end_us: u64) -> History {
        History { start: self.start, prices_cents: self.prices_cents, ops: self.ops, end_us }
    }
}

/// The history of a whole trace.
pub fn history_of(scenario: &Scenario, trace: &[TraceEvent], end_us: u64) -> History {
    let mut r = HistoryRecorder::new(scenario);
    r.feed(trace);
    r.finish(end_us)
}
