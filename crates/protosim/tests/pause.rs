//! Process pauses and slow nodes as a user relies on them: a paused node handles nothing and none of its timers
//! fires, what is sent to it waits (it is not lost) and is handled in arrival order when it resumes, with its
//! overdue timers; a crash ends a pause and loses what waited; a slow node pays for each message it handles; a Raft
//! leader paused past an election wakes up, is deposed and nothing breaks.

use protosim::engine::RecordOptions;
use protosim::scenario::{Action, Intervention, ProtocolKind, Scenario};
use protosim::trace::{DropReason, Ev, TraceEvent};
use protosim::{run, Runner};

fn at(ms: u64, action: Action) -> Intervention {
    Intervention { at_us: ms * 1000, action }
}

fn go(s: &Scenario) -> Box<dyn Runner> {
    run(s, RecordOptions::default()).unwrap_or_else(|e| panic!("scenario rejected: {e}\n{}", s.to_json_pretty()))
}

/// The single database (node 0) with three shoppers and a steady load.
fn shop() -> Scenario {
    let mut s = Scenario { seed: 7, until_ms: 6_000, ..Scenario::default() };
    s.workload.rate_per_s = 20.0;
    s
}

fn in_window(trace: &[TraceEvent], from_us: u64, to_us: u64) -> impl Iterator<Item = &TraceEvent> {
    trace.iter().filter(move |e| e.t_us > from_us && e.t_us < to_us)
}

#[test]
fn a_paused_node_handles_nothing_and_then_its_backlog_in_arrival_order() {
    let mut s = shop();
    s.interventions = vec![at(1_000, Action::Pause { node: 0 }), at(2_500, Action::Resume { node: 0 })];
    let r = go(&s);
    let t = r.trace();
    let (pause, resume) = (1_000_000, 2_500_000);
    let handled = in_window(t, pause, resume)
        .filter(|e| matches!(e.ev, Ev::Deliver { to: 0, .. } | Ev::Timer { node: 0, .. } | Ev::Send { from: 0, .. }));
    assert_eq!(handled.count(), 0, "the paused database handled nothing: {}", s.to_json());
    let lost = in_window(t, pause, resume).filter(|e| matches!(e.ev, Ev::Drop { to: 0, .. }));
    assert_eq!(lost.count(), 0, "messages to a paused node wait, they are not dropped");
    let backlog = t.iter().find_map(|e| match e.ev {
        Ev::Resume { node: 0, backlog } => Some(backlog),
        _ => None,
    });
    let backlog = backlog.expect("the resume is in the trace") as usize;
    // Every message that arrived during the pause is handled the moment it resumes, in the order it arrived.
    let due: Vec<(u64, u64)> = t
        .iter()
        .filter_map(|e| match e.ev {
            Ev::Send { id, to: 0, deliver_us, .. } if deliver_us > pause && deliver_us < resume => {
                Some((deliver_us, id))
            }
            _ => None,
        })
        .collect();
    let mut expected = due.clone();
    expected.sort();
    let delivered: Vec<u64> = t
        .iter()
        .filter(|e| e.t_us == resume)
        .filter_map(|e| match e.ev {
            Ev::Deliver { id, to: 0, .. } => Some(id),
            _ => None,
        })
        .collect();
    assert!(!delivered.is_empty() && backlog >= delivered.len(), "backlog {backlog}, delivered {delivered:?}");
    assert_eq!(delivered, expected.iter().map(|&(_, id)| id).collect::<Vec<_>>(), "arrival order");
    assert!(r.violations().is_empty(), "{:?}", r.violations());
    assert_eq!(r.metrics().pauses, 1);
}

