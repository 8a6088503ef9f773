//! The checkout cluster's state machine: the shop ([`ShopMachine`]), as Raft applies it.

use super::log::Cmd;
use super::types::*;
use crate::domain::{Catalogue, CheckoutRequest, Shop};
use crate::engine::Ctx;
use crate::invariants::{InvariantInfo, Violation};
use crate::narration::Arg;
use crate::note;
use crate::scenario::{NodeId, Scenario};
use crate::vecmap::VecMap;
use std::rc::Rc;

impl Machine for ShopMachine {
    type Cmd = Cmd;
    type Request = NoMsg;
    type Reply = NoMsg;
    type Applied = ShopApplied;

    fn new(_scenario: &Scenario, catalogue: &Catalogue) -> Self {
        ShopMachine { catalogue: catalogue.clone() }
    }
    fn invariants(&self) -> &'static [InvariantInfo] {
        INFO.invariants
    }
    fn start(&self) -> ShopApplied {
        ShopApplied { shop: Box::new(Shop::new(&self.catalogue)), waiting: VecMap::new() }
    }
    fn cmd_text(cmd: &Cmd) -> Arg {
        Arg::from(format!("#{}", cmd.request_id))
    }
    fn apply(&self, s: &mut Server<Self>, ctx: &mut Ctx<'_, Raft<Self>>, index: u64, req: &Cmd) {
        let outcome = s.sm.shop.checkout(&self.catalogue, req, true);
        if let Some((request_id, shopper)) = s.sm.waiting.remove(&index) {
            ctx.send(shopper, Msg::Reply { request_id, outcome });
        }
    }

    /// A follower redirects a checkout; the leader answers a request it already applied from its shop, ignores one
    /// already in its log, and otherwise appends it and replicates.
    fn on_checkout(
        &self,
        raft: &Raft<Self>,
        s: &mut Server<Self>,
        ctx: &mut Ctx<'_, Raft<Self>>,
        from: NodeId,
        req: CheckoutRequest,
    ) {
        if s.role != RaftRole::Leader {
            raft.redirect(s, ctx, from, &req);
            return;
        }
        if let Some((_, o)) = s.sm.shop.order_for(req.request_id) {
            // Already applied: answer from the shop instead of logging the retry again.
            ctx.send(from, Msg::Reply { request_id: req.request_id, outcome: o.answer });
            return;
        }
        if s.sm.waiting.values().any(|(r, _)| *r == req.request_id) {
            return; // already in the log, not yet applied: the answer will come
        }
        let request_id = req.request_id;
        let (index, term) = raft.append_command(s, ctx, Rc::new(req));
        s.sm.waiting.insert(index, (request_id, from));
        ctx.note(|| note!("raft.append", id = request_id, index, term));
        raft.replicate_new(s, ctx);
    }
    fn read(&self, sm: &ShopApplied, item: u16) -> Option<u32> {
        sm.shop.stock.get(usize::from(item)).map(|&units| units.max(0) as u32)
    }
    fn on_step_down(&self, sm: &mut ShopApplied) {
        sm.waiting.clear();
    }
    fn audit(&self, sm: &mut ShopApplied, node: NodeId, out: &mut Vec<Violation>) {
        sm.shop.audit(node, out);
    }
}
