//! Browser tests (wasm-bindgen-test in headless Chromium): the engine gives the native trace in wasm, the app
//! mounts and plays, bad links show an error and keep a working page.
#![cfg(target_arch = "wasm32")]

use checkout_explorer::app::{run_for_playback, scenario_for_fragment, App, AppProps};
use gloo::timers::future::TimeoutFuture;
use protosim::pinned::{pinned_scenario, PINNED_TRACE_HASH};
use protosim::trace::trace_hash;
use protosim::{RecordOptions, Scenario};
use wasm_bindgen_test::*;
use web_sys::Element;

wasm_bindgen_test_configure!(run_in_browser);

async fn mount(fragment: &str, autoplay: bool) -> Element {
    let doc = web_sys::window().unwrap().document().unwrap();
    let root = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<App>::with_root_and_props(root.clone(), AppProps { fragment: fragment.to_string(), autoplay })
        .render();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
    root
}

fn find(root: &Element, testid: &str) -> Option<Element> {
    root.query_selector(&format!("[data-testid='{testid}']")).unwrap()
}

fn clock_us(root: &Element) -> u64 {
    let clock = find(root, "clock").expect("the clock is shown");
    clock.get_attribute("data-us").unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
fn wasm_trace_hash_equals_the_native_pinned_hash() {
    let r = protosim::run(&pinned_scenario(), RecordOptions::default()).unwrap();
    assert_eq!(trace_hash(r.trace()), PINNED_TRACE_HASH, "wasm32 and x86_64 must give the same trace");
}

#[wasm_bindgen_test]
async fn app_mounts_draws_nodes_and_the_clock_advances() {
    let root = mount("", true).await;
    assert!(find(&root, "load-error").is_none());
    let nodes = root.query_selector_all("svg.cluster [data-node]").unwrap().length();
    assert_eq!(nodes, 8, "the default scenario has five Raft servers and three shoppers");
    let t0 = clock_us(&root);
    TimeoutFuture::new(600).await;
    yew::scheduler::flush().await;
    let t1 = clock_us(&root);
    assert!(t1 > t0, "the simulated clock advances while playing ({t0} → {t1})");
    // Pause stops the clock.
    let play: web_sys::HtmlElement = wasm_bindgen::JsCast::dyn_into(find(&root, "play").unwrap()).unwrap();
    play.click();
    yew::scheduler::flush().await;
    let paused = clock_us(&root);
    TimeoutFuture::new(300).await;
    yew::scheduler::flush().await;
    assert_eq!(clock_us(&root), paused, "a paused clock stays put");
}

#[wasm_bindgen_test]
async fn messages_fly_and_the_event_log_fills() {
    let root = mount("", true).await;
    // Speed up: 100x, so a few hundred ms of real time cover several simulated seconds.
    let speed: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(root.query_selector("input[aria-label='Playback speed']").unwrap().unwrap())
            .unwrap();
    speed.set_value("0");
    speed.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
    let mut saw_message = false;
    for _ in 0..40 {
        TimeoutFuture::new(25).await;
        yew::scheduler::flush().await;
        if root.query_selector("svg.cluster [data-msg]").unwrap().is_some() {
            saw_message = true;
            break;
        }
    }
    assert!(saw_message, "a message dot appears on an edge");
    let events = find(&root, "events").unwrap().child_element_count();
    assert!(events > 0, "the event log lists what happened");
}

#[wasm_bindgen_test]
async fn a_broken_link_shows_an_error_and_the_default_run() {
    for fragment in ["#s1.eyJmb3JtYXRfdmVyc2lvbiI6MSwicHJvdG9", "#hello", "#s1.%%%", "#s1.e30"] {
        let root = mount(fragment, false).await;
        let err = find(&root, "load-error").unwrap_or_else(|| panic!("no error shown for {fragment}"));
        let text = err.text_content().unwrap();
        assert!(text.contains("does not hold a scenario"), "{text}");
        assert!(root.query_selector("svg.cluster").unwrap().is_some(), "the default run is still shown");
    }
}

#[wasm_bindgen_test]
fn a_share_link_reproduces_the_run() {
    let mut s = pinned_scenario();
    s.seed = 77;
    let link = format!("#{}", s.to_compact());
    let (decoded, err) = scenario_for_fragment(&link);
    assert!(err.is_none());
    assert_eq!(decoded, s);
    let model = run_for_playback(&decoded).unwrap();
    let native = protosim::run(&s, RecordOptions::default()).unwrap();
    assert_eq!(model.trace_hash, trace_hash(native.trace()));
    assert_eq!(Scenario::from_compact(&link).unwrap(), s);
}

fn set_speed(root: &Element, value: &str) {
    let speed: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(root.query_selector("input[aria-label='Playback speed']").unwrap().unwrap())
            .unwrap();
    speed.set_value(value);
    speed.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn picking_a_protocol_shows_its_node_view() {
    let root = mount("", true).await;
    set_speed(&root, "0.7"); // 5x: the first election is over within a few frames
    yew::scheduler::flush().await;
    let mut leader = None;
    for _ in 0..80 {
        TimeoutFuture::new(25).await;
        yew::scheduler::flush().await;
        leader = root.query_selector("svg.cluster .is-leader").unwrap();
        if leader.is_some() {
            break;
        }
    }
    let leader = leader.expect("a Raft leader is drawn once elected");
    assert!(leader.query_selector(".cell").unwrap().is_some(), "the leader's box shows its log");

    let select: web_sys::HtmlSelectElement = wasm_bindgen::JsCast::dyn_into(find(&root, "protocol").unwrap()).unwrap();
    select.set_value("single");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
    let nodes = root.query_selector_all("svg.cluster [data-node]").unwrap().length();
    assert_eq!(nodes, 4, "the single database and three shoppers");
    assert_eq!(clock_us(&root), 0, "a new scenario plays from the start");

    select.set_value("paxos");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
    let nodes = root.query_selector_all("svg.cluster [data-node]").unwrap().length();
    assert_eq!(nodes, 8, "three acceptors, two order services, three shoppers");
    set_speed(&root, "0.7");
    let mut accepted = false;
    for _ in 0..80 {
        TimeoutFuture::new(25).await;
        yew::scheduler::flush().await;
        // An acceptor's box lists the slots it accepted, once the first checkout is decided.
        if root.query_selector("svg.cluster .is-acceptor .cell").unwrap().is_some() {
            accepted = true;
            break;
        }
    }
    assert!(accepted, "acceptors show their accepted slots");

    select.set_value("2pc");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
    let nodes = root.query_selector_all("svg.cluster [data-node]").unwrap().length();
    assert_eq!(nodes, 7, "orders, two stock shards, payments, three shoppers");
    // The default 2PC scenario kills the coordinator just after a PREPARE at 5 s or later: scrub through the outage
    // and see a blocked participant.
    let scrub: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(root.query_selector("input[aria-label='Simulated time']").unwrap().unwrap())
            .unwrap();
    let mut blocked = false;
    for ms in (5_100..7_000).step_by(100) {
        scrub.set_value(&(ms * 1000).to_string());
        scrub.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
        yew::scheduler::flush().await;
        if root.query_selector("svg.cluster text.blocked").unwrap().is_some() {
            blocked = true;
            break;
        }
    }
    assert!(blocked, "while the coordinator is down, a participant shows how long it has been blocked");
}

#[wasm_bindgen_test]
async fn the_stable_leader_switch_cuts_the_message_count() {
    let root = mount("", false).await;
    let select: web_sys::HtmlSelectElement = wasm_bindgen::JsCast::dyn_into(find(&root, "protocol").unwrap()).unwrap();
    select.set_value("paxos");
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
    let totals = |root: &Element| {
        let f = find(root, "totals").unwrap();
        let n = |k: &str| f.get_attribute(k).unwrap().parse::<f64>().unwrap();
        n("data-messages") / n("data-confirmed")
    };
    let classic = totals(&root);
    let stable: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(find(&root, "stable-leader").expect("a Paxos-only switch")).unwrap();
    stable.set_checked(true);
    stable.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
    let multi = totals(&root);
    assert!(
        multi < classic,
        "messages per confirmed checkout: {classic:.1} with two phases, {multi:.1} with a stable leader"
    );
}

async fn pick(root: &Element, testid: &str, value: &str) {
    let select: web_sys::HtmlSelectElement = wasm_bindgen::JsCast::dyn_into(find(root, testid).unwrap()).unwrap();
    select.set_value(value);
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    TimeoutFuture::new(0).await;
    yew::scheduler::flush().await;
}

async fn scrub_to(root: &Element, us: u64) {
    let scrub: web_sys::HtmlInputElement =
        wasm_bindgen::JsCast::dyn_into(root.query_selector("input[aria-label='Simulated time']").unwrap().unwrap())
            .unwrap();
    scrub.set_value(&us.to_string());
    scrub.dispatch_event(&web_sys::InputEvent::new("input").unwrap()).unwrap();
    yew::scheduler::flush().await;
}

#[wasm_bindgen_test]
async fn locking_screens_show_the_lock_table_the_deadlock_and_conflicts() {
    let root = mount("", false).await;
    pick(&root, "protocol", "pessimistic").await;
    let nodes = root.query_selector_all("svg.cluster [data-node]").unwrap().length();
    assert_eq!(nodes, 7, "the lock manager, two storage nodes, four shoppers");
    assert!(find(&root, "locks").is_some(), "the lock table and wait-for graph panel");
    // The default scenario has two carts lock mug and tee in opposite orders at 2 s: find the moment the wait-for
    // graph shows the cycle, with its rows highlighted in the lock table.
    let mut deadlock_at = None;
    for ms in (2_000..2_600).step_by(10) {
        scrub_to(&root, ms * 1000).await;
        let graph = find(&root, "wait-graph").unwrap();
        if graph.get_attribute("data-deadlock").as_deref() == Some("true") {
            deadlock_at = Some(ms);
            break;
        }
    }
    let deadlock_at = deadlock_at.expect("the opposite-order carts deadlock");
    assert!(root.query_selector(".wait-edge.cycle").unwrap().is_some(), "the cycle's arrows are highlighted");
    assert!(root.query_selector("[data-testid='locks'] tr.hot").unwrap().is_some(), "and its rows in the table");
    // The detector breaks it within its bound (250 ms by default).
    scrub_to(&root, (deadlock_at + 300) * 1000).await;
    let graph = find(&root, "wait-graph").unwrap();
    assert_ne!(graph.get_attribute("data-deadlock").as_deref(), Some("true"), "the victim was aborted");
    // Storage boxes show rows with values and versions.
    let store = root.query_selector("svg.cluster .is-storage").unwrap().expect("a storage node");
    assert!(store.text_content().unwrap().contains(" v"), "rows with versions: {}", store.text_content().unwrap());
    // The deadlock picker switches strategy (and replays the same scenario).
    pick(&root, "deadlock", "wound-wait").await;
    assert_eq!(clock_us(&root), 0);

    pick(&root, "protocol", "optimistic").await;
    assert!(find(&root, "locks").is_none(), "no lock manager in optimistic mode");
    // Six shoppers buy the hot mug at 3 s: conflicts flash the losers' boxes.
    let mut flashed = false;
    for ms in (3_000..3_800).step_by(10) {
        scrub_to(&root, ms * 1000).await;
        if root.query_selector("svg.cluster .node.flash").unwrap().is_some() {
            flashed = true;
            break;
        }
    }
    assert!(flashed, "an optimistic conflict flashes the refused shopper");
}
