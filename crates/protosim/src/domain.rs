//! The checkout domain every protocol shares: a catalogue with stock, customers with wallets, orders.
//!
//! Protocols replicate or coordinate a [`Shop`]; they never re-implement its rules. The shop also carries an
//! [`Audit`] that recomputes the business invariants from the orders, independently of the bookkeeping done by the
//! operations, so a protocol bug that takes stock twice, charges twice or writes over a concurrent update is caught.

use crate::invariants::Violation;
use crate::narration::{Arg, Note};
use crate::note;
use crate::scenario::{Line, NodeId, Workload};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

pub type RequestId = u64;
pub type OrderId = u32;

const ITEM_NAMES: [&str; 26] = [
    "mug", "tee", "cap", "book", "lamp", "sock", "pen", "bag", "kite", "vase", "soap", "tape", "fork", "jar", "rug",
    "bell", "cup", "dice", "fan", "glue", "hook", "ink", "key", "lens", "map", "nut",
];
const PRICES_CENTS: [u64; 8] = [1_200, 2_500, 900, 1_800, 4_500, 700, 300, 3_200];

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    pub name: &'static str,
    pub price_cents: u64,
}

/// The name of item `i` (the same in every catalogue).
pub fn item_name(i: u16) -> &'static str {
    ITEM_NAMES[usize::from(i) % ITEM_NAMES.len()]
}

/// What the shop sells and to whom, fixed for a run.
#[derive(Clone, Debug, Serialize)]
pub struct Catalogue {
    pub items: Vec<Item>,
    pub initial_stock: u32,
    pub customers: u16,
    pub wallet_cents: u64,
}

impl Catalogue {
    pub fn new(w: &Workload) -> Self {
        let items = (0..usize::from(w.items))
            .map(|i| Item { name: ITEM_NAMES[i % ITEM_NAMES.len()], price_cents: PRICES_CENTS[i % PRICES_CENTS.len()] })
            .collect();
        Catalogue { items, initial_stock: w.stock, customers: w.customers, wallet_cents: w.wallet_cents }
    }

    pub fn total_cents(&self, lines: &[Line]) -> u64 {
        lines.iter().map(|l| self.items.get(usize::from(l.item)).map_or(0, |i| i.price_cents) * u64::from(l.qty)).sum()
    }

    pub fn basket_text(&self, lines: &[Line]) -> String {
        let parts: Vec<String> = lines
            .iter()
            .map(|l| {
                let name = self.items.get(usize::from(l.item)).map_or("?", |i| i.name);
                if l.qty == 1 {
                    name.to_string()
                } else {
                    format!("{}×{name}", l.qty)
                }
            })
            .collect();
        parts.join("+")
    }
}

/// A shopper's checkout: one customer, one basket, one idempotency key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutRequest {
    pub request_id: RequestId,
    pub customer: u16,
    pub lines: Vec<Line>,
}

/// Why a checkout did not complete although the shop was reachable enough to decide or give up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbortReason {
    /// The shopper retried until its limit and got no answer.
    GaveUp,
    /// The coordinator did not hear every vote in time and aborted the transaction.
    VoteTimeout,
    /// Every attempt lost to a concurrent checkout (a conflict, a deadlock, a revoked lock) up to the retry limit.
    Contention,
    /// Stock or money the checkout needs is held by another checkout still in progress (two-phase commit's
    /// prepared reservations): "busy, try again". Saying "out of stock" here would be a lie if the other checkout
    /// aborts; no order of the sales explains it (the linearizability checker catches exactly that).
    Busy,
}

/// How a checkout ended, as the shopper is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Confirmed { order: OrderId, total_cents: u64 },
    OutOfStock { item: u16 },
    InsufficientFunds { total_cents: u64 },
    Aborted { reason: AbortReason },
}

impl Outcome {
    pub fn is_confirmed(&self) -> bool {
        matches!(self, Outcome::Confirmed { .. })
    }
    pub fn is_rejected(&self) -> bool {
        matches!(self, Outcome::OutOfStock { .. } | Outcome::InsufficientFunds { .. })
    }
    /// The outcome as a phrase of narration ("confirmed as order 3 ($12.00)"), typed (see [`crate::narration`]).
    pub fn note(&self) -> Note {
        match *self {
            Outcome::Confirmed { order, total_cents } => {
                note!("outcome.confirmed", order, total = Arg::Cents(total_cents))
            }
            Outcome::OutOfStock { item } => note!("outcome.out_of_stock", item),
            Outcome::InsufficientFunds { total_cents } => {
                note!("outcome.insufficient_funds", total = Arg::Cents(total_cents))
            }
            Outcome::Aborted { reason: AbortReason::GaveUp } => note!("outcome.gave_up"),
            Outcome::Aborted { reason: AbortReason::VoteTimeout } => note!("outcome.vote_timeout"),
            Outcome::Aborted { reason: AbortReason::Contention } => note!("outcome.contention"),
            Outcome::Aborted { reason: AbortReason::Busy } => note!("outcome.busy"),
        }
    }

