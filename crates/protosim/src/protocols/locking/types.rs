//! The locking protocols' data: messages, timers, the lock table, rows and pending writes, transactions, node
//! states and disks, and what the checker keeps. Behaviour lives beside it, one concern per file.

use crate::domain::{Catalogue, CheckoutRequest, RequestId};
use crate::engine::{Ctx, Message, TimerId, TimerKind};
use crate::narration::{Arg, Note};
use crate::note;
use crate::scenario::{DeadlockStrategy, LockService, NodeId};
use crate::vecmap::{VecMap, VecSet};

/// A checkout gives up after this many failed attempts.
pub const MAX_ATTEMPTS: u32 = 8;
/// A customer waits this long for a checkout; then the shopper gives up on it ("please try again") — unless its
/// commit is already under way, whose fate it must learn first. Without a deadline, a backlog piled up during an
/// outage would take many seconds to drain through a hot row's lock after it.
pub const CHECKOUT_DEADLINE_US: u64 = 5_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Variant {
    Correct,
    NoFencing,
    ReleaseBeforeWrite,
    NoVersionCheck,
}

/// A row of the store: the stock of an item (`0..26`) or a customer's wallet (`WALLET_BASE + customer`).
pub type Row = u16;
pub const WALLET_BASE: Row = 32;
/// A transaction: the request id times 256 plus the attempt number.
pub type TxnId = u64;
/// A transaction's age: when its checkout was first submitted, then the request id. Smaller is older.
pub type Prio = (u64, RequestId);

/// A row's name in messages: the item's name, or `wallet3`.
pub fn row_label(row: Row) -> String {
    if row >= WALLET_BASE {
        format!("wallet{}", row - WALLET_BASE)
    } else {
        crate::domain::item_name(row).to_string()
    }
}

pub fn txn_name(txn: TxnId) -> String {
    format!("#{}.{}", txn >> 8, txn & 255)
}

/// A transaction in narration: its name, an identifier.
pub fn txn_arg(txn: TxnId) -> Arg {
    Arg::from(txn_name(txn))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Shared,
    Exclusive,
}

impl Mode {
    pub(super) fn letter(self) -> &'static str {
        match self {
            Mode::Shared => "S",
            Mode::Exclusive => "X",
        }
    }
    pub fn compatible(self, other: Mode) -> bool {
        self == Mode::Shared && other == Mode::Shared
    }
}

/// Why the lock manager took a transaction's locks away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Revoke {
    Deadlock,
    Wounded,
    Timeout,
    LeaseExpired,
    /// The lock manager does not know the transaction (it restarted, or already ended it).
    Unknown,
    /// The Raft lock service's log already ended the transaction (released, or its lease expired).
    Ended,
}

impl Revoke {
    /// Why, as a phrase of narration.
    pub(super) fn note(self) -> Note {
        match self {
            Revoke::Deadlock => note!("locking.revoke.deadlock"),
            Revoke::Wounded => note!("locking.revoke.wounded"),
            Revoke::Timeout => note!("locking.revoke.timeout"),
            Revoke::LeaseExpired => note!("locking.revoke.lease"),
            Revoke::Unknown => note!("locking.revoke.unknown"),
            Revoke::Ended => note!("locking.revoke.ended"),
        }
    }
}

/// Why a storage node refused a read or a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// Optimistic: the row changed since it was read (or another write is pending on it).
    Conflict { row: Row },
    /// Pessimistic: the token is older than the row's fence — the lock was revoked.
    Fenced { row: Row },
    /// The transaction was already aborted here.
    Aborted,
}

/// One write of a prewrite: the new value, and the version read (optimistic) or the fencing token (pessimistic).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Write {
    pub row: Row,
    pub value: i64,
    pub check: u64,
}

