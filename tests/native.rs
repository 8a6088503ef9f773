//! Native checks of the app's scripted content: every guided tour finds each of its moments in its run, in order.
#![cfg(not(target_arch = "wasm32"))]

use checkout_explorer::app::run_for_playback;
use checkout_explorer::tours::TOURS;

#[test]
fn every_tour_step_happens_in_its_run_in_order() {
    let mut per_protocol = std::collections::BTreeMap::new();
    for tour in TOURS {
        let model = run_for_playback(&tour.scenario()).unwrap();
        let times = tour.timeline(&model).unwrap_or_else(|e| panic!("{e}")).steps;
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{}: steps out of time order {times:?}", tour.id);
        assert!(times.iter().skip(1).any(|&t| t > 0), "{}: the tour moves", tour.id);
        *per_protocol.entry(tour.protocol.name()).or_insert(0) += 1;
    }
    for kind in protosim::protocols::kinds() {
        let n = per_protocol.get(kind.name()).copied().unwrap_or(0);
        // Pessimistic locking has three lock services, each with its lesson about a paused holder.
        assert!((1..=4).contains(&n), "{}: {n} tours (one to four each)", kind.name());
    }
}

/// Every tour asks the class at least one question, and each question's right answer is true of its run: the run
/// answers it after the step that asks it and no later than the next step, with a log line that names exactly one
/// of its choices (that one is right; [`checkout_explorer::tours::Tour::timeline`] finds it). The answers the page
/// reveals are checked here against the events themselves too.
#[test]
fn every_tour_asks_a_question_that_its_run_answers() {
    use protosim::i18n::{ENGLISH, LANGUAGES};
    let expected = [
        ("single-retry", 2, "Yes: the reply is already on its way"),
        ("raft-leader-crash", 1, "3 votes"),
        ("raft-leader-crash", 4, "n3"),
        ("paxos-acceptor-crash", 1, "1.4, orders2's"),
        ("paxos-acceptor-crash", 3, "Yes, with the two acceptors left"),
        ("2pc-blocking", 4, "Wait, holding the stock and the money"),
        ("2pc-blocking", 5, "ABORT"),
        ("pessimistic-deadlock", 2, "#15.1, the younger one"),
        ("pessimistic-deadlock", 5, "The lock manager takes them back when their lease runs out"),
        ("optimistic-mug", 1, "The storage refuses them"),
        ("optimistic-lost-update", 0, "One sale vanishes from the count"),
        ("pessimistic-paused-holder", 1, "Takes the lock back when the lease runs out, and fences the row"),
        ("pessimistic-paused-holder", 4, "The storage refuses it: its token is older than the fence"),
        ("redlock-paused-holder", 2, "The keys expire and shopper1 takes the lock from a majority"),
        ("redlock-paused-holder", 5, "It lands on top of shopper1's sale: an update is lost"),
        ("raft-lock-paused-holder", 2, "The leader logs the lease's expiry, and then grants the mug to shopper1"),
        ("raft-lock-paused-holder", 5, "The storage refuses it: its token is older than the fence"),
        ("raft-prevote", 3, "n0 steps down, and the cluster holds an election it did not need"),
        ("raft-check-quorum", 2, "It still believes it leads term 1, until it hears of term 2"),
    ];
    let mut asked = Vec::new();
    for tour in TOURS {
        let model = run_for_playback(&tour.scenario()).unwrap();
        let timeline = tour.timeline(&model).unwrap_or_else(|e| panic!("{e}"));
        assert!(tour.questions() >= 1, "{}: asks the class at least one question", tour.id);
        for (k, step) in tour.steps.iter().enumerate() {
            let Some(q) = step.question else { continue };
            assert!((2..=4).contains(&q.choices.len()), "{} step {}: two to four choices", tour.id, k + 1);
            let answer = timeline.answers[k].unwrap_or_else(|| panic!("{} step {}: answered", tour.id, k + 1));
            assert!(answer.at_us > timeline.steps[k], "{} step {}: answered after it is asked", tour.id, k + 1);
            if let Some(&next) = timeline.steps.get(k + 1) {
                assert!(answer.at_us <= next, "{} step {}: answered by the next step", tour.id, k + 1);
            }
            for lang in LANGUAGES {
                for text in [(q.ask)(lang), (q.why)(lang)].into_iter().chain(q.choices.iter().map(|c| (c.label)(lang)))
                {
                    assert!(
                        !text.is_empty() && !text.starts_with('['),
                        "{}: {} step {}: {text}",
                        lang.tag,
                        tour.id,
                        k + 1
                    );
                }
            }
            asked.push((tour.id, k, (q.choices[answer.right].label)(&ENGLISH)));
        }
    }
    let expected: Vec<_> = expected.iter().map(|&(id, k, label)| (id, k, label.to_string())).collect();
    assert_eq!(asked, expected, "the questions and their right answers, as the runs give them");
    // And read against the events directly: the server that stood for term 2 first (the right answer) is the one
    // that leads it, as step 7 says.
    let raft = checkout_explorer::tours::by_id("raft-leader-crash").unwrap();
    let model = run_for_playback(&raft.scenario()).unwrap();
    let leader = model.log.iter().map(|l| l.text(&ENGLISH)).find(|t| t.contains("leads term 2")).unwrap();
    assert!(leader.starts_with("n3:"), "{leader}");
}

