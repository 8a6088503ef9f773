//! Helpers shared by the protocol test files.
#![allow(dead_code)] // each test file uses some of these helpers

pub mod quiet_shop;

use protosim::{run, RecordOptions, Scenario};

/// A stored counterexample: `tests/fixtures/{name}.json` holds the invariant it breaks and the scenario.
pub fn fixture(name: &str) -> (String, Scenario) {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = Scenario::from_json(&v["scenario"].to_string()).unwrap_or_else(|e| panic!("{path}: {e}"));
    (v["expect"].as_str().unwrap().to_string(), scenario)
}

/// Replays the stored counterexample `{protocol}-{variant}` twice (quiet and narrated): both runs must break the
/// stored invariant first, at the same event. Returns the scenario for further checks.
pub fn assert_replays(protocol: &str, variant: &str) -> Scenario {
    let (expect, s) = fixture(&format!("{protocol}-{variant}"));
    assert_eq!(s.variant, variant);
    let a = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
    let b = run(&s, RecordOptions::default()).unwrap();
    let (first, other) = (first_broken(&s, a.as_ref()), first_broken(&s, b.as_ref()));
    let first = first.unwrap_or_else(|| panic!("{variant}: no violation on replay"));
    assert_eq!(first.invariant, expect, "{variant}");
    assert_eq!(other, Some(first), "{variant}: replays are identical, narrated or not");
    s
}

/// The first invariant a finished run broke, or else its client history's linearizability, judged as the hunt does.
pub fn first_broken(s: &Scenario, r: &dyn protosim::Runner) -> Option<protosim::invariants::Violation> {
    if let Some(v) = r.violations().first() {
        return Some(v.clone());
    }
    let h = protosim::linearizability::history_of(s, r.trace(), r.now_us());
    protosim::linearizability::check(&h, protosim::linearizability::DEFAULT_BUDGET).violation_in(s, r.now_us())
}
