//! Reads a [`Scenario`] out of parsed JSON, field by field, saying where anything is wrong.
//!
//! Written by hand rather than with serde's derived `Deserialize` (plus `serde_path_to_error` for the field paths):
//! those cost about 31 KB of the page's gzipped bundle. It accepts what the derived `Deserialize` accepts (unknown
//! fields refused, the same defaults, `null` only for `link`), which `tests/scenario.rs` checks on thousands of
//! mutated scenarios; the derive stays on the types as that reference (nothing in the page calls it, so it costs
//! the bundle nothing). Two quirks of the derive are not copied: it also reads an object from a list of its
//! fields in order, and it ignores unknown fields beside `"kind": "heal"`; both are refused here.

use super::{
    default_shoppers, default_until_ms, default_variant, Action, DeadlockStrategy, ErrorKind, Intervention, Limits,
    Line, LinkOverride, LinkSettings, LockService, LockingOptions, Network, PaxosOptions, ProtocolKind, RaftOptions,
    RaftRead, Scenario, ScenarioError, TwoPcOptions, Workload,
};
use crate::narration::quoted;
use crate::narration::Note;
use crate::note;
use crate::vecmap::VecMap;
use serde_json::{Map, Value};

type Res<T> = Result<T, ScenarioError>;

fn err(at: &str, message: Note) -> ScenarioError {
    ScenarioError::new(ErrorKind::Field, at, message)
}

/// The path of a field inside the value at `path`: `network.default.loss`.
fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// What a value is, for messages: `the text "abc"`, `the number 2.5`, `a list` (a note, said in the reader's
/// language).
pub(crate) fn found(v: &Value) -> Note {
    match v {
        Value::Null => note!("scenario.found.null"),
        Value::Bool(b) => note!("scenario.found.boolean", value = b.to_string()),
        Value::Number(n) => note!("scenario.found.number", value = n.to_string()),
        Value::String(s) if s.chars().count() > 40 => {
            note!("scenario.found.text", value = format!("{}…", s.chars().take(40).collect::<String>()))
        }
        Value::String(s) => note!("scenario.found.text", value = s.clone()),
        Value::Array(_) => note!("scenario.found.list"),
        Value::Object(_) => note!("scenario.found.object"),
    }
}

/// An object whose every field is known.
struct Obj<'a> {
    path: &'a str,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, path: &'a str, known: &[&str]) -> Res<Obj<'a>> {
        let map = v.as_object().ok_or_else(|| err(path, note!("scenario.error.expected-object", found = found(v))))?;
        if let Some(k) = map.keys().find(|k| !known.contains(&k.as_str())) {
            return Err(err(
                &join(path, k),
                note!("scenario.error.unknown-field", field = k.clone(), expected = quoted(known)),
            ));
        }
        Ok(Obj { path, map })
    }

    fn get<T>(&self, key: &str, read: impl FnOnce(&Value, &str) -> Res<T>) -> Res<Option<T>> {
        self.map.get(key).map(|v| read(v, &join(self.path, key))).transpose()
    }

    fn need<T>(&self, key: &str, read: impl FnOnce(&Value, &str) -> Res<T>) -> Res<T> {
        self.get(key, read)?
            .ok_or_else(|| err(self.path, note!("scenario.error.missing-field", field = key.to_string())))
    }

    fn or<T>(&self, key: &str, default: T, read: impl FnOnce(&Value, &str) -> Res<T>) -> Res<T> {
        Ok(self.get(key, read)?.unwrap_or(default))
    }
}

/// A whole number that fits `T` (u8, u16, u32 or u64).
fn int<T: TryFrom<u64>>(v: &Value, at: &str) -> Res<T> {
    v.as_u64().and_then(|n| T::try_from(n).ok()).ok_or_else(|| {
        let max = match std::mem::size_of::<T>() {
            1 => u64::from(u8::MAX),
            2 => u64::from(u16::MAX),
            4 => u64::from(u32::MAX),
            _ => u64::MAX,
        };
        err(at, note!("scenario.error.expected-whole", max = max.to_string(), found = found(v)))
    })
}

fn signed(v: &Value, at: &str) -> Res<i64> {
    v.as_i64().ok_or_else(|| err(at, note!("scenario.error.expected-integer", found = found(v))))
}

