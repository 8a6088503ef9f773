//! Property tests of every decoder, run for a bounded time: scenario JSON and the compact link form, mutated at
//! random from valid scenarios. Whatever the input: no panic; a refusal is a typed error with a message; an accepted
//! scenario validates, round-trips, and runs (capped at 20,000 events) without a panic. Failures print the case
//! seed and the input.

use protosim::rng::{SimRng, Stream};
use protosim::scenario::{ErrorKind, Scenario};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

/// How long each property may take (cases run until this or the case count, whichever comes first).
const BUDGET: Duration = Duration::from_secs(8);
const CASES: u64 = 20_000;

fn corpus() -> Vec<String> {
    let mut out = Vec::new();
    for (k, kind) in protosim::protocols::kinds().enumerate() {
        let s = Scenario {
            protocol: kind,
            nodes: protosim::protocols::info(kind).default_nodes,
            seed: k as u64 + 3,
            until_ms: 2_000,
            ..Scenario::default()
        };
        out.push(s.to_json());
        out.push(protosim::faults::with_random_faults(&s).to_json_pretty());
    }
    out
}

const TOKENS: [&str; 16] = [
    "null",
    "-1",
    "0",
    "1e999",
    "18446744073709551616",
    "0.5",
    "\"\"",
    "\"raft\"",
    "[]",
    "{}",
    "true",
    "\"2pc\"",
    "65535",
    "4294967295",
    "-0.0",
    "\"\\u0000\"",
];

/// One random change: flip a byte, cut a range, insert a token or junk, truncate, or repeat a slice.
fn mutate(r: &mut SimRng, text: &str) -> String {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + r.index(3) {
        if b.is_empty() {
            break;
        }
        let at = r.index(b.len());
        match r.index(6) {
            0 => b[at] = r.next_u64() as u8,
            1 => {
                let end = (at + 1 + r.index(40)).min(b.len());
                b.drain(at..end);
            }
            2 => {
                let t = TOKENS[r.index(TOKENS.len())].as_bytes();
                // Prefer replacing a number or string value that starts here.
                let end = b[at..].iter().position(|c| b",}]".contains(c)).map_or(b.len(), |p| at + p);
                b.splice(at..end, t.iter().copied());
            }
            3 => b.truncate(at),
            4 => {
                let end = (at + 1 + r.index(60)).min(b.len());
                let chunk = b[at..end].to_vec();
                b.splice(at..at, chunk);
            }
            _ => {
                const JUNK: &[u8] = b"{}[]\",:0123456789aez-.\\ ";
                let junk: Vec<u8> = (0..1 + r.index(8)).map(|_| JUNK[r.index(JUNK.len())]).collect();
                b.splice(at..at, junk);
            }
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

/// A structured change: one field or element of the JSON replaced by a token (or removed), so values reach the
/// scenario checks and the engine rather than the JSON parser.
fn mutate_value(r: &mut SimRng, text: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(text).expect("the corpus is JSON");
    fn paths(v: &serde_json::Value, at: String, out: &mut Vec<String>) {
        out.push(at.clone());
        match v {
            serde_json::Value::Object(m) => m.iter().for_each(|(k, x)| paths(x, format!("{at}/{k}"), out)),
            serde_json::Value::Array(a) => a.iter().enumerate().for_each(|(i, x)| paths(x, format!("{at}/{i}"), out)),
            _ => {}
        }
    }
    for _ in 0..1 + r.index(3) {
        let mut all = Vec::new();
        paths(&v, String::new(), &mut all);
        let at = &all[1 + r.index(all.len() - 1)];
        if r.index(5) == 0 {
            let (parent, key) = at.rsplit_once('/').expect("a child path");
            match v.pointer_mut(parent) {
                Some(serde_json::Value::Object(m)) => {
                    m.remove(key);
                }
                Some(serde_json::Value::Array(a)) => {
                    let i: usize = key.parse().expect("an index");
                    a.remove(i);
                }
                _ => {}
            }
        } else if let Some(slot) = v.pointer_mut(at) {
            let token = TOKENS[r.index(TOKENS.len())];
            *slot = serde_json::from_str(token).unwrap_or(serde_json::Value::Null);
        }
    }
    v.to_string()
}

fn check_accepted(s: &Scenario, case: &str) {
    s.validate().unwrap_or_else(|e| panic!("{case}: accepted but does not validate: {e}"));
    let again = Scenario::from_json(&s.to_json()).unwrap_or_else(|e| panic!("{case}: no round trip: {e}"));
    assert_eq!(&again, s, "{case}: round trip changed the scenario");
    let mut capped = s.clone();
    capped.limits.max_events = capped.limits.max_events.min(20_000);
    capped.limits.max_trace = capped.limits.max_trace.min(60_000);
    let r = protosim::run(&capped, protosim::RecordOptions::default());
    assert!(r.is_ok(), "{case}: a valid scenario must build");
}

fn property(name: &str, mut one: impl FnMut(u64)) {
    let started = Instant::now();
    let mut cases = 0;
    while cases < CASES && started.elapsed() < BUDGET {
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| one(cases))) {
            let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()));
            panic!("{name}: case seed {cases} panicked: {}", msg.unwrap_or_default());
        }
        cases += 1;
    }
    println!("{name}: {cases} cases in {:.1} s, no panic", started.elapsed().as_secs_f64());
    assert!(cases >= 200, "{name}: too few cases ran ({cases})");
}

