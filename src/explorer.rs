//! The explorer: one run played back — controls, the cluster picture, the inspector, invariants and the event log.

use crate::act::*;
use crate::cluster::Cluster;
use crate::loader::*;
use crate::model::Model;
use crate::panels::*;
use crate::player::*;
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
    /// The tour's step to open at (from 0), at its moment (a tour step's link).
    #[prop_or_default]
    pub tour_step: usize,
}

const SHORTCUTS: [(&str, &str); 10] = [
    ("Space", "play / pause"),
    (". or b", "play / pause (presenter remote)"),
    ("PageDown / PageUp", "next / previous tour step"),
    ("→", "step to the next event"),
    ("←", "step back to the previous event"),
    ("↑ or +", "faster"),
    ("↓ or -", "slower"),
    ("Home", "back to the start"),
    ("?", "this help sheet"),
    ("Esc", "close the help sheet or the inspector"),
];

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
    /// Esc: close the help sheet and the inspector.
    Escape,
    TourStep(usize),
    TourChoice(usize),
}

impl Reducible for ExplorerUi {
    type Action = UiAction;
    fn reduce(self: Rc<Self>, action: UiAction) -> Rc<Self> {
        let mut ui = (*self).clone();
        match action {
            UiAction::Select(n) => ui.selected = n,
            UiAction::PickMessage(m) => ui.picked_msg = m,
            UiAction::TogglePartition => ui.partitioning = !ui.partitioning,
            UiAction::ClosePartition => ui.partitioning = false,
            UiAction::LogKind(k) => ui.log_kind = k,
            UiAction::LogNode(n) => ui.log_node = n,
            UiAction::ToggleHelp => ui.help = !ui.help,
            UiAction::CloseHelp => ui.help = false,
            UiAction::Escape => {
                ui.help = false;
                ui.selected = None;
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

/// What the keyboard shortcuts read, kept up to date at every render in a shared cell (so the listener need not be
/// rebuilt on every frame): the cursor, the speed, and the tour's step, its number of steps and how to go to one.
#[derive(Default)]
struct Latest {
    cursor: u64,
    speed: f64,
    tour: Option<(usize, usize, Callback<usize>)>,
}

/// Keyboard shortcuts: one listener on the document while the explorer is mounted. It reads the latest cursor,
/// speed and tour step through a shared cell ([`Latest`]).
///
/// The listener is not passive, so a shortcut's `preventDefault` holds (Space does not also scroll the page). A key
/// acts once whatever has focus: text fields keep their keys, and Space or Enter on a focused button (or link,
/// or summary) is that control's own click, not also the page's shortcut.
#[hook]
fn use_shortcuts(
    player: UseReducerDispatcher<Player>,
    ui: UseReducerDispatcher<ExplorerUi>,
    model: Rc<Model>,
    latest: Rc<std::cell::RefCell<Latest>>,
) {
    use_effect_with((), move |_| {
        let doc = web_sys::window().and_then(|w| w.document());
        let listener = doc.map(|doc| {
            let options = gloo::events::EventListenerOptions::enable_prevent_default();
            gloo::events::EventListener::new_with_options(&doc, "keydown", options, move |e| {
                let Some(e) = e.dyn_ref::<web_sys::KeyboardEvent>() else { return };
                let tag = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|el| el.tag_name());
                let typing = tag.as_deref().is_some_and(|t| matches!(t, "INPUT" | "SELECT" | "TEXTAREA"));
                let activates = tag.as_deref().is_some_and(|t| matches!(t, "BUTTON" | "A" | "SUMMARY"))
                    && matches!(e.key().as_str(), " " | "Enter");
                if typing || activates || e.ctrl_key() || e.meta_key() || e.alt_key() {
                    return;
                }
                let latest = latest.borrow();
                if shortcut(&e.key(), &latest, &model, &player, &ui) {
                    e.prevent_default();
                }
            })
        });
        move || drop(listener)
    });
}

/// What a key does; false when it is not a shortcut.
fn shortcut(
    key: &str,
    latest: &Latest,
    model: &Model,
    p: &UseReducerDispatcher<Player>,
    ui: &UseReducerDispatcher<ExplorerUi>,
) -> bool {
    let (cursor, speed) = (latest.cursor, latest.speed);
    match key {
        // Presenter remotes send `.` or `b` (blank the screen) for their play button, PageDown / PageUp for next
        // and previous.
        " " | "." | "b" => p.dispatch(PlayerAction::Toggle),
        "PageDown" | "PageUp" => {
            let Some((k, n, go)) = &latest.tour else { return false };
            let to = if key == "PageDown" { (k + 1).min(n - 1) } else { k.saturating_sub(1) };
            if to != *k {
                go.emit(to);
            }
        }
        "ArrowRight" => {
            if let Some(t) = model.next_event_after(cursor) {
                p.dispatch(PlayerAction::Step(t));
            }
        }
        "ArrowLeft" => {
            if let Some(t) = model.prev_event_before(cursor) {
                p.dispatch(PlayerAction::Step(t));
            }
        }
        "ArrowUp" | "+" | "=" => p.dispatch(PlayerAction::Speed(speed + 0.25)),
        "ArrowDown" | "-" => p.dispatch(PlayerAction::Speed(speed - 0.25)),
        "Home" => p.dispatch(PlayerAction::Restart),
        "?" => ui.dispatch(UiAction::ToggleHelp),
        "Escape" => ui.dispatch(UiAction::Escape),
        _ => return false,
    }
    true
}

/// What the explorer's view pieces read: the run, the cursor, the player and the UI state.
struct View<'a> {
    model: &'a Rc<Model>,
    cursor: u64,
    player: &'a UseReducerHandle<Player>,
    ui: &'a UseReducerHandle<ExplorerUi>,
    props: &'a ExplorerProps,
    /// The reader's language, for the event log.
    lang: crate::lang::Lang,
    /// The event log's shown lines, rendered.
    log_lines: Rc<Vec<(u64, &'static str, String)>>,
}

/// The event log's lines up to the cursor: the last 80 that pass its filters (looking back at most 20,000), in the
/// reader's language. Rendered again only when one of those changes, not at every animation frame.
#[hook]
fn use_log_lines(
    model: &Rc<Model>,
    log_end: usize,
    ui: &ExplorerUi,
    lang: crate::lang::Lang,
) -> Rc<Vec<(u64, &'static str, String)>> {
    let key = (Rc::as_ptr(model) as usize, log_end, ui.log_kind.clone(), ui.log_node, lang);
    let model = model.clone();
    use_memo(key, move |(_, log_end, kind, node, lang)| {
        model.log[log_end.saturating_sub(20_000)..*log_end]
            .iter()
            .rev()
            .filter(|l| l.matches(kind, *node))
            .take(80)
            .map(|l| (l.t_us, l.class, l.text(lang.0)))
            .collect::<Vec<_>>()
    })
}

impl View<'_> {
    fn act(&self, action: protosim::scenario::Action) -> Callback<MouseEvent> {
        act_on_click(&self.props.on_act, self.cursor, self.player.playing, action)
    }

    fn seek(&self) -> Callback<u64> {
        let p = self.player.dispatcher();
        Callback::from(move |t| p.dispatch(PlayerAction::Step(t)))
    }

    fn ui_on_click(&self, make: impl Fn() -> UiAction + 'static) -> Callback<MouseEvent> {
        let ui = self.ui.dispatcher();
        Callback::from(move |_| ui.dispatch(make()))
    }

    fn banners(&self) -> Html {
        let model = self.model;
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
            </>
        }
    }

    /// Play, step, speed, the clock, network actions and the time bar with its marks.
    fn controls(&self) -> Html {
        let (model, cursor, player) = (self.model, self.cursor, self.player);
        let p = player.dispatcher();
        let step = |forward: bool| {
            let p = p.clone();
            let model = model.clone();
            Callback::from(move |_| {
                let t = if forward { model.next_event_after(cursor) } else { model.prev_event_before(cursor) };
                if let Some(t) = t {
                    p.dispatch(PlayerAction::Step(t));
                }
            })
        };
        let toggle = {
            let p = p.clone();
            Callback::from(move |_| p.dispatch(PlayerAction::Toggle))
        };
        let restart = {
            let p = p.clone();
            Callback::from(move |_| p.dispatch(PlayerAction::Restart))
        };
        let on_speed = on_range(player.dispatcher(), PlayerAction::Speed);
        let on_seek = on_range(player.dispatcher(), |v| PlayerAction::Seek(v.max(0.0) as u64));
        let heal = self.act(protosim::scenario::Action::Heal);
        html! {
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
                <button onclick={self.ui_on_click(|| UiAction::TogglePartition)}
                        data-testid="partition" title="split the nodes into two groups that cannot talk">
                    { "✂ Partition…" }
                </button>
                <button onclick={heal} data-testid="heal" title="remove every partition and cut, from now on">
                    { "⚕ Heal network" }
                </button>
                <button class="ghost" onclick={self.ui_on_click(|| UiAction::ToggleHelp)} aria-label="Keyboard shortcuts" title="?">{ "?" }</button>
                <div class="scrub">
                    <input class="scrubber" type="range" min="0" max={model.end_us.to_string()} step="1000"
                        value={cursor.to_string()} oninput={on_seek} aria-label="Simulated time" />
                    <div class="marks" aria-hidden="true">
                        if model.history_from_us > 0 {
                            <span class="dropped-history" title="history dropped to save memory"
                                  style={format!("width: {:.3}%", 100.0 * model.history_from_us as f64
                                                 / model.end_us.max(1) as f64)} />
                        }
                        { for self.markers().map(|(t, label, class)| html! {
                            <span class={classes!("mark", class)} title={format!("{:.3} s: {label}", t as f64 / 1e6)}
                                  style={format!("left: {:.3}%", 100.0 * t as f64 / model.end_us.max(1) as f64)} />
                        }) }
                    </div>
                </div>
            </section>
        }
    }

    fn markers(&self) -> impl Iterator<Item = (u64, String, &'static str)> + '_ {
        let model = self.model;
        model
            .faults
            .iter()
            .map(|(t, label)| (*t, label.clone(), "fault"))
            .chain(model.violations.iter().map(|v| (v.t_us, format!("⚠ {}", v.invariant), "violation")))
    }

    /// The open panels: the tour card, a message, the partition tool, the inspector.
    fn panels(&self, tour: &TourState) -> Html {
        let (model, cursor, player, ui, props) = (self.model, self.cursor, self.player, self.ui, self.props);
        html! {
            <>
                if let (Some(t), Some(times), true) = (props.tour, tour.times.clone(), ui.tour_step != usize::MAX) {
                    <crate::tours::TourCard tour={t} times={times} step={ui.tour_step} chosen={ui.tour_choice}
                        revealed={tour.answer.is_some_and(|a| cursor >= a.at_us)}
                        on_step={tour.go.clone()}
                        on_choose={{
                            let (ui, p, answer) = (ui.dispatcher(), player.dispatcher(), tour.answer);
                            Callback::from(move |i: usize| {
                                ui.dispatch(UiAction::TourChoice(i));
                                if let Some(a) = answer {
                                    p.dispatch(PlayerAction::PlayTo(a.at_us));
                                }
                            })
                        }}
                        on_close={{
                            let ui = ui.dispatcher();
                            Callback::from(move |_| ui.dispatch(UiAction::TourStep(usize::MAX)))
                        }} />
                }
                if let Some(id) = ui.picked_msg {
                    <MessagePanel model={model.clone()} id={id} cursor_us={cursor} on_act={props.on_act.clone()}
                                  playing={player.playing} on_close={self.ui_on_click(|| UiAction::PickMessage(None))} />
                }
                if ui.partitioning {
                    <PartitionPanel model={model.clone()} cursor_us={cursor} on_act={props.on_act.clone()}
                                    playing={player.playing} on_close={self.ui_on_click(|| UiAction::ClosePartition)} />
                }
                if let Some(id) = ui.selected {
                    <Inspector model={model.clone()} node={id} cursor_us={cursor} on_act={props.on_act.clone()}
                               playing={player.playing} on_close={self.ui_on_click(|| UiAction::Select(None))} />
                }
            </>
        }
    }

    /// The event log up to the cursor ([`use_log_lines`]), with its filters.
    fn log(&self) -> Html {
        let (model, ui, lang) = (self.model, self.ui, self.lang);
        let on_log_kind = {
            let ui = ui.dispatcher();
            Callback::from(move |e: Event| {
                let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
                ui.dispatch(UiAction::LogKind(sel.value()));
            })
        };
        let on_log_node = {
            let ui = ui.dispatcher();
            Callback::from(move |e: Event| {
                let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
                ui.dispatch(UiAction::LogNode(sel.value().parse().ok()));
            })
        };
        let seek = self.seek();
        let seek_to = |t: u64| {
            let seek = seek.clone();
            Callback::from(move |_: MouseEvent| seek.emit(t))
        };
        html! {
                    <section class="log" aria-label="Event log" aria-live="off">
                        <h2>{ "Events" }
                            <select onchange={on_log_kind} aria-label="Show events of kind" data-testid="log-kind">
                                { for crate::model::LOG_KINDS.iter().map(|(k, label)| html! {
                                    <option value={*k} selected={*k == ui.log_kind.as_str()}>{ *label }</option>
                                }) }
                            </select>
                            <select onchange={on_log_node} aria-label="Show events of node" data-testid="log-node">
                                <option value="" selected={ui.log_node.is_none()}>{ "all nodes" }</option>
                                { for model.nodes.iter().map(|n| html! {
                                    <option value={n.id.to_string()} selected={ui.log_node == Some(n.id)}>{ &n.name }</option>
                                }) }
                            </select>
                        </h2>
                        <ol data-testid="events" lang={lang.0.tag}>
                            { for self.log_lines.iter().map(|(t_us, class, text)| html! {
                                <li class={*class} onclick={seek_to(*t_us)} title="click to go to this moment">
                                    <span class="t">{ format!("{:.3}", *t_us as f64 / 1e6) }</span>
                                    { " " }{ text }
                                </li>
                            }) }
                        </ol>
                    </section>
        }
    }

    fn help(&self) -> Html {
        html! {
            <div class="help" role="dialog" aria-label="Keyboard shortcuts" data-testid="help">
                <h2>{ "Keyboard" }</h2>
                <table>
                    { for SHORTCUTS.iter().map(|(k, what)| html! { <tr><th><kbd>{ *k }</kbd></th><td>{ *what }</td></tr> }) }
                </table>
                <button onclick={self.ui_on_click(|| UiAction::CloseHelp)}>{ "Close" }</button>
            </div>
        }
    }

    fn footer(&self) -> Html {
        let model = self.model;
        html! {
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
        }
    }
}

/// The tour over the run, for the card and the shortcuts: where its steps are, how to go to one, and the answer
/// of the open step's question.
struct TourState {
    times: Option<Result<crate::tours::Timeline, String>>,
    /// Goes to a step: the player jumps to its moment and pauses.
    go: Callback<usize>,
    answer: Option<crate::tours::Answer>,
}

/// The tour's state ([`TourState`]); the address bar follows its step (`&tour=…&step=…`, see
/// [`crate::share::set_tour_step`]).
#[hook]
fn use_tour(
    tour: Option<&'static crate::tours::Tour>,
    tour_times: &Rc<Option<Result<crate::tours::Timeline, String>>>,
    player: &UseReducerHandle<Player>,
    ui: &UseReducerHandle<ExplorerUi>,
) -> TourState {
    let times = (**tour_times).clone();
    let step = ui.tour_step;
    use_effect_with((tour.map(|t| t.id), step), move |_| {
        let open = tour.filter(|_| step != usize::MAX).map(|t| (t, step.min(t.steps.len() - 1)));
        crate::share::set_tour_step(open);
        if let Some(t) = tour {
            crate::share::set_fragment(&t.scenario());
        }
    });
    let go = {
        let (ui, p, times) = (ui.dispatcher(), player.dispatcher(), times.clone());
        Callback::from(move |k: usize| {
            if let Some(&t) = times.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| t.steps.get(k)) {
                p.dispatch(PlayerAction::Step(t));
            }
            ui.dispatch(UiAction::TourStep(k));
        })
    };
    let answer = times.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| t.answers.get(step).copied().flatten());
    TourState { times, go, answer }
}

