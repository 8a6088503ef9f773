//! Guided tours: for each mechanism one or two scripted runs with step-by-step narration for a classroom.
//!
//! A step does not hard-code a time: it names *what* it waits for (an intervention of the scenario, the first log
//! line after the previous step that contains some words, the first violation), and the tour finds that moment in
//! the run. A browser test plays every tour to its end, so a narration that no longer matches its run fails the
//! test instead of lying to a class.

use crate::model::Model;
use protosim::i18n::ENGLISH;
use protosim::scenario::ProtocolKind;
use protosim::Scenario;
use yew::prelude::*;

/// The moment a step shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum When {
    Start,
    /// The scenario's intervention number `k` (its own order).
    Intervention(usize),
    /// The first event-log line, at or after the previous step, whose text contains these words.
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
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    pub when: When,
    pub text: &'static str,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tour {
    pub id: &'static str,
    pub protocol: ProtocolKind,
    pub variant: &'static str,
    pub title: &'static str,
    pub lesson: &'static str,
    pub steps: &'static [Step],
}

const fn step(when: When, text: &'static str) -> Step {
    Step { when, text }
}

use When::{Intervention, Log, Start, Violation};

pub const TOURS: &[Tour] = &[
    Tour {
        id: "single-retry",
        protocol: protosim::protocols::single::KIND,
        variant: "correct",
        title: "One database: crash, retry, no double charge",
        lesson: "why retries need request ids",
        steps: &[
            step(
                Start,
                "Three shoppers send checkouts to one database. It runs each checkout atomically and writes \
                         it to disk before it answers.",
            ),
            step(
                Log("runs request #1 atomically"),
                "The first request arrives: stock and wallet change together, \
                 the order goes to disk, then the reply leaves. Nothing is confirmed that is not on disk.",
            ),
            step(
                Intervention(0),
                "The database crashes now. Its memory is gone; its disk is kept. Watch the \
                 shoppers: they get no answer.",
            ),
            step(
                Log("retry 2 with the same request id"),
                "A shopper's retry timer fires. It sends the same request \
                 again, with the same request id: if the first attempt had gone through, the database would \
                 recognise it and not charge twice.",
            ),
            step(
                Intervention(1),
                "The database restarts and reads its orders back from disk: nothing it confirmed \
                 is lost.",
            ),
            step(
                Log("after 3 attempts"),
                "The third attempt gets through: one order, one charge, however many \
                 times the shopper had to ask.",
            ),
        ],
    },
    Tour {
        id: "raft-leader-crash",
        protocol: protosim::protocols::raft::KIND,
        variant: "correct",
        title: "Raft: election, then the leader crashes",
        lesson: "randomized timeouts, majorities, the new leader",
        steps: &[
            step(
                Start,
                "Five servers start as followers with no leader. Each waits a randomized election timeout; \
                 whoever's timer fires first asks the others for votes.",
            ),
            step(
                Log("becomes candidate for term 1"),
                "A timer fired: this server becomes a candidate for term 1, \
                 votes for itself and asks everyone else for a vote.",
            ),
            step(
                Log("becomes its follower"),
                "It collected a majority (3 of 5) and is leader of term 1. The others \
                 learn it from its heartbeats and become followers.",
            ),
            step(
                Log("confirmed as order 0"),
                "The first checkout is confirmed: the leader appended it to its log, \
                 copied it to a majority, and only then answered.",
            ),
            step(
                Intervention(0),
                "The leader n0 crashes now. Followers stop hearing heartbeats; watch which \
                 follower's election timer fires first.",
            ),
            step(
                Log("becomes candidate for term 2"),
                "This follower's timer fired first: it starts term 2. Voters \
                 only vote for a candidate whose log is at least as up to date as their own, so no confirmed order \
                 can be lost.",
            ),
            step(
                Log("try node 4"),
                "n4 won term 2. Followers now send shoppers to the new leader; checkouts flow \
                 again.",
            ),
            step(
                Intervention(1),
                "n0 restarts from disk as a follower of the old term. It learns of term 2 from \
                 the new leader and catches its log up.",
            ),
        ],
    },
    Tour {
        id: "paxos-acceptor-crash",
        protocol: protosim::protocols::paxos::KIND,
        variant: "correct",
        title: "Paxos: choosing values with a majority",
        lesson: "prepare / accept, and why 2 of 3 is enough",
        steps: &[
            step(
                Start,
                "Two order services (proposers) choose which checkout fills each slot of the order log. \
                 Three acceptors vote; a value is chosen once a majority accepts it.",
            ),
            step(
                Log("prepares slot 1 with ballot"),
                "Phase 1: the proposer asks the acceptors to promise to ignore \
                 any lower ballot, and to tell it what they already accepted.",
            ),
            step(
                Log("learns that slot 1 holds"),
                "Phase 2 done: a majority accepted checkout #1 in slot 1, so it is \
                 chosen, forever. Every proposer learns the same value.",
            ),
            step(Intervention(0), "acceptor1 crashes now. Two of three acceptors are still a majority."),
            step(
                Log("learns that slot"),
                "A slot is chosen without acceptor1: any two majorities of three share an \
                 acceptor, and that overlap is what keeps two different values from both being chosen.",
            ),
            step(
                Intervention(1),
                "acceptor1 restarts. Its promises and accepted values come back from disk: an \
                 acceptor that forgot its promises could let an old ballot win.",
            ),
        ],
    },
    Tour {
        id: "2pc-blocking",
        protocol: protosim::protocols::twopc::KIND,
        variant: "correct",
        title: "Two-phase commit: the coordinator crashes",
        lesson: "why 2PC blocks",
        steps: &[
            step(
                Start,
                "The order service coordinates each checkout across the stock shards and the payment \
                 service: first everyone prepares, then everyone commits or everyone aborts.",
            ),
            step(
                Log("asks 2 services to prepare"),
                "Phase 1: the coordinator logs the transaction and asks the \
                 services it touches to prepare.",
            ),
            step(
                Log("votes YES: now uncertain"),
                "A participant reserves the stock, writes “prepared” to disk and \
                 votes YES. From now on it may not decide alone: it is uncertain.",
            ),
            step(
                Log("decides COMMIT"),
                "Every vote was YES: the coordinator logs COMMIT, then tells everyone. The \
                 decision is the log record, not the messages.",
            ),
            step(Intervention(0), "The coordinator crashes now, just after asking to prepare transaction #20."),
            step(
                Log("blocked on txn #20"),
                "The participants voted YES and hear nothing. They hold stock and money \
                 and can neither commit nor abort: this is 2PC's blocking problem. Watch the blocked-time chart.",
            ),
            step(Intervention(1), "The coordinator restarts and reads its log."),
            step(
                Log("decides ABORT for txn #20"),
                "No decision was logged for #20, so it presumes abort and tells \
                 everyone: the reserved stock and money are released.",
            ),
        ],
    },
    Tour {
        id: "pessimistic-deadlock",
        protocol: protosim::protocols::locking::PESSIMISTIC,
        variant: "correct",
        title: "Pessimistic locking: deadlock, leases and fencing",
        lesson: "wait-for cycles, and why a lock needs a fencing token",
        steps: &[
            step(
                Start,
                "A lock manager hands out locks on rows (stock of each item, each wallet). A checkout locks \
                 every row it writes, writes, commits, then unlocks.",
            ),
            step(
                Intervention(0),
                "Two carts start together, in opposite order: one locks mug then tee, the other \
                 tee then mug.",
            ),
            step(
                Log("waits for tee, behind"),
                "A checkout waits for a lock another holds. The lock table in the \
                 lock manager's box shows the queue.",
            ),
            step(
                Log("finds a deadlock"),
                "Each waits for the other: a cycle in the wait-for graph (drawn red in \
                 the side panel). Nobody can move.",
            ),
            step(
                Log("chosen as the deadlock victim"),
                "The lock manager aborts the youngest checkout in the cycle; \
                 it backs off and retries, and both carts get through.",
            ),
            step(Intervention(2), "A shopper crashes just after sending its writes, holding locks."),
            step(
                Log("its lease expired"),
                "Its lease runs out: the lock manager takes the locks back. Before it \
                 grants them again it fences the rows, so the storage refuses any write with an older token.",
            ),
            step(
                Log("fenced at token"),
                "The storage nodes confirm the fence. Even if the crashed shopper's old \
                 write shows up late, it will be refused.",
            ),
        ],
    },
    Tour {
        id: "optimistic-mug",
        protocol: protosim::protocols::locking::OPTIMISTIC,
        variant: "correct",
        title: "Optimistic locking: six shoppers, one mug",
        lesson: "versions, conflicts and back-off",
        steps: &[
            step(
                Start,
                "No locks: each checkout reads rows with their version, then writes only if the version \
                 is unchanged.",
            ),
            step(Intervention(0), "Six shoppers buy a mug at the same moment. All six read the same version."),
            step(
                Log("refuses"),
                "The storage refuses a write: the mug changed since it was read. The box flashes \
                 red: this is a conflict, not an error.",
            ),
            step(
                Log("retries in"),
                "The loser backs off for a random time (longer each attempt) and tries again \
                 with fresh values.",
            ),
            step(Log("commits #12.1"), "One write wins per version. The others retry; no update is lost."),
        ],
    },
    Tour {
        id: "optimistic-lost-update",
        protocol: protosim::protocols::locking::OPTIMISTIC,
        variant: "no-version-check",
        title: "The textbook mistake: writing without checking the version",
        lesson: "lost updates (article §4.5)",
        steps: &[
            step(
                Start,
                "The optimistic shop again, but the storage writes without comparing versions, as in the \
                 article's snippet. Watch what happens when two checkouts read the same row.",
            ),
            step(
                Violation,
                "An invariant breaks: two checkouts read the same stock and both wrote “one less”, so \
                 one sale vanished from the stock count: a lost update. The explorer paused at the exact event; \
                 step back with ← to see the two reads.",
            ),
            step(
                Intervention(0),
                "Later six shoppers buy a mug at the same moment. Nobody is refused any more: \
                 every write lands, and the count goes wrong again.",
            ),
        ],
    },
];