fn number(v: &Value, at: &str) -> Res<f64> {
    v.as_f64().ok_or_else(|| err(at, note!("scenario.error.expected-number", found = found(v))))
}

fn boolean(v: &Value, at: &str) -> Res<bool> {
    v.as_bool().ok_or_else(|| err(at, note!("scenario.error.expected-boolean", found = found(v))))
}

fn text<'v>(v: &'v Value, at: &str) -> Res<&'v str> {
    v.as_str().ok_or_else(|| err(at, note!("scenario.error.expected-text", found = found(v))))
}

fn list<T>(v: &Value, at: &str, mut read: impl FnMut(&Value, &str) -> Res<T>) -> Res<Vec<T>> {
    let items = v.as_array().ok_or_else(|| err(at, note!("scenario.error.expected-list", found = found(v))))?;
    // A loop, not `collect::<Result<Vec<_>, _>>()`: that adds an iterator adapter per element type (2 KB each).
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        out.push(read(item, &format!("{at}[{i}]"))?);
    }
    Ok(out)
}

/// One of a fixed set of names.
fn one_of<T>(v: &Value, at: &str, parse: impl Fn(&str) -> Option<T>, all: &[&str]) -> Res<T> {
    let s = text(v, at)?;
    parse(s)
        .ok_or_else(|| err(at, note!("scenario.error.unknown-value", value = s.to_string(), expected = quoted(all))))
}

fn link_settings(v: &Value, at: &str) -> Res<LinkSettings> {
    let o = Obj::new(v, at, &["latency_us_min", "latency_us_max", "loss", "dup"])?;
    let d = LinkSettings::default();
    Ok(LinkSettings {
        latency_us_min: o.or("latency_us_min", d.latency_us_min, int)?,
        latency_us_max: o.or("latency_us_max", d.latency_us_max, int)?,
        loss: o.or("loss", d.loss, number)?,
        dup: o.or("dup", d.dup, number)?,
    })
}

fn network(v: &Value, at: &str) -> Res<Network> {
    let o = Obj::new(v, at, &["default", "links"])?;
    let links = |v: &Value, at: &str| {
        list(v, at, |v, at| {
            let o = Obj::new(v, at, &["from", "to", "settings"])?;
            Ok(LinkOverride {
                from: o.need("from", int)?,
                to: o.need("to", int)?,
                settings: o.need("settings", link_settings)?,
            })
        })
    };
    Ok(Network {
        default: o.or("default", LinkSettings::default(), link_settings)?,
        links: o.or("links", Vec::new(), links)?,
    })
}

fn workload(v: &Value, at: &str) -> Res<Workload> {
    let o = Obj::new(
        v,
        at,
        &[
            "rate_per_s",
            "basket_max",
            "hot_item",
            "items",
            "stock",
            "customers",
            "wallet_cents",
            "stop_ms",
            "read_rate_per_s",
        ],
    )?;
    let d = Workload::default();
    Ok(Workload {
        rate_per_s: o.or("rate_per_s", d.rate_per_s, number)?,
        basket_max: o.or("basket_max", d.basket_max, int)?,
        hot_item: o.or("hot_item", d.hot_item, number)?,
        items: o.or("items", d.items, int)?,
        stock: o.or("stock", d.stock, int)?,
        customers: o.or("customers", d.customers, int)?,
        wallet_cents: o.or("wallet_cents", d.wallet_cents, int)?,
        stop_ms: o.or("stop_ms", d.stop_ms, int)?,
        read_rate_per_s: o.or("read_rate_per_s", d.read_rate_per_s, number)?,
    })
}

fn limits(v: &Value, at: &str) -> Res<Limits> {
    let o = Obj::new(v, at, &["max_events", "max_in_flight", "max_trace"])?;
    let d = Limits::default();
    Ok(Limits {
        max_events: o.or("max_events", d.max_events, int)?,
        max_in_flight: o.or("max_in_flight", d.max_in_flight, int)?,
        max_trace: o.or("max_trace", d.max_trace, int)?,
    })
}

const ACTIONS: [&str; 18] = [
    "crash",
    "restart",
    "pause",
    "resume",
    "slow",
    "clock_jump",
    "clock_drift",
    "disk_latency",
    "disk_wipe",
    "partition",
    "cut",
    "heal",
    "drop_message",
    "duplicate_message",
    "delay_message",
    "set_network",
    "checkout",
    "read",
];

