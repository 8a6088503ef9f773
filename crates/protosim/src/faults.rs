//! Random fault schedules: the interventions a sweep (and later the bug hunt) adds to a scenario.
//!
//! Faults come in episodes — a crash and its restart (for Raft servers and Paxos acceptors, a quarter of the time
//! a replacement machine with an empty disk, which the protocol takes back as a non-voter), a partition and its
//! heal, a one-way cut, a lossy or duplicating spell, a process pause and its resume, a slow spell (2, 10 or 50 ms
//! per message), a clock step (±20 ms, ±0.2 s or ±2 s, kept), a drifting spell (±0.1 %, ±1 % or ±5 %), a slow disk
//! (an fsync of 1, 10 or 50 ms, on one node or on every server) or a stall of the storage ending in a power cut
//! (every server's fsync slows to 50 or 200 ms, then every server crashes at once) — spread over the first two
//! thirds of the run, so the last part is a calm phase in which a correct protocol should recover (TigerBeetle's
//! safety-then-liveness split); in a third of the schedules some of the servers the protocol can spare (one to all
//! of them) stay down through it. Liveness is judged by
//! [`crate::liveness`]. Half the schedules also get a *partition storm*: the network is re-split at random every
//! 0.1–0.8 s, so leaders keep being cut off with entries only they hold — the schedules behind consensus bugs such
//! as Raft's Figure 8, which isolated crashes almost never produce. Where the protocol serves reads and the scenario
//! has none, a third of the schedules keep it so, a third add 3 look-ups a second and a third 10.

use crate::rng::{SimRng, Stream};
use crate::scenario::{Action, Intervention, LinkSettings, NodeId, Scenario};

/// When a random fault schedule ends: the network is healed and nodes restarted at two thirds of the run, which
/// leaves every protocol's liveness bound (at most 8 s) room to be judged in a 30 s run.
pub fn heal_us(until_ms: u64) -> u64 {
    until_ms * 1000 * 2 / 3
}

/// Servers the protocol can do without (see [`crate::protocols::ProtocolInfo::liveness_quorum`]): from each quorum
/// group, a random number (at least one where the group can spare one) of its spare servers.
fn spare_servers(s: &Scenario, r: &mut SimRng) -> Vec<NodeId> {
    let mut down = Vec::new();
    for g in (crate::protocols::info(s.protocol).liveness_quorum)(s, s.servers()) {
        let spare = usize::from(g.count - g.need);
        if spare == 0 {
            continue;
        }
        let k = 1 + r.index(spare);
        let mut members: Vec<NodeId> = (g.first..g.first + g.count).collect();
        for _ in 0..k {
            down.push(members.remove(r.index(members.len())));
        }
    }
    down
}

/// The scenario a sweep or a hunt runs for its `offset`-th seed: `base` with seed `base.seed + offset`, and that
/// seed's random fault schedule when `with_faults` is set.
pub fn seed_scenario(base: &Scenario, offset: u64, with_faults: bool) -> Scenario {
    let mut s = base.clone();
    s.seed = base.seed.wrapping_add(offset);
    if with_faults {
        s = with_random_faults(&s);
    }
    s
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
        let replaceable = |node| (crate::protocols::info(s.protocol).replaceable)(&s, node);
        episode(&mut r, (n, s.servers(), node), (start, end), (&calm, &replaceable), &mut out);
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
    // Heal and restart everything for the calm phase; in a third of the schedules some of the servers the protocol
    // can spare (part of a minority of Raft servers or Paxos acceptors) stay down, so that liveness is judged with
    // only a quorum up.
    out.push(Intervention { at_us: faulty_us, action: Action::Heal });
    out.push(Intervention { at_us: faulty_us, action: Action::SetNetwork { link: None, settings: calm } });
    let stay_down = if r.chance(1.0 / 3.0) { spare_servers(&s, &mut r) } else { Vec::new() };
    for node in 0..n {
        let action = if stay_down.contains(&node) { Action::Crash { node } } else { Action::Restart { node } };
        out.push(Intervention { at_us: faulty_us, action });
    }
    // Shoppers also look stock up where the protocol serves reads and the scenario sets no read rate: none, a few
    // or many (drawn last, so the faults of every seed stay as they were before reads existed).
    if crate::protocols::info(s.protocol).serves_reads && s.workload.read_rate_per_s == 0.0 {
        s.workload.read_rate_per_s = [0.0, 3.0, 10.0][r.index(3)];
    }
    crate::sort::sort_by_key(&mut out, |i| i.at_us);
    s.interventions.extend(out);
    crate::sort::sort_by_key(&mut s.interventions, |i| i.at_us);
    s
}

