//! The app shell: loads the scenario (from the link, or the default), runs it, and plays the trace back.

use protosim::i18n::Language;
use protosim::narration::Note;
use protosim::{note, Scenario};

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
    /// The embedded view (`#…&embed=1`, `?embed`): the picture, the player and the narration only, sized to its
    /// frame, with a link out to the full explorer.
    #[prop_or_default]
    pub embed: bool,
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
    /// What the explorer opens with (after an action: what was open).
    keep: Option<std::rc::Rc<ExplorerUi>>,
    /// When the user's actions on this scenario in this page happen (µs, ascending; a new scenario starts none).
    user_at: std::rc::Rc<Vec<u64>>,
    /// The tour's step to open at (from 0): a tour step's link opens there.
    tour_step: usize,
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
    const ALL: [(Mode, &'static str); 4] =
        [(Mode::Explore, "explore"), (Mode::Compare, "compare"), (Mode::Hunt, "hunt"), (Mode::Tours, "tours")];

    /// The tab's name in `lang`.
    fn label(self, lang: &Language) -> String {
        match self {
            Mode::Explore => lang.text("ui.tab.explore"),
            Mode::Compare => lang.text("ui.tab.compare"),
            Mode::Hunt => lang.text("ui.tab.hunt"),
            Mode::Tours => lang.text("ui.tab.tours"),
        }
    }
}

/// The App's state handles, and what each thing a user does to them means.
#[derive(Clone)]
struct AppState {
    current: UseStateHandle<Loaded>,
    mode: UseStateHandle<Mode>,
    /// A notice, kept as a note so that it reads in the language chosen after it was shown too.
    notice: UseStateHandle<Option<Note>>,
    /// The other side of a comparison: a protocol and a variant.
    other: UseStateHandle<(protosim::scenario::ProtocolKind, String)>,
    /// Notes, like the notice, so that they read in a language chosen after they were shown.
    link_error: UseStateHandle<Option<Note>>,
    setup_error: UseStateHandle<Option<Note>>,
    autoplay: bool,
    embed: bool,
}

impl AppState {
    /// Shows `s` from `start_us`, as run number `count + 1` (a new number remounts the player).
    fn load(&self, s: Scenario, start_us: u64, playing: bool, tour: Option<&'static crate::tours::Tour>) {
        if s.protocol != self.current.scenario.protocol || s.variant != self.current.scenario.variant {
            self.other.set(crate::compare_view::default_other(&s));
        }
        self.current.set(Loaded {
            scenario: s,
            count: self.current.count + 1,
            start_us,
            playing,
            tour,
            keep: None,
            user_at: Default::default(),
            tour_step: 0,
        });
    }

    /// A new scenario from the setup bar plays from the start (paused there without autoplay); one that does not
    /// validate is refused with a message and the run on screen stays.
    fn set_scenario(&self) -> Callback<Scenario> {
        let st = self.clone();
        Callback::from(move |s: Scenario| match s.validate() {
            Ok(()) => {
                st.setup_error.set(None);
                st.link_error.set(None);
                st.notice.set(None);
                st.load(s, 0, st.autoplay, None);
            }
            Err(e) => st.setup_error.set(Some(e.note())),
        })
    }

    /// A valid scenario from a file or pasted text (the import box explains what is not valid).
    fn on_import(&self) -> Callback<Scenario> {
        let (st, set_scenario) = (self.clone(), self.set_scenario());
        Callback::from(move |s: Scenario| {
            let text = note!("ui.notice.imported", protocol = s.protocol.name().to_string(), seed = s.seed);
            st.mode.set(Mode::Explore);
            set_scenario.emit(s);
            st.notice.set(Some(text));
        })
    }

    /// The bug hunt found a counterexample: show it paused at the breaking event.
    fn on_found(&self) -> Callback<crate::hunt_panel::Found> {
        let st = self.clone();
        Callback::from(move |f: crate::hunt_panel::Found| {
            st.notice.set(Some(note!("ui.notice.hunt-found", summary = f.summary.clone())));
            st.other.set(crate::compare_view::default_other(&f.scenario));
            st.load(f.scenario, f.at_us, false, None);
            st.mode.set(Mode::Explore);
        })
    }

    fn on_tour(&self) -> Callback<&'static crate::tours::Tour> {
        let st = self.clone();
        Callback::from(move |t: &'static crate::tours::Tour| {
            st.notice.set(None);
            let s = t.scenario();
            st.other.set(crate::compare_view::default_other(&s));
            st.load(s, 0, false, Some(t));
            st.mode.set(Mode::Explore);
        })
    }

    /// Something done to the run at the cursor: the scenario forks there (see [`fork`]).
    fn on_act(&self) -> Callback<Act> {
        let st = self.clone();
        Callback::from(move |act: Act| {
            let s = fork(&st.current.scenario, act.at_us, act.action);
            match s.validate() {
                Ok(()) => {
                    st.setup_error.set(None);
                    // The new run shows the action at once: its intervention is 1 µs after the cursor (see
                    // `fork`), and the player opens just there, paused or playing as it was.
                    st.current.set(Loaded {
                        scenario: s,
                        count: st.current.count + 1,
                        start_us: act.at_us + 1,
                        playing: act.playing,
                        tour: None,
                        keep: act.keep,
                        user_at: {
                            let mut at = (*st.current.user_at).clone();
                            at.push(act.at_us + 1);
                            at.sort_unstable();
                            std::rc::Rc::new(at)
                        },
                        tour_step: 0,
                    })
                }
                Err(e) => st.setup_error.set(Some(e.note())),
            }
        })
    }

    /// One wrapper whatever banners show, so that a banner appearing never shifts (and remounts) the share bar or
    /// the player after it.
    fn banners(&self, lang: &Language) -> Html {
        let notice = self.notice.clone();
        html! {
            <div class="banners">
                if let Some(e) = self.link_error.as_ref() {
                    <div class="banner error" role="alert" data-testid="load-error">
                        <strong>{ lang.text("ui.error.link") }</strong>
                        { lang.render(&note!("ui.error.link-why", error = e.clone())) }
                    </div>
                }
                if let Some(e) = self.setup_error.as_ref() {
                    <div class="banner error" role="alert" data-testid="setup-error">
                        <strong>{ lang.text("ui.error.setup") }</strong>
                        { lang.render(&note!("ui.error.setup-why", error = e.clone())) }
                    </div>
                }
                if let Some(m) = self.notice.as_ref() {
                    <div class="banner info" role="status" data-testid="notice">
                        { lang.render(m) }
                        <button class="ghost" onclick={Callback::from(move |_| notice.set(None))}
                                aria-label={lang.text("ui.dismiss")}>{ "✕" }</button>
                    </div>
                }
            </div>
        }
    }

    fn tabs(&self, lang: &Language) -> Html {
        html! {
            <nav class="tabs" aria-label={lang.text("ui.tabs")}>
                { for Mode::ALL.iter().map(|&(m, id)| {
                    let mode = self.mode.clone();
                    html! {
                        <button aria-pressed={(*mode == m).to_string()} data-testid={format!("tab-{id}")}
                                class={classes!((*mode == m).then_some("active"))}
                                onclick={Callback::from(move |_| mode.set(m))}>{ m.label(lang) }</button>
                    }
                }) }
                <crate::share::ShareBar scenario={self.current.scenario.clone()} on_import={self.on_import()}
                    on_message={{ let n = self.notice.clone(); Callback::from(move |m: Note| n.set(Some(m))) }} />
            </nav>
        }
    }

    /// A long run's progress, while nothing of it can be shown yet (or the comparison waits for both runs).
    fn loading(&self, lang: &Language, loading: &Preparing, compare: &Preparing) -> Html {
        let (done, text) = loading.progress.clone().or(compare.progress.clone()).expect("one is loading");
        html! {
            <section class="panel loading" data-testid="loading" aria-live="polite">
                <h2>{ lang.text("ui.loading.title") }</h2>
                <progress max="1" value={format!("{done:.4}")} aria-label={lang.text("ui.loading.bar")} />
                <p>{ lang.render(&text) }</p>
            </section>
        }
    }

    /// What the open tab shows: the player, the comparison, the hunt or the tours (or a long run's progress).
    fn body(&self, lang: &Language, loading: &Preparing, compare: &Preparing) -> Html {
        let (mode, current, other, s) = (&self.mode, &self.current, &self.other, &self.current.scenario);
        // The invariants this run checks: its protocol's, with Raft's under the Raft lock service.
        let invariants = protosim::protocols::invariants(s);
        let (on_act, on_found, on_tour) = (self.on_act(), self.on_found(), self.on_tour());
        match **mode {
            // The comparison waits for both whole runs; the explorer plays a long run's first part meanwhile.
            Mode::Compare if loading.progress.is_some() || compare.progress.is_some() => {
                self.loading(lang, loading, compare)
            }
            Mode::Explore if loading.model.is_none() && loading.progress.is_some() => {
                self.loading(lang, loading, compare)
            }
            Mode::Explore => match loading.model.as_ref().expect("ready when not loading") {
                Ok(model) => html! {
                    <Explorer key={current.count} model={model.clone()} playing={current.playing}
                              start_us={current.start_us} invariants={invariants} on_act={on_act}
                              tour={current.tour} tour_step={current.tour_step} embed={self.embed}
                              keep={current.keep.clone()} user_at={current.user_at.clone()}
                              computing={loading.progress.clone()} />
                },
                Err(e) => html! {
                    <div class="banner error" role="alert" data-testid="run-error">{ lang.render(&note!("ui.error.run", error = e.clone())) }</div>
                },
            },
            Mode::Compare => match (loading.model.as_ref().expect("ready when not loading"), &compare.model) {
                (Ok(a), Some(Ok(b))) => html! {
                    <crate::compare_view::CompareView key={format!("{}-{}-{}", current.count, other.0.name(), other.1)}
                        a={a.clone()} b={b.clone()}
                        on_pick={{ let o = other.clone(); Callback::from(move |p| o.set(p)) }} />
                },
                (Err(e), _) | (_, Some(Err(e))) => html! {
                    <div class="banner error" role="alert" data-testid="run-error">{ lang.render(&note!("ui.error.compare", error = e.clone())) }</div>
                },
                (Ok(_), None) => html! {}, // not reached: the other side is simulated while Compare is open
            },
            Mode::Hunt => html! { <crate::hunt_panel::HuntPanel scenario={s.clone()} on_found={on_found} /> },
            Mode::Tours => html! { <crate::tours::TourList on_pick={on_tour} /> },
        }
    }
}

