//! The message catalogues: narration ([`Note`]s) rendered in a language, with Project Fluent.
//!
//! One folder of `.ftl` files per language (`en/`, `zh-CN/`), compiled into the binary: `narration.ftl` (what
//! nodes, messages and the engine say), `protocols.ftl` (what protocols say about their state, and the Chinese for
//! the English each protocol module declares about itself), `ui.ftl` (the page's own words) and `tours.ftl`. A note's key names a Fluent
//! message (`raft.vote.granted` → `raft-vote-granted`: `-` for `.` and `_`), its arguments are the message's
//! variables (`{ $term }`), and plurals are Fluent selectors on the language's CLDR plural rules
//! (`{ $n -> [one] entry *[other] entries }`). Before Fluent sees them, arguments are formatted here for the
//! language: a nested note is rendered in the same language, money in the language's currency form, lists joined
//! with its separators. Everything the page, the CLI and the golden transcripts show of the narration (what nodes
//! say, what the engine says, what each message carries) goes through [`Language::render`].
//!
//! Why Fluent and not a table of our own: it is the maintained format translators know, with per-language plural
//! rules, and the project's rule is a well-kept library outside what the project exists for. It costs about 44 KB
//! of the page's gzipped bundle (measured: 304 → 348 KB with the same code), which the 400 KB budget allows.
//!
//! A key with no message renders as `[key]` followed by its arguments, visibly, rather than failing;
//! `tests/narration.rs` keeps that from shipping (every key in every catalogue, every argument shown).

use crate::narration::{Arg, Note};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use std::cell::RefCell;
use std::fmt::Write;

/// A language the narration is written in.
pub struct Language {
    /// BCP 47 tag: `en`, `zh-CN`.
    pub tag: &'static str,
    /// Its name in itself, for a language menu: `English`, `中文`.
    pub native_name: &'static str,
    /// The Fluent sources compiled in, one per area (narration, protocols, page, tours); one bundle holds them all.
    /// English's always; another language's only with the `all-languages` feature (else it is [`Language::install`]ed
    /// at run time).
    pub ftl: &'static [&'static str],
    /// Between the items of an [`Arg::List`], but the last two.
    pub list_separator: &'static str,
    /// Between the last two items of an [`Arg::List`] ("A, B and C").
    pub list_last_separator: &'static str,
    /// Between the items of an [`Arg::Chain`].
    pub chain_separator: &'static str,
    /// An amount of money, in cents.
    pub money: fn(u64) -> String,
}

/// English, the default.
pub static ENGLISH: Language = Language {
    tag: "en",
    native_name: "English",
    ftl: &[
        include_str!("en/narration.ftl"),
        include_str!("en/protocols.ftl"),
        include_str!("en/ui.ftl"),
        include_str!("en/tours.ftl"),
    ],
    list_separator: ", ",
    list_last_separator: " and ",
    chain_separator: " → ",
    money: |c| format!("${}.{:02}", c / 100, c % 100),
};

/// Simplified Chinese.
pub static CHINESE: Language = Language {
    tag: "zh-CN",
    native_name: "中文",
    #[cfg(feature = "all-languages")]
    ftl: &[
        include_str!("zh-CN/narration.ftl"),
        include_str!("zh-CN/protocols.ftl"),
        include_str!("zh-CN/ui.ftl"),
        include_str!("zh-CN/tours.ftl"),
    ],
    #[cfg(not(feature = "all-languages"))]
    ftl: &[],
    list_separator: "、",
    list_last_separator: "和",
    chain_separator: " → ",
    money: |c| format!("${}.{:02}", c / 100, c % 100),
};

/// Every language, the first the default.
pub static LANGUAGES: &[&Language] = &[&ENGLISH, &CHINESE];

/// The language tagged `tag` (`zh-CN`, `zh`, `en-GB`: the nearest one), if there is one.
pub fn language(tag: &str) -> Option<&'static Language> {
    let tag = tag.trim();
    let primary = tag.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
    LANGUAGES
        .iter()
        .copied()
        .find(|l| l.tag.eq_ignore_ascii_case(tag))
        .or_else(|| LANGUAGES.iter().copied().find(|l| l.tag.split('-').next() == Some(primary.as_str())))
}

/// The Fluent message id of a note key: `raft.vote.granted` → `raft-vote-granted`.
pub fn message_id(key: &str) -> String {
    key.replace(['.', '_'], "-")
}

