//! The message catalogue: narration ([`Note`]s) rendered in a language.
//!
//! One catalogue per language, each a table from key to template plus how the language writes numbers, money,
//! lists and plurals. A template is text with placeholders naming the note's arguments: `{term}` puts the argument
//! in, formatted for the language (numbers, money, nested phrases, lists); `{n:entry|entries}` picks one of the
//! forms by the catalogue's plural rule for the number `n` (English: the first for 1, the second otherwise; a
//! language without plurals writes one form). Everything the page, the CLI and the golden transcripts show of the
//! narration (what nodes say, what the engine says, what each message carries) goes through [`render`], so a
//! second language for it is a second `Catalogue` here. (The page's own words — buttons, headings, the lines that
//! frame each event — are not notes yet.)
//!
//! A key with no template renders as `[key]` followed by its arguments, visibly, rather than failing; the test
//! `every_key_the_sources_use_has_a_template` keeps that from shipping.

mod en;

use crate::narration::{Arg, Note};
use std::fmt::Write;

/// A language's catalogue: its templates and how it formats arguments.
pub struct Catalogue {
    /// BCP 47 tag, e.g. `en`.
    pub lang: &'static str,
    /// Key → template, sorted by key (looked up by binary search).
    pub templates: &'static [(&'static str, &'static str)],
    /// Between the items of an [`Arg::List`], but the last two.
    pub list_separator: &'static str,
    /// Between the last two items of an [`Arg::List`] ("A, B and C").
    pub list_last_separator: &'static str,
    /// Between the items of an [`Arg::Chain`].
    pub chain_separator: &'static str,
    /// An amount of money, in cents.
    pub money: fn(u64) -> String,
    /// A number (digit grouping is the language's).
    pub number: fn(u64) -> String,
    /// Which of a `{n:form|form|…}` placeholder's forms a count takes (0 for the first).
    pub plural: fn(u64) -> usize,
}

impl Catalogue {
    /// The template of `key`, if this catalogue has one.
    pub fn template(&self, key: &str) -> Option<&'static str> {
        self.templates.binary_search_by(|(k, _)| (*k).cmp(key)).ok().map(|i| self.templates[i].1)
    }

    /// `note` in this catalogue's language.
    pub fn render(&self, note: &Note) -> String {
        let mut out = String::new();
        self.render_into(&mut out, note);
        out
    }

    fn render_into(&self, out: &mut String, note: &Note) {
        let Some(template) = self.template(note.key) else {
            let _ = write!(out, "[{}]", note.key);
            for (name, arg) in &note.args {
                let _ = write!(out, " {name}=");
                self.arg_into(out, arg);
            }
            return;
        };
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(len) = rest[open..].find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            let inner = &rest[open + 1..open + len];
            let (name, forms) = inner.split_once(':').map_or((inner, None), |(n, f)| (n, Some(f)));
            match (note.arg(name), forms) {
                (Some(Arg::Num(n)), Some(forms)) => {
                    let forms: Vec<&str> = forms.split('|').collect();
                    out.push_str(forms[(self.plural)(*n).min(forms.len() - 1)]);
                }
                (Some(arg), None) => self.arg_into(out, arg),
                _ => out.push_str(&rest[open..=open + len]),
            }
            rest = &rest[open + len + 1..];
        }
        out.push_str(rest);
    }

    fn arg_into(&self, out: &mut String, arg: &Arg) {
        match arg {
            Arg::Num(n) => out.push_str(&(self.number)(*n)),
            Arg::Name(s) => out.push_str(s),
            Arg::Cents(c) => out.push_str(&(self.money)(*c)),
            Arg::Say(n) => self.render_into(out, n),
            Arg::List(v) | Arg::Chain(v) => {
                let chain = matches!(arg, Arg::Chain(_));
                for (i, a) in v.iter().enumerate() {
                    if i > 0 {
                        out.push_str(match (chain, i + 1 == v.len()) {
                            (true, _) => self.chain_separator,
                            (false, true) => self.list_last_separator,
                            (false, false) => self.list_separator,
                        });
                    }
                    self.arg_into(out, a);
                }
            }
        }
    }
}

/// English, the default.
pub static ENGLISH: Catalogue = Catalogue {
    lang: "en",
    templates: en::TEMPLATES,
    list_separator: ", ",
    list_last_separator: " and ",
    chain_separator: " → ",
    money: en::money,
    // Plain digits: the narration's numbers are ids, terms, indexes and milliseconds, which read better ungrouped.
    number: |n| n.to_string(),
    plural: |n| usize::from(n != 1),
};

/// Every catalogue, the first the default.
pub const CATALOGUES: &[&Catalogue] = &[&ENGLISH];

/// `note` in English.
pub fn render(note: &Note) -> String {
    ENGLISH.render(note)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::narration::note;

    #[test]
    fn templates_are_sorted_and_unique_so_lookup_finds_every_key() {
        for c in CATALOGUES {
            for w in c.templates.windows(2) {
                assert!(w[0].0 < w[1].0, "{}: {} must come before {}", c.lang, w[0].0, w[1].0);
            }
        }
    }

    #[test]
    fn placeholders_plurals_nesting_and_unknown_keys() {
        let truncated = 1u64;
        assert_eq!(render(&note!("raft.truncate", truncated)), "deletes 1 conflicting entry and takes the leader's");
        assert_eq!(
            render(&note!("raft.truncate", truncated = 3u64)),
            "deletes 3 conflicting entries and takes the leader's"
        );
        let unknown = note!("no.such.key", n = 2u64, why = note!("no.such.either"));
        assert_eq!(render(&unknown), "[no.such.key] n=2 why=[no.such.either]");
    }
}