/// The reader's language and the header menu's handler: the catalogue first (fetched if the bundle does not carry
/// it), then the switch, remembered and put in the address bar; the document's title and `lang` follow.
#[hook]
fn use_language(fragment: &str, scenario: &Scenario) -> (UseStateHandle<crate::lang::Lang>, Callback<Event>) {
    let lang = use_state(|| crate::lang::Lang(crate::lang::initial(fragment)));
    let on_lang = {
        let (lang, scenario) = (lang.clone(), scenario.clone());
        Callback::from(move |e: Event| {
            let Some(sel) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else { return };
            let Some(l) = protosim::i18n::language(&sel.value()) else { return };
            let (lang, scenario) = (lang.clone(), scenario.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match crate::lang::ensure(l).await {
                    // Still the reader's choice once it is here (they may have picked another meanwhile).
                    Ok(()) if sel.value() == l.tag => {
                        crate::lang::choose(l);
                        lang.set(crate::lang::Lang(l));
                        crate::share::set_fragment(&scenario);
                    }
                    Ok(()) => {}
                    Err(e) => {
                        // The menu goes back to the language the page is in.
                        sel.set_value(lang.0.tag);
                        gloo::console::warn!(e);
                    }
                }
            });
        })
    };
    use_effect_with(*lang, |l| {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&l.0.text("ui.title"));
            if let Some(html) = doc.document_element() {
                let _ = html.set_attribute("lang", l.0.tag);
            }
        }
    });
    (lang, on_lang)
}

