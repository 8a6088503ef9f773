//! A node's state timeline, compactly: every state the trace recorded, encoded to bytes and stored as the
//! difference from the one before (the bytes it shares at the start and at the end are not stored again), with a
//! whole encoding at least every [`KEY_EVERY`] states. Most state changes touch a few bytes (a timer ring reset by a
//! heartbeat, a commit index moving on), so a 5-server Raft run's states take about a tenth of their decoded size;
//! reading one back decodes at most [`KEY_EVERY`] differences, a few microseconds.

use protosim::engine::{LogCell, NodeDetail, TableLine, WaitEdge};
use protosim::narration::{Arg, Note};

/// What a node box shows at one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeState {
    /// Rendered in the reader's language when shown.
    pub summary: Note,
    pub detail: NodeDetail,
}

/// The most differences between two whole encodings.
pub const KEY_EVERY: usize = 32;

/// One stored state: keep `prefix` bytes from the start and `suffix` from the end of the previous state's encoding,
/// with `middle` between them. `prefix == suffix == 0` is a whole encoding (a key).
#[derive(Clone, Debug, PartialEq)]
struct Delta {
    prefix: u32,
    suffix: u32,
    middle: Box<[u8]>,
}

impl Delta {
    fn is_key(&self) -> bool {
        self.prefix == 0 && self.suffix == 0
    }

    fn apply(&self, prev: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.prefix as usize + self.middle.len() + self.suffix as usize);
        out.extend_from_slice(&prev[..self.prefix as usize]);
        out.extend_from_slice(&self.middle);
        out.extend_from_slice(&prev[prev.len() - self.suffix as usize..]);
        out
    }

    /// The heap bytes of `middle`, with the allocator's own few bytes.
    fn heap(&self) -> usize {
        self.middle.len() + 8
    }
}

/// The `&'static str`s of node states (note keys, argument names), numbered as they are first seen.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Statics(Vec<&'static str>);

impl Statics {
    fn index(&mut self, s: &'static str) -> usize {
        match self.0.iter().position(|x| *x == s) {
            Some(i) => i,
            None => {
                self.0.push(s);
                self.0.len() - 1
            }
        }
    }
}

/// One node's states in time order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Timeline {
    times: Vec<u64>,
    deltas: Vec<Delta>,
    /// The encoding of the last state, to take the next difference from.
    last: Vec<u8>,
    since_key: usize,
    /// The heap bytes of the differences.
    heap: usize,
}

impl Timeline {
    pub fn len(&self) -> usize {
        self.times.len()
    }

    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// The bytes held, estimated: the vectors' capacity, the differences and the last encoding.
    pub fn bytes(&self) -> usize {
        self.times.capacity() * 8
            + self.deltas.capacity() * std::mem::size_of::<Delta>()
            + self.heap
            + self.last.capacity()
    }

    /// Adds the state from `t_us` on.
    pub fn push(&mut self, statics: &mut Statics, t_us: u64, st: &NodeState) {
        let mut enc = Vec::with_capacity(self.last.len().max(64));
        encode(statics, st, &mut enc);
        let delta = if self.deltas.is_empty() || self.since_key + 1 >= KEY_EVERY {
            self.since_key = 0;
            Delta { prefix: 0, suffix: 0, middle: enc.clone().into_boxed_slice() }
        } else {
            self.since_key += 1;
            let prefix = enc.iter().zip(&self.last).take_while(|(a, b)| a == b).count();
            let room = enc.len().min(self.last.len()) - prefix;
            let suffix = enc.iter().rev().zip(self.last.iter().rev()).take(room).take_while(|(a, b)| a == b).count();
            let middle = enc[prefix..enc.len() - suffix].to_vec().into_boxed_slice();
            if prefix == 0 && suffix == 0 {
                self.since_key = 0;
            }
            Delta { prefix: prefix as u32, suffix: suffix as u32, middle }
        };
        self.heap += delta.heap();
        self.times.push(t_us);
        self.deltas.push(delta);
        self.last = enc;
    }

    /// The encoding of state `i`.
    fn encoding(&self, i: usize) -> Vec<u8> {
        let key = (0..=i).rev().find(|&k| self.deltas[k].is_key()).expect("the first state is a key");
        let mut enc = self.deltas[key].middle.to_vec();
        for d in &self.deltas[key + 1..=i] {
            enc = d.apply(&enc);
        }
        enc
    }

    /// The state after the last change at or before `t_us`, if there was one.
    pub fn at(&self, statics: &Statics, t_us: u64) -> Option<NodeState> {
        let i = self.times.partition_point(|&t| t <= t_us).checked_sub(1)?;
        Some(decode(statics, &self.encoding(i)))
    }

