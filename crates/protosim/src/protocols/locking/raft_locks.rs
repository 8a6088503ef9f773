//! The Raft-replicated lock service (`"locking": {"service": "raft"}`): the lock table is a state machine that
//! [`RAFT_LOCK_SERVERS`](crate::scenario::RAFT_LOCK_SERVERS) servers (`n0…`) replicate with the project's own Raft,
//! as etcd or ZooKeeper replicate theirs.
//!
//! - **Commands.** Grants, releases and lease expiries are log entries ([`LockCmd`]); every server applies them in
//!   log order, so every server's table goes through the same states. A row is granted if it is free (or already
//!   the asker's), refused ([`Msg::Held`]) otherwise: there is no queue, so no deadlock (a refused shopper backs
//!   off, as under Redlock).
//! - **Fencing token = the grant's log index** (etcd's revision of the lock key): a later grant of a row is a later
//!   entry, so tokens only grow. Storage keeps, per row, the highest token a read has carried and refuses older
//!   ones (Kleppmann's fencing: "the storage server remembers that it has already processed a write with a higher
//!   token"), so a holder whose lease ran out during a pause cannot write after the next holder has read.
//! - **Leases.** The leader keeps each holder's lease on its own clock; a renewal (sent to every server, acted on by
//!   the leader) is not logged. A lease that runs out is logged as an expiry: applying it frees the rows and the
//!   leader tells the holder. A new leader cannot know when a lease was last renewed, so it starts every lease
//!   afresh (etcd does the same on a leader change).
//! - **Clients.** A shopper sends each lock request to every lock server; only the leader proposes it (etcd's
//!   followers forward a request to their leader; asking them all is the same, one hop shorter). The leader answers
//!   when it applies the entry, or at once for a row the transaction already holds (a retry).
//! - **Availability.** A lock survives the crash of a minority of lock servers: it is in a majority's log, and the
//!   next leader (which holds every committed entry) applies it.

use super::info::MUTUAL_EXCLUSION;
use super::types::*;
use crate::domain::Catalogue;
use crate::engine::{CheckView, Ctx, NodeDetail, Protocol, TableLine};
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::{Arg, Note};
use crate::note;
use crate::protocols::embed::{self, lift, Part};
use crate::protocols::raft::{self, LogCmd, Machine, Raft, RaftRole};
use crate::scenario::{NodeId, Scenario};

impl LogCmd for LockCmd {
    fn id(&self) -> u64 {
        match *self {
            LockCmd::Acquire { txn, row, .. } => (txn << 10) | (u64::from(row) << 2),
            LockCmd::Release { txn, ack, .. } => (txn << 10) | 1 | (u64::from(ack) << 2),
            LockCmd::Expire { txn, .. } => (txn << 10) | 2,
        }
    }
}

type LockRaft = Raft<LockMachine>;

impl Machine for LockMachine {
    type Cmd = LockCmd;
    type Request = Msg;
    type Reply = Msg;
    type Applied = LockTable;