fn action(v: &Value, at: &str) -> Res<Action> {
    let map = v.as_object().ok_or_else(|| err(at, note!("scenario.error.expected-object", found = found(v))))?;
    let kind =
        map.get("kind").ok_or_else(|| err(at, note!("scenario.error.missing-field", field = "kind".to_string())))?;
    let kind = text(kind, &join(at, "kind"))?;
    let fields: &[&str] = match kind {
        "crash" | "restart" | "pause" | "resume" | "disk_wipe" => &["kind", "node"],
        "slow" => &["kind", "node", "handle_us"],
        "clock_jump" => &["kind", "node", "by_us"],
        "clock_drift" => &["kind", "node", "ppm"],
        "disk_latency" => &["kind", "node", "fsync_us"],
        "partition" => &["kind", "groups"],
        "cut" => &["kind", "from", "to"],
        "heal" => &["kind"],
        "drop_message" | "duplicate_message" => &["kind", "id"],
        "delay_message" => &["kind", "id", "by_us"],
        "set_network" => &["kind", "link", "settings"],
        "checkout" => &["kind", "shopper", "customer", "lines"],
        "read" => &["kind", "shopper", "item"],
        other => {
            return Err(err(
                &join(at, "kind"),
                note!("scenario.error.unknown-action", value = other.to_string(), expected = quoted(&ACTIONS)),
            ))
        }
    };
    let o = Obj::new(v, at, fields)?;
    Ok(match kind {
        "crash" => Action::Crash { node: o.need("node", int)? },
        "restart" => Action::Restart { node: o.need("node", int)? },
        "pause" => Action::Pause { node: o.need("node", int)? },
        "resume" => Action::Resume { node: o.need("node", int)? },
        "disk_wipe" => Action::DiskWipe { node: o.need("node", int)? },
        "slow" => Action::Slow { node: o.need("node", int)?, handle_us: o.need("handle_us", int)? },
        "clock_jump" => Action::ClockJump { node: o.need("node", int)?, by_us: o.need("by_us", signed)? },
        "clock_drift" => Action::ClockDrift { node: o.need("node", int)?, ppm: o.need("ppm", signed)? },
        "disk_latency" => Action::DiskLatency { node: o.need("node", int)?, fsync_us: o.need("fsync_us", int)? },
        "partition" => Action::Partition { groups: o.need("groups", |v, at| list(v, at, |v, at| list(v, at, int)))? },
        "cut" => Action::Cut { from: o.need("from", int)?, to: o.need("to", int)? },
        "heal" => Action::Heal,
        "drop_message" => Action::DropMessage { id: o.need("id", int)? },
        "duplicate_message" => Action::DuplicateMessage { id: o.need("id", int)? },
        "delay_message" => Action::DelayMessage { id: o.need("id", int)?, by_us: o.need("by_us", int)? },
        "set_network" => {
            let link = |v: &Value, at: &str| match v {
                Value::Null => Ok(None),
                Value::Array(pair) if pair.len() == 2 => {
                    Ok(Some((int(&pair[0], &format!("{at}[0]"))?, int(&pair[1], &format!("{at}[1]"))?)))
                }
                _ => Err(err(at, note!("scenario.error.expected-link", found = found(v)))),
            };
            Action::SetNetwork { link: o.or("link", None, link)?, settings: o.need("settings", link_settings)? }
        }
        "read" => Action::Read { shopper: o.need("shopper", int)?, item: o.need("item", int)? },
        _ => Action::Checkout {
            shopper: o.need("shopper", int)?,
            customer: o.need("customer", int)?,
            lines: o.need("lines", |v, at| {
                list(v, at, |v, at| {
                    let o = Obj::new(v, at, &["item", "qty"])?;
                    Ok(Line { item: o.need("item", int)?, qty: o.need("qty", int)? })
                })
            })?,
        },
    })
}

fn intervention(v: &Value, at: &str) -> Res<Intervention> {
    let o = Obj::new(v, at, &["at_us", "action"])?;
    Ok(Intervention { at_us: o.need("at_us", int)?, action: o.need("action", action)? })
}

