//! # Pessimistic and optimistic locking: shoppers racing for the last item
//!
//! The shop's rows — the stock of each item and each customer's wallet — live on 1 to 3 storage nodes (`store1…`,
//! rows spread round-robin). Every shopper runs its checkouts itself, as transactions against those rows.
//!
//! ## Pessimistic mode (strict two-phase locking, Eswaran et al. 1976; leases and fencing tokens)
//! - A **lock manager** (`locks`, node 0) keeps shared and exclusive locks per row with a FIFO wait queue: a request
//!   is granted only when it is compatible with every holder *and* nobody is queued ahead of it. A checkout writes
//!   every row it touches, so it asks for exclusive locks (like `SELECT … FOR UPDATE`), one row at a time in basket
//!   order, then the wallet — two baskets holding the same items in opposite orders can deadlock.
//! - **Strict 2PL:** locks are released only after the commit (or the abort) — never between reading and writing.
//! - **Deadlocks**, handled as the scenario chooses (`locking.deadlock`): `detect` looks for cycles in the wait-for
//!   graph a moment after someone starts waiting (like PostgreSQL's `deadlock_timeout`) and aborts the youngest
//!   transaction of each cycle; `wound-wait` lets an older transaction abort ("wound") a younger one it would wait for,
//!   while younger ones wait, so no cycle can form; `timeout` just gives up on a lock after waiting too long.
//!   Age is the time the checkout was first submitted: a retried transaction keeps it, so it cannot starve.
//! - **Leases:** a lock is held only while the shopper renews its lease; a crashed or cut-off shopper loses its locks
//!   when the lease runs out. Every grant carries a **fencing token**, larger than every earlier one. Before a revoked
//!   lock (expired lease, deadlock victim, wounded transaction) is granted again, the lock manager *fences* the row at
//!   its storage node: from then on the storage node refuses any read or write carrying an older token, so a shopper
//!   that comes back after its lease expired cannot write (Kleppmann, "How to do distributed locking", 2016). The
//!   fence is acknowledged only after any pending write of the old holder is settled. A restarted lock manager has
//!   forgotten every lock, so it fences every row before granting anything.
//!
//! ## Optimistic mode (Kung & Robinson, "On Optimistic Methods for Concurrency Control", 1981)
//! - Read each row's (value, version); compute; then a **conditional write** that the storage node validates and
//!   applies atomically: it succeeds only if every version read is unchanged (and no other write is pending).
//! - On a conflict the shopper retries from the reads after an **exponential back-off with jitter** (half the
//!   window fixed, half random), up to 8 attempts; then it gives up and tells the customer.
//!
//! ## Committing across storage nodes (both modes)
//! A checkout usually touches rows on several storage nodes, and its writes must land on all or none. Writes are
//! first placed as *pending writes* (prewrite: validated, not yet visible), then the transaction commits at its
//! **primary** — the storage node of the customer's wallet — which records the decision durably; then the other
//! nodes apply. A pending write left behind by a crashed shopper is settled by asking the primary, which aborts the
//! transaction if it has not committed and the write is older than its time-to-live. (This is Percolator's commit,
//! Peng & Dabek 2010: no separate coordinator that could block.) Shoppers keep every unfinished checkout on disk,
//! resume it after a restart, and before retrying always learn the fate of the previous attempt from the primary,
//! so a checkout is never charged twice.
//!
//! Variants (textbook mistakes):
//! - `no-fencing` (pessimistic): leases expire but writes carry no fencing token, so a holder whose lease expired
//!   can still write over the next holder's work.
//! - `release-before-write` (pessimistic): locks are released (the unlock call returns) before the writes are
//!   applied: not two-phase.
//! - `no-version-check` (optimistic): the seed article's §4.5 — the write compares the version with itself instead of
//!   with the version read, so it never detects a concurrent update.

use crate::domain::{cents, rules, AbortReason, Catalogue, CheckoutRequest, Outcome, RequestId};
use crate::engine::{CheckView, Ctx, Message, NodeDetail, Protocol, Role, TableLine, TimerId, TimerKind, WaitEdge};
use crate::invariants::{InvariantInfo, Violation};
use crate::protocols::meta::{ProtocolInfo, VariantInfo};
use crate::scenario::{DeadlockStrategy, NodeId, ProtocolKind, Scenario};
use crate::vecmap::{VecMap, VecSet};

pub const MUTUAL_EXCLUSION: InvariantInfo = InvariantInfo {
    name: "mutual-exclusion",
    rule: "a row never has two exclusive holders, nor a shared holder beside an exclusive one",
};
pub const NO_LOST_UPDATE: InvariantInfo = InvariantInfo {
    name: "no-lost-update",
    rule: "every row equals its starting value minus what committed checkouts took from it",
};
pub const NO_DEADLOCK: InvariantInfo = InvariantInfo {
    name: "no-deadlock",
    rule: "no cycle of transactions waiting for each other lasts longer than the strategy's bound",
};

const PESSIMISTIC_INVARIANTS: [InvariantInfo; 7] = [
    MUTUAL_EXCLUSION,
    NO_LOST_UPDATE,
    NO_DEADLOCK,
    rules::NO_OVERSELL,
    rules::MONEY_CONSERVED,
    rules::CONFIRMED_EXACTLY,
    rules::NO_DOUBLE_CHARGE,
];
const OPTIMISTIC_INVARIANTS: [InvariantInfo; 5] =
    [NO_LOST_UPDATE, rules::NO_OVERSELL, rules::MONEY_CONSERVED, rules::CONFIRMED_EXACTLY, rules::NO_DOUBLE_CHARGE];

pub const PESSIMISTIC_INFO: ProtocolInfo = ProtocolInfo {
    kind: ProtocolKind::Pessimistic,
    title: "pessimistic locking",
    nodes: (1, 3),
    default_nodes: 2,
    variants: &[
        VariantInfo { name: "correct", explain: "strict two-phase locking with leases and fencing tokens" },
        VariantInfo {
            name: "no-fencing",
            explain: "leases expire but writes carry no fencing token: a holder whose lease ran out still writes",
        },
        VariantInfo {
            name: "release-before-write",
            explain: "locks are released before the writes are applied: another shopper reads the old value",
        },
    ],
    invariants: &PESSIMISTIC_INVARIANTS,
    liveness_bound_ms: Some(5_500),
    // The lock manager (node 0), then the storage nodes.
    servers: |s| s.nodes + 1,
    liveness_quorum: crate::protocols::meta::every_server,
};

pub const OPTIMISTIC_INFO: ProtocolInfo = ProtocolInfo {
    kind: ProtocolKind::Optimistic,
    title: "optimistic locking",
    nodes: (1, 3),
    default_nodes: 2,
    variants: &[
        VariantInfo {
            name: "correct",
            explain: "versioned rows, conditional writes, retries with back-off and jitter",
        },
        VariantInfo {
            name: "no-version-check",
            explain: "the write compares the version with itself, not with the one read (§4.5): updates get lost",
        },
    ],
    invariants: &OPTIMISTIC_INVARIANTS,
    liveness_bound_ms: Some(5_500),
    servers: crate::protocols::meta::nodes_only,
    liveness_quorum: crate::protocols::meta::every_server,
};

/// Metric: how long each lock request waited before it was granted (µs).
pub const LOCK_WAIT_METRIC: &str = "lock-wait";
/// Metric: attempts each answered checkout took (1 = no retry).
pub const ATTEMPTS_METRIC: &str = "attempts";
/// A checkout gives up after this many failed attempts.
pub const MAX_ATTEMPTS: u32 = 8;
/// A customer waits this long for a checkout; then the shopper gives up on it ("please try again") — unless its
/// commit is already under way, whose fate it must learn first. Without a deadline, a backlog piled up during an
/// outage would take many seconds to drain through a hot row's lock after it.
pub const CHECKOUT_DEADLINE_US: u64 = 5_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Variant {
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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Shared,
    Exclusive,
}

impl Mode {
    fn letter(self) -> &'static str {
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
}

