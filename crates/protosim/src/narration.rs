//! Narration as typed records: what a node (or the engine) says, in no language yet.
//!
//! A protocol never formats a sentence. It emits a [`Note`]: a catalogue key (`raft.vote.granted`) and named
//! arguments (`from = 2, term = 3`), built with the [`note!`](crate::note) macro. The trace stores the note as it
//! is; [`crate::i18n`] renders it through one message catalogue, in the reader's language, when someone reads it
//! (the page's event log, `protosim run --narrate`, the golden transcripts). A second language is a second
//! catalogue, not a change to any protocol.
//!
//! Arguments are typed so a catalogue can format them for its language: a number stays a number (the catalogue
//! writes it, and picks plural forms by it), an amount of money stays cents, a phrase that is itself words (an outcome, a reason, a role) is a nested
//! [`Note`] rendered by the same catalogue, and a list is joined with the language's separator. Only identifiers
//! that are not words ("#3.1", a ballot "4.2", a row name) are plain [`Arg::Name`] text.
//!
//! In the trace's JSON a note is `{"key": "...", "args": {"name": value, ...}}`: numbers as numbers, names as
//! strings, money as `{"cents": n}`, a nested phrase as a note, a list as an array.

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// One sentence of narration: a catalogue key and its named arguments, in the order given. The default note (no
/// key) says nothing: it renders as an empty text in every language.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Note {
    pub key: &'static str,
    /// Boxed, not a `Vec`: a note never grows, and the page keeps one per event-log line.
    pub args: Box<[(&'static str, Arg)]>,
}

/// A typed argument of a [`Note`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// A count, an id, a term, an index, a duration (the key says its unit).
    Num(u64),
    /// An identifier that is not a word in any language: a transaction "#3.1", a ballot "4.2", a row name.
    Name(Box<str>),
    /// An amount of money in cents.
    Cents(u64),
    /// A phrase that is words: rendered by the catalogue in place.
    Say(Box<Note>),
    /// Several arguments, joined with the language's list separator.
    List(Vec<Arg>),
    /// Several arguments joined by arrows, as a cycle or a path is drawn ("#1.1 → #2.1 → #1.1").
    Chain(Vec<Arg>),
}

impl Note {
    pub fn new(key: &'static str, args: Vec<(&'static str, Arg)>) -> Note {
        Note { key, args: args.into_boxed_slice() }
    }

    /// A note with no arguments.
    pub fn key(key: &'static str) -> Note {
        Note { key, args: Box::new([]) }
    }

    /// Whether this is the note that says nothing ([`Note::default`]).
    pub fn is_empty(&self) -> bool {
        self.key.is_empty()
    }

    /// The argument called `name`.
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|(n, _)| *n == name).map(|(_, a)| a)
    }
}

/// Builds a [`Note`]: `note!("raft.vote.granted", from, term = s.term)`. A bare name passes the variable of that
/// name; `name = expr` passes an expression. Values convert with `Arg::from` (numbers, `String` names, notes,
/// lists).
#[macro_export]
macro_rules! note {
    (@v $name:ident) => { $name };
    (@v $name:ident = $v:expr) => { $v };
    ($key:literal $(, $name:ident $(= $v:expr)?)* $(,)?) => {
        $crate::narration::Note::new(
            $key,
            vec![$((stringify!($name), $crate::narration::Arg::from($crate::note!(@v $name $(= $v)?)))),*],
        )
    };
}

macro_rules! from_num {
    ($($t:ty),*) => {$(
        impl From<$t> for Arg {
            fn from(n: $t) -> Arg {
                Arg::Num(n as u64)
            }
        }
    )*};
}
from_num!(u8, u16, u32, u64, usize);

/// Names as code identifiers for a message, one choice among them: "`raft`, `paxos`, `twopc`" (the same in every
/// language: they are what is typed, not words).
pub fn quoted(names: &[&str]) -> Arg {
    Arg::from(names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
}

impl From<String> for Arg {
    fn from(s: String) -> Arg {
        Arg::Name(s.into_boxed_str())
    }
}
impl From<Note> for Arg {
    fn from(n: Note) -> Arg {
        Arg::Say(Box::new(n))
    }
}
impl From<Vec<Arg>> for Arg {
    fn from(v: Vec<Arg>) -> Arg {
        Arg::List(v)
    }
}

impl Serialize for Note {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Args<'a>(&'a [(&'static str, Arg)]);
        impl Serialize for Args<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("key", self.key)?;
        m.serialize_entry("args", &Args(&self.args))?;
        m.end()
    }
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Arg::Num(n) => s.serialize_u64(*n),
            Arg::Name(t) => s.serialize_str(t),
            Arg::Cents(c) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("cents", c)?;
                m.end()
            }
            Arg::Say(n) => n.serialize(s),
            Arg::List(v) | Arg::Chain(v) => v.serialize(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_macro_takes_bare_names_and_expressions_and_serializes_as_key_and_args() {
        let term = 3u64;
        let n = note!("no.such.vote", term, from = 2u8, why = note!("no.such.reason"));
        assert_eq!(n.arg("term"), Some(&Arg::Num(3)));
        let json = serde_json::to_string(&n).unwrap();
        assert_eq!(
            json,
            r#"{"key":"no.such.vote","args":{"term":3,"from":2,"why":{"key":"no.such.reason","args":{}}}}"#
        );
    }
}
