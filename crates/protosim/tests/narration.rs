//! Narration is typed and rendered through one catalogue ([`protosim::i18n`]): these tests keep the catalogues and
//! the sources in step, and check that what the protocols actually say (their notes, the engine's, and what each
//! message carries) renders whole.

use protosim::engine::NodeDetail;
use protosim::faults::with_random_faults;
use protosim::i18n::{message_id, LANGUAGES};
use protosim::narration::{Arg, Note};
use protosim::protocols::info;
use protosim::scenario::Scenario;
use protosim::trace::Ev;
use protosim::{run, RecordOptions};
use std::collections::BTreeSet;
use std::path::Path;

/// Every `note!("key"`, `Note::key("key")` and `.text("key")` in the Rust sources under `dir` (the key may start on the next line), but
/// in comments.
fn keys_in(dir: &Path, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            keys_in(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let calls = text
                .match_indices("note!(")
                .chain(text.match_indices(".text("))
                .chain(text.match_indices("Note::key("));
            for (i, call) in calls {
                // Doc comments show examples, not uses.
                let line_start = text[..i].rfind('\n').map_or(0, |n| n + 1);
                if text[line_start..i].trim_start().starts_with("//") {
                    continue;
                }
                let Some(rest) = text[i + call.len()..].trim_start().strip_prefix('"') else { continue };
                let key = &rest[..rest.find('"').unwrap()];
                // The catalogue's own unit tests use keys that do not exist on purpose.
                if !key.starts_with("no.such") {
                    out.insert(key.to_string());
                }
            }
        }
    }
}

#[test]
fn every_key_the_sources_use_has_a_message_in_every_language_and_every_message_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    keys_in(&root.join("src"), &mut used);
    keys_in(&root.join("../../src"), &mut used);
    assert!(used.len() > 100, "the scan finds the protocols' notes ({} keys)", used.len());
    // Two keys must not name one Fluent message.
    let ids: BTreeSet<String> = used.iter().map(|k| message_id(k)).collect();
    assert_eq!(ids.len(), used.len(), "two note keys map to one message id");
    // What the protocol modules declare in English about themselves is translated under derived keys.
    let info: BTreeSet<String> = protosim::protocols::info_texts().iter().map(|(k, _)| message_id(k)).collect();
    assert!(info.len() > 60, "the registry declares titles, variants, invariants, metrics, options");
    assert!(ids.is_disjoint(&info), "a literal key is also a derived one");
    // An invariant's rule is translated under its name alone (`info.invariant.no_oversell`): every protocol that
    // declares a name must give it the same rule, or the key would have to become per protocol.
    let mut rules = std::collections::BTreeMap::new();
    for p in protosim::protocols::REGISTRY {
        for i in p.invariants {
            let first = *rules.entry(i.name).or_insert(i.rule);
            assert_eq!(first, i.rule, "`{}` has two rule texts; make its info key per protocol", i.name);
        }
    }
    for lang in LANGUAGES {
        let have: BTreeSet<String> = lang.message_ids().iter().map(|k| k.to_string()).collect();
        let mut ids = ids.clone();
        if lang.tag != "en" {
            ids.extend(info.iter().cloned());
        }
        let missing: Vec<_> = ids.difference(&have).collect();
        let unused: Vec<_> = have.difference(&ids).collect();
        assert!(missing.is_empty(), "{}: no message for {missing:?}", lang.tag);
        assert!(unused.is_empty(), "{}: messages nobody uses: {unused:?}", lang.tag);
        for key in &used {
            assert!(lang.has(key), "{}: `{key}` is in the file but does not parse", lang.tag);
        }
    }
}

/// A rendered note has every placeholder filled, in every language: a message that names an argument the note
/// does not carry, or one that leaves out an argument the note has, shows here.
fn check_whole(note: &Note, what: &str) {
    for lang in LANGUAGES {
        let text = lang.render(note);
        assert!(!text.contains('{') && !text.starts_with('['), "{}: {note:?} renders as {text:?}\n{what}", lang.tag);
        let source = lang.message_source(note.key).unwrap_or_default();
        for (name, arg) in &note.args {
            // `{ $name }` or `{ $name -> …`: the name whole, not the start of a longer one.
            let shown = source.contains(&format!("${name} "));
            assert!(shown, "{}: {} never shows its argument {name}", lang.tag, note.key);
            if let Arg::Say(inner) = arg {
                check_whole(inner, what);
            }
        }
    }
}