#[test]
fn imported_text_of_every_kind_is_read_or_refused_with_a_reason() {
    use checkout_explorer::share::import_text;
    let s = checkout_explorer::app::default_scenario(protosim::protocols::twopc::KIND);
    assert_eq!(import_text(&s.to_json_pretty()).unwrap(), s);
    assert_eq!(import_text(&format!("  https://x.example/#{}\n", s.to_compact())).unwrap(), s, "a pasted link");
    let with_lang = format!("https://x.example/#{}&lang=zh-CN", s.to_compact());
    assert_eq!(import_text(&with_lang).unwrap(), s, "a link that carries its language");
    // A fragment with parameters: the scenario is the part that is not one; a language alone opens the default.
    let (opened, error) = checkout_explorer::app::scenario_for_fragment(&format!("#{}&lang=zh-CN", s.to_compact()));
    assert!(error.is_none() && opened == s);
    let (_, error) = checkout_explorer::app::scenario_for_fragment("#lang=zh-CN");
    assert!(error.is_none(), "a language alone is not a broken link: {error:?}");
    let trace = format!("{{\"scenario\": {}, \"trace_hash\": \"0\", \"events\": []}}", s.to_json());
    assert_eq!(import_text(&trace).unwrap(), s, "an exported trace");
    for bad in
        ["", "   ", "{", "[]", "null", "{\"scenario\": {\"protocol\": 7}, \"events\": []}", "s1.", "#s1.!!", "\u{0}"]
    {
        let e = protosim::i18n::render(&import_text(bad).expect_err(bad));
        assert!(e.len() > 10 && !e.contains('['), "{bad:?}: the reason is given ({e})");
    }
}

#[test]
fn a_run_too_long_for_the_page_is_cut_with_a_message() {
    // The page's cap is a million events; the same code with a smaller cap keeps this test quick.
    let cap = 50_000;
    let mut s = protosim::pinned::raft_steady_load(5, 60_000);
    s.limits.max_events = 50_000_000;
    let m = checkout_explorer::app::run_capped(&s, cap).unwrap();
    let why = protosim::i18n::render(m.cut_short.as_ref().expect("cut short, with a message"));
    assert!(why.contains("cut after 50,000 events") && why.contains("protosim"), "{why}");
    assert_eq!(m.events, cap);
    assert!(m.end_us < 60_000_000);
    assert_eq!(m.scenario, s, "the scenario (and its share link) stay as the user made them");
    // A run that fits is not touched.
    let small = run_for_playback(&protosim::pinned::raft_steady_load(5, 1_000)).unwrap();
    assert!(small.cut_short.is_none());
}

#[test]
fn big_numbers_are_grouped_by_thousands() {
    use checkout_explorer::app::group_thousands;
    let cases = [(0, "0"), (999, "999"), (1_000, "1,000"), (50_000, "50,000"), (1_618_446, "1,618,446")];
    for (n, text) in cases {
        assert_eq!(group_thousands(n), text);
    }
}

#[test]
fn an_exported_trace_is_the_whole_run_event_for_event_and_imports_back() {
    use checkout_explorer::share::{import_text, trace_json};
    let mut s = checkout_explorer::app::default_scenario(protosim::protocols::raft::KIND);
    s.until_ms = 3_000;
    s.interventions.retain(|i| i.at_us <= 3_000_000);
    let r = protosim::run(&s, protosim::RecordOptions { narrate: true, checkpoint_every: 0 }).unwrap();
    let text = trace_json(&s).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).expect("the pieces make one JSON document");
    let events = v["events"].as_array().unwrap();
    assert_eq!(events.len(), r.trace().len(), "every event, once");
    assert_eq!(events[0], serde_json::to_value(&r.trace()[0]).unwrap());
    assert_eq!(events.last(), serde_json::to_value(r.trace().last().unwrap()).ok().as_ref());
    assert_eq!(v["trace_hash"].as_str(), Some(protosim::Report::of(r.as_ref()).trace_hash.as_str()));
    assert_eq!(import_text(&text).unwrap(), s);
}