    fn new(scenario: &Scenario, _catalogue: &Catalogue) -> Self {
        LockMachine { lease_us: (20 * scenario.worst_latency_us()).max(500_000) }
    }
    fn invariants(&self) -> &'static [InvariantInfo] {
        &raft::CONSENSUS_INVARIANTS
    }
    fn start(&self) -> LockTable {
        LockTable::default()
    }
    fn cmd_text(cmd: &LockCmd) -> Arg {
        Arg::from(match *cmd {
            LockCmd::Acquire { txn, row, .. } => format!("+{} {}", row_label(row), txn_name(txn)),
            LockCmd::Release { txn, .. } => format!("−{}", txn_name(txn)),
            LockCmd::Expire { txn, .. } => format!("×{}", txn_name(txn)),
        })
    }

    fn apply(&self, s: &mut raft::Server<Self>, ctx: &mut Ctx<'_, LockRaft>, index: u64, cmd: &LockCmd) {
        let leader = s.role == RaftRole::Leader;
        let t = &mut s.sm;
        t.applied_since_audit = true;
        let now = ctx.now_us();
        match *cmd {
            LockCmd::Acquire { txn, row, shopper } => {
                t.proposed.remove(&(txn, row));
                let answer = match t.rows.get(&row).copied() {
                    // A late request of a transaction the log already ended: it must learn it lost its locks.
                    _ if t.ended.contains(&txn) => Some(Msg::Revoked { txn, why: Revoke::Ended }),
                    Some((holder, token)) if holder == txn => Some(Msg::Granted { txn, row, token }),
                    Some((holder, _)) => {
                        if leader {
                            let (row, txn, holder) = (row_label(row), txn_name(txn), txn_name(holder));
                            ctx.note(|| note!("locking.raft.held", index, row, txn, holder));
                        }
                        Some(Msg::Held { txn, row })
                    }
                    None => {
                        t.rows.insert(row, (txn, index));
                        t.leases.insert(txn, (shopper, now + self.lease_us));
                        if leader {
                            let (row, txn) = (row_label(row), txn_name(txn));
                            ctx.note(|| note!("locking.raft.granted", index, row, txn));
                        }
                        Some(Msg::Granted { txn, row, token: index })
                    }
                };
                if let (true, Some(m)) = (leader, answer) {
                    ctx.send(shopper, raft::Msg::Answer(m));
                }
            }
            LockCmd::Release { txn, shopper, ack } => {
                t.proposed.remove(&(txn, RELEASING));
                let freed = end(t, txn);
                if leader {
                    ctx.note(|| match freed {
                        0 => note!("locking.raft.ended", index, txn = txn_name(txn)),
                        _ => note!("locking.raft.released", index, txn = txn_name(txn), rows = freed),
                    });
                    if ack {
                        ctx.send(shopper, raft::Msg::Answer(Msg::Released { txn }));
                    }
                }
            }
            LockCmd::Expire { txn, shopper } => {
                t.expiring.remove(&txn);
                let freed = end(t, txn);
                if leader && freed > 0 {
                    ctx.note(|| note!("locking.raft.expired", index, txn = txn_name(txn), rows = freed));
                    ctx.send(shopper, raft::Msg::Answer(Msg::Revoked { txn, why: Revoke::LeaseExpired }));
                }
            }
        }
    }

    /// The leader proposes lock requests and releases, extends leases, and answers a retry of a granted row at once;
    /// the other servers leave requests to it.
    fn on_request(
        &self,
        raft: &LockRaft,
        s: &mut raft::Server<Self>,
        ctx: &mut Ctx<'_, LockRaft>,
        from: NodeId,
        req: Msg,
    ) {
        if s.role != RaftRole::Leader {
            return;
        }
        let t = &mut s.sm;
        let now = ctx.now_us();
        match req {
            // A transaction the log ended (released, or its lease expired): tell it, as often as it asks.
            Msg::Lock { txn, .. } | Msg::Renew { txn } if t.ended.contains(&txn) => {
                ctx.send(from, raft::Msg::Answer(Msg::Revoked { txn, why: Revoke::Ended }));
            }
            Msg::Lock { txn, row, .. } => {
                if let Some(&(holder, token)) = t.rows.get(&row).filter(|(h, _)| *h == txn) {
                    // A retry of a granted row: answered at once, and it renews the lease as any request does.
                    if let Some(lease) = t.leases.get_mut(&txn) {
                        lease.1 = now + self.lease_us;
                    }
                    ctx.send(from, raft::Msg::Answer(Msg::Granted { txn: holder, row, token }));
                    return;
                }
                if !t.proposed.insert((txn, row)) {
                    return; // already logged: the answer comes when it is applied
                }
                if let Some(index) = raft.propose(s, ctx, LockCmd::Acquire { txn, row, shopper: from }) {
                    ctx.note(|| note!("locking.raft.propose", index, row = row_label(row), txn = txn_name(txn)));
                }
            }
            Msg::Renew { txn } => {
                if let Some(lease) = t.leases.get_mut(&txn) {
                    lease.1 = now + self.lease_us;
                }
            }
            // Always logged (once while in flight), even for a transaction this leader's table shows holding
            // nothing: its table may lag the log, and the entry ends the transaction, so a late lock request of it
            // is refused instead of granting a row to an abandoned attempt.
            Msg::Release { txn, ack } if t.proposed.insert((txn, RELEASING)) => {
                raft.propose(s, ctx, LockCmd::Release { txn, shopper: from, ack });
            }
            _ => {}
        }
    }

    /// A new leader starts every lease afresh: it cannot know when the old leader last heard a renewal.
    fn on_leader(&self, s: &mut raft::Server<Self>, ctx: &mut Ctx<'_, LockRaft>) {
        let until = ctx.now_us() + self.lease_us;
        let t = &mut s.sm;
        t.proposed.clear();
        t.expiring.clear();
        for lease in t.leases.values_mut() {
            lease.1 = until;
        }
        let n = t.leases.len();
        if n > 0 {
            ctx.note(|| note!("locking.raft.leases_taken_over", n, ms = self.lease_us / 1000));
        }
    }

    /// The leader logs the expiry of every lease that ran out on its clock.
    fn on_tick(&self, raft: &LockRaft, s: &mut raft::Server<Self>, ctx: &mut Ctx<'_, LockRaft>) {
        let now = ctx.now_us();
        let t = &s.sm;
        let due: Vec<(TxnId, NodeId)> = t
            .leases
            .iter()
            .filter(|(txn, (_, until))| *until <= now && !t.expiring.contains(txn))
            .map(|(txn, (shopper, _))| (*txn, *shopper))
            .collect();
        for (txn, shopper) in due {
            s.sm.expiring.insert(txn);
            if let Some(index) = raft.propose(s, ctx, LockCmd::Expire { txn, shopper }) {
                ctx.note(|| note!("locking.raft.expire", txn = txn_name(txn), index));
            }
        }
    }

    fn on_step_down(&self, t: &mut LockTable) {
        t.proposed.clear();
        t.expiring.clear();
    }

    /// Mutual exclusion as the service keeps it: a transaction the log ended (released, or its lease expired)
    /// holds no row, on any server. A stale grant would let its holder and the next one both hold the row.
    fn audit(&self, t: &mut LockTable, node: NodeId, out: &mut Vec<Violation>) {
        if !std::mem::take(&mut t.applied_since_audit) {
            return;
        }
        if let Some((row, (txn, _))) = t.rows.iter().find(|(_, (txn, _))| t.ended.contains(txn)) {
            let holders = vec![Arg::from(format!("X {}", txn_name(*txn)))];
            out.push(Violation::new(
                &MUTUAL_EXCLUSION,
                Some(node),
                note!("locking.violation.ended_holder", row = row_label(*row), holders),
            ));
        }
    }
}