impl Revoke {
    fn text(self) -> &'static str {
        match self {
            Revoke::Deadlock => "chosen as the deadlock victim",
            Revoke::Wounded => "wounded by an older transaction",
            Revoke::Timeout => "waited too long for a lock",
            Revoke::LeaseExpired => "its lease expired",
            Revoke::Unknown => "the lock manager no longer knows it",
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
        }
    }
    fn detail(&self) -> String {
        match self {
            Msg::Lock { txn, row, mode, .. } => {
                format!("{} asks for the {} lock on {}", txn_name(*txn), mode.letter(), row_label(*row))
            }
            Msg::Release { txn, .. } => format!("{} releases all its locks", txn_name(*txn)),
            Msg::Renew { txn } => format!("{} renews its lease", txn_name(*txn)),
            Msg::Granted { txn, row, token } => {
                format!("{} gets {} with fencing token {token}", txn_name(*txn), row_label(*row))
            }
            Msg::Released { txn } => format!("{}: locks released", txn_name(*txn)),
            Msg::Revoked { txn, why } => format!("{} loses its locks: {}", txn_name(*txn), why.text()),
            Msg::Fence { rows, token } => format!("refuse tokens below {token} on {} row(s)", rows.len()),
            Msg::Fenced { rows, token } => format!("{} row(s) fenced at token {token}", rows.len()),
            Msg::Read { txn, rows } => format!("{} reads {} row(s)", txn_name(*txn), rows.len()),
            Msg::Values { txn, rows } => {
                let parts: Vec<String> =
                    rows.iter().map(|(r, v, ver)| format!("{}={v} v{ver}", row_label(*r))).collect();
                format!("{}: {}", txn_name(*txn), parts.join(" "))
            }
            Msg::Busy { txn } => format!("{}: another write is pending, try again", txn_name(*txn)),
            Msg::Prewrite { txn, writes, .. } => format!("{} writes {} row(s), pending", txn_name(*txn), writes.len()),
            Msg::Prepared { txn } => format!("{}: writes pending here", txn_name(*txn)),
            Msg::Refused { txn, why } => match why {
                Refusal::Conflict { row } => {
                    format!("{}: {} changed since it was read", txn_name(*txn), row_label(*row))
                }
                Refusal::Fenced { row } => {
                    format!("{}: token too old for {} (fenced)", txn_name(*txn), row_label(*row))
                }
                Refusal::Aborted => format!("{}: already aborted", txn_name(*txn)),
            },
            Msg::Commit { txn, primary: true } => format!("{}: commit (at the primary)", txn_name(*txn)),
            Msg::Commit { txn, primary: false } => format!("{}: apply the committed writes", txn_name(*txn)),
            Msg::Decided { txn, committed } => {
                format!("{} {}", txn_name(*txn), if *committed { "committed" } else { "aborted" })
            }
            Msg::Rollback { txn, .. } => format!("{}: drop its pending writes", txn_name(*txn)),
            Msg::Resolve { txn, force } => {
                format!("did {} commit?{}", txn_name(*txn), if *force { " (abort it if not)" } else { "" })
            }
            Msg::Resolved { txn, committed } => match committed {
                Some(true) => format!("{} committed", txn_name(*txn)),
                Some(false) => format!("{} aborted", txn_name(*txn)),
                None => format!("{} still in progress", txn_name(*txn)),
            },
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

impl RowLock {
    /// The request at the front of the queue, if it can be granted now: the row is not being fenced and the request
    /// is compatible with every holder. Only the front is ever granted (FIFO: no request overtakes a waiting one).
    pub fn grantable(&self) -> Option<(TxnId, Mode)> {
        if self.fencing.is_some() {
            return None;
        }
        let &(txn, mode) = self.queue.first()?;
        self.holders.iter().all(|(t, m, _)| *t == txn || m.compatible(mode)).then_some((txn, mode))
    }
}

/// What the lock manager knows about one transaction.
#[derive(Clone, Debug)]
pub struct TxnLocks {
    pub prio: Prio,
    pub shopper: NodeId,
    pub lease_until: u64,
    lease_timer: TimerId,
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
    dead: VecSet<TxnId>,
    detect_armed: bool,
    refence_armed: bool,
    /// Who started waiting since the last [`LockMgr::cycle`]: only they can have closed a new cycle.
    new_waiters: Vec<TxnId>,
    /// The cycle found last time, if any.
    cycle_cache: Option<Vec<TxnId>>,
}

impl LockMgr {
    /// The transactions `txn` waits for on `row`: the incompatible holders, and the nearest incompatible request
    /// queued ahead of it. (It waits for every incompatible request ahead, but the nearest one waits in turn for
    /// the others — or for the same holders — so these edges have a cycle exactly when all of them do, and a long
    /// queue gives a chain rather than a quadratic number of edges.)
    pub fn blockers(&self, row: Row, txn: TxnId) -> Vec<TxnId> {
        let Some(l) = self.rows.get(&row) else { return Vec::new() };
        let Some(pos) = l.queue.iter().position(|(t, _)| *t == txn) else { return Vec::new() };
        let mode = l.queue[pos].1;
        let mut out: Vec<TxnId> =
            l.holders.iter().filter(|(t, m, _)| *t != txn && !m.compatible(mode)).map(|(t, _, _)| *t).collect();
        if let Some((t, _)) = l.queue[..pos].iter().rev().find(|(t, m)| *t != txn && !m.compatible(mode)) {
            out.push(*t);
        }
        out
    }

    /// Every transaction `txn` waits for on `row`, directly or behind others: wound-wait must wound every younger one.
    pub fn all_blockers(&self, row: Row, txn: TxnId) -> Vec<TxnId> {
        let Some(l) = self.rows.get(&row) else { return Vec::new() };
        let Some(pos) = l.queue.iter().position(|(t, _)| *t == txn) else { return Vec::new() };
        let mode = l.queue[pos].1;
        let holders = l.holders.iter().filter(|(t, m, _)| *t != txn && !m.compatible(mode)).map(|(t, _, _)| *t);
        let ahead = l.queue[..pos].iter().filter(|(t, m)| *t != txn && !m.compatible(mode)).map(|(t, _)| *t);
        holders.chain(ahead).collect()
    }

    /// Every wait-for edge: (waiter, blocker, row).
    pub fn wait_for(&self) -> Vec<(TxnId, TxnId, Row)> {
        let mut edges = Vec::new();
        for (&txn, t) in &self.txns {
            if let Some((row, _, _)) = t.waiting {
                for b in self.blockers(row, txn) {
                    edges.push((txn, b, row));
                }
            }
        }
        edges
    }

    /// [`LockMgr::find_cycle`], kept up to date cheaply for the checker, which asks after every event. A wait-for
    /// edge is only ever added when a transaction starts waiting (grants and releases only remove edges), so a new
    /// cycle can only appear then; otherwise it is enough to see whether the cycle found last time still stands.
    pub fn cycle(&mut self) -> Option<Vec<TxnId>> {
        let new = std::mem::take(&mut self.new_waiters);
        let stands = |c: &Vec<TxnId>| {
            c.iter().zip(c.iter().cycle().skip(1)).all(|(a, b)| {
                self.txns.get(a).and_then(|t| t.waiting).is_some_and(|(row, _, _)| self.blockers(row, *a).contains(b))
            })
        };
        match &self.cycle_cache {
            Some(c) if stands(c) => {}
            // Several cycles at once are rare: when the one we knew is broken, look at the whole graph again.
            Some(_) => self.cycle_cache = self.find_cycle(),
            None => self.cycle_cache = new.into_iter().find_map(|w| self.cycle_through(w)),
        }
        self.cycle_cache.clone()
    }

    /// A cycle through `start`, if its waits lead back to it (a depth-first search from it alone).
    pub fn cycle_through(&self, start: TxnId) -> Option<Vec<TxnId>> {
        let succ = |t: TxnId| -> Vec<TxnId> {
            self.txns.get(&t).and_then(|x| x.waiting).map(|(row, _, _)| self.blockers(row, t)).unwrap_or_default()
        };
        let mut seen = VecSet::from([start]);
        let mut path: Vec<(TxnId, Vec<TxnId>)> = vec![(start, succ(start))];
        while let Some((_, next)) = path.last_mut() {
            match next.pop() {
                Some(s) if s == start => return Some(path.iter().map(|(t, _)| *t).collect()),
                Some(s) => {
                    if seen.insert(s) {
                        let n = succ(s);
                        path.push((s, n));
                    }
                }
                None => {
                    path.pop();
                }
            }
        }
        None
    }

    /// A cycle of the wait-for graph, if there is one: its transactions in order.
    pub fn find_cycle(&self) -> Option<Vec<TxnId>> {
        let edges = self.wait_for();
        if edges.is_empty() {
            return None;
        }
        let mut next: VecMap<TxnId, Vec<TxnId>> = VecMap::new();
        for (a, b, _) in &edges {
            next.entry(*a).or_default().push(*b);
        }
        // Iterative depth-first search with colours: 1 = on the current path, 2 = done.
        let mut colour: VecMap<TxnId, u8> = VecMap::new();
        for &start in next.keys() {
            if colour.contains_key(&start) {
                continue;
            }
            let mut path: Vec<(TxnId, usize)> = vec![(start, 0)];
            colour.insert(start, 1);
            while let Some(&mut (node, ref mut k)) = path.last_mut() {
                let succ = next.get(&node).map_or(&[][..], |v| v.as_slice());
                if *k < succ.len() {
                    let s = succ[*k];
                    *k += 1;
                    match colour.get(&s) {
                        Some(1) => {
                            let from = path.iter().position(|(n, _)| *n == s).unwrap_or(0);
                            return Some(path[from..].iter().map(|(n, _)| *n).collect());
                        }
                        Some(_) => {}
                        None => {
                            colour.insert(s, 1);
                            path.push((s, 0));
                        }
                    }
                } else {
                    colour.insert(node, 2);
                    path.pop();
                }
            }
        }
        None
    }
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
    dirty_rows: Vec<Row>,
    dirty_txns: Vec<TxnId>,
}

/// A storage node's volatile state: its time-to-live timers and the fences it has not acknowledged yet.
#[derive(Clone, Debug, Default)]
pub struct StoreVol {
    ttl: VecMap<TxnId, TimerId>,
    fences: Vec<(NodeId, Vec<Row>, u64)>,
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
    timers: VecMap<RequestId, (TimerId, TimerId)>,
}

#[derive(Clone, Debug)]
pub enum State {
    Locks(LockMgr),
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
    Store(Box<Store>),
    Shopper {
        jobs: VecMap<RequestId, Job>,
    },
}

/// What the checker remembers between events.
#[derive(Clone, Debug, Default)]
pub struct Checker {
    /// Per row: what committed checkouts took from it.
    taken: VecMap<Row, i64>,
    committed: VecSet<TxnId>,
    /// Request → its committed transaction.
    by_request: VecMap<RequestId, TxnId>,
    /// Request → whether it was answered "confirmed".
    answered: VecMap<RequestId, bool>,
    answers_seen: usize,
    /// Per wallet row: its value as last checked (to keep the money total incrementally).
    wallets: VecMap<Row, i64>,
    wallets_total: Option<i64>,
    revenue: i64,
}

#[derive(Clone, Debug)]
pub struct Locking {
    pessimistic: bool,
    variant: Variant,
    strategy: DeadlockStrategy,
    catalogue: Catalogue,
    stores: u16,
    /// The first storage node (1 with a lock manager, 0 without).
    base: NodeId,
    lease_us: u64,
    renew_us: u64,
    lock_timeout_us: u64,
    detect_us: u64,
    ttl_us: u64,
    step_us: u64,
    busy_us: u64,
    backoff_us: u64,
}

const LOCKS: NodeId = 0;

impl Locking {
    fn servers(&self) -> NodeId {
        self.base + self.stores
    }
    fn is_store(&self, n: NodeId) -> bool {
        n >= self.base && n < self.servers()
    }
    pub fn node_of(&self, row: Row) -> NodeId {
        let index = if row >= WALLET_BASE { row - WALLET_BASE } else { row };
        self.base + index % self.stores
    }
    fn fencing(&self) -> bool {
        self.pessimistic && self.variant != Variant::NoFencing
    }
    pub fn row_name(&self, row: Row) -> String {
        row_label(row)
    }
    fn initial(&self, row: Row) -> i64 {
        if row >= WALLET_BASE {
            self.catalogue.wallet_cents as i64
        } else {
            i64::from(self.catalogue.initial_stock)
        }
    }
    fn all_rows(&self) -> Vec<Row> {
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

    fn lm_persist_token(ctx: &mut Ctx<'_, Self>) -> u64 {
        ctx.persist(|d| match d {
            Disk::Locks { next_token, .. } => {
                *next_token += 1;
                *next_token
            }
            _ => 0,
        })
    }

    fn lm_next_token(ctx: &Ctx<'_, Self>) -> u64 {
        match ctx.disk() {
            Disk::Locks { next_token, .. } => *next_token + 1,
            _ => 0,
        }
    }

    /// Grants queued requests from the front of the row's queue while they are compatible.
    fn pump(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, row: Row) {
        loop {
            let Some(l) = lm.rows.get_mut(&row) else { return };
            let Some((txn, mode)) = l.grantable() else { return };
            l.queue.remove(0);
            let token = Self::lm_persist_token(ctx);
            l.holders.push((txn, mode, token));
            let Some(t) = lm.txns.get_mut(&txn) else { continue };
            t.held.push(row);
            if let Some((_, since, timer)) = t.waiting.take() {
                if let Some(timer) = timer {
                    ctx.cancel_timer(timer);
                }
                let waited = ctx.now_us() - since;
                ctx.sample(LOCK_WAIT_METRIC, waited);
                if waited > 0 {
                    let name = self.row_name(row);
                    ctx.note(|| format!("grants {name} to {} after a wait of {} ms", txn_name(txn), waited / 1000));
                }
            }
            let shopper = t.shopper;
            ctx.send(shopper, Msg::Granted { txn, row, token });
        }
    }

    /// Takes every lock and queue place of `txn` away. Voluntary releases free the rows at once; revoked locks are
    /// fenced first (unless the variant forgot fencing).
    fn drop_txn(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, txn: TxnId, revoked: Option<Revoke>) {
        let Some(t) = lm.txns.remove(&txn) else { return };
        lm.dead.insert(txn);
        ctx.cancel_timer(t.lease_timer);
        let mut to_pump = Vec::new();
        if let Some((row, _, timer)) = t.waiting {
            if let Some(timer) = timer {
                ctx.cancel_timer(timer);
            }
            if let Some(l) = lm.rows.get_mut(&row) {
                l.queue.retain(|(q, _)| *q != txn);
            }
            to_pump.push(row);
        }
        let fence = revoked.is_some() && self.fencing();
        let token = Self::lm_next_token(ctx);
        let mut fenced: VecMap<NodeId, Vec<Row>> = VecMap::new();
        for row in &t.held {
            if let Some(l) = lm.rows.get_mut(row) {
                l.holders.retain(|(h, _, _)| *h != txn);
                if fence {
                    l.fencing = Some(token);
                    fenced.entry(self.node_of(*row)).or_default().push(*row);
                } else {
                    to_pump.push(*row);
                }
            }
        }
        for (node, rows) in fenced {
            ctx.send(node, Msg::Fence { rows, token });
        }
        if fence && !t.held.is_empty() {
            self.arm_refence(lm, ctx);
        }
        if let Some(why) = revoked {
            let held: Vec<String> = t.held.iter().map(|r| self.row_name(*r)).collect();
            ctx.note(|| {
                let rows = if held.is_empty() { "no locks".to_string() } else { held.join(", ") };
                let then = if fence && !t.held.is_empty() {
                    ": fences the rows before granting them again"
                } else if !t.held.is_empty() {
                    ": grants them again at once, without fencing"
                } else {
                    ""
                };
                format!("aborts {} ({}), taking {rows}{then}", txn_name(txn), why.text())
            });
            ctx.send(t.shopper, Msg::Revoked { txn, why });
        }
        for row in to_pump {
            self.pump(lm, ctx, row);
        }
    }

    fn arm_refence(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>) {
        if !lm.refence_armed {
            lm.refence_armed = true;
            ctx.set_timer(self.step_us, Timer::Refence);
        }
    }

    fn arm_detect(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>) {
        if self.strategy == DeadlockStrategy::Detect && !lm.detect_armed {
            lm.detect_armed = true;
            ctx.set_timer(self.detect_us, Timer::Detect);
        }
    }

    fn lock_message(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match msg {
            Msg::Lock { txn, row, mode, prio } => {
                if lm.dead.contains(&txn) {
                    ctx.send(from, Msg::Revoked { txn, why: Revoke::Unknown });
                    return;
                }
                let now = ctx.now_us();
                if !lm.txns.contains_key(&txn) {
                    let lease_timer = ctx.set_timer(self.lease_us, Timer::Lease(txn));
                    lm.txns.insert(
                        txn,
                        TxnLocks {
                            prio,
                            shopper: from,
                            lease_until: now + self.lease_us,
                            lease_timer,
                            held: Vec::new(),
                            waiting: None,
                        },
                    );
                }
                if let Some(t) = lm.txns.get_mut(&txn) {
                    t.lease_until = now + self.lease_us; // any request renews the lease
                }
                let l = lm.rows.entry(row).or_default();
                if let Some(&(_, _, token)) = l.holders.iter().find(|(t, _, _)| *t == txn) {
                    ctx.send(from, Msg::Granted { txn, row, token });
                    return;
                }
                if l.queue.iter().any(|(t, _)| *t == txn) {
                    return;
                }
                l.queue.push((txn, mode));
                lm.new_waiters.push(txn);
                if let Some(t) = lm.txns.get_mut(&txn) {
                    t.waiting = Some((row, now, None));
                }
                if self.strategy == DeadlockStrategy::WoundWait {
                    for b in lm.all_blockers(row, txn) {
                        let younger = lm.txns.get(&b).is_some_and(|bt| bt.prio > prio);
                        if younger {
                            self.drop_txn(lm, ctx, b, Some(Revoke::Wounded));
                        }
                    }
                }
                self.pump(lm, ctx, row);
                let still = lm.txns.get(&txn).is_some_and(|t| t.waiting.is_some());
                if still {
                    let blockers: Vec<String> = lm.blockers(row, txn).into_iter().map(txn_name).collect();
                    let name = self.row_name(row);
                    ctx.note(|| {
                        if blockers.is_empty() {
                            format!("{} waits for {name}: the row is being fenced", txn_name(txn))
                        } else {
                            format!("{} waits for {name}, behind {}", txn_name(txn), blockers.join(" and "))
                        }
                    });
                    match self.strategy {
                        DeadlockStrategy::Timeout => {
                            let timer = ctx.set_timer(self.lock_timeout_us, Timer::Wait(txn));
                            if let Some((_, _, slot)) = lm.txns.get_mut(&txn).and_then(|t| t.waiting.as_mut()) {
                                *slot = Some(timer);
                            }
                        }
                        DeadlockStrategy::Detect => self.arm_detect(lm, ctx),
                        DeadlockStrategy::WoundWait => {}
                    }
                }
            }
            Msg::Release { txn, ack } => {
                self.drop_txn(lm, ctx, txn, None);
                lm.dead.insert(txn);
                if ack {
                    ctx.send(from, Msg::Released { txn });
                }
            }
            Msg::Renew { txn } => match lm.txns.get_mut(&txn) {
                Some(t) => t.lease_until = ctx.now_us() + self.lease_us,
                // A renewal can overtake the first lock request; only a transaction it ended is told so.
                None if lm.dead.contains(&txn) => ctx.send(from, Msg::Revoked { txn, why: Revoke::Unknown }),
                None => {}
            },
            Msg::Fenced { rows, token } => {
                for row in rows {
                    let done = lm.rows.get_mut(&row).is_some_and(|l| {
                        let done = l.fencing.is_some_and(|f| f <= token);
                        if done {
                            l.fencing = None;
                        }
                        done
                    });
                    if done {
                        self.pump(lm, ctx, row);
                    }
                }
            }
            _ => {}
        }
    }

    fn lock_timer(&self, lm: &mut LockMgr, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match timer {
            Timer::Lease(txn) => {
                let Some(t) = lm.txns.get_mut(&txn) else { return };
                let now = ctx.now_us();
                if t.lease_until <= now {
                    self.drop_txn(lm, ctx, txn, Some(Revoke::LeaseExpired));
                } else {
                    t.lease_timer = ctx.set_timer(t.lease_until - now, Timer::Lease(txn));
                }
            }
            Timer::Wait(txn) => {
                let waiting = lm.txns.get(&txn).is_some_and(|t| t.waiting.is_some());
                if waiting {
                    self.drop_txn(lm, ctx, txn, Some(Revoke::Timeout));
                }
            }
            Timer::Detect => {
                lm.detect_armed = false;
                while let Some(cycle) = lm.find_cycle() {
                    let victim = cycle.iter().copied().max_by_key(|t| lm.txns.get(t).map(|x| x.prio));
                    let Some(victim) = victim else { break };
                    let names: Vec<String> = cycle.iter().map(|t| txn_name(*t)).collect();
                    ctx.note(|| {
                        format!("finds a deadlock: {} wait in a cycle; the youngest is the victim", names.join(" → "))
                    });
                    self.drop_txn(lm, ctx, victim, Some(Revoke::Deadlock));
                }
                if lm.txns.values().any(|t| t.waiting.is_some()) {
                    self.arm_detect(lm, ctx);
                }
            }
            Timer::Refence => {
                lm.refence_armed = false;
                let mut by_node: VecMap<(NodeId, u64), Vec<Row>> = VecMap::new();
                for (row, l) in &lm.rows {
                    if let Some(token) = l.fencing {
                        by_node.entry((self.node_of(*row), token)).or_default().push(*row);
                    }
                }
                if !by_node.is_empty() {
                    for ((node, token), rows) in by_node {
                        ctx.send(node, Msg::Fence { rows, token });
                    }
                    self.arm_refence(lm, ctx);
                }
            }
            _ => {}
        }
    }

    // ----- storage -----

    fn store<'a>(ctx: &'a Ctx<'_, Self>) -> &'a Store {
        match ctx.disk() {
            Disk::Store(s) => s,
            _ => unreachable!("only storage nodes have rows"),
        }
    }

    fn with_store<R>(ctx: &mut Ctx<'_, Self>, f: impl FnOnce(&mut Store) -> R) -> R {
        ctx.persist(|d| match d {
            Disk::Store(s) => f(s),
            _ => unreachable!("only storage nodes have rows"),
        })
    }

    /// Applies (commit) or drops (abort) every pending write of `txn` on this node; records the decision if this
    /// node is the transaction's primary. Returns whether anything changed.
    fn settle(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, txn: TxnId, commit: bool, primary: bool) -> bool {
        let changed = Self::with_store(ctx, |s| {
            let mut changed = false;
            for (row, c) in s.cells.iter_mut() {
                if c.intent.as_ref().is_some_and(|i| i.txn == txn) {
                    let i = c.intent.take().expect("checked");
                    if commit {
                        c.value = i.value;
                        c.version += 1;
                    }
                    s.dirty_rows.push(*row);
                    changed = true;
                }
            }
            if primary && !s.records.contains_key(&txn) {
                let deltas = s.deltas.remove(&txn).unwrap_or_default();
                s.records.insert(txn, Record { committed: commit, deltas });
                s.dirty_txns.push(txn);
                changed = true;
            }
            changed
        });
        if let Some(t) = vol.ttl.remove(&txn) {
            ctx.cancel_timer(t);
        }
        self.ack_fences(vol, ctx);
        changed
    }

    fn has_intent(ctx: &Ctx<'_, Self>, txn: TxnId) -> Option<(NodeId, u64)> {
        Self::store(ctx)
            .cells
            .values()
            .filter_map(|c| c.intent.as_ref())
            .find(|i| i.txn == txn)
            .map(|i| (i.primary, i.since_us))
    }

    /// Acknowledges every fence whose rows no longer hold a pending write from an older token.
    fn ack_fences(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>) {
        let s = Self::store(ctx);
        let (ready, waiting): (Vec<_>, Vec<_>) =
            std::mem::take(&mut vol.fences).into_iter().partition(|(_, rows, token)| {
                rows.iter().all(|r| s.cells.get(r).and_then(|c| c.intent.as_ref()).is_none_or(|i| i.token >= *token))
            });
        vol.fences = waiting;
        for (from, rows, token) in ready {
            ctx.send(from, Msg::Fenced { rows, token });
        }
    }

    /// As the primary: the decision on `txn`, deciding "abort" now if `force` or its pending write is too old.
    fn primary_decision(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, txn: TxnId, force: bool) -> Option<bool> {
        if let Some(r) = Self::store(ctx).records.get(&txn) {
            return Some(r.committed);
        }
        let young = Self::has_intent(ctx, txn).is_some_and(|(_, since)| ctx.now_us() - since < self.ttl_us);
        if young && !force {
            return None;
        }
        ctx.note(|| format!("is the primary of {}: it has not committed, so it is aborted for good", txn_name(txn)));
        self.settle(vol, ctx, txn, false, true);
        Some(false)
    }

    fn store_message(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        let me = ctx.me();
        match msg {
            Msg::Read { txn, rows } => {
                let s = Self::store(ctx);
                let mut out = Vec::with_capacity(rows.len());
                for (row, token) in rows {
                    let Some(c) = s.cells.get(&row) else { continue };
                    if self.fencing() && token < c.fence {
                        let fence = c.fence;
                        Self::with_store(ctx, |s| s.refused += 1);
                        ctx.note(|| {
                            format!(
                                "refuses {}'s read of {}: token {token} is older than the fence {fence}",
                                txn_name(txn),
                                self.row_name(row)
                            )
                        });
                        ctx.send(from, Msg::Refused { txn, why: Refusal::Fenced { row } });
                        return;
                    }
                    if self.pessimistic && c.intent.as_ref().is_some_and(|i| i.txn != txn) {
                        ctx.send(from, Msg::Busy { txn });
                        return;
                    }
                    out.push((row, c.value, c.version));
                }
                ctx.send(from, Msg::Values { txn, rows: out });
            }
            Msg::Prewrite { txn, primary, writes, deltas } => {
                if let Some(r) = Self::store(ctx).records.get(&txn) {
                    let reply =
                        if r.committed { Msg::Prepared { txn } } else { Msg::Refused { txn, why: Refusal::Aborted } };
                    ctx.send(from, reply);
                    return;
                }
                let s = Self::store(ctx);
                let mut refusal = None;
                let mut busy = false;
                for w in &writes {
                    let Some(c) = s.cells.get(&w.row) else { continue };
                    match &c.intent {
                        Some(i) if i.txn == txn => continue,
                        Some(_) if self.pessimistic => busy = true,
                        Some(_) => refusal = Some(Refusal::Conflict { row: w.row }),
                        None => {}
                    }
                    if self.fencing() && w.check < c.fence {
                        refusal = Some(Refusal::Fenced { row: w.row });
                    }
                    if !self.pessimistic && self.variant != Variant::NoVersionCheck && w.check != c.version {
                        refusal = Some(Refusal::Conflict { row: w.row });
                    }
                    if refusal.is_some() {
                        break;
                    }
                }
                if let Some(why) = refusal {
                    Self::with_store(ctx, |s| s.refused += 1);
                    ctx.note(|| match why {
                        Refusal::Conflict { row } => format!(
                            "refuses {}'s write: {} changed since it was read (or another write is pending)",
                            txn_name(txn),
                            self.row_name(row)
                        ),
                        Refusal::Fenced { row } => format!(
                            "refuses {}'s write to {}: its fencing token is older than the fence — its lock was revoked",
                            txn_name(txn),
                            self.row_name(row)
                        ),
                        Refusal::Aborted => String::new(),
                    });
                    ctx.send(from, Msg::Refused { txn, why });
                    return;
                }
                if busy {
                    ctx.send(from, Msg::Busy { txn });
                    return;
                }
                let now = ctx.now_us();
                let pess = self.pessimistic;
                Self::with_store(ctx, |s| {
                    for w in &writes {
                        if let Some(c) = s.cells.get_mut(&w.row) {
                            if c.intent.is_none() {
                                let token = if pess { w.check } else { 0 };
                                c.intent = Some(Intent { txn, value: w.value, token, primary, since_us: now });
                                s.dirty_rows.push(w.row);
                            }
                        }
                    }
                    if me == primary {
                        s.deltas.insert(txn, deltas);
                    }
                });
                if !vol.ttl.contains_key(&txn) {
                    vol.ttl.insert(txn, ctx.set_timer(self.ttl_us, Timer::Ttl(txn)));
                }
                ctx.send(from, Msg::Prepared { txn });
            }
            Msg::Commit { txn, primary: true } => {
                if let Some(r) = Self::store(ctx).records.get(&txn) {
                    let committed = r.committed;
                    ctx.send(from, Msg::Decided { txn, committed });
                    return;
                }
                let ok = Self::has_intent(ctx, txn).is_some() && Self::store(ctx).deltas.contains_key(&txn);
                if ok {
                    ctx.note(|| {
                        format!("commits {}: the decision is on disk, its writes here are applied", txn_name(txn))
                    });
                } else {
                    ctx.note(|| format!("cannot commit {}: its pending writes were already dropped", txn_name(txn)));
                }
                self.settle(vol, ctx, txn, ok, true);
                ctx.send(from, Msg::Decided { txn, committed: ok });
            }
            Msg::Commit { txn, primary: false } => {
                self.settle(vol, ctx, txn, true, false);
            }
            Msg::Rollback { txn, primary } => {
                self.settle(vol, ctx, txn, false, primary == me);
            }
            Msg::Resolve { txn, force } => {
                let committed = self.primary_decision(vol, ctx, txn, force);
                ctx.send(from, Msg::Resolved { txn, committed });
            }
            Msg::Resolved { txn, committed: Some(commit) } if Self::has_intent(ctx, txn).is_some() => {
                let how = if commit { "applies" } else { "drops" };
                ctx.note(|| format!("learns {}'s fate from its primary and {how} its pending writes", txn_name(txn)));
                self.settle(vol, ctx, txn, commit, false);
            }
            Msg::Fence { rows, token } => {
                let stale: Vec<(TxnId, NodeId)> = Self::with_store(ctx, |s| {
                    let mut stale = Vec::new();
                    for r in &rows {
                        if let Some(c) = s.cells.get_mut(r) {
                            if c.fence < token {
                                c.fence = token;
                                s.dirty_rows.push(*r);
                            }
                            if let Some(i) = c.intent.as_ref().filter(|i| i.token < token) {
                                stale.push((i.txn, i.primary));
                            }
                        }
                    }
                    stale
                });
                vol.fences.push((from, rows, token));
                for (txn, primary) in stale {
                    if primary == me {
                        let commit = self.primary_decision(vol, ctx, txn, true).unwrap_or(false);
                        self.settle(vol, ctx, txn, commit, true);
                    } else {
                        ctx.send(primary, Msg::Resolve { txn, force: true });
                    }
                }
                self.ack_fences(vol, ctx);
            }
            _ => {}
        }
    }

    fn store_timer(&self, vol: &mut StoreVol, ctx: &mut Ctx<'_, Self>, txn: TxnId) {
        vol.ttl.remove(&txn);
        let me = ctx.me();
        let Some((primary, _)) = Self::has_intent(ctx, txn) else { return };
        if primary == me {
            if self.primary_decision(vol, ctx, txn, false).is_none() {
                let t = ctx.set_timer(self.ttl_us, Timer::Ttl(txn));
                vol.ttl.insert(txn, t);
            }
        } else {
            ctx.send(primary, Msg::Resolve { txn, force: false });
            let t = ctx.set_timer(self.step_us, Timer::Ttl(txn));
            vol.ttl.insert(txn, t);
        }
    }

    // ----- shopper -----

    fn jobs<'a>(ctx: &'a Ctx<'_, Self>) -> &'a VecMap<RequestId, Job> {
        match ctx.disk() {
            Disk::Shopper { jobs } => jobs,
            _ => unreachable!("only shoppers have jobs"),
        }
    }

    fn with_job<R>(ctx: &mut Ctx<'_, Self>, id: RequestId, f: impl FnOnce(&mut Job) -> R) -> Option<R> {
        ctx.persist(|d| match d {
            Disk::Shopper { jobs } => jobs.get_mut(&id).map(f),
            _ => None,
        })
    }

    fn nodes_of(&self, rows: &[(Row, i64)]) -> Vec<NodeId> {
        let mut v: Vec<NodeId> = rows.iter().map(|(r, _)| self.node_of(*r)).collect();
        crate::sort::sort_dedup(&mut v);
        v
    }

    fn primary_of(&self, job: &Job) -> NodeId {
        self.node_of(WALLET_BASE + job.req.customer)
    }

    fn new_attempt(&self, job: &mut Job) {
        job.seq += 1;
        let mut rows: Vec<(Row, i64)> = Vec::new();
        for l in &job.req.lines {
            match rows.iter_mut().find(|(r, _)| *r == l.item) {
                Some(r) => r.1 += i64::from(l.qty),
                None => rows.push((l.item, i64::from(l.qty))),
            }
        }
        rows.push((WALLET_BASE + job.req.customer, self.catalogue.total_cents(&job.req.lines) as i64));
        let n = rows.len();
        let phase = if self.pessimistic { Phase::Locking(0) } else { Phase::Reading };
        let waiting = if self.pessimistic { Vec::new() } else { self.nodes_of(&rows) };
        job.a = Attempt {
            txn: (job.req.request_id << 8) | (job.seq & 255),
            phase,
            rows,
            tokens: vec![0; n],
            read: vec![None; n],
            waiting,
            released: false,
        };
    }

    /// Sends what the current step of a checkout needs (again, after a timeout or a restart).
    fn kick(&self, ctx: &mut Ctx<'_, Self>, job: &Job) {
        let a = &job.a;
        let txn = a.txn;
        match a.phase {
            Phase::Locking(i) => {
                let (row, _) = a.rows[i];
                ctx.send(LOCKS, Msg::Lock { txn, row, mode: Mode::Exclusive, prio: job.prio });
            }
            Phase::Reading => {
                for &node in &a.waiting {
                    let rows = a
                        .rows
                        .iter()
                        .zip(&a.tokens)
                        .filter(|((r, _), _)| self.node_of(*r) == node)
                        .map(|((r, _), t)| (*r, *t))
                        .collect();
                    ctx.send(node, Msg::Read { txn, rows });
                }
            }
            Phase::Unlocking => ctx.send(LOCKS, Msg::Release { txn, ack: true }),
            Phase::Prewriting => {
                let primary = self.primary_of(job);
                for &node in &a.waiting {
                    let mut writes = Vec::new();
                    for (k, &(row, delta)) in a.rows.iter().enumerate() {
                        if self.node_of(row) != node {
                            continue;
                        }
                        let (value, version) = a.read[k].unwrap_or((0, 0));
                        let check = if self.pessimistic { a.tokens[k] } else { version };
                        writes.push(Write { row, value: value - delta, check });
                    }
                    let deltas = if node == primary { a.rows.clone() } else { Vec::new() };
                    ctx.send(node, Msg::Prewrite { txn, primary, writes, deltas });
                }
            }
            Phase::Committing => ctx.send(self.primary_of(job), Msg::Commit { txn, primary: true }),
            Phase::Backoff => {}
        }
    }

    fn set_step(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, after_us: u64) {
        let t = ctx.set_timer(after_us, Timer::Step(id));
        let slot = vol.timers.entry(id).or_insert((0, 0));
        if slot.0 != 0 {
            ctx.cancel_timer(slot.0);
        }
        slot.0 = t;
    }

    fn set_renew(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let slot = vol.timers.entry(id).or_insert((0, 0));
        if slot.1 == 0 {
            slot.1 = ctx.set_timer(self.renew_us, Timer::Renew(id));
        }
    }

    /// Moves a checkout on to `phase` and sends what it needs.
    fn go(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, phase: Phase) {
        let nodes = Self::jobs(ctx).get(&id).map(|j| self.nodes_of(&j.a.rows)).unwrap_or_default();
        let Some(job) = Self::with_job(ctx, id, |j| {
            j.a.phase = phase;
            if matches!(phase, Phase::Reading | Phase::Prewriting) {
                j.a.waiting = nodes;
            }
            j.clone()
        }) else {
            return;
        };
        self.kick(ctx, &job);
        self.set_step(vol, ctx, id, self.step_us);
    }

    fn finish(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, outcome: Outcome) {
        let job = ctx.persist(|d| match d {
            Disk::Shopper { jobs } => jobs.remove(&id),
            _ => None,
        });
        if let Some((step, renew)) = vol.timers.remove(&id) {
            ctx.cancel_timer(step);
            ctx.cancel_timer(renew);
        }
        if let Some(job) = job {
            ctx.sample(ATTEMPTS_METRIC, u64::from(job.failed) + 1);
        }
        ctx.answer(id, outcome);
    }

    /// The attempt failed: undo what it placed, release its locks, back off — or give up after the last attempt.
    fn fail(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId, why: String) {
        self.abandon(ctx, id);
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        let a = &job.a;
        let failed = job.failed + 1;
        if failed >= MAX_ATTEMPTS {
            ctx.note(|| format!("{} failed ({why}); that was attempt {failed}: gives up", txn_name(a.txn)));
            Self::with_job(ctx, id, |j| j.failed = failed);
            self.finish(vol, ctx, id, Outcome::Aborted { reason: AbortReason::Contention });
            return;
        }
        ctx.sample(crate::trace::RETRIES_METRIC, 1);
        let window = self.backoff_us << failed.min(6);
        let wait = window / 2 + ctx.rng().range_u64(0, window / 2);
        if ctx.now_us() + wait >= job.prio.0 + CHECKOUT_DEADLINE_US {
            ctx.note(|| {
                format!("{} failed ({why}), and the customer has waited long enough: gives up", txn_name(a.txn))
            });
            Self::with_job(ctx, id, |j| j.failed = failed);
            self.finish(vol, ctx, id, Outcome::Aborted { reason: AbortReason::GaveUp });
            return;
        }
        ctx.note(|| {
            format!(
                "{} failed ({why}): retries in {} ms (back-off, attempt {})",
                txn_name(a.txn),
                wait / 1000,
                failed + 1
            )
        });
        Self::with_job(ctx, id, |j| {
            j.failed = failed;
            j.a.phase = Phase::Backoff;
            j.a.released = true;
        });
        if let Some(slot) = vol.timers.get_mut(&id) {
            if slot.1 != 0 {
                ctx.cancel_timer(slot.1);
                slot.1 = 0;
            }
        }
        self.set_step(vol, ctx, id, wait);
    }

    /// Undoes what the current attempt placed (pending writes) and holds (locks). Not for a committing attempt.
    fn abandon(&self, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        let a = &job.a;
        if a.phase == Phase::Prewriting || a.phase == Phase::Committing {
            let primary = self.primary_of(&job);
            for node in self.nodes_of(&a.rows) {
                ctx.send(node, Msg::Rollback { txn: a.txn, primary });
            }
        }
        if self.pessimistic && !a.released {
            ctx.send(LOCKS, Msg::Release { txn: a.txn, ack: false });
        }
        Self::with_job(ctx, id, |j| j.a.released = true);
    }

    fn start(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let Some(job) = Self::with_job(ctx, id, |j| {
            self.new_attempt(j);
            j.clone()
        }) else {
            return;
        };
        self.kick(ctx, &job);
        self.set_step(vol, ctx, id, self.step_us);
        if self.pessimistic {
            self.set_renew(vol, ctx, id);
        }
    }

    /// All rows read: decide — reject, or write (after unlocking, in the `release-before-write` variant).
    fn decide(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, id: RequestId) {
        let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
        let a = &job.a;
        let mut refusal = None;
        for (k, &(row, delta)) in a.rows.iter().enumerate() {
            let (value, _) = a.read[k].unwrap_or((0, 0));
            if value < delta {
                refusal = Some(if row >= WALLET_BASE {
                    Outcome::InsufficientFunds { total_cents: delta as u64 }
                } else {
                    Outcome::OutOfStock { item: row }
                });
                break;
            }
        }
        if let Some(outcome) = refusal {
            ctx.note(|| format!("{}: {}", txn_name(a.txn), outcome.short()));
            if self.pessimistic {
                ctx.send(LOCKS, Msg::Release { txn: a.txn, ack: false });
            }
            self.finish(vol, ctx, id, outcome);
            return;
        }
        if self.variant == Variant::ReleaseBeforeWrite {
            ctx.note(|| format!("{} unlocks before writing — the mistake", txn_name(a.txn)));
            Self::with_job(ctx, id, |j| j.a.released = true);
            self.go(vol, ctx, id, Phase::Unlocking);
        } else {
            self.go(vol, ctx, id, Phase::Prewriting);
        }
    }

    fn shopper_message(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        let txn = match &msg {
            Msg::Granted { txn, .. }
            | Msg::Revoked { txn, .. }
            | Msg::Values { txn, .. }
            | Msg::Busy { txn }
            | Msg::Refused { txn, .. }
            | Msg::Released { txn }
            | Msg::Prepared { txn }
            | Msg::Decided { txn, .. } => *txn,
            _ => return,
        };
        let id = txn >> 8;
        let Some(job) = Self::jobs(ctx).get(&id) else { return };
        if job.a.txn != txn {
            return; // a late answer to an earlier attempt
        }
        let phase = job.a.phase;
        match msg {
            Msg::Granted { row, token, .. } => {
                let Phase::Locking(i) = phase else { return };
                if job.a.rows[i].0 != row {
                    return;
                }
                let last = i + 1 == job.a.rows.len();
                Self::with_job(ctx, id, |j| j.a.tokens[i] = token);
                if last {
                    self.go(vol, ctx, id, Phase::Reading);
                } else {
                    self.go(vol, ctx, id, Phase::Locking(i + 1));
                }
            }
            Msg::Revoked { why, .. }
                if matches!(phase, Phase::Locking(_) | Phase::Reading | Phase::Prewriting) && !job.a.released =>
            {
                self.fail(vol, ctx, id, format!("its locks were taken: {}", why.text()));
            }
            Msg::Values { rows, .. } => {
                if phase != Phase::Reading || !job.a.waiting.contains(&from) {
                    return;
                }
                let done = Self::with_job(ctx, id, |j| {
                    for (row, value, version) in rows {
                        if let Some(k) = j.a.rows.iter().position(|(r, _)| *r == row) {
                            j.a.read[k] = Some((value, version));
                        }
                    }
                    j.a.waiting.retain(|n| *n != from);
                    j.a.waiting.is_empty()
                });
                if done == Some(true) {
                    self.decide(vol, ctx, id);
                }
            }
            Msg::Busy { .. } => {
                if matches!(phase, Phase::Reading | Phase::Prewriting) {
                    self.set_step(vol, ctx, id, self.busy_us);
                }
            }
            Msg::Refused { why, .. } => {
                if matches!(phase, Phase::Reading | Phase::Prewriting) {
                    let text = match why {
                        Refusal::Conflict { row } => format!("conflict on {}", self.row_name(row)),
                        Refusal::Fenced { row } => format!("fenced out of {}", self.row_name(row)),
                        Refusal::Aborted => "already aborted".to_string(),
                    };
                    self.fail(vol, ctx, id, text);
                }
            }
            Msg::Released { .. } if phase == Phase::Unlocking => self.go(vol, ctx, id, Phase::Prewriting),
            Msg::Prepared { .. } => {
                if phase != Phase::Prewriting || !job.a.waiting.contains(&from) {
                    return;
                }
                let done = Self::with_job(ctx, id, |j| {
                    j.a.waiting.retain(|n| *n != from);
                    j.a.waiting.is_empty()
                });
                if done == Some(true) {
                    self.go(vol, ctx, id, Phase::Committing);
                }
            }
            Msg::Decided { committed, .. } => {
                if phase != Phase::Committing {
                    return;
                }
                let job = job.clone();
                if committed {
                    let primary = self.primary_of(&job);
                    for node in self.nodes_of(&job.a.rows).into_iter().filter(|n| *n != primary) {
                        ctx.send(node, Msg::Commit { txn, primary: false });
                    }
                    if self.pessimistic && !job.a.released {
                        ctx.send(LOCKS, Msg::Release { txn, ack: false });
                    }
                    let total = self.catalogue.total_cents(&job.req.lines);
                    ctx.note(|| format!("{} committed: the checkout is confirmed, then it unlocks", txn_name(txn)));
                    self.finish(vol, ctx, id, Outcome::Confirmed { order: id as u32, total_cents: total });
                } else {
                    self.fail(vol, ctx, id, "the primary aborted it".to_string());
                }
            }
            _ => {}
        }
    }

    fn shopper_timer(&self, vol: &mut ShopperVol, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match timer {
            Timer::Step(id) => {
                if let Some(slot) = vol.timers.get_mut(&id) {
                    slot.0 = 0;
                }
                let Some(job) = Self::jobs(ctx).get(&id).cloned() else { return };
                let late = ctx.now_us() >= job.prio.0 + CHECKOUT_DEADLINE_US;
                if late && job.a.phase != Phase::Committing {
                    let txn = job.a.txn;
                    ctx.note(|| {
                        format!("{} is still not done and the customer has waited long enough: gives up", txn_name(txn))
                    });
                    self.abandon(ctx, id);
                    self.finish(vol, ctx, id, Outcome::Aborted { reason: AbortReason::GaveUp });
                } else if job.a.phase == Phase::Backoff {
                    self.start(vol, ctx, id);
                } else {
                    self.kick(ctx, &job);
                    self.set_step(vol, ctx, id, self.step_us);
                }
            }
            Timer::Renew(id) => {
                if let Some(slot) = vol.timers.get_mut(&id) {
                    slot.1 = 0;
                }
                let Some(job) = Self::jobs(ctx).get(&id) else { return };
                // The lease covers the whole transaction, waiting in a queue included.
                if !job.a.released && job.a.phase != Phase::Backoff {
                    let txn = job.a.txn;
                    ctx.send(LOCKS, Msg::Renew { txn });
                    self.set_renew(vol, ctx, id);
                }
            }
            _ => {}
        }
    }

    fn phase_text(p: Phase) -> &'static str {
        match p {
            Phase::Locking(_) => "locking",
            Phase::Reading => "reading",
            Phase::Unlocking => "unlocking",
            Phase::Prewriting => "writing",
            Phase::Committing => "committing",
            Phase::Backoff => "backing off",
        }
    }
}

impl Protocol for Locking {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Disk = Disk;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        let pessimistic = scenario.protocol == ProtocolKind::Pessimistic;
        let variant = match scenario.variant.as_str() {
            "no-fencing" => Variant::NoFencing,
            "release-before-write" => Variant::ReleaseBeforeWrite,
            "no-version-check" => Variant::NoVersionCheck,
            _ => Variant::Correct,
        };
        let worst = scenario.worst_latency_us();
        let lease_us = (20 * worst).max(500_000);
        Locking {
            pessimistic,
            variant,
            strategy: scenario.locking.deadlock,
            catalogue: catalogue.clone(),
            stores: scenario.nodes,
            base: if pessimistic { 1 } else { 0 },
            lease_us,
            renew_us: lease_us / 3,
            lock_timeout_us: (12 * worst).max(300_000),
            detect_us: (10 * worst).max(250_000),
            ttl_us: (16 * worst).max(400_000),
            step_us: (10 * worst).max(250_000),
            busy_us: (2 * worst).max(20_000),
            backoff_us: (2 * worst).max(30_000),
        }
    }

    fn invariants(&self) -> &'static [InvariantInfo] {
        if self.pessimistic {
            PESSIMISTIC_INFO.invariants
        } else {
            OPTIMISTIC_INFO.invariants
        }
    }

    fn role(&self, node: NodeId) -> Role {
        if node < self.servers() {
            Role::Server
        } else {
            Role::Shopper
        }
    }

    fn server_count(&self) -> u16 {
        Locking::servers(self)
    }

    fn node_name(&self, node: NodeId) -> String {
        if self.pessimistic && node == LOCKS {
            "locks".to_string()
        } else if self.is_store(node) {
            format!("store{}", node - self.base + 1)
        } else {
            format!("shopper{}", node - self.servers())
        }
    }

    fn fresh_disk(&self, node: NodeId) -> Disk {
        if self.pessimistic && node == LOCKS {
            Disk::Locks { next_token: 0, started: false }
        } else if self.is_store(node) {
            let cells = self
                .all_rows()
                .into_iter()
                .filter(|r| self.node_of(*r) == node)
                .map(|r| (r, Cell { value: self.initial(r), version: 0, fence: 0, intent: None }))
                .collect();
            Disk::Store(Box::new(Store { cells, ..Store::default() }))
        } else {
            Disk::Shopper { jobs: VecMap::new() }
        }
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        let me = ctx.me();
        if self.pessimistic && me == LOCKS {
            let restarted = ctx.persist(|d| match d {
                Disk::Locks { started, .. } => std::mem::replace(started, true),
                _ => false,
            });
            let mut lm = LockMgr::default();
            if restarted {
                // Every lock from before the crash is forgotten, but their holders may still act: fence every row.
                let token = Self::lm_persist_token(ctx);
                let mut by_node: VecMap<NodeId, Vec<Row>> = VecMap::new();
                for row in self.all_rows() {
                    lm.rows.insert(row, RowLock { fencing: Some(token), ..RowLock::default() });
                    by_node.entry(self.node_of(row)).or_default().push(row);
                }
                ctx.note(|| format!("restarts with an empty lock table: fences every row at token {token} first"));
                for (node, rows) in by_node {
                    ctx.send(node, Msg::Fence { rows, token });
                }
                self.arm_refence(&mut lm, ctx);
            }
            return State::Locks(lm);
        }
        if self.is_store(me) {
            let mut vol = StoreVol::default();
            let pending: VecSet<TxnId> =
                Self::store(ctx).cells.values().filter_map(|c| c.intent.as_ref().map(|i| i.txn)).collect();
            for txn in pending {
                let t = ctx.set_timer(self.ttl_us, Timer::Ttl(txn));
                vol.ttl.insert(txn, t);
            }
            return State::Store(vol);
        }
        let mut vol = ShopperVol::default();
        let jobs: Vec<Job> = Self::jobs(ctx).values().cloned().collect();
        for job in jobs {
            let id = job.req.request_id;
            if job.a.phase == Phase::Backoff {
                self.set_step(&mut vol, ctx, id, self.busy_us);
            } else {
                ctx.note(|| {
                    format!(
                        "restarts and resumes {} where it stopped ({})",
                        txn_name(job.a.txn),
                        Self::phase_text(job.a.phase)
                    )
                });
                self.kick(ctx, &job);
                self.set_step(&mut vol, ctx, id, self.step_us);
                if self.pessimistic && !job.a.released {
                    self.set_renew(&mut vol, ctx, id);
                }
            }
        }
        State::Shopper(vol)
    }

    fn on_message(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, from: NodeId, msg: Msg) {
        match st {
            State::Locks(lm) => self.lock_message(lm, ctx, from, msg),
            State::Store(vol) => self.store_message(vol, ctx, from, msg),
            State::Shopper(vol) => self.shopper_message(vol, ctx, from, msg),
        }
    }

    fn on_timer(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match st {
            State::Locks(lm) => self.lock_timer(lm, ctx, timer),
            State::Store(vol) => {
                if let Timer::Ttl(txn) = timer {
                    self.store_timer(vol, ctx, txn);
                }
            }
            State::Shopper(vol) => self.shopper_timer(vol, ctx, timer),
        }
    }

    fn on_checkout(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, req: CheckoutRequest) {
        let State::Shopper(vol) = st else { return };
        let id = req.request_id;
        let now = ctx.now_us();
        let placeholder = Attempt {
            txn: 0,
            phase: Phase::Backoff,
            rows: Vec::new(),
            tokens: Vec::new(),
            read: Vec::new(),
            waiting: Vec::new(),
            released: true,
        };
        ctx.persist(|d| {
            if let Disk::Shopper { jobs } = d {
                jobs.insert(id, Job { req, prio: (now, id), seq: 0, failed: 0, a: placeholder });
            }
        });
        self.start(vol, ctx, id);
    }

    fn summary(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> String {
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

    fn detail(&self, _node: NodeId, st: Option<&State>, disk: &Disk) -> NodeDetail {
        let role = |r: &str| if st.is_some() { r.to_string() } else { "down".to_string() };
        match (st, disk) {
            (st, Disk::Locks { next_token, .. }) => {
                let empty = LockMgr::default();
                let lm = match st {
                    Some(State::Locks(lm)) => lm,
                    _ => &empty,
                };
                let cycle: VecSet<TxnId> = lm.find_cycle().unwrap_or_default().into_iter().collect();
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

    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        let Some(node) = touched else { return };
        let now = w.now_us;
        let c = &mut *w.checker;
        if self.pessimistic && node == LOCKS {
            let Some(State::Locks(lm)) = w.nodes.get_mut(usize::from(node)).0 else { return };
            for (row, l) in &lm.rows {
                let x = l.holders.iter().filter(|(_, m, _)| *m == Mode::Exclusive).count();
                if x > 1 || (x == 1 && l.holders.len() > 1) {
                    let who: Vec<String> =
                        l.holders.iter().map(|(t, m, _)| format!("{} {}", m.letter(), txn_name(*t))).collect();
                    out.push(Violation::new(
                        &MUTUAL_EXCLUSION,
                        Some(node),
                        format!("{} is held by {}", self.row_name(*row), who.join(" and ")),
                    ));
                }
            }
            // Every edge of a cycle exists from the moment its waiter started waiting (the blocker was already
            // holding, or queued ahead), so the cycle is exactly as old as its most recent waiter.
            if let Some(cycle) = lm.cycle() {
                let formed = cycle.iter().filter_map(|t| lm.txns.get(t)?.waiting.map(|w| w.1)).max().unwrap_or(now);
                let bound = self.deadlock_bound_us();
                if now - formed > bound {
                    let names: Vec<String> = cycle.iter().map(|t| txn_name(*t)).collect();
                    out.push(Violation::new(
                        &NO_DEADLOCK,
                        Some(node),
                        format!(
                            "{} have waited for each other for {} ms, past the bound of {} ms",
                            names.join(" → "),
                            (now - formed) / 1000,
                            bound / 1000
                        ),
                    ));
                }
            }
            return;
        }
        if !self.is_store(node) {
            self.check_answers(c, w.answers, out);
            return;
        }
        let (rows, txns) = match w.nodes.get_mut(usize::from(node)).1 {
            Disk::Store(s) => (std::mem::take(&mut s.dirty_rows), std::mem::take(&mut s.dirty_txns)),
            _ => return,
        };
        let mut check_rows: VecSet<Row> = rows.into_iter().collect();
        for txn in txns {
            let Disk::Store(s) = w.nodes.get(usize::from(node)).1 else { return };
            let Some(r) = s.records.get(&txn) else { continue };
            if !r.committed || !c.committed.insert(txn) {
                continue;
            }
            let req = txn >> 8;
            if let Some(first) = c.by_request.insert(req, txn) {
                out.push(Violation::new(
                    &rules::NO_DOUBLE_CHARGE,
                    Some(node),
                    format!("checkout #{req} committed twice: {} and {}", txn_name(first), txn_name(txn)),
                ));
            }
            if c.answered.get(&req) == Some(&false) {
                out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    Some(node),
                    format!("checkout #{req} was told it failed, but {} committed", txn_name(txn)),
                ));
            }
            for &(row, delta) in &r.deltas {
                *c.taken.entry(row).or_default() += delta;
                if row >= WALLET_BASE {
                    c.revenue += delta;
                }
                check_rows.insert(row);
            }
        }
        let mut wallets_changed = false;
        for row in check_rows {
            let Disk::Store(s) = w.nodes.get(usize::from(self.node_of(row))).1 else { continue };
            let Some(cell) = s.cells.get(&row) else { continue };
            let effective = match &cell.intent {
                Some(i) if c.committed.contains(&i.txn) => i.value,
                _ => cell.value,
            };
            let taken = c.taken.get(&row).copied().unwrap_or(0);
            let expected = self.initial(row) - taken;
            if effective != expected {
                out.push(Violation::new(
                    &NO_LOST_UPDATE,
                    Some(self.node_of(row)),
                    format!(
                        "{} is {effective}, but {} at the start minus {taken} taken by committed checkouts is {expected}",
                        self.row_name(row),
                        self.initial(row)
                    ),
                ));
            }
            if row < WALLET_BASE && expected < 0 {
                out.push(Violation::new(
                    &rules::NO_OVERSELL,
                    Some(self.node_of(row)),
                    format!(
                        "committed checkouts took {taken} {}, only {} existed",
                        self.row_name(row),
                        self.initial(row)
                    ),
                ));
            }
            if row >= WALLET_BASE {
                let start = self.catalogue.wallet_cents as i64;
                let total = c.wallets_total.get_or_insert(start * i64::from(self.catalogue.customers));
                let old = c.wallets.insert(row, effective).unwrap_or(start);
                *total += effective - old;
                wallets_changed = true;
            }
        }
        if wallets_changed {
            let start = self.catalogue.wallet_cents as i64 * i64::from(self.catalogue.customers);
            let total = c.wallets_total.unwrap_or(start);
            if total + c.revenue != start {
                out.push(Violation::new(
                    &rules::MONEY_CONSERVED,
                    Some(node),
                    format!(
                        "wallets hold {} and revenue is {}: {} ≠ {} at the start",
                        cents(total.max(0) as u64),
                        cents(c.revenue.max(0) as u64),
                        total + c.revenue,
                        start
                    ),
                ));
            }
        }
    }
}

impl Locking {
    fn check_answers(&self, c: &mut Checker, answers: &[(RequestId, Outcome)], out: &mut Vec<Violation>) {
        for (req, outcome) in &answers[c.answers_seen.min(answers.len())..] {
            let confirmed = outcome.is_confirmed();
            c.answered.insert(*req, confirmed);
            match (confirmed, c.by_request.get(req)) {
                (true, None) => out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    None,
                    format!("checkout #{req} was confirmed, but no transaction of it committed"),
                )),
                (false, Some(txn)) => out.push(Violation::new(
                    &rules::CONFIRMED_EXACTLY,
                    None,
                    format!("checkout #{req} was told “{}”, but {} committed", outcome.short(), txn_name(*txn)),
                )),
                _ => {}
            }
        }
        c.answers_seen = answers.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(holders: &[(TxnId, Mode)], queue: &[(TxnId, Mode)]) -> RowLock {
        RowLock { holders: holders.iter().map(|&(t, m)| (t, m, t)).collect(), queue: queue.to_vec(), fencing: None }
    }

    fn waiting(lm: &mut LockMgr, txn: TxnId, row: Row) {
        let t = TxnLocks {
            prio: (txn, txn),
            shopper: 0,
            lease_until: 0,
            lease_timer: 0,
            held: Vec::new(),
            waiting: Some((row, 0, None)),
        };
        lm.txns.insert(txn, t);
    }

    use Mode::{Exclusive as X, Shared as S};

    #[test]
    fn shared_locks_share_and_exclusive_ones_wait_in_fifo_order() {
        // Readers share a row.
        assert_eq!(row(&[(1, S)], &[(2, S)]).grantable(), Some((2, S)));
        // A writer waits for the readers, and a reader queued behind the writer does not overtake it.
        assert_eq!(row(&[(1, S), (2, S)], &[(3, X), (4, S)]).grantable(), None);
        assert_eq!(row(&[], &[(3, X), (4, S)]).grantable(), Some((3, X)));
        assert_eq!(row(&[(3, X)], &[(4, S)]).grantable(), None);
        // A row being fenced grants nothing.
        let mut fenced = row(&[], &[(5, S)]);
        fenced.fencing = Some(9);
        assert_eq!(fenced.grantable(), None);
    }

    #[test]
    fn the_wait_for_graph_follows_lock_modes_and_finds_cycles() {
        let mut lm = LockMgr::default();
        // Row 0: readers 1 and 2; writer 3 waits for both, reader 4 waits behind writer 3.
        lm.rows.insert(0, row(&[(1, S), (2, S)], &[(3, X), (4, S)]));
        waiting(&mut lm, 3, 0);
        waiting(&mut lm, 4, 0);
        assert_eq!(lm.blockers(0, 3), vec![1, 2]);
        assert_eq!(lm.blockers(0, 4), vec![3], "a reader waits for the writer ahead, not for the other readers");
        assert_eq!(lm.find_cycle(), None);
        // Reader 1 now waits for row 1, held exclusively by 4: 1 → 4 → 3 → 1 is a cycle.
        lm.rows.insert(1, row(&[(4, X)], &[(1, X)]));
        waiting(&mut lm, 1, 1);
        let cycle = lm.find_cycle().expect("1 → 4 → 3 → 1");
        let mut sorted = cycle.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![1, 3, 4]);
        assert_eq!(lm.cycle_through(1).map(|c| c.len()), Some(3));
        assert_eq!(lm.cycle_through(2), None, "2 waits for nobody");
    }
}
