//! The explorer: one run played back — controls, the cluster picture, the inspector, invariants and the event log.

use crate::act::*;
use crate::cluster::Cluster;
use crate::loader::*;
use crate::model::Model;
use crate::panels::*;
use crate::player::*;
use protosim::scenario::ProtocolKind;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    pub model: Rc<Model>,
    /// Whether the player starts playing.
    pub playing: bool,
    /// Where the player starts (after an action, where the user acted).
    #[prop_or_default]
    pub start_us: u64,
    pub invariants: &'static [protosim::invariants::InvariantInfo],
    #[prop_or_default]
    pub on_act: Callback<Act>,
    /// A guided tour over this run: its narration card drives the player.
    #[prop_or_default]
    pub tour: Option<&'static crate::tours::Tour>,
}

const SHORTCUTS: [(&str, &str); 8] = [
    ("Space", "play / pause"),
    ("→", "step to the next event"),
    ("←", "step back to the previous event"),
    ("↑ or +", "faster"),
    ("↓ or -", "slower"),
    ("Home", "back to the start"),
    ("?", "this help sheet"),
    ("Esc", "close the help sheet or the inspector"),
];

/// Plays one run back: controls, the cluster picture, the inspector, invariants and the event log.
#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let model = props.model.clone();
    let end_us = model.end_us;
    // Not one in history a long run dropped: the player cannot go there.
    let first_violation =
        model.violations.iter().map(|v| v.t_us).find(|&t| t > props.start_us && t >= model.history_from_us);
    let player = use_reducer(|| Player {
        cursor_us: props.start_us.clamp(model.history_from_us, end_us) as f64,
        start_us: model.history_from_us,
        end_us,
        playing: props.playing,
        speed_log: SPEED_LOG_DEFAULT,
        pause_at: first_violation,
    });
    {
        let dispatcher = player.dispatcher();
        use_animation_frames(player.playing, Callback::from(move |dt| dispatcher.dispatch(PlayerAction::Tick(dt))));
    }
    let cursor = player.cursor_us as u64;
    let selected = use_state(|| None::<protosim::scenario::NodeId>);
    let picked_msg = use_state(|| None::<u64>);
    let partitioning = use_state(|| false);
    let log_kind = use_state(|| "all".to_string());
    let log_node = use_state(|| None::<protosim::scenario::NodeId>);
    let help = use_state(|| false);
    let tour_step = use_state(|| 0usize);
    // Keyed by the model's address: comparing a whole run by value on every frame would cost more than the memo.
    let model_key = Rc::as_ptr(&model) as usize;
    let tour_times = use_memo((props.tour.map(|t| t.id), model_key), {
        let (tour, model) = (props.tour, model.clone());
        move |_| tour.map(|t| t.times(&model))
    });
    let charts = use_memo(model_key, {
        let model = model.clone();
        move |_| Rc::new(crate::charts::charts(&model.series, None, ""))
    });
    let fault_times = use_memo(model_key, {
        let model = model.clone();
        move |_| Rc::new(model.faults.iter().map(|(t, _)| *t).collect::<Vec<u64>>())
    });

    // Keyboard: one listener on the document while the explorer is mounted. It reads the latest player through a
    // shared cell, so the listener need not be rebuilt on every frame.
    let latest = use_mut_ref(|| (0u64, 0.0f64));
    *latest.borrow_mut() = (cursor, player.speed_log);
    {
        let p = player.dispatcher();
        let model = model.clone();
        let latest = latest.clone();
        let help = help.clone();
        let selected = selected.clone();
        use_effect_with((), move |_| {
            let doc = web_sys::window().and_then(|w| w.document());
            let listener = doc.map(|doc| {
                gloo::events::EventListener::new(&doc, "keydown", move |e| {
                    let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                    let typing = e
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
                    if typing || e.ctrl_key() || e.meta_key() || e.alt_key() {
                        return;
                    }
                    let (cursor, speed) = *latest.borrow();
                    let handled = match e.key().as_str() {
                        " " => {
                            p.dispatch(PlayerAction::Toggle);
                            true
                        }
                        "ArrowRight" => {
                            if let Some(t) = model.next_event_after(cursor) {
                                p.dispatch(PlayerAction::Step(t));
                            }
                            true
                        }
                        "ArrowLeft" => {
                            if let Some(t) = model.prev_event_before(cursor) {
                                p.dispatch(PlayerAction::Step(t));
                            }
                            true
                        }
                        "ArrowUp" | "+" | "=" => {
                            p.dispatch(PlayerAction::Speed(speed + 0.25));
                            true
                        }
                        "ArrowDown" | "-" => {
                            p.dispatch(PlayerAction::Speed(speed - 0.25));
                            true
                        }
                        "Home" => {
                            p.dispatch(PlayerAction::Restart);
                            true
                        }
                        "?" => {
                            help.set(!*help);
                            true
                        }
                        "Escape" => {
                            help.set(false);
                            selected.set(None);
                            true
                        }
                        _ => false,
                    };
                    if handled {
                        e.prevent_default();
                    }
                })
            });
            move || drop(listener)
        });
    }

    let toggle = {
        let p = player.dispatcher();
        Callback::from(move |_| p.dispatch(PlayerAction::Toggle))
    };
    let restart = {
        let p = player.dispatcher();
        Callback::from(move |_| p.dispatch(PlayerAction::Restart))
    };
    let step = |forward: bool| {
        let p = player.dispatcher();
        let model = model.clone();
        Callback::from(move |_| {
            let t = if forward { model.next_event_after(cursor) } else { model.prev_event_before(cursor) };
            if let Some(t) = t {
                p.dispatch(PlayerAction::Step(t));
            }
        })
    };
    let on_speed = on_range(player.dispatcher(), PlayerAction::Speed);
    let on_seek = on_range(player.dispatcher(), |v| PlayerAction::Seek(v.max(0.0) as u64));
    let act = {
        let on_act = props.on_act.clone();
        let playing = player.playing;
        move |action: protosim::scenario::Action| on_act.emit(Act { at_us: cursor, action, playing })
    };
    let on_node = {
        let selected = selected.clone();
        Callback::from(move |id| selected.set(Some(id)))
    };
    let on_msg = {
        let picked_msg = picked_msg.clone();
        Callback::from(move |id: u64| picked_msg.set(Some(id)))
    };
    let heal = {
        let act = act.clone();
        Callback::from(move |_| act(protosim::scenario::Action::Heal))
    };
    let toggle_help = {
        let help = help.clone();
        Callback::from(move |_| help.set(!*help))
    };

    let violations_now: Vec<&crate::model::ViolationMark> =
        model.violations.iter().filter(|v| v.t_us <= cursor).collect();
    let highlight: Vec<protosim::scenario::NodeId> = violations_now.iter().filter_map(|v| v.node).collect();
    let log_end = model.log_end(cursor);
    // The last 80 lines up to the cursor that pass the filter (looking back at most 20,000 lines).
    let shown: Vec<&crate::model::LogLine> = model.log[log_end.saturating_sub(20_000)..log_end]
        .iter()
        .rev()
        .filter(|l| l.matches(&log_kind, *log_node))
        .take(80)
        .collect();
    let on_log_kind = {
        let log_kind = log_kind.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            log_kind.set(sel.value());
        })
    };
    let on_log_node = {
        let log_node = log_node.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            log_node.set(sel.value().parse().ok());
        })
    };
    let seek_to = {
        let p = player.dispatcher();
        move |t: u64| {
            let p = p.clone();
            Callback::from(move |_| p.dispatch(PlayerAction::Step(t)))
        }
    };
    let latest_line = log_end.checked_sub(1).map(|i| model.log[i].text.clone()).unwrap_or_default();
    let markers = model
        .faults
        .iter()
        .map(|(t, label)| (*t, label.clone(), "fault"))
        .chain(model.violations.iter().map(|v| (v.t_us, format!("⚠ {}", v.invariant), "violation")));

    html! {
        <>
            if let Some(why) = &model.cut_short {
                <div class="banner error" role="status" data-testid="cut-short">{ why.clone() }</div>
            }
            if model.history_from_us > 0 {
                <div class="banner info" role="status" data-testid="history-dropped">{ format!(
                    "A long run: to stay within memory the page keeps its playback history from t = {:.3} s on; the \
                     {} log lines before were dropped (shaded on the time bar). Charts, totals, violations and fault \
                     marks cover the whole run. Shorten the run to replay its start, or use the protosim CLI.",
                    model.history_from_us as f64 / 1e6,
                    group_thousands(model.dropped_lines)
                ) }</div>
            }
            <section class="controls" aria-label="Playback">
                <button class="primary" onclick={toggle} data-testid="play" title="Space">
                    { if player.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button onclick={step(false)} data-testid="step-back" title="← previous event">{ "◀ Step" }</button>
                <button onclick={step(true)} data-testid="step" title="→ next event">{ "Step ▶" }</button>
                <button onclick={restart} title="Home">{ "↺ Start" }</button>
                <label class="speed">
                    { "Speed " }
                    <input type="range" min={SPEED_LOG_MIN.to_string()} max={SPEED_LOG_MAX.to_string()} step="0.05"
                        value={player.speed_log.to_string()} oninput={on_speed} aria-label="Playback speed" />
                    <output data-testid="speed">{ speed_text(player.speed_log) }</output>
                </label>
                <span class="clock" data-testid="clock" data-us={cursor.to_string()}>
                    { format!("t = {:.3} s", cursor as f64 / 1e6) }
                    <small>{ format!(" / {:.3} s", model.end_us as f64 / 1e6) }</small>
                </span>
                <button onclick={{ let p = partitioning.clone(); Callback::from(move |_| p.set(!*p)) }}
                        data-testid="partition" title="split the nodes into two groups that cannot talk">
                    { "✂ Partition…" }
                </button>
                <button onclick={heal} data-testid="heal" title="remove every partition and cut, from now on">
                    { "⚕ Heal network" }
                </button>
                <button class="ghost" onclick={toggle_help} aria-label="Keyboard shortcuts" title="?">{ "?" }</button>
                <div class="scrub">
                    <input class="scrubber" type="range" min="0" max={model.end_us.to_string()} step="1000"
                        value={cursor.to_string()} oninput={on_seek} aria-label="Simulated time" />
                    <div class="marks" aria-hidden="true">
                        if model.history_from_us > 0 {
                            <span class="dropped-history" title="history dropped to save memory"
                                  style={format!("width: {:.3}%", 100.0 * model.history_from_us as f64
                                                 / model.end_us.max(1) as f64)} />
                        }
                        { for markers.map(|(t, label, class)| html! {
                            <span class={classes!("mark", class)} title={format!("{:.3} s: {label}", t as f64 / 1e6)}
                                  style={format!("left: {:.3}%", 100.0 * t as f64 / model.end_us.max(1) as f64)} />
                        }) }
                    </div>
                </div>
            </section>
            <div class="stage">
                <div class="picture">
                    <Cluster model={model.clone()} cursor_us={cursor} on_node={on_node} on_msg={on_msg}
                             selected={*selected} highlight={highlight} />
                    <p class="hint">{ "Click a node to inspect it, crash it or cut it off; click a message in flight to drop it." }</p>
                    <crate::cluster::SpaceTime model={model.clone()} cursor_us={cursor}
                        on_seek={{ let p = player.dispatcher(); Callback::from(move |t| p.dispatch(PlayerAction::Step(t))) }} />
                    <crate::charts::Charts charts={(*charts).clone()} end_us={model.end_us}
                        faults={(*fault_times).clone()} cursor_us={cursor}
                        on_seek={{ let p = player.dispatcher(); Callback::from(move |t| p.dispatch(PlayerAction::Step(t))) }} />
                </div>
                <aside class="side">
                    if let (Some(tour), Some(times), true) = (props.tour, (*tour_times).clone(), *tour_step != usize::MAX) {
                        <crate::tours::TourCard tour={tour} times={times.clone()} step={*tour_step}
                            on_step={{
                                let tour_step = tour_step.clone();
                                let p = player.dispatcher();
                                Callback::from(move |k: usize| {
                                    if let Some(&t) = times.as_ref().ok().and_then(|v| v.get(k)) {
                                        p.dispatch(PlayerAction::Step(t));
                                    }
                                    tour_step.set(k);
                                })
                            }}
                            on_close={{ let s = tour_step.clone(); Callback::from(move |_| s.set(usize::MAX)) }} />
                    }
                    if let Some(id) = *picked_msg {
                        <MessagePanel model={model.clone()} id={id} cursor_us={cursor} on_act={props.on_act.clone()}
                                      playing={player.playing}
                                      on_close={{ let s = picked_msg.clone(); Callback::from(move |_| s.set(None)) }} />
                    }
                    if *partitioning {
                        <PartitionPanel model={model.clone()} cursor_us={cursor} on_act={props.on_act.clone()}
                                        playing={player.playing}
                                        on_close={{ let s = partitioning.clone(); Callback::from(move |_| s.set(false)) }} />
                    }
                    if let Some(id) = *selected {
                        <Inspector model={model.clone()} node={id} cursor_us={cursor} on_act={props.on_act.clone()}
                                   playing={player.playing} on_close={{ let s = selected.clone(); Callback::from(move |_| s.set(None)) }} />
                    }
                    <InvariantsPanel invariants={props.invariants} violations={violations_now.into_iter().cloned().collect::<Vec<_>>()}
                                     liveness={model.liveness.clone()} />
                    if model.scenario.protocol == ProtocolKind::Pessimistic {
                        <LockPanel detail={model.state_at(0, cursor).detail} />
                    }
                    <section class="log" aria-label="Event log" aria-live="off">
                        <h2>{ "Events" }
                            <select onchange={on_log_kind} aria-label="Show events of kind" data-testid="log-kind">
                                { for crate::model::LOG_KINDS.iter().map(|(k, label)| html! {
                                    <option value={*k} selected={*k == log_kind.as_str()}>{ *label }</option>
                                }) }
                            </select>
                            <select onchange={on_log_node} aria-label="Show events of node" data-testid="log-node">
                                <option value="" selected={log_node.is_none()}>{ "all nodes" }</option>
                                { for model.nodes.iter().map(|n| html! {
                                    <option value={n.id.to_string()} selected={*log_node == Some(n.id)}>{ &n.name }</option>
                                }) }
                            </select>
                        </h2>
                        <ol data-testid="events">
                            { for shown.iter().map(|l| html! {
                                <li class={l.class} onclick={seek_to(l.t_us)} title="click to go to this moment">
                                    <span class="t">{ format!("{:.3}", l.t_us as f64 / 1e6) }</span>
                                    { " " }{ &l.text }
                                </li>
                            }) }
                        </ol>
                    </section>
                </aside>
            </div>
            <div class="sr-only" aria-live="polite" data-testid="narration">
                { if player.playing { String::new() } else { latest_line } }
            </div>
            if *help {
                <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
                    <h2>{ "Keyboard" }</h2>
                    <table>
                        { for SHORTCUTS.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }
                    </table>
                    <button onclick={{ let h = help.clone(); Callback::from(move |_| h.set(false)) }}>{ "Close" }</button>
                </div>
            }
            <footer class="foot" data-testid="totals" data-messages={model.messages_sent.to_string()}
                    data-confirmed={model.confirmed.to_string()} data-dropped={model.dropped.to_string()}
                    data-dropped-user={model.dropped_by_user.to_string()} data-duplicated={model.duplicated.to_string()}
                    data-trace={model.trace_hash.clone()}>
                { format!(
                    "{} messages ({} dropped, {} by you) · {} checkouts confirmed · trace {} · {} events · {}",
                    model.messages_sent, model.dropped, model.dropped_by_user, model.confirmed, model.trace_hash,
                    model.log.len(), model.stop
                ) }
            </footer>
        </>
    }
}
