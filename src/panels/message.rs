//! A message's panel: what it carries, and dropping, duplicating or delaying it.

use crate::act::*;
use crate::model::Model;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MessagePanelProps {
    pub model: Rc<Model>,
    pub id: u64,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// A message picked in flight: what it is, and drop it or deliver it twice.
#[component]
pub fn MessagePanel(props: &MessagePanelProps) -> Html {
    use protosim::scenario::Action;
    let lang = crate::lang::use_lang();
    let m = &props.model;
    let Some(f) = m.flights.iter().find(|f| f.id == props.id) else { return html! {} };
    let name = |n: protosim::scenario::NodeId| m.nodes.get(usize::from(n)).map_or_else(String::new, |x| x.name.clone());
    // In flight until it arrives or is dropped (`end_us`), whatever happens then: a message flying to a node that
    // is down is drawn flying and can still be dropped, duplicated or held until it reaches the dead node.
    let in_flight = f.sent_us <= props.cursor_us && props.cursor_us < f.end_us;
    let act = |action: Action| act_on_click(&props.on_act, props.cursor_us, props.playing, action);
    html! {
        <section class="inspector" aria-label={lang.render(&protosim::note!("ui.message", id = f.id))} data-testid="message">
            <h2>{ format!("{} #{}", f.label, f.id) }<small>{ format!(" {} → {}", name(f.from), name(f.to)) }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label={lang.text("ui.close")}>{ "✕" }</button>
            </h2>
            <p class="summary">{ lang.render(&protosim::note!(
                "ui.message.times",
                sent_s = format!("{:.3}", f.sent_us as f64 / 1e6),
                due_s = format!("{:.3}", f.planned_us as f64 / 1e6)
            )) }</p>
            if in_flight {
                <div class="actions">
                    <button onclick={act(Action::DropMessage { id: f.id })} data-testid="drop">{ lang.text("ui.message.drop") }</button>
                    <button onclick={act(Action::DuplicateMessage { id: f.id })} data-testid="duplicate">{ lang.text("ui.message.duplicate") }</button>
                    <button onclick={act(Action::DelayMessage { id: f.id, by_us: 200_000 })} data-testid="delay">
                        { lang.text("ui.message.delay") }
                    </button>
                </div>
            } else {
                <p class="muted">{ lang.text("ui.message.not-in-flight") }</p>
            }
        </section>
    }
}
