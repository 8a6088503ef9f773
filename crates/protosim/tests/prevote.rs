//! Production Raft's two guards against disruption, scripted with and without each (Raft thesis sections 9.6 and
//! 6.2; both on by default, as etcd ships them):
//! - Pre-Vote: a follower cut off alone keeps timing out. Without Pre-Vote it raises its term at every timeout and,
//!   when the partition heals, its higher term makes the healthy leader step down and the cluster hold a needless
//!   election. With Pre-Vote it only asks whether it could win, its term stays, and the leader keeps leading.
//! - CheckQuorum: a leader cut off from everyone. Without CheckQuorum it believes it leads until it hears a higher
//!   term; with it, it steps down within two minimum election timeouts.

use protosim::engine::RecordOptions;
use protosim::narration::Arg;
use protosim::scenario::{Action, Intervention, NodeId, Scenario};
use protosim::trace::{Ev, TraceEvent};
use protosim::{run, Runner};

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

fn go(s: &Scenario) -> Box<dyn Runner> {
    run(s, RecordOptions::default()).unwrap_or_else(|e| panic!("scenario rejected: {e}\n{}", s.to_json_pretty()))
}

/// Five Raft servers and two shoppers buying steadily, 6 s, with the two options as given.
fn cluster(seed: u64, prevote: bool, check_quorum: bool) -> Scenario {
    let mut s =
        Scenario { protocol: protosim::protocols::raft::KIND, nodes: 5, seed, until_ms: 6_000, ..Scenario::default() };
    s.shoppers = 2;
    s.workload.rate_per_s = 6.0;
    s.raft.prevote = prevote;
    s.raft.check_quorum = check_quorum;
    s
}

/// (role, term) of `node` at `t_us`.
fn state_at(r: &dyn Runner, node: NodeId, t_us: u64) -> (String, u64) {
    let views = r.views_at(t_us);
    let v = views.iter().find(|v| v.id == node).expect("the node");
    let term = match v.detail.fact("fact.term") {
        Some(Arg::Num(t)) => *t,
        other => panic!("no term fact: {other:?}"),
    };
    (v.detail.role().unwrap_or_default(), term)
}

fn leader_at(r: &dyn Runner, servers: u16, t_us: u64) -> Option<(NodeId, u64)> {
    (0..servers).map(|n| (n, state_at(r, n, t_us))).find(|(_, (role, _))| role == "leader").map(|(n, (_, t))| (n, t))
}

fn notes<'a>(trace: &'a [TraceEvent], node: NodeId, key: &'a str) -> impl Iterator<Item = u64> + 'a {
    trace.iter().filter_map(move |e| match &e.ev {
        Ev::Note { node: n, note } if *n == node && note.key == key => Some(e.t_us),
        _ => None,
    })
}

/// The leader at 0.9 s and a follower of it, from the run without interventions (the run up to the first
/// intervention is the same with them).
fn leader_and_follower(s: &Scenario) -> (NodeId, u64, NodeId) {
    let r = go(s);
    let (leader, term) = leader_at(&*r, 5, 900_000).unwrap_or_else(|| panic!("no leader at 0.9 s: {}", s.to_json()));
    (leader, term, (leader + 1) % 5)
}

/// A follower cut off alone from 1 s to 4 s.
fn isolated_follower(seed: u64, prevote: bool, check_quorum: bool) -> (Scenario, NodeId, u64, NodeId) {
    let mut s = cluster(seed, prevote, check_quorum);
    let (leader, term, lonely) = leader_and_follower(&s);
    let rest: Vec<NodeId> = (0..7).filter(|&n| n != lonely).collect();
    s.interventions = vec![at(1_000, Action::Partition { groups: vec![vec![lonely], rest] }), at(4_000, Action::Heal)];
    (s, leader, term, lonely)
}

#[test]
fn with_prevote_a_follower_cut_off_alone_rejoins_without_deposing_the_leader() {
    for seed in 1..=5 {
        let (s, leader, term, lonely) = isolated_follower(seed, true, true);
        let r = go(&s);
        assert!(r.violations().is_empty(), "seed {seed}: {:?}", r.violations());
        let (role, lonely_term) = state_at(&*r, lonely, 3_900_000);
        assert_eq!(lonely_term, term, "seed {seed}: the lonely follower kept its term ({role})\n{}", s.to_json());
        assert!(notes(r.trace(), lonely, "raft.pre_candidate").count() >= 5, "seed {seed}: it kept asking");
        assert_eq!(notes(r.trace(), lonely, "raft.candidate.prevoted").count(), 0, "seed {seed}: never won");
        for t_us in [3_900_000, 4_500_000, 5_900_000] {
            assert_eq!(leader_at(&*r, 5, t_us), Some((leader, term)), "seed {seed} at {t_us} µs\n{}", s.to_json());
        }
        for key in ["raft.step_down", "raft.check_quorum.step_down"] {
            assert_eq!(notes(r.trace(), leader, key).count(), 0, "seed {seed}: the leader never stepped down ({key})");
        }
        assert_eq!(state_at(&*r, lonely, 5_900_000), ("follower".to_string(), term), "seed {seed}: it follows again");
    }
}

