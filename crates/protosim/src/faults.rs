//! Random fault schedules: the interventions a sweep (and later the bug hunt) adds to a scenario.
//!
//! Faults come in episodes — a crash and its restart, a partition and its heal, a one-way cut, a lossy or
//! duplicating spell — spread over the first 80% of the run, so the last part is a calm phase in which a correct
//! protocol should recover (TigerBeetle's safety-then-liveness split). Half the schedules also get a *partition
//! storm*: the network is re-split at random every 0.1–0.8 s, so leaders keep being cut off with entries only they
//! hold — the schedules behind consensus bugs such as Raft's Figure 8, which isolated crashes almost never produce.

use crate::rng::{SimRng, Stream};
use crate::scenario::{Action, Intervention, LinkSettings, NodeId, Scenario};

/// When a random fault schedule ends: every node is restarted and the network healed at 80% of the run.
pub fn heal_us(until_ms: u64) -> u64 {
    until_ms * 1000 * 8 / 10
}

/// Liveness after the faults: every checkout submitted before the heal is answered within `bound_us` of it, and
/// every later one within `bound_us` of its submission (those too close to the end are not judged). Returns the
/// slowest such answer, or the first checkout left without one.
pub fn answered_after_heal(
    trace: &[crate::trace::TraceEvent],
    heal_us: u64,
    end_us: u64,
    bound_us: u64,
) -> Result<u64, String> {
    use crate::trace::Ev;
    let mut submitted = crate::vecmap::VecMap::new();
    let mut worst = 0;
    for e in trace {
        match &e.ev {
            Ev::Submit { request_id, .. } => {
                submitted.insert(*request_id, e.t_us);
            }
            Ev::Outcome { request_id, .. } => {
                if let Some(t) = submitted.remove(request_id) {
                    let from = t.max(heal_us);
                    let waited = e.t_us.saturating_sub(from);
                    if waited > bound_us {
                        return Err(format!(
                            "checkout #{request_id} was answered {} ms after {}, beyond the bound of {} ms",
                            waited / 1000,
                            if t > heal_us { "its submission" } else { "the heal" },
                            bound_us / 1000
                        ));
                    }
                    worst = worst.max(waited);
                }
            }
            _ => {}
        }
    }
    for (id, t) in submitted {
        if t.max(heal_us) + bound_us <= end_us {
            return Err(format!(
                "checkout #{id} (submitted at {} ms) has no answer {} ms after the heal",
                t / 1000,
                bound_us / 1000
            ));
        }
    }
    Ok(worst)
}

/// Adds a random fault schedule (from the scenario's seed) and a random base loss and duplication.
pub fn with_random_faults(base: &Scenario) -> Scenario {
    let mut s = base.clone();
    let mut r = SimRng::new(s.seed, Stream::Faults);
    let n = s.total_nodes();
    let faulty_us = heal_us(s.until_ms);
    let calm = s.network.default.clone();
    s.network.default.loss = [0.0, 0.0, 0.02, 0.05, 0.1][r.index(5)];
    s.network.default.dup = [0.0, 0.0, 0.02, 0.05, 0.1][r.index(5)];
    let episodes = 1 + r.index(12);
    let mut out = Vec::new();
    for _ in 0..episodes {
        let start = r.range_u64(0, faulty_us.max(1));
        let end = (start + r.range_u64(30_000, 1_500_000)).min(faulty_us);
        // Servers are where the interesting failures are: pick one most of the time.
        let node = if r.chance(0.85) { r.index(usize::from(s.servers())) } else { r.index(usize::from(n)) } as NodeId;
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
    if r.chance(0.5) {
        let mut t = r.range_u64(0, 500_000);
        while t < faulty_us {
            out.push(Intervention { at_us: t, action: Action::Heal });
            if r.chance(0.8) {
                let mut groups = vec![Vec::new(), Vec::new(), Vec::new()];
                for i in 0..n {
                    groups[r.index(3)].push(i);
                }
                groups.retain(|g| !g.is_empty());
                out.push(Intervention { at_us: t, action: Action::Partition { groups } });
            }
            t += r.range_u64(100_000, 800_000);
        }
    }
    // Heal and restart everything for the calm phase.
    out.push(Intervention { at_us: faulty_us, action: Action::Heal });
    out.push(Intervention { at_us: faulty_us, action: Action::SetNetwork { link: None, settings: calm } });
    for node in 0..n {
        out.push(Intervention { at_us: faulty_us, action: Action::Restart { node } });
    }
    crate::sort::sort_by_key(&mut out, |i| i.at_us);
    s.interventions.extend(out);
    crate::sort::sort_by_key(&mut s.interventions, |i| i.at_us);
    s
}
