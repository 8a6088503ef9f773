//! Golden transcripts: for every protocol (in each of its configurations) a small fixed scenario with a crash, and
//! for every mistaken variant its stored counterexample, rendered as narration ([`protosim::transcript`]) and
//! compared as text with `tests/golden/<name>.txt`. A behaviour change shows in review as a readable diff.
//!
//! After a change on purpose: `GOLDEN_REWRITE=1 cargo test -p protosim --test golden`, then read the diff.

mod common;
use protosim::protocols::info;
use protosim::scenario::{Action, DeadlockStrategy, Intervention, ProtocolKind, Scenario};
use protosim::{run, RecordOptions};

/// A small run of `protocol`: its default cluster, seed 1, 1.5 s, a few checkouts, and its first server down from
/// 0.6 s to 1.1 s.
fn small(protocol: ProtocolKind) -> Scenario {
    let mut s = Scenario { protocol, seed: 1, until_ms: 1_500, ..Scenario::default() };
    s.nodes = info(protocol).default_nodes;
    s.workload.rate_per_s = 4.0;
    s.interventions = vec![
        Intervention { at_us: 600_000, action: Action::Crash { node: 0 } },
        Intervention { at_us: 1_100_000, action: Action::Restart { node: 0 } },
    ];
    s
}

fn cases() -> Vec<(String, Scenario)> {
    let mut out = Vec::new();
    for p in protosim::protocols::kinds() {
        out.push((p.name().to_string(), small(p)));
    }
    let mut s = small(protosim::protocols::paxos::KIND);
    s.paxos.stable_leader = true;
    out.push(("paxos-stable-leader".into(), s));
    let mut s = small(protosim::protocols::twopc::KIND);
    s.twopc.cooperative = true;
    out.push(("2pc-cooperative".into(), s));
    for d in [DeadlockStrategy::WoundWait, DeadlockStrategy::Timeout] {
        let mut s = small(protosim::protocols::locking::PESSIMISTIC);
        s.locking.deadlock = d;
        out.push((format!("pessimistic-{}", d.name()), s));
    }
    let mut s = small(protosim::protocols::locking::PESSIMISTIC);
    s.locking.service = protosim::scenario::LockService::Redlock;
    out.push(("pessimistic-redlock".into(), s));
    out.push(("counterexample-pessimistic-redlock".into(), common::fixture("pessimistic-redlock").1));
    let mut s = small(protosim::protocols::locking::PESSIMISTIC);
    s.locking.service = protosim::scenario::LockService::Raft;
    out.push(("pessimistic-raft".into(), s));
    out.push(("counterexample-pessimistic-raft-no-fencing".into(), common::fixture("pessimistic-raft-no-fencing").1));
    for p in protosim::protocols::kinds() {
        for v in info(p).variants.iter().filter(|v| v.name != "correct") {
            let name = format!("{}-{}", p.name(), v.name);
            let path = format!("{}/tests/fixtures/{name}.json", env!("CARGO_MANIFEST_DIR"));
            if std::path::Path::new(&path).exists() {
                out.push((format!("counterexample-{name}"), common::fixture(&name).1));
            }
        }
    }
    out
}

fn transcript(s: &Scenario) -> String {
    let r = run(s, RecordOptions::default()).unwrap_or_else(|e| panic!("{e}\n{}", s.to_json()));
    let names: Vec<String> = r.views_at(0).into_iter().map(|v| v.name).collect();
    format!(
        "# {} ({}), seed {}, {} ms: the narrated run of this scenario\n# {}\n{}",
        s.protocol.name(),
        s.variant,
        s.seed,
        s.until_ms,
        s.to_json(),
        protosim::transcript::render(&names, r.trace())
    )
}

/// The first lines where `want` and `got` differ, with a little context, for the failure message.
fn diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let first = w.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
    let mut out = format!("first difference at line {} ({} lines stored, {} now):\n", first + 1, w.len(), g.len());
    for (i, line) in w.iter().enumerate().skip(first.saturating_sub(2)).take(8) {
        out.push_str(&format!("- {:>5} {line}\n", i + 1));
    }
    for (i, line) in g.iter().enumerate().skip(first.saturating_sub(2)).take(8) {
        out.push_str(&format!("+ {:>5} {line}\n", i + 1));
    }
    out
}

#[test]
fn narrated_runs_match_their_golden_transcripts() {
    let rewrite = std::env::var_os("GOLDEN_REWRITE").is_some();
    let dir = format!("{}/tests/golden", env!("CARGO_MANIFEST_DIR"));
    let mut failures = Vec::new();
    let cases = cases();
    for (name, s) in &cases {
        let got = transcript(s);
        let path = format!("{dir}/{name}.txt");
        if rewrite {
            std::fs::write(&path, &got).unwrap_or_else(|e| panic!("{path}: {e}"));
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == got => {}
            Ok(want) => failures.push(format!("{name}: the narration changed; {}", diff(&want, &got))),
            Err(e) => failures.push(format!("{name}: {path}: {e} (GOLDEN_REWRITE=1 writes it)")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} transcripts differ (if on purpose: GOLDEN_REWRITE=1 cargo test -p protosim --test golden, then \
         review the diff)\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // Every protocol and every mistaken variant has one.
    for p in protosim::protocols::kinds() {
        assert!(cases.iter().any(|(n, _)| n == p.name()), "{}", p.name());
        for v in info(p).variants.iter().filter(|v| v.name != "correct") {
            let name = format!("counterexample-{}-{}", p.name(), v.name);
            assert!(cases.iter().any(|(n, _)| *n == name), "{name}: no stored counterexample");
        }
    }
}