#[test]
fn mutated_scenario_json_never_panics_and_what_it_accepts_runs() {
    let corpus = corpus();
    let (mut accepted, mut refused) = (0, 0);
    property("scenario JSON", |seed| {
        let mut r = SimRng::new(seed, Stream::Faults);
        let pick = r.index(corpus.len());
        let text = if r.index(2) == 0 { mutate(&mut r, &corpus[pick]) } else { mutate_value(&mut r, &corpus[pick]) };
        let case = format!("seed {seed}, input {text:?}");
        match Scenario::from_json(&text) {
            Ok(s) => {
                accepted += 1;
                check_accepted(&s, &case);
            }
            Err(e) => {
                refused += 1;
                assert!(!e.to_string().trim().is_empty(), "{case}: an error without a message");
                assert!(!e.to_string().contains("panicked"), "{case}");
            }
        }
    });
    println!("scenario JSON: {accepted} mutants accepted (and run), {refused} refused with a message");
    assert!(accepted > 0 && refused > 0, "the mutations reach both sides");
}

#[test]
fn mutated_share_links_never_panic() {
    let links: Vec<String> = corpus().iter().map(|j| Scenario::from_json(j).unwrap().to_compact()).collect();
    property("share link", |seed| {
        let mut r = SimRng::new(seed, Stream::Network);
        let link = links[r.index(links.len())].clone();
        // Links get cut, mangled by mail clients, or have characters swapped.
        let text = match r.index(4) {
            0 => link[..r.index(link.len())].to_string(),
            1 => mutate(&mut r, &link),
            2 => format!("#{}", link.replace('-', "+").replace('_', "/")),
            _ => {
                // Re-encode a mutated JSON body: exercises the JSON checks behind a well-formed link.
                let body = protosim::scenario::base64url_decode(&link[3..]).unwrap();
                let json = mutate(&mut r, &String::from_utf8(body).unwrap());
                format!("s1.{}", protosim::scenario::base64url_encode(json.as_bytes()))
            }
        };
        let case = format!("seed {seed}, link {text:?}");
        match Scenario::from_compact(&text) {
            Ok(s) => check_accepted(&s, &case),
            Err(e) => {
                assert!(!e.to_string().trim().is_empty(), "{case}: an error without a message");
                assert!(
                    matches!(e.kind, ErrorKind::Link | ErrorKind::Field | ErrorKind::Value | ErrorKind::Version),
                    "{case}: {e}"
                );
            }
        }
    });
}