#[derive(Clone, Debug)]
pub enum Msg {
    Lock {
        txn: TxnId,
        row: Row,
        mode: Mode,
        prio: Prio,
    },
    /// `ack`: the shopper waits for the OK (only `release-before-write` does).
    Release {
        txn: TxnId,
        ack: bool,
    },
    Renew {
        txn: TxnId,
    },
    Granted {
        txn: TxnId,
        row: Row,
        token: u64,
    },
    Released {
        txn: TxnId,
    },
    Revoked {
        txn: TxnId,
        why: Revoke,
    },
    /// Redlock server → shopper: another transaction holds `row` here (`SET … NX` failed). A no, not a revocation.
    Held {
        txn: TxnId,
        row: Row,
    },
    /// Lock manager → storage: refuse tokens below `token` on these rows from now on.
    Fence {
        rows: Vec<Row>,
        token: u64,
    },
    Fenced {
        rows: Vec<Row>,
        token: u64,
    },
    /// `rows`: each with the fencing token (pessimistic) or 0.
    Read {
        txn: TxnId,
        rows: Vec<(Row, u64)>,
    },
    /// Each row: value, version.
    Values {
        txn: TxnId,
        rows: Vec<(Row, i64, u64)>,
    },
    /// Another transaction's write is pending on a row: try again shortly.
    Busy {
        txn: TxnId,
    },
    /// `deltas` (primary only): what the checkout takes from each row, kept for the commit record.
    Prewrite {
        txn: TxnId,
        primary: NodeId,
        writes: Vec<Write>,
        deltas: Vec<(Row, i64)>,
    },
    Prepared {
        txn: TxnId,
    },
    Refused {
        txn: TxnId,
        why: Refusal,
    },
    Commit {
        txn: TxnId,
        primary: bool,
    },
    Decided {
        txn: TxnId,
        committed: bool,
    },
    Rollback {
        txn: TxnId,
        primary: NodeId,
    },
    /// Storage → the primary: has this transaction committed? `force`: abort it now unless it has.
    Resolve {
        txn: TxnId,
        force: bool,
    },
    Resolved {
        txn: TxnId,
        committed: Option<bool>,
    },
    /// Between the Raft lock servers (`service: raft`): Raft's own messages.
    Raft(Box<crate::protocols::raft::Msg<LockMachine>>),
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Lock { .. } => "Lock",
            Msg::Release { .. } => "Unlock",
            Msg::Renew { .. } => "Renew",
            Msg::Granted { .. } => "Grant",
            Msg::Released { .. } => "Unlocked",
            Msg::Revoked { .. } => "Revoked",
            Msg::Held { .. } => "Held",
            Msg::Fence { .. } => "Fence",
            Msg::Fenced { .. } => "Fenced",
            Msg::Read { .. } => "Read",
            Msg::Values { .. } => "Values",
            Msg::Busy { .. } => "Busy",
            Msg::Prewrite { .. } => "Write",
            Msg::Prepared { .. } => "Written",
            Msg::Refused { why: Refusal::Conflict { .. }, .. } => "Conflict",
            Msg::Refused { why: Refusal::Fenced { .. }, .. } => "Refused",
            Msg::Refused { .. } => "Refused",
            Msg::Commit { .. } => "Commit",
            Msg::Decided { committed: true, .. } => "Committed",
            Msg::Decided { committed: false, .. } => "Aborted",
            Msg::Rollback { .. } => "Rollback",
            Msg::Resolve { .. } => "Resolve?",
            Msg::Resolved { .. } => "Resolved",
            Msg::Raft(m) => m.label(),
        }
    }

    fn kind(&self) -> crate::engine::MsgKind {
        use crate::engine::MsgKind;
        match self {
            // A refused write, and a lock taken away (expired lease, deadlock victim, wounded).
            Msg::Refused { .. } | Msg::Revoked { .. } | Msg::Held { .. } => MsgKind::Refusal,
            Msg::Granted { .. }
            | Msg::Values { .. }
            | Msg::Busy { .. }
            | Msg::Released { .. }
            | Msg::Prepared { .. }
            | Msg::Decided { .. }
            | Msg::Resolved { .. }
            | Msg::Fenced { .. } => MsgKind::Reply,
            Msg::Raft(m) => m.kind(),
            _ => MsgKind::Request,
        }
    }
    fn detail(&self) -> Note {
        let t = |txn: &TxnId| txn_name(*txn);
        let row = |r: &Row| row_label(*r);
        match self {
            Msg::Lock { txn, row: r, mode, .. } => {
                note!("locking.msg.lock", txn = t(txn), mode = mode.letter().to_string(), row = row(r))
            }
            Msg::Release { txn, .. } => note!("locking.msg.release", txn = t(txn)),
            Msg::Renew { txn } => note!("locking.msg.renew", txn = t(txn)),
            Msg::Granted { txn, row: r, token } => {
                note!("locking.msg.granted", txn = t(txn), row = row(r), token = *token)
            }
            Msg::Released { txn } => note!("locking.msg.released", txn = t(txn)),
            Msg::Revoked { txn, why } => note!("locking.msg.revoked", txn = t(txn), why = why.note()),
            Msg::Held { txn, row: r } => note!("locking.msg.held", txn = t(txn), row = row(r)),
            Msg::Fence { rows, token } => note!("locking.msg.fence", token = *token, rows = rows.len()),
            Msg::Fenced { rows, token } => note!("locking.msg.fenced", rows = rows.len(), token = *token),
            Msg::Read { txn, rows } => note!("locking.msg.read", txn = t(txn), rows = rows.len()),
            Msg::Values { txn, rows } => {
                let values: Vec<String> = rows.iter().map(|(r, v, ver)| format!("{}={v} v{ver}", row(r))).collect();
                note!("locking.msg.values", txn = t(txn), values = values.join(" "))
            }
            Msg::Busy { txn } => note!("locking.msg.busy", txn = t(txn)),
            Msg::Prewrite { txn, writes, .. } => note!("locking.msg.prewrite", txn = t(txn), rows = writes.len()),
            Msg::Prepared { txn } => note!("locking.msg.prepared", txn = t(txn)),
            Msg::Refused { txn, why: Refusal::Conflict { row: r } } => {
                note!("locking.msg.conflict", txn = t(txn), row = row(r))
            }
            Msg::Refused { txn, why: Refusal::Fenced { row: r } } => {
                note!("locking.msg.fenced_out", txn = t(txn), row = row(r))
            }
            Msg::Refused { txn, why: Refusal::Aborted } => note!("locking.msg.already_aborted", txn = t(txn)),
            Msg::Commit { txn, primary: true } => note!("locking.msg.commit.primary", txn = t(txn)),
            Msg::Commit { txn, primary: false } => note!("locking.msg.commit.secondary", txn = t(txn)),
            Msg::Decided { txn, committed: true } => note!("locking.msg.decided.committed", txn = t(txn)),
            Msg::Decided { txn, committed: false } => note!("locking.msg.decided.aborted", txn = t(txn)),
            Msg::Rollback { txn, .. } => note!("locking.msg.rollback", txn = t(txn)),
            Msg::Resolve { txn, force: true } => note!("locking.msg.resolve.force", txn = t(txn)),
            Msg::Resolve { txn, force: false } => note!("locking.msg.resolve", txn = t(txn)),
            Msg::Resolved { txn, committed: Some(true) } => note!("locking.msg.decided.committed", txn = t(txn)),
            Msg::Resolved { txn, committed: Some(false) } => note!("locking.msg.decided.aborted", txn = t(txn)),
            Msg::Resolved { txn, committed: None } => note!("locking.msg.resolved.pending", txn = t(txn)),
            Msg::Raft(m) => m.detail(),
        }
    }
    fn count(&self) -> Option<u32> {
        match self {
            Msg::Raft(m) => m.count(),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub enum Timer {
    /// Shopper: resend what the current step waits for (or, after a failed attempt, start the next one).
    Step(RequestId),
    /// Shopper: renew the lease of the current transaction.
    Renew(RequestId),
    /// Lock manager: a transaction's lease may have run out.
    Lease(TxnId),
    /// Lock manager, `timeout` strategy: a lock request has waited long enough.
    Wait(TxnId),
    /// Lock manager, `detect` strategy: look for cycles.
    Detect,
    /// Lock manager: send unacknowledged fences again.
    Refence,
    /// Storage: a pending write has lived long enough to ask the primary about it.
    Ttl(TxnId),
    /// A Raft lock server's election and heartbeat timers.
    Raft(crate::protocols::raft::Timer),
}

impl TimerKind for Timer {
    fn name(&self) -> &'static str {
        match self {
            Timer::Step(_) => "step",
            Timer::Renew(_) => "renew lease",
            Timer::Lease(_) => "lease check",
            Timer::Wait(_) => "lock wait timeout",
            Timer::Detect => "deadlock check",
            Timer::Refence => "fence again",
            Timer::Ttl(_) => "pending write expired",
            Timer::Raft(t) => t.name(),
        }
    }
}

/// A row's lock: holders (with their tokens), the FIFO queue, and a fence not yet acknowledged.
#[derive(Clone, Debug, Default)]
pub struct RowLock {
    pub holders: Vec<(TxnId, Mode, u64)>,
    pub queue: Vec<(TxnId, Mode)>,
    /// Revoked: not grantable until its storage node confirms it refuses tokens below this one.
    pub fencing: Option<u64>,
}

/// What the lock manager knows about one transaction.
#[derive(Clone, Debug)]
pub struct TxnLocks {
    pub prio: Prio,
    pub shopper: NodeId,
    pub lease_until: u64,
    pub(super) lease_timer: TimerId,
    pub held: Vec<Row>,
    /// The row it waits for, since when, and its wait timer (`timeout` strategy).
    pub waiting: Option<(Row, u64, Option<TimerId>)>,
}

/// The lock manager's volatile state: the lock table is lost when it crashes.
#[derive(Clone, Debug, Default)]
pub struct LockMgr {
    pub rows: VecMap<Row, RowLock>,
    pub txns: VecMap<TxnId, TxnLocks>,
    /// Transactions it aborted or released: a late request from one of them is refused.
    pub(super) dead: VecSet<TxnId>,
    pub(super) detect_armed: bool,
    pub(super) refence_armed: bool,
    /// Who started waiting since the last [`LockMgr::cycle`]: only they can have closed a new cycle.
    pub(super) new_waiters: Vec<TxnId>,
    /// The cycle found last time, if any.
    pub(super) cycle_cache: Option<Vec<TxnId>>,
}

/// A row as a storage node keeps it.
#[derive(Clone, Debug)]
pub struct Cell {
    pub value: i64,
    pub version: u64,
    /// Reads and writes with an older fencing token are refused.
    pub fence: u64,
    pub intent: Option<Intent>,
}

/// A pending (prewritten, not yet committed) write.
#[derive(Clone, Debug)]
pub struct Intent {
    pub txn: TxnId,
    pub value: i64,
    pub token: u64,
    pub primary: NodeId,
    pub since_us: u64,
}

/// The primary's durable decision on a transaction.
#[derive(Clone, Debug)]
pub struct Record {
    pub committed: bool,
    /// What the checkout took from each row (empty for an abort the primary never saw the writes of).
    pub deltas: Vec<(Row, i64)>,
}

/// A storage node's disk.
#[derive(Clone, Debug, Default)]
pub struct Store {
    pub cells: VecMap<Row, Cell>,
    pub records: VecMap<TxnId, Record>,
    /// Deltas of transactions this node is the primary of, kept from the prewrite until the decision.
    pub deltas: VecMap<TxnId, Vec<(Row, i64)>>,
    /// Conditional writes refused (optimistic conflicts, fenced tokens): shown in the node box.
    pub refused: u64,
    pub(super) dirty_rows: Vec<Row>,
    pub(super) dirty_txns: Vec<TxnId>,
}

/// A storage node's volatile state: its time-to-live timers and the fences it has not acknowledged yet.
#[derive(Clone, Debug, Default)]
pub struct StoreVol {
    pub(super) ttl: VecMap<TxnId, TimerId>,
    pub(super) fences: Vec<(NodeId, Vec<Row>, u64)>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Asking for the lock on `rows[i]`.
    Locking(usize),
    Reading,
    /// `release-before-write` only: waiting for the lock manager's OK before writing.
    Unlocking,
    Prewriting,
    /// Decided to commit: asking the primary (resent after a restart until it answers).
    Committing,
    /// The attempt failed; the next one starts when the step timer fires.
    Backoff,
}

/// One attempt at a checkout.
#[derive(Clone, Debug)]
pub struct Attempt {
    pub txn: TxnId,
    pub phase: Phase,
    /// The rows in locking order with what the checkout takes from each.
    pub rows: Vec<(Row, i64)>,
    pub tokens: Vec<u64>,
    pub read: Vec<Option<(i64, u64)>>,
    /// Storage nodes whose answer the current step waits for.
    pub waiting: Vec<NodeId>,
    pub released: bool,
    /// Redlock: the lock servers that granted, and that refused, the row being locked, and when (the shopper's
    /// clock, µs) it first asked for it.
    pub granted: Vec<NodeId>,
    pub refused: Vec<NodeId>,
    pub asked_at_us: u64,
}

/// A checkout a shopper is running: kept on disk until it is answered.
#[derive(Clone, Debug)]
pub struct Job {
    pub req: CheckoutRequest,
    pub prio: Prio,
    pub seq: u64,
    /// Attempts that failed (conflicts, revoked locks).
    pub failed: u32,
    pub a: Attempt,
}

#[derive(Clone, Debug, Default)]
pub struct ShopperVol {
    /// Per checkout: its step timer and its lease-renewal timer.
    pub(super) timers: VecMap<RequestId, (TimerId, TimerId)>,
}

/// A Redlock lock server's memory (Redis without an fsync per write: a restart forgets every lock): row → the
/// holder and when its key expires, on this server's clock (µs).
#[derive(Clone, Debug, Default)]
pub struct RedisVol {
    pub rows: VecMap<Row, (TxnId, u64)>,
}

#[derive(Clone, Debug)]
pub enum State {
    Locks(LockMgr),
    Redis(RedisVol),
    /// A Raft lock server: Raft's server state, its applied lock table inside (boxed: the largest state by far).
    Raft(Box<crate::protocols::raft::State<LockMachine>>),
    Store(StoreVol),
    Shopper(ShopperVol),
}

#[derive(Clone, Debug)]
pub enum Disk {
    /// The lock manager keeps only its token counter (and whether it ran before) on disk.
    Locks {
        next_token: u64,
        started: bool,
    },
    /// A Redlock lock server keeps nothing on disk.
    Redis,
    /// A Raft lock server: its term, vote and log of lock commands.
    Raft(crate::protocols::raft::Disk<LockMachine>),
    Store(Box<Store>),
    Shopper {
        jobs: VecMap<RequestId, Job>,
    },
}

// ----- the Raft lock service's state machine (its rules: `raft_locks.rs`) -----

/// A command of the replicated lock table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LockCmd {
    /// Grant `row` to `txn` (of `shopper`) if it is free; the token is this entry's index.
    Acquire { txn: TxnId, row: Row, shopper: NodeId },
    /// Free every row of `txn`; `ack`: the shopper waits for [`Msg::Released`].
    Release { txn: TxnId, shopper: NodeId, ack: bool },
    /// The leader saw `txn`'s lease run out: free its rows and tell its shopper.
    Expire { txn: TxnId, shopper: NodeId },
}

