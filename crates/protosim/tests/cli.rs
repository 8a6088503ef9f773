//! The `protosim` command as a user runs it: reports, exit codes, sweeps, and bad input that never panics.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn protosim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_protosim")).args(args).output().expect("protosim runs")
}

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_protosim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("protosim runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn hash_of(o: &Output) -> String {
    let out = String::from_utf8_lossy(&o.stdout);
    let line = out.lines().find(|l| l.contains("trace_hash")).expect("a trace_hash line");
    line.rsplit(' ').next().unwrap().to_string()
}

#[test]
fn run_prints_a_report_and_the_same_hash_twice() {
    let args = ["run", "--protocol", "single", "--nodes", "1", "--seed", "7", "--until-ms", "5000", "--loss", "0.1"];
    let a = protosim(&args);
    assert_eq!(a.status.code(), Some(0), "{}", text(&a));
    let out = text(&a);
    for want in ["checkouts", "latency ms", "p50", "p99", "messages", "all held", "trace_hash"] {
        assert!(out.contains(want), "missing {want:?} in\n{out}");
    }
    assert_eq!(hash_of(&a), hash_of(&protosim(&args)), "two processes, same scenario, same trace");
    let other = protosim(&["run", "--protocol", "single", "--seed", "8", "--until-ms", "5000", "--loss", "0.1"]);
    assert_ne!(hash_of(&a), hash_of(&other));
}

#[test]
fn pinned_scenario_hash_matches_through_the_cli() {
    let json = protosim::pinned::pinned_scenario().to_json();
    let o = with_stdin(&["run", "--scenario", "-"], &json);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(hash_of(&o), protosim::pinned::PINNED_TRACE_HASH);
}

