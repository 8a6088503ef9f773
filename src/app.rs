//! The app shell: loads the scenario (from the link, or the default), runs it, and plays the trace back.

use crate::cluster::Cluster;
use crate::model::Model;
use gloo::render::{request_animation_frame, AnimationFrame};
use protosim::scenario::ProtocolKind;
use protosim::{RecordOptions, Scenario, ScenarioError};

/// What a page without a scenario link opens with.
pub const DEFAULT_PROTOCOL: ProtocolKind = ProtocolKind::Raft;
use std::cell::RefCell;
use std::rc::Rc;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Playback speeds run on a log scale: slider value `s` means `10^s` times real time.
pub const SPEED_LOG_MIN: f64 = -2.0;
pub const SPEED_LOG_MAX: f64 = 2.0;
/// Messages take 8 to 24 ms by default: at 0.05x a message takes a third of a second to cross the screen.
pub const SPEED_LOG_DEFAULT: f64 = -1.3;

/// The scenario a fresh page shows for a protocol. Each one stages the protocol's central lesson:
/// - single database: three shoppers and one database, which crashes for a second at 4 s (retries, an outage,
///   recovery from disk);
/// - Raft: five servers and three shoppers; the leader of the moment crashes at 6 s and comes back at 9 s (an
///   election, the log catching up);
/// - two-phase commit: the order service, two inventory shards and payments; the coordinator dies right after
///   the first PREPARE after 5 s and is down for 2 s (the blocking window);
/// - Paxos: three acceptors, two order services and three shoppers at six checkouts a second (duels over slots);
///   an acceptor is down from 8 s to 12 s (a majority still decides);
/// - pessimistic locking: the lock manager, two storage nodes and four shoppers; a third of the basket lines are the
///   hot mug, 40 in stock (sold out after about ten seconds: the last items go to whoever locks first). At 2 s two carts lock mug and tee in opposite
///   orders (a deadlock, broken by the chosen strategy); at 6 s a shopper crashes just after sending its writes
///   and comes back 2 s later (its lease expires, the row is fenced, its late write is refused);
/// - optimistic locking: two storage nodes and six shoppers; half the basket lines are the hot mug (100 in stock);
///   at 3 s all six buy a mug at once (conflicts, back-off, retries — each refused shopper flashes).
pub fn default_scenario(kind: ProtocolKind) -> Scenario {
    use protosim::scenario::{Action, Intervention};
    let info = protosim::protocols::info(kind);
    let mut s = Scenario { protocol: kind, nodes: info.default_nodes, ..Scenario::default() };
    let crash = |node, at_ms: u64, back_ms: u64| {
        vec![
            Intervention { at_us: at_ms * 1000, action: Action::Crash { node } },
            Intervention { at_us: back_ms * 1000, action: Action::Restart { node } },
        ]
    };
    match kind {
        ProtocolKind::Single => s.interventions = crash(0, 4_000, 5_000),
        ProtocolKind::Raft => {
            // Find who leads just before 6 s in this very run, and crash that server.
            let leader = protosim::build(&s, RecordOptions { narrate: false, checkpoint_every: 0 })
                .ok()
                .and_then(|mut r| {
                    while r.now_us() < 5_990_000 && r.step() {}
                    r.views_at(5_990_000)
                        .into_iter()
                        .find(|v| v.detail.facts.iter().any(|(k, val)| *k == "role" && val == "leader"))
                        .map(|v| v.id)
                })
                .unwrap_or(0);
            s.interventions = crash(leader, 6_000, 9_000);
        }
        ProtocolKind::TwoPc => {
            // The coordinator dies just after sending the first PREPARE after 5 s, for two seconds: the
            // participants vote YES to nobody and stay blocked, holding stock and money, until it comes back.
            let prepare_us = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 })
                .ok()
                .and_then(|r| {
                    r.trace().iter().find_map(|e| match e.ev {
                        protosim::trace::Ev::Send { from: 0, label: "Prepare", .. } if e.t_us >= 5_000_000 => {
                            Some(e.t_us)
                        }
                        _ => None,
                    })
                })
                .unwrap_or(5_000_000);
            s.interventions = vec![
                Intervention { at_us: prepare_us + 1, action: Action::Crash { node: 0 } },
                Intervention { at_us: prepare_us + 2_000_000, action: Action::Restart { node: 0 } },
            ];
        }
        ProtocolKind::Paxos => {
            // Both order services busy enough to duel over slots; one acceptor of three fails for a while.
            s.workload.rate_per_s = 6.0;
            s.interventions = crash(0, 8_000, 12_000);
        }
        ProtocolKind::Pessimistic => {
            s.shoppers = 4;
            let first = s.servers();
            let cart = |shopper, customer, items: [u16; 2]| Intervention {
                at_us: 2_000_000,
                action: Action::Checkout {
                    shopper,
                    customer,
                    lines: items.iter().map(|&item| protosim::scenario::Line { item, qty: 1 }).collect(),
                },
            };
            s.interventions = vec![cart(first, 0, [0, 1]), cart(first + 1, 1, [1, 0])];
            // The first shopper to send its writes after 6 s crashes just after, for two seconds.
            let writer = protosim::run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).ok().and_then(|r| {
                r.trace().iter().find_map(|e| match e.ev {
                    protosim::trace::Ev::Send { from, label: "Write", .. } if e.t_us >= 6_000_000 => {
                        Some((from, e.t_us))
                    }
                    _ => None,
                })
            });
            if let Some((node, at_us)) = writer {
                s.interventions.push(Intervention { at_us: at_us + 1, action: Action::Crash { node } });
                s.interventions.push(Intervention { at_us: at_us + 2_000_000, action: Action::Restart { node } });
            }
        }
        ProtocolKind::Optimistic => {
            s.shoppers = 6;
            s.workload.hot_item = 0.5;
            s.workload.stock = 100;
            let first = s.servers();
            s.interventions = (0..6)
                .map(|k| Intervention {
                    at_us: 3_000_000,
                    action: Action::Checkout {
                        shopper: first + k,
                        customer: k,
                        lines: vec![protosim::scenario::Line { item: 0, qty: 1 }],
                    },
                })
                .collect();
        }
    }
    s
}

