//! The one place the page maps a protocol to a view of its own.
//!
//! Every protocol is drawn by the generic node box (its facts, log cells and table, from
//! [`protosim::engine::NodeDetail`]), the event log and the charts, all from what the protocol declares. A protocol
//! whose state needs more adds one component (in `panels/`) and one arm here. Today only pessimistic locking does:
//! its lock manager's full lock table and wait-for graph (not with Redlock, whose tables the boxes show).

use crate::model::Model;
use crate::panels::LockPanel;
use yew::prelude::*;

/// The protocol's own side panel at `cursor_us`, if it has one.
pub fn side_panel(model: &Model, cursor_us: u64) -> Html {
    match model.scenario.protocol {
        // The lock manager's table and wait-for graph; Redlock has neither (five tables, drawn in their boxes, and no
        // queue, so nobody waits).
        protosim::protocols::locking::PESSIMISTIC
            if model.scenario.locking.service == protosim::scenario::LockService::Single =>
        {
            html! { <LockPanel detail={model.state_at(0, cursor_us).detail} /> }
        }
        _ => Html::default(),
    }
}