#[test]
fn json_report_and_event_stream() {
    let o = protosim(&["run", "--protocol", "single", "--until-ms", "2000", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
    assert_eq!(v["invariants_held"], true);
    assert!(v["checkouts_submitted"].as_u64().unwrap() > 0);

    let o = protosim(&["run", "--protocol", "single", "--until-ms", "2000", "--events"]);
    assert_eq!(o.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON event"))
        .collect();
    assert!(lines.iter().any(|e| e["ev"] == "send"));
    assert!(lines.iter().any(|e| e["ev"] == "deliver"));
    assert_eq!(lines.last().unwrap()["ev"], "stop");
    assert!(String::from_utf8_lossy(&o.stderr).contains("trace_hash"), "the report goes to standard error");
}

#[test]
fn sweep_of_the_correct_baseline_finds_no_violation() {
    let o = protosim(&["sweep", "--protocol", "single", "--seeds", "1000", "--faults"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("violations      0 of 1000 runs"), "{out}");
}

#[test]
fn sweep_catches_each_mistaken_variant_with_a_replayable_scenario() {
    for variant in ["no-dedup", "ack-before-persist"] {
        let o = protosim(&["sweep", "--protocol", "single", "--variant", variant, "--seeds", "200", "--faults"]);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{variant}: {out}");
        let json_start = out.find("\n{").expect("the first violating scenario is printed as JSON");
        let scenario = &out[json_start + 1..];
        let replay = with_stdin(&["run", "--scenario", "-"], scenario);
        assert_eq!(replay.status.code(), Some(1), "replaying the printed scenario shows the violation again");
        assert!(text(&replay).contains("FAIL"));
    }
}

#[test]
fn bad_input_exits_2_with_a_message_and_no_panic() {
    let cases: &[(&[&str], &str)] = &[
        (&["run", "--protocol", "single", "--nodes", "1000000000"], "--nodes"),
        (&["run", "--protocol", "single", "--nodes", "3"], "nodes"),
        (&["run", "--protocol", "single", "--seed", "-4"], "--seed"),
        (&["run", "--protocol", "single", "--until-ms", "-1"], "--until-ms"),
        (&["run", "--protocol", "single", "--until-ms", "99999999999"], "until_ms"),
        (&["run", "--protocol", "single", "--loss", "1.5"], "loss"),
        (&["run", "--protocol", "single", "--loss", "NaN"], "loss"),
        (&["run", "--protocol", "single", "--latency-ms", "30..5"], "latency_us_min"),
        (&["run", "--protocol", "single", "--latency-ms", "fast"], "--latency-ms"),
        (&["run", "--protocol", "nosuch"], "--protocol"),
        (&["run", "--protocol", "single", "--variant", "nosuch"], "variant"),
        (&["run", "--bogus"], "unexpected argument '--bogus'"),
        (&["frobnicate"], "unrecognized subcommand 'frobnicate'"),
        (&["sweep", "--protocol", "single", "--shard", "3/2"], "--shard"),
        (&["sweep", "--protocol", "single", "--threads", "0"], "--threads"),
        (&["run", "--protocol", "single", "--loss", "-0.5"], "loss"),
        (&["run", "--scenario", "/nonexistent/file.json"], "cannot read"),
        (&["sweep", "--protocol", "single", "--seeds", "0"], "--seeds"),
    ];
    for (args, want) in cases {
        let o = protosim(args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {out}");
        assert!(out.contains(want), "{args:?} should mention {want:?}: {out}");
        assert!(!out.contains("panicked"), "{args:?}: {out}");
    }
}

#[test]
fn bad_scenario_files_exit_2_with_where_and_what() {
    let good = protosim::Scenario::default().to_json();
    let cases: Vec<(String, &str)> = vec![
        (good[..good.len() / 2].to_string(), "truncated"),
        ("{\"format_version\": 9, \"protocol\": \"single\"}".into(), "the number 9 is not a version this build reads"),
        ("{\"protocol\": \"single\"}".into(), "format_version"),
        (good.replace("\"nodes\":1", "\"nodes\":1000000000"), "nodes"),
        (good.replace("\"shoppers\":3", "\"shoppers\":-2"), "shoppers"),
        (good.replace("\"shoppers\":3", "\"shoppers\":1000"), "shoppers"),
        (good.replace("\"seed\":1", "\"seed\":\"one\""), "seed"),
        (good.replace("\"until_ms\":30000", "\"until_ms\":30000,\"colour\":\"red\""), "colour"),
        ("[1,2,3]".into(), "object"),
        ("".into(), "JSON"),
    ];
    for (json, want) in cases {
        let o = with_stdin(&["run", "--scenario", "-"], &json);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{json}: {out}");
        assert!(out.contains(want), "{json} should mention {want:?}: {out}");
        assert!(!out.contains("panicked"), "{out}");
    }
}

#[test]
fn locking_options_and_stopping_at_the_first_violation() {
    let o = protosim(&["run", "--protocol", "pessimistic", "--deadlock", "wound-wait", "--until-ms", "3000", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
    assert!(v["checkouts_confirmed"].as_u64().unwrap() > 0);
    let bad = protosim(&["run", "--protocol", "pessimistic", "--deadlock", "pray"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad).contains("--option `deadlock`: `pray` is not one of `detect`, `wound-wait`, `timeout`"),
        "{}",
        text(&bad)
    );
    let none = protosim(&["run", "--protocol", "raft", "--option", "stable_leader=true"]);
    assert!(!none.status.success());
    assert!(
        text(&none).contains(
            "Raft has no option `stable_leader` (it has: read, lease_drift_bound_pct, prevote, check_quorum)"
        ),
        "{}",
        text(&none)
    );
    let lease =
        protosim(&["run", "--protocol", "raft", "--option", "read=lease", "--read-rate", "5", "--until-ms", "3000"]);
    assert!(lease.status.success(), "{}", text(&lease));
    assert!(text(&lease).contains("reads           13 submitted: 13 answered"), "{}", text(&lease));
    // The §4.5 mistake is caught at once; the sweep stops there instead of running all 500 seeds.
    let args = ["sweep", "--protocol", "optimistic", "--variant", "no-version-check", "--seeds", "500", "--faults"];
    let o = protosim(&[&args[..], &["--stop-at-first"]].concat());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    let runs: u64 = out
        .lines()
        .find_map(|l| l.strip_prefix("runs"))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a runs line");
    assert!(runs < 500, "stopped after {runs} runs\n{out}");
    assert!(out.contains("first violating seed"), "{out}");
}

#[test]
fn hunt_finds_shrinks_and_prints_a_replayable_counterexample() {
    let o = protosim(&["hunt", "--protocol", "2pc", "--variant", "decide-before-log", "--seeds", "200", "--json"]);
    assert_eq!(o.status.code(), Some(1), "a counterexample means exit code 1: {}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["expect"], "atomicity");
    let scenario = v["scenario"].to_string();
    let replay = with_stdin(&["run", "--scenario", "-"], &scenario);
    assert_eq!(replay.status.code(), Some(1), "the shrunk scenario replays to a violation: {}", text(&replay));
    assert!(text(&replay).contains("atomicity"));
    // A correct protocol: nothing found, exit code 0.
    let ok = protosim(&["hunt", "--protocol", "2pc", "--seeds", "20"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("no violation in 20 seeds"));
}

/// The scenario from the report that led to the shared shopper client: two of five Raft servers down from the
/// start. Every checkout is answered, liveness is reported held, and `--json` carries the verdict.
#[test]
fn run_reports_liveness_and_two_servers_down_from_the_start_is_live() {
    let scenario = r#"{"format_version":1,"protocol":"raft","nodes":5,"seed":20,"until_ms":30000,
        "interventions":[{"at_us":0,"action":{"kind":"crash","node":0}},
                         {"at_us":0,"action":{"kind":"crash","node":1}}]}"#;
    let o = with_stdin(&["run", "--scenario", "-", "--json"], scenario);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
    assert_eq!(v["checkouts_unanswered"], 0, "{}", text(&o));
    let live = &v["liveness"];
    assert_eq!(live["verdict"], "held", "{live}");
    assert_eq!(live["bound_ms"], 6000);
    assert!(live["slowest_ms"].as_u64().unwrap() <= 6000, "{live}");
    assert!(live["first_late"].is_null());
    let o = with_stdin(&["run", "--scenario", "-"], scenario);
    assert!(text(&o).contains("liveness        held"), "{}", text(&o));
}

#[test]
fn sweep_and_hunt_print_a_found_scenario_in_one_shape() {
    let o = protosim(&[
        "sweep",
        "--protocol",
        "2pc",
        "--variant",
        "decide-before-log",
        "--faults",
        "--seeds",
        "300",
        "--stop-at-first",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let sweep: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let o = protosim(&["hunt", "--protocol", "2pc", "--variant", "decide-before-log", "--seeds", "300", "--json"]);
    let hunt: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let keys = |v: &serde_json::Value| v.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
    assert_eq!(keys(&sweep["first"]), keys(&hunt), "sweep: {}\nhunt: {hunt}", sweep["first"]);
    assert_eq!(sweep["first"]["expect"], "atomicity");
    assert!(sweep["first"]["scenario"]["interventions"].is_array());
}

/// A batch runner's way: `sweep --shard K/N --json` on each machine, `merge` of the files — the same JSON, field for
/// field, as one `sweep --json` over every seed, and the same exit code.
#[test]
fn shards_merged_by_the_cli_equal_the_unsharded_sweep() {
    let dir = std::env::temp_dir().join(format!("protosim-shards-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let args = ["sweep", "--protocol", "2pc", "--variant", "decide-before-log", "--faults", "--seeds", "90", "--json"];
    let whole = protosim(&args);
    assert_eq!(whole.status.code(), Some(1), "{}", text(&whole));
    let mut files = Vec::new();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        let o = protosim(&[&args[..], &["--shard", &shard, "--threads", "2"]].concat());
        let f = dir.join(format!("{k}.json"));
        std::fs::write(&f, &o.stdout).unwrap();
        files.push(f.to_string_lossy().into_owned());
    }
    let merged = protosim(&[&["merge", "--json"][..], &files.iter().map(String::as_str).collect::<Vec<_>>()].concat());
    assert_eq!(merged.status.code(), whole.status.code(), "{}", text(&merged));
    let json = |o: &Output| serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("JSON");
    assert_eq!(json(&merged), json(&whole));
    let missing = protosim(&["merge", &files[0], &files[2]]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing).contains("leave a gap"), "{}", text(&missing));
    std::fs::write(dir.join("junk.json"), "{\"runs\": 3}").unwrap();
    let junk = protosim(&["merge", &dir.join("junk.json").to_string_lossy()]);
    assert_eq!(junk.status.code(), Some(2));
    assert!(text(&junk).contains("is not the result of `protosim sweep --json`"), "{}", text(&junk));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn completions_are_printed_for_the_usual_shells() {
    for (shell, want) in [("bash", "complete -F"), ("zsh", "#compdef protosim"), ("fish", "complete -c protosim")] {
        let o = protosim(&["completions", shell]);
        assert_eq!(o.status.code(), Some(0), "{shell}: {}", text(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(want) && out.contains("stop-at-first"), "{shell}: {out}");
    }
    let o = protosim(&["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `--print-link` gives the page's fragment for a scenario made on the command line: it decodes to that scenario.
#[test]
fn print_link_gives_the_pages_fragment_of_the_scenario() {
    let o = protosim(&["run", "--protocol", "raft", "--seed", "9", "--until-ms", "600000", "--print-link"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let link = String::from_utf8_lossy(&o.stdout).trim().to_string();
    let s = protosim::Scenario::from_compact(&link).expect("a scenario link");
    assert_eq!((s.protocol.name(), s.seed, s.until_ms, s.nodes), ("raft", 9, 600_000, 5), "{link}");
}

/// Scripts append overrides: a flag given twice means its last value, not an error.
#[test]
fn a_flag_given_twice_means_its_last_value() {
    let o = protosim(&["run", "--protocol", "single", "--seed", "1", "--seed", "2", "--print-scenario"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let s = protosim::Scenario::from_json(&String::from_utf8_lossy(&o.stdout)).expect("a scenario");
    assert_eq!(s.seed, 2);
}
