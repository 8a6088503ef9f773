//! How a lock manager, a storage node and a shopper are drawn: the one-line summary and the node box (the lock
//! table with its wait-for graph, rows with values and versions, a shopper's running transaction).

use crate::engine::{NodeDetail, TableLine, WaitEdge};
use crate::vecmap::VecSet;

use super::types::*;

impl Locking {
    /// The one line a node box shows ([`crate::engine::Protocol::summary`]).
    pub(super) fn summary_text(&self, st: Option<&State>, disk: &Disk) -> String {
        let down = if st.is_none() { "down · " } else { "" };
        match (st, disk) {
            (Some(State::Locks(lm)), _) => {
                let held: usize = lm.rows.values().map(|l| l.holders.len()).sum();
                let queued: usize = lm.rows.values().map(|l| l.queue.len()).sum();
                format!("{held} locks held · {queued} waiting")
            }
            (_, Disk::Locks { next_token, .. }) => format!("{down}token {next_token}"),
            (_, Disk::Store(s)) => {
                let pending = s.cells.values().filter(|c| c.intent.is_some()).count();
                let rows: Vec<String> = s
                    .cells
                    .iter()
                    .filter(|(r, _)| **r < WALLET_BASE)
                    .map(|(r, c)| format!("{}:{}", self.row_name(*r), c.value))
                    .collect();
                format!("{down}{pending} pending · {}", rows.join(" "))
            }
            (_, Disk::Shopper { jobs }) if jobs.is_empty() => format!("{down}idle"),
            (_, Disk::Shopper { jobs }) => {
                let j = jobs.values().next().expect("not empty");
                format!("{down}{} {} · {} running", txn_name(j.a.txn), Self::phase_text(j.a.phase), jobs.len())
            }
        }
    }

    /// The node box and inspector contents ([`crate::engine::Protocol::detail`]).
    pub(super) fn detail_of(&self, st: Option<&State>, disk: &Disk) -> NodeDetail {
        let role = |r: &str| if st.is_some() { r.to_string() } else { "down".to_string() };
        match (st, disk) {
            (st, Disk::Locks { next_token, .. }) => {
                let empty = LockMgr::default();
                let lm = match st {
                    Some(State::Locks(lm)) => lm,
                    _ => &empty,
                };
                let cycle: VecSet<TxnId> = lm.find_cycle().unwrap_or_default().into_iter().collect();
                let table = self.lock_table_lines(lm, &cycle);
                let waits = lm
                    .wait_for()
                    .into_iter()
                    .map(|(a, b, row)| WaitEdge {
                        waiter: txn_name(a),
                        holder: txn_name(b),
                        row: self.row_name(row),
                        cycle: cycle.contains(&a) && cycle.contains(&b),
                    })
                    .collect();
                let held: usize = lm.rows.values().map(|l| l.holders.len()).sum();
                let queued: usize = lm.rows.values().map(|l| l.queue.len()).sum();
                NodeDetail {
                    facts: vec![
                        ("role", role("lock manager")),
                        ("held", held.to_string()),
                        ("waiting", queued.to_string()),
                        ("token", next_token.to_string()),
                        ("deadlocks", self.strategy.name().to_string()),
                    ],
                    legend: "holder ← queue · t = fencing token",
                    table,
                    waits,
                    ..NodeDetail::default()
                }
            }
            (_, Disk::Store(s)) => {
                let table = s
                    .cells
                    .iter()
                    .map(|(row, c)| {
                        let mut text = format!("{} v{}", c.value, c.version);
                        if self.fencing() && c.fence > 0 {
                            text.push_str(&format!(" fence t{}", c.fence));
                        }
                        if let Some(i) = &c.intent {
                            text.push_str(&format!(" ✎{}→{}", txn_name(i.txn), i.value));
                        }
                        TableLine { key: self.row_name(*row), text, hot: c.intent.is_some() }
                    })
                    .collect();
                let pending = s.cells.values().filter(|c| c.intent.is_some()).count();
                let commits = s.records.values().filter(|r| r.committed).count();
                NodeDetail {
                    facts: vec![
                        ("role", role("storage")),
                        ("pending", pending.to_string()),
                        ("commits", commits.to_string()),
                        ("refused", s.refused.to_string()),
                    ],
                    legend: "value v=version · ✎ pending write",
                    table,
                    ..NodeDetail::default()
                }
            }
            (_, Disk::Shopper { jobs }) => {
                if jobs.is_empty() {
                    return NodeDetail::default();
                }
                let table = jobs
                    .values()
                    .take(2)
                    .map(|j| TableLine {
                        key: txn_name(j.a.txn),
                        text: format!("{} · try {}", Self::phase_text(j.a.phase), j.failed + 1),
                        hot: j.failed > 0,
                    })
                    .collect();
                NodeDetail {
                    facts: vec![("role", role("shopper")), ("running", jobs.len().to_string())],
                    table,
                    ..NodeDetail::default()
                }
            }
        }
    }

    /// The lock table's rows as drawn: holders (mode, transaction, fencing token) ← the queue; rows in a
    /// deadlock cycle or being fenced are highlighted.
    fn lock_table_lines(&self, lm: &LockMgr, cycle: &VecSet<TxnId>) -> Vec<TableLine> {
        let mut table = Vec::new();
        for (row, l) in &lm.rows {
            if l.holders.is_empty() && l.queue.is_empty() && l.fencing.is_none() {
                continue;
            }
            let holders: Vec<String> =
                l.holders.iter().map(|(t, m, tok)| format!("{} {} t{tok}", m.letter(), txn_name(*t))).collect();
            let queue: Vec<String> = l.queue.iter().map(|(t, _)| txn_name(*t)).collect();
            let mut text = if holders.is_empty() { "free".to_string() } else { holders.join(", ") };
            if let Some(f) = l.fencing {
                text = format!("fencing ≥t{f}");
            }
            if !queue.is_empty() {
                text.push_str(&format!(" ← {}", queue.join(" ")));
            }
            let hot = l.fencing.is_some()
                || l.holders.iter().any(|(t, _, _)| cycle.contains(t))
                || l.queue.iter().any(|(t, _)| cycle.contains(t));
            table.push(TableLine { key: self.row_name(*row), text, hot });
        }
        table
    }
}