/// Loads a scenario (from the link, or the one picked) and hands its run to the player.
#[component]
pub fn App(props: &AppProps) -> Html {
    // A tour step's link (`&tour=…&step=…`) opens that tour, paused at that step; its scenario is the tour's.
    let initial = use_memo(props.fragment.clone(), |f| {
        let (scenario, error) = scenario_for_fragment(f);
        match crate::tours::from_fragment(f) {
            Some((tour, step)) => (tour.scenario(), None, Some((tour, step))),
            None => (scenario, error, None),
        }
    });
    // A copied link carries the player's moment (`&t=<µs>`): it opens paused there.
    let start_t = crate::lang::fragment_param(&props.fragment, "t").and_then(|v| v.parse::<u64>().ok());
    use_memo((), |_| crate::share::opened_with(props.embed, start_t.map(|t| (&initial.0, t))));
    let current = use_state(|| Loaded {
        scenario: initial.0.clone(),
        count: 0,
        start_us: start_t.unwrap_or(0),
        playing: props.autoplay && initial.2.is_none() && start_t.is_none(),
        tour: initial.2.map(|(t, _)| t),
        tour_step: initial.2.map_or(0, |(_, k)| k),
        keep: None,
        user_at: Default::default(),
    });
    let st = AppState {
        current: current.clone(),
        mode: use_state(|| Mode::Explore),
        notice: use_state(|| None::<Note>),
        other: use_state(|| crate::compare_view::default_other(&initial.0)),
        link_error: use_state(|| initial.1.as_ref().map(|e| e.note())),
        setup_error: use_state(|| None::<Note>),
        autoplay: props.autoplay,
        embed: props.embed,
    };
    // The address bar always holds the scenario on screen, so a copied address reproduces the run (and the tour
    // step on screen, which the explorer sets: a run without a tour clears it).
    use_effect_with((current.scenario.clone(), current.tour.is_some()), |(s, tour)| {
        if !tour {
            crate::share::set_tour_step(None);
        }
        crate::share::set_fragment(s);
    });
    let loading = use_prepared(Some(current.scenario.clone()), crate::model::HISTORY_BUDGET_BYTES);
    let large = use_state(|| false);
    // The other side of a comparison is simulated only while the Compare tab is open: every action forks and reruns
    // the scenario, and running a second one each time in Explore would double that work for nothing.
    // Half the history budget: two long runs side by side must fit too.
    let other_scenario =
        (*st.mode == Mode::Compare).then(|| protosim::compare::translate(&current.scenario, st.other.0, &st.other.1));
    let compare = use_prepared(other_scenario, crate::model::HISTORY_BUDGET_BYTES / 2);
    let toggle_large = {
        let large = large.clone();
        Callback::from(move |_| large.set(!*large))
    };
    let (lang, on_lang) = use_language(&props.fragment, &current.scenario);
    if props.embed {
        return html! {
            <ContextProvider<crate::lang::Lang> context={*lang}>
            <ContextProvider<crate::cluster::Compact> context={crate::cluster::Compact(true)}>
            <main class="app embed" data-testid="embed">
                { st.banners(lang.0) }
                { st.body(lang.0, &loading, &compare) }
                <a class="embed-out" href={crate::share::link_for(&current.scenario)} target="_blank" rel="noopener"
                   data-testid="embed-out">{ lang.0.text("ui.embed.out") }</a>
            </main>
            </ContextProvider<crate::cluster::Compact>>
            </ContextProvider<crate::lang::Lang>>
        };
    }
    html! {
        <ContextProvider<crate::lang::Lang> context={*lang}>
        <ContextProvider<crate::cluster::Compact> context={crate::cluster::Compact(*large)}>
        <main class={classes!("app", large.then_some("large"))}>
            <header class="top">
                <h1>{ lang.0.text("ui.title") }</h1>
                <select class="lang" onchange={on_lang} aria-label={lang.0.text("ui.language")} data-testid="language">
                    { for protosim::i18n::LANGUAGES.iter().map(|l| html! {
                        <option value={l.tag} selected={l.tag == lang.0.tag}>{ l.native_name }</option>
                    }) }
                </select>
                <button class="ghost" onclick={toggle_large} aria-pressed={large.to_string()} data-testid="presenter">
                    { if *large { lang.0.text("ui.text-size.normal") } else { lang.0.text("ui.text-size.projector") } }
                </button>
            </header>
            <SetupBar scenario={current.scenario.clone()} on_change={st.set_scenario()}
                      on_error={{ let e = st.setup_error.clone(); Callback::from(move |m: Note| e.set(Some(m))) }} />
            { st.tabs(lang.0) }
            { st.banners(lang.0) }
            { st.body(lang.0, &loading, &compare) }
        </main>
        </ContextProvider<crate::cluster::Compact>>
        </ContextProvider<crate::lang::Lang>>
    }
}