/// The lock table on one server, as the applied entries left it, and the leader's bookkeeping.
#[derive(Clone, Debug, Default)]
pub struct LockTable {
    /// Row → its holder and fencing token (the index of the entry that granted it).
    pub rows: VecMap<Row, (TxnId, u64)>,
    /// Each holding transaction: its shopper and when its lease runs out, on this server's clock (µs; only the
    /// leader's count).
    pub leases: VecMap<TxnId, (NodeId, u64)>,
    /// Transactions released or expired: a late request of one is not granted again.
    pub(super) ended: VecSet<TxnId>,
    /// Leader: lock requests and expiries it logged and has not applied yet.
    pub(super) proposed: VecSet<(TxnId, Row)>,
    pub(super) expiring: VecSet<TxnId>,
    /// An entry was applied since the last audit (only applying changes what the audit reads).
    pub(super) applied_since_audit: bool,
}

/// The lock table as Raft's state machine: its lease, µs.
#[derive(Clone, Debug)]
pub struct LockMachine {
    pub lease_us: u64,
}

/// What the checker remembers between events.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Per row: what committed checkouts took from it.
    pub(super) taken: VecMap<Row, i64>,
    pub(super) committed: VecSet<TxnId>,
    /// Request → its committed transaction.
    pub(super) by_request: VecMap<RequestId, TxnId>,
    /// Request → whether it was answered "confirmed".
    pub(super) answered: VecMap<RequestId, bool>,
    pub(super) answers_seen: usize,
    /// Per wallet row: its value as last checked (to keep the money total incrementally).
    pub(super) wallets: VecMap<Row, i64>,
    pub(super) wallets_total: Option<i64>,
    pub(super) revenue: i64,
    /// The wait-for cycle standing in the lock table (its members, sorted) and when the checker first saw it, in
    /// true time (the lock manager's own timestamps are on its clock, which may be off).
    pub(super) cycle_seen: Option<(Vec<TxnId>, u64)>,
    /// Raft's checker over the Raft lock servers.
    pub(super) raft: crate::protocols::raft::Checker,
}

