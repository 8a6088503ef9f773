//! The linearizability checker on real runs: the two-phase-commit refusal that a held reservation explains, every
//! protocol's histories under a tight workload, and the history files outside checkers read.

use protosim::domain::{AbortReason, Outcome};
use protosim::linearizability::{check, export, history_of, History, LinVerdict, OpResult, DEFAULT_BUDGET};
use protosim::scenario::{Action, Intervention, Line, LinkSettings, NodeId, Scenario};
use protosim::{run, RecordOptions};

// 2PC with its default 4 servers: orders 0, stock1 1 (items 0, 2, 4), stock2 2 (items 1, 3), payments 3, then the
// shoppers from node 4.
const SHOPPERS: [NodeId; 3] = [4, 5, 6];

/// The three checkouts, no faults, fixed 10 ms links, one mug in stock and $20 wallets:
/// #1 (customer 0) takes the mug with a $45 lamp it cannot pay for; #2 (customer 1) asks for the mug 5 ms later,
/// while #1's reservation holds it; #3 (customer 2) buys the mug a second later.
fn three_checkouts() -> Scenario {
    let mut s = Scenario {
        protocol: protosim::protocols::twopc::KIND,
        nodes: 4,
        shoppers: 3,
        seed: 3,
        until_ms: 3_000,
        ..Scenario::default()
    };
    s.workload.rate_per_s = 0.0;
    s.workload.stock = 1;
    s.workload.wallet_cents = 2_000;
    s.network.default = LinkSettings { latency_us_min: 10_000, latency_us_max: 10_000, loss: 0.0, dup: 0.0 };
    let buy = |at_ms: u64, i: usize, lines: Vec<Line>| Intervention {
        at_us: at_ms * 1000,
        action: Action::Checkout { shopper: SHOPPERS[i], customer: i as u16, lines },
    };
    let mug = Line { item: 0, qty: 1 };
    let lamp = Line { item: 4, qty: 1 };
    s.interventions =
        vec![buy(100, 0, vec![mug.clone(), lamp]), buy(105, 1, vec![mug.clone()]), buy(1_105, 2, vec![mug])];
    s
}

