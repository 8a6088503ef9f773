//! Guided tours: for each mechanism one or two scripted runs with step-by-step narration for a classroom.
//!
//! A step does not hard-code a time: it names *what* it waits for (an intervention of the scenario, the first log
//! line after the previous step that contains some words, the first violation), and the tour finds that moment in
//! the run. Log lines are matched in English whatever language the reader chose; only what the reader sees is
//! translated (`tours.ftl`, keys `tour.…`). A test finds every step of every tour in its run, so a narration that
//! no longer matches its run fails the test instead of lying to a class.
//!
//! A step may ask the class to predict what happens next ([`Question`]): the student picks one of its choices, the
//! run plays on to the moment that answers it, and the card says who was right and why. Which choice is right is
//! read from the run, not written down: it is the one whose words the answering log line contains, so the reveal
//! is true of the run on screen (and a run that stops answering the question fails the tests).
//!
//! A tour step has its own link (`#s1.…&tour=raft-leader-crash&step=3`, the step counted from 1): the address bar
//! follows the step, and opening such a link opens the tour at that step's moment.

use crate::model::Model;
use protosim::i18n::{Language, ENGLISH};
use protosim::note;
use protosim::scenario::{LockService, ProtocolKind};
use protosim::Scenario;
use yew::prelude::*;

/// A text the reader sees, in their language: a closure that renders a catalogue message of `tours.ftl`, its key
/// written out as a literal in the call so that the catalogue test finds it.
pub type Text = fn(&Language) -> String;

/// The moment a step shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    Start,
    /// The scenario's intervention number `k` (its own order).
    Intervention(usize),
    /// The first event-log line, at or after the previous step, whose English text contains these words.
    Log(&'static str),
    /// The first broken invariant.
    Violation,
}

impl When {
    /// What the step waits for, for messages.
    pub fn describe(&self) -> String {
        match self {
            When::Start => "the start".to_string(),
            When::Intervention(k) => format!("intervention {k}"),
            When::Log(words) => format!("the first log line with \"{words}\""),
            When::Violation => "the first violation".to_string(),
        }
    }

