//! The checkout protocol explorer in the browser: a Yew app over the `protosim` engine.
//!
//! The page runs a scenario to its end inside the engine, then only plays the trace back (see
//! `docs/architecture.md`): every frame looks up the message flights and node states at the cursor time.

pub mod act;
pub mod app;
pub mod bench;
pub mod charts;
pub mod cluster;
pub mod compare_view;
pub mod explorer;
pub mod explorer_ui;
pub mod history_view;
pub mod hunt_panel;
pub mod hunt_worker;
pub mod lang;
pub mod loader;
pub mod model;
pub mod panels;
pub mod player;
pub mod presets;
pub mod protocol_views;
pub mod setup_bar;
pub mod share;
pub mod timeline;
pub mod tours;

use wasm_bindgen::JsCast;

/// The page's clock in milliseconds (`performance.now()`), for timing real work: the benchmarks and the bug hunt's
/// slices. Never used by a simulation. Off the page (native tests) it stands still at 0.
pub fn now_ms() -> f64 {
    if cfg!(target_arch = "wasm32") {
        web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
    } else {
        0.0
    }
}

/// Sine, cosine and powers for drawing (node layout, playback speed), from the browser's `Math` on the page: Rust's
/// own (libm's argument reduction and its tables) would add 4 KB to the gzipped bundle. Natively, Rust's.
pub mod math {
    pub fn sin(x: f64) -> f64 {
        if cfg!(target_arch = "wasm32") {
            js_sys::Math::sin(x)
        } else {
            x.sin()
        }
    }
    pub fn cos(x: f64) -> f64 {
        if cfg!(target_arch = "wasm32") {
            js_sys::Math::cos(x)
        } else {
            x.cos()
        }
    }
    pub fn pow(x: f64, y: f64) -> f64 {
        if cfg!(target_arch = "wasm32") {
            js_sys::Math::pow(x, y)
        } else {
            x.powf(y)
        }
    }
    pub fn log10(x: f64) -> f64 {
        if cfg!(target_arch = "wasm32") {
            js_sys::Math::log10(x)
        } else {
            x.log10()
        }
    }
}

/// Shows a panic as a banner with "copy scenario" and "reload" instead of leaving a dead page.
fn install_panic_banner() {
    std::panic::set_hook(Box::new(|info| {
        let msg = info.to_string();
        web_sys::console::error_1(&msg.clone().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(banner) = doc.create_element("div") else {
            return;
        };
        banner.set_class_name("banner error panic");
        let _ = banner.set_attribute("role", "alert");
        let _ = banner.set_attribute("data-testid", "panic");
        // In the reader's language; the catalogue's texts hold no markup.
        let lang = lang::current();
        banner.set_inner_html(&format!(
            "<strong>{}</strong> <span class=\"msg\"></span> <button type=\"button\" data-act=\"copy\">{}</button> \
             <button type=\"button\" data-act=\"reload\">{}</button>",
            lang.text("ui.panic"),
            lang.text("ui.panic.copy"),
            lang.text("ui.panic.reload")
        ));
        if let Ok(Some(span)) = banner.query_selector(".msg") {
            span.set_text_content(Some(&msg));
        }
        let on_click = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(move |e: web_sys::Event| {
            let act = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|el| el.get_attribute("data-act"));
            let Some(w) = web_sys::window() else { return };
            match act.as_deref() {
                Some("reload") => {
                    let _ = w.location().reload();
                }
                Some("copy") => {
                    let href = w.location().href().unwrap_or_default();
                    let _ = w.navigator().clipboard().write_text(&href);
                }
                _ => {}
            }
        });
        let _ = banner.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref());
        on_click.forget();
        if let Some(body) = doc.body() {
            let _ = body.prepend_with_node_1(&banner);
        }
    }));
}

/// The page's fragment and the element to mount on, with the panic banner installed first.
fn mount_point() -> (web_sys::Location, String, web_sys::Element) {
    install_panic_banner();
    let window = web_sys::window().expect("a browser window");
    let location = window.location();
    let fragment = location.hash().unwrap_or_default();
    let root =
        window.document().and_then(|d| d.get_element_by_id("app")).expect("the page has an element with id `app`");
    (location, fragment, root)
}

/// Mounts the explorer on the page. The benchmark pages are a bundle of their own (`bench/`, built from
/// `bench.html` by `scripts/bench-page.sh`), so the app's bundle does not carry them: `#bench` and `#bench-memory`
/// here forward there.
pub fn start() {
    let (location, fragment, root) = mount_point();
    let bench = fragment == "#bench" || fragment == "#bench-memory";
    if bench && location.replace(&format!("bench/{fragment}")).is_ok() {
        return;
    }
    // `#…&embed=1` or `?embed`: only the picture, the player and the narration, for an <iframe> in a slide deck.
    let embed = lang::fragment_param(&fragment, "embed").is_some_and(|v| v != "0")
        || location
            .search()
            .is_ok_and(|q| q.trim_start_matches('?').split('&').any(|p| p == "embed" || p == "embed=1"));
    let mount = move || {
        yew::Renderer::<app::App>::with_root_and_props(root, app::AppProps { fragment, autoplay: true, embed })
            .render();
    };
    // A reader of a language the bundle does not carry gets its catalogue first (a file beside the page), so the
    // page opens in it; if that fails, it opens in English.
    let first = lang::pick(&location.hash().unwrap_or_default());
    if first.is_loaded() {
        mount();
    } else {
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(e) = lang::ensure(first).await {
                gloo::console::warn!(format!("{e}: the page opens in English"));
            }
            mount();
        });
    }
}

/// Mounts the benchmark pages (`bench/`): the memory benchmark for `#bench-memory`, the speed benchmarks otherwise.
pub fn start_bench() {
    let (_, fragment, root) = mount_point();
    if fragment == "#bench-memory" {
        yew::Renderer::<bench::MemoryBench>::with_root(root).render();
    } else {
        yew::Renderer::<bench::Bench>::with_root(root).render();
    }
}