/// One fault episode on `node` (of `n` nodes, the first `servers` of them servers) from `start` to `end` (µs): its
/// interventions, drawn from `r`. `calm` is the scenario's own network, `replaceable` which nodes the protocol can
/// take back with an empty disk.
fn episode(
    r: &mut SimRng,
    (n, servers, node): (NodeId, NodeId, NodeId),
    (start, end): (u64, u64),
    (calm, replaceable): (&LinkSettings, &dyn Fn(NodeId) -> bool),
    out: &mut Vec<Intervention>,
) {
    match r.index(11) {
        0 | 1 => {
            // A crash; where the protocol can take a replacement machine, a quarter of them come back as one,
            // with an empty disk (drawn only then, so other protocols' schedules stay as they were).
            out.push(Intervention { at_us: start, action: Action::Crash { node } });
            let action =
                if replaceable(node) && r.chance(0.25) { Action::DiskWipe { node } } else { Action::Restart { node } };
            out.push(Intervention { at_us: end, action });
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
        5 => {
            // A process pause: the node wakes up still believing what it believed (a lease, leadership).
            out.push(Intervention { at_us: start, action: Action::Pause { node } });
            out.push(Intervention { at_us: end, action: Action::Resume { node } });
        }
        10 => {
            // The storage stalls, then the power goes: every server's fsync slows (a stalled volume, long enough for
            // commits to happen in the unsynced window), halfway through every server crashes at once (what their
            // disks had not made durable is lost together), and all come back at the end.
            let fsync_us = [50_000, 200_000][r.index(2)];
            let cut = start + (end - start) / 2;
            for node in 0..servers {
                out.push(Intervention { at_us: start, action: Action::DiskLatency { node, fsync_us } });
                out.push(Intervention { at_us: cut, action: Action::Crash { node } });
                out.push(Intervention { at_us: end, action: Action::Restart { node } });
                out.push(Intervention { at_us: end, action: Action::DiskLatency { node, fsync_us: 0 } });
            }
        }
        9 => {
            // Slow storage: one node's disk, or half the time every server's (a shared array's hiccup).
            let fsync_us = [1_000, 10_000, 50_000][r.index(3)];
            let nodes = if r.chance(0.5) { node..node + 1 } else { 0..servers };
            for node in nodes {
                out.push(Intervention { at_us: start, action: Action::DiskLatency { node, fsync_us } });
                out.push(Intervention { at_us: end, action: Action::DiskLatency { node, fsync_us: 0 } });
            }
        }
        7 => {
            // An NTP step, forward or back: it stays (a clock does not step back by itself).
            let by_us = [20_000, 200_000, 2_000_000][r.index(3)];
            let by_us = if r.chance(0.5) { by_us } else { -by_us };
            out.push(Intervention { at_us: start, action: Action::ClockJump { node, by_us } });
        }
        8 => {
            let ppm = [1_000, 10_000, 50_000][r.index(3)];
            let ppm = if r.chance(0.5) { ppm } else { -ppm };
            out.push(Intervention { at_us: start, action: Action::ClockDrift { node, ppm } });
            out.push(Intervention { at_us: end, action: Action::ClockDrift { node, ppm: 0 } });
        }
        6 => {
            let handle_us = [2_000, 10_000, 50_000][r.index(3)];
            out.push(Intervention { at_us: start, action: Action::Slow { node, handle_us } });
            out.push(Intervention { at_us: end, action: Action::Slow { node, handle_us: 0 } });
        }
        _ => {
            let settings = LinkSettings {
                loss: [0.1, 0.3, 0.6][r.index(3)],
                dup: [0.0, 0.2, 0.5][r.index(3)],
                latency_us_min: calm.latency_us_min,
                latency_us_max: calm.latency_us_max.saturating_mul(1 + r.range_u64(0, 4)),
            };
            out.push(Intervention { at_us: start, action: Action::SetNetwork { link: None, settings } });
            out.push(Intervention { at_us: end, action: Action::SetNetwork { link: None, settings: calm.clone() } });
        }
    }
}
