//! The shop's sequential specification: what one correct shop, taking checkouts one at a time, may answer.
//!
//! A checkout of `lines` by `customer` against stock and wallets:
//! - **confirmed** (for the basket's total) when every item has the units asked (lines of one item summed) and the
//!   wallet holds the total; stock and wallet go down;
//! - **out of stock** for an item that has fewer units than asked; nothing changes;
//! - **insufficient funds** (for the basket's total) when the wallet holds less than the total; nothing changes.
//!
//! - a **read** of an item is told the units on hand; nothing changes.
//!
//! When a basket is both short of stock and of money, either refusal is a true answer (a shop may check either
//! first; two-phase commit's participants vote at once). An answer the rules cannot give in the state reached is
//! what makes a history not linearizable.

pub use super::history::ShopState;
use super::history::{Op, OpResult};
use crate::domain::Catalogue;
use crate::scenario::Line;

/// The specification: the catalogue's prices.
#[derive(Clone, Debug)]
pub struct Spec {
    pub prices_cents: Vec<u64>,
}

impl Spec {
    pub fn new(cat: &Catalogue) -> Spec {
        Spec { prices_cents: cat.items.iter().map(|i| i.price_cents).collect() }
    }

    /// The basket's total in cents.
    pub fn total_cents(&self, lines: &[Line]) -> u64 {
        lines.iter().map(|l| self.prices_cents.get(usize::from(l.item)).copied().unwrap_or(0) * u64::from(l.qty)).sum()
    }

    /// Units of `item` the basket asks for.
    fn wanted(lines: &[Line], item: u16) -> i64 {
        lines.iter().filter(|l| l.item == item).map(|l| i64::from(l.qty)).sum()
    }

    fn short_of(&self, s: &ShopState, lines: &[Line], item: u16) -> bool {
        s.stock.get(usize::from(item)).is_none_or(|&have| have < Self::wanted(lines, item))
    }

    /// The state after `op` answered as it was, or `None` when no correct shop in state `s` gives that answer.
    /// An operation with an unknown answer takes whatever effect the shop would have had.
    pub fn step(&self, s: &ShopState, op: &Op) -> Option<ShopState> {
        if let OpResult::Stock { item, units } = op.result {
            return (s.stock.get(usize::from(item)) == Some(&i64::from(units))).then(|| s.clone());
        }
        let total = self.total_cents(&op.lines);
        let any_short = op.lines.iter().any(|l| self.short_of(s, &op.lines, l.item));
        let wallet = s.wallets.get(usize::from(op.customer)).copied().unwrap_or(0);
        let can_pay = wallet >= total as i64;
        match op.result {
            OpResult::Confirmed { total_cents } => {
                (total_cents == total && !any_short && can_pay).then(|| self.take(s, op, total))
            }
            OpResult::OutOfStock { item } => {
                (op.lines.iter().any(|l| l.item == item) && self.short_of(s, &op.lines, item)).then(|| s.clone())
            }
            OpResult::InsufficientFunds { total_cents } => (total_cents == total && !can_pay).then(|| s.clone()),
            OpResult::Unknown => Some(if any_short || !can_pay { s.clone() } else { self.take(s, op, total) }),
            // Never searched: an operation that surely did nothing is left out of the history.
            OpResult::Failed | OpResult::Stock { .. } => Some(s.clone()),
        }
    }

    fn take(&self, s: &ShopState, op: &Op, total: u64) -> ShopState {
        let mut next = s.clone();
        for l in &op.lines {
            if let Some(have) = next.stock.get_mut(usize::from(l.item)) {
                *have -= i64::from(l.qty);
            }
        }
        if let Some(w) = next.wallets.get_mut(usize::from(op.customer)) {
            *w -= total as i64;
        }
        next
    }
}