    /// [`Outcome::note`] in English.
    pub fn short(&self) -> String {
        crate::i18n::render(&self.note())
    }
}

pub fn cents(c: u64) -> String {
    format!("${}.{:02}", c / 100, c % 100)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Confirmed,
    Rejected,
}

impl OrderStatus {
    /// As the trace writes it: `confirmed` or `rejected`.
    /// The status as a word.
    pub fn note(self) -> Note {
        match self {
            OrderStatus::Confirmed => note!("order.confirmed"),
            OrderStatus::Rejected => note!("order.rejected"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Confirmed => "confirmed",
            OrderStatus::Rejected => "rejected",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Order {
    pub request_id: RequestId,
    pub customer: u16,
    pub lines: Vec<Line>,
    pub total_cents: u64,
    pub status: OrderStatus,
    /// The answer the shop gave when it decided this order.
    pub answer: Outcome,
    /// How many times stock was taken for this order (the rules allow 0 or 1).
    pub stock_takes: u8,
    /// How many times payment was captured for this order (the rules allow 0 or 1).
    pub captures: u8,
}

/// One copy of the shop's data: stock, wallets, revenue and orders.
#[derive(Clone, Debug)]
pub struct Shop {
    pub stock: Vec<i64>,
    pub wallets: Vec<i64>,
    pub revenue_cents: i64,
    pub orders: Vec<Order>,
    by_request: VecMap<RequestId, OrderId>,
    initial_stock: i64,
    initial_money: i64,
    /// Orders created or changed since the last audit.
    dirty: Vec<OrderId>,
    audit: Audit,
}

/// The auditor's own totals, built only from order statuses.
#[derive(Clone, Debug, Default)]
struct Audit {
    counted: Vec<Option<OrderStatus>>,
    confirmed_qty: Vec<i64>,
    confirmed_cents: i64,
    confirmed_per_request: VecMap<RequestId, u32>,
    confirmed_orders: usize,
}

pub mod rules {
    use crate::invariants::InvariantInfo;
    pub const NO_OVERSELL: InvariantInfo = InvariantInfo { name: "no-oversell", rule: "stock never goes below zero" };
    pub const MONEY_CONSERVED: InvariantInfo = InvariantInfo {
        name: "money-conserved",
        rule: "customers' wallets plus the shop's revenue always equal the money at the start",
    };
    pub const CONFIRMED_EXACTLY: InvariantInfo = InvariantInfo {
        name: "confirmed-iff-taken-and-paid",
        rule: "an order is confirmed exactly when its stock was taken and its payment captured, once each",
    };
    pub const NO_DOUBLE_CHARGE: InvariantInfo = InvariantInfo {
        name: "no-double-charge",
        rule: "a checkout request is charged at most once, however often it is retried",
    };
    pub const BUSINESS: [InvariantInfo; 4] = [NO_OVERSELL, MONEY_CONSERVED, CONFIRMED_EXACTLY, NO_DOUBLE_CHARGE];
}

impl Shop {
    pub fn new(cat: &Catalogue) -> Self {
        let n_items = cat.items.len();
        let wallet = cat.wallet_cents as i64;
        Shop {
            stock: vec![i64::from(cat.initial_stock); n_items],
            wallets: vec![wallet; usize::from(cat.customers)],
            revenue_cents: 0,
            orders: Vec::new(),
            by_request: VecMap::new(),
            initial_stock: i64::from(cat.initial_stock),
            initial_money: wallet * i64::from(cat.customers),
            dirty: Vec::new(),
            audit: Audit { confirmed_qty: vec![0; n_items], ..Audit::default() },
        }
    }

    /// The order created for a request, if any.
    pub fn order_for(&self, request_id: RequestId) -> Option<(OrderId, &Order)> {
        self.by_request.get(&request_id).map(|&id| (id, &self.orders[id as usize]))
    }

    /// What the shopper was (or would be) told about an order.
    pub fn outcome_of(&self, id: OrderId) -> Outcome {
        self.orders[id as usize].answer
    }

    /// Runs a checkout atomically: check stock and wallet, then take the stock and capture the payment.
    /// With `dedup`, a request seen before gets its first answer again and nothing moves.
    pub fn checkout(&mut self, cat: &Catalogue, req: &CheckoutRequest, dedup: bool) -> Outcome {
        if dedup {
            if let Some(&id) = self.by_request.get(&req.request_id) {
                return self.outcome_of(id);
            }
        }
        let total = cat.total_cents(&req.lines);
        let short_item = req.lines.iter().find(|l| {
            let want: i64 = req.lines.iter().filter(|m| m.item == l.item).map(|m| i64::from(m.qty)).sum();
            self.stock.get(usize::from(l.item)).is_none_or(|&s| s < want)
        });
        let wallet = self.wallets.get(usize::from(req.customer)).copied().unwrap_or(0);
        let outcome = match short_item {
            Some(l) => Outcome::OutOfStock { item: l.item },
            None if wallet < total as i64 => Outcome::InsufficientFunds { total_cents: total },
            None => Outcome::Confirmed { order: self.orders.len() as OrderId, total_cents: total },
        };
        let id = self.orders.len() as OrderId;
        self.orders.push(Order {
            request_id: req.request_id,
            customer: req.customer,
            lines: req.lines.clone(),
            total_cents: total,
            status: OrderStatus::Rejected,
            answer: outcome,
            stock_takes: 0,
            captures: 0,
        });
        self.by_request.entry(req.request_id).or_insert(id);
        if outcome.is_confirmed() {
            self.take_stock(id);
            self.capture(id);
            self.orders[id as usize].status = OrderStatus::Confirmed;
        }
        self.dirty.push(id);
        outcome
    }

    /// Takes the stock of every line of an order.
    pub fn take_stock(&mut self, id: OrderId) {
        let o = &mut self.orders[id as usize];
        o.stock_takes += 1;
        for l in &o.lines {
            if let Some(s) = self.stock.get_mut(usize::from(l.item)) {
                *s -= i64::from(l.qty);
            }
        }
        self.dirty.push(id);
    }

    /// Moves an order's total from the customer's wallet to the shop's revenue.
    pub fn capture(&mut self, id: OrderId) {
        let o = &mut self.orders[id as usize];
        o.captures += 1;
        if let Some(w) = self.wallets.get_mut(usize::from(o.customer)) {
            *w -= o.total_cents as i64;
            self.revenue_cents += o.total_cents as i64;
        }
        self.dirty.push(id);
    }

    /// Confirmed orders, as counted by the last audit (cheap: the UI shows it after every event).
    pub fn confirmed_count(&self) -> usize {
        self.audit.confirmed_orders
    }

    /// Checks the business invariants, counting only the orders changed since the last audit, then the totals
    /// (items and customers, a handful each). Returns the first break of each rule.
    pub fn audit(&mut self, node: NodeId, out: &mut Vec<Violation>) {
        let mut dirty = std::mem::take(&mut self.dirty);
        crate::sort::sort_dedup(&mut dirty);
        let a = &mut self.audit;
        for &id in &dirty {
            let Some(o) = self.orders.get(id as usize) else {
                continue;
            };
            let idx = id as usize;
            if a.counted.len() <= idx {
                a.counted.resize(idx + 1, None);
            }
            if a.counted[idx] == Some(OrderStatus::Confirmed) {
                for l in &o.lines {
                    a.confirmed_qty[usize::from(l.item)] -= i64::from(l.qty);
                }
                a.confirmed_cents -= o.total_cents as i64;
                *a.confirmed_per_request.entry(o.request_id).or_default() -= 1;
                a.confirmed_orders -= 1;
            }
            if o.status == OrderStatus::Confirmed {
                for l in &o.lines {
                    a.confirmed_qty[usize::from(l.item)] += i64::from(l.qty);
                }
                a.confirmed_cents += o.total_cents as i64;
                a.confirmed_orders += 1;
                let n = a.confirmed_per_request.entry(o.request_id).or_default();
                *n += 1;
                if *n > 1 {
                    out.push(Violation::new(
                        &rules::NO_DOUBLE_CHARGE,
                        Some(node),
                        note!("violation.paid_twice", id = o.request_id, n = n.to_string()),
                    ));
                }
            }
            a.counted[idx] = Some(o.status);
            let (want_takes, want_caps) = if o.status == OrderStatus::Confirmed { (1, 1) } else { (0, 0) };
            if o.captures > 1 {
                out.push(Violation::new(
                    &rules::NO_DOUBLE_CHARGE,
                    Some(node),
                    note!("violation.charged_twice", order = id, n = o.captures),
                ));
            } else if o.stock_takes != want_takes || o.captures != want_caps {
                out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    Some(node),
                    note!(
                        "violation.order_mismatch",
                        order = id,
                        status = o.status.note(),
                        takes = o.stock_takes,
                        captures = o.captures
                    ),
                ));
            }
        }
        dirty.clear();
        self.dirty = dirty;
        for (item, &s) in self.stock.iter().enumerate() {
            if s < 0 {
                out.push(Violation::new(
                    &rules::NO_OVERSELL,
                    Some(node),
                    note!("violation.negative_stock", item, stock = s.to_string()),
                ));
            } else if s != self.initial_stock - a.confirmed_qty[item] {
                out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    Some(node),
                    note!(
                        "violation.stock_mismatch",
                        item,
                        stock = s.to_string(),
                        start = self.initial_stock.to_string(),
                        sold = a.confirmed_qty[item].to_string(),
                        expected = (self.initial_stock - a.confirmed_qty[item]).to_string()
                    ),
                ));
            }
        }
        self.audit_ledgers(node, out);
    }