/// Every protocol describes itself completely: its page scenario runs with every rule and liveness holding, every
/// message it sends has a label, every measurement it records is declared with a unit, and it names the protocol
/// the Compare view opens against. A new protocol that forgets one of these fails here.
#[test]
fn every_protocol_describes_itself_and_its_default_scenario_runs() {
    use protosim::liveness::LivenessVerdict;
    use protosim::trace::Ev;
    let kinds: Vec<_> = protosim::protocols::kinds().collect();
    for (i, k) in kinds.iter().enumerate() {
        assert!(!kinds[..i].contains(k), "{k} is registered twice");
    }
    for kind in protosim::protocols::kinds() {
        let info = protosim::protocols::info(kind);
        assert_eq!(info.kind, kind);
        assert!(protosim::protocols::try_info(info.compare_with).is_some(), "{kind}: compares with a registered one");
        assert!(info.variants.first().is_some_and(|v| v.name == "correct"), "{}", kind.name());
        assert!(info.variants.iter().all(|v| !v.explain.is_empty()), "{}", kind.name());
        assert_ne!(info.compare_with, kind, "{}: compares with another protocol", kind.name());
        let s = checkout_explorer::app::default_scenario(kind);
        let r = protosim::run(&s, protosim::RecordOptions::default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(r.violations().is_empty(), "{}: {:?}", kind.name(), r.violations());
        let report = protosim::Report::of(r.as_ref());
        assert_ne!(report.liveness.verdict, LivenessVerdict::Broken, "{}: {}", kind.name(), report.liveness.describe());
        let (mut sends, mut replies) = (0, 0);
        for e in r.trace() {
            if let Ev::Send { label, kind: k, .. } = &e.ev {
                assert!(!label.trim().is_empty(), "{}: a message without a label", kind.name());
                sends += 1;
                replies += usize::from(*k != protosim::trace::MsgKind::Request);
            }
        }
        assert!(sends > 0, "{}: the scenario sends messages", kind.name());
        // Shoppers are answered: the protocol declares which of its messages are replies (the page draws them so).
        assert!(replies > 0, "{}: no message is declared a reply (Message::kind)", kind.name());
        assert_eq!(s.protocol, kind, "{}: its lesson is a scenario of its own", kind.name());
        // Every option it declares takes each of its values (validated, read back) and refuses a wrong one.
        for o in info.options {
            use protosim::protocols::meta::OptionValues;
            let values: Vec<String> = match o.values {
                OptionValues::Flag { .. } => vec!["true".into(), "false".into()],
                OptionValues::Count { min, max, .. } => (min..=max).map(|n| n.to_string()).collect(),
                OptionValues::OneOf(names) => names.iter().map(|n| n.to_string()).collect(),
            };
            for v in values {
                // As the page and the CLI set it: a change of topology carries the interventions along.
                let t = protosim::compare::set_option(&s, o, &v)
                    .unwrap_or_else(|e| panic!("{}: {}", kind.name(), protosim::i18n::render(&e)));
                assert_eq!(o.get(&t), v, "{}: option {} reads back", kind.name(), o.name);
                protosim::Scenario::from_json(&t.to_json())
                    .unwrap_or_else(|e| panic!("{}: {} = {v}: {e}", kind.name(), o.name));
            }
            assert!(o.set(&mut s.clone(), "no such value").is_err(), "{}: {} refuses nonsense", kind.name(), o.name);
        }
        for name in r.metrics().samples.keys() {
            assert!(
                info.metrics.iter().any(|m| m.name == *name),
                "{}: records `{name}` without declaring it in ProtocolInfo::metrics",
                kind.name()
            );
        }
        let names: Vec<String> = r.views_at(0).into_iter().map(|v| v.name).collect();
        assert_eq!(names.len(), usize::from(s.total_nodes()), "{}", kind.name());
        assert!(names.iter().all(|n| !n.is_empty()), "{}: {names:?}", kind.name());
    }
}

/// A tour question plays on to its answer faster when it is far, and puts the reader's speed back on arrival;
/// a speed the reader picks meanwhile is theirs to keep.
#[test]
fn playing_to_an_answer_speeds_up_and_then_puts_the_speed_back() {
    use checkout_explorer::player::{Player, PlayerAction, PLAY_TO_MAX_MS, SPEED_LOG_DEFAULT};
    use std::rc::Rc;
    use yew::Reducible;
    let start = Rc::new(Player {
        cursor_us: 0.0,
        start_us: 0,
        end_us: 60_000_000,
        playing: false,
        speed_log: SPEED_LOG_DEFAULT,
        pause_at: None,
        speed_before: None,
        partial: false,
        pending_us: None,
    });
    let far = 30_000_000;
    let mut p = start.clone().reduce(PlayerAction::PlayTo(far));
    assert!(p.playing && p.speed_log > SPEED_LOG_DEFAULT, "30 s away at 0.05x: faster");
    let mut frames = 0;
    while p.playing {
        p = p.reduce(PlayerAction::Tick(16.0));
        frames += 1;
    }
    assert_eq!(p.cursor_us, far as f64, "paused at the answer");
    assert!(f64::from(frames) * 16.0 <= PLAY_TO_MAX_MS + 16.0, "in at most {PLAY_TO_MAX_MS} ms ({frames} frames)");
    assert_eq!(p.speed_log, SPEED_LOG_DEFAULT, "the reader's speed is back");
    // The reader picks a speed on the way: it stays.
    let mut p = start.reduce(PlayerAction::PlayTo(far)).reduce(PlayerAction::Speed(1.0));
    while p.playing {
        p = p.reduce(PlayerAction::Tick(16.0));
    }
    assert_eq!(p.speed_log, 1.0, "their own pick stays");
}

/// A long run plays while it is simulated: at the end of what is computed playing waits (it does not stop), a seek
/// beyond it goes there once it is computed, and a violation found in the newer part still pauses playing once.
#[test]
fn playing_waits_at_the_computed_end_and_goes_on_when_more_is_computed() {
    use checkout_explorer::player::{Player, PlayerAction};
    use std::rc::Rc;
    use yew::Reducible;
    let mut p = Rc::new(Player {
        cursor_us: 0.0,
        start_us: 0,
        end_us: 2_000_000,
        playing: true,
        speed_log: 0.0, // 1x: 16 ms a frame
        pause_at: None,
        speed_before: None,
        partial: true,
        pending_us: None,
    });
    for _ in 0..200 {
        p = p.reduce(PlayerAction::Tick(16.0));
    }
    assert_eq!((p.cursor_us, p.playing), (2_000_000.0, true), "waits at the computed end, still playing");
    let more =
        |end_us, partial, first_violation| PlayerAction::Extend { start_us: 0, end_us, partial, first_violation };
    p = p.reduce(more(5_000_000, true, Some(4_000_000)));
    for _ in 0..100 {
        p = p.reduce(PlayerAction::Tick(16.0));
    }
    assert_eq!(p.cursor_us, 3_600_000.0, "goes on over the newer part");
    for _ in 0..100 {
        p = p.reduce(PlayerAction::Tick(16.0));
    }
    assert_eq!((p.cursor_us, p.playing), (4_000_000.0, false), "pauses at the violation found in the newer part");
    // Seeking beyond what is computed goes as far as it can, then there once it is.
    p = p.reduce(PlayerAction::Seek(9_000_000));
    assert_eq!((p.cursor_us, p.pending_us), (5_000_000.0, Some(9_000_000)));
    p = p.reduce(more(8_000_000, true, Some(4_000_000)));
    assert_eq!((p.cursor_us, p.pending_us), (8_000_000.0, Some(9_000_000)), "not computed that far yet");
    p = p.reduce(more(12_000_000, false, Some(4_000_000)));
    assert_eq!((p.cursor_us, p.pending_us, p.partial), (9_000_000.0, None, false));
    assert_eq!(p.pause_at, None, "the violation already paused at does not pause again");
    // The whole run: playing stops at its end.
    p = p.reduce(PlayerAction::Toggle);
    for _ in 0..400 {
        p = p.reduce(PlayerAction::Tick(16.0));
    }
    assert_eq!((p.cursor_us, p.playing), (12_000_000.0, false));
}

/// Every protocol's default scenario, at every cluster size the page offers, is simulated whole before it first
/// shows ([`checkout_explorer::loader::FIRST_EVENTS`]), on any machine: only longer runs play while simulated.
#[test]
fn every_default_scenario_is_whole_when_it_first_shows() {
    use checkout_explorer::loader::FIRST_EVENTS;
    for kind in protosim::protocols::kinds() {
        let (lo, hi) = protosim::protocols::info(kind).nodes;
        for n in lo..=hi {
            let s = checkout_explorer::presets::default_scenario_sized(kind, n);
            let r = protosim::run(&s, protosim::RecordOptions { narrate: false, checkpoint_every: 0 }).unwrap();
            let events = r.metrics().events;
            assert!(events <= FIRST_EVENTS, "{} with {n} nodes: {events} events > {FIRST_EVENTS}", kind.name());
        }
    }
}
