//! The search against a brute-force checker (every order of the operations, tried) on thousands of small random
//! histories, legal and illegal; and the witness against the same brute force.

use super::*;
use crate::domain::{AbortReason, Outcome, RequestId};
use crate::rng::{SimRng as Rng, Stream};
use crate::scenario::Line;

/// Every order that respects real time (an operation answered before another was submitted comes first); an
/// operation with an unknown result may be placed (taking its effect) or left out.
fn brute(spec: &Spec, state: &ShopState, left: &[&Op]) -> bool {
    if left.iter().all(|o| o.result == OpResult::Unknown) {
        return true;
    }
    for (i, o) in left.iter().enumerate() {
        let blocked = left.iter().any(|p| p.return_us.is_some_and(|r| r < o.call_us));
        if blocked {
            continue;
        }
        let rest: Vec<&Op> = left.iter().enumerate().filter(|&(j, _)| j != i).map(|(_, p)| *p).collect();
        if let Some(next) = spec.step(state, o) {
            if brute(spec, &next, &rest) {
                return true;
            }
        }
        if o.result == OpResult::Unknown && brute(spec, state, &rest) {
            return true;
        }
    }
    false
}

fn brute_history(h: &History) -> bool {
    let spec = Spec { prices_cents: h.prices_cents.clone() };
    let ops: Vec<&Op> = h.ops.iter().filter(|o| o.result != OpResult::Failed).collect();
    brute(&spec, &h.start, &ops)
}

/// A small random history: 1-6 operations (a third of them reads) over 1-3 items and 1-2 customers with little
/// stock and money. Half are
/// made legal by construction (answers computed from a random sequential order, intervals drawn around each
/// operation's moment); the other half get random answers, mostly illegal.
/// Uniform in `lo..hi`.
fn pick(rng: &mut Rng, lo: u64, hi: u64) -> u64 {
    rng.range_u64(lo, hi - 1)
}

fn random_history(rng: &mut Rng) -> History {
    let items = pick(rng, 1, 4) as usize;
    let customers = pick(rng, 1, 3) as usize;
    let prices_cents: Vec<u64> = (0..items).map(|i| 100 * (i as u64 + 1)).collect();
    let start = ShopState {
        stock: (0..items).map(|_| pick(rng, 0, 4) as i64).collect(),
        wallets: (0..customers).map(|_| 100 * pick(rng, 0, 6) as i64).collect(),
    };
    let spec = Spec { prices_cents: prices_cents.clone() };
    let legal = pick(rng, 0, 2) == 0;
    let n = pick(rng, 1, 7);
    let mut state = start.clone();
    let mut ops = Vec::new();
    for k in 0..n {
        let lines: Vec<Line> = (0..pick(rng, 1, 3))
            .map(|_| Line { item: pick(rng, 0, items as u64) as u16, qty: pick(rng, 1, 3) as u32 })
            .collect();
        let customer = pick(rng, 0, customers as u64) as u16;
        // The operation's moment in the sequential order is 10·k; its interval surrounds it.
        let at: u64 = 10 * k;
        let call_us = at.saturating_sub(pick(rng, 0, 25));
        if pick(rng, 0, 3) == 0 {
            // A read: told the stock at its moment (legal), or a random count (mostly illegal); some unanswered.
            let item = pick(rng, 0, items as u64) as u16;
            let mut op = Op::read(k, pick(rng, 0, 3) as u16, item, call_us);
            let units = if legal { state.stock[usize::from(item)] as u32 } else { pick(rng, 0, 5) as u32 };
            if pick(rng, 0, 8) != 0 {
                op.read_answered(units, at + pick(rng, 0, 25));
            }
            ops.push(op);
            continue;
        }
        let mut op = Op::new(k, pick(rng, 0, 3) as u16, customer, lines, call_us);
        let outcome = if legal {
            let total = spec.total_cents(&op.lines);
            let probe = Op { result: OpResult::Unknown, ..op.clone() };
            let next = spec.step(&state, &probe).unwrap_or_else(|| state.clone());
            let o = if next != state {
                Outcome::Confirmed { order: k as u32, total_cents: total }
            } else if let Some(l) = op.lines.iter().find(|l| state.stock[usize::from(l.item)] < i64::from(l.qty)) {
                Outcome::OutOfStock { item: l.item }
            } else if state.wallets[usize::from(customer)] < total as i64 {
                Outcome::InsufficientFunds { total_cents: total }
            } else {
                // Two lines of one item, short only summed: the shop names that item.
                Outcome::OutOfStock { item: op.lines[0].item }
            };
            state = next;
            o
        } else {
            let total = spec.total_cents(&op.lines);
            match pick(rng, 0, 4) {
                0 => Outcome::Confirmed { order: k as u32, total_cents: total },
                1 => Outcome::OutOfStock { item: op.lines[0].item },
                2 => Outcome::InsufficientFunds { total_cents: total },
                _ => Outcome::Aborted { reason: AbortReason::GaveUp },
            }
        };
        match pick(rng, 0, 10) {
            0 => {} // never answered
            1 => op.answered(Outcome::Aborted { reason: AbortReason::Busy }, at + pick(rng, 0, 25)),
            2 => {
                // Relaxed as a witness relaxes a confirmation: it may or may not have taken effect within its
                // interval (an unknown result with an answer time).
                op.answered(outcome, at + pick(rng, 0, 25));
                op.result = OpResult::Unknown;
            }
            _ => op.answered(outcome, at + pick(rng, 0, 25)),
        }
        ops.push(op);
    }
    ops.sort_by_key(|o| o.call_us);
    History { start, prices_cents, ops, end_us: 1_000 }
}

