//! A run's client history in the shapes outside checkers read.
//!
//! - **Porcupine** (Go, github.com/anishathalye/porcupine): a JSON array of its `Operation` struct,
//!   `{"ClientId", "Input", "Call", "Output", "Return"}`, times in µs of simulated time. `Input` is the checkout
//!   (`request_id`, `customer`, `lines` of `{item, qty}`); `Output` is the answer as
//!   `{"result": "confirmed", "total_cents"}`, `"out_of_stock"` with `item`, `"insufficient_funds"` with
//!   `total_cents`, `"aborted"` with `reason` (nothing happened), or `"unknown"` (never answered, or given up: a
//!   model should let it take its effect or none); an unknown operation returns one µs after the run's end.
//! - **Jepsen** (Knossos, Elle): EDN, one map per line, an `:invoke` and a completion per operation in time order,
//!   `:index` counting lines, `:f :checkout`, `:time` in nanoseconds. `:process` is one id per checkout (its place
//!   in submission order): Jepsen's processes run one operation at a time and a process whose operation ended in
//!   `:info` never runs another, while a shopper here keeps several checkouts open at once and goes on after giving
//!   one up; the shopper's node is `:shopper`. A definite
//!   answer (confirmed, out of stock, insufficient funds) is `:ok` with `:result` in its `:value`; an abort is
//!   `:fail` with `:error`; an unknown one is `:info` (at its give-up time, or at the run's end).
//!
//! - **Reads** (a stock look-up): Porcupine's `Input` is `{"request_id", "read": item}` and its `Output`
//!   `{"result": "stock", "units"}` (or `"unknown"`: never answered, and a read changes nothing); Jepsen's `:f` is
//!   `:read` with `:value {:request, :item}` and `:units` on an `:ok` completion (`:info` when never answered).
//!
//! The starting catalogue (stock per item, prices, wallets) comes first: Porcupine's file is
//! `{"start": ..., "operations": [...]}`, and Jepsen's first line (`:index 0`, `:time 0`) is a `:catalogue` map
//! with `:process :nemesis` (not a client operation: a checker reading them skips it).

use super::history::{History, Op, OpResult};
use crate::domain::{AbortReason, Outcome};
use serde_json::{json, Value};
use std::fmt::Write;

fn input(op: &Op) -> Value {
    if let Some(item) = op.read {
        return json!({"request_id": op.request_id, "read": item});
    }
    json!({
        "request_id": op.request_id,
        "customer": op.customer,
        "lines": op.lines.iter().map(|l| json!({"item": l.item, "qty": l.qty})).collect::<Vec<_>>(),
    })
}

fn reason_name(r: AbortReason) -> &'static str {
    match r {
        AbortReason::GaveUp => "gave_up",
        AbortReason::VoteTimeout => "vote_timeout",
        AbortReason::Contention => "contention",
        AbortReason::Busy => "busy",
    }
}

fn output(op: &Op) -> Value {
    if op.is_read() {
        return match op.result {
            OpResult::Stock { units, .. } => json!({"result": "stock", "units": units}),
            _ => json!({"result": "unknown"}),
        };
    }
    match op.answer {
        Some(Outcome::Confirmed { total_cents, .. }) => json!({"result": "confirmed", "total_cents": total_cents}),
        Some(Outcome::OutOfStock { item }) => json!({"result": "out_of_stock", "item": item}),
        Some(Outcome::InsufficientFunds { total_cents }) => {
            json!({"result": "insufficient_funds", "total_cents": total_cents})
        }
        Some(Outcome::Aborted { reason: AbortReason::GaveUp }) | None => json!({"result": "unknown"}),
        Some(Outcome::Aborted { reason }) => json!({"result": "aborted", "reason": reason_name(reason)}),
    }
}

/// The history as Porcupine's JSON (see the module's doc).
pub fn porcupine_json(h: &History) -> String {
    let ops: Vec<Value> = h
        .ops
        .iter()
        .map(|op| {
            let unknown = op.return_us.is_none();
            json!({
                "ClientId": op.shopper,
                "Input": input(op),
                "Call": op.call_us,
                "Output": output(op),
                "Return": if unknown { h.end_us + 1 } else { op.answered_us.unwrap_or(h.end_us + 1) },
            })
        })
        .collect();
    let start = json!({"stock": h.start.stock, "prices_cents": h.prices_cents, "wallets_cents": h.start.wallets});
    let mut text = serde_json::to_string(&json!({"start": start, "operations": ops})).unwrap_or_default();
    text.push('\n');
    text
}

fn edn_lines(op: &Op) -> String {
    let mut s = String::from("[");
    for (i, l) in op.lines.iter().enumerate() {
        let _ = write!(s, "{}[{} {}]", if i == 0 { "" } else { " " }, l.item, l.qty);
    }
    s.push(']');
    s
}

/// The completion of an operation: its type, the fields its value gains, and its error.
fn edn_completion(op: &Op) -> (&'static str, String, String) {
    if op.is_read() {
        return match op.result {
            OpResult::Stock { units, .. } => ("ok", format!(" :units {units}"), String::new()),
            _ => ("info", String::new(), String::new()),
        };
    }
    match op.answer {
        Some(Outcome::Confirmed { total_cents, .. }) => {
            ("ok", format!(" :result :confirmed :total-cents {total_cents}"), String::new())
        }
        Some(Outcome::OutOfStock { item }) => ("ok", format!(" :result :out-of-stock :item {item}"), String::new()),
        Some(Outcome::InsufficientFunds { total_cents }) => {
            ("ok", format!(" :result :insufficient-funds :total-cents {total_cents}"), String::new())
        }
        Some(Outcome::Aborted { reason: AbortReason::GaveUp }) | None => ("info", String::new(), String::new()),
        Some(Outcome::Aborted { reason }) => {
            ("fail", String::new(), format!(", :error :{}", reason_name(reason).replace('_', "-")))
        }
    }
}

/// The history as Jepsen's EDN (see the module's doc).
pub fn jepsen_edn(h: &History) -> String {
    let mut entries: Vec<(u64, u8, usize)> = Vec::with_capacity(h.ops.len() * 2);
    for (i, op) in h.ops.iter().enumerate() {
        entries.push((op.call_us, 0, i));
        entries.push((op.answered_us.unwrap_or(h.end_us), 1, i));
    }
    entries.sort_unstable();
    let mut out = format!(
        "{{:index 0, :time 0, :process :nemesis, :type :info, :f :catalogue, :value {{:stock {:?}, :prices-cents {:?}, :wallets-cents {:?}}}}}\n",
        h.start.stock, h.prices_cents, h.start.wallets
    )
    .replace(',', "");
    for (index, (t_us, kind, i)) in (1..).zip(entries) {
        let op = &h.ops[i];
        let (f, value) = match op.read {
            Some(item) => ("read", format!("{{:request {}, :item {item}", op.request_id)),
            None => (
                "checkout",
                format!("{{:request {}, :customer {}, :lines {}", op.request_id, op.customer, edn_lines(op)),
            ),
        };
        let (ty, extra, error) = if kind == 0 { ("invoke", String::new(), String::new()) } else { edn_completion(op) };
        let _ = writeln!(
            out,
            "{{:index {index}, :time {}, :type :{ty}, :process {i}, :shopper {}, :f :{f}, :value {value}{extra}}}{error}}}",
            t_us * 1000,
            op.shopper
        );
    }
    out
}
