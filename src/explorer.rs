//! The explorer: one run played back — controls, the cluster picture, the inspector, invariants and the event log.

use crate::act::*;
use crate::cluster::Cluster;
use crate::loader::*;
use crate::model::Model;
use crate::panels::*;
use crate::player::*;
use protosim::i18n::Language;
use protosim::note;
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
    /// Embedded in a slide (`&embed=1`): the picture, the player and the narration only.
    #[prop_or_default]
    pub embed: bool,
    /// What to open with: what the explorer before this run had open when the user acted (see [`Act::keep`]).
    #[prop_or_default]
    pub keep: Option<Rc<ExplorerUi>>,
    /// When the user's own actions in this page happen (µs, ascending): said as theirs in the log, counted.
    #[prop_or_default]
    pub user_at: Rc<Vec<u64>>,
    /// The tour's step to open at (from 0), at its moment (a tour step's link).
    #[prop_or_default]
    pub tour_step: usize,
    /// While the run is still simulated (the model is its first part): how far, as a fraction and in words.
    #[prop_or_default]
    pub computing: Option<(f64, protosim::narration::Note)>,
}

/// How long before its first event a run opening from its start begins to play (µs of simulated time: 0.3 s of
/// the viewer's at the default speed).
const OPENING_LEAD_US: u64 = 15_000;

/// The help sheet's lines: a key (its name on the keyboard) and what it does, in `lang`.
fn shortcuts(lang: &Language) -> [(String, String); 10] {
    [
        ("Space".into(), lang.text("ui.help.play")),
        (lang.text("ui.help.remote-key"), lang.text("ui.help.remote")),
        ("PageDown / PageUp".into(), lang.text("ui.help.tour-steps")),
        ("→".into(), lang.text("ui.help.next")),
        ("←".into(), lang.text("ui.help.previous")),
        (lang.text("ui.help.up-key"), lang.text("ui.help.faster")),
        (lang.text("ui.help.down-key"), lang.text("ui.help.slower")),
        ("Home".into(), lang.text("ui.help.start")),
        ("?".into(), lang.text("ui.help.help")),
        ("Esc".into(), lang.text("ui.help.close")),
    ]
}

/// The event log filter's name for a kind of line (one of [`crate::model::LOG_KINDS`]).
fn log_kind_label(lang: &Language, kind: &str) -> String {
    match kind {
        "messages" => lang.text("ui.log.kind.messages"),
        "narration" => lang.text("ui.log.kind.narration"),
        "faults" => lang.text("ui.log.kind.faults"),
        "timers" => lang.text("ui.log.kind.timers"),
        "violations" => lang.text("ui.log.kind.violations"),
        _ => lang.text("ui.log.kind.all"),
    }
}

