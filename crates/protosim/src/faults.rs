//! Random fault schedules: the interventions a sweep (and later the bug hunt) adds to a scenario.
//!
//! Faults come in episodes — a crash and its restart, a partition and its heal, a one-way cut, a lossy or
//! duplicating spell — spread over the first 80% of the run, so the last part is a calm phase in which a correct
//! protocol should recover (TigerBeetle's safety-then-liveness split).

use crate::rng::{SimRng, Stream};
use crate::scenario::{Action, Intervention, LinkSettings, NodeId, Scenario};

/// Adds a random fault schedule (from the scenario's seed) and a random base loss and duplication.
pub fn with_random_faults(base: &Scenario) -> Scenario {
    let mut s = base.clone();
    let mut r = SimRng::new(s.seed, Stream::Faults);
    let n = s.total_nodes();
    let until_us = s.until_ms * 1000;
    let faulty_us = until_us * 8 / 10;
    let calm = s.network.default.clone();
    s.network.default.loss = [0.0, 0.0, 0.02, 0.05, 0.1][r.index(5)];
    s.network.default.dup = [0.0, 0.0, 0.02, 0.05, 0.1][r.index(5)];
    let episodes = 1 + r.index(6);
    let mut out = Vec::new();
    for _ in 0..episodes {
        let start = r.range_u64(0, faulty_us.max(1));
        let end = (start + r.range_u64(50_000, 3_000_000)).min(faulty_us);
        let node = r.index(usize::from(n)) as NodeId;
        match r.index(5) {
            0 | 1 => {
                out.push(Intervention { at_us: start, action: Action::Crash { node } });
                out.push(Intervention { at_us: end, action: Action::Restart { node } });
            }
            2 => {
                let mut a = Vec::new();
                let mut b = Vec::new();
                for i in 0..n {
                    if r.chance(0.5) {
                        a.push(i)
                    } else {
                        b.push(i)
                    }
                }
                out.push(Intervention { at_us: start, action: Action::Partition { groups: vec![a, b] } });
                out.push(Intervention { at_us: end, action: Action::Heal });
            }
            3 => {
                let to = r.index(usize::from(n)) as NodeId;
                out.push(Intervention { at_us: start, action: Action::Cut { from: node, to } });
                out.push(Intervention { at_us: end, action: Action::Heal });
            }
            _ => {
                let settings = LinkSettings {
                    loss: [0.1, 0.3, 0.6][r.index(3)],
                    dup: [0.0, 0.2, 0.5][r.index(3)],
                    latency_us_min: calm.latency_us_min,
                    latency_us_max: calm.latency_us_max.saturating_mul(1 + r.range_u64(0, 4)),
                };
                out.push(Intervention { at_us: start, action: Action::SetNetwork { link: None, settings } });
                out.push(Intervention {
                    at_us: end,
                    action: Action::SetNetwork { link: None, settings: calm.clone() },
                });
            }
        }
    }
    // Heal and restart everything for the calm phase.
    out.push(Intervention { at_us: faulty_us, action: Action::Heal });
    out.push(Intervention { at_us: faulty_us, action: Action::SetNetwork { link: None, settings: calm } });
    for node in 0..n {
        out.push(Intervention { at_us: faulty_us, action: Action::Restart { node } });
    }
    out.sort_by_key(|i| i.at_us);
    s.interventions.extend(out);
    s.interventions.sort_by_key(|i| i.at_us);
    s
}