/// The scenario to show for a URL fragment: the default when there is none, or an error to show beside it.
pub fn scenario_for_fragment(fragment: &str) -> (Scenario, Option<ScenarioError>) {
    let f = fragment.trim().trim_start_matches('#');
    if f.is_empty() {
        return (default_scenario(DEFAULT_PROTOCOL), None);
    }
    match Scenario::from_compact(f) {
        Ok(s) => (s, None),
        Err(e) => (default_scenario(DEFAULT_PROTOCOL), Some(e)),
    }
}

/// Runs a scenario for playback (narrated, with checkpoints for seeking).
pub fn run_for_playback(s: &Scenario) -> Result<Model, ScenarioError> {
    let r = protosim::run(s, RecordOptions { narrate: true, checkpoint_every: 2_048 })?;
    Ok(Model::from_run(r.as_ref()))
}

#[derive(Clone, Debug, PartialEq)]
pub struct Player {
    pub cursor_us: f64,
    pub end_us: u64,
    pub playing: bool,
    pub speed_log: f64,
}

pub enum PlayerAction {
    /// Real milliseconds elapsed since the last frame.
    Tick(f64),
    Toggle,
    Restart,
    Seek(u64),
    Speed(f64),
}

impl Reducible for Player {
    type Action = PlayerAction;
    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        let mut p = (*self).clone();
        match action {
            PlayerAction::Tick(dt_ms) => {
                if !p.playing {
                    return self;
                }
                let dt = dt_ms.clamp(0.0, 250.0); // a background tab must not jump far ahead
                p.cursor_us += dt * 1000.0 * 10f64.powf(p.speed_log);
                if p.cursor_us >= p.end_us as f64 {
                    p.cursor_us = p.end_us as f64;
                    p.playing = false;
                }
            }
            PlayerAction::Toggle => {
                if !p.playing && p.cursor_us >= p.end_us as f64 {
                    p.cursor_us = 0.0;
                }
                p.playing = !p.playing;
            }
            PlayerAction::Restart => p.cursor_us = 0.0,
            PlayerAction::Seek(t) => p.cursor_us = t.min(p.end_us) as f64,
            PlayerAction::Speed(s) => p.speed_log = s.clamp(SPEED_LOG_MIN, SPEED_LOG_MAX),
        }
        Rc::new(p)
    }
}