thread_local! {
    /// One parsed bundle per language, built on first use (Fluent's bundles are not `Sync`; the page has one
    /// thread and every test thread builds its own).
    static BUNDLES: RefCell<Vec<Option<FluentBundle<FluentResource>>>> = const { RefCell::new(Vec::new()) };
    /// Catalogues installed at run time, by language index (see [`Language::install`]).
    static INSTALLED: RefCell<Vec<Option<String>>> = const { RefCell::new(Vec::new()) };
}

impl Language {
    fn index(&self) -> usize {
        LANGUAGES.iter().position(|l| std::ptr::eq(*l, self)).unwrap_or(0)
    }

    fn with_bundle<R>(&self, f: impl FnOnce(&FluentBundle<FluentResource>) -> R) -> R {
        BUNDLES.with(|b| {
            let mut b = b.borrow_mut();
            let i = self.index();
            if b.len() <= i {
                b.resize_with(i + 1, || None);
            }
            let bundle = b[i].get_or_insert_with(|| {
                // The catalogues are part of the build and tested to parse; a fault shows as `[key]` lines.
                let lang = self.tag.parse().unwrap_or_default();
                let mut bundle = FluentBundle::new(vec![lang]);
                // No Unicode isolation marks around arguments: the text goes into plain DOM text and terminals.
                bundle.set_use_isolating(false);
                let installed = INSTALLED.with(|x| x.borrow().get(i).cloned().flatten());
                for source in self.ftl.iter().map(|s| s.to_string()).chain(installed) {
                    let resource = FluentResource::try_new(source).unwrap_or_else(|(r, _)| r);
                    let _ = bundle.add_resource(resource);
                }
                bundle
            });
            f(bundle)
        })
    }

    /// Whether this language's catalogue is here: compiled in, or installed.
    pub fn is_loaded(&self) -> bool {
        !self.ftl.is_empty() || INSTALLED.with(|x| x.borrow().get(self.index()).is_some_and(Option::is_some))
    }

    /// Installs this language's catalogue, `ftl` (its Fluent files one after another), read at run time: the page
    /// fetches it when a reader picks a language that is not compiled in. Messages that do not parse are left out
    /// (and show as `[key]`); installing again replaces the catalogue.
    pub fn install(&self, ftl: String) {
        let i = self.index();
        INSTALLED.with(|x| {
            let mut x = x.borrow_mut();
            if x.len() <= i {
                x.resize_with(i + 1, || None);
            }
            x[i] = Some(ftl);
        });
        BUNDLES.with(|b| {
            if let Some(slot) = b.borrow_mut().get_mut(i) {
                *slot = None; // built again, with the catalogue, on next use
            }
        });
    }

    /// Whether this catalogue has a message for `key`.
    pub fn has(&self, key: &str) -> bool {
        self.with_bundle(|b| b.has_message(&message_id(key)))
    }

    /// Every message id in this catalogue, in file order.
    pub fn message_ids(&self) -> Vec<&'static str> {
        self.ftl
            .iter()
            .flat_map(|f| f.lines())
            .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
            .filter(|id| !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
            .collect()
    }

    /// The source text of `key`'s message (its value, selectors included), for checks.
    pub fn message_source(&self, key: &str) -> Option<String> {
        let id = message_id(key);
        let mut lines =
            self.ftl.iter().flat_map(|f| f.lines()).skip_while(|l| l.split_once(" = ").is_none_or(|(i, _)| i != id));
        let first = lines.next()?;
        let mut out = first.split_once(" = ").map_or("", |(_, v)| v).to_string();
        for l in lines.take_while(|l| l.starts_with(' ')) {
            out.push('\n');
            out.push_str(l);
        }
        Some(out)
    }

    /// The message `key` (one without arguments) in this language; `[key]` if there is none.
    pub fn text(&self, key: &str) -> String {
        self.format(key, &[])
    }

    /// The message `key` in this language, or `fallback` when this catalogue has none. For text a protocol module
    /// declares in English about itself (a variant's explanation, an invariant's rule, a metric's label): English
    /// reads it from the module, other languages translate it under a key derived from its name (see
    /// [`info_key`]).
    pub fn text_or(&self, key: &str, fallback: &str) -> String {
        if self.has(key) {
            self.text(key)
        } else {
            fallback.to_string()
        }
    }