pub use crate::explorer_ui::{ExplorerUi, UiAction};

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
                let target = e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
                if target.is_some_and(|el| keeps(&el, &e.key())) || e.ctrl_key() || e.meta_key() || e.alt_key() {
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

/// Whether the focused element `el` keeps `key` for itself rather than the page's shortcut: a text field every key
/// but Esc; a drop-down its arrows, letters, Space and Enter; a slider its arrows, Home and End (a presenter's
/// PageDown / PageUp still move the tour after dragging the scrubber); a checkbox its Space; a button or link its
/// Space and Enter (it acts once, as itself).
fn keeps(el: &web_sys::Element, key: &str) -> bool {
    let kind = el.get_attribute("type").unwrap_or_default().to_ascii_lowercase();
    match el.tag_name().as_str() {
        "TEXTAREA" => key != "Escape",
        "INPUT" => match kind.as_str() {
            "range" => matches!(key, "ArrowLeft" | "ArrowRight" | "ArrowUp" | "ArrowDown" | "Home" | "End"),
            "checkbox" | "radio" => key == " ",
            "button" | "submit" | "reset" | "file" => matches!(key, " " | "Enter"),
            _ => key != "Escape",
        },
        "SELECT" => !matches!(key, "Escape" | "PageDown" | "PageUp"),
        "BUTTON" | "A" | "SUMMARY" => matches!(key, " " | "Enter"),
        _ => false,
    }
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
    /// The user's actions on the run: `props.on_act` with what is open now kept for the next run.
    on_act: Callback<Act>,
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
    user_at: &Rc<Vec<u64>>,
) -> Rc<Vec<(u64, &'static str, String)>> {
    let key = (Rc::as_ptr(model) as usize, log_end, ui.log_kind.clone(), ui.log_node, lang, Rc::as_ptr(user_at));
    let (model, user_at) = (model.clone(), user_at.clone());
    use_memo(key, move |(_, log_end, kind, node, lang, _)| {
        model.log[log_end.saturating_sub(20_000)..*log_end]
            .iter()
            .rev()
            .filter(|l| l.matches(kind, *node))
            .take(80)
            .map(|l| {
                // A crash, restart or cut the user made in this page is said as theirs ("you: n1 crashes …"); a
                // drop, a copy and a hold say so themselves.
                let yours = l.class == "fault" && user_at.binary_search(&l.t_us).is_ok() && l.note.key != "log.delay";
                let text = if yours && !l.note.key.ends_with(".user") {
                    lang.0.render(&protosim::note!("log.by.you", what = l.note.clone()))
                } else {
                    l.text(lang.0)
                };
                (l.t_us, l.class, text)
            })
            .collect::<Vec<_>>()
    })
}

impl View<'_> {
    fn act(&self, action: protosim::scenario::Action) -> Callback<MouseEvent> {
        act_on_click(&self.on_act, self.cursor, self.player.playing, action)
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
        let (model, lang) = (self.model, self.lang.0);
        html! {
            <>
            if let Some(why) = &model.cut_short {
                <div class="banner error" role="status" data-testid="cut-short">{ lang.render(why) }</div>
            }
            if model.history_from_us > 0 {
                <div class="banner info" role="status" data-testid="history-dropped">{ lang.render(&note!(
                    "ui.history-dropped",
                    from_s = format!("{:.3}", model.history_from_us as f64 / 1e6),
                    lines = group_thousands(model.dropped_lines)
                )) }</div>
            }
            </>
        }
    }

    /// Play, step, speed, the clock, network actions and the time bar with its marks.
    fn controls(&self) -> Html {
        let (model, cursor, player, lang) = (self.model, self.cursor, self.player, self.lang.0);
        // While the run is still simulated, the scrubber spans the run's planned length and shades what is not
        // computed yet; seeking there waits for it (the player's `pending_us`).
        let span_us =
            if model.partial { model.end_us.max(model.scenario.until_ms.saturating_mul(1000)) } else { model.end_us };
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
            <section class="controls" aria-label={lang.text("ui.player")}>
                <button class="primary" onclick={toggle} data-testid="play" title="Space">
                    { if player.playing { lang.text("ui.player.pause") } else { lang.text("ui.player.play") } }
                </button>
                <button onclick={step(false)} data-testid="step-back" title={lang.text("ui.player.step-back.tip")}>
                    { lang.text("ui.player.step-back") }
                </button>
                <button onclick={step(true)} data-testid="step" title={lang.text("ui.player.step.tip")}>
                    { lang.text("ui.player.step") }
                </button>
                <button onclick={restart} title="Home">{ lang.text("ui.player.restart") }</button>
                <label class="speed">
                    { lang.text("ui.player.speed") }
                    <input type="range" min={SPEED_LOG_MIN.to_string()} max={SPEED_LOG_MAX.to_string()} step="0.05"
                        value={player.speed_log.to_string()} oninput={on_speed} aria-label={lang.text("ui.player.speed.label")} />
                    <output data-testid="speed">{ speed_text(player.speed_log) }</output>
                </label>
                <span class="clock" data-testid="clock" data-us={cursor.to_string()}>
                    { lang.render(&note!("ui.player.clock", s = format!("{:.3}", cursor as f64 / 1e6))) }
                    <small>{ lang.render(&note!("ui.player.clock.end", s = format!("{:.3}", span_us as f64 / 1e6))) }</small>
                </span>
                <button onclick={self.ui_on_click(|| UiAction::TogglePartition)}
                        data-testid="partition" title={lang.text("ui.player.partition.tip")}>
                    { lang.text("ui.player.partition") }
                </button>
                <button onclick={heal} data-testid="heal" title={lang.text("ui.player.heal.tip")}>
                    { lang.text("ui.player.heal") }
                </button>
                <button class="ghost" onclick={self.ui_on_click(|| UiAction::ToggleHelp)}
                        aria-label={lang.text("ui.help.title")} title="?">{ "?" }</button>
                <div class="scrub">
                    <input class="scrubber" type="range" min="0" max={span_us.to_string()} step="1000"
                        value={cursor.to_string()} oninput={on_seek} aria-label={lang.text("ui.player.time")}
                        data-testid="scrubber" />
                    <div class="marks" aria-hidden="true">
                        if model.history_from_us > 0 {
                            <span class="dropped-history" title={lang.text("ui.player.dropped-history")}
                                  style={format!("width: {:.3}%", 100.0 * model.history_from_us as f64
                                                 / span_us.max(1) as f64)} />
                        }
                        if model.end_us < span_us {
                            <span class="uncomputed" title={lang.text("ui.player.uncomputed")}
                                  style={format!("left: {:.3}%; width: {:.3}%", 100.0 * model.end_us as f64 / span_us as f64,
                                                 100.0 * (span_us - model.end_us) as f64 / span_us as f64)} />
                        }
                        { for self.markers().map(|(t, label, class)| html! {
                            <span class={classes!("mark", class)} title={lang.render(&note!("ui.player.mark", s = format!("{:.3}", t as f64 / 1e6), label))}
                                  style={format!("left: {:.3}%", 100.0 * t as f64 / span_us.max(1) as f64)} />
                        }) }
                    </div>
                </div>
                if let Some((done, progress)) = &self.props.computing {
                    <div class="computing" data-testid="computing" role="status">
                        <progress max="1" value={format!("{done:.4}")} aria-label={lang.text("ui.loading.bar")} />
                        <span>{ lang.render(&note!("ui.computing", progress = progress.clone())) }</span>
                    </div>
                }
            </section>
        }
    }

    fn markers(&self) -> impl Iterator<Item = (u64, String, &'static str)> + '_ {
        let (model, lang) = (self.model, self.lang.0);
        model
            .faults
            .iter()
            .map(|(t, label)| (*t, lang.render(label), "fault"))
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
                    <MessagePanel model={model.clone()} id={id} cursor_us={cursor} on_act={self.on_act.clone()}
                                  playing={player.playing} on_close={self.ui_on_click(|| UiAction::PickMessage(None))} />
                }
                if ui.partitioning {
                    <PartitionPanel model={model.clone()} cursor_us={cursor} on_act={self.on_act.clone()}
                                    playing={player.playing} on_close={self.ui_on_click(|| UiAction::ClosePartition)} />
                }
                if let Some(id) = ui.selected {
                    <Inspector model={model.clone()} node={id} cursor_us={cursor} on_act={self.on_act.clone()}
                               playing={player.playing} on_close={self.ui_on_click(|| UiAction::Select(None))} />
                }
            </>
        }
    }

    /// The event log up to the cursor ([`use_log_lines`]), with its filters.
    fn log(&self) -> Html {
        let (model, ui, lang) = (self.model, self.ui, self.lang);
        let l = lang.0;
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
                    <section class="log" aria-label={l.text("ui.log")} aria-live="off">
                        <h2>{ l.text("ui.log.title") }
                            <select onchange={on_log_kind} aria-label={l.text("ui.log.kind")} data-testid="log-kind">
                                { for crate::model::LOG_KINDS.iter().map(|(k, _)| html! {
                                    <option value={*k} selected={*k == ui.log_kind.as_str()}>{ log_kind_label(l, k) }</option>
                                }) }
                            </select>
                            <select onchange={on_log_node} aria-label={l.text("ui.log.node")} data-testid="log-node">
                                <option value="" selected={ui.log_node.is_none()}>{ l.text("ui.log.all-nodes") }</option>
                                { for model.nodes.iter().map(|n| html! {
                                    <option value={n.id.to_string()} selected={ui.log_node == Some(n.id)}>{ &n.name }</option>
                                }) }
                            </select>
                        </h2>
                        <ol data-testid="events" lang={lang.0.tag}>
                            { for self.log_lines.iter().map(|(t_us, class, text)| html! {
                                <li class={*class} onclick={seek_to(*t_us)} title={l.text("ui.seek-here")}>
                                    <span class="t">{ format!("{:.3}", *t_us as f64 / 1e6) }</span>
                                    { " " }{ text }
                                </li>
                            }) }
                        </ol>
                    </section>
        }
    }

    fn help(&self) -> Html {
        let lang = self.lang.0;
        html! {
            <div class="help" role="dialog" aria-label={lang.text("ui.help.title")} data-testid="help">
                <h2>{ lang.text("ui.help.keyboard") }</h2>
                <table>
                    { for shortcuts(lang).into_iter().map(|(k, what)| html! { <tr><th><kbd>{ k }</kbd></th><td>{ what }</td></tr> }) }
                </table>
                <button onclick={self.ui_on_click(|| UiAction::CloseHelp)}>{ lang.text("ui.close") }</button>
            </div>
        }
    }

    fn footer(&self) -> Html {
        let model = self.model;
        html! {
            <footer class="foot" data-testid="totals" data-messages={model.messages_sent.to_string()}
                    data-confirmed={model.confirmed.to_string()} data-dropped={model.dropped.to_string()}
                    data-dropped-user={model.dropped_by_user.to_string()} data-duplicated={model.duplicated.to_string()}
                    data-duplicated-user={model.duplicated_by_user.to_string()}
                    data-user-actions={self.props.user_at.len().to_string()}
                    data-trace={model.trace_hash.clone()}>
                { self.lang.0.render(&note!(
                    "ui.totals",
                    messages = model.messages_sent,
                    dropped = model.dropped,
                    by_user = model.dropped_by_user,
                    yours = self.props.user_at.len(),
                    confirmed = model.confirmed,
                    trace = model.trace_hash.clone(),
                    events = model.log.len(),
                    stop = match (&model.stop_why, model.partial) {
                        (Some(why), _) => why.clone(),
                        (None, true) => note!("ui.stop.computing"),
                        (None, false) => note!("ui.stop.end"),
                    }
                )) }
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

/// The player, opening where the run should: at a tour step's moment (a step's link), just before the first event
/// of a run that opens playing from its start (so that the first second after opening shows something happen; a
/// Raft cluster is otherwise silent for its first election timeout), else where the props say.
#[hook]
fn use_player(
    props: &ExplorerProps,
    tour_times: &Rc<Option<Result<crate::tours::Timeline, String>>>,
) -> UseReducerHandle<Player> {
    let model = &props.model;
    let opening = props.playing && props.start_us == 0;
    let start_us = match ((**tour_times).as_ref().and_then(|t| t.as_ref().ok()), model.log.first()) {
        (Some(times), _) if props.tour_step > 0 => times.steps.get(props.tour_step).copied().unwrap_or(props.start_us),
        (_, Some(l)) if opening => l.t_us.saturating_sub(OPENING_LEAD_US),
        _ => props.start_us,
    };
    let first_violation = first_violation_after(model, start_us);
    let (from, end_us) = (model.history_from_us, model.end_us);
    let player = use_reducer(|| Player {
        cursor_us: start_us.clamp(from, end_us) as f64,
        start_us: from,
        end_us,
        playing: props.playing,
        speed_log: SPEED_LOG_DEFAULT,
        pause_at: first_violation,
        speed_before: None,
        partial: model.partial,
        // Where the user acted, in a long run not computed that far yet: the player goes there when it is.
        pending_us: (model.partial && start_us > end_us).then_some(start_us),
    });
    // A long run's first part, then more of it, then the whole run: the same player, over more of the run.
    {
        let d = player.dispatcher();
        let (model, start_us) = (model.clone(), start_us);
        use_effect_with(Rc::as_ptr(&model) as usize, move |_| {
            d.dispatch(PlayerAction::Extend {
                start_us: model.history_from_us,
                end_us: model.end_us,
                partial: model.partial,
                first_violation: first_violation_after(&model, start_us),
            });
        });
    }
    player
}

/// The first violation after `start_us` where playing pauses once; not one in history a long run dropped (the
/// player cannot go there).
fn first_violation_after(model: &Model, start_us: u64) -> Option<u64> {
    model.violations.iter().map(|v| v.t_us).find(|&t| t > start_us && t >= model.history_from_us)
}

/// Tells the share links where the cursor is. Gone from the screen (another tab, a run loading), the explorer
/// leaves none: a copied link has no moment of this run. (Noted again after each change too, in case an explorer
/// going away cleared it after this one drew.)
#[hook]
fn use_cursor_for_links(cursor: u64) {
    crate::share::note_cursor(cursor);
    use_effect_with((), |_| || crate::share::note_cursor(0));
    use_effect_with(cursor, |&c| crate::share::note_cursor(c));
}

/// `on_act` with what is open now (the inspector of the node acted on, the log's filters) kept for the next run.
fn keeping_open(on_act: &Callback<Act>, ui: &UseReducerHandle<ExplorerUi>) -> Callback<Act> {
    let (on_act, ui) = (on_act.clone(), ui.clone());
    Callback::from(move |a: Act| {
        let keep = ExplorerUi { partitioning: false, help: false, ..(*ui).clone() };
        on_act.emit(Act { keep: Some(Rc::new(keep)), ..a })
    })
}

/// Plays one run back: controls, the cluster picture, the inspector, invariants and the event log.
#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let model = props.model.clone();
    // Keyed by the model's address: comparing a whole run by value on every frame would cost more than the memo.
    let model_key = Rc::as_ptr(&model) as usize;
    let tour_times = use_memo((props.tour.map(|t| t.id), model_key), {
        let (tour, model) = (props.tour, model.clone());
        move |_| tour.map(|t| t.timeline(&model))
    });
    let player = use_player(props, &tour_times);
    {
        let dispatcher = player.dispatcher();
        use_animation_frames(player.playing, Callback::from(move |dt| dispatcher.dispatch(PlayerAction::Tick(dt))));
    }
    let cursor = player.cursor_us as u64;
    use_cursor_for_links(cursor);
    let ui = use_reducer(|| {
        let fresh = || ExplorerUi { tour_step: props.tour_step, ..ExplorerUi::default() };
        props.keep.as_deref().cloned().unwrap_or_else(fresh)
    });
    let tour = use_tour(props.tour, &tour_times, &player, &ui);
    let lang = use_context::<crate::lang::Lang>().unwrap_or_default();
    let charts = use_memo((model_key, lang), {
        let model = model.clone();
        move |(_, lang)| Rc::new(crate::charts::charts(lang.0, &model.series, None, ""))
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

    let log_lines = use_log_lines(&model, model.log_end(cursor), &ui, lang, &props.user_at);
    let on_act = keeping_open(&props.on_act, &ui);
    let view = View { model: &model, cursor, player: &player, ui: &ui, props, on_act, lang, log_lines };
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
                    <p class="hint">{ lang.0.text("ui.hint.cluster") }</p>
                    <Cluster model={model.clone()} cursor_us={cursor} on_node={on_node} on_msg={on_msg}
                             selected={ui.selected} highlight={highlight} />
                </div>
                // Under the picture beside the side panels; under them on a narrow screen, so the inspector, the
                // invariants and the log stay next to the picture.
                if !props.embed {
                    <div class="extras">
                        { time_views(&model, cursor, view.seek()) }
                        <crate::charts::Charts charts={(*charts).clone()} end_us={model.end_us}
                            faults={(*fault_times).clone()} cursor_us={cursor} on_seek={view.seek()} />
                    </div>
                }
                <aside class="side">
                    { view.panels(&tour) }
                    if !props.embed {
                        <InvariantsPanel invariants={props.invariants} violations={violations_now}
                                         liveness={model.liveness.clone()} partial={model.partial}
                                         linearizability={model.linearizability.clone()} on_seek={view.seek()}
                                         names={model.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>()} />
                        { crate::protocol_views::side_panel(&model, cursor) }
                    }
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

/// The space-time diagram and the shoppers' history, on one time axis each, under the picture.
fn time_views(model: &std::rc::Rc<crate::model::Model>, cursor: u64, seek: Callback<u64>) -> Html {
    html! {
        <>
            <crate::cluster::SpaceTime model={model.clone()} cursor_us={cursor} on_seek={seek.clone()} />
            <crate::history_view::HistoryView model={model.clone()} cursor_us={cursor} on_seek={seek} />
        </>
    }
}
