//! The explorer's side panels: invariants and liveness, the node inspector, the lock table, the basket form, a
//! message's panel and the partition panel.

use crate::act::*;
use crate::model::Model;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct InvariantsPanelProps {
    pub invariants: &'static [protosim::invariants::InvariantInfo],
    /// The violations up to the cursor.
    pub violations: Vec<crate::model::ViolationMark>,
    /// The liveness verdict of the whole run (a promise about the future cannot be judged at the cursor).
    pub liveness: protosim::liveness::LivenessReport,
}

/// Every invariant with its state at the cursor; a broken one says where, when and what.
#[component]
pub fn InvariantsPanel(props: &InvariantsPanelProps) -> Html {
    let broken = !props.violations.is_empty();
    html! {
        <section class={classes!("invariants", broken.then_some("broken"))} data-testid="invariants">
            if broken {
                <p><strong>{ "⚠ A safety rule broke: the run paused there." }</strong></p>
            } else {
                <p>{ format!("✔ All {} invariants hold so far", props.invariants.len()) }</p>
            }
            <ul class="rules">
                { for props.invariants.iter().map(|inv| {
                    let v = props.violations.iter().find(|v| v.invariant == inv.name);
                    html! {
                        <li class={classes!(v.is_some().then_some("bad"))} title={inv.rule}>
                            { if v.is_some() { "✖ " } else { "✔ " } }<code>{ inv.name }</code>
                            if let Some(v) = v {
                                <p class="violation">{ &v.text }</p>
                            }
                        </li>
                    }
                }) }
                { liveness_line(&props.liveness) }
            </ul>
        </section>
    }
}