#[test]
fn overdue_timers_fire_when_the_node_resumes() {
    // The shoppers' retry timers come due while they are paused and fire at once when they wake.
    let mut s = shop();
    s.network.default.loss = 0.5;
    s.interventions = vec![at(1_000, Action::Pause { node: 1 }), at(3_000, Action::Resume { node: 1 })];
    let r = go(&s);
    let t = r.trace();
    assert!(in_window(t, 1_000_000, 3_000_000).all(|e| !matches!(e.ev, Ev::Timer { node: 1, .. })));
    assert!(t.iter().any(|e| e.t_us == 3_000_000 && matches!(e.ev, Ev::Timer { node: 1, .. })), "{}", s.to_json());
}

#[test]
fn a_crash_ends_a_pause_and_loses_what_waited_and_no_op_pauses_say_so() {
    let mut s = shop();
    s.interventions = vec![
        at(1_000, Action::Pause { node: 0 }),
        at(1_500, Action::Pause { node: 0 }),
        at(2_000, Action::Crash { node: 0 }),
        at(2_100, Action::Pause { node: 0 }),
        at(2_200, Action::Resume { node: 0 }),
        at(2_500, Action::Restart { node: 0 }),
    ];
    let r = go(&s);
    let t = r.trace();
    let lost = t
        .iter()
        .filter(|e| e.t_us == 2_000_000 && matches!(e.ev, Ev::Drop { to: 0, reason: DropReason::ReceiverDown, .. }));
    assert!(lost.count() > 0, "what waited for the paused node is lost when it crashes");
    let engine_keys: Vec<&str> = t
        .iter()
        .filter_map(|e| match &e.ev {
            Ev::Engine { note } => Some(note.key),
            _ => None,
        })
        .collect();
    assert_eq!(engine_keys, ["engine.pause.noop", "engine.pause.down", "engine.resume.noop"]);
    assert!(
        t.iter().any(|e| e.t_us > 2_500_000 && matches!(e.ev, Ev::Deliver { to: 0, .. })),
        "it works after restart"
    );
    assert!(r.violations().is_empty(), "{:?}", r.violations());
}

#[test]
fn a_slow_node_pays_for_each_message_and_messages_queue_behind_it() {
    let slow_us = 40_000;
    let mut s = shop();
    s.interventions = vec![
        at(1_000, Action::Slow { node: 0, handle_us: slow_us }),
        at(4_000, Action::Slow { node: 0, handle_us: 0 }),
    ];
    let r = go(&s);
    let t = r.trace();
    let handled: Vec<u64> = in_window(t, 1_000_000, 4_000_000)
        .filter(|e| matches!(e.ev, Ev::Deliver { to: 0, .. }))
        .map(|e| e.t_us)
        .collect();
    assert!(handled.len() > 10, "{}", s.to_json());
    assert!(handled.windows(2).all(|w| w[1] - w[0] >= slow_us), "one message per {slow_us} µs: {handled:?}");
    // Each handled message arrived at least its handling time before.
    let sent: std::collections::HashMap<u64, u64> = t
        .iter()
        .filter_map(|e| match e.ev {
            Ev::Send { id, to: 0, deliver_us, .. } => Some((id, deliver_us)),
            _ => None,
        })
        .collect();
    for e in in_window(t, 1_100_000, 4_000_000) {
        if let Ev::Deliver { id, to: 0, .. } = e.ev {
            assert!(e.t_us >= sent[&id] + slow_us, "message {id} handled before it was paid for");
        }
    }
    let after: Vec<u64> =
        t.iter().filter(|e| e.t_us > 4_200_000 && matches!(e.ev, Ev::Deliver { to: 0, .. })).map(|e| e.t_us).collect();
    assert!(after.windows(2).any(|w| w[1] - w[0] < slow_us), "back to normal speed after handle_us 0");
    assert!(r.violations().is_empty(), "{:?}", r.violations());
}