    /// Drops the states before `cut_us`, keeping the last of them (the state at the cut) as a whole encoding.
    pub fn drop_before(&mut self, cut_us: u64) {
        let i = self.times.partition_point(|&t| t < cut_us).saturating_sub(1);
        if i == 0 {
            return;
        }
        let first = Delta { prefix: 0, suffix: 0, middle: self.encoding(i).into_boxed_slice() };
        let removed: usize = self.deltas[..=i].iter().map(Delta::heap).sum();
        self.heap = self.heap - removed + first.heap();
        self.deltas.drain(..i);
        self.deltas[0] = first;
        self.times.drain(..i);
        // The next key comes at the latest KEY_EVERY states after the last one kept.
        let last_key = self.deltas.iter().rposition(Delta::is_key).unwrap_or(0);
        self.since_key = self.deltas.len() - 1 - last_key;
    }
}

fn put_u64(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_u64(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

/// A note: its key, then its arguments (name, value).
fn put_note(statics: &mut Statics, out: &mut Vec<u8>, n: &Note) {
    put_u64(out, statics.index(n.key) as u64);
    put_u64(out, n.args.len() as u64);
    for (name, arg) in &n.args {
        put_u64(out, statics.index(name) as u64);
        put_arg(statics, out, arg);
    }
}

/// A note's argument: a tag byte, then its value.
fn put_arg(statics: &mut Statics, out: &mut Vec<u8>, a: &Arg) {
    match a {
        Arg::Num(n) => {
            out.push(0);
            put_u64(out, *n);
        }
        Arg::Name(t) => {
            out.push(1);
            put_str(out, t);
        }
        Arg::Cents(c) => {
            out.push(2);
            put_u64(out, *c);
        }
        Arg::Say(n) => {
            out.push(3);
            put_note(statics, out, n);
        }
        Arg::List(v) | Arg::Chain(v) => {
            out.push(if matches!(a, Arg::List(_)) { 4 } else { 5 });
            put_u64(out, v.len() as u64);
            for x in v {
                put_arg(statics, out, x);
            }
        }
    }
}

fn encode(statics: &mut Statics, st: &NodeState, out: &mut Vec<u8>) {
    let d = &st.detail;
    put_note(statics, out, &st.summary);
    put_u64(out, d.facts.len() as u64);
    for (label, value) in &d.facts {
        put_note(statics, out, label);
        put_arg(statics, out, value);
    }
    put_u64(out, d.log.len() as u64);
    for c in &d.log {
        put_u64(out, c.index);
        put_u64(out, c.term);
        put_arg(statics, out, &c.text);
        out.push(u8::from(c.committed));
    }
    match d.timer {
        Some((set, fires)) => {
            out.push(1);
            put_u64(out, set);
            put_u64(out, fires);
        }
        None => out.push(0),
    }
    for note in [&d.legend, &d.empty] {
        match note {
            Some(n) => {
                out.push(1);
                put_note(statics, out, n);
            }
            None => out.push(0),
        }
    }
    match d.blocked_since_us {
        Some(t) => {
            out.push(1);
            put_u64(out, t);
        }
        None => out.push(0),
    }
    put_u64(out, d.table.len() as u64);
    for l in &d.table {
        put_str(out, &l.key);
        put_note(statics, out, &l.text);
        out.push(u8::from(l.hot));
    }
    put_u64(out, d.waits.len() as u64);
    for w in &d.waits {
        put_str(out, &w.waiter);
        put_str(out, &w.holder);
        put_str(out, &w.row);
        out.push(u8::from(w.cycle));
    }
}

/// Reads back what [`encode`] wrote (always well formed: the model wrote it).
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn byte(&mut self) -> u8 {
        let b = self.0[0];
        self.0 = &self.0[1..];
        b
    }

    fn u64(&mut self) -> u64 {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte();
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return v;
            }
            shift += 7;
        }
    }

    fn len(&mut self) -> usize {
        self.u64() as usize
    }

    fn string(&mut self) -> String {
        let n = self.len();
        let s = String::from_utf8_lossy(&self.0[..n]).into_owned();
        self.0 = &self.0[n..];
        s
    }

    fn note(&mut self, statics: &Statics) -> Note {
        let key = statics.0[self.len()];
        let args = (0..self.len()).map(|_| (statics.0[self.len()], self.arg(statics))).collect();
        Note::new(key, args)
    }

    fn arg(&mut self, statics: &Statics) -> Arg {
        match self.byte() {
            0 => Arg::Num(self.u64()),
            1 => Arg::from(self.string()),
            2 => Arg::Cents(self.u64()),
            3 => Arg::from(self.note(statics)),
            tag => {
                let v = (0..self.len()).map(|_| self.arg(statics)).collect();
                if tag == 4 {
                    Arg::List(v)
                } else {
                    Arg::Chain(v)
                }
            }
        }
    }
}

