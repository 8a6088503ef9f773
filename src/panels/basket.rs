//! The basket form: a checkout a user submits from a shopper.

use crate::act::*;
use web_sys::HtmlInputElement;
use yew::prelude::*;

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
    let lang = crate::lang::use_lang();
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
            on_act.emit(Act { at_us, action, playing, keep: None })
        })
    };
    html! {
        <div class="basket" data-testid="basket">
            <label>{ lang.text("ui.basket.customer") }
                <select onchange={pick(customer.clone())} aria-label={lang.text("ui.basket.customer.label")}>
                    { for (0..props.customers).map(|c| html! { <option value={c.to_string()} selected={c == *customer}>{ c }</option> }) }
                </select>
            </label>
            <label>{ lang.text("ui.basket.buys") }
                <input type="number" class="num" min="1" value={qty.to_string()} onchange={on_qty}
                       aria-label={lang.text("ui.basket.quantity")} />
            </label>
            <select onchange={pick(item.clone())} aria-label={lang.text("ui.basket.item")}>
                { for (0..props.items).map(|i| html! {
                    <option value={i.to_string()} selected={i == *item}>{ protosim::domain::item_name(i) }</option>
                }) }
            </select>
            <button onclick={submit} data-testid="buy">{ lang.text("ui.basket.submit") }</button>
        </div>
    }
}