#[test]
fn the_search_agrees_with_brute_force_on_ten_thousand_small_histories() {
    let mut rng = Rng::new(20_261_207, Stream::Workload);
    let (mut legal, mut illegal, mut witnessed) = (0, 0, 0);
    for case in 0..10_000 {
        let h = random_history(&mut rng);
        let want = brute_history(&h);
        let got = check(&h, DEFAULT_BUDGET);
        let expected = if want { LinVerdict::Linearizable } else { LinVerdict::Violated };
        assert_eq!(got.verdict, expected, "case {case}: {h:#?}");
        if want {
            legal += 1;
            continue;
        }
        illegal += 1;
        // The witness's answers cannot be ordered, whatever the relaxed operations did.
        let w = got.witness.expect("a violation has a witness");
        assert!(!w.ops.is_empty(), "case {case}");
        let kept: Vec<RequestId> = w.ops.iter().map(|o| o.request_id).collect();
        let relaxed: Vec<Op> = h
            .ops
            .iter()
            .filter(|o| o.result != OpResult::Failed)
            .filter_map(|o| if kept.contains(&o.request_id) { Some(o.clone()) } else { relax(o) })
            .collect();
        let spec = Spec { prices_cents: h.prices_cents.clone() };
        let refs: Vec<&Op> = relaxed.iter().collect();
        assert!(!brute(&spec, &h.start, &refs), "case {case}: the witness {kept:?} can be ordered: {h:#?}");
        witnessed += 1;
    }
    println!("{legal} linearizable, {illegal} not (each witness checked)");
    assert!(legal > 3_000 && illegal > 2_000, "both kinds are tried: {legal} legal, {illegal} illegal");
    assert_eq!(witnessed, illegal);
}

#[test]
fn an_adversarial_history_gives_unknown_within_its_budget() {
    // Many concurrent checkouts that never answered, each able to take its effect, and one answer that needs an
    // impossible count: the search must try every subset and runs out of budget.
    let spec_cat = Catalogue::new(&crate::scenario::Workload { items: 1, stock: 1_000, ..Default::default() });
    let mut ops: Vec<Op> = (0..40).map(|k| Op::new(k, 0, 0, vec![Line { item: 0, qty: 1 }], 0)).collect();
    let mut first_sale = Op::new(100, 1, 1, vec![Line { item: 0, qty: 1 }], 20);
    // A total no basket of that item has: no state explains it, but the search tries every subset first.
    first_sale.answered(Outcome::InsufficientFunds { total_cents: 1 }, 30);
    ops.push(first_sale);
    let h = History {
        start: ShopState::start(&spec_cat),
        prices_cents: Spec::new(&spec_cat).prices_cents,
        ops,
        end_us: 100,
    };
    let r = check(&h, 100_000);
    assert_eq!(r.verdict, LinVerdict::Unknown, "{r:?}");
    assert_eq!(r.steps, 100_000);
}
