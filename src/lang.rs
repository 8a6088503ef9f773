//! The reader's language for everything the page says, all rendered from the message catalogues
//! (`protosim::i18n`): the page's own words (`ui.…` keys in `ui.ftl`), the event log, what protocols say about
//! themselves, the tours. A component that shows text calls [`use_lang`] (so that it renders again when the reader
//! switches) and writes `lang.text` of a `ui.…` key (the key a literal, where `tests/narration.rs` finds it),
//! `lang.render` of a `note!` with a `ui.…` key and its arguments, or, for what a protocol module
//! declares in English, `lang.text_or(&info_key(…), english)`.
//!
//! Picked on first visit from, in order: the link's `&lang=` (a shared link carries its sender's language), the
//! reader's last choice (remembered in the browser's local storage), the browser's preferred languages, English.
//! Switching never reruns or resets the run: log lines keep their notes and are rendered again in the new
//! language.

use protosim::i18n::{language, Language, ENGLISH};
use std::cell::Cell;
use yew::prelude::*;

/// The page's language, for a component: it renders again when the reader switches.
#[hook]
pub fn use_lang() -> &'static Language {
    use_context::<Lang>().unwrap_or_default().0
}

/// The chosen language, as a Yew context value (compared by identity).
#[derive(Clone, Copy)]
pub struct Lang(pub &'static Language);

impl PartialEq for Lang {
    fn eq(&self, other: &Lang) -> bool {
        std::ptr::eq(self.0, other.0)
    }
}

impl Default for Lang {
    fn default() -> Lang {
        Lang(&ENGLISH)
    }
}

thread_local! {
    /// The same choice, for code outside components (the share link, the address bar).
    static CURRENT: Cell<&'static Language> = Cell::new(&ENGLISH);
}

const STORAGE_KEY: &str = "checkout-explorer-lang";

/// The language chosen now.
pub fn current() -> &'static Language {
    CURRENT.with(Cell::get)
}

/// Makes `lang` the language of the page and remembers it for the next visit.
pub fn choose(lang: &'static Language) {
    CURRENT.with(|c| c.set(lang));
    if let Some(s) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = s.set_item(STORAGE_KEY, lang.tag);
    }
}

/// A URL fragment's parameter `name` (`#s1.…&lang=zh-CN&…`, or `#lang=zh-CN` alone).
pub fn fragment_param<'a>(fragment: &'a str, name: &str) -> Option<&'a str> {
    fragment.trim_start_matches('#').split('&').find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
}

/// Makes `lang`'s catalogue available: compiled in, else read from the page itself (the single-file build carries
/// it as `<script type="text/plain" id="catalogue-zh-CN">`), else fetched from `./zh-CN.ftl` beside the page (the
/// service worker keeps it for offline use). Err says why not; the page then stays in its language.
pub async fn ensure(lang: &'static Language) -> Result<(), String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if lang.is_loaded() {
        return Ok(());
    }
    let window = web_sys::window().ok_or("no window")?;
    let inline = window.document().and_then(|d| d.get_element_by_id(&format!("catalogue-{}", lang.tag)));
    let text = match inline.and_then(|e| e.text_content()) {
        Some(text) => text,
        None => {
            let fail = |e: wasm_bindgen::JsValue| format!("the {} catalogue could not be loaded: {e:?}", lang.tag);
            // Asked of the server again each time (a new build may have changed it; the service worker answers
            // offline).
            let init = web_sys::RequestInit::new();
            init.set_cache(web_sys::RequestCache::NoCache);
            let request = window.fetch_with_str_and_init(&format!("./{}.ftl", lang.tag), &init);
            let response: web_sys::Response = JsFuture::from(request).await.map_err(fail)?.dyn_into().map_err(fail)?;
            if !response.ok() {
                return Err(format!("the {} catalogue could not be loaded: HTTP {}", lang.tag, response.status()));
            }
            JsFuture::from(response.text().map_err(fail)?).await.map_err(fail)?.as_string().unwrap_or_default()
        }
    };
    // A host that answers every path with its page is not a catalogue.
    if !text.contains("\nui-title = ") {
        return Err(format!("./{}.ftl is not the {} catalogue", lang.tag, lang.native_name));
    }
    lang.install(text);
    Ok(())
}

/// The language the page would open in with `fragment`, whether or not its catalogue is here yet.
pub fn pick(fragment: &str) -> &'static Language {
    let from_link = fragment_param(fragment, "lang").and_then(language);
    let window = web_sys::window();
    let remembered = || {
        let storage = window.as_ref()?.local_storage().ok().flatten()?;
        language(&storage.get_item(STORAGE_KEY).ok().flatten()?)
    };
    let browser = || {
        let languages = window.as_ref()?.navigator().languages();
        languages.iter().filter_map(|l| l.as_string()).find_map(|l| language(&l))
    };
    from_link.or_else(remembered).or_else(browser).unwrap_or(&ENGLISH)
}

/// The language a page opened with `fragment` starts in (see the module's documentation): [`pick`]'s, if its
/// catalogue is here ([`ensure`]), else English.
pub fn initial(fragment: &str) -> &'static Language {
    let lang = Some(pick(fragment)).filter(|l| l.is_loaded()).unwrap_or(&ENGLISH);
    CURRENT.with(|c| c.set(lang));
    lang
}

/// The `&lang=…` a share link carries: empty for English, the default.
pub fn link_suffix() -> String {
    let lang = current();
    if std::ptr::eq(lang, &ENGLISH) {
        String::new()
    } else {
        format!("&lang={}", lang.tag)
    }
}