fn decode(statics: &Statics, bytes: &[u8]) -> NodeState {
    let mut r = Reader(bytes);
    let summary = r.note(statics);
    let facts = (0..r.len()).map(|_| (r.note(statics), r.arg(statics))).collect();
    let log = (0..r.len())
        .map(|_| LogCell { index: r.u64(), term: r.u64(), text: r.arg(statics), committed: r.byte() == 1 })
        .collect();
    let timer = (r.byte() == 1).then(|| (r.u64(), r.u64()));
    let legend = (r.byte() == 1).then(|| r.note(statics));
    let empty = (r.byte() == 1).then(|| r.note(statics));
    let blocked_since_us = (r.byte() == 1).then(|| r.u64());
    let table =
        (0..r.len()).map(|_| TableLine { key: r.string(), text: r.note(statics), hot: r.byte() == 1 }).collect();
    let waits = (0..r.len())
        .map(|_| WaitEdge { waiter: r.string(), holder: r.string(), row: r.string(), cycle: r.byte() == 1 })
        .collect();
    NodeState { summary, detail: NodeDetail { facts, log, timer, legend, blocked_since_us, table, waits, empty } }
}

#[cfg(test)]
mod tests {
    use super::*;
    use protosim::scenario::ProtocolKind;
    use protosim::trace::Ev;

    /// Every protocol's recorded states, (time, node, state), from a run with a crash.
    fn states(kind: ProtocolKind) -> Vec<(u64, usize, NodeState)> {
        let mut s = crate::presets::default_scenario(kind);
        s.until_ms = 3_000;
        s.interventions = vec![protosim::scenario::Intervention {
            at_us: 1_000_000,
            action: protosim::scenario::Action::Crash { node: 0 },
        }];
        let r = protosim::run(&s, protosim::RecordOptions { narrate: true, checkpoint_every: 0 }).unwrap();
        r.trace()
            .iter()
            .filter_map(|e| match &e.ev {
                Ev::State { node, summary, detail } => Some((
                    e.t_us,
                    usize::from(*node),
                    NodeState { summary: summary.clone(), detail: detail.clone().unwrap_or_default() },
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_state_reads_back_as_it_was_stored_and_takes_less_room() {
        for kind in protosim::protocols::kinds() {
            let all = states(kind);
            let nodes = all.iter().map(|(_, n, _)| n + 1).max().unwrap_or(0);
            let mut statics = Statics::default();
            let mut lines = vec![Timeline::default(); nodes];
            for (t, n, st) in &all {
                lines[*n].push(&mut statics, *t, st);
            }
            let mut decoded_bytes = 0;
            for (i, (t, n, st)) in all.iter().enumerate() {
                // The state in force at t is the last one recorded at t for that node.
                let last = all[i..].iter().take_while(|(u, _, _)| u == t).filter(|(_, m, _)| m == n).last();
                if last.is_none_or(|(_, _, x)| std::ptr::eq(x, st)) {
                    assert_eq!(lines[*n].at(&statics, *t).as_ref(), Some(st), "{}: node {n} at {t}", kind.name());
                }
                decoded_bytes += format!("{:?}", st.summary).len() + format!("{:?}", st.detail).len();
            }
            let stored: usize = lines.iter().map(Timeline::bytes).sum();
            assert!(all.len() < 50 || stored * 2 < decoded_bytes, "{}: {stored} vs {decoded_bytes}", kind.name());
            // Dropping the oldest keeps every later state exact, and the one at the cut.
            for line in &mut lines {
                if line.len() > 3 {
                    // Just after a change, so the state at the cut is an older one.
                    let cut = line.times[line.len() / 2] + 1;
                    let later: Vec<_> =
                        line.times.iter().filter(|&&t| t >= cut).map(|&t| (t, line.at(&statics, t))).collect();
                    let at_cut = line.at(&statics, cut);
                    line.drop_before(cut);
                    assert!(line.deltas[0].is_key() && line.times[0] < cut);
                    assert_eq!(line.at(&statics, cut), at_cut);
                    for (t, st) in later {
                        assert_eq!(line.at(&statics, t), st, "{}: at {t}", kind.name());
                    }
                }
            }
        }
    }
}