    /// The money rules: money is conserved across wallets and revenue, and revenue is what confirmed orders paid.
    fn audit_ledgers(&self, node: NodeId, out: &mut Vec<Violation>) {
        let a = &self.audit;
        let money: i64 = self.wallets.iter().sum::<i64>() + self.revenue_cents;
        if money != self.initial_money {
            out.push(Violation::new(
                &rules::MONEY_CONSERVED,
                Some(node),
                note!("violation.money", money = money.to_string(), start = self.initial_money.to_string()),
            ));
        }
        if self.revenue_cents != a.confirmed_cents {
            out.push(Violation::new(
                &rules::CONFIRMED_EXACTLY,
                Some(node),
                note!(
                    "violation.revenue",
                    revenue = self.revenue_cents.to_string(),
                    confirmed = a.confirmed_cents.to_string()
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> Catalogue {
        Catalogue::new(&Workload { items: 3, stock: 2, customers: 2, wallet_cents: 5_000, ..Workload::default() })
    }

    fn req(id: RequestId, item: u16, qty: u32) -> CheckoutRequest {
        CheckoutRequest { request_id: id, customer: 0, lines: vec![Line { item, qty }] }
    }

    #[test]
    fn checkout_confirms_rejects_and_dedups() {
        let c = cat();
        let mut s = Shop::new(&c);
        let first = s.checkout(&c, &req(1, 0, 2), true);
        assert!(first.is_confirmed());
        assert_eq!(s.stock[0], 0);
        assert_eq!(s.checkout(&c, &req(1, 0, 2), true), first, "a retry gets the first answer");
        assert_eq!(s.wallets[0], 5_000 - 2 * 1_200, "and is charged once");
        assert_eq!(s.checkout(&c, &req(2, 0, 1), true), Outcome::OutOfStock { item: 0 });
        assert!(matches!(s.checkout(&c, &req(3, 1, 2), true), Outcome::InsufficientFunds { .. }));
        let mut v = Vec::new();
        s.audit(0, &mut v);
        assert!(v.is_empty(), "{v:?}");
        assert_eq!(s.orders.len(), 3, "the retry made no new order");
        assert_eq!(s.confirmed_count(), 1);
    }

    #[test]
    fn audit_catches_each_broken_rule() {
        let c = cat();
        // Charged twice for one retried request.
        let mut s = Shop::new(&c);
        s.checkout(&c, &req(1, 0, 1), false);
        s.checkout(&c, &req(1, 0, 1), false);
        let mut v = Vec::new();
        s.audit(0, &mut v);
        assert!(v.iter().any(|x| x.invariant == "no-double-charge"), "{v:?}");

        // A lost update: stock written over, not taken.
        let mut s = Shop::new(&c);
        s.checkout(&c, &req(1, 0, 1), true);
        s.stock[0] = 2;
        let mut v = Vec::new();
        s.audit(0, &mut v);
        assert!(v.iter().any(|x| x.invariant == "confirmed-iff-taken-and-paid"), "{v:?}");

        // Oversold.
        let mut s = Shop::new(&c);
        s.stock[1] = -1;
        let mut v = Vec::new();
        s.audit(0, &mut v);
        assert!(v.iter().any(|x| x.invariant == "no-oversell"), "{v:?}");

        // Money created from nothing.
        let mut s = Shop::new(&c);
        s.wallets[1] += 1;
        let mut v = Vec::new();
        s.audit(0, &mut v);
        assert!(v.iter().any(|x| x.invariant == "money-conserved"), "{v:?}");
    }
}