/// A Raft leader paused past an election timeout: the others elect a new leader; when the old one wakes it still
/// believes it leads, sends heartbeats of its old term, hears of the new term and steps down. No rule breaks.
#[test]
fn a_raft_leader_paused_past_an_election_is_deposed_when_it_resumes_and_nothing_breaks() {
    for seed in 1..=10 {
        let mut s =
            Scenario { protocol: ProtocolKind::new("raft"), nodes: 5, seed, until_ms: 8_000, ..Scenario::default() };
        s.workload.rate_per_s = 10.0;
        let leaders_at = |s: &Scenario, t_us: u64| -> Vec<u16> {
            let r = go(s);
            r.views_at(t_us)
                .into_iter()
                .filter(|v| v.detail.role().as_deref() == Some("leader"))
                .map(|v| v.id)
                .collect()
        };
        let leader = *leaders_at(&s, 2_000_000).first().unwrap_or_else(|| panic!("no leader at 2 s: {}", s.to_json()));
        s.interventions = vec![at(2_000, Action::Pause { node: leader }), at(4_000, Action::Resume { node: leader })];
        let r = go(&s);
        let t = r.trace();
        assert!(r.violations().is_empty(), "seed {seed}: {:?}\n{}", r.violations(), s.to_json());
        // The sleeper still believes it leads (its state is frozen); another server leads a later term.
        let leaders = leaders_at(&s, 3_900_000);
        assert!(leaders.contains(&leader) && leaders.len() == 2, "seed {seed}: leaders at 3.9 s {leaders:?}");
        // It wakes as leader and steps down within a round trip or two.
        let stepped = t.iter().find(|e| {
            e.t_us >= 4_000_000
                && matches!(&e.ev, Ev::Note { node, note } if *node == leader && note.key == "raft.step_down")
        });
        let stepped =
            stepped.unwrap_or_else(|| panic!("seed {seed}: the old leader never stepped down\n{}", s.to_json()));
        assert!(
            stepped.t_us - 4_000_000 <= 200_000,
            "seed {seed}: stepped down {} µs after waking",
            stepped.t_us - 4_000_000
        );
        let m = r.metrics();
        let answered = m.checkouts_confirmed + m.checkouts_rejected + m.checkouts_aborted;
        assert!(
            m.checkouts_submitted - answered <= 2,
            "seed {seed}: checkouts answered after the pause\n{}",
            s.to_json()
        );
    }
}

/// A node's clock: every reading sees its steps, and its timers run at its drift. Raft's leader sends heartbeats
/// every 50 ms of its own time: with its clock 25 % fast they go out every 40 ms of true time, and a step of its
/// clock does not move them.
#[test]
fn a_drifting_clock_stretches_timers_and_a_step_moves_every_reading() {
    let mut s =
        Scenario { protocol: ProtocolKind::new("raft"), nodes: 3, seed: 3, until_ms: 6_000, ..Scenario::default() };
    s.workload.rate_per_s = 0.0;
    let leader = {
        let r = go(&s);
        r.views_at(2_000_000).into_iter().find(|v| v.detail.role().as_deref() == Some("leader")).expect("a leader").id
    };
    s.interventions = vec![
        at(2_000, Action::ClockDrift { node: leader, ppm: 250_000 }),
        at(3_000, Action::ClockJump { node: leader, by_us: 5_000_000 }),
    ];
    let r = go(&s);
    let beats: Vec<u64> = in_window(r.trace(), 2_200_000, 4_000_000)
        .filter(|e| matches!(e.ev, Ev::Timer { node, name: "heartbeat" } if node == leader))
        .map(|e| e.t_us)
        .collect();
    assert!(beats.len() > 20, "{beats:?}");
    assert!(beats.windows(2).all(|w| w[1] - w[0] == 40_000), "every 40 ms of true time, the step too: {beats:?}");
    let clocks: Vec<(i64, i64)> = r
        .trace()
        .iter()
        .filter_map(|e| match e.ev {
            Ev::Clock { node, offset_us, drift_ppm } if node == leader => Some((offset_us, drift_ppm)),
            _ => None,
        })
        .collect();
    // At 3 s the clock had gained 250 ms (25 % of 1 s), then stepped 5 s forward.
    assert_eq!(clocks, [(0, 250_000), (5_250_000, 250_000)]);
    assert!(r.violations().is_empty(), "{:?}", r.violations());
}