impl Tour {
    /// The tour's scenario: the mechanism's demo scenario, with the tour's variant.
    pub fn scenario(&self) -> Scenario {
        let mut s = crate::presets::default_scenario(self.protocol);
        s.variant = self.variant.to_string();
        s
    }

    /// When each step happens in `model` (the run of [`Tour::scenario`]), or the first step that cannot be found.
    pub fn times(&self, model: &Model) -> Result<Vec<u64>, String> {
        let mut out = Vec::with_capacity(self.steps.len());
        let mut prev = 0;
        for (k, s) in self.steps.iter().enumerate() {
            let t = match s.when {
                Start => Some(0),
                Intervention(i) => model.scenario.interventions.get(i).map(|x| x.at_us),
                Log(words) => {
                    let from = model.log.partition_point(|l| l.t_us < prev);
                    model.log[from..].iter().find(|l| l.text(&ENGLISH).contains(words)).map(|l| l.t_us)
                }
                Violation => model.violations.first().map(|v| v.t_us),
            };
            let t = t.ok_or_else(|| {
                format!("step {} of tour {} ({}) does not happen in its run", k + 1, self.id, s.when.describe())
            })?;
            prev = t.max(prev);
            out.push(t);
        }
        Ok(out)
    }
}

pub fn by_id(id: &str) -> Option<&'static Tour> {
    TOURS.iter().find(|t| t.id == id)
}

