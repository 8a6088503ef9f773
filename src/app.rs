//! The app shell: loads the scenario (from the link, or the default), runs it, and plays the trace back.

use protosim::Scenario;

use crate::explorer::*;
use crate::setup_bar::*;
use yew::prelude::*;

// The app's public API as the tests and benchmark pages use it.
pub use crate::act::{fork, Act};
pub use crate::loader::{
    continue_loading, group_thousands, run_capped, run_for_playback, use_prepared, Loader, Prepared, Preparing,
    FIRST_EVENTS, FIRST_SLICE_MS, PAGE_MAX_EVENTS,
};
pub use crate::player::{
    on_range, speed_text, use_animation_frames, Player, PlayerAction, SPEED_LOG_DEFAULT, SPEED_LOG_MAX, SPEED_LOG_MIN,
};
pub use crate::presets::{default_scenario, default_scenario_sized, scenario_for_fragment, DEFAULT_PROTOCOL};

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The URL fragment the page was opened with (`#s1.…`), or empty.
    #[prop_or_default]
    pub fragment: String,
    /// Play runs on their own: the first at once, and each new one picked in the setup bar from its start (the
    /// page does). Off, the player's clock moves only when the user (or a test) presses play, steps or seeks, so a
    /// test never races the machine's speed.
    #[prop_or(true)]
    pub autoplay: bool,
}

/// What is on screen: the scenario, how many runs were loaded (a new one remounts the player), and where the new
/// player starts and whether it plays.
#[derive(Clone, Debug, PartialEq)]
struct Loaded {
    scenario: Scenario,
    count: u32,
    start_us: u64,
    playing: bool,
    /// The guided tour this run belongs to, if one was picked.
    tour: Option<&'static crate::tours::Tour>,
}

/// What the page shows under the setup bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Explore,
    Compare,
    Hunt,
    Tours,
}

impl Mode {
    const ALL: [(Mode, &'static str, &'static str); 4] = [
        (Mode::Explore, "Explore", "explore"),
        (Mode::Compare, "Compare", "compare"),
        (Mode::Hunt, "Bug hunt", "hunt"),
        (Mode::Tours, "Guided tours", "tours"),
    ];
}

