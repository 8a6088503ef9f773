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

mod checks;
mod info;
mod lock_manager;
mod raft_locks;
mod redlock;
mod shopper;
mod storage;
mod types;
mod view;

pub use info::*;
pub use types::*;

use crate::domain::{Catalogue, CheckoutRequest};
use crate::engine::{CheckView, Ctx, NodeDetail, Protocol};
use crate::invariants::{InvariantInfo, Violation};
use crate::note;
use crate::scenario::{NodeId, Scenario};
use crate::vecmap::{VecMap, VecSet};

impl Protocol for Locking {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Disk = Disk;
    type Checker = Checker;

    fn new(scenario: &Scenario, catalogue: &Catalogue) -> Self {
        let pessimistic = scenario.protocol == info::PESSIMISTIC;
        let variant = match scenario.variant.as_str() {
            "no-fencing" => Variant::NoFencing,
            "release-before-write" => Variant::ReleaseBeforeWrite,
            "no-version-check" => Variant::NoVersionCheck,
            _ => Variant::Correct,
        };
        let worst = scenario.worst_latency_us();
        let lease_us = (20 * worst).max(500_000);
        let raft = (pessimistic && scenario.locking.service == crate::scenario::LockService::Raft).then(|| {
            let servers = scenario.locking.service.lock_servers();
            // The shop's Raft settings are not the lock service's: it serves no reads, and it runs as etcd ships
            // (Pre-Vote and CheckQuorum on), whatever a scenario's `raft` section says.
            let own = crate::scenario::Scenario { raft: Default::default(), ..scenario.clone() };
            crate::protocols::raft::Raft::with_machine(LockMachine { lease_us }, servers, &own)
        });
        Locking {
            pessimistic,
            variant,
            strategy: scenario.locking.deadlock,
            service: scenario.locking.service,
            raft,
            catalogue: catalogue.clone(),
            stores: scenario.nodes,
            base: if pessimistic { scenario.locking.service.lock_servers() } else { 0 },
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
        if self.raft.is_some() {
            &PESSIMISTIC_RAFT_INVARIANTS
        } else if self.redlock() {
            &NO_QUEUE_INVARIANTS
        } else if self.pessimistic {
            PESSIMISTIC_INFO.invariants
        } else {
            OPTIMISTIC_INFO.invariants
        }
    }

    fn server_count(&self) -> u16 {
        Locking::servers(self)
    }

    fn node_name(&self, node: NodeId) -> String {
        if self.is_redis(node) {
            format!("redis{}", node + 1)
        } else if self.is_raft(node) {
            format!("n{node}")
        } else if self.pessimistic && node == LOCKS {
            "locks".to_string()
        } else if self.is_store(node) {
            format!("store{}", node - self.base + 1)
        } else {
            format!("shopper{}", node - self.servers())
        }
    }

    fn fresh_disk(&self, node: NodeId) -> Disk {
        if self.is_redis(node) {
            Disk::Redis
        } else if self.is_raft(node) {
            self.raft_fresh_disk(node)
        } else if self.pessimistic && node == LOCKS {
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

    /// A Redlock server comes back empty, as from any restart (its keys live in memory); a Raft lock server comes
    /// back as a learner (Raft's rule); nothing else can be replaced: the lock manager's token counter, the
    /// storage's rows and the shoppers' checkouts live on disk.
    fn replacement_disk(&self, node: NodeId) -> Option<Disk> {
        if self.is_raft(node) {
            return self.raft_replacement_disk(node);
        }
        self.is_redis(node).then_some(Disk::Redis)
    }

    fn init(&self, ctx: &mut Ctx<'_, Self>) -> State {
        let me = ctx.me();
        if self.is_redis(me) {
            return State::Redis(RedisVol::default());
        }
        if self.is_raft(me) {
            return self.raft_init(ctx);
        }
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
                ctx.note(|| note!("locking.lm.restart", token));
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
                    note!("locking.shopper.resume", txn = txn_name(job.a.txn), phase = Self::phase_note(job.a.phase))
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
            State::Redis(r) => self.redis_message(r, ctx, from, msg),
            State::Raft(r) => self.raft_message(r, ctx, from, msg),
            State::Store(vol) => self.store_message(vol, ctx, from, msg),
            State::Shopper(vol) => self.shopper_message(vol, ctx, from, msg),
        }
    }

    fn on_timer(&self, st: &mut State, ctx: &mut Ctx<'_, Self>, timer: Timer) {
        match st {
            State::Locks(lm) => self.lock_timer(lm, ctx, timer),
            State::Redis(_) => {}
            State::Raft(r) => self.raft_timer(r, ctx, timer),
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
            granted: Vec::new(),
            refused: Vec::new(),
            asked_at_us: 0,
        };
        ctx.persist(|d| {
            if let Disk::Shopper { jobs } = d {
                jobs.insert(id, Job { req, prio: (now, id), seq: 0, failed: 0, a: placeholder });
            }
        });
        self.start(vol, ctx, id);
    }
    fn summary(&self, node: NodeId, st: Option<&State>, disk: &Disk) -> crate::narration::Note {
        if self.is_raft(node) {
            return self.raft_summary(node, st, disk);
        }
        self.summary_text(st, disk)
    }

    fn detail(&self, node: NodeId, st: Option<&State>, disk: &Disk) -> NodeDetail {
        if self.is_raft(node) {
            return self.raft_detail(node, st, disk);
        }
        self.detail_of(st, disk)
    }

    fn check(&self, w: &mut CheckView<'_, Self>, touched: Option<NodeId>, out: &mut Vec<Violation>) {
        self.check_all(w, touched, out)
    }
}