    /// When this happens in `model` at or after `from`, with the English text of the log line that shows it (empty
    /// for the start and interventions).
    fn find(&self, model: &Model, from: u64) -> Option<(u64, String)> {
        match *self {
            When::Start => Some((0, String::new())),
            When::Intervention(i) => model.scenario.interventions.get(i).map(|x| (x.at_us, String::new())),
            When::Log(words) => {
                let start = model.log.partition_point(|l| l.t_us < from);
                model.log[start..].iter().map(|l| (l.t_us, l.text(&ENGLISH))).find(|(_, text)| text.contains(words))
            }
            When::Violation => {
                let v = model.violations.first()?;
                let line = model.log.iter().find(|l| l.t_us == v.t_us && l.class == "violation");
                Some((v.t_us, line.map(|l| l.text(&ENGLISH)).unwrap_or_else(|| v.text(&ENGLISH))))
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub struct Step {
    pub when: When,
    pub text: Text,
    /// A prediction the class makes at this step, answered by the run before the next step.
    pub question: Option<&'static Question>,
}

/// "What happens next?", asked at a step's moment and answered by the run.
#[derive(Clone, Copy, Debug)]
pub struct Question {
    pub ask: Text,
    /// Two to four.
    pub choices: &'static [Choice],
    /// The moment that answers it: found after the step's moment, at or before the next step's.
    pub reveal: When,
    /// Why the right choice is right, shown with the answer.
    pub why: Text,
}

#[derive(Clone, Copy, Debug)]
pub struct Choice {
    pub label: Text,
    /// English words that the answering log line contains when this choice is the right one (empty: never
    /// right in this run). Exactly one choice's words must be there.
    pub shows: &'static str,
}

#[derive(Clone, Copy, Debug)]
pub struct Tour {
    pub id: &'static str,
    pub protocol: ProtocolKind,
    pub variant: &'static str,
    /// The tour's own scenario, when the mechanism's demo scenario does not stage its lesson (the lock-service
    /// tours: a quiet shop with one paused shopper).
    pub own_scenario: Option<fn() -> Scenario>,
    pub title: Text,
    pub lesson: Text,
    pub steps: &'static [Step],
}

/// Tours are compared by id (a Yew property): their texts are functions.
impl PartialEq for Tour {
    fn eq(&self, other: &Tour) -> bool {
        self.id == other.id
    }
}

/// Where a tour's steps and answers are in one run ([`Tour::timeline`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Timeline {
    /// When each step happens.
    pub steps: Vec<u64>,
    /// For each step, its question's answer in this run.
    pub answers: Vec<Option<Answer>>,
}

/// A question's answer in a run.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Answer {
    /// The moment that shows it.
    pub at_us: u64,
    /// The right choice.
    pub right: usize,
}

const fn step(when: When, text: Text) -> Step {
    Step { when, text, question: None }
}

const fn ask(when: When, text: Text, question: &'static Question) -> Step {
    Step { when, text, question: Some(question) }
}

/// A choice named by what it shows in the log, the same in every language (a node's name).
macro_rules! node_choice {
    ($name:literal) => {
        Choice { label: |_| $name.to_string(), shows: concat!($name, ":") }
    };
}

use When::{Intervention, Log, Start, Violation};

pub const TOURS: &[Tour] = &[
    Tour {
        id: "single-retry",
        protocol: protosim::protocols::single::KIND,
        variant: "correct",
        own_scenario: None,
        title: |l| l.text("tour.single_retry.title"),
        lesson: |l| l.text("tour.single_retry.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.single_retry.step1")),
            step(Log("runs request #1 atomically"), |l| l.text("tour.single_retry.step2")),
            ask(
                Intervention(0),
                |l| l.text("tour.single_retry.step3"),
                &Question {
                    ask: |l| l.text("tour.single_retry.step3.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.single_retry.step3.yes"), shows: "request #18 confirmed" },
                        Choice { label: |l| l.text("tour.single_retry.step3.no"), shows: "no reply for request #18" },
                    ],
                    reveal: Log("request #18"),
                    why: |l| l.text("tour.single_retry.step3.why"),
                },
            ),
            step(Log("retry 2 with the same request id"), |l| l.text("tour.single_retry.step4")),
            step(Intervention(1), |l| l.text("tour.single_retry.step5")),
            step(Log("after 3 attempts"), |l| l.text("tour.single_retry.step6")),
        ],
    },
    Tour {
        id: "raft-leader-crash",
        protocol: protosim::protocols::raft::KIND,
        variant: "correct",
        own_scenario: None,
        title: |l| l.text("tour.raft_leader_crash.title"),
        lesson: |l| l.text("tour.raft_leader_crash.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.raft_leader_crash.step1")),
            ask(
                Log("becomes candidate for term 1"),
                |l| l.text("tour.raft_leader_crash.step2"),
                &Question {
                    ask: |l| l.text("tour.raft_leader_crash.step2.ask"),
                    choices: &[
                        Choice { label: |l| l.render(&note!("tour.ui.votes", n = 2u64)), shows: "(2 of 5" },
                        Choice { label: |l| l.render(&note!("tour.ui.votes", n = 3u64)), shows: "(3 of 5" },
                        Choice { label: |l| l.render(&note!("tour.ui.votes", n = 4u64)), shows: "(4 of 5" },
                        Choice { label: |l| l.render(&note!("tour.ui.votes", n = 5u64)), shows: "(5 of 5" },
                    ],
                    reveal: Log("wins a majority"),
                    why: |l| l.text("tour.raft_leader_crash.step2.why"),
                },
            ),
            step(Log("becomes its follower"), |l| l.text("tour.raft_leader_crash.step3")),
            step(Log("confirmed as order 0"), |l| l.text("tour.raft_leader_crash.step4")),
            ask(
                Intervention(0),
                |l| l.text("tour.raft_leader_crash.step5"),
                &Question {
                    ask: |l| l.text("tour.raft_leader_crash.step5.ask"),
                    choices: &[node_choice!("n1"), node_choice!("n2"), node_choice!("n3"), node_choice!("n4")],
                    reveal: Log("becomes candidate for term 2"),
                    why: |l| l.text("tour.raft_leader_crash.step5.why"),
                },
            ),
            step(Log("becomes candidate for term 2"), |l| l.text("tour.raft_leader_crash.step6")),
            step(Log("try node 3"), |l| l.text("tour.raft_leader_crash.step7")),
            step(Intervention(1), |l| l.text("tour.raft_leader_crash.step8")),
        ],
    },
    Tour {
        id: "paxos-acceptor-crash",
        protocol: protosim::protocols::paxos::KIND,
        variant: "correct",
        own_scenario: None,
        title: |l| l.text("tour.paxos_acceptor_crash.title"),
        lesson: |l| l.text("tour.paxos_acceptor_crash.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.paxos_acceptor_crash.step1")),
            ask(
                Log("prepares slot 1 with ballot"),
                |l| l.text("tour.paxos_acceptor_crash.step2"),
                &Question {
                    ask: |l| l.text("tour.paxos_acceptor_crash.step2.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.paxos_acceptor_crash.step2.higher"), shows: "beaten by 1.4" },
                        Choice { label: |l| l.text("tour.paxos_acceptor_crash.step2.lower"), shows: "beaten by 1.3" },
                    ],
                    reveal: Log("loses slot 1"),
                    why: |l| l.text("tour.paxos_acceptor_crash.step2.why"),
                },
            ),
            step(Log("learns that slot 1 holds"), |l| l.text("tour.paxos_acceptor_crash.step3")),
            ask(
                Intervention(0),
                |l| l.text("tour.paxos_acceptor_crash.step4"),
                &Question {
                    ask: |l| l.text("tour.paxos_acceptor_crash.step4.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.paxos_acceptor_crash.step4.yes"), shows: "learns that slot" },
                        Choice { label: |l| l.text("tour.paxos_acceptor_crash.step4.wait"), shows: "" },
                        Choice { label: |l| l.text("tour.paxos_acceptor_crash.step4.never"), shows: "" },
                    ],
                    reveal: Log("learns that slot"),
                    why: |l| l.text("tour.paxos_acceptor_crash.step4.why"),
                },
            ),
            step(Log("learns that slot"), |l| l.text("tour.paxos_acceptor_crash.step5")),
            step(Intervention(1), |l| l.text("tour.paxos_acceptor_crash.step6")),
        ],
    },
    Tour {
        id: "2pc-blocking",
        protocol: protosim::protocols::twopc::KIND,
        variant: "correct",
        own_scenario: None,
        title: |l| l.text("tour.2pc_blocking.title"),
        lesson: |l| l.text("tour.2pc_blocking.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.2pc_blocking.step1")),
            step(Log("asks 2 services to prepare"), |l| l.text("tour.2pc_blocking.step2")),
            step(Log("votes YES: now uncertain"), |l| l.text("tour.2pc_blocking.step3")),
            step(Log("decides COMMIT"), |l| l.text("tour.2pc_blocking.step4")),
            ask(
                Intervention(0),
                |l| l.text("tour.2pc_blocking.step5"),
                &Question {
                    ask: |l| l.text("tour.2pc_blocking.step5.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.2pc_blocking.step5.commit"), shows: "" },
                        Choice { label: |l| l.text("tour.2pc_blocking.step5.abort"), shows: "" },
                        Choice { label: |l| l.text("tour.2pc_blocking.step5.wait"), shows: "must wait" },
                    ],
                    reveal: Log("blocked on txn #20"),
                    why: |l| l.text("tour.2pc_blocking.step5.why"),
                },
            ),
            ask(
                Log("blocked on txn #20"),
                |l| l.text("tour.2pc_blocking.step6"),
                &Question {
                    ask: |l| l.text("tour.2pc_blocking.step6.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.2pc_blocking.step6.commit"), shows: "decides COMMIT" },
                        Choice { label: |l| l.text("tour.2pc_blocking.step6.abort"), shows: "decides ABORT" },
                    ],
                    reveal: Log("decides"),
                    why: |l| l.text("tour.2pc_blocking.step6.why"),
                },
            ),
            step(Intervention(1), |l| l.text("tour.2pc_blocking.step7")),
            step(Log("decides ABORT for txn #20"), |l| l.text("tour.2pc_blocking.step8")),
        ],
    },
    Tour {
        id: "pessimistic-deadlock",
        protocol: protosim::protocols::locking::PESSIMISTIC,
        variant: "correct",
        own_scenario: None,
        title: |l| l.text("tour.pessimistic_deadlock.title"),
        lesson: |l| l.text("tour.pessimistic_deadlock.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.pessimistic_deadlock.step1")),
            step(Intervention(0), |l| l.text("tour.pessimistic_deadlock.step2")),
            ask(
                Log("waits for tee, behind"),
                |l| l.text("tour.pessimistic_deadlock.step3"),
                &Question {
                    ask: |l| l.text("tour.pessimistic_deadlock.step3.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.pessimistic_deadlock.step3.older"), shows: "aborts #14.1" },
                        Choice { label: |l| l.text("tour.pessimistic_deadlock.step3.younger"), shows: "aborts #15.1" },
                        Choice { label: |l| l.text("tour.pessimistic_deadlock.step3.neither"), shows: "" },
                    ],
                    reveal: Log("chosen as the deadlock victim"),
                    why: |l| l.text("tour.pessimistic_deadlock.step3.why"),
                },
            ),
            step(Log("finds a deadlock"), |l| l.text("tour.pessimistic_deadlock.step4")),
            step(Log("chosen as the deadlock victim"), |l| l.text("tour.pessimistic_deadlock.step5")),
            ask(
                Intervention(2),
                |l| l.text("tour.pessimistic_deadlock.step6"),
                &Question {
                    ask: |l| l.text("tour.pessimistic_deadlock.step6.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.pessimistic_deadlock.step6.kept"), shows: "" },
                        Choice { label: |l| l.text("tour.pessimistic_deadlock.step6.lease"), shows: "lease expired" },
                        Choice { label: |l| l.text("tour.pessimistic_deadlock.step6.free"), shows: "" },
                    ],
                    reveal: Log("its lease expired"),
                    why: |l| l.text("tour.pessimistic_deadlock.step6.why"),
                },
            ),
            step(Log("its lease expired"), |l| l.text("tour.pessimistic_deadlock.step7")),
            step(Log("fenced at token"), |l| l.text("tour.pessimistic_deadlock.step8")),
        ],
    },
    Tour {
        id: "optimistic-mug",
        protocol: protosim::protocols::locking::OPTIMISTIC,
        variant: "correct",
        own_scenario: None,
        title: |l| l.text("tour.optimistic_mug.title"),
        lesson: |l| l.text("tour.optimistic_mug.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.optimistic_mug.step1")),
            ask(
                Intervention(0),
                |l| l.text("tour.optimistic_mug.step2"),
                &Question {
                    ask: |l| l.text("tour.optimistic_mug.step2.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.optimistic_mug.step2.overwrite"), shows: "" },
                        Choice { label: |l| l.text("tour.optimistic_mug.step2.wait"), shows: "waits for" },
                        Choice { label: |l| l.text("tour.optimistic_mug.step2.refused"), shows: "refuses" },
                    ],
                    reveal: Log("refuses"),
                    why: |l| l.text("tour.optimistic_mug.step2.why"),
                },
            ),
            step(Log("refuses"), |l| l.text("tour.optimistic_mug.step3")),
            step(Log("retries in"), |l| l.text("tour.optimistic_mug.step4")),
            step(Log("commits #12.1"), |l| l.text("tour.optimistic_mug.step5")),
        ],
    },
    Tour {
        id: "optimistic-lost-update",
        protocol: protosim::protocols::locking::OPTIMISTIC,
        variant: "no-version-check",
        own_scenario: None,
        title: |l| l.text("tour.optimistic_lost_update.title"),
        lesson: |l| l.text("tour.optimistic_lost_update.lesson"),
        steps: &[
            ask(
                Start,
                |l| l.text("tour.optimistic_lost_update.step1"),
                &Question {
                    ask: |l| l.text("tour.optimistic_lost_update.step1.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.optimistic_lost_update.step1.both"), shows: "" },
                        Choice {
                            label: |l| l.text("tour.optimistic_lost_update.step1.lost"),
                            shows: "no-lost-update broken",
                        },
                        Choice { label: |l| l.text("tour.optimistic_lost_update.step1.refused"), shows: "" },
                    ],
                    reveal: Violation,
                    why: |l| l.text("tour.optimistic_lost_update.step1.why"),
                },
            ),
            step(Violation, |l| l.text("tour.optimistic_lost_update.step2")),
            step(Intervention(0), |l| l.text("tour.optimistic_lost_update.step3")),
        ],
    },
    Tour {
        id: "pessimistic-paused-holder",
        protocol: protosim::protocols::locking::PESSIMISTIC,
        variant: "correct",
        own_scenario: Some(|| paused_holder(LockService::Single)),
        title: |l| l.text("tour.paused_holder.title"),
        lesson: |l| l.text("tour.paused_holder.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.paused_holder.step1")),
            ask(
                Intervention(1),
                |l| l.text("tour.paused_holder.step2"),
                &Question {
                    ask: |l| l.text("tour.paused_holder.step2.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.paused_holder.step2.wait"), shows: "" },
                        Choice { label: |l| l.text("tour.paused_holder.step2.lease"), shows: "fences the rows" },
                        Choice { label: |l| l.text("tour.paused_holder.step2.at_once"), shows: "" },
                    ],
                    reveal: Log("lease expired"),
                    why: |l| l.text("tour.paused_holder.step2.why"),
                },
            ),
            step(Log("lease expired"), |l| l.text("tour.paused_holder.step3")),
            step(Log("grants mug to"), |l| l.text("tour.paused_holder.step4")),
            ask(
                Intervention(4),
                |l| l.text("tour.paused_holder.step5"),
                &Question {
                    ask: |l| l.text("tour.paused_holder.step5.ask"),
                    choices: &[
                        Choice {
                            label: |l| l.text("tour.paused_holder.step5.refused"),
                            shows: "fencing token is older",
                        },
                        Choice { label: |l| l.text("tour.paused_holder.step5.lost"), shows: "" },
                    ],
                    reveal: Log("refuses #1.1"),
                    why: |l| l.text("tour.paused_holder.step5.why"),
                },
            ),
            step(Log("refuses #1.1"), |l| l.text("tour.paused_holder.step6")),
        ],
    },
    Tour {
        id: "redlock-paused-holder",
        protocol: protosim::protocols::locking::PESSIMISTIC,
        variant: "correct",
        own_scenario: Some(|| paused_holder(LockService::Redlock)),
        title: |l| l.text("tour.redlock.title"),
        lesson: |l| l.text("tour.redlock.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.redlock.step1")),
            step(Log("#1.1 holds mug"), |l| l.text("tour.redlock.step2")),
            ask(
                Intervention(1),
                |l| l.text("tour.redlock.step3"),
                &Question {
                    ask: |l| l.text("tour.redlock.step3.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.redlock.step3.refused"), shows: "" },
                        Choice { label: |l| l.text("tour.redlock.step3.expire"), shows: "holds mug" },
                    ],
                    reveal: Log("holds mug"),
                    why: |l| l.text("tour.redlock.step3.why"),
                },
            ),
            step(Log("mutual-exclusion broken"), |l| l.text("tour.redlock.step4")),
            step(Log("committed: the checkout is confirmed"), |l| l.text("tour.redlock.step5")),
            ask(
                Intervention(3),
                |l| l.text("tour.redlock.step6"),
                &Question {
                    ask: |l| l.text("tour.redlock.step6.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.redlock.step6.refused"), shows: "" },
                        Choice { label: |l| l.text("tour.redlock.step6.lost"), shows: "no-lost-update broken" },
                    ],
                    reveal: Log("no-lost-update broken"),
                    why: |l| l.text("tour.redlock.step6.why"),
                },
            ),
            step(Log("no-lost-update broken"), |l| l.text("tour.redlock.step7")),
        ],
    },
    Tour {
        id: "raft-lock-paused-holder",
        protocol: protosim::protocols::locking::PESSIMISTIC,
        variant: "correct",
        own_scenario: Some(|| paused_holder(LockService::Raft)),
        title: |l| l.text("tour.raft_lock.title"),
        lesson: |l| l.text("tour.raft_lock.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.raft_lock.step1")),
            step(Log("mug is granted to #1.1"), |l| l.text("tour.raft_lock.step2")),
            ask(
                Intervention(1),
                |l| l.text("tour.raft_lock.step3"),
                &Question {
                    ask: |l| l.text("tour.raft_lock.step3.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.raft_lock.step3.refused"), shows: "" },
                        Choice { label: |l| l.text("tour.raft_lock.step3.expire"), shows: "lease ran out" },
                    ],
                    reveal: Log("lease ran out"),
                    why: |l| l.text("tour.raft_lock.step3.why"),
                },
            ),
            step(Log("mug is granted to #2"), |l| l.text("tour.raft_lock.step4")),
            step(Log("raises the fence of mug"), |l| l.text("tour.raft_lock.step5")),
            ask(
                Intervention(6),
                |l| l.text("tour.raft_lock.step6"),
                &Question {
                    ask: |l| l.text("tour.raft_lock.step6.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.raft_lock.step6.refused"), shows: "refuses #1.1" },
                        Choice { label: |l| l.text("tour.raft_lock.step6.lost"), shows: "no-lost-update broken" },
                    ],
                    reveal: Log("refuses #1.1"),
                    why: |l| l.text("tour.raft_lock.step6.why"),
                },
            ),
            step(Log("refuses #1.1"), |l| l.text("tour.raft_lock.step7")),
        ],
    },
    Tour {
        id: "raft-prevote",
        protocol: protosim::protocols::raft::KIND,
        variant: "correct",
        own_scenario: Some(|| disruption(Disruption::LonelyFollower)),
        title: |l| l.text("tour.raft_prevote.title"),
        lesson: |l| l.text("tour.raft_prevote.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.raft_prevote.step1")),
            step(Intervention(0), |l| l.text("tour.raft_prevote.step2")),
            step(Log("becomes candidate for term 4"), |l| l.text("tour.raft_prevote.step3")),
            ask(
                Intervention(1),
                |l| l.text("tour.raft_prevote.step4"),
                &Question {
                    ask: |l| l.text("tour.raft_prevote.step4.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.raft_prevote.step4.keeps"), shows: "" },
                        Choice {
                            label: |l| l.text("tour.raft_prevote.step4.deposed"),
                            shows: "steps down from leader",
                        },
                    ],
                    reveal: Log("steps down from leader"),
                    why: |l| l.text("tour.raft_prevote.step4.why"),
                },
            ),
            step(Log("wins a majority"), |l| l.text("tour.raft_prevote.step5")),
        ],
    },
    Tour {
        id: "raft-check-quorum",
        protocol: protosim::protocols::raft::KIND,
        variant: "correct",
        own_scenario: Some(|| disruption(Disruption::LonelyLeader)),
        title: |l| l.text("tour.raft_check_quorum.title"),
        lesson: |l| l.text("tour.raft_check_quorum.lesson"),
        steps: &[
            step(Start, |l| l.text("tour.raft_check_quorum.step1")),
            step(Intervention(0), |l| l.text("tour.raft_check_quorum.step2")),
            ask(
                Log("leads term 2"),
                |l| l.text("tour.raft_check_quorum.step3"),
                &Question {
                    ask: |l| l.text("tour.raft_check_quorum.step3.ask"),
                    choices: &[
                        Choice { label: |l| l.text("tour.raft_check_quorum.step3.knows"), shows: "CheckQuorum" },
                        Choice { label: |l| l.text("tour.raft_check_quorum.step3.believes"), shows: "sees term" },
                    ],
                    reveal: Log("steps down from leader"),
                    why: |l| l.text("tour.raft_check_quorum.step3.why"),
                },
            ),
            step(Log("steps down from leader"), |l| l.text("tour.raft_check_quorum.step4")),
        ],
    },
];

