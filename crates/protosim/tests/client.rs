//! The shared shopper client as a user relies on it: with any servers down that the protocol can spare, every
//! checkout is still answered within the protocol's liveness bound — the shopper finds a live server and keeps
//! sending there instead of circling among dead ones.

use protosim::liveness::{judge_trace, LivenessVerdict};
use protosim::narration::Arg;
use protosim::scenario::{Action, Intervention, NodeId, Scenario};
use protosim::{run, RecordOptions};

const UNTIL_MS: u64 = 30_000;
/// Seeds per configuration: the shoppers' timing, and so which retry meets which dead server, varies with it.
const SEEDS: [u64; 4] = [20, 1, 2, 3];
const MID_RUN_MS: u64 = 3_000;

fn crash_all(s: &mut Scenario, at_ms: u64, nodes: &[NodeId]) {
    for &node in nodes {
        s.interventions.push(Intervention { at_us: at_ms * 1000, action: Action::Crash { node } });
    }
}

/// Every subset of `members` with at most `k` elements.
fn subsets(members: &[NodeId], k: usize) -> Vec<Vec<NodeId>> {
    let mut out = vec![Vec::new()];
    for &m in members {
        let more: Vec<Vec<NodeId>> =
            out.iter().filter(|s| s.len() < k).map(|s| s.iter().copied().chain([m]).collect()).collect();
        out.extend(more);
    }
    out
}

/// Runs `s` and asserts that liveness held, with every checkout answered.
fn assert_live(s: &Scenario, what: &str) -> u64 {
    let r = run(s, RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
    assert!(r.violations().is_empty(), "{what}: {:?}\nscenario: {}", r.violations(), s.to_json());
    let live = judge_trace(s, r.trace(), r.now_us());
    assert_eq!(live.verdict, LivenessVerdict::Held, "{what}: {}\nscenario: {}", live.describe(), s.to_json());
    let m = r.metrics();
    let answered = m.checkouts_confirmed + m.checkouts_rejected + m.checkouts_aborted;
    // Checkouts submitted in the last bound's worth of the run may still be open; none older.
    assert!(answered + 3 >= m.checkouts_submitted, "{what}: {answered} of {} answered", m.checkouts_submitted);
    live.slowest_ms
}

/// The Raft server that leads at `t_ms` in the run of `s` without faults.
fn raft_leader_at(s: &Scenario, t_ms: u64) -> NodeId {
    let mut probe = s.clone();
    probe.until_ms = t_ms;
    let r = run(&probe, RecordOptions::default()).unwrap();
    let views = r.views_at(t_ms * 1000);
    views
        .iter()
        .find(|v| v.detail.role().as_deref() == Some("leader"))
        .map(|v| v.id)
        .unwrap_or_else(|| panic!("no Raft leader at {t_ms} ms: {}", s.to_json()))
}

#[test]
fn raft_answers_every_checkout_with_any_minority_of_servers_down() {
    let mut slowest_ms = 0;
    let mut runs = 0;
    for (servers, seed) in [3u16, 5].into_iter().flat_map(|n| SEEDS.map(|seed| (n, seed))) {
        let minority = usize::from(servers - (servers / 2 + 1));
        let base = Scenario {
            protocol: protosim::protocols::raft::KIND,
            nodes: servers,
            seed,
            until_ms: UNTIL_MS,
            ..Scenario::default()
        };
        let all: Vec<NodeId> = (0..servers).collect();
        for down in subsets(&all, minority) {
            let mut s = base.clone();
            crash_all(&mut s, 0, &down);
            slowest_ms =
                slowest_ms.max(assert_live(&s, &format!("raft {servers} servers, seed {seed}, {down:?} down at 0 ms")));
            runs += 1;
        }
        let leader = raft_leader_at(&base, MID_RUN_MS);
        let followers: Vec<NodeId> = all.iter().copied().filter(|&n| n != leader).collect();
        for down in subsets(&followers, minority) {
            let mut s = base.clone();
            crash_all(&mut s, MID_RUN_MS, &down);
            let what =
                format!("raft {servers} servers, seed {seed}, leader n{leader}, {down:?} down at {MID_RUN_MS} ms");
            slowest_ms = slowest_ms.max(assert_live(&s, &what));
            runs += 1;
        }
    }
    println!("{runs} runs, slowest judged answer {slowest_ms} ms (bound 6000 ms)");
}

#[test]
fn paxos_answers_every_checkout_with_any_minority_of_acceptors_and_an_order_service_down() {
    let mut runs = 0;
    for stable_leader in [false, true] {
        let mut base = Scenario {
            protocol: protosim::protocols::paxos::KIND,
            nodes: 5,
            seed: 20,
            until_ms: UNTIL_MS,
            ..Scenario::default()
        };
        base.paxos.stable_leader = stable_leader;
        let acceptors: Vec<NodeId> = (0..5).collect();
        let proposers: Vec<NodeId> = (5..5 + base.paxos.proposers).collect();
        for down in subsets(&acceptors, 2) {
            for proposer_down in subsets(&proposers, 1) {
                for at_ms in [0, MID_RUN_MS] {
                    let mut s = base.clone();
                    crash_all(&mut s, at_ms, &down);
                    crash_all(&mut s, at_ms, &proposer_down);
                    let what = format!(
                        "paxos (stable leader: {stable_leader}), acceptors {down:?} and order services \
                         {proposer_down:?} down at {at_ms} ms"
                    );
                    assert_live(&s, &what);
                    runs += 1;
                }
            }
        }
    }
    println!("{runs} runs");
}

/// A shopper that crashes with a checkout open sends it again when it restarts (its outbox is on disk), for every
/// protocol whose shoppers use the shared client. The checkout is submitted 1 ms before the crash, so it is surely
/// unanswered then.
#[test]
fn a_shopper_that_crashes_sends_its_open_checkouts_again_when_it_restarts() {
    use protosim::scenario::Line;
    use protosim::trace::Ev;
    for protocol in [
        protosim::protocols::single::KIND,
        protosim::protocols::raft::KIND,
        protosim::protocols::paxos::KIND,
        protosim::protocols::twopc::KIND,
    ] {
        let mut s = Scenario { protocol, seed: 7, until_ms: 15_000, ..Scenario::default() };
        s.nodes = protosim::protocols::info(protocol).default_nodes;
        s.workload.rate_per_s = 0.0;
        let shopper = s.servers();
        let at = |ms: u64, action| Intervention { at_us: ms * 1000, action };
        let lines = vec![Line { item: 0, qty: 1 }];
        s.interventions = vec![
            at(1_999, Action::Checkout { shopper, customer: 0, lines }),
            at(2_000, Action::Crash { node: shopper }),
            at(5_000, Action::Restart { node: shopper }),
        ];
        let r = run(&s, RecordOptions::default()).unwrap();
        let what = format!("{}\nscenario: {}", protocol.name(), s.to_json());
        let resent = r.trace().iter().any(|e| {
            e.t_us == 5_000_000
                && matches!(&e.ev, Ev::Note { node, note } if *node == shopper && note.key == "client.restart.pending" && note.arg("n") == Some(&Arg::Num(1)))
        });
        assert!(resent, "{what}: the restarted shopper sends its open checkout again");
        let answered = r.trace().iter().any(|e| matches!(e.ev, Ev::Outcome { request_id: 1, .. }));
        assert!(answered, "{what}: and it is answered");
        let live = judge_trace(&s, r.trace(), r.now_us());
        assert_eq!(live.verdict, LivenessVerdict::Held, "{what}: {}", live.describe());
    }
}