/// Plays one run back: controls, the cluster picture, the inspector, invariants and the event log.
#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let model = props.model.clone();
    let end_us = model.end_us;
    // Keyed by the model's address: comparing a whole run by value on every frame would cost more than the memo.
    let model_key = Rc::as_ptr(&model) as usize;
    let tour_times = use_memo((props.tour.map(|t| t.id), model_key), {
        let (tour, model) = (props.tour, model.clone());
        move |_| tour.map(|t| t.timeline(&model))
    });
    // A tour step's link opens at that step's moment.
    let start_us = match (*tour_times).as_ref().and_then(|t| t.as_ref().ok()) {
        Some(times) if props.tour_step > 0 => times.steps.get(props.tour_step).copied().unwrap_or(props.start_us),
        _ => props.start_us,
    };
    // Not one in history a long run dropped: the player cannot go there.
    let first_violation = model.violations.iter().map(|v| v.t_us).find(|&t| t > start_us && t >= model.history_from_us);
    let player = use_reducer(|| Player {
        cursor_us: start_us.clamp(model.history_from_us, end_us) as f64,
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
    let ui = use_reducer(|| ExplorerUi { tour_step: props.tour_step, ..ExplorerUi::default() });
    let tour = use_tour(props.tour, &tour_times, &player, &ui);
    let charts = use_memo(model_key, {
        let model = model.clone();
        move |_| Rc::new(crate::charts::charts(&model.series, None, ""))
    });
    let fault_times = use_memo(model_key, {
        let model = model.clone();
        move |_| Rc::new(model.faults.iter().map(|(t, _)| *t).collect::<Vec<u64>>())
    });
    let latest = use_mut_ref(Latest::default);
    *latest.borrow_mut() = Latest {
        cursor,
        speed: player.speed_log,
        tour: props
            .tour
            .filter(|_| ui.tour_step != usize::MAX)
            .map(|t| (ui.tour_step.min(t.steps.len() - 1), t.steps.len(), tour.go.clone())),
    };
    use_shortcuts(player.dispatcher(), ui.dispatcher(), model.clone(), latest);

    let lang = use_context::<crate::lang::Lang>().unwrap_or_default();
    let log_lines = use_log_lines(&model, model.log_end(cursor), &ui, lang);
    let view = View { model: &model, cursor, player: &player, ui: &ui, props, lang, log_lines };
    let violations_now: Vec<crate::model::ViolationMark> =
        model.violations.iter().filter(|v| v.t_us <= cursor).cloned().collect();
    let highlight: Vec<protosim::scenario::NodeId> = violations_now.iter().filter_map(|v| v.node).collect();
    let on_node = {
        let ui = ui.dispatcher();
        Callback::from(move |id| ui.dispatch(UiAction::Select(Some(id))))
    };
    let on_msg = {
        let ui = ui.dispatcher();
        Callback::from(move |id: u64| ui.dispatch(UiAction::PickMessage(Some(id))))
    };
    // The latest line is spoken only while paused: not rendered at every frame of playback.
    let latest_line = (!player.playing)
        .then(|| model.log_end(cursor).checked_sub(1).map(|i| model.log[i].text(lang.0)))
        .flatten()
        .unwrap_or_default();
    html! {
        <>
            { view.banners() }
            { view.controls() }
            <div class="stage">
                <div class="picture">
                    <Cluster model={model.clone()} cursor_us={cursor} on_node={on_node} on_msg={on_msg}
                             selected={ui.selected} highlight={highlight} />
                    <p class="hint">{ "Click a node to inspect it, crash it or cut it off; click a message in flight to drop it." }</p>
                    <crate::cluster::SpaceTime model={model.clone()} cursor_us={cursor} on_seek={view.seek()} />
                    <crate::charts::Charts charts={(*charts).clone()} end_us={model.end_us}
                        faults={(*fault_times).clone()} cursor_us={cursor} on_seek={view.seek()} />
                </div>
                <aside class="side">
                    { view.panels(&tour) }
                    <InvariantsPanel invariants={props.invariants} violations={violations_now}
                                     liveness={model.liveness.clone()} />
                    { crate::protocol_views::side_panel(&model, cursor) }
                    { view.log() }
                </aside>
            </div>
            <div class="sr-only" aria-live="polite" data-testid="narration">
                { latest_line }
            </div>
            if ui.help {
                { view.help() }
            }
            { view.footer() }
        </>
    }
}