/// The disruption a production Raft option prevents, staged with that option off.
#[derive(Clone, Copy)]
enum Disruption {
    /// Pre-Vote off: follower n4 is cut off alone from 1 s to 3 s (n0 leads term 1 from 0.22 s).
    LonelyFollower,
    /// CheckQuorum off: the leader n0 is cut off from everyone from 1 s to 3.5 s.
    LonelyLeader,
}

fn disruption(d: Disruption) -> Scenario {
    use protosim::scenario::Action;
    let mut s = Scenario {
        protocol: protosim::protocols::raft::KIND,
        nodes: 5,
        seed: 1,
        until_ms: 5_000,
        ..Scenario::default()
    };
    let at = |at_us, action| protosim::scenario::Intervention { at_us, action };
    let (alone, heal_us) = match d {
        Disruption::LonelyFollower => {
            s.raft.prevote = false;
            (vec![4], 3_000_000)
        }
        Disruption::LonelyLeader => {
            s.raft.check_quorum = false;
            (vec![0], 3_500_000)
        }
    };
    let rest = (0..8).filter(|n| !alone.contains(n)).collect();
    s.interventions = vec![at(1_000_000, Action::Partition { groups: vec![alone, rest] }), at(heal_us, Action::Heal)];
    s
}

impl Tour {
    /// The tour's scenario: its own, or the mechanism's demo scenario, with the tour's variant.
    pub fn scenario(&self) -> Scenario {
        if let Some(own) = self.own_scenario {
            return own();
        }
        let mut s = crate::presets::default_scenario(self.protocol);
        s.variant = self.variant.to_string();
        s
    }

