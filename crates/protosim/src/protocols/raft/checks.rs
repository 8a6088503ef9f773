//! Raft's safety properties (Figure 3), checked after every event on the server it touched: Election Safety (one
//! leader per term), Log Matching, Leader Completeness (a new leader holds every committed entry) and State Machine
//! Safety (no two servers apply different entries at one index), with the business rules on each replica's shop.

use super::log::{LogCmd, RaftLog};
use super::types::*;
use crate::engine::{CheckNodes, CheckView};
use crate::invariants::Violation;
use crate::note;
use crate::scenario::NodeId;

impl<M: Machine> Raft<M> {
    /// Every invariant after an event ([`crate::engine::Protocol::check`]).
    pub(super) fn check_all(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let Some(node) = touched.filter(|&n| n < self.servers) else { return };
        let c = &mut *w.checker;
        let nodes = &mut *w.nodes;
        let i = usize::from(node);
        let dirty_from = match nodes.get_mut(i).1 {
            Disk::Server { log, .. } => log.dirty_from.take(),
            Disk::Shopper { .. } => None,
        };
        let (state, disk) = nodes.get(i);
        let Disk::Server { current_term, log, .. } = disk else { return };
        if let Some(from) = dirty_from {
            self.check_log_matching(&*nodes, node, log, from, out);
        }
        let Some(State::Server(s)) = state else { return };
        self.check_committed(c, node, (s, *current_term), log, dirty_from, out);
        if s.role == RaftRole::Leader {
            check_leader(c, node, *current_term, log, out);
        }
        // The machine's own rules on this replica's applied state (the shop's business rules).
        if let Some(State::Server(s)) = nodes.get_mut(i).0 {
            self.machine.audit(&mut s.sm, node, out);
        }
    }

    /// Log matching: entries this node changed (from index `from` on), against every other server's entry at the
    /// same index.
    fn check_log_matching(
        &self,
        nodes: &dyn CheckNodes<Self>,
        node: NodeId,
        log: &RaftLog<M::Cmd>,
        from: u64,
        out: &mut Vec<Violation>,
    ) {
        let i = usize::from(node);
        for idx in from..=log.last_index() {
            let Some(mine) = log.get(idx) else { break };
            for j in (0..usize::from(self.servers)).filter(|&j| j != i) {
                let Disk::Server { log: theirs, .. } = nodes.get(j).1 else { continue };
                if let Some(e) = theirs.get(idx) {
                    if e.term == mine.term && e.chain != mine.chain {
                        out.push(Violation::new(
                            &LOG_MATCHING,
                            Some(node),
                            note!("raft.violation.log_matching", node, other = j, term = mine.term, index = idx),
                        ));
                        return;
                    }
                }
            }
        }
    }

    /// State machine safety: committed entries, as this node sees them, must agree with what anyone saw committed
    /// before, and its last applied entry must be the committed one. Only the part not compared yet is: beyond the
    /// last comparison, or from where the log last changed.
    fn check_committed(
        &self,
        c: &mut Checker,
        node: NodeId,
        (s, term): (&Server<M>, u64),
        log: &RaftLog<M::Cmd>,
        dirty_from: Option<u64>,
        out: &mut Vec<Violation>,
    ) {
        let i = usize::from(node);
        let commit = s.commit_index.min(log.last_index());
        if c.verified.len() < usize::from(self.servers) {
            c.verified.resize(usize::from(self.servers), 0);
        }
        let mut start = c.verified[i].min(commit);
        if let Some(from) = dirty_from {
            start = start.min(from.saturating_sub(1));
        }
        c.verified[i] = commit;
        for idx in (start + 1)..=commit {
            let chain = log.get(idx).map_or(0, |e| e.chain);
            match c.committed.get((idx - 1) as usize) {
                Some(&(known, _)) if known != chain => {
                    out.push(Violation::new(
                        &STATE_MACHINE_SAFETY,
                        Some(node),
                        note!("raft.violation.committed", node, index = idx),
                    ));
                    break;
                }
                Some(_) => {}
                None => c.committed.push((chain, term)),
            }
        }
        if s.last_applied > 0 {
            if let Some(&(known, _)) = c.committed.get((s.last_applied - 1) as usize) {
                if known != s.applied_chain {
                    out.push(Violation::new(
                        &STATE_MACHINE_SAFETY,
                        Some(node),
                        note!("raft.violation.applied", node, index = s.last_applied),
                    ));
                }
            }
        }
    }
}

/// Election safety (one leader per term, ever) and leader completeness (checked when a leadership is first seen,
/// against everything committed so far in earlier terms: Figure 3 asks a leader of term T for the entries committed
/// in terms before T. A server paused as a candidate may win term T only after later terms committed more, and
/// lacks those rightly; it is deposed as soon as it hears of them).
fn check_leader<C: LogCmd>(c: &mut Checker, node: NodeId, term: u64, log: &RaftLog<C>, out: &mut Vec<Violation>) {
    match c.leaders.get(&term) {
        Some(&other) if other != node => out.push(Violation::new(
            &ELECTION_SAFETY,
            Some(node),
            note!("raft.violation.two_leaders", node, other, term),
        )),
        Some(_) => {}
        None => {
            c.leaders.insert(term, node);
        }
    }
    if c.leaderships_checked.insert((node, term)) {
        for (k, &(chain, committed_in)) in c.committed.iter().enumerate() {
            let idx = k as u64 + 1;
            if committed_in < term && log.get(idx).map(|e| e.chain) != Some(chain) {
                out.push(Violation::new(
                    &LEADER_COMPLETENESS,
                    Some(node),
                    note!("raft.violation.incomplete_leader", node, term, index = idx),
                ));
                break;
            }
        }
    }
}
