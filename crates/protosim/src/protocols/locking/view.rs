//! How a lock manager, a storage node and a shopper are drawn (as notes, in no language yet): the one-line summary and the node box (the lock
//! table with its wait-for graph, rows with values and versions, a shopper's running transaction).

use crate::engine::{NodeDetail, TableLine, WaitEdge};
use crate::narration::Note;
use crate::note;
use crate::vecmap::VecSet;
use crate::view::fact;

use super::types::*;

impl Locking {
    /// The one line a node box shows ([`crate::engine::Protocol::summary`]).
    pub(super) fn summary_text(&self, st: Option<&State>, disk: &Disk) -> Note {
        let state = match (st, disk) {
            (Some(State::Locks(lm)), _) => {
                let held: usize = lm.rows.values().map(|l| l.holders.len()).sum();
                let queued: usize = lm.rows.values().map(|l| l.queue.len()).sum();
                return note!("locking.summary.locks", held, queued);
            }
            (_, Disk::Locks { next_token, .. }) => note!("locking.summary.token", token = *next_token),
            (Some(State::Redis(r)), _) => return note!("locking.summary.redis", held = r.rows.len()),
            (_, Disk::Redis) => note!("locking.summary.redis", held = 0usize),
            // Drawn by Raft ([`Locking::raft_summary`]).
            (_, Disk::Raft(_)) => return Note::default(),
            (_, Disk::Store(s)) => {
                let pending = s.cells.values().filter(|c| c.intent.is_some()).count();
                let rows: Vec<String> = s
                    .cells
                    .iter()
                    .filter(|(r, _)| **r < WALLET_BASE)
                    .map(|(r, c)| format!("{}:{}", self.row_name(*r), c.value))
                    .collect();
                note!("locking.summary.store", pending, rows = rows.join(" "))
            }
            (_, Disk::Shopper { jobs }) if jobs.is_empty() => note!("summary.idle"),
            (_, Disk::Shopper { jobs }) => {
                let j = jobs.values().next().expect("not empty");
                let (txn, phase) = (txn_name(j.a.txn), Self::phase_note(j.a.phase));
                note!("locking.summary.shopper", txn, phase, running = jobs.len())
            }
        };
        if st.is_none() {
            note!("summary.down_then", state)
        } else {
            state
        }
    }

    /// The node box and inspector contents ([`crate::engine::Protocol::detail`]).
    pub(super) fn detail_of(&self, st: Option<&State>, disk: &Disk) -> NodeDetail {
        let role = |r: Note| if st.is_some() { r } else { note!("role.down") };
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
                        fact(note!("fact.role"), role(note!("role.lock_manager"))),
                        fact(note!("fact.held"), held),
                        fact(note!("fact.waiting"), queued),
                        fact(note!("fact.token"), *next_token),
                        fact(note!("fact.deadlocks"), self.strategy.name().to_string()),
                    ],
                    legend: Some(note!("locking.legend.locks")),
                    table,
                    waits,
                    empty: st.is_some().then(|| note!("locking.row.none")),
                    ..NodeDetail::default()
                }
            }
            (st, Disk::Redis) => self.redis_detail(st),
            (_, Disk::Raft(_)) => NodeDetail::default(), // drawn by Raft: `Locking::raft_detail`
            (_, Disk::Store(s)) => {
                let table = s
                    .cells
                    .iter()
                    .map(|(row, c)| {
                        let (value, version) = (c.value.to_string(), c.version);
                        let mut text = if self.fencing() && c.fence > 0 {
                            note!("locking.cell.fenced", value, version, fence = c.fence)
                        } else {
                            note!("locking.cell", value, version)
                        };
                        if let Some(i) = &c.intent {
                            text = note!(
                                "locking.cell.intent",
                                cell = text,
                                txn = txn_name(i.txn),
                                to = i.value.to_string()
                            );
                        }
                        TableLine { key: self.row_name(*row), text, hot: c.intent.is_some() }
                    })
                    .collect();
                let pending = s.cells.values().filter(|c| c.intent.is_some()).count();
                let commits = s.records.values().filter(|r| r.committed).count();
                NodeDetail {
                    facts: vec![
                        fact(note!("fact.role"), role(note!("role.storage"))),
                        fact(note!("fact.pending"), pending),
                        fact(note!("fact.commits"), commits),
                        fact(note!("fact.refused"), s.refused),
                    ],
                    legend: Some(note!("locking.legend.store")),
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
                        text: note!("locking.job", phase = Self::phase_note(j.a.phase), attempt = j.failed + 1),
                        hot: j.failed > 0,
                    })
                    .collect();
                NodeDetail {
                    facts: vec![
                        fact(note!("fact.role"), role(note!("role.shopper"))),
                        fact(note!("fact.running"), jobs.len()),
                    ],
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
            let mut text = match l.fencing {
                Some(token) => note!("locking.row.fencing", token),
                None if holders.is_empty() => note!("locking.row.free"),
                None => note!("locking.row.held", holders = holders.join(", ")),
            };
            if !queue.is_empty() {
                text = note!("locking.row.queue", row = text, queue = queue.join(" "));
            }
            let hot = l.fencing.is_some()
                || l.holders.iter().any(|(t, _, _)| cycle.contains(t))
                || l.queue.iter().any(|(t, _)| cycle.contains(t));
            table.push(TableLine { key: self.row_name(*row), text, hot });
        }
        table
    }
}
