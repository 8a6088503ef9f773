//! Sharing a run: the URL fragment always holds the scenario on screen (`#s1.…`, see
//! [`protosim::Scenario::to_compact`]), a button copies that link, and scenarios, traces and the space-time diagram
//! can be exported as files; a scenario can be imported from a file or pasted JSON.
//!
//! A link or file is only a scenario: opening it runs the same pure function again, so it reproduces the same trace
//! (same hash) in any browser. Importing something that is not a valid scenario shows why and keeps the run on
//! screen.

use protosim::narration::Note;
use protosim::{note, Scenario};
use wasm_bindgen::JsCast;
use yew::prelude::*;

thread_local! {
    /// The guided tour open on screen and its step (from 0), for the address bar and the share link.
    static TOUR_STEP: std::cell::Cell<Option<(&'static crate::tours::Tour, usize)>> = const { std::cell::Cell::new(None) };
}

/// Which tour step is open (none: no tour); the address bar and the share link carry it
/// (`&tour=…&step=…`), so that a copied address opens the tour at that step.
pub fn set_tour_step(open: Option<(&'static crate::tours::Tour, usize)>) {
    TOUR_STEP.with(|t| t.set(open));
}

/// The parameters after the scenario in a link: the tour step open, then the language.
fn link_params() -> String {
    let tour = TOUR_STEP.with(std::cell::Cell::get).map(|(t, k)| t.link_params(k)).unwrap_or_default();
    format!("{tour}{}", crate::lang::link_suffix())
}

/// The share link for a scenario: this page's address with the scenario in the fragment.
pub fn link_for(s: &Scenario) -> String {
    let base = web_sys::window()
        .and_then(|w| w.location().href().ok())
        // Without the query: `?embed` (the embedded view) is not part of what is shared.
        .map(|h| h.split(['#', '?']).next().unwrap_or_default().to_string())
        .unwrap_or_default();
    format!("{base}#{}{}", s.to_compact(), link_params())
}

thread_local! {
    /// The player's cursor (µs), as the explorer last drew it: a copied link opens at that moment.
    static CURSOR_US: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Records where the player's cursor is (the explorer calls it as it draws).
pub fn note_cursor(t_us: u64) {
    CURSOR_US.with(|c| c.set(t_us));
}

/// The share link at the player's moment: [`link_for`] with `&t=<µs>`, so it opens paused where it was copied.
pub fn link_at_cursor(s: &Scenario) -> String {
    match CURSOR_US.with(std::cell::Cell::get) {
        0 => link_for(s),
        t => format!("{}&t={t}", link_for(s)),
    }
}

/// The HTML that embeds the run at the player's moment in a slide deck: an 800×600 `<iframe>` of the embedded view
/// (`&embed=1`: the picture, the player and the narration).
pub fn embed_code(s: &Scenario, title: &str) -> String {
    let attr = |t: &str| t.replace('&', "&amp;").replace('"', "&quot;");
    format!(
        "<iframe src=\"{}&embed=1\" width=\"800\" height=\"600\" style=\"border:0\" title=\"{}\" \
         loading=\"lazy\"></iframe>",
        attr(&link_at_cursor(s)),
        attr(title)
    )
}

thread_local! {
    /// What the address bar keeps from the link the page opened with: `&embed=1` (a reload of an embedded frame
    /// stays embedded) and the moment `&t=` while the scenario on screen is the one opened (`(its compact form, µs)`).
    static OPENED_WITH: std::cell::RefCell<(bool, Option<(String, u64)>)> = const { std::cell::RefCell::new((false, None)) };
}

/// Remembers what the page was opened with for the address bar (see `OPENED_WITH`).
pub fn opened_with(embed: bool, moment: Option<(&Scenario, u64)>) {
    OPENED_WITH.with(|o| *o.borrow_mut() = (embed, moment.map(|(s, t)| (s.to_compact(), t))));
}

/// Puts the scenario into the address bar without adding a history entry.
pub fn set_fragment(s: &Scenario) {
    let Some(w) = web_sys::window() else { return };
    let compact = s.to_compact();
    let kept = OPENED_WITH.with(|o| {
        let (embed, moment) = &*o.borrow();
        let t = moment.as_ref().filter(|(c, _)| *c == compact).map(|(_, t)| format!("&t={t}")).unwrap_or_default();
        format!("{t}{}", if *embed { "&embed=1" } else { "" })
    });
    let url = format!("#{compact}{}{kept}", link_params());
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Offers `text` as a download named `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    download_parts(name, mime, &js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text)))
}

/// [`download`] of a text given in pieces (JS strings).
fn download_parts(name: &str, mime: &str, parts: &js_sys::Array) -> Result<(), String> {
    let lang = crate::lang::current();
    let fail = |e: wasm_bindgen::JsValue| lang.render(&note!("ui.share.download-refused", error = format!("{e:?}")));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(parts, &opts).map_err(fail)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(fail)?;
    let doc = web_sys::window().and_then(|w| w.document()).ok_or_else(|| lang.text("ui.share.no-document"))?;
    let a: web_sys::HtmlAnchorElement =
        doc.create_element("a").map_err(fail)?.dyn_into().map_err(|_| lang.text("ui.share.no-document"))?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The trace of a scenario as JSON: every event, the trace hash and the scenario. The run is simulated again (it
/// is a pure function of the scenario), so the page keeps no second copy of the trace; it is capped like the
/// page's run ([`crate::loader::PAGE_MAX_EVENTS`]), and when that cut it the file's scenario says so, so the file
/// always replays to its hash.
pub fn trace_json(s: &Scenario) -> Result<String, String> {
    let mut out = String::new();
    write_trace(s, |piece| out.push_str(&piece))?;
    Ok(out)
}

/// Writes [`trace_json`]'s text in pieces of a few thousand events, taking the trace from the engine as it is
/// made: a million-event run never has its whole trace, or its whole text, in wasm memory.
pub fn write_trace(s: &Scenario, mut put: impl FnMut(String)) -> Result<(), String> {
    let mut capped = s.clone();
    capped.limits.max_events = s.limits.max_events.min(crate::loader::PAGE_MAX_EVENTS);
    let mut r = protosim::build(&capped, protosim::RecordOptions { narrate: true, checkpoint_every: 0 })
        .map_err(|e| e.to_string())?;
    let mut hasher = protosim::trace::TraceHasher::default();
    put("{\"events\":[".to_string());
    loop {
        let more = r.step_many(4096);
        let mut piece = String::new();
        for e in r.take_trace() {
            if hasher.events() > 0 {
                piece.push(',');
            }
            piece.push_str(hasher.push(&e));
        }
        put(piece);
        if !more {
            break;
        }
    }
    // The scenario comes last: only now is it known whether the cap cut the run (then the file says so).
    let cut = capped.limits.max_events < s.limits.max_events
        && matches!(r.stop_reason(), Some(protosim::trace::StopReason::Limit { what: "limits.max_events", .. }));
    let scenario = if cut { &capped } else { s };
    put(format!("],\"trace_hash\":\"{}\",\"scenario\":{}}}", hasher.hex(), scenario.to_json()));
    Ok(())
}

/// The shoppers' history of `s` for an outside checker: Porcupine's JSON, or Jepsen's EDN with `edn`
/// ([`protosim::linearizability::export`]). The run is simulated again, capped like the page's.
pub fn history_text(s: &Scenario, edn: bool) -> Result<String, String> {
    let mut capped = s.clone();
    capped.limits.max_events = s.limits.max_events.min(crate::loader::PAGE_MAX_EVENTS);
    let mut r = protosim::build(&capped, protosim::RecordOptions { narrate: false, checkpoint_every: 0 })
        .map_err(|e| crate::lang::current().render(&e.note()))?;
    let mut recorder = protosim::linearizability::HistoryRecorder::new(&capped);
    protosim::stream(r.as_mut(), |piece| {
        recorder.feed(piece);
        true
    });
    let h = recorder.finish(r.now_us());
    use protosim::linearizability::export;
    Ok(if edn { export::jepsen_edn(&h) } else { export::porcupine_json(&h) })
}

/// Offers the trace of `s` as a download, built from [`write_trace`]'s pieces (each handed to the browser as it
/// is written).
fn download_trace(name: &str, s: &Scenario) -> Result<(), String> {
    let parts = js_sys::Array::new();
    write_trace(s, |piece| {
        parts.push(&wasm_bindgen::JsValue::from_str(&piece));
    })?;
    download_parts(name, "application/json", &parts)
}

/// The styles the space-time diagram needs outside the page (the page's CSS variables resolved).
const SPACETIME_STYLE: &str = "svg{font-family:system-ui,\"PingFang SC\",\"Microsoft YaHei\",\"Noto Sans CJK SC\",\
\"WenQuanYi Zen Hei\",sans-serif;background:#fff}\
.lane text{font-size:12px;fill:#1f2937}.lane line{stroke:#d6dae0;stroke-width:1.5}\
.lane rect.down{fill:#d1d5db;opacity:.8}.st-msg line{stroke:#2563eb;stroke-width:1.3;opacity:.8}\
.st-msg.dropped line{stroke:#dc2626;stroke-dasharray:3 2}.st-msg.dropped text{fill:#dc2626;font-size:11px}\
.st-fault line{stroke:#c2410c;stroke-dasharray:4 3}.st-fault text{fill:#c2410c;font-size:11px}\
.st-cursor{stroke:#dc2626;stroke-width:2}.arrow-head{fill:#2563eb}";

/// The space-time diagram on screen as a standalone SVG file.
pub fn spacetime_svg() -> Option<String> {
    let doc = web_sys::window()?.document()?;
    let svg = doc.query_selector("svg.spacetime").ok()??;
    let inner = svg.inner_html();
    let view_box = svg.get_attribute("viewBox").unwrap_or_default();
    // The browser's parseFloat, not `str::parse::<f64>` (14 KB of the bundle for two numbers).
    let number = |i, default| view_box.split_whitespace().nth(i).map_or(default, js_sys::parse_float);
    let (w, h) = (number(2, 1100.0), number(3, 400.0));
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"spacetime\" viewBox=\"{view_box}\" width=\"{w}\" \
         height=\"{h}\"><style>{SPACETIME_STYLE}</style>{inner}</svg>"
    ))
}

/// A file name for exports: protocol, variant and seed.
pub fn file_stem(s: &Scenario) -> String {
    format!("checkout-{}-{}-seed{}", s.protocol.name(), s.variant, s.seed)
}

#[derive(Properties, PartialEq)]
pub struct ShareBarProps {
    pub scenario: Scenario,
    /// A valid scenario read from a file or pasted: the app loads it. (What is not valid is explained in the
    /// import box, and nothing else changes.)
    pub on_import: Callback<Scenario>,
    /// A message for the user ("link copied", or why an export failed), rendered in the reader's language.
    pub on_message: Callback<Note>,
}

/// Copy link, export (scenario, trace, diagram) and import.
/// While `open` is set, Esc on the page clears it.
#[hook]
fn use_escape_closes(open: UseStateHandle<bool>) {
    use_effect_with(*open, move |is_open| {
        let listener = (*is_open).then(|| web_sys::window().and_then(|w| w.document())).flatten().map(|doc| {
            gloo::events::EventListener::new(&doc, "keydown", move |e| {
                if e.dyn_ref::<web_sys::KeyboardEvent>().is_some_and(|k| k.key() == "Escape") {
                    open.set(false);
                }
            })
        });
        move || drop(listener)
    });
}

#[component]
pub fn ShareBar(props: &ShareBarProps) -> Html {
    // The link carries the reader's language: drawn again when it changes.
    let lang = crate::lang::use_lang();
    let importing = use_state(|| false);
    let import_error = use_state(|| None::<Note>);
    // Esc closes the import box, like every other panel.
    use_escape_closes(importing.clone());
    let pasted = use_node_ref();
    // Loads valid text and closes the box; otherwise says why and keeps everything as it was.
    let take = {
        let on_import = props.on_import.clone();
        let importing = importing.clone();
        let import_error = import_error.clone();
        Callback::from(move |r: Result<Scenario, Note>| match r {
            Ok(s) => {
                import_error.set(None);
                importing.set(false);
                on_import.emit(s);
            }
            Err(e) => import_error.set(Some(e)),
        })
    };
    let s = props.scenario.clone();
    let copy = {
        let s = s.clone();
        let on_message = props.on_message.clone();
        Callback::from(move |_| {
            let link = link_at_cursor(&s);
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&link);
            }
            on_message.emit(note!("ui.share.copied", chars = link.len()));
        })
    };
    let copy_embed = {
        let s = s.clone();
        let on_message = props.on_message.clone();
        Callback::from(move |_| {
            let code = embed_code(&s, &lang.text("ui.title"));
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&code);
            }
            on_message.emit(note!("ui.share.embed.copied", code));
        })
    };
    let export = |what: &'static str| export_button(&s, &props.on_message, what);
    let on_file = import_file(take.clone());
    let on_paste = {
        let pasted = pasted.clone();
        Callback::from(move |_| {
            if let Some(area) = pasted.cast::<web_sys::HtmlTextAreaElement>() {
                take.emit(import_text(&area.value()));
            }
        })
    };
    html! {
        <div class="share" role="group" aria-label={lang.text("ui.share")}>
            <button onclick={copy} data-testid="copy-link" data-link={link_for(&s)}
                    title={lang.text("ui.share.copy.tip")}>{ lang.text("ui.share.copy") }</button>
            <button onclick={copy_embed} data-testid="copy-embed"
                    title={lang.text("ui.share.embed.tip")}>{ lang.text("ui.share.embed") }</button>
            <button onclick={export("scenario")} data-testid="export-scenario">{ lang.text("ui.share.scenario") }</button>
            <button onclick={export("trace")} data-testid="export-trace">{ lang.text("ui.share.trace") }</button>
            <button onclick={export("svg")} data-testid="export-svg">{ lang.text("ui.share.svg") }</button>
            <button onclick={export("history")} data-testid="export-history"
                    title={lang.text("ui.share.history.tip")}>{ lang.text("ui.share.history") }</button>
            <button onclick={export("history-edn")} data-testid="export-history-edn"
                    title={lang.text("ui.share.history.tip")}>{ lang.text("ui.share.history-edn") }</button>
            <button onclick={{ let i = importing.clone(); Callback::from(move |_| i.set(!*i)) }}
                    aria-expanded={importing.to_string()} data-testid="import">{ lang.text("ui.share.import") }</button>
            if *importing {
                <div class="import panel" data-testid="import-panel">
                    <label>{ lang.text("ui.share.import.file") }
                        <input type="file" accept=".json,application/json" onchange={on_file} data-testid="import-file" />
                    </label>
                    <label class="paste">{ lang.text("ui.share.import.paste") }
                        <textarea ref={pasted} rows="4" data-testid="import-text"
                                  placeholder="{\"format_version\": 1, \"protocol\": \"raft\", …}" />
                    </label>
                    <button class="primary" onclick={on_paste} data-testid="import-load">{ lang.text("ui.share.import.load") }</button>
                    if let Some(e) = &*import_error {
                        <p class="banner error" role="alert" data-testid="import-error">
                            <strong>{ lang.text("ui.share.import.error") }</strong>
                            { lang.render(&note!("ui.error.setup-why", error = e.clone())) }
                        </p>
                    }
                </div>
            }
        </div>
    }
}

/// A download button's handler: the scenario as JSON, the whole trace, the shoppers' history (Porcupine's JSON,
/// Jepsen's EDN), or the space-time diagram as SVG.
fn export_button(s: &Scenario, on_message: &Callback<Note>, what: &'static str) -> Callback<MouseEvent> {
    let s = s.clone();
    let on_message = on_message.clone();
    Callback::from(move |_| {
        let stem = file_stem(&s);
        let done = match what {
            "scenario" => download(&format!("{stem}.json"), "application/json", &s.to_json_pretty()),
            "trace" => download_trace(&format!("{stem}-trace.json"), &s),
            "history" => {
                history_text(&s, false).and_then(|t| download(&format!("{stem}-history.json"), "application/json", &t))
            }
            "history-edn" => {
                history_text(&s, true).and_then(|t| download(&format!("{stem}-history.edn"), "application/edn", &t))
            }
            _ => spacetime_svg()
                .ok_or_else(|| crate::lang::current().text("ui.share.no-diagram"))
                .and_then(|svg| download(&format!("{stem}-spacetime.svg"), "image/svg+xml", &svg)),
        };
        if let Err(e) = done {
            on_message.emit(note!("ui.share.export-failed", error = e));
        }
    })
}

/// The file picker's handler: reads the chosen file as text and hands the scenario it holds (or why not) to `take`.
fn import_file(take: Callback<Result<Scenario, Note>>) -> Callback<Event> {
    Callback::from(move |e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        let take = take.clone();
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await;
            take.emit(match text.ok().and_then(|t| t.as_string()) {
                Some(t) => import_text(&t).map_err(|e| note!("scenario.error.at", at = name, problem = e)),
                None => Err(note!("ui.share.unreadable", file = name)),
            });
        });
    })
}

/// Reads a scenario from imported text: JSON (a scenario, or an exported trace with its scenario inside), or a
/// share link.
pub fn import_text(text: &str) -> Result<Scenario, Note> {
    let t = text.trim();
    if t.is_empty() {
        return Err(Note::key("ui.share.empty"));
    }
    if let Some(pos) = t.find("#s1.").or_else(|| t.starts_with("s1.").then_some(0)) {
        // The scenario ends where the link's parameters (`&lang=zh-CN`) or the pasted text's next word begin.
        let link = &t[pos..];
        let end = link.find(|c: char| c == '&' || c.is_whitespace()).unwrap_or(link.len());
        return Scenario::from_compact(&link[..end]).map_err(|e| e.note());
    }
    // Not JSON but a fragment (`#…`, or an address with one): a link that is not a scenario link, said so.
    if !t.starts_with(['{', '[']) {
        if let Some(pos) = t.find('#') {
            return Scenario::from_compact(&t[pos..]).map_err(|e| e.note());
        }
    }
    // Parsed once: a valid JSON text is read from its value, and only text that is not JSON goes to `from_json`,
    // for its syntax error.
    match serde_json::from_str::<serde_json::Value>(t) {
        Ok(v) => match v.get("scenario").filter(|_| v.get("events").is_some()) {
            Some(inner) => Scenario::from_value(inner).map_err(|e| note!("ui.share.trace-scenario", error = e.note())),
            None => Scenario::from_value(&v).map_err(|e| e.note()),
        },
        Err(_) => Scenario::from_json(t).map_err(|e| e.note()),
    }
}