    /// When each step happens in `model` (the run of [`Tour::scenario`]), and what answers each question; or what
    /// does not hold: a step that does not happen, a question the run does not answer between its step and the
    /// next, or answers with none or several of its choices.
    pub fn timeline(&self, model: &Model) -> Result<Timeline, String> {
        let mut steps = Vec::with_capacity(self.steps.len());
        let mut prev = 0;
        for (k, s) in self.steps.iter().enumerate() {
            let (t, _) = s.when.find(model, prev).ok_or_else(|| {
                format!("step {} of tour {} ({}) does not happen in its run", k + 1, self.id, s.when.describe())
            })?;
            prev = t.max(prev);
            steps.push(t);
        }
        let mut answers = Vec::with_capacity(self.steps.len());
        for (k, s) in self.steps.iter().enumerate() {
            let Some(q) = s.question else {
                answers.push(None);
                continue;
            };
            let at = format!("the question of step {} of tour {}", k + 1, self.id);
            let (t, line) = q
                .reveal
                .find(model, steps[k] + 1)
                .ok_or_else(|| format!("{at}: {} does not happen after the step", q.reveal.describe()))?;
            if steps.get(k + 1).is_some_and(|&next| t > next) {
                return Err(format!("{at}: answered at {t} µs, after the next step"));
            }
            let right: Vec<usize> = (0..q.choices.len())
                .filter(|&i| !q.choices[i].shows.is_empty() && line.contains(q.choices[i].shows))
                .collect();
            match right[..] {
                [right] => answers.push(Some(Answer { at_us: t, right })),
                _ => return Err(format!("{at}: the answering line names {} choices: {line}", right.len())),
            }
        }
        Ok(Timeline { steps, answers })
    }

