//! Reading and checking a scenario against its protocol: the topology the protocol declares (how many servers a
//! scenario's `nodes` mean), its bounds, its variants, and every intervention's nodes and times.
//!
//! This sits above the protocols (it asks [`crate::protocols::info`]), so that the scenario types below stay plain
//! data that knows no protocol: [`Scenario::from_json`], [`Scenario::from_compact`] and [`Scenario::validate`] are
//! defined here.

use crate::narration::{quoted, Arg};
use crate::note;
use crate::scenario::base64url_decode;
use crate::scenario::{
    bounds, decode, Action, ErrorKind, Intervention, LinkSettings, NodeId, ProtocolKind, Scenario, ScenarioError,
    Workload, COMPACT_PREFIX, FORMAT_VERSION,
};
use std::fmt;

fn probability(at: &str, p: f64) -> Result<(), ScenarioError> {
    if p.is_finite() && (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(ScenarioError::new(ErrorKind::Value, at, note!("scenario.error.probability", value = p.to_string())))
    }
}

fn at_most<T: PartialOrd + fmt::Display>(at: &str, v: T, lo: T, hi: T) -> Result<(), ScenarioError> {
    if v < lo || v > hi {
        Err(ScenarioError::new(
            ErrorKind::Value,
            at,
            note!("scenario.error.range", value = v.to_string(), lo = lo.to_string(), hi = hi.to_string()),
        ))
    } else {
        Ok(())
    }
}

fn link(at: &str, l: &LinkSettings) -> Result<(), ScenarioError> {
    at_most(&format!("{at}.latency_us_max"), l.latency_us_max, 0, bounds::LATENCY_US_MAX)?;
    if l.latency_us_min > l.latency_us_max {
        return Err(ScenarioError::new(
            ErrorKind::Value,
            format!("{at}.latency_us_min"),
            note!("scenario.error.latency-order", min = l.latency_us_min, max = l.latency_us_max),
        ));
    }
    probability(&format!("{at}.loss"), l.loss)?;
    probability(&format!("{at}.dup"), l.dup)
}

impl Scenario {
    /// Nodes that are not shoppers, as the protocol declares its topology
    /// ([`crate::protocols::ProtocolInfo::servers`]): the cluster, plus Paxos's proposers or the lock manager.
    pub fn servers(&self) -> u16 {
        (crate::protocols::info(self.protocol).servers)(self)
    }

    pub fn total_nodes(&self) -> u16 {
        self.servers() + self.shoppers
    }

    /// Every option the registry declares in a section of its own (`paxos.proposers`) holds one of its values,
    /// whatever the scenario's protocol (the sections are part of every scenario); every entry of the `options`
    /// map is an option the scenario's protocol keeps there, with one of its values.
    fn validate_options(&self, info: &crate::protocols::ProtocolInfo) -> Result<(), ScenarioError> {
        use crate::protocols::meta::OptionStore;
        for o in crate::protocols::REGISTRY.iter().flat_map(|i| i.options) {
            if matches!(o.store, OptionStore::Section { .. }) {
                o.values.check(&o.get(self)).map_err(|e| ScenarioError::new(ErrorKind::Value, o.path(), e))?;
            }
        }
        for (name, value) in &self.options {
            let at = format!("options.{name}");
            let declared = info.options.iter().filter(|o| matches!(o.store, OptionStore::Options));
            let Some(option) = info.options.iter().find(|o| o.name == name && matches!(o.store, OptionStore::Options))
            else {
                let names: Vec<&str> = declared.map(|o| o.name).collect();
                let has = if names.is_empty() { Arg::from(note!("scenario.error.none")) } else { quoted(&names) };
                return Err(ScenarioError::new(
                    ErrorKind::Field,
                    at,
                    note!("scenario.error.no-option", protocol = info.title.to_string(), name = name.clone(), has),
                ));
            };
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            option.values.check(&text).map_err(|e| ScenarioError::new(ErrorKind::Value, at, e))?;
        }
        Ok(())
    }

    /// Each value of the `options` map as its option stores it (`"3"` for a count becomes `3`), so one setting has
    /// one JSON form. Names the protocol does not declare, and values it refuses, are left for `validate`.
    fn normalize_options(&mut self) {
        let Some(info) = crate::protocols::try_info(self.protocol) else { return };
        for (name, value) in self.options.iter_mut() {
            let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
            if let Some(Ok(v)) = info.options.iter().find(|o| o.name == name).map(|o| o.values.check(&text)) {
                *value = v;
            }
        }
    }