#[derive(Clone, Debug)]
pub struct Locking {
    pub(super) pessimistic: bool,
    pub(super) variant: Variant,
    pub(super) strategy: DeadlockStrategy,
    pub(super) service: LockService,
    /// The Raft cluster of lock servers (`service: raft` only).
    pub(super) raft: Option<crate::protocols::raft::Raft<LockMachine>>,
    pub(super) catalogue: Catalogue,
    pub(super) stores: u16,
    /// The first storage node: the lock servers come before it (1 lock manager, or the Redlock servers; none in
    /// optimistic mode).
    pub(super) base: NodeId,
    pub(super) lease_us: u64,
    pub(super) renew_us: u64,
    pub(super) lock_timeout_us: u64,
    pub(super) detect_us: u64,
    pub(super) ttl_us: u64,
    pub(super) step_us: u64,
    pub(super) busy_us: u64,
    pub(super) backoff_us: u64,
}

pub(super) const LOCKS: NodeId = 0;

impl Locking {
    pub(super) fn servers(&self) -> NodeId {
        self.base + self.stores
    }
    pub(super) fn is_store(&self, n: NodeId) -> bool {
        n >= self.base && n < self.servers()
    }
    pub fn node_of(&self, row: Row) -> NodeId {
        let index = if row >= WALLET_BASE { row - WALLET_BASE } else { row };
        self.base + index % self.stores
    }
    /// Whether storage refuses stale tokens: pessimistic with one lock manager (Redlock's tokens are per server, so
    /// no order exists to fence by).
    pub(super) fn fencing(&self) -> bool {
        self.pessimistic && self.variant != Variant::NoFencing && !self.redlock()
    }
    /// Whether a read's token raises its row's fence (the Raft lock service: its tokens are log indexes, ordered
    /// across every grant, and no lock manager sends fences).
    pub(super) fn fences_on_read(&self) -> bool {
        self.fencing() && self.raft.is_some()
    }
    pub(super) fn redlock(&self) -> bool {
        self.pessimistic && self.service == LockService::Redlock
    }
    /// Whether `n` is one of the Redlock servers.
    pub(super) fn is_redis(&self, n: NodeId) -> bool {
        self.redlock() && n < self.base
    }
    /// Whether `n` is one of the Raft lock servers.
    pub(super) fn is_raft(&self, n: NodeId) -> bool {
        self.raft.is_some() && n < self.base
    }
    /// The lock servers: the lock manager, or every Redlock server.
    pub(super) fn lock_servers(&self) -> std::ops::Range<NodeId> {
        0..self.base
    }
    /// Redlock: how many servers make a majority.
    pub(super) fn majority(&self) -> usize {
        usize::from(self.base) / 2 + 1
    }
    /// Redlock: the clock drift allowed for, µs (the Redis documentation: 1 % of the validity plus 2 ms).
    pub(super) fn drift_allowance_us(&self) -> u64 {
        self.lease_us / 100 + 2_000
    }
    pub fn row_name(&self, row: Row) -> String {
        row_label(row)
    }
    pub(super) fn initial(&self, row: Row) -> i64 {
        if row >= WALLET_BASE {
            self.catalogue.wallet_cents as i64
        } else {
            i64::from(self.catalogue.initial_stock)
        }
    }
    pub(super) fn all_rows(&self) -> Vec<Row> {
        let items = 0..self.catalogue.items.len() as Row;
        let wallets = (0..self.catalogue.customers).map(|c| WALLET_BASE + c);
        items.chain(wallets).collect()
    }
    /// How long a detected deadlock may last: the bound the `no-deadlock` invariant checks.
    pub fn deadlock_bound_us(&self) -> u64 {
        match self.strategy {
            DeadlockStrategy::Detect => self.detect_us,
            DeadlockStrategy::WoundWait => 0,
            DeadlockStrategy::Timeout => self.lock_timeout_us,
        }
    }
    pub fn lease_us(&self) -> u64 {
        self.lease_us
    }

    // ----- lock manager -----

    pub(super) fn lm_persist_token(ctx: &mut Ctx<'_, Self>) -> u64 {
        ctx.persist(|d| match d {
            Disk::Locks { next_token, .. } => {
                *next_token += 1;
                *next_token
            }
            _ => 0,
        })
    }

    pub(super) fn lm_next_token(ctx: &Ctx<'_, Self>) -> u64 {
        match ctx.disk() {
            Disk::Locks { next_token, .. } => *next_token + 1,
            _ => 0,
        }
    }
}
