//! The lock manager's table and wait-for graph (pessimistic locking).

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct LockPanelProps {
    /// The lock manager's state at the cursor.
    pub detail: protosim::engine::NodeDetail,
}

/// The lock manager's full lock table (holders ← queue per row, fencing tokens) and its wait-for graph.
#[component]
pub fn LockPanel(props: &LockPanelProps) -> Html {
    let lang = crate::lang::use_lang();
    let d = &props.detail;
    html! {
        <section class="locks" aria-label={lang.text("ui.locks")} data-testid="locks">
            <h2>{ lang.text("ui.locks.table") }</h2>
            if d.table.is_empty() {
                <p class="muted">{ lang.text("ui.locks.none") }</p>
            } else {
                <table>
                    { for d.table.iter().map(|l| html! {
                        <tr class={classes!(l.hot.then_some("hot"))}><th>{ &l.key }</th><td>{ lang.render(&l.text) }</td></tr>
                    }) }
                </table>
            }
            <h2>{ lang.text("ui.locks.graph") }<small>{ lang.text("ui.locks.graph.legend") }</small></h2>
            <crate::cluster::WaitGraph edges={d.waits.clone()} />
        </section>
    }
}
