//! What a user does to the run at the cursor, and how the scenario forks there.

use protosim::Scenario;
use yew::prelude::*;

/// Something a user does to the run at the cursor: the run forks there (see [`fork`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Act {
    pub at_us: u64,
    pub action: protosim::scenario::Action,
    pub playing: bool,
    /// What the explorer had open (the inspector of the node just crashed, the log's filters): the new run's
    /// explorer opens with it, so the user can restart the node at once. Filled in by the explorer.
    pub keep: Option<std::rc::Rc<crate::explorer_ui::ExplorerUi>>,
}

/// A button's click handler that performs `action` at the cursor.
pub fn act_on_click(
    on_act: &Callback<Act>,
    at_us: u64,
    playing: bool,
    action: protosim::scenario::Action,
) -> Callback<MouseEvent> {
    let on_act = on_act.clone();
    Callback::from(move |_| on_act.emit(Act { at_us, action: action.clone(), playing, keep: None }))
}

/// The scenario with one more intervention just after `at_us`. Everything up to the cursor stays as it was (a run
/// is a pure function of its scenario, and the new intervention comes after every event shown); the future after
/// it is simulated again with the intervention.
pub fn fork(s: &Scenario, at_us: u64, action: protosim::scenario::Action) -> Scenario {
    let mut s = s.clone();
    s.interventions.push(protosim::scenario::Intervention { at_us: at_us + 1, action });
    protosim::sort::sort_by_key(&mut s.interventions, |i| i.at_us);
    s
}
