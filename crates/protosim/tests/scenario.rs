//! Scenario encoding: JSON and the compact link form round-trip; every malformed input is a typed error.

use protosim::scenario::{Action, ErrorKind, Intervention, Line, Scenario};

fn busy() -> Scenario {
    let mut s = protosim::pinned::pinned_scenario();
    s.interventions.push(Intervention {
        at_us: 5,
        action: Action::Checkout { shopper: 1, customer: 2, lines: vec![Line { item: 3, qty: 4 }] },
    });
    s
}

#[test]
fn json_and_compact_forms_round_trip() {
    let s = busy();
    assert_eq!(Scenario::from_json(&s.to_json()).unwrap(), s);
    assert_eq!(Scenario::from_json(&s.to_json_pretty()).unwrap(), s);
    let link = s.to_compact();
    assert!(link.starts_with("s1."));
    assert!(link.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "URL-safe: {link}");
    assert_eq!(Scenario::from_compact(&link).unwrap(), s);
    assert_eq!(Scenario::from_compact(&format!("#{link}")).unwrap(), s, "a fragment with its # decodes");
}

#[test]
fn a_minimal_file_gets_defaults() {
    let s = Scenario::from_json(r#"{"format_version": 1, "protocol": "single"}"#).unwrap();
    assert_eq!(s.nodes, 1);
    assert_eq!(s.variant, "correct");
}

#[test]
fn malformed_links_are_typed_errors() {
    let link = busy().to_compact();
    let cases = [
        (&link[..link.len() / 2], ErrorKind::Link),
        ("s1.", ErrorKind::Link),
        ("s1.!!!", ErrorKind::Link),
        ("hello", ErrorKind::Link),
        ("s2.abc", ErrorKind::Link),
        ("", ErrorKind::Link),
    ];
    for (text, kind) in cases {
        let e = Scenario::from_compact(text).expect_err(text);
        assert_eq!(e.kind, kind, "{text}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

#[test]
fn errors_say_where() {
    let e = Scenario::from_json(r#"{"format_version":1,"protocol":"single","network":{"default":{"loss":"x"}}}"#)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Field);
    assert_eq!(e.at, "network.default.loss", "{e}");

    let e = Scenario::from_json(r#"{"format_version":1,"protocol":"single","network":{"default":{"loss":2.0}}}"#)
        .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Value);
    assert_eq!(e.at, "network.default.loss", "validation names the same path as the decoder");

    let mut s = Scenario::default();
    s.interventions.push(Intervention { at_us: 0, action: Action::Crash { node: 9 } });
    let e = Scenario::from_json(&s.to_json()).unwrap_err();
    assert_eq!(e.at, "interventions[0].action.node", "the same form as the decoder's interventions[0].action.kind");
    assert!(protosim::i18n::render(&e.message).contains("does not exist"), "{e}");

    // Nothing can happen after the run ends: such an intervention is refused, not silently ignored.
    let mut s = Scenario { until_ms: 1_000, ..Scenario::default() };
    s.interventions.push(Intervention { at_us: 1_000_001, action: Action::Heal });
    let e = Scenario::from_json(&s.to_json()).unwrap_err();
    assert_eq!(e.at, "interventions[0].at_us");
    assert!(protosim::i18n::render(&e.message).contains("after the end of the run"), "{e}");

    // Without `nodes`, a scenario runs its protocol's default cluster.
    let s = Scenario::from_json(r#"{"format_version":1,"protocol":"raft"}"#).unwrap();
    assert_eq!(s.nodes, 5);
    assert_eq!(Scenario::from_json(r#"{"format_version":1,"protocol":"single"}"#).unwrap().nodes, 1);

    let e = Scenario::from_json("{\"format_version\": 1,\n \"protocol\": \"single\",,}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert!(e.to_string().starts_with("line 2,"), "{e}");

    let e = Scenario::from_json(r#"{"format_version":2,"protocol":"single"}"#).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Version);
}

#[test]
fn decoders_never_panic_on_garbage() {
    // A bounded deterministic fuzz: mutate a valid link and valid JSON byte by byte.
    let link = busy().to_compact();
    let json = busy().to_json();
    let mut state = 0x1234_5678_u64;
    let mut next = || {
        state = protosim::rng::mix64(state);
        state
    };
    for _ in 0..3_000 {
        let mut l: Vec<u8> = link.clone().into_bytes();
        let mut j: Vec<u8> = json.clone().into_bytes();
        for _ in 0..(1 + next() % 4) {
            let i = (next() as usize) % l.len();
            l[i] = b"AZaz09-_.!%#{"[(next() % 13) as usize];
            let k = (next() as usize) % j.len();
            j[k] = b"{}[]\",:0123456789-ex"[(next() % 20) as usize];
        }
        let cut = (next() as usize) % l.len();
        let _ = Scenario::from_compact(std::str::from_utf8(&l[..cut]).unwrap());
        let _ = Scenario::from_compact(std::str::from_utf8(&l).unwrap());
        let _ = Scenario::from_json(std::str::from_utf8(&j).unwrap());
    }
}

#[test]
fn the_pretty_json_is_serdes_pretty_json() {
    let mut all = vec![busy(), everything()];
    for kind in protosim::protocols::kinds() {
        all.push(Scenario { protocol: kind, ..Scenario::default() });
    }
    for s in &all {
        assert_eq!(s.to_json_pretty(), serde_json::to_string_pretty(s).unwrap(), "{}", s.to_json());
    }
    // Texts with quotes, escapes, brackets and commas inside, and empty, nested and non-ASCII values.
    let v = serde_json::json!({"a": "x\\\"},[:", "b": [], "c": {}, "d": [1, {"e": null, "f": [[]]}], "é": "ü,{"});
    let compact = serde_json::to_string(&v).unwrap();
    assert_eq!(protosim::scenario::indent_json(&compact), serde_json::to_string_pretty(&v).unwrap());
}

/// A scenario that uses every field and every kind of action.
fn everything() -> Scenario {
    use protosim::scenario::{DeadlockStrategy, LinkOverride, LinkSettings};
    let mut s = busy();
    s.seed = 77;
    s.network.default.loss = 0.125;
    s.network.links.push(LinkOverride {
        from: 0,
        to: 1,
        settings: LinkSettings { dup: 0.5, ..LinkSettings::default() },
    });
    s.paxos.stable_leader = true;
    s.twopc.cooperative = true;
    s.locking.deadlock = DeadlockStrategy::WoundWait;
    s.workload.stop_ms = 900;
    let settings = LinkSettings { latency_us_min: 1, latency_us_max: 2, loss: 0.0, dup: 0.0 };
    for action in [
        Action::Crash { node: 1 },
        Action::Restart { node: 1 },
        Action::Pause { node: 2 },
        Action::Resume { node: 2 },
        Action::Slow { node: 0, handle_us: 8 },
        Action::ClockJump { node: 1, by_us: -9 },
        Action::ClockDrift { node: 2, ppm: 10 },
        Action::Partition { groups: vec![vec![0], vec![1, 2]] },
        Action::Cut { from: 0, to: 2 },
        Action::Heal,
        Action::DropMessage { id: 3 },
        Action::DuplicateMessage { id: 4 },
        Action::DelayMessage { id: 5, by_us: 6 },
        Action::SetNetwork { link: Some((0, 1)), settings: settings.clone() },
        Action::SetNetwork { link: None, settings },
    ] {
        s.interventions.push(Intervention { at_us: 7, action });
    }
    s
}

#[test]
fn the_decoder_accepts_exactly_what_the_format_describes() {
    // The hand-written decoder against serde's derived `Deserialize` (the format's reference) on valid scenarios
    // mutated one value at a time: the same scenarios accepted, equal field for field, the rest refused.
    use serde_json::{json, Value};
    let seeds: Vec<Value> = [everything(), busy(), Scenario::default()]
        .iter()
        .map(|s| serde_json::from_str(&s.to_json()).unwrap())
        .collect();
    assert_eq!(Scenario::from_json(&everything().to_json()).unwrap(), everything());
    let replacements = [
        json!(null),
        json!(true),
        json!(-1),
        json!(0),
        json!(1),
        json!(2.5),
        json!(255),
        json!(256),
        json!(70000),
        json!(4294967296_u64),
        json!("x"),
        json!("crash"),
        json!("heal"),
        json!("2pc"),
        json!("wound-wait"),
        json!([]),
        json!([1, 2]),
        json!([[0], [1]]),
        json!({}),
        json!({"kind": "heal"}),
    ];
    let keys = ["zz", "kind", "node", "link", "settings", "seed", "loss", "lines", "format_version"];
    let mut state = 0x5eed_u64;
    let mut next = move |n: usize| {
        state = protosim::rng::mix64(state);
        (state % n as u64) as usize
    };
    let (mut accepted, mut refused) = (0, 0);
    for round in 0..6_000 {
        let mut v = seeds[round % seeds.len()].clone();
        let mut node = &mut v;
        loop {
            let children = match node {
                Value::Object(m) => m.len(),
                Value::Array(a) => a.len(),
                _ => 0,
            };
            if children == 0 || next(3) == 0 {
                break;
            }
            let i = next(children);
            node = match node {
                Value::Object(m) => m.values_mut().nth(i).unwrap(),
                Value::Array(a) => &mut a[i],
                _ => unreachable!(),
            };
        }
        let was_object = node.is_object();
        match (next(4), &mut *node) {
            (0, Value::Object(m)) if !m.is_empty() => {
                let k = m.keys().nth(next(m.len())).unwrap().clone();
                m.remove(&k);
            }
            (1, Value::Object(m)) => {
                m.insert(keys[next(keys.len())].to_string(), replacements[next(replacements.len())].clone());
            }
            (0 | 1, Value::Array(a)) if !a.is_empty() => {
                a.remove(next(a.len()));
            }
            _ => *node = replacements[next(replacements.len())].clone(),
        }
        // Two quirks of serde's derive that the format does not have: it reads a struct from a list of its fields
        // in order, and it ignores unknown fields beside `"kind": "heal"` (a unit variant of a tagged enum).
        let positional = was_object && node.is_array();
        let heal_with_fields = v["interventions"].as_array().is_some_and(|list| {
            list.iter().any(|i| i["action"]["kind"] == "heal" && i["action"].as_object().is_some_and(|a| a.len() > 1))
        });
        let text = v.to_string();
        let mine = Scenario::from_json(&text);
        let reference = serde_json::from_value::<Scenario>(v.clone())
            .ok()
            .map(|mut s| {
                // An absent `nodes` means the protocol's default cluster, which the derive cannot know.
                if v.get("nodes").is_none() {
                    s.nodes = protosim::protocols::info(s.protocol).default_nodes;
                }
                s
            })
            .filter(|s| s.format_version == 1 && s.validate().is_ok() && !positional && !heal_with_fields);
        assert_eq!(mine.as_ref().ok(), reference.as_ref(), "round {round}: {text}\nmine: {mine:?}");
        match mine {
            Ok(_) => accepted += 1,
            Err(e) => {
                assert!(!e.message.is_empty(), "round {round}: {text}");
                refused += 1;
            }
        }
    }
    assert!(accepted > 600 && refused > 2_000, "{accepted} accepted, {refused} refused");
}

#[test]
fn decoder_messages_name_the_field_and_what_was_found() {
    let cases = [
        (
            r#"{"format_version":1,"protocol":"single","nodes":70000}"#,
            "nodes",
            "from 0 to 65535, found the number 70000",
        ),
        (r#"{"format_version":1,"protocol":"nope"}"#, "protocol", "unknown value `nope`"),
        (r#"{"format_version":1,"protocol":"single","colour":1}"#, "colour", "unknown field `colour`"),
        (r#"{"format_version":1}"#, "", "missing field `protocol`"),
        (
            r#"{"format_version":1,"protocol":"single","interventions":[{"at_us":1,"action":{"kind":"fly"}}]}"#,
            "interventions[0].action.kind",
            "unknown action `fly`",
        ),
        (
            r#"{"format_version":1,"protocol":"single","interventions":[{"at_us":1,"action":{"kind":"cut","from":0}}]}"#,
            "interventions[0].action",
            "missing field `to`",
        ),
        (
            r#"{"format_version":1,"protocol":"single","network":{"links":[{"from":0,"to":1,"settings":{"dup":"x"}}]}}"#,
            "network.links[0].settings.dup",
            "expected a number, found the text \"x\"",
        ),
        (
            r#"{"format_version":1,"protocol":"pessimistic","locking":{"deadlock":true}}"#,
            "locking.deadlock",
            "found true",
        ),
    ];
    for (text, at, says) in cases {
        let e = Scenario::from_json(text).unwrap_err();
        assert_eq!((e.kind, e.at.as_str()), (ErrorKind::Field, at), "{text}: {e}");
        assert!(protosim::i18n::render(&e.message).contains(says), "{text}: {e}");
    }
}

#[test]
fn protocol_options_are_declared_checked_and_kept_in_the_options_map() {
    use protosim::protocols::meta::{OptionInfo, OptionStore, OptionValues};
    // A name no protocol keeps there is refused where it stands.
    let bad = Scenario::from_json(r#"{"format_version":1,"protocol":"raft","options":{"fast_path":true}}"#);
    let e = bad.unwrap_err();
    assert_eq!(e.at, "options.fast_path", "{e}");
    assert!(e.to_string().contains("Raft has no option `fast_path`"), "{e}");
    let bad = Scenario::from_json(r#"{"format_version":1,"protocol":"raft","options":{"x":[1]}}"#);
    assert_eq!(bad.unwrap_err().at, "options.x");
    // An option kept in the map (as every protocol registered from now on keeps its own): set, read back, checked.
    const QUORUM: OptionInfo = OptionInfo {
        name: "read_quorum",
        label: "R",
        help: "replicas a read waits for",
        values: OptionValues::Count { min: 1, max: 5, default: 2 },
        store: OptionStore::Options,
        applies: protosim::protocols::meta::always,
    };
    let mut s = Scenario::default();
    assert_eq!(QUORUM.get(&s), "2", "the default when unset");
    assert!(!QUORUM.is_set(&s));
    QUORUM.set(&mut s, "3").unwrap();
    assert_eq!(QUORUM.get(&s), "3");
    assert_eq!(s.options.get("read_quorum"), Some(&serde_json::json!(3)));
    assert!(s.to_json().contains(r#""options":{"read_quorum":3}"#), "{}", s.to_json());
    assert!(protosim::i18n::render(&QUORUM.set(&mut s, "9").unwrap_err()).contains("from 1 to 5"));
    assert_eq!(QUORUM.get(&s), "3", "a refused value changes nothing");
    // The first protocols' options keep their own sections, and are declared all the same.
    let paxos = protosim::protocols::info(protosim::protocols::paxos::KIND);
    let stable = paxos.options.iter().find(|o| o.name == "stable_leader").expect("declared");
    let mut p = Scenario { protocol: paxos.kind, nodes: 3, ..Scenario::default() };
    stable.set(&mut p, "true").unwrap();
    assert!(p.paxos.stable_leader && p.options.is_empty());
}

#[test]
fn an_option_that_changes_the_topology_keeps_every_intervention_on_its_node_by_role() {
    use protosim::scenario::{Action, Intervention};
    let paxos = protosim::protocols::info(protosim::protocols::paxos::KIND);
    let proposers = paxos.options.iter().find(|o| o.name == "proposers").expect("declared");
    // 3 acceptors + 2 proposers: shoppers are nodes 5.. ; crash acceptor 1 and shopper 0, and shopper 1 buys.
    let mut s = Scenario { protocol: paxos.kind, nodes: 3, ..Scenario::default() };
    let at = |ms: u64, action| Intervention { at_us: ms * 1000, action };
    s.interventions = vec![
        at(100, Action::Crash { node: 1 }),
        at(200, Action::Crash { node: 5 }),
        at(
            300,
            Action::Checkout { shopper: 6, customer: 0, lines: vec![protosim::scenario::Line { item: 0, qty: 1 }] },
        ),
    ];
    for (n, first_shopper) in [("3", 6), ("1", 4), ("2", 5)] {
        let t = protosim::compare::set_option(&s, proposers, n).unwrap();
        t.validate().unwrap_or_else(|e| panic!("{n} proposers: {e}"));
        assert_eq!(t.servers(), first_shopper);
        assert_eq!(t.interventions[0].action, Action::Crash { node: 1 }, "the acceptor stays the acceptor");
        assert_eq!(t.interventions[1].action, Action::Crash { node: first_shopper }, "shopper 0 stays shopper 0");
        assert!(matches!(t.interventions[2].action, Action::Checkout { shopper, .. } if shopper == first_shopper + 1));
    }
}

/// A variant shown with settings of its own: every entry names a declared option, a value it takes and a variant the
/// protocol has; choosing the variant applies them, choosing another puts them back, and a compare with it gets them.
#[test]
fn a_variant_is_chosen_with_the_settings_it_is_shown_with() {
    for kind in protosim::protocols::kinds() {
        let info = protosim::protocols::info(kind);
        for &(variant, name, value) in info.variant_options {
            assert!(info.variants.iter().any(|v| v.name == variant), "{}: no variant {variant}", kind.name());
            let o = info.options.iter().find(|o| o.name == name).unwrap_or_else(|| panic!("no option {name}"));
            let mut s = protosim::hunt::base(kind, "correct");
            o.set(&mut s, value).unwrap_or_else(|e| panic!("{name}={value}: {e:?}"));
        }
    }
    let raft = protosim::protocols::info(protosim::protocols::raft::KIND);
    let mut s = Scenario { protocol: protosim::protocols::raft::KIND, nodes: 5, ..Scenario::default() };
    assert!(s.raft.prevote && s.raft.check_quorum, "on by default, as etcd ships them");
    raft.choose_variant(&mut s, "copy-whole-log");
    assert_eq!((s.variant.as_str(), s.raft.prevote, s.raft.check_quorum), ("copy-whole-log", false, false));
    assert!(!protosim::hunt::base(protosim::protocols::raft::KIND, "copy-whole-log").raft.prevote, "the hunt's too");
    raft.choose_variant(&mut s, "correct");
    assert_eq!((s.variant.as_str(), s.raft.prevote, s.raft.check_quorum), ("correct", true, true));
    raft.choose_variant(&mut s, "stale-read");
    assert!(s.raft.prevote, "a variant without settings of its own runs with the defaults");
    let other = protosim::compare::translate(&s, protosim::protocols::raft::KIND, "copy-whole-log");
    assert!(!other.raft.prevote && !other.raft.check_quorum, "a compare with it shows it too");
    s.raft.prevote = false;
    let same = protosim::compare::translate(&s, protosim::protocols::raft::KIND, "commit-old-term");
    assert!(!same.raft.prevote, "a compare with another variant keeps the scenario's settings");
}