fn history(s: &Scenario) -> History {
    let r = run(s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap_or_else(|e| panic!("{e}"));
    history_of(s, r.trace(), r.now_us())
}

fn answers(h: &History) -> Vec<Option<Outcome>> {
    h.ops.iter().map(|o| o.answer).collect()
}

#[test]
fn a_refusal_that_a_held_reservation_explains_is_busy_and_the_history_is_linearizable() {
    let s = three_checkouts();
    let h = history(&s);
    let a = answers(&h);
    assert_eq!(a.len(), 3, "{a:?}");
    assert!(matches!(a[0], Some(Outcome::InsufficientFunds { .. })), "#1 cannot pay: {a:?}");
    assert_eq!(a[1], Some(Outcome::Aborted { reason: AbortReason::Busy }), "#2 is told busy, not sold out: {a:?}");
    assert!(matches!(a[2], Some(Outcome::Confirmed { .. })), "#3 buys the mug: {a:?}");
    let r = check(&h, DEFAULT_BUDGET);
    assert_eq!(r.verdict, LinVerdict::Linearizable, "{r:?}");

    // The old answer, "out of stock", is what no order of the sales explains: the checker says so, and its witness
    // is #2 alone (whatever #1 and #3 did, nothing could have taken the one mug before #2 was answered).
    let mut old = h.clone();
    old.ops[1].answer = Some(Outcome::OutOfStock { item: 0 });
    old.ops[1].result = OpResult::OutOfStock { item: 0 };
    old.ops[1].return_us = old.ops[1].answered_us;
    let r = check(&old, DEFAULT_BUDGET);
    assert_eq!(r.verdict, LinVerdict::Violated, "{r:?}");
    let w = r.witness.as_ref().expect("a witness");
    let ids: Vec<u64> = w.ops.iter().map(|o| o.request_id).collect();
    assert_eq!(ids, vec![old.ops[1].request_id], "{w:?}");
    assert_eq!(w.relaxed, 1, "#1 was submitted before #2's answer: {w:?}");
    let names = protosim::linearizability::node_names(&s);
    let text = protosim::i18n::render(&r.note(&names));
    assert!(
        text.contains(&names(SHOPPERS[1])) && text.contains("out of stock") && text.contains("item 0: 1 unit"),
        "{text}"
    );
}

/// Every correct configuration, a tight workload (three units an item, $40 wallets, six checkouts a second) and
/// the default, over a fixed sample of faulty seeds: no history is violated, none is left unknown.
#[test]
fn every_correct_protocols_histories_are_linearizable_under_faults() {
    let configs: Vec<(&str, Option<(&str, &str)>)> = vec![
        ("single", None),
        ("raft", None),
        ("paxos", None),
        ("paxos", Some(("stable_leader", "true"))),
        ("2pc", None),
        ("2pc", Some(("cooperative", "true"))),
        ("pessimistic", None),
        ("pessimistic", Some(("service", "raft"))),
        ("optimistic", None),
    ];
    for (name, option) in configs {
        for tight in [false, true] {
            let kind = protosim::scenario::ProtocolKind::parse_name(name).expect("a protocol");
            let mut base = protosim::hunt::base(kind, "correct");
            if let Some((k, v)) = option {
                let info = protosim::protocols::info(kind).options.iter().find(|o| o.name == k).expect("an option");
                base = protosim::compare::set_option(&base, info, v).expect("a valid value");
            }
            if tight {
                base.workload.stock = 3;
                base.workload.wallet_cents = 4_000;
                base.workload.rate_per_s = 6.0;
            }
            let plan = protosim::sweep::SweepPlan { seeds: 60, faults: true, stop_at_first: false, shard: None };
            let r = protosim::sweep::sweep_with(&base, &plan, &mut |_| {}).expect("a valid scenario");
            assert_eq!(r.not_linearizable, 0, "{name} {option:?} tight={tight}: {:?}", r.first);
            assert_eq!(r.linearizability_unknown, 0, "{name} {option:?} tight={tight}");
        }
    }
}

/// A tiny reader of the EDN this crate writes: one map per line of keywords, integers, vectors and maps.
fn edn_fields(line: &str) -> Vec<(String, String)> {
    // Top-level `:key value` pairs; a value is a token or a bracketed group.
    let body = line.trim().strip_prefix('{').and_then(|l| l.strip_suffix('}')).expect("a map per line");
    let chars: Vec<char> = body.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let token = |i: &mut usize| -> String {
        while *i < chars.len() && (chars[*i] == ' ' || chars[*i] == ',') {
            *i += 1;
        }
        let start = *i;
        let mut depth = 0;
        while *i < chars.len() {
            match chars[*i] {
                '{' | '[' => depth += 1,
                '}' | ']' => depth -= 1,
                ' ' | ',' if depth == 0 => break,
                _ => {}
            }
            *i += 1;
        }
        chars[start..*i].iter().collect()
    };
    while i < chars.len() {
        let k = token(&mut i);
        if k.is_empty() {
            break;
        }
        let v = token(&mut i);
        out.push((k, v));
    }
    out
}

#[test]
fn the_history_reads_back_in_porcupines_and_jepsens_shapes() {
    let s = three_checkouts();
    let h = history(&s);

    let json: serde_json::Value = serde_json::from_str(&export::porcupine_json(&h)).expect("JSON");
    assert_eq!(json["start"]["stock"][0], 1);
    assert_eq!(json["start"]["wallets_cents"][2], 2_000);
    let ops = json["operations"].as_array().expect("operations");
    assert_eq!(ops.len(), h.ops.len());
    for (o, op) in ops.iter().zip(&h.ops) {
        assert_eq!(o["ClientId"], op.shopper);
        assert_eq!(o["Call"], op.call_us);
        assert_eq!(o["Return"], op.answered_us.expect("answered"));
        assert_eq!(o["Input"]["request_id"], op.request_id);
        assert_eq!(o["Input"]["customer"], op.customer);
        assert_eq!(o["Input"]["lines"].as_array().map(Vec::len), Some(op.lines.len()));
        assert_eq!(o["Input"]["lines"][0]["item"], op.lines[0].item);
    }
    assert_eq!(ops[0]["Output"]["result"], "insufficient_funds");
    assert_eq!(ops[1]["Output"], serde_json::json!({"result": "aborted", "reason": "busy"}));
    assert_eq!(ops[2]["Output"]["result"], "confirmed");

    let edn = export::jepsen_edn(&h);
    let lines: Vec<Vec<(String, String)>> = edn.lines().map(edn_fields).collect();
    assert_eq!(lines.len(), 1 + 2 * h.ops.len(), "{edn}");
    let get = |l: &[(String, String)], k: &str| l.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get(&lines[0], ":f").as_deref(), Some(":catalogue"));
    assert_eq!(get(&lines[0], ":process").as_deref(), Some(":nemesis"));
    assert_eq!(get(&lines[0], ":index").as_deref(), Some("0"));
    let ops = &lines[1..];
    for (i, l) in ops.iter().enumerate() {
        assert_eq!(get(l, ":index"), Some((i + 1).to_string()), "{l:?}");
        assert_eq!(get(l, ":f").as_deref(), Some(":checkout"));
    }
    // One process per checkout: a process has at most one operation open, as Knossos and Elle expect.
    let mut open = std::collections::BTreeSet::new();
    for l in ops {
        let p = get(l, ":process").expect(":process");
        match get(l, ":type").as_deref() {
            Some(":invoke") => assert!(open.insert(p), "two operations open on one process: {edn}"),
            _ => assert!(open.remove(&p), "a completion with no invocation: {edn}"),
        }
    }
    // In time order: #1 invoked, #2 invoked, #1 answered, #2 answered, then #3.
    let types: Vec<String> = ops.iter().map(|l| get(l, ":type").expect(":type")).collect();
    assert_eq!(types, [":invoke", ":invoke", ":ok", ":fail", ":invoke", ":ok"], "{edn}");
    let first = &ops[0];
    assert_eq!(get(first, ":shopper"), Some(h.ops[0].shopper.to_string()));
    assert_eq!(get(first, ":time"), Some((h.ops[0].call_us * 1000).to_string()));
    assert_eq!(get(first, ":value").as_deref(), Some("{:request 1, :customer 0, :lines [[0 1] [4 1]]}"));
    assert_eq!(get(&ops[3], ":error").as_deref(), Some(":busy"));
    assert!(get(&ops[2], ":value").is_some_and(|v| v.contains(":result :insufficient-funds")), "{edn}");
    assert!(get(&ops[5], ":value").is_some_and(|v| v.contains(":result :confirmed :total-cents 1200")), "{edn}");
}