/// Every note a node's recorded state holds: its summary, its facts' labels and the words among their values, its
/// legend, its log cells' words and its table lines.
fn state_notes<'a>(summary: &'a Note, detail: Option<&'a NodeDetail>) -> Vec<&'a Note> {
    let mut out = vec![summary];
    let said = |a: &'a Arg| match a {
        Arg::Say(n) => Some(&**n),
        _ => None,
    };
    if let Some(d) = detail {
        for (label, value) in &d.facts {
            out.push(label);
            out.extend(said(value));
        }
        out.extend(d.legend.as_ref());
        out.extend(d.log.iter().filter_map(|c| said(&c.text)));
        out.extend(d.table.iter().map(|l| &l.text));
    }
    out.retain(|n| !n.is_empty());
    out
}

#[test]
fn what_every_protocol_says_under_faults_renders_whole() {
    let mut keys = BTreeSet::new();
    let mut shown = BTreeSet::new();
    let mut checked = std::collections::HashMap::new();
    let mut verdicts = BTreeSet::new();
    let mut timers = BTreeSet::new();
    for p in protosim::protocols::kinds() {
        for v in info(p).variants {
            for seed in 1..=6 {
                let mut s = Scenario {
                    protocol: p,
                    seed,
                    until_ms: 12_000,
                    variant: v.name.to_string(),
                    ..Scenario::default()
                };
                s.nodes = info(p).default_nodes;
                let s = with_random_faults(&s);
                let r = run(&s, RecordOptions::default()).unwrap();
                let what = format!("scenario: {}", s.to_json());
                // The liveness verdict (the invariant panel's last line) renders whole too.
                let live = protosim::liveness::judge_trace(&s, r.trace(), r.now_us()).note();
                verdicts.insert(live.key);
                check_whole(&live, &what);
                for e in r.trace() {
                    if let Ev::Timer { name, .. } = &e.ev {
                        timers.insert(name.replace(' ', "-"));
                    }
                    if let Ev::Note { note, .. } | Ev::Engine { note } | Ev::Send { detail: Some(note), .. } = &e.ev {
                        keys.insert(note.key);
                        check_whole(note, &what);
                    }
                    // What the page draws of a node, and what a broken rule found, renders whole too.
                    if let Ev::State { summary, detail, .. } = &e.ev {
                        // A node's state is recorded at nearly every event: a few of each kind suffice.
                        for note in state_notes(summary, detail.as_ref()) {
                            let seen = checked.entry(note.key).or_insert(0);
                            *seen += 1;
                            if *seen <= 30 {
                                shown.insert(note.key);
                                check_whole(note, &what);
                            }
                        }
                    }
                    if let Ev::Violation { violation } = &e.ev {
                        shown.insert(violation.detail.key);
                        check_whole(&violation.detail, &what);
                    }
                }
            }
        }
    }
    assert!(keys.len() > 100, "the runs say many different things ({} keys)", keys.len());
    // Summaries, facts, roles, legends, table lines of every protocol, and a few violations (the variants' bugs).
    assert!(shown.len() > 80, "the runs draw many different things ({} keys)", shown.len());
    for want in ["fact.role", "role.leader", "raft.legend", "locking.row.queue", "summary.down_then"] {
        assert!(shown.contains(want), "no run drew `{want}`");
    }
    assert!(shown.iter().any(|k| k.contains("violation.")), "no run broke a rule");
    assert!(verdicts.contains("liveness.held"), "{verdicts:?}");
    // The other verdicts, which calm endings never give: built by hand.
    use protosim::liveness::{Late, LivenessVerdict};
    let held = protosim::liveness::judge_trace(&Scenario::default(), &[], 0);
    let late = |answered_us| Late { request_id: 2, submitted_us: 100_000, judged_from_us: 2_000_000, answered_us };
    for (verdict, first_late, bound_ms) in [
        (LivenessVerdict::Broken, Some(late(Some(9_000_000))), Some(4000)),
        (LivenessVerdict::Broken, Some(late(None)), Some(4000)),
        (LivenessVerdict::NotApplicable, None, Some(4000)),
        (LivenessVerdict::NotApplicable, None, None),
    ] {
        let r = protosim::liveness::LivenessReport { verdict, first_late, bound_ms, ..held.clone() };
        check_whole(&r.note(), "a liveness verdict");
    }
    // The event log names each timer that fires (by its slug, a variant of `log-timer`) in every language.
    assert!(timers.len() >= 12, "{timers:?}");
    for lang in LANGUAGES {
        let source = lang.message_source("log.timer").unwrap_or_default();
        for t in &timers {
            assert!(source.contains(&format!("[{t}]")), "{}: the timer `{t}` has no name in log-timer", lang.tag);
        }
    }
    let n = protosim::note!("log.timer", node = "n1".to_string(), timer = "leader-silent".to_string());
    assert_eq!(protosim::i18n::render(&n), "n1: leader silent timer fires");
    assert_eq!(protosim::i18n::CHINESE.render(&n), "n1：领导者无应答定时器触发");
}
