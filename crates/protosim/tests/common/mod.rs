//! Helpers shared by the protocol test files.

use protosim::Scenario;

/// A stored counterexample: `tests/fixtures/{name}.json` holds the invariant it breaks and the scenario.
pub fn fixture(name: &str) -> (String, Scenario) {
    let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let scenario = Scenario::from_json(&v["scenario"].to_string()).unwrap_or_else(|e| panic!("{path}: {e}"));
    (v["expect"].as_str().unwrap().to_string(), scenario)
}
