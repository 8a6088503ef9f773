//! The partition tool: split the nodes into groups that cannot talk.

use crate::act::*;
use crate::model::Model;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PartitionPanelProps {
    pub model: Rc<Model>,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// Make a partition by choosing groups: the ticked nodes on one side, the others on the other.
#[component]
pub fn PartitionPanel(props: &PartitionPanelProps) -> Html {
    let lang = crate::lang::use_lang();
    let side = use_state(protosim::vecmap::VecSet::<protosim::scenario::NodeId>::new);
    let m = &props.model;
    let cut = {
        let side = side.clone();
        let on_act = props.on_act.clone();
        let all: Vec<protosim::scenario::NodeId> = m.nodes.iter().map(|n| n.id).collect();
        let (at_us, playing) = (props.cursor_us, props.playing);
        Callback::from(move |_| {
            let a: Vec<_> = side.iter().copied().collect();
            let b: Vec<_> = all.iter().copied().filter(|n| !side.contains(n)).collect();
            if a.is_empty() || b.is_empty() {
                return;
            }
            let action = protosim::scenario::Action::Partition { groups: vec![a, b] };
            on_act.emit(Act { at_us, action, playing, keep: None })
        })
    };
    html! {
        <section class="inspector" aria-label={lang.text("ui.partition")} data-testid="partition-panel">
            <h2>{ lang.text("ui.partition.title") }<small>{ lang.text("ui.partition.tick") }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label={lang.text("ui.close")}>{ "✕" }</button>
            </h2>
            <div class="sides">
                { for m.nodes.iter().map(|n| {
                    let id = n.id;
                    let ticked = side.contains(&id);
                    let side = side.clone();
                    let toggle = Callback::from(move |_| {
                        let mut s = (*side).clone();
                        if !s.remove(&id) {
                            s.insert(id);
                        }
                        side.set(s);
                    });
                    html! {
                        <label><input type="checkbox" checked={ticked} onchange={toggle}
                                      data-testid={format!("side-{id}")} />{ format!(" {}", n.name) }</label>
                    }
                }) }
            </div>
            <div class="actions">
                <button onclick={cut} data-testid="cut" disabled={side.is_empty() || side.len() == m.nodes.len()}>
                    { lang.text("ui.partition.cut") }
                </button>
            </div>
        </section>
    }
}
