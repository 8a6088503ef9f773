//! The figures behind the charts and the comparison: series agree with the run's own counters, and a scenario
//! carried over to another mechanism keeps its workload and faults by role.

use protosim::compare::{translate, Summary};
use protosim::scenario::{Action, Intervention, Line, ProtocolKind, Scenario};
use protosim::stats::Series;
use protosim::{run, RecordOptions};

fn sixty_seconds(kind: ProtocolKind) -> Scenario {
    let mut s = Scenario {
        protocol: kind,
        nodes: protosim::protocols::info(kind).default_nodes,
        until_ms: 60_000,
        ..Scenario::default()
    };
    s.network.default.loss = 0.05;
    s.interventions.push(Intervention { at_us: 20_000_000, action: Action::Crash { node: 0 } });
    s.interventions.push(Intervention { at_us: 25_000_000, action: Action::Restart { node: 0 } });
    s
}

#[test]
fn series_agree_with_the_runs_counters() {
    for kind in protosim::protocols::kinds() {
        let s = sixty_seconds(kind);
        let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
        let series = Series::of_run(r.as_ref());
        let m = r.metrics();
        let what = kind.name();
        assert!(series.len() >= 50 && series.len() <= 150, "{what}: {} buckets", series.len());
        assert!(series.confirmed.windows(2).all(|w| w[0] <= w[1]), "{what}: confirmed is cumulative");
        assert_eq!(*series.confirmed.last().unwrap(), m.checkouts_confirmed, "{what}");
        let secs = series.bucket_us as f64 / 1e6;
        let sent: f64 = series.msgs_per_s.iter().map(|v| v * secs).sum();
        assert!((sent - m.messages_sent as f64).abs() < 0.5, "{what}: {sent} vs {}", m.messages_sent);
        let aborted: f64 = series.aborts_per_s.iter().map(|v| v * secs).sum();
        assert!((aborted - m.checkouts_aborted as f64).abs() < 0.5, "{what}");
        let retries: f64 = series.retries_per_s.iter().map(|v| v * secs).sum();
        assert!(retries > 0.0, "{what}: 5% loss and a crash make shoppers retry");
        let answered = series.p50_ms.iter().filter(|v| v.is_some()).count();
        assert!(answered > series.len() / 2, "{what}: latency in most buckets");
        for k in 0..series.len() {
            if let (Some(a), Some(b), Some(c)) = (series.p50_ms[k], series.p95_ms[k], series.p99_ms[k]) {
                assert!(a <= b && b <= c, "{what}: percentiles in order at bucket {k}");
            }
        }
        // One series per duration the protocol declares, and each has samples in this faulty run.
        let declared: Vec<&str> = protosim::protocols::info(kind)
            .metrics
            .iter()
            .filter(|m| m.unit == protosim::protocols::meta::MetricUnit::Micros)
            .map(|m| m.label)
            .collect();
        let charted: Vec<&str> = series.waits_ms.iter().map(|(label, _)| *label).collect();
        assert_eq!(charted, declared, "{what}");
        for (label, means) in &series.waits_ms {
            assert!(means.iter().flatten().count() > 0, "{what}: {label} has samples");
        }
        match kind {
            protosim::protocols::twopc::KIND => assert_eq!(charted, ["blocked"], "{what}"),
            protosim::protocols::locking::PESSIMISTIC => assert_eq!(charted, ["lock wait"], "{what}"),
            _ => assert!(charted.is_empty(), "{what}"),
        }
    }
}

#[test]
fn a_scenario_carried_to_another_mechanism_keeps_shoppers_and_faults_by_role() {
    let mut s = sixty_seconds(protosim::protocols::raft::KIND);
    s.nodes = 5;
    let shopper0 = s.servers();
    s.interventions.push(Intervention {
        at_us: 1_000,
        action: Action::Checkout { shopper: shopper0 + 1, customer: 3, lines: vec![Line { item: 0, qty: 2 }] },
    });
    s.interventions.push(Intervention { at_us: 2_000, action: Action::Crash { node: 4 } });
    s.interventions.push(Intervention { at_us: 3_000, action: Action::DropMessage { id: 7 } });
    s.interventions
        .push(Intervention { at_us: 4_000, action: Action::Partition { groups: vec![vec![0, 4], vec![1, shopper0]] } });
    s.interventions.sort_by_key(|i| i.at_us);

    let same = translate(&s, protosim::protocols::raft::KIND, "correct");
    assert_eq!(same.interventions.len(), s.interventions.len() - 1, "only the message action is left out");

    let p = translate(&s, protosim::protocols::locking::PESSIMISTIC, "correct");
    assert!(p.validate().is_ok());
    assert_eq!((p.nodes, p.servers()), (3, 4), "5 servers clamp to 3 storage nodes, plus the lock manager");
    assert_eq!(p.seed, s.seed);
    assert_eq!(p.workload, s.workload);
    let acts: Vec<&Action> = p.interventions.iter().map(|i| &i.action).collect();
    assert!(acts.contains(&&Action::Checkout { shopper: 4 + 1, customer: 3, lines: vec![Line { item: 0, qty: 2 }] }));
    assert!(!acts.iter().any(|a| matches!(a, Action::Crash { node: 4 })), "server 4 does not exist there");
    assert!(acts.contains(&&Action::Crash { node: 0 }), "server 0 stays server 0");
    assert!(acts.contains(&&Action::Partition { groups: vec![vec![0], vec![1, 4]] }));
    assert!(!acts.iter().any(|a| matches!(a, Action::DropMessage { .. })));

    // Both sides run, and the summary reads the same counters as the report.
    for t in [&s, &p] {
        let r = run(t, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
        let sum = Summary::of(r.as_ref());
        assert_eq!(sum.confirmed, r.metrics().checkouts_confirmed);
        assert!(sum.first_violation.is_none(), "{}", sum.label);
    }
}