/// Loads a scenario (from the link, or the one picked) and hands its run to the player.
#[component]
pub fn App(props: &AppProps) -> Html {
    let initial = use_memo(props.fragment.clone(), |f| scenario_for_fragment(f));
    let current = use_state(|| Loaded {
        scenario: initial.0.clone(),
        count: 0,
        start_us: 0,
        playing: props.autoplay,
        tour: None,
    });
    let mode = use_state(|| Mode::Explore);
    let notice = use_state(|| None::<String>);
    let other = use_state(|| crate::compare_view::default_other(&initial.0));
    // The address bar always holds the scenario on screen, so a copied address reproduces the run.
    use_effect_with(current.scenario.clone(), crate::share::set_fragment);
    let link_error = use_state(|| initial.1.as_ref().map(|e| e.to_string()));
    let setup_error = use_state(|| None::<String>);
    let loading = use_prepared(Some(current.scenario.clone()), crate::model::HISTORY_BUDGET_BYTES);
    let large = use_state(|| false);

    // A new scenario from the setup bar plays from the start (paused there without autoplay); one that does not
    // validate is refused with a message and the run on screen stays.
    let set_scenario = {
        let autoplay = props.autoplay;
        let current = current.clone();
        let setup_error = setup_error.clone();
        let link_error = link_error.clone();
        let other = other.clone();
        let notice = notice.clone();
        Callback::from(move |s: Scenario| match s.validate() {
            Ok(()) => {
                setup_error.set(None);
                link_error.set(None);
                notice.set(None);
                if s.protocol != current.scenario.protocol || s.variant != current.scenario.variant {
                    other.set(crate::compare_view::default_other(&s));
                }
                current.set(Loaded {
                    scenario: s,
                    count: current.count + 1,
                    start_us: 0,
                    playing: autoplay,
                    tour: None,
                });
            }
            Err(e) => setup_error.set(Some(e.to_string())),
        })
    };
    // A valid scenario from a file or pasted text (the import box explains what is not valid).
    let on_import = {
        let set_scenario = set_scenario.clone();
        let mode = mode.clone();
        let notice = notice.clone();
        Callback::from(move |s: Scenario| {
            let text = format!("Imported a {} scenario (seed {}).", s.protocol.name(), s.seed);
            mode.set(Mode::Explore);
            set_scenario.emit(s);
            notice.set(Some(text));
        })
    };
    let on_found = {
        let current = current.clone();
        let mode = mode.clone();
        let notice = notice.clone();
        let other = other.clone();
        Callback::from(move |f: crate::hunt_panel::Found| {
            notice.set(Some(format!("Bug hunt: {} The player is paused at the breaking event.", f.summary)));
            other.set(crate::compare_view::default_other(&f.scenario));
            current.set(Loaded {
                scenario: f.scenario,
                count: current.count + 1,
                start_us: f.at_us,
                playing: false,
                tour: None,
            });
            mode.set(Mode::Explore);
        })
    };
    let on_tour = {
        let current = current.clone();
        let mode = mode.clone();
        let other = other.clone();
        let notice = notice.clone();
        Callback::from(move |t: &'static crate::tours::Tour| {
            notice.set(None);
            let s = t.scenario();
            other.set(crate::compare_view::default_other(&s));
            current.set(Loaded { scenario: s, count: current.count + 1, start_us: 0, playing: false, tour: Some(t) });
            mode.set(Mode::Explore);
        })
    };
    // The other side of a comparison is simulated only while the Compare tab is open: every action forks and reruns
    // the scenario, and running a second one each time in Explore would double that work for nothing.
    // Half the history budget: two long runs side by side must fit too.
    let other_scenario =
        (*mode == Mode::Compare).then(|| protosim::compare::translate(&current.scenario, other.0, &other.1));
    let compare = use_prepared(other_scenario, crate::model::HISTORY_BUDGET_BYTES / 2);
    let on_act = {
        let current = current.clone();
        let setup_error = setup_error.clone();
        Callback::from(move |act: Act| {
            let s = fork(&current.scenario, act.at_us, act.action);
            match s.validate() {
                Ok(()) => {
                    setup_error.set(None);
                    current.set(Loaded {
                        scenario: s,
                        count: current.count + 1,
                        start_us: act.at_us,
                        playing: act.playing,
                        tour: None,
                    })
                }
                Err(e) => setup_error.set(Some(e.to_string())),
            }
        })
    };
    let toggle_large = {
        let large = large.clone();
        Callback::from(move |_| large.set(!*large))
    };

    let error_banner = link_error.as_ref().map(|e| {
        html! {
            <div class="banner error" role="alert" data-testid="load-error">
                <strong>{ "This link does not hold a scenario this page can run." }</strong>
                { format!(" {e}. Showing the default scenario instead.") }
            </div>
        }
    });
    let setup_banner = setup_error.as_ref().map(|e| {
        html! {
            <div class="banner error" role="alert" data-testid="setup-error">
                <strong>{ "That setting cannot run: " }</strong>{ e.clone() }{ ". The run on screen is unchanged." }
            </div>
        }
    });
    let s = &current.scenario;
    let info = protosim::protocols::info(s.protocol);
    let notice_banner = notice.as_ref().map(|m| {
        let notice = notice.clone();
        html! {
            <div class="banner info" role="status" data-testid="notice">
                { m.clone() }
                <button class="ghost" onclick={Callback::from(move |_| notice.set(None))} aria-label="Dismiss">{ "✕" }</button>
            </div>
        }
    });
    let tabs = html! {
        <nav class="tabs" aria-label="Tools">
            { for Mode::ALL.iter().map(|&(m, label, id)| {
                let mode = mode.clone();
                html! {
                    <button aria-pressed={(*mode == m).to_string()} data-testid={format!("tab-{id}")}
                            class={classes!((*mode == m).then_some("active"))}
                            onclick={Callback::from(move |_| mode.set(m))}>{ label }</button>
                }
            }) }
            <crate::share::ShareBar scenario={s.clone()} on_import={on_import}
                on_message={{ let n = notice.clone(); Callback::from(move |m: String| n.set(Some(m))) }} />
        </nav>
    };
    let body = match *mode {
        Mode::Explore | Mode::Compare if loading.progress.is_some() || compare.progress.is_some() => {
            let (done, text) = loading.progress.clone().or(compare.progress.clone()).unwrap_or_default();
            html! {
                <section class="panel loading" data-testid="loading" aria-live="polite">
                    <h2>{ "Simulating a long run…" }</h2>
                    <progress max="1" value={format!("{done:.4}")} aria-label="Simulated so far" />
                    <p>{ text }</p>
                </section>
            }
        }
        Mode::Explore => match loading.model.as_ref().expect("ready when not loading") {
            Ok(model) => html! {
                <Explorer key={current.count} model={model.clone()} playing={current.playing}
                          start_us={current.start_us} invariants={info.invariants} on_act={on_act}
                          tour={current.tour} />
            },
            Err(e) => html! {
                <div class="banner error" role="alert" data-testid="run-error">{ format!("This scenario cannot run: {e}") }</div>
            },
        },
        Mode::Compare => match (loading.model.as_ref().expect("ready when not loading"), &compare.model) {
            (Ok(a), Some(Ok(b))) => html! {
                <crate::compare_view::CompareView key={format!("{}-{}-{}", current.count, other.0.name(), other.1)}
                    a={a.clone()} b={b.clone()}
                    on_pick={{ let o = other.clone(); Callback::from(move |p| o.set(p)) }} />
            },
            (Err(e), _) | (_, Some(Err(e))) => html! {
                <div class="banner error" role="alert" data-testid="run-error">{ format!("This comparison cannot run: {e}") }</div>
            },
            (Ok(_), None) => html! {}, // not reached: the other side is simulated while Compare is open
        },
        Mode::Hunt => html! { <crate::hunt_panel::HuntPanel scenario={s.clone()} on_found={on_found} /> },
        Mode::Tours => html! { <crate::tours::TourList on_pick={on_tour} /> },
    };
    html! {
        <main class={classes!("app", large.then_some("large"))}>
            <header class="top">
                <h1>{ "Checkout protocol explorer" }</h1>
                <button class="ghost" onclick={toggle_large} aria-pressed={large.to_string()} data-testid="presenter">
                    { if *large { "Normal text" } else { "Projector text" } }
                </button>
            </header>
            <SetupBar scenario={s.clone()} on_change={set_scenario}
                      on_error={{ let e = setup_error.clone(); Callback::from(move |m: String| e.set(Some(m))) }} />
            { tabs }
            // One wrapper whatever banners show, so that a banner appearing never shifts (and remounts) the
            // share bar or the player after it.
            <div class="banners">
                { error_banner }
                { setup_banner }
                { notice_banner }
            </div>
            { body }
        </main>
    }
}