#[derive(Properties, PartialEq)]
pub struct TourListProps {
    pub on_pick: Callback<&'static Tour>,
}

/// The tours, grouped by mechanism.
#[component]
pub fn TourList(props: &TourListProps) -> Html {
    html! {
        <section class="tours panel" aria-label="Guided tours" data-testid="tours">
            <h2>{ "Guided tours" }</h2>
            <p>{ "Scripted runs with narration, step by step: press a tour, then Next and Previous. Each step jumps \
                  to its moment and pauses, so a class can look before going on." }</p>
            <ul>
                { for TOURS.iter().map(|t| {
                    let on_pick = props.on_pick.clone();
                    html! {
                        <li>
                            <button onclick={Callback::from(move |_| on_pick.emit(t))} data-tour={t.id}>
                                <strong>{ t.title }</strong>
                                <span>{ format!(" — {} · {} steps", t.lesson, t.steps.len()) }</span>
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
    pub times: Result<Vec<u64>, String>,
    pub step: usize,
    pub on_step: Callback<usize>,
    pub on_close: Callback<()>,
}

/// The narration card of a tour in progress, with previous and next.
#[component]
pub fn TourCard(props: &TourCardProps) -> Html {
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
    html! {
        <section class="tour-card" aria-label="Tour" data-testid="tour-card" data-step={k.to_string()}
                 data-steps={n.to_string()}>
            <header>
                <strong>{ props.tour.title }</strong>
                <button class="ghost" onclick={close} aria-label="Leave the tour">{ "✕" }</button>
            </header>
            <p class="muted">{ format!("Step {} of {n}", k + 1) }</p>
            { match &props.times {
                Ok(_) => html! { <p class="narration" aria-live="polite" data-testid="tour-text">{ props.tour.steps[k].text }</p> },
                Err(e) => html! { <p class="banner error" data-testid="tour-error">{ e.clone() }</p> },
            } }
            <div class="tour-nav">
                <button onclick={go(k.saturating_sub(1))} disabled={k == 0} data-testid="tour-prev">{ "◀ Previous" }</button>
                <button class="primary" onclick={go(k + 1)} disabled={k + 1 >= n} data-testid="tour-next">{ "Next ▶" }</button>
            </div>
        </section>
    }
}