pub fn speed_text(speed_log: f64) -> String {
    let s = 10f64.powf(speed_log);
    if s >= 10.0 {
        format!("{s:.0}x")
    } else if s >= 1.0 {
        format!("{s:.1}x")
    } else if s >= 0.1 {
        format!("{s:.2}x")
    } else {
        format!("{s:.3}x")
    }
}

/// Calls `on_frame` with the real milliseconds between animation frames while `active`.
#[hook]
fn use_animation_frames(active: bool, on_frame: Callback<f64>) {
    use_effect_with(active, move |&active| {
        let slot: Rc<RefCell<Option<AnimationFrame>>> = Rc::new(RefCell::new(None));
        fn schedule(slot: Rc<RefCell<Option<AnimationFrame>>>, last: Option<f64>, on_frame: Callback<f64>) {
            let next = slot.clone();
            let frame = request_animation_frame(move |ts| {
                if let Some(prev) = last {
                    on_frame.emit(ts - prev);
                }
                schedule(next, Some(ts), on_frame);
            });
            *slot.borrow_mut() = Some(frame);
        }
        if active {
            schedule(slot.clone(), None, on_frame);
        }
        move || {
            slot.borrow_mut().take();
        }
    });
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The URL fragment the page was opened with (`#s1.…`), or empty.
    #[prop_or_default]
    pub fragment: String,
    /// Start playing at once (the page does; tests may not want to).
    #[prop_or(true)]
    pub autoplay: bool,
}

