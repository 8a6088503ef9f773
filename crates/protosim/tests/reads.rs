//! Reads: a leader cut into a minority while shoppers keep reading. Answering from its own copy (`leader-local`,
//! the `stale-read` variant) is caught by the linearizability checker with a witness; ReadIndex and reads through
//! the log are linearizable; a lease is safe while clocks drift less than its bound and caught when they drift more.
//! A protocol that serves no reads refuses a scenario with reads, and says which do.

use protosim::linearizability::{check, history_of, LinReport, LinVerdict, OpResult, DEFAULT_BUDGET};
use protosim::scenario::{Action, Intervention, Line, RaftRead, Scenario};
use protosim::{run, RecordOptions};

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

/// Three Raft servers (n0 leads from 0.18 s) and two shoppers (nodes 3 and 4). At 1 s n0 and shopper 3 are cut off
/// from the rest; shopper 4 buys two units of item 0 through the new leader; at 2.5 s shopper 3, which only reaches
/// n0, asks how many are left. Shoppers also read at random, 4 a second.
fn minority_leader(read: RaftRead) -> Scenario {
    let mut s = three_servers(2, 4_000, read);
    s.workload.rate_per_s = 0.0;
    s.workload.read_rate_per_s = 4.0;
    s.interventions = vec![
        at(800, Action::Read { shopper: 3, item: 0 }),
        at(1_000, Action::Partition { groups: vec![vec![0, 3], vec![1, 2, 4]] }),
        at(1_100, Action::Checkout { shopper: 4, customer: 0, lines: vec![Line { item: 0, qty: 2 }] }),
        at(2_500, Action::Read { shopper: 3, item: 0 }),
    ];
    s
}

/// Three Raft servers (nodes 0-2) and `shoppers` shoppers after them, `until_ms` long, reads served as `read`.
///
/// Without Pre-Vote and CheckQuorum: these schedules isolate the read path. With CheckQuorum a leader cut into a
/// minority steps down within two election timeouts and stops answering at all, which shortens the stale-read
/// window without closing it (the hunt and the sweeps run with both on and still catch `stale-read`); with
/// Pre-Vote the elections fall at other moments and these hand-made timings miss. Each is tested on its own in
/// `prevote.rs`.
fn three_servers(shoppers: u16, until_ms: u64, read: RaftRead) -> Scenario {
    let mut s =
        Scenario { protocol: protosim::protocols::raft::KIND, nodes: 3, shoppers, until_ms, ..Scenario::default() };
    s.raft.read = read;
    s.raft.prevote = false;
    s.raft.check_quorum = false;
    s
}