/// The row a pending release is filed under in [`LockTable::proposed`] (no real row has it).
const RELEASING: Row = Row::MAX;

/// Ends `txn` in the table: frees its rows and lease; returns how many rows it held.
fn end(t: &mut LockTable, txn: TxnId) -> usize {
    let before = t.rows.len();
    t.rows.retain(|_, (holder, _)| *holder != txn);
    t.leases.remove(&txn);
    t.ended.insert(txn);
    before - t.rows.len()
}

impl Part<Locking> for LockRaft {
    /// An answer to a lock request is the locking protocol's own message; Raft's messages travel wrapped.
    fn wrap_msg(m: raft::Msg<LockMachine>) -> Msg {
        match m {
            raft::Msg::Answer(m) | raft::Msg::Request(m) => m,
            m => Msg::Raft(Box::new(m)),
        }
    }
    fn wrap_timer(t: raft::Timer) -> Timer {
        Timer::Raft(t)
    }
    fn wrap_disk(d: raft::Disk<LockMachine>) -> Disk {
        Disk::Raft(d)
    }
    fn state(s: &State) -> &raft::State<LockMachine> {
        match s {
            State::Raft(s) => s,
            _ => unreachable!("a Raft lock server's state"),
        }
    }
    fn state_mut(s: &mut State) -> &mut raft::State<LockMachine> {
        match s {
            State::Raft(s) => s,
            _ => unreachable!("a Raft lock server's state"),
        }
    }
    fn disk(d: &Disk) -> &raft::Disk<LockMachine> {
        match d {
            Disk::Raft(d) => d,
            _ => unreachable!("a Raft lock server's disk"),
        }
    }
    fn disk_mut(d: &mut Disk) -> &mut raft::Disk<LockMachine> {
        match d {
            Disk::Raft(d) => d,
            _ => unreachable!("a Raft lock server's disk"),
        }
    }
}

