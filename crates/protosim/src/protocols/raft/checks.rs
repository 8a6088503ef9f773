//! Raft's safety properties (Figure 3), checked after every event on the server it touched: Election Safety (one
//! leader per term), Log Matching, Leader Completeness (a new leader holds every committed entry) and State Machine
//! Safety (no two servers apply different entries at one index), with the business rules on each replica's shop.

use super::types::*;
use crate::engine::CheckView;
use crate::invariants::Violation;
use crate::scenario::NodeId;

impl Raft {
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
        let term = *current_term;

        // Log matching: entries this node changed, against every other server's entry at the same index.
        if let Some(from) = dirty_from {
            'outer: for idx in from..=log.last_index() {
                let Some(mine) = log.get(idx) else { break };
                for j in (0..usize::from(self.servers)).filter(|&j| j != i) {
                    let Disk::Server { log: theirs, .. } = nodes.get(j).1 else { continue };
                    if let Some(e) = theirs.get(idx) {
                        if e.term == mine.term && e.chain != mine.chain {
                            out.push(Violation::new(
                                &LOG_MATCHING,
                                Some(node),
                                format!(
                                    "n{node} and n{j} both have an entry of term {} at index {idx}, but their logs \
                                     differ before it",
                                    mine.term
                                ),
                            ));
                            break 'outer;
                        }
                    }
                }
            }
        }

        let Some(State::Server(s)) = state else { return };

        // Committed entries, as this node sees them, must agree with what anyone saw committed before. Only the
        // part not compared yet is: beyond the last comparison, or from where the log last changed.
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
                Some(&known) if known != chain => {
                    out.push(Violation::new(
                        &STATE_MACHINE_SAFETY,
                        Some(node),
                        format!(
                            "n{node} holds a different committed entry at index {idx} than another server committed"
                        ),
                    ));
                    break;
                }
                Some(_) => {}
                None => c.committed.push(chain),
            }
        }
        // Applied state: the last applied entry must be the committed one at that index.
        if s.last_applied > 0 {
            if let Some(&known) = c.committed.get((s.last_applied - 1) as usize) {
                if known != s.applied_chain {
                    out.push(Violation::new(
                        &STATE_MACHINE_SAFETY,
                        Some(node),
                        format!(
                            "n{node} applied a different entry at index {} than another server did",
                            s.last_applied
                        ),
                    ));
                }
            }
        }

        if s.role == RaftRole::Leader {
            // Election safety: one leader per term, ever.
            match c.leaders.get(&term) {
                Some(&other) if other != node => out.push(Violation::new(
                    &ELECTION_SAFETY,
                    Some(node),
                    format!("n{node} and n{other} were both elected leader of term {term}"),
                )),
                Some(_) => {}
                None => {
                    c.leaders.insert(term, node);
                }
            }
            // Leader completeness: checked when a leadership is first seen, against everything committed so far.
            if c.leaderships_checked.insert((node, term)) {
                for (k, &chain) in c.committed.iter().enumerate() {
                    let idx = k as u64 + 1;
                    if log.get(idx).map(|e| e.chain) != Some(chain) {
                        out.push(Violation::new(
                            &LEADER_COMPLETENESS,
                            Some(node),
                            format!("n{node} leads term {term} without the entry committed at index {idx}"),
                        ));
                        break;
                    }
                }
            }
        }

        // Business rules on this replica's applied shop.
        if let Some(State::Server(s)) = nodes.get_mut(i).0 {
            s.shop.audit(node, out);
        }
    }
}