fn judge(s: &Scenario) -> LinReport {
    let r = run(s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap_or_else(|e| panic!("{e}"));
    assert!(r.violations().is_empty(), "no internal invariant breaks: {:?}", r.violations());
    let h = history_of(s, r.trace(), r.now_us());
    check(&h, DEFAULT_BUDGET)
}

#[test]
fn a_leader_cut_into_a_minority_answers_stale_reads_only_when_it_reads_locally() {
    let lin = judge(&minority_leader(RaftRead::LeaderLocal));
    assert_eq!(lin.verdict, LinVerdict::Violated, "{lin:?}");
    let w = lin.witness.as_ref().expect("a witness");
    // The witness: the confirmed sale and a later read that was told the stock from before it.
    let read = w.ops.iter().find(|o| o.read == Some(0)).expect("a read in the witness");
    assert_eq!(read.result, OpResult::Stock { item: 0, units: 40 }, "{w:?}");
    let sale = w.ops.iter().find(|o| o.read.is_none()).expect("the sale in the witness");
    assert!(sale.answered_us.unwrap() < read.call_us, "the sale was answered before the read was sent: {w:?}");
    let text = protosim::i18n::render(&lin.note(&|n| format!("node{n}")));
    assert!(text.contains("stale read"), "{text}");
    // The same run with the mistaken variant instead of the option: the same verdict.
    let mut v = minority_leader(RaftRead::ReadIndex);
    v.variant = "stale-read".into();
    assert_eq!(judge(&v).verdict, LinVerdict::Violated);

    for safe in [RaftRead::ReadIndex, RaftRead::Log] {
        let s = minority_leader(safe);
        let lin = judge(&s);
        assert_eq!(lin.verdict, LinVerdict::Linearizable, "{}: {lin:?}", safe.name());
        // The deposed leader never answered the read sent after the sale: it could not confirm its leadership.
        let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
        let h = history_of(&s, r.trace(), r.now_us());
        let late = h.ops.iter().find(|o| o.read == Some(0) && o.call_us == 2_500_000).expect("the late read");
        assert_eq!(late.result, OpResult::Failed, "{}: it stays unanswered: {late:?}", safe.name());
        // Reads away from the partition were answered.
        assert!(h.ops.iter().filter(|o| matches!(o.result, OpResult::Stock { .. })).count() >= 5, "{}", safe.name());
    }
}

/// The leader n0's clock runs `slow_ppm` slow and the others' as fast; n0 and shopper 3 are cut off at 1.04 s;
/// shopper 4 buys one unit of item 0 every 20 ms from 1.14 s, shopper 3 reads every 10 ms. Lease reads, bound 10 %.
fn lease_with_drift(drift_ppm: i64) -> Scenario {
    let mut s = three_servers(2, 3_000, RaftRead::Lease);
    s.raft.lease_drift_bound_pct = 10;
    s.workload.rate_per_s = 0.0;
    let mut iv = vec![
        at(0, Action::ClockDrift { node: 0, ppm: -drift_ppm }),
        at(0, Action::ClockDrift { node: 1, ppm: drift_ppm }),
        at(0, Action::ClockDrift { node: 2, ppm: drift_ppm }),
        at(1_040, Action::Partition { groups: vec![vec![0, 3], vec![1, 2, 4]] }),
    ];
    for t in (1_140..1_340).step_by(20) {
        iv.push(at(t, Action::Checkout { shopper: 4, customer: 0, lines: vec![Line { item: 0, qty: 1 }] }));
    }
    for t in (1_140..1_440).step_by(10) {
        iv.push(at(t, Action::Read { shopper: 3, item: 0 }));
    }
    iv.sort_by_key(|i| i.at_us);
    s.interventions = iv;
    s
}

#[test]
fn a_lease_is_safe_within_its_drift_bound_and_caught_beyond_it() {
    // ±4 %: 8 % apart, within the 10 % bound. The lease runs out before the others may elect a new leader.
    let within = judge(&lease_with_drift(40_000));
    assert_eq!(within.verdict, LinVerdict::Linearizable, "{within:?}");
    // ±50 %: the leader's lease lasts three times as long as the others wait.
    let beyond = judge(&lease_with_drift(500_000));
    assert_eq!(beyond.verdict, LinVerdict::Violated, "{beyond:?}");
    let text = protosim::i18n::render(&beyond.note(&|n| format!("node{n}")));
    assert!(text.contains("stale read"), "{text}");
    // The same drift with ReadIndex is safe: it never trusts a clock.
    let mut ri = lease_with_drift(500_000);
    ri.raft.read = RaftRead::ReadIndex;
    assert_eq!(judge(&ri).verdict, LinVerdict::Linearizable);
}

/// n2 stops hearing the leader n0 (a one-way cut n0 → n2 from 1 s to the end, 2.5 s) and keeps standing for election
/// with ever higher terms. Under leases the others ignore it and n0 leads on; without, its first vote request deposes
/// n0 (the disruption Pre-Vote and CheckQuorum address; once the cut heals, n2's inflated term deposes n0 even under
/// leases, which Pre-Vote prevents).
fn disruptive_follower(read: RaftRead) -> Scenario {
    let mut s = three_servers(1, 2_500, read);
    s.workload.rate_per_s = 2.0;
    s.interventions = vec![at(1_000, Action::Cut { from: 0, to: 2 })];
    s
}

fn n0_noted(s: &Scenario, key: &str) -> bool {
    let r = run(s, RecordOptions::default()).unwrap();
    let found =
        r.trace().iter().any(|e| matches!(&e.ev, protosim::trace::Ev::Note { node: 0, note } if note.key == key));
    found
}

#[test]
fn under_leases_a_cut_off_follower_cannot_depose_the_leader() {
    let lease = disruptive_follower(RaftRead::Lease);
    assert!(n0_noted(&lease, "raft.vote.ignored_own_lease"), "n0 ignored n2 while its lease held");
    assert!(!n0_noted(&lease, "raft.step_down"), "under leases n0 keeps leading");
    assert!(n0_noted(&disruptive_follower(RaftRead::ReadIndex), "raft.step_down"), "without, n2 deposes n0");
}

#[test]
fn random_faulty_runs_with_reads_are_linearizable_in_every_correct_read_mode() {
    for read in [RaftRead::ReadIndex, RaftRead::Log, RaftRead::Lease] {
        let mut base = protosim::hunt::base(protosim::protocols::raft::KIND, "correct");
        base.raft.read = read;
        base.workload.read_rate_per_s = 6.0;
        base.until_ms = 15_000;
        let (mut judged, mut reads) = (0, 0);
        for offset in 0..12 {
            let s = protosim::faults::seed_scenario(&base, offset, true);
            let r = run(&s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
            assert!(
                r.violations().is_empty(),
                "{} seed {}: {:?}\n{}",
                read.name(),
                s.seed,
                r.violations(),
                s.to_json()
            );
            let h = history_of(&s, r.trace(), r.now_us());
            reads += h.ops.iter().filter(|o| matches!(o.result, OpResult::Stock { .. })).count();
            let lin = check(&h, DEFAULT_BUDGET);
            assert_ne!(lin.verdict, LinVerdict::Violated, "{} seed {}: {lin:?}\n{}", read.name(), s.seed, s.to_json());
            judged += usize::from(lin.verdict == LinVerdict::Linearizable);
        }
        println!("{}: {judged} of 12 faulty runs judged linearizable, {reads} reads answered", read.name());
        assert!(judged >= 10 && reads > 200, "{}: {judged} judged, {reads} reads", read.name());
    }
}

#[test]
fn a_protocol_that_serves_no_reads_refuses_them_and_names_those_that_do() {
    let mut s = Scenario { protocol: protosim::protocols::paxos::KIND, nodes: 3, ..Scenario::default() };
    s.workload.read_rate_per_s = 2.0;
    let e = s.validate().expect_err("Paxos serves no reads");
    let text = e.to_string();
    assert!(text.contains("workload.read_rate_per_s") && text.contains("`raft`"), "{text}");
    s.workload.read_rate_per_s = 0.0;
    s.interventions = vec![at(10, Action::Read { shopper: 3, item: 0 })];
    assert!(s.validate().is_err());
    let mut r = minority_leader(RaftRead::Lease);
    r.workload.read_rate_per_s = f64::NAN;
    assert!(r.validate().unwrap_err().to_string().contains("reads per second"));
}
