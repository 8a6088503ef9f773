//! The explorer's own state besides the player (what is open, what the event log shows, the tour's step), as one
//! reducer. Its own module so that an action (`act.rs`) can carry it into the next run without depending on the
//! explorer's view.

use std::rc::Rc;
use yew::prelude::*;

/// The explorer's own state besides the player: what is open and what the event log shows. One reducer, so a
/// callback sends one action instead of setting several handles.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplorerUi {
    /// The node whose inspector is open.
    pub selected: Option<protosim::scenario::NodeId>,
    /// The message whose panel is open.
    pub picked_msg: Option<u64>,
    pub partitioning: bool,
    /// The event log's filters: a kind (`all`, `fault`, …) and a node.
    pub log_kind: String,
    pub log_node: Option<protosim::scenario::NodeId>,
    pub help: bool,
    /// The guided tour's step (`usize::MAX`: the tour card was closed).
    pub tour_step: usize,
    /// The choice picked for the tour step's question.
    pub tour_choice: Option<usize>,
}

impl Default for ExplorerUi {
    fn default() -> Self {
        ExplorerUi {
            selected: None,
            picked_msg: None,
            partitioning: false,
            log_kind: "all".to_string(),
            log_node: None,
            help: false,
            tour_step: 0,
            tour_choice: None,
        }
    }
}

pub enum UiAction {
    Select(Option<protosim::scenario::NodeId>),
    PickMessage(Option<u64>),
    TogglePartition,
    ClosePartition,
    LogKind(String),
    LogNode(Option<protosim::scenario::NodeId>),
    ToggleHelp,
    CloseHelp,
    /// Esc: close every panel (the help sheet, the inspector, a message's panel, the partition tool).
    Escape,
    TourStep(usize),
    TourChoice(usize),
}

impl Reducible for ExplorerUi {
    type Action = UiAction;
    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let mut ui = (*self).clone();
        match action {
            // One panel at a time: on a narrow screen they are all the same sheet over the bottom of the screen.
            UiAction::Select(n) => {
                ui.selected = n;
                if n.is_some() {
                    (ui.picked_msg, ui.partitioning) = (None, false);
                }
            }
            UiAction::PickMessage(m) => {
                ui.picked_msg = m;
                if m.is_some() {
                    (ui.selected, ui.partitioning) = (None, false);
                }
            }
            UiAction::TogglePartition => {
                ui.partitioning = !ui.partitioning;
                if ui.partitioning {
                    (ui.selected, ui.picked_msg) = (None, None);
                }
            }
            UiAction::ClosePartition => ui.partitioning = false,
            UiAction::LogKind(k) => ui.log_kind = k,
            UiAction::LogNode(n) => ui.log_node = n,
            UiAction::ToggleHelp => ui.help = !ui.help,
            UiAction::CloseHelp => ui.help = false,
            UiAction::Escape => {
                ui.help = false;
                ui.selected = None;
                ui.picked_msg = None;
                ui.partitioning = false;
            }
            UiAction::TourStep(k) => {
                ui.tour_step = k;
                ui.tour_choice = None;
            }
            UiAction::TourChoice(i) => ui.tour_choice = Some(i),
        }
        Rc::new(ui)
    }
}