#[test]
fn without_prevote_a_follower_cut_off_alone_inflates_its_term_and_deposes_the_leader_when_it_rejoins() {
    for check_quorum in [true, false] {
        for seed in 1..=5 {
            let (s, leader, term, lonely) = isolated_follower(seed, false, check_quorum);
            let r = go(&s);
            assert!(r.violations().is_empty(), "seed {seed}: {:?}", r.violations());
            let (_, lonely_term) = state_at(&*r, lonely, 3_900_000);
            assert!(lonely_term >= term + 5, "seed {seed}: term {lonely_term} after 3 s alone, from {term}");
            assert_eq!(leader_at(&*r, 5, 3_900_000), Some((leader, term)), "seed {seed}: the majority was fine");
            // Under CheckQuorum the other followers ignored its vote requests while they heard the leader; the
            // leader itself still learns the higher term (from the refusal of its heartbeats), as in etcd.
            let ignored = (0..5).any(|n| notes(r.trace(), n, "raft.vote.ignored_check_quorum").next().is_some());
            assert_eq!(ignored, check_quorum, "seed {seed}: followers ignore its requests only under CheckQuorum");
            let deposed = notes(r.trace(), leader, "raft.step_down").find(|&t| t >= 4_000_000);
            assert!(
                deposed.is_some(),
                "seed {seed}, check_quorum {check_quorum}: the leader stepped down\n{}",
                s.to_json()
            );
            let (_, new_term) = leader_at(&*r, 5, 5_900_000).expect("a leader again");
            assert!(new_term > lonely_term.max(term), "seed {seed}: a needless election to term {new_term}");
        }
    }
}

/// The leader cut off from everyone (servers and shoppers) from 1 s to 5 s.
fn isolated_leader(seed: u64, check_quorum: bool) -> (Scenario, NodeId, u64) {
    let mut s = cluster(seed, true, check_quorum);
    let (leader, term, _) = leader_and_follower(&s);
    let rest: Vec<NodeId> = (0..7).filter(|&n| n != leader).collect();
    s.interventions = vec![at(1_000, Action::Partition { groups: vec![vec![leader], rest] }), at(5_000, Action::Heal)];
    (s, leader, term)
}

#[test]
fn with_check_quorum_a_leader_that_hears_nobody_steps_down() {
    for seed in 1..=5 {
        let (s, leader, term) = isolated_leader(seed, true);
        let r = go(&s);
        assert!(r.violations().is_empty(), "seed {seed}: {:?}", r.violations());
        let stepped = notes(r.trace(), leader, "raft.check_quorum.step_down").next();
        let stepped = stepped.unwrap_or_else(|| panic!("seed {seed}: it never stepped down\n{}", s.to_json()));
        // It counts every minimum election timeout (three heartbeats of 50 ms: the links' worst latency, 24 ms,
        // doubled, is less than 50 ms): the count after the cut finds no majority.
        assert!((1_000_000..=1_000_000 + 2 * 150_000).contains(&stepped), "seed {seed}: stepped down at {stepped} µs");
        let (role, its_term) = state_at(&*r, leader, 4_900_000);
        assert_ne!(role, "leader", "seed {seed}");
        assert_eq!(its_term, term, "seed {seed}: alone, with Pre-Vote, it never raised its term");
        let (other, new_term) = leader_at(&*r, 5, 4_900_000).expect("the majority elected a leader");
        assert!(other != leader && new_term > term, "seed {seed}");
    }
}

#[test]
fn without_check_quorum_a_leader_that_hears_nobody_believes_it_leads_until_the_partition_heals() {
    for seed in 1..=5 {
        let (s, leader, term) = isolated_leader(seed, false);
        let r = go(&s);
        assert!(r.violations().is_empty(), "seed {seed}: {:?}", r.violations());
        let leaders: Vec<(NodeId, u64)> = (0..5)
            .filter_map(|n| Some((n, state_at(&*r, n, 4_900_000))).filter(|(_, (role, _))| role == "leader"))
            .map(|(n, (_, t))| (n, t))
            .collect();
        assert!(leaders.contains(&(leader, term)), "seed {seed}: still leader of its term at 4.9 s: {leaders:?}");
        assert_eq!(leaders.len(), 2, "seed {seed}: and the majority's leader of a later term: {leaders:?}");
        // Once the partition heals it hears the later term and steps down.
        let deposed = notes(r.trace(), leader, "raft.step_down").find(|&t| t >= 5_000_000);
        assert!(deposed.is_some(), "seed {seed}: deposed after the heal");
    }
}