/// The scenario in `v`: the same fields, defaults and refusals as the format's `Deserialize`.
pub(crate) fn scenario(v: &Value) -> Res<Scenario> {
    let o = Obj::new(
        v,
        "",
        &[
            "format_version",
            "protocol",
            "variant",
            "nodes",
            "shoppers",
            "seed",
            "until_ms",
            "network",
            "workload",
            "interventions",
            "limits",
            "paxos",
            "twopc",
            "locking",
            "raft",
            "options",
        ],
    )?;
    let strategies = DeadlockStrategy::ALL.map(DeadlockStrategy::name);
    let services = LockService::ALL.map(LockService::name);
    // Any well-formed name: whether a protocol is registered under it is checked a layer up (`check.rs`).
    let protocol = o.need("protocol", |v, at| {
        let s = text(v, at)?;
        ProtocolKind::parse_name(s).ok_or_else(|| err(at, note!("scenario.error.not-protocol", name = s.to_string())))
    })?;
    Ok(Scenario {
        format_version: o.need("format_version", int)?,
        protocol,
        variant: o.or("variant", default_variant(), |v, at| text(v, at).map(str::to_string))?,
        // Without `nodes`: 0 here, and the protocol's own default cluster once the protocol layer reads it
        // (`Scenario::from_value`).
        nodes: o.or("nodes", 0, int)?,
        shoppers: o.or("shoppers", default_shoppers(), int)?,
        seed: o.or("seed", 0, int)?,
        until_ms: o.or("until_ms", default_until_ms(), int)?,
        network: o.or("network", Network::default(), network)?,
        workload: o.or("workload", Workload::default(), workload)?,
        interventions: o.or("interventions", Vec::new(), |v, at| list(v, at, intervention))?,
        limits: o.or("limits", Limits::default(), limits)?,
        paxos: o.or("paxos", PaxosOptions::default(), |v, at| {
            let o = Obj::new(v, at, &["proposers", "stable_leader"])?;
            let d = PaxosOptions::default();
            Ok(PaxosOptions {
                proposers: o.or("proposers", d.proposers, int)?,
                stable_leader: o.or("stable_leader", d.stable_leader, boolean)?,
            })
        })?,
        twopc: o.or("twopc", TwoPcOptions::default(), |v, at| {
            let o = Obj::new(v, at, &["cooperative"])?;
            Ok(TwoPcOptions { cooperative: o.or("cooperative", false, boolean)? })
        })?,
        locking: o.or("locking", LockingOptions::default(), |v, at| {
            let o = Obj::new(v, at, &["deadlock", "service"])?;
            let deadlock = |v: &Value, at: &str| one_of(v, at, DeadlockStrategy::parse, &strategies);
            let service = |v: &Value, at: &str| one_of(v, at, LockService::parse, &services);
            Ok(LockingOptions {
                deadlock: o.or("deadlock", DeadlockStrategy::default(), deadlock)?,
                service: o.or("service", LockService::default(), service)?,
            })
        })?,
        raft: o.or("raft", RaftOptions::default(), |v, at| {
            let o = Obj::new(v, at, &["read", "lease_drift_bound_pct", "prevote", "check_quorum"])?;
            let d = RaftOptions::default();
            let reads = RaftRead::ALL.map(RaftRead::name);
            Ok(RaftOptions {
                read: o.or("read", d.read, |v: &Value, at: &str| one_of(v, at, RaftRead::parse, &reads))?,
                lease_drift_bound_pct: o.or("lease_drift_bound_pct", d.lease_drift_bound_pct, int)?,
                prevote: o.or("prevote", d.prevote, boolean)?,
                check_quorum: o.or("check_quorum", d.check_quorum, boolean)?,
            })
        })?,
        options: o.or("options", VecMap::new(), options)?,
    })
}

/// The `options` map: names to booleans, numbers or strings (which names a protocol takes is checked a layer up).
fn options(v: &Value, at: &str) -> Res<VecMap<String, Value>> {
    let map = v.as_object().ok_or_else(|| err(at, note!("scenario.error.expected-object", found = found(v))))?;
    let mut out = VecMap::new();
    for (k, x) in map {
        if !(x.is_boolean() || x.is_number() || x.is_string()) {
            return Err(err(&join(at, k), note!("scenario.error.expected-option", found = found(x))));
        }
        out.insert(k.clone(), x.clone());
    }
    Ok(out)
}