/// Loads a scenario (from the link, or the one picked) and hands its run to the player.
#[component]
pub fn App(props: &AppProps) -> Html {
    let initial = use_memo(props.fragment.clone(), |f| scenario_for_fragment(f));
    // The scenario on screen and how many times one was loaded (a new load restarts the player).
    let current = use_state(|| (initial.0.clone(), 0u32));
    let link_error = use_state(|| initial.1.as_ref().map(|e| e.to_string()));
    let loaded = use_memo(current.0.clone(), |s| run_for_playback(s).map(Rc::new).map_err(|e| e.to_string()));
    let large = use_state(|| false);

    let on_protocol = {
        let current = current.clone();
        let link_error = link_error.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(kind) = ProtocolKind::parse(&select.value()) {
                link_error.set(None);
                current.set((default_scenario(kind), current.1 + 1));
            }
        })
    };
    let toggle_large = {
        let large = large.clone();
        Callback::from(move |_| large.set(!*large))
    };
    let on_stable = {
        let current = current.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut s = current.0.clone();
            s.paxos.stable_leader = input.checked();
            current.set((s, current.1 + 1));
        })
    };

    let on_deadlock = {
        let current = current.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(d) = protosim::scenario::DeadlockStrategy::parse(&select.value()) {
                let mut s = current.0.clone();
                s.locking.deadlock = d;
                current.set((s, current.1 + 1));
            }
        })
    };

    let error_banner = link_error.as_ref().map(|e| {
        html! {
            <div class="banner error" role="alert" data-testid="load-error">
                <strong>{ "This link does not hold a scenario this page can run." }</strong>
                { format!(" {e}. Showing the default scenario instead.") }
            </div>
        }
    });
    let s = &current.0;
    let info = protosim::protocols::info(s.protocol);
    html! {
        <main class={classes!("app", large.then_some("large"))}>
            <header class="top">
                <h1>{ "Checkout protocol explorer" }</h1>
                <label class="pick">
                    <span class="sr-only">{ "Protocol" }</span>
                    <select onchange={on_protocol} aria-label="Protocol" data-testid="protocol">
                        { for ProtocolKind::ALL.iter().map(|k| html! {
                            <option value={k.name()} selected={*k == s.protocol}>
                                { protosim::protocols::info(*k).title }
                            </option>
                        }) }
                    </select>
                </label>
                if s.protocol == ProtocolKind::Paxos {
                    <label class="pick">
                        <input type="checkbox" checked={s.paxos.stable_leader} onchange={on_stable}
                               data-testid="stable-leader" />
                        { " stable leader (Multi-Paxos)" }
                    </label>
                }
                if s.protocol == ProtocolKind::Pessimistic {
                    <label class="pick">
                        { "deadlocks: " }
                        <select onchange={on_deadlock} aria-label="Deadlock handling" data-testid="deadlock">
                            { for protosim::scenario::DeadlockStrategy::ALL.iter().map(|d| html! {
                                <option value={d.name()} selected={*d == s.locking.deadlock}>{ d.name() }</option>
                            }) }
                        </select>
                    </label>
                }
                <span class="scenario-line">
                    { format!("variant {} · {} server(s), {} shoppers · seed {}", s.variant, s.servers(), s.shoppers, s.seed) }
                </span>
                <button class="ghost" onclick={toggle_large} aria-pressed={large.to_string()}>
                    { if *large { "Normal text" } else { "Projector text" } }
                </button>
            </header>
            { error_banner }
            { match &*loaded {
                Ok(model) => html! {
                    <Explorer key={current.1} model={model.clone()} autoplay={props.autoplay}
                              invariants={info.invariants.len()} />
                },
                Err(e) => html! {
                    <div class="banner error" role="alert" data-testid="run-error">{ format!("This scenario cannot run: {e}") }</div>
                },
            } }
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct ExplorerProps {
    pub model: Rc<Model>,
    pub autoplay: bool,
    pub invariants: usize,
}

/// Plays one run back: controls, the cluster picture, invariants and the event log.
#[component]
pub fn Explorer(props: &ExplorerProps) -> Html {
    let model = props.model.clone();
    let end_us = model.end_us;
    let player =
        use_reducer(|| Player { cursor_us: 0.0, end_us, playing: props.autoplay, speed_log: SPEED_LOG_DEFAULT });
    {
        let dispatcher = player.dispatcher();
        use_animation_frames(player.playing, Callback::from(move |dt| dispatcher.dispatch(PlayerAction::Tick(dt))));
    }
    let cursor = player.cursor_us as u64;

    let toggle = {
        let p = player.dispatcher();
        Callback::from(move |_| p.dispatch(PlayerAction::Toggle))
    };
    let restart = {
        let p = player.dispatcher();
        Callback::from(move |_| p.dispatch(PlayerAction::Restart))
    };
    let on_speed = {
        let p = player.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                p.dispatch(PlayerAction::Speed(v));
            }
        })
    };
    let on_seek = {
        let p = player.dispatcher();
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = input.value().parse::<f64>() {
                p.dispatch(PlayerAction::Seek(v.max(0.0) as u64));
            }
        })
    };

    let violations_now: Vec<&(u64, String)> = model.violations.iter().filter(|(t, _)| *t <= cursor).collect();
    let log_end = model.log_end(cursor);
    let log_start = log_end.saturating_sub(80);

    html! {
        <>
            <section class="controls" aria-label="Playback">
                <button class="primary" onclick={toggle} data-testid="play">
                    { if player.playing { "❚❚ Pause" } else { "▶ Play" } }
                </button>
                <button onclick={restart}>{ "↺ Start" }</button>
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
                <input class="scrubber" type="range" min="0" max={model.end_us.to_string()} step="1000"
                    value={cursor.to_string()} oninput={on_seek} aria-label="Simulated time" />
            </section>
            <div class="stage">
                <div class="picture"><Cluster model={model.clone()} cursor_us={cursor} /></div>
                <aside class="side">
                    <section class={classes!("invariants", (!violations_now.is_empty()).then_some("broken"))}
                             data-testid="invariants">
                        if violations_now.is_empty() {
                            <p>{ format!("✔ All {} invariants hold so far", props.invariants) }</p>
                        } else {
                            { for violations_now.iter().map(|(_, v)| html! { <p class="violation">{ v }</p> }) }
                        }
                    </section>
                    if model.scenario.protocol == ProtocolKind::Pessimistic {
                        <LockPanel detail={model.state_at(0, cursor).detail} />
                    }
                    <section class="log" aria-label="Event log" aria-live="off">
                        <h2>{ "Events" }</h2>
                        <ol data-testid="events">
                            { for model.log[log_start..log_end].iter().rev().map(|l| html! {
                                <li class={l.class}>
                                    <span class="t">{ format!("{:.3}", l.t_us as f64 / 1e6) }</span>
                                    { " " }{ &l.text }
                                </li>
                            }) }
                        </ol>
                    </section>
                </aside>
            </div>
            <footer class="foot" data-testid="totals" data-messages={model.messages_sent.to_string()}
                    data-confirmed={model.confirmed.to_string()}>
                { format!(
                    "{} messages · {} checkouts confirmed · trace {} · {} events · {}",
                    model.messages_sent, model.confirmed, model.trace_hash, model.log.len(), model.stop
                ) }
            </footer>
        </>
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