/// The liveness verdict as one more rule of the invariant panel, judged over the whole run.
fn liveness_line(l: &protosim::liveness::LivenessReport) -> Html {
    use protosim::liveness::LivenessVerdict;
    let (mark, class) = match l.verdict {
        LivenessVerdict::Held => ("✔ ", None),
        LivenessVerdict::Broken => ("✖ ", Some("bad")),
        LivenessVerdict::NotApplicable => ("– ", None),
    };
    let rule = match l.bound_ms {
        Some(b) => format!("every checkout is answered within {b} ms once {}", l.needs),
        None => "this protocol states no liveness bound".to_string(),
    };
    html! {
        <li class={classes!(class)} title={rule} data-testid="liveness" data-verdict={l.verdict.name()}>
            { mark }<code>{ "liveness" }</code>{ " (whole run)" }
            <p class={classes!(if class.is_some() { "violation" } else { "liveness-why" })}>{ l.describe() }</p>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub model: Rc<Model>,
    pub node: protosim::scenario::NodeId,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
    pub on_close: Callback<MouseEvent>,
}

/// One node's full state at the cursor, and what can be done to it there.
#[component]
pub fn Inspector(props: &InspectorProps) -> Html {
    use protosim::scenario::Action;
    let m = &props.model;
    let id = props.node;
    let Some(info) = m.nodes.get(usize::from(id)) else { return html! {} };
    let up = m.up_at(usize::from(id), props.cursor_us);
    let st = m.state_at(usize::from(id), props.cursor_us);
    let act = |action: Action| act_on_click(&props.on_act, props.cursor_us, props.playing, action);
    let others: Vec<protosim::scenario::NodeId> = m.nodes.iter().map(|n| n.id).filter(|&n| n != id).collect();
    let shopper = info.role == protosim::engine::Role::Shopper;
    html! {
        <section class="inspector" aria-label={format!("Inspector: {}", info.name)} data-testid="inspector">
            <h2>{ &info.name }<small>{ if up { " · up" } else { " · down" } }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label="Close the inspector">{ "✕" }</button>
            </h2>
            <p class="summary">{ &st.summary }</p>
            if !st.detail.facts.is_empty() {
                <dl class="facts">
                    { for st.detail.facts.iter().map(|(k, v)| html! { <><dt>{ *k }</dt><dd>{ v }</dd></> }) }
                </dl>
            }
            if !st.detail.table.is_empty() {
                <table class="rows">
                    { for st.detail.table.iter().map(|l| html! {
                        <tr class={classes!(l.hot.then_some("hot"))}><th>{ &l.key }</th><td>{ &l.text }</td></tr>
                    }) }
                </table>
            }
            <div class="actions">
                if up {
                    <button onclick={act(Action::Crash { node: id })} data-testid="crash">{ "✖ Crash" }</button>
                } else {
                    <button onclick={act(Action::Restart { node: id })} data-testid="restart">{ "↺ Restart" }</button>
                }
                <button onclick={act(Action::Partition { groups: vec![vec![id], others] })} data-testid="isolate">
                    { "✂ Isolate" }
                </button>
                if shopper {
                    <BasketForm shopper={id} items={m.scenario.workload.items} customers={m.scenario.workload.customers}
                                cursor_us={props.cursor_us} playing={props.playing} on_act={props.on_act.clone()} />
                }
            </div>
            <p class="muted">{ "Actions happen at the cursor: the run forks there and the future is simulated again." }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct LockPanelProps {
    /// The lock manager's state at the cursor.
    pub detail: protosim::engine::NodeDetail,
}

/// The lock manager's full lock table (holders ← queue per row, fencing tokens) and its wait-for graph.
#[component]
pub fn LockPanel(props: &LockPanelProps) -> Html {
    let d = &props.detail;
    html! {
        <section class="locks" aria-label="Lock table and wait-for graph" data-testid="locks">
            <h2>{ "Lock table" }</h2>
            if d.table.is_empty() {
                <p class="muted">{ "No row is locked." }</p>
            } else {
                <table>
                    { for d.table.iter().map(|l| html! {
                        <tr class={classes!(l.hot.then_some("hot"))}><th>{ &l.key }</th><td>{ &l.text }</td></tr>
                    }) }
                </table>
            }
            <h2>{ "Wait-for graph" }<small>{ " an arrow means “waits for”; red: a deadlock" }</small></h2>
            <crate::cluster::WaitGraph edges={d.waits.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct BasketFormProps {
    pub shopper: protosim::scenario::NodeId,
    pub items: u16,
    pub customers: u16,
    pub cursor_us: u64,
    pub playing: bool,
    pub on_act: Callback<Act>,
}

/// A checkout to submit from a shopper: which customer buys how many of which item.
#[component]
pub fn BasketForm(props: &BasketFormProps) -> Html {
    let item = use_state(|| 0u16);
    let qty = use_state(|| 1u32);
    let customer = use_state(|| 0u16);
    let pick = |h: UseStateHandle<u16>| {
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Ok(v) = sel.value().parse() {
                h.set(v);
            }
        })
    };
    let on_qty = {
        let qty = qty.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<u32>() {
                qty.set(v.clamp(1, protosim::scenario::bounds::QTY_MAX));
            }
        })
    };
    let submit = {
        let on_act = props.on_act.clone();
        let (shopper, at_us, playing) = (props.shopper, props.cursor_us, props.playing);
        let (item, qty, customer) = (*item, *qty, *customer);
        Callback::from(move |_| {
            let lines = vec![protosim::scenario::Line { item, qty }];
            let action = protosim::scenario::Action::Checkout { shopper, customer, lines };
            on_act.emit(Act { at_us, action, playing })
        })
    };
    html! {
        <div class="basket" data-testid="basket">
            <label>{ "customer " }
                <select onchange={pick(customer.clone())} aria-label="Customer">
                    { for (0..props.customers).map(|c| html! { <option value={c.to_string()} selected={c == *customer}>{ c }</option> }) }
                </select>
            </label>
            <label>{ "buys " }
                <input type="number" class="num" min="1" value={qty.to_string()} onchange={on_qty} aria-label="Quantity" />
            </label>
            <select onchange={pick(item.clone())} aria-label="Item">
                { for (0..props.items).map(|i| html! {
                    <option value={i.to_string()} selected={i == *item}>{ protosim::domain::item_name(i) }</option>
                }) }
            </select>
            <button onclick={submit} data-testid="buy">{ "🛒 Submit checkout" }</button>
        </div>
    }
}

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
    let m = &props.model;
    let Some(f) = m.flights.iter().find(|f| f.id == props.id) else { return html! {} };
    let name = |n: protosim::scenario::NodeId| m.nodes.get(usize::from(n)).map_or_else(String::new, |x| x.name.clone());
    let in_flight = f.sent_us <= props.cursor_us && props.cursor_us < f.end_us && f.dropped.is_none();
    let act = |action: Action| act_on_click(&props.on_act, props.cursor_us, props.playing, action);
    html! {
        <section class="inspector" aria-label={format!("Message #{}", f.id)} data-testid="message">
            <h2>{ format!("{} #{}", f.label, f.id) }<small>{ format!(" {} → {}", name(f.from), name(f.to)) }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label="Close">{ "✕" }</button>
            </h2>
            <p class="summary">{ format!("sent at {:.3} s, due at {:.3} s", f.sent_us as f64 / 1e6, f.planned_us as f64 / 1e6) }</p>
            if in_flight {
                <div class="actions">
                    <button onclick={act(Action::DropMessage { id: f.id })} data-testid="drop">{ "✖ Drop it" }</button>
                    <button onclick={act(Action::DuplicateMessage { id: f.id })} data-testid="duplicate">{ "⧉ Deliver it twice" }</button>
                    <button onclick={act(Action::DelayMessage { id: f.id, by_us: 200_000 })} data-testid="delay">
                        { "⧗ Hold it back 200 ms" }
                    </button>
                </div>
            } else {
                <p class="muted">{ "Not in flight at this moment." }</p>
            }
        </section>
    }
}

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
            on_act.emit(Act { at_us, action, playing })
        })
    };
    html! {
        <section class="inspector" aria-label="Make a partition" data-testid="partition-panel">
            <h2>{ "Partition" }<small>{ " tick one side" }</small>
                <button class="ghost close" onclick={props.on_close.clone()} aria-label="Close">{ "✕" }</button>
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
                    { "✂ Cut them off from the rest" }
                </button>
            </div>
        </section>
    }
}