    /// How many questions the tour asks.
    pub fn questions(&self) -> usize {
        self.steps.iter().filter(|s| s.question.is_some()).count()
    }

    /// This tour's step `k` (from 0) as the parameters of a link: `&tour=…&step=k+1`.
    pub fn link_params(&self, k: usize) -> String {
        format!("&tour={}&step={}", self.id, k + 1)
    }
}

pub fn by_id(id: &str) -> Option<&'static Tour> {
    TOURS.iter().find(|t| t.id == id)
}

/// The tour and its step (from 0) a link's fragment names (`&tour=…&step=3`, the step counted from 1; the first
/// step when there is none, the last when there are fewer).
pub fn from_fragment(fragment: &str) -> Option<(&'static Tour, usize)> {
    let tour = by_id(crate::lang::fragment_param(fragment, "tour")?)?;
    let step = crate::lang::fragment_param(fragment, "step").and_then(|s| s.parse::<usize>().ok()).unwrap_or(1);
    Some((tour, step.clamp(1, tour.steps.len()) - 1))
}

#[derive(Properties, PartialEq)]
pub struct TourListProps {
    pub on_pick: Callback<&'static Tour>,
}

/// The tours, grouped by mechanism.
#[component]
pub fn TourList(props: &TourListProps) -> Html {
    let lang = crate::lang::use_lang();
    html! {
        <section class="tours panel" aria-label={lang.text("tour.ui.heading")} data-testid="tours" lang={lang.tag}>
            <h2>{ lang.text("tour.ui.heading") }</h2>
            <p>{ lang.text("tour.ui.intro") }</p>
            <ul>
                { for TOURS.iter().map(|t| {
                    let on_pick = props.on_pick.clone();
                    let summary = note!(
                        "tour.ui.summary",
                        lesson = (t.lesson)(lang),
                        steps = t.steps.len(),
                        questions = t.questions()
                    );
                    html! {
                        <li>
                            <button onclick={Callback::from(move |_| on_pick.emit(t))} data-tour={t.id}>
                                <strong>{ (t.title)(lang) }</strong>
                                <span>{ " — " }{ lang.render(&summary) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct TourCardProps {
    pub tour: &'static Tour,
    pub times: Result<Timeline, String>,
    pub step: usize,
    /// The choice the student picked for this step's question.
    #[prop_or_default]
    pub chosen: Option<usize>,
    /// Whether the player has reached the moment that answers this step's question.
    #[prop_or_default]
    pub revealed: bool,
    pub on_step: Callback<usize>,
    /// The student picks a choice of this step's question.
    #[prop_or_default]
    pub on_choose: Callback<usize>,
    pub on_close: Callback<()>,
}

/// The narration card of a tour in progress, with previous and next, the step's own link and its question.
#[component]
pub fn TourCard(props: &TourCardProps) -> Html {
    let lang = crate::lang::use_lang();
    let n = props.tour.steps.len();
    let k = props.step.min(n - 1);
    let go = |to: usize| {
        let on_step = props.on_step.clone();
        Callback::from(move |_| on_step.emit(to))
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_| on_close.emit(()))
    };
    let link = step_link(props.tour, k);
    html! {
        <section class="tour-card" aria-label={lang.text("tour.ui.card")} data-testid="tour-card" data-step={k.to_string()}
                 data-steps={n.to_string()} lang={lang.tag}>
            <header>
                <strong>{ (props.tour.title)(lang) }</strong>
                <button class="ghost" onclick={close} aria-label={lang.text("tour.ui.leave")}>{ "✕" }</button>
            </header>
            <p class="muted">
                { lang.render(&note!("tour.ui.step_of", k = k + 1, n)) }
                { " · " }
                <a href={link} data-testid="tour-link" title={lang.text("tour.ui.link_title")}>{ lang.text("tour.ui.link") }</a>
            </p>
            { match &props.times {
                Ok(times) => html! {
                    <>
                        <p class="narration" aria-live="polite" data-testid="tour-text">{ (props.tour.steps[k].text)(lang) }</p>
                        if let (Some(q), Some(answer)) = (props.tour.steps[k].question, times.answers.get(k).copied().flatten()) {
                            { question(lang, q, answer, props) }
                        }
                    </>
                },
                Err(e) => html! { <p class="banner error" data-testid="tour-error">{ e.clone() }</p> },
            } }
            <div class="tour-nav">
                <button onclick={go(k.saturating_sub(1))} disabled={k == 0} data-testid="tour-prev" title="PageUp">
                    { lang.text("tour.ui.previous") }
                </button>
                <button class="primary" onclick={go(k + 1)} disabled={k + 1 >= n} data-testid="tour-next" title="PageDown">
                    { lang.text("tour.ui.next") }
                </button>
            </div>
        </section>
    }
}

/// The link that opens `tour` at step `k` (from 0), in the reader's language.
pub fn step_link(tour: &Tour, k: usize) -> String {
    format!("#{}{}{}", tour.scenario().to_compact(), tour.link_params(k), crate::lang::link_suffix())
}

/// A step's question: its choices until the run answers it, then who was right and why.
fn question(lang: &Language, q: &Question, answer: Answer, props: &TourCardProps) -> Html {
    let label = |i: usize| (q.choices[i].label)(lang);
    let verdict = match props.chosen {
        Some(c) if c == answer.right => note!("tour.ui.right", answer = label(answer.right)),
        Some(c) => note!("tour.ui.wrong", choice = label(c), answer = label(answer.right)),
        None => note!("tour.ui.shown", answer = label(answer.right)),
    };
    let outcome = match props.chosen {
        Some(c) if c == answer.right => "right",
        Some(_) => "wrong",
        None => "none",
    };
    html! {
        <div class="tour-question" role="group" aria-label={lang.text("tour.ui.predict")} data-testid="tour-question">
            <p><strong>{ lang.text("tour.ui.predict") }{ " " }</strong>{ (q.ask)(lang) }</p>
            <div class="choices">
                { for (0..q.choices.len()).map(|i| {
                    let on_choose = props.on_choose.clone();
                    let right = props.revealed && i == answer.right;
                    html! {
                        <button onclick={Callback::from(move |_| on_choose.emit(i))} data-testid="tour-choice"
                                data-choice={i.to_string()} aria-pressed={(props.chosen == Some(i)).to_string()}
                                disabled={props.chosen.is_some() || props.revealed}
                                class={classes!(right.then_some("right"), (props.chosen == Some(i)).then_some("chosen"))}>
                            { label(i) }
                        </button>
                    }
                }) }
            </div>
            if props.revealed {
                <p class={classes!("reveal", outcome)} role="status" data-testid="tour-reveal" data-outcome={outcome}>
                    <strong>{ lang.render(&verdict) }</strong>{ " " }{ (q.why)(lang) }
                </p>
            } else if let Some(c) = props.chosen {
                <p class="muted" role="status" data-testid="tour-waiting">{ lang.render(&note!("tour.ui.waiting", choice = label(c))) }</p>
            }
        </div>
    }
}

/// The paused lock holder (Kleppmann, "How to do distributed locking", 2016), in a quiet shop (two storage nodes,
/// two shoppers, 10 ms links, no random checkouts): shopper0 buys a mug at 0.5 s and its process freezes just
/// before it writes, until 2.1 s (three leases); shopper1 buys a mug at 0.7 s; the network heals at 2.2 s. With one
/// lock manager or the Raft lock service, the links from the lock servers to shopper0 are cut as well (a holder
/// cannot count on hearing that its lease ended), and fencing refuses the stale write; with Redlock nothing can, and
/// one sale is lost. Under Raft the lock takes a log round trip more, so shopper0 writes later (the pause moves).
fn paused_holder(service: LockService) -> Scenario {
    // Under Raft, shopper0 writes at this time plus 1 µs (found by a run without the pause).
    const PAUSE_RAFT_US: u64 = 599_999;
    use protosim::scenario::{Action, Line, LinkSettings};
    let mut s = Scenario {
        protocol: protosim::protocols::locking::PESSIMISTIC,
        nodes: 2,
        shoppers: 2,
        seed: 5,
        until_ms: 6_000,
        ..Scenario::default()
    };
    s.locking.service = service;
    s.workload.rate_per_s = 0.0;
    s.network.default = LinkSettings { latency_us_min: 10_000, latency_us_max: 10_000, loss: 0.0, dup: 0.0 };
    let (a, b) = (service.lock_servers() + 2, service.lock_servers() + 3);
    let mug = |at_us, shopper, customer| protosim::scenario::Intervention {
        at_us,
        action: Action::Checkout { shopper, customer, lines: vec![Line { item: 0, qty: 1 }] },
    };
    let at = |at_us, action| protosim::scenario::Intervention { at_us, action };
    let pause_us = if service == LockService::Raft { PAUSE_RAFT_US } else { 559_999 };
    s.interventions = vec![mug(500_000, a, 1), at(pause_us, Action::Pause { node: a })];
    if service != LockService::Redlock {
        for server in 0..service.lock_servers() {
            s.interventions.push(at(pause_us, Action::Cut { from: server, to: a }));
        }
    }
    s.interventions.extend([
        mug(700_000, b, 0),
        at(2_100_000, Action::Resume { node: a }),
        at(2_200_000, Action::Heal),
    ]);
    s
}