    /// The registered protocol `kind`, or the refusal that lists those there are.
    fn protocol_info(kind: ProtocolKind) -> Result<&'static crate::protocols::ProtocolInfo, ScenarioError> {
        crate::protocols::try_info(kind).ok_or_else(|| {
            ScenarioError::new(
                ErrorKind::Field,
                "protocol",
                note!(
                    "scenario.error.unknown-value",
                    value = kind.to_string(),
                    expected = quoted(&crate::protocols::names())
                ),
            )
        })
    }

    /// Checks every value against its bounds and against the protocol's own rules.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        if self.format_version != FORMAT_VERSION {
            return Err(ScenarioError::new(
                ErrorKind::Version,
                "format_version",
                note!("scenario.error.version", version = self.format_version.to_string(), reads = FORMAT_VERSION),
            ));
        }
        let info = Scenario::protocol_info(self.protocol)?;
        let (lo, hi) = info.nodes;
        if self.nodes < lo || self.nodes > hi {
            return Err(ScenarioError::new(
                ErrorKind::Value,
                "nodes",
                note!("scenario.error.nodes", n = self.nodes, protocol = info.title.to_string(), lo, hi),
            ));
        }
        if !info.variants.iter().any(|v| v.name == self.variant) {
            let names: Vec<&str> = info.variants.iter().map(|v| v.name).collect();
            return Err(ScenarioError::new(
                ErrorKind::Value,
                "variant",
                note!(
                    "scenario.error.variant",
                    variant = self.variant.clone(),
                    protocol = info.title.to_string(),
                    choices = quoted(&names)
                ),
            ));
        }
        at_most("shoppers", self.shoppers, 1, bounds::SHOPPERS_MAX)?;
        self.validate_options(info)?;
        at_most("until_ms", self.until_ms, 1, bounds::UNTIL_MS_MAX)?;
        link("network.default", &self.network.default)?;
        for (i, o) in self.network.links.iter().enumerate() {
            let at = format!("network.links[{i}]");
            self.node_ok(&format!("{at}.from"), o.from)?;
            self.node_ok(&format!("{at}.to"), o.to)?;
            link(&format!("{at}.settings"), &o.settings)?;
        }
        self.validate_workload()?;
        self.validate_interventions()
    }

    /// The workload and the run's limits against their bounds.
    fn validate_workload(&self) -> Result<(), ScenarioError> {
        let w = &self.workload;
        if !(w.rate_per_s.is_finite() && (0.0..=bounds::RATE_PER_S_MAX).contains(&w.rate_per_s)) {
            return Err(ScenarioError::new(
                ErrorKind::Value,
                "workload.rate_per_s",
                note!("scenario.error.rate", rate = w.rate_per_s.to_string(), max = bounds::RATE_PER_S_MAX.to_string()),
            ));
        }
        at_most("workload.basket_max", w.basket_max, 1, bounds::BASKET_MAX)?;
        probability("workload.hot_item", w.hot_item)?;
        at_most("workload.items", w.items, 1, bounds::ITEMS_MAX)?;
        at_most("workload.stock", w.stock, 0, bounds::STOCK_MAX)?;
        at_most("workload.customers", w.customers, 1, bounds::CUSTOMERS_MAX)?;
        at_most("workload.wallet_cents", w.wallet_cents, 0, bounds::WALLET_CENTS_MAX)?;
        at_most("workload.stop_ms", w.stop_ms, 0, bounds::UNTIL_MS_MAX)?;
        if !(w.read_rate_per_s.is_finite() && (0.0..=bounds::RATE_PER_S_MAX).contains(&w.read_rate_per_s)) {
            return Err(ScenarioError::new(
                ErrorKind::Value,
                "workload.read_rate_per_s",
                note!(
                    "scenario.error.read-rate",
                    rate = w.read_rate_per_s.to_string(),
                    max = bounds::RATE_PER_S_MAX.to_string()
                ),
            ));
        }
        if w.read_rate_per_s > 0.0 {
            self.reads_ok("workload.read_rate_per_s")?;
        }
        at_most("raft.lease_drift_bound_pct", self.raft.lease_drift_bound_pct, 0, 90)?;
        at_most("limits.max_events", self.limits.max_events, 1, bounds::MAX_EVENTS_MAX)?;
        at_most("limits.max_in_flight", self.limits.max_in_flight, 1, bounds::MAX_IN_FLIGHT_MAX)?;
        at_most("limits.max_trace", self.limits.max_trace, 1, bounds::MAX_TRACE_MAX)?;
        Ok(())
    }

    /// Every intervention: at most [`bounds::INTERVENTIONS_MAX`], none after the end of the run, each naming nodes
    /// that exist and values within bounds.
    fn validate_interventions(&self) -> Result<(), ScenarioError> {
        let n = self.total_nodes();
        let w = &self.workload;
        if self.interventions.len() > bounds::INTERVENTIONS_MAX {
            return Err(ScenarioError::new(
                ErrorKind::Value,
                "interventions",
                note!("scenario.error.interventions", n = self.interventions.len(), max = bounds::INTERVENTIONS_MAX),
            ));
        }
        for (i, iv) in self.interventions.iter().enumerate() {
            self.validate_intervention(i, iv, n, w)?;
        }
        Ok(())
    }

    fn validate_intervention(&self, i: usize, iv: &Intervention, n: u16, w: &Workload) -> Result<(), ScenarioError> {
        let at = format!("interventions[{i}].action");
        if iv.at_us > self.until_ms.saturating_mul(1000) {
            return Err(ScenarioError::new(
                ErrorKind::Value,
                format!("interventions[{i}].at_us"),
                note!("scenario.error.after-end", at_us = iv.at_us, until_ms = self.until_ms),
            ));
        }
        match &iv.action {
            Action::Crash { node }
            | Action::Restart { node }
            | Action::Pause { node }
            | Action::Resume { node }
            | Action::DiskWipe { node } => self.node_ok(&format!("{at}.node"), *node)?,
            Action::ClockJump { node, by_us } => {
                self.node_ok(&format!("{at}.node"), *node)?;
                let max = bounds::UNTIL_MS_MAX * 1000;
                at_most(&format!("{at}.by_us"), by_us.unsigned_abs(), 0, max)?;
            }
            Action::ClockDrift { node, ppm } => {
                self.node_ok(&format!("{at}.node"), *node)?;
                at_most(&format!("{at}.ppm"), ppm.unsigned_abs(), 0, crate::clock::DRIFT_PPM_MAX as u64)?;
            }
            Action::DiskLatency { node, fsync_us } => {
                self.node_ok(&format!("{at}.node"), *node)?;
                at_most(&format!("{at}.fsync_us"), *fsync_us, 0, bounds::LATENCY_US_MAX)?;
            }
            Action::Slow { node, handle_us } => {
                self.node_ok(&format!("{at}.node"), *node)?;
                at_most(&format!("{at}.handle_us"), *handle_us, 0, bounds::LATENCY_US_MAX)?;
            }
            Action::Partition { groups } => {
                let mut seen = vec![false; usize::from(n)];
                for (g, group) in groups.iter().enumerate() {
                    for (k, &node) in group.iter().enumerate() {
                        let p = format!("{at}.groups[{g}][{k}]");
                        self.node_ok(&p, node)?;
                        if std::mem::replace(&mut seen[usize::from(node)], true) {
                            return Err(ScenarioError::new(
                                ErrorKind::Value,
                                p,
                                note!("scenario.error.two-groups", node),
                            ));
                        }
                    }
                }
            }
            Action::Cut { from, to } => {
                self.node_ok(&format!("{at}.from"), *from)?;
                self.node_ok(&format!("{at}.to"), *to)?;
            }
            Action::Heal | Action::DropMessage { .. } | Action::DuplicateMessage { .. } => {}
            Action::DelayMessage { by_us, .. } => at_most(&format!("{at}.by_us"), *by_us, 1, bounds::LATENCY_US_MAX)?,
            Action::SetNetwork { link: l, settings } => {
                if let Some((a, b)) = l {
                    self.node_ok(&format!("{at}.link.0"), *a)?;
                    self.node_ok(&format!("{at}.link.1"), *b)?;
                }
                link(&format!("{at}.settings"), settings)?;
            }
            Action::Read { shopper, item } => {
                self.shopper_ok(&format!("{at}.shopper"), *shopper)?;
                self.reads_ok(&at)?;
                at_most(&format!("{at}.item"), *item, 0, w.items - 1)?;
            }
            Action::Checkout { shopper, customer, lines } => {
                self.shopper_ok(&format!("{at}.shopper"), *shopper)?;
                at_most(&format!("{at}.customer"), *customer, 0, w.customers - 1)?;
                at_most(&format!("{at}.lines (count)"), lines.len(), 1, usize::from(bounds::BASKET_MAX))?;
                for (k, l) in lines.iter().enumerate() {
                    at_most(&format!("{at}.lines[{k}].item"), l.item, 0, w.items - 1)?;
                    at_most(&format!("{at}.lines[{k}].qty"), l.qty, 1, bounds::QTY_MAX)?;
                }
            }
        }
        Ok(())
    }

    fn shopper_ok(&self, at: &str, shopper: NodeId) -> Result<(), ScenarioError> {
        let n = self.total_nodes();
        if shopper < self.servers() || shopper >= n {
            return Err(ScenarioError::new(
                ErrorKind::Value,
                at,
                note!("scenario.error.not-shopper", node = shopper, lo = self.servers(), hi = n - 1),
            ));
        }
        Ok(())
    }

    /// Reads asked of a protocol that serves none are refused, with the protocols that do.
    fn reads_ok(&self, at: &str) -> Result<(), ScenarioError> {
        let info = Scenario::protocol_info(self.protocol)?;
        if info.serves_reads {
            return Ok(());
        }
        let serving: Vec<&str> =
            crate::protocols::REGISTRY.iter().filter(|i| i.serves_reads).map(|i| i.kind.name()).collect();
        Err(ScenarioError::new(
            ErrorKind::Value,
            at,
            note!("scenario.error.no-reads", protocol = info.title.to_string(), serving = quoted(&serving)),
        ))
    }

    fn node_ok(&self, at: &str, node: NodeId) -> Result<(), ScenarioError> {
        let n = self.total_nodes();
        if node >= n {
            Err(ScenarioError::new(ErrorKind::Value, at, note!("scenario.error.no-node", node, hi = n - 1)))
        } else {
            Ok(())
        }
    }

    /// Reads a scenario from JSON, checks its version first, then every field and value.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        // The message names the place, not serde_json's wording of the fault: its error text (with the std I/O
        // error kinds it can wrap) is 1.5 KB of the page's gzipped bundle.
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            // The place is part of the message (its words are the reader's language), not of `at`.
            let (line, column) = (e.line(), e.column());
            let what = if e.is_eof() {
                note!("scenario.error.eof", line, column)
            } else {
                note!("scenario.error.syntax", line, column)
            };
            ScenarioError::new(ErrorKind::Syntax, "", what)
        })?;
        Scenario::from_value(&value)
    }

    /// Reads a scenario from parsed JSON (an exported trace's `scenario`, say), checking it as [`Scenario::from_json`]
    /// does.
    pub fn from_value(value: &serde_json::Value) -> Result<Scenario, ScenarioError> {
        let obj = value
            .as_object()
            .ok_or_else(|| ScenarioError::new(ErrorKind::Field, "", note!("scenario.error.not-object")))?;
        match obj.get("format_version") {
            None => {
                return Err(ScenarioError::new(ErrorKind::Field, "format_version", note!("scenario.error.missing")))
            }
            Some(v) if v.as_u64() != Some(u64::from(FORMAT_VERSION)) => {
                return Err(ScenarioError::new(
                    ErrorKind::Version,
                    "format_version",
                    note!("scenario.error.version-found", found = decode::found(v), reads = FORMAT_VERSION),
                ))
            }
            Some(_) => {}
        }
        let mut scenario = decode::scenario(value)?;
        scenario.normalize_options();
        if !obj.contains_key("nodes") {
            // The protocol's own default cluster: five Raft servers, one database, ...
            scenario.nodes = Scenario::protocol_info(scenario.protocol)?.default_nodes;
        }
        scenario.validate()?;
        Ok(scenario)
    }

    /// Reads the compact form; a leading `#` (a URL fragment as the browser gives it) is accepted.
    pub fn from_compact(text: &str) -> Result<Scenario, ScenarioError> {
        let text = text.trim().trim_start_matches('#');
        let body = text.strip_prefix(COMPACT_PREFIX).ok_or_else(|| {
            let shown: String = text.chars().take(12).collect();
            ScenarioError::new(
                ErrorKind::Link,
                "",
                note!("scenario.error.not-link", shown, prefix = COMPACT_PREFIX.to_string()),
            )
        })?;
        let bytes = base64url_decode(body).map_err(|(pos, c)| {
            ScenarioError::new(
                ErrorKind::Link,
                "",
                note!(
                    "scenario.error.link-character",
                    character = c.to_string(),
                    position = pos + COMPACT_PREFIX.len()
                ),
            )
        })?;
        let json = String::from_utf8(bytes)
            .map_err(|_| ScenarioError::new(ErrorKind::Link, "", note!("scenario.error.link-not-text")))?;
        Scenario::from_json(&json).map_err(|mut e| {
            if e.kind == ErrorKind::Syntax {
                e.kind = ErrorKind::Link;
                e.message = note!("scenario.error.link-damaged", problem = e.message.clone());
            }
            e
        })
    }
}