impl Locking {
    /// The Raft cluster of lock servers (only with `service: raft`).
    fn lock_raft(&self) -> &LockRaft {
        self.raft.as_ref().expect("a Raft lock service")
    }

    pub(super) fn raft_init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        State::Raft(Box::new(lift(ctx, |c| self.lock_raft().init(c))))
    }

    /// A message to a Raft lock server: Raft's own, or a shopper's lock request.
    pub(super) fn raft_message(
        &self,
        st: &mut raft::State<LockMachine>,
        ctx: &mut Ctx<'_, Self>,
        from: NodeId,
        msg: Msg,
    ) {
        let msg = match msg {
            Msg::Raft(m) => *m,
            m => raft::Msg::Request(m),
        };
        lift(ctx, |c| self.lock_raft().on_message(st, c, from, msg));
    }

    pub(super) fn raft_timer(&self, st: &mut raft::State<LockMachine>, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        if let Timer::Raft(t) = timer {
            lift(ctx, |c| self.lock_raft().on_timer(st, c, t));
        }
    }

    pub(super) fn raft_fresh_disk(&self, node: NodeId) -> Disk {
        Disk::Raft(self.lock_raft().fresh_disk(node))
    }

    /// A replaced lock server rejoins as a Raft learner.
    pub(super) fn raft_replacement_disk(&self, node: NodeId) -> Option<Disk> {
        self.lock_raft().replacement_disk(node).map(Disk::Raft)
    }

    pub(super) fn raft_summary(&self, node: NodeId, st: Option<&State>, disk: &Disk) -> Note {
        self.lock_raft().summary(node, st.map(LockRaft::state), LockRaft::disk(disk))
    }

    /// Raft's box (role, term, log cells) with the lock table this server has applied (row → holder, token).
    pub(super) fn raft_detail(&self, node: NodeId, st: Option<&State>, disk: &Disk) -> NodeDetail {
        let st = st.map(LockRaft::state);
        let mut d = self.lock_raft().detail(node, st, LockRaft::disk(disk));
        if let Some(raft::State::Server(s)) = st {
            d.table =
                s.sm.rows
                    .iter()
                    .map(|(row, (txn, token))| TableLine {
                        key: self.row_name(*row),
                        text: note!("locking.raft.row", txn = txn_name(*txn), token = *token),
                        hot: false,
                    })
                    .collect();
        }
        // The box draws the table while a row is held, and Raft's log otherwise (each cell's command in its tooltip:
        // + grant, − release, × expiry), with Raft's legend.
        if !d.table.is_empty() {
            d.legend = Some(note!("locking.legend.raft-table"));
        }
        d
    }

    /// Raft's invariants after an event of a lock server.
    pub(super) fn raft_check(&self, w: &mut CheckView<'_, Self>, node: NodeId, out: &mut Vec<Violation>) {
        embed::check(self.lock_raft(), w, |c| &mut c.raft, Some(node), out);
    }
}