/// Reads in both shapes: a Raft shop (three servers, one shopper) where the shopper looks item 2 up at 0.5 s, buys
/// two of it at 0.8 s, looks it up again at 1.2 s, and asks once more at 1.9 s, just after the whole cluster
/// crashed at 1.8 s, so that last read is never answered.
#[test]
fn reads_read_back_in_porcupines_and_jepsens_shapes() {
    let mut s = Scenario {
        protocol: protosim::protocols::raft::KIND,
        nodes: 3,
        shoppers: 1,
        until_ms: 2_500,
        ..Scenario::default()
    };
    s.workload.rate_per_s = 0.0;
    let at = |ms: u64, action| Intervention { at_us: ms * 1000, action };
    s.interventions = vec![
        at(500, Action::Read { shopper: 3, item: 2 }),
        at(800, Action::Checkout { shopper: 3, customer: 1, lines: vec![Line { item: 2, qty: 2 }] }),
        at(1_200, Action::Read { shopper: 3, item: 2 }),
        at(1_800, Action::Crash { node: 0 }),
        at(1_800, Action::Crash { node: 1 }),
        at(1_800, Action::Crash { node: 2 }),
        at(1_900, Action::Read { shopper: 3, item: 2 }),
    ];
    let h = history(&s);
    let results: Vec<OpResult> = h.ops.iter().map(|o| o.result).collect();
    assert_eq!(results.len(), 4, "{results:?}");
    assert_eq!(results[0], OpResult::Stock { item: 2, units: 40 });
    assert!(matches!(results[1], OpResult::Confirmed { .. }), "{results:?}");
    assert_eq!(results[2], OpResult::Stock { item: 2, units: 38 });
    assert_eq!(h.ops[3].answered_us, None, "the read after the crash is never answered");
    assert_eq!(check(&h, DEFAULT_BUDGET).verdict, LinVerdict::Linearizable);

    let json: serde_json::Value = serde_json::from_str(&export::porcupine_json(&h)).expect("JSON");
    let ops = json["operations"].as_array().expect("operations");
    for (k, units) in [(0, 40), (2, 38)] {
        let (o, op) = (&ops[k], &h.ops[k]);
        assert_eq!(o["Input"], serde_json::json!({"request_id": op.request_id, "read": 2}), "{o}");
        assert_eq!(o["Output"], serde_json::json!({"result": "stock", "units": units}), "{o}");
        assert_eq!(o["Call"], op.call_us);
        assert_eq!(o["Return"], op.answered_us.expect("answered"));
        assert_eq!(o["ClientId"], 3);
    }
    assert_eq!(ops[3]["Input"]["read"], 2);
    assert_eq!(ops[3]["Output"]["result"], "unknown", "{}", ops[3]);

    let edn = export::jepsen_edn(&h);
    let lines: Vec<Vec<(String, String)>> = edn.lines().map(edn_fields).collect();
    let get = |l: &[(String, String)], k: &str| l.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let reads: Vec<&Vec<(String, String)>> =
        lines.iter().filter(|l| get(l, ":f").as_deref() == Some(":read")).collect();
    let types: Vec<String> = reads.iter().map(|l| get(l, ":type").expect(":type")).collect();
    assert_eq!(types, [":invoke", ":ok", ":invoke", ":ok", ":invoke", ":info"], "{edn}");
    let first = h.ops[0].request_id;
    assert_eq!(get(reads[0], ":value"), Some(format!("{{:request {first}, :item 2}}")), "{edn}");
    assert_eq!(get(reads[1], ":value"), Some(format!("{{:request {first}, :item 2 :units 40}}")), "{edn}");
    assert!(get(reads[3], ":value").is_some_and(|v| v.ends_with(":item 2 :units 38}")), "{edn}");
    assert!(get(reads[5], ":value").is_some_and(|v| !v.contains(":units")), "an unanswered read says no count: {edn}");
}

/// A scripted basket may name one item twice: 2PC's inventory adds the lines up (it checked each line alone and
/// sold 4 of 3 units: no-oversell broke and the history was not linearizable).
#[test]
fn a_basket_that_repeats_an_item_is_checked_against_the_lines_together() {
    let mut s = three_checkouts();
    s.workload.stock = 3;
    s.workload.wallet_cents = 100_000;
    let two = Line { item: 0, qty: 2 };
    s.interventions = vec![Intervention {
        at_us: 100_000,
        action: Action::Checkout { shopper: SHOPPERS[0], customer: 0, lines: vec![two.clone(), two] },
    }];
    let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
    assert!(r.violations().is_empty(), "{:?}", r.violations().first());
    let h = history_of(&s, r.trace(), r.now_us());
    assert_eq!(answers(&h), vec![Some(Outcome::OutOfStock { item: 0 })]);
    assert_eq!(check(&h, DEFAULT_BUDGET).verdict, LinVerdict::Linearizable);
}
