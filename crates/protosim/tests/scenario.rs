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
    assert_eq!(e.at, "network.loss");

    let mut s = Scenario::default();
    s.interventions.push(Intervention { at_us: 0, action: Action::Crash { node: 9 } });
    let e = Scenario::from_json(&s.to_json()).unwrap_err();
    assert_eq!(e.at, "interventions[0].node");
    assert!(e.message.contains("does not exist"), "{e}");

    let e = Scenario::from_json("{\"format_version\": 1,\n \"protocol\": \"single\",,}").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Syntax);
    assert!(e.at.starts_with("line 2"), "{e}");

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