    /// `note` in this language (the empty note, [`Note::default`], as an empty text).
    pub fn render(&self, note: &Note) -> String {
        if note.is_empty() {
            return String::new();
        }
        self.format(note.key, &note.args)
    }

    /// One typed value in this language, as a note shows it: a number as digits, a name as it is, money in the
    /// language's form, a nested note rendered, a list joined. For values shown on their own (a node's facts, a log
    /// cell).
    pub fn render_arg(&self, arg: &Arg) -> String {
        self.arg_text(arg)
    }

    fn format(&self, key: &str, note_args: &[(&'static str, Arg)]) -> String {
        let mut args = FluentArgs::new();
        for (name, arg) in note_args {
            let value: FluentValue = match arg {
                Arg::Num(n) => FluentValue::from(*n),
                other => FluentValue::from(self.arg_text(other)),
            };
            args.set(*name, value);
        }
        let id = message_id(key);
        let text = self.with_bundle(|b| {
            let pattern = b.get_message(&id)?.value()?;
            let mut errors = Vec::new();
            Some(b.format_pattern(pattern, Some(&args), &mut errors).into_owned())
        });
        // A message another language lacks (a catalogue older than the page) reads in English rather than as a key;
        // `tests/narration.rs` keeps every catalogue whole.
        if text.is_none() && !std::ptr::eq(self, &ENGLISH) && ENGLISH.has(key) {
            return ENGLISH.format(key, note_args);
        }
        text.unwrap_or_else(|| {
            let mut out = format!("[{key}]");
            for (name, arg) in note_args {
                let _ = write!(out, " {name}={}", self.arg_text(arg));
            }
            out
        })
    }

    /// An argument as text in this language.
    fn arg_text(&self, arg: &Arg) -> String {
        match arg {
            Arg::Num(n) => n.to_string(),
            Arg::Name(s) => s.to_string(),
            Arg::Cents(c) => (self.money)(*c),
            Arg::Say(n) => self.render(n),
            Arg::List(v) | Arg::Chain(v) => {
                let chain = matches!(arg, Arg::Chain(_));
                let mut out = String::new();
                for (i, a) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(match (chain, i + 1 == v.len()) {
                            (true, _) => self.chain_separator,
                            (false, true) => self.list_last_separator,
                            (false, false) => self.list_separator,
                        });
                    }
                    out.push_str(&self.arg_text(a));
                }
                out
            }
        }
    }
}

/// The catalogue key under which languages other than English translate a text a protocol module declares in
/// English about itself: `info_key(&["variant", "raft", "no_log_check"])` = `info.variant.raft.no_log_check`.
pub fn info_key(parts: &[&str]) -> String {
    let mut key = String::from("info");
    for p in parts {
        key.push('.');
        key.push_str(p);
    }
    key
}

/// `note` in English.
pub fn render(note: &Note) -> String {
    ENGLISH.render(note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::note;

    #[test]
    fn placeholders_plurals_nesting_lists_and_unknown_keys() {
        let truncated = 1u64;
        assert_eq!(render(&note!("raft.truncate", truncated)), "deletes 1 conflicting entry and takes the leader's");
        assert_eq!(
            render(&note!("raft.truncate", truncated = 3u64)),
            "deletes 3 conflicting entries and takes the leader's"
        );
        let rows = vec![Arg::Name("mug".into()), Arg::Name("cap".into()), Arg::Name("tee".into())];
        let n = note!("locking.abort.fence", txn = "#1.1".to_string(), why = note!("locking.revoke.lease"), rows);
        assert_eq!(
            render(&n),
            "aborts #1.1 (its lease expired), taking mug, cap and tee: fences the rows before granting them again"
        );
        assert!(CHINESE.render(&n).contains("mug、cap和tee"), "{}", CHINESE.render(&n));
        let unknown = note!("no.such.key", n = 2u64, why = note!("no.such.either"));
        assert_eq!(render(&unknown), "[no.such.key] n=2 why=[no.such.either]");
    }

    #[test]
    fn a_browser_language_finds_the_nearest_catalogue() {
        assert_eq!(language("zh-CN").map(|l| l.tag), Some("zh-CN"));
        assert_eq!(language("zh").map(|l| l.tag), Some("zh-CN"));
        assert_eq!(language("zh-Hans-CN").map(|l| l.tag), Some("zh-CN"));
        assert_eq!(language("en-GB").map(|l| l.tag), Some("en"));
        assert!(language("fr").is_none());
    }
}
