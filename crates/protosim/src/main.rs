//! `protosim`: run the checkout protocol explorer's scenarios from the command line.
//!
//! Arguments, help and their errors are clap's (derive); `protosim completions SHELL` prints a completion script.
//! Exit codes: 0 every invariant, liveness and linearizability held, 1 a violation (or a history no correct shop
//! explains) or a late checkout was found, 2 bad input (with a message).

use clap::{Args, Parser, Subcommand};
use protosim::protocols::meta::OptionValues;
use protosim::scenario::{ProtocolKind, Scenario};
use protosim::sweep::{Shard, SweepPlan, SweepResult};
use protosim::trace::{StopReason, TraceHasher};
use protosim::{protocols, RecordOptions, Report};
use std::io::{IsTerminal, Read, Write};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
`hunt` is the page's bug hunt: random fault schedules (as `sweep --faults`) until the first violation, then the \
schedule shrunk until removing any one intervention makes that violation disappear.

Sweeps and hunts use every core (--threads to choose); their results do not depend on the number of threads. \
Progress bars are drawn on standard error when it is a terminal.

Exit codes: 0 all invariants, liveness and linearizability held, 1 a violation (an invariant, or a history no
correct shop explains) or a liveness failure was found, 2 bad input.";

/// protosim — deterministic simulations of a distributed checkout
#[derive(Parser)]
#[command(name = "protosim", version, arg_required_else_help = true, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

/// Every subcommand lets a flag given twice mean its last value (as scripts that append overrides expect).
#[derive(Subcommand)]
enum Cmd {
    /// Run one scenario and print its report (every invariant's verdict, liveness, the trace hash)
    #[command(args_override_self = true)]
    Run {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        out: Output,
        /// Stream the trace as JSON lines on standard output as it is made (the report goes to standard error)
        #[arg(long)]
        events: bool,
        /// Write the shoppers' history for an outside checker: FILE.json in Porcupine's shape, FILE.edn in Jepsen's
        /// (Knossos, Elle); may be given twice
        #[arg(long, value_name = "FILE")]
        history: Vec<std::path::PathBuf>,
    },
    /// Run many seeds of a scenario (with random faults if asked) and count the violations
    #[command(args_override_self = true)]
    Sweep {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        search: Search,
        /// Give every seed a random fault schedule (crashes, partitions, loss) that heals at 2/3 of the run
        #[arg(long, help_heading = "Search")]
        faults: bool,
        /// Stop at the first (lowest) violating seed, to show a mistaken variant is caught and where
        #[arg(long, help_heading = "Search")]
        stop_at_first: bool,
        /// Run only the K-th of N contiguous parts of the seeds (for a batch runner; add the parts with `merge`)
        #[arg(long, value_name = "K/N", value_parser = Shard::parse, help_heading = "Search")]
        shard: Option<Shard>,
        #[command(flatten)]
        out: Output,
    },
    /// Hunt for a counterexample with random fault schedules, then shrink it (exit code 1 when one is found)
    #[command(args_override_self = true)]
    Hunt {
        #[command(flatten)]
        scenario: ScenarioArgs,
        #[command(flatten)]
        search: Search,
        #[command(flatten)]
        out: Output,
    },
    /// Add up the `sweep --shard K/N --json` results of one sweep into the result of the whole sweep
    #[command(args_override_self = true)]
    Merge {
        /// The shards' JSON results (`-` reads one from standard input)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// Print the merged result as JSON
        #[arg(long)]
        json: bool,
    },
    /// List every protocol with its servers, variants and options
    List,
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Scenario options (they override the fields of --scenario FILE when both are given).
#[derive(Args, Default)]
#[command(next_help_heading = "Scenario")]
struct ScenarioArgs {
    /// Start from a scenario JSON file (`-` reads standard input)
    #[arg(long, value_name = "FILE")]
    scenario: Option<String>,
    /// A protocol by name, e.g. raft or 2pc (`protosim list` shows every one, with its servers, variants, options)
    #[arg(long, value_name = "P", value_parser = parse_protocol)]
    protocol: Option<ProtocolKind>,
    /// correct, or a textbook mistake (see `protosim list`)
    #[arg(long, value_name = "V")]
    variant: Option<String>,
    /// Servers, in the protocol's range (`protosim list`); its default cluster when absent
    #[arg(long, value_name = "N")]
    nodes: Option<u16>,
    /// Shopper client nodes
    #[arg(long, value_name = "N")]
    shoppers: Option<u16>,
    /// Master seed (a sweep starts here and counts up)
    #[arg(long, value_name = "S", allow_negative_numbers = true)]
    seed: Option<u64>,
    /// Simulated time to run, in milliseconds
    #[arg(long, value_name = "T", allow_negative_numbers = true)]
    until_ms: Option<u64>,
    /// One-way latency range of every link, in milliseconds
    #[arg(long, value_name = "MIN..MAX", value_parser = parse_latency)]
    latency_ms: Option<(u64, u64)>,
    /// Probability a message is lost (0..1)
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    loss: Option<f64>,
    /// Probability a message is duplicated (0..1)
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    dup: Option<f64>,
    /// Checkouts per simulated second
    #[arg(long, value_name = "R", allow_negative_numbers = true)]
    rate: Option<f64>,
    /// Probability a basket line is the hot item (0..1)
    #[arg(long, value_name = "P", allow_negative_numbers = true)]
    hot: Option<f64>,
    /// Units of stock per item at the start (little stock makes refusals, and the answers a checker judges)
    #[arg(long, value_name = "N")]
    stock: Option<u32>,
    /// Each customer's wallet at the start, in cents
    #[arg(long, value_name = "C")]
    wallet_cents: Option<u64>,
    /// Stock look-ups per simulated second (workload.read_rate_per_s; Raft answers them as --option read=… says)
    #[arg(long)]
    read_rate: Option<f64>,
    /// A setting the protocol declares (`protosim list`), e.g. stable_leader=true (Paxos), deadlock=wound-wait;
    /// applied in order, then the short forms below
    #[arg(long = "option", value_name = "NAME=VALUE")]
    options: Vec<String>,
    /// The same as --option proposers=N (Paxos: 1 to 3 order services, default 2)
    #[arg(long, value_name = "N")]
    proposers: Option<String>,
    /// The same as --option stable_leader=true (Paxos: Multi-Paxos, phase 1 once)
    #[arg(long)]
    stable_leader: bool,
    /// The same as --option cooperative=true (2PC: cooperative termination)
    #[arg(long)]
    cooperative: bool,
    /// The same as --option deadlock=D (pessimistic: detect, wound-wait or timeout)
    #[arg(long, value_name = "D")]
    deadlock: Option<String>,
    /// The same as --option service=S (pessimistic: single, raft (a lock table replicated on 3 servers), or redlock
    /// over 5 independent lock servers)
    #[arg(long, value_name = "S")]
    lock_service: Option<String>,
}

/// How many seeds, on how many threads.
#[derive(Args)]
#[command(next_help_heading = "Search")]
struct Search {
    /// How many seeds (counting up from --seed)
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    seeds: u64,
    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
}

#[derive(Args)]
#[command(next_help_heading = "Output")]
struct Output {
    /// Print the report (or result) as JSON
    #[arg(long)]
    json: bool,
    /// Print the scenario JSON and exit
    #[arg(long)]
    print_scenario: bool,
    /// Print the scenario as the page's link fragment (`#s1.…`: append it to the explorer's address) and exit
    #[arg(long)]
    print_link: bool,
}

fn parse_protocol(v: &str) -> Result<ProtocolKind, String> {
    protocols::parse(v).ok_or_else(|| format!("not a protocol; choose one of: {}", protocols::names().join(", ")))
}

/// `MIN..MAX` in milliseconds (fractions allowed) → microseconds.
fn parse_latency(v: &str) -> Result<(u64, u64), String> {
    let (lo, hi) = v.split_once("..").ok_or("should be MIN..MAX, in milliseconds")?;
    let ms = |x: &str| x.trim().parse::<f64>().ok().filter(|m| m.is_finite() && *m >= 0.0);
    match (ms(lo), ms(hi)) {
        (Some(lo), Some(hi)) => Ok(((lo * 1000.0).round() as u64, (hi * 1000.0).round() as u64)),
        _ => Err("must be two non-negative numbers of milliseconds".into()),
    }
}

fn bad(msg: impl AsRef<str>) -> ExitCode {
    eprintln!("protosim: {}", msg.as_ref());
    eprintln!("(run `protosim --help` for usage)");
    ExitCode::from(2)
}

/// `NAME=VALUE`: sets the protocol's option NAME, or says which options it has.
fn set_option(s: &mut Scenario, assignment: &str) -> Result<(), String> {
    let info = protocols::try_info(s.protocol).ok_or_else(|| format!("no protocol `{}`", s.protocol))?;
    let (name, value) =
        assignment.split_once('=').ok_or_else(|| format!("--option: `{assignment}` should be NAME=VALUE"))?;
    let option = info.options.iter().find(|o| o.name == name.trim()).ok_or_else(|| {
        let names: Vec<&str> = info.options.iter().map(|o| o.name).collect();
        let has = if names.is_empty() { "none".to_string() } else { names.join(", ") };
        format!("--option: {} has no option `{}` (it has: {has})", info.title, name.trim())
    })?;
    *s = protosim::compare::set_option(s, option, value.trim())
        .map_err(|e| format!("--option {}", protosim::i18n::render(&e)))?;
    Ok(())
}

fn read_input(path: &str) -> Result<String, String> {
    let mut text = String::new();
    if path == "-" {
        std::io::stdin().read_to_string(&mut text).map_err(|e| format!("reading standard input: {e}"))?;
    } else {
        text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    }
    Ok(text)
}

impl ScenarioArgs {
    /// The scenario: the file's (or the default), then each flag given, then the protocol's options.
    fn build(&self) -> Result<Scenario, String> {
        let mut s = match &self.scenario {
            Some(path) => {
                Scenario::from_json(&read_input(path)?).map_err(|e| format!("bad scenario in {path}: {e}"))?
            }
            None => Scenario::default(),
        };
        if let Some(p) = self.protocol {
            s.protocol = p;
            if self.scenario.is_none() && self.nodes.is_none() {
                s.nodes = protocols::info(p).default_nodes;
            }
        }
        if let Some(v) = &self.variant {
            if self.scenario.is_none() {
                protocols::info(s.protocol).choose_variant(&mut s, v); // with the settings it is shown with
            } else {
                s.variant = v.clone();
            }
        }
        s.nodes = self.nodes.unwrap_or(s.nodes);
        s.shoppers = self.shoppers.unwrap_or(s.shoppers);
        s.seed = self.seed.unwrap_or(s.seed);
        s.until_ms = self.until_ms.unwrap_or(s.until_ms);
        let link = &mut s.network.default;
        if let Some((lo, hi)) = self.latency_ms {
            (link.latency_us_min, link.latency_us_max) = (lo, hi);
        }
        link.loss = self.loss.unwrap_or(link.loss);
        link.dup = self.dup.unwrap_or(link.dup);
        s.workload.rate_per_s = self.rate.unwrap_or(s.workload.rate_per_s);
        s.workload.stock = self.stock.unwrap_or(s.workload.stock);
        s.workload.wallet_cents = self.wallet_cents.unwrap_or(s.workload.wallet_cents);
        s.workload.read_rate_per_s = self.read_rate.unwrap_or(s.workload.read_rate_per_s);
        s.workload.hot_item = self.hot.unwrap_or(s.workload.hot_item);
        let shorthands = [
            self.proposers.as_ref().map(|n| format!("proposers={n}")),
            self.stable_leader.then(|| "stable_leader=true".to_string()),
            self.cooperative.then(|| "cooperative=true".to_string()),
            self.deadlock.as_ref().map(|d| format!("deadlock={d}")),
            self.lock_service.as_ref().map(|d| format!("service={d}")),
        ];
        for assignment in self.options.iter().cloned().chain(shorthands.into_iter().flatten()) {
            set_option(&mut s, &assignment)?;
        }
        s.validate().map_err(|e| format!("bad scenario: {e}"))?;
        Ok(s)
    }
}

fn print_report(r: &Report, names: &dyn Fn(u16) -> String, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "protocol        {} ({}), seed {}", r.protocol, r.variant, r.seed)?;
    writeln!(out, "simulated       {} ms: {}", r.simulated_ms, r.stop)?;
    writeln!(out, "events          {}", r.events)?;
    writeln!(
        out,
        "checkouts       {} submitted: {} confirmed, {} rejected, {} aborted, {} unanswered",
        r.checkouts_submitted, r.checkouts_confirmed, r.checkouts_rejected, r.checkouts_aborted, r.checkouts_unanswered
    )?;
    if r.reads_submitted > 0 {
        writeln!(out, "reads           {} submitted: {} answered", r.reads_submitted, r.reads_answered)?;
    }
    writeln!(
        out,
        "latency ms      p50 {:.1}  p95 {:.1}  p99 {:.1}",
        r.latency_ms_p50, r.latency_ms_p95, r.latency_ms_p99
    )?;
    writeln!(
        out,
        "messages        {} sent, {} delivered, {} dropped, {} duplicated",
        r.messages_sent, r.messages_delivered, r.messages_dropped, r.messages_duplicated
    )?;
    let declared = protocols::parse(&r.protocol).and_then(protocols::try_info).map_or(&[][..], |i| i.metrics);
    for (name, n, p50, p95, max) in &r.samples {
        let unit = declared.iter().find(|m| m.name == *name).map(|m| m.unit);
        if unit == Some(protosim::protocols::meta::MetricUnit::Count) {
            let mean = r.sample_means.iter().find(|(m, _)| m == name).map_or(0.0, |(_, v)| *v);
            writeln!(out, "{name:<15} {n} samples: mean {mean:.2}, p50 {p50}, p95 {p95}, max {max}")?;
            continue;
        }
        writeln!(
            out,
            "{name:<15} {n} samples: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            *p50 as f64 / 1000.0,
            *p95 as f64 / 1000.0,
            *max as f64 / 1000.0
        )?;
    }
    writeln!(out, "invariants      {}", if r.invariants_held { "all held" } else { "VIOLATED" })?;
    for v in &r.verdicts {
        match &v.first {
            None => writeln!(out, "  ok    {:<30} {}", v.invariant, v.rule)?,
            Some(f) => writeln!(
                out,
                "  FAIL  {:<30} at {:.3} ms (event {}){}: {}",
                v.invariant,
                f.at_us as f64 / 1000.0,
                f.event,
                f.node.map(|n| format!(" on node {n}")).unwrap_or_default(),
                protosim::i18n::render(&f.detail)
            )?,
        }
    }
    writeln!(out, "liveness        {}", r.liveness.describe())?;
    writeln!(out, "linearizability {}", protosim::i18n::render(&r.linearizability.note(names)))?;
    writeln!(out, "trace           {} events, trace_hash {}", r.trace_events, r.trace_hash)
}

/// Runs a scenario as a stream: the trace is consumed in pieces (hashed, judged for liveness, written out with
/// `--events`) and never kept whole, so memory does not grow with the trace (only with the run's checkouts and
/// samples, one number each).
fn cmd_run(s: &Scenario, out_opts: &Output, events: bool, history_files: &[std::path::PathBuf]) -> ExitCode {
    for f in history_files {
        if !matches!(f.extension().and_then(|e| e.to_str()), Some("json" | "edn")) {
            return bad(format!("--history {}: the file must end in .json (Porcupine) or .edn (Jepsen)", f.display()));
        }
    }
    let mut runner = match protosim::build(s, RecordOptions { narrate: true, checkpoint_every: 0 }) {
        Ok(r) => r,
        Err(e) => return bad(format!("bad scenario: {e}")),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut hasher = TraceHasher::default();
    let mut judge = protosim::liveness::LivenessJudge::new(s);
    let mut recorder = protosim::linearizability::HistoryRecorder::new(s);
    let written = protosim::stream(runner.as_mut(), |piece| {
        judge.feed(piece);
        recorder.feed(piece);
        piece.iter().all(|e| {
            let line = hasher.push(e);
            !events || writeln!(out, "{line}").is_ok()
        })
    });
    if !written {
        return ExitCode::from(2); // standard output closed (a pipe into `head`)
    }
    let liveness = judge.finish(runner.now_us());
    let history = recorder.finish(runner.now_us());
    if let Err(e) = write_histories(&history, history_files) {
        return bad(e);
    }
    let judged = protosim::Judged { liveness, linearizability: protosim::judge_history(&history) };
    let report = Report::with_trace(runner.as_ref(), hasher.events(), hasher.hex(), judged);
    let names = protosim::linearizability::node_names(s);
    let result = if events {
        let _ = out.flush();
        if out_opts.json {
            writeln!(std::io::stderr(), "{}", serde_json::to_string_pretty(&report).expect("report serialises"))
        } else {
            print_report(&report, &names, &mut std::io::stderr())
        }
    } else if out_opts.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report).expect("report serialises"))
    } else {
        print_report(&report, &names, &mut out)
    };
    let _ = result.and_then(|_| out.flush());
    if let Some(StopReason::Limit { .. }) = runner.stop_reason() {
        eprintln!("protosim: note: {}", runner.stop_reason().map(StopReason::describe).unwrap_or_default());
    }
    if report.invariants_held
        && report.liveness.verdict != protosim::liveness::LivenessVerdict::Broken
        && report.linearizability.verdict != protosim::linearizability::LinVerdict::Violated
    {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Writes the history to each file, in the shape its extension names (checked before the run).
fn write_histories(h: &protosim::linearizability::History, files: &[std::path::PathBuf]) -> Result<(), String> {
    use protosim::linearizability::export;
    for f in files {
        let text =
            if f.extension().is_some_and(|e| e == "edn") { export::jepsen_edn(h) } else { export::porcupine_json(h) };
        std::fs::write(f, text).map_err(|e| format!("--history {}: {e}", f.display()))?;
    }
    Ok(())
}

/// A progress bar on standard error when it is a terminal; hidden (drawing nothing) otherwise.
fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{what} {{bar:30}} {{pos}}/{{len}} seeds, {{per_sec}}, {{msg}}, {{eta}} left"
    ))
    .expect("a valid template");
    bar.set_style(style);
    bar
}

/// Runs `f` on a pool of `threads` threads, or on rayon's global pool (one thread per core).
fn with_threads<T: Send>(threads: Option<u16>, f: impl FnOnce() -> T + Send) -> Result<T, String> {
    match threads {
        None => Ok(f()),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(usize::from(n))
            .build()
            .map(|pool| pool.install(f))
            .map_err(|e| format!("--threads {n}: {e}")),
    }
}

fn cmd_sweep(s: &Scenario, search: &Search, plan: SweepPlan, json: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let range = plan.range();
    let bar = progress_bar(range.1 - range.0, "sweep");
    let run = || {
        protosim::sweep::sweep_with(s, &plan, &mut |r| {
            bar.set_position(r.runs);
            bar.set_message(format!(
                "seed {}, {} violations",
                s.seed.wrapping_add(r.range.0 + r.runs),
                r.violating_runs + r.liveness_failures
            ));
        })
    };
    let res = match with_threads(search.threads, run) {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => return bad(format!("bad scenario: {e}")),
        Err(e) => return bad(e),
    };
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    let threads = search.threads.map_or(rayon::current_num_threads(), usize::from);
    let _ = print_sweep(json, &res, Some((secs, threads)), &mut std::io::stdout().lock());
    sweep_exit(&res)
}

fn sweep_exit(res: &SweepResult) -> ExitCode {
    if res.violating_runs == 0 && res.liveness_failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `protosim merge`: the shards' results, read and added up (exit code as the whole sweep's).
fn cmd_merge(files: &[String], json: bool) -> ExitCode {
    let mut parts = Vec::new();
    for f in files {
        let text = match read_input(f) {
            Ok(t) => t,
            Err(e) => return bad(e),
        };
        match serde_json::from_str::<SweepResult>(&text) {
            Ok(r) => match r.base.validate() {
                Ok(()) => parts.push(r),
                Err(e) => return bad(format!("{f}: the sweep's scenario is not one this build runs: {e}")),
            },
            Err(e) => return bad(format!("{f} is not the result of `protosim sweep --json`: {e}")),
        }
    }
    match protosim::sweep::merge(parts) {
        Ok(whole) => {
            let _ = print_sweep(json, &whole, None, &mut std::io::stdout().lock());
            sweep_exit(&whole)
        }
        Err(e) => bad(format!("cannot merge: {e}")),
    }
}

fn print_sweep(
    json: bool,
    res: &SweepResult,
    timing: Option<(f64, usize)>,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if json {
        return writeln!(out, "{}", serde_json::to_string_pretty(&res).expect("sweep result serialises"));
    }
    let s = &res.base;
    let shard = res.shard.map(|sh| format!(" (shard {} of {})", sh.index, sh.count)).unwrap_or_default();
    writeln!(
        out,
        "sweep           {} ({}{}), {}{shard}, {}",
        s.protocol.name(),
        s.variant,
        protocols::info(s.protocol).options.iter().map(|o| format!(", {}: {}", o.name, o.get(s))).collect::<String>(),
        if res.range.0 == res.range.1 {
            "no seeds".to_string()
        } else {
            format!("seeds {}..={}", s.seed.wrapping_add(res.range.0), s.seed.wrapping_add(res.range.1 - 1))
        },
        if res.faults { "random faults" } else { "no faults" }
    )?;
    if let Some((secs, threads)) = timing {
        writeln!(
            out,
            "runs            {} ({} events, {:.1} s, {:.0} runs/s on {threads} threads)",
            res.runs,
            res.events,
            secs,
            res.runs as f64 / secs
        )?;
    } else {
        writeln!(out, "runs            {} ({} events)", res.runs, res.events)?;
    }
    {
        writeln!(
            out,
            "violations      {} of {} runs (histories: {} not linearizable, {} unknown)",
            res.violating_runs, res.runs, res.not_linearizable, res.linearizability_unknown
        )?;
        if let Some(seed) = res.first_unknown_seed {
            writeln!(out, "first history the checker could not judge within its budget: seed {seed}")?;
        }
        if let Some(bound) = res.liveness_bound_ms {
            writeln!(
                out,
                "liveness        {} of {} runs left a checkout unanswered {bound} ms after the protocol's needs were \
                 met; slowest judged answer {} ms",
                res.liveness_failures, res.runs, res.slowest_answer_ms
            )?;
            if let Some(f) = &res.first_liveness_failure {
                writeln!(out, "first liveness failure, seed {}: {}", f.scenario.seed, f.detail)?;
                if res.first.is_none() {
                    writeln!(out, "{}", f.scenario.to_json_pretty())?;
                }
            }
        }
        if let Some(f) = &res.first {
            writeln!(out, "first violating seed {}: {} — {}", f.scenario.seed, f.expect, f.detail)?;
            writeln!(out, "replay it with: protosim run --scenario FILE   (FILE holding this scenario)")?;
            writeln!(out, "{}", f.scenario.to_json_pretty())?;
        }
    }
    Ok(())
}

fn cmd_list() -> ExitCode {
    for p in protocols::kinds() {
        let info = protocols::info(p);
        println!("{} — {} ({} to {} servers)", p.name(), info.title, info.nodes.0, info.nodes.1);
        for v in info.variants {
            println!("    {:<22} {}", v.name, v.explain);
        }
        for o in info.options {
            let values = match o.values {
                OptionValues::Flag { default } => format!("true or false, default {default}"),
                OptionValues::Count { min, max, default } => format!("{min} to {max}, default {default}"),
                OptionValues::OneOf(names) => format!("{}, default {}", names.join(", "), names[0]),
            };
            println!("    --option {}=…  {} ({values})", o.name, o.help);
        }
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = Cli::try_parse().unwrap_or_else(|e| e.exit());
    let (scenario, out) = match &cli.cmd {
        Cmd::List => return cmd_list(),
        Cmd::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut <Cli as clap::CommandFactory>::command(),
                "protosim",
                &mut std::io::stdout(),
            );
            return ExitCode::SUCCESS;
        }
        Cmd::Merge { files, json } => return cmd_merge(files, *json),
        Cmd::Run { scenario, out, .. } | Cmd::Sweep { scenario, out, .. } | Cmd::Hunt { scenario, out, .. } => {
            (scenario, out)
        }
    };
    let s = match scenario.build() {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    if out.print_scenario {
        println!("{}", s.to_json_pretty());
        return ExitCode::SUCCESS;
    }
    if out.print_link {
        println!("#{}", s.to_compact());
        return ExitCode::SUCCESS;
    }
    match &cli.cmd {
        Cmd::Run { events, history, .. } => cmd_run(&s, out, *events, history),
        Cmd::Hunt { search, .. } => cmd_hunt(&s, search, out.json),
        Cmd::Sweep { search, faults, stop_at_first, shard, .. } => {
            let plan = SweepPlan { seeds: search.seeds, faults: *faults, stop_at_first: *stop_at_first, shard: *shard };
            cmd_sweep(&s, search, plan, out.json)
        }
        _ => unreachable!("handled above"),
    }
}

fn cmd_hunt(s: &Scenario, search: &Search, json: bool) -> ExitCode {
    let started = std::time::Instant::now();
    let mut hunt = protosim::hunt::Hunt::new(s.clone(), search.seeds);
    let bar = progress_bar(search.seeds, "hunt");
    let hunted = with_threads(search.threads, || {
        while !hunt.work(256) {
            match hunt.progress() {
                protosim::hunt::Progress::Searching { tried, .. } => {
                    bar.set_position(tried);
                    bar.set_message(format!("seed {}", s.seed.wrapping_add(tried)));
                }
                protosim::hunt::Progress::Shrinking { seed, left, before } => {
                    bar.set_message(format!("shrinking seed {seed}: {left} of {before} interventions left"));
                }
                _ => {}
            }
        }
        hunt
    });
    bar.finish_and_clear();
    let hunt = match hunted {
        Ok(h) => h,
        Err(e) => return bad(e),
    };
    let secs = started.elapsed().as_secs_f64();
    let Some(c) = hunt.result() else {
        println!(
            "hunt            {} ({}): no violation in {} seeds, {:.1} s",
            s.protocol.name(),
            s.variant,
            search.seeds,
            secs
        );
        return ExitCode::SUCCESS;
    };
    if json {
        let found = protosim::Found::violation(c.scenario.clone(), &c.violation);
        println!("{}", serde_json::to_string_pretty(&found).expect("JSON"));
    } else {
        println!("hunt            {} ({}), seeds from {}", s.protocol.name(), s.variant, s.seed);
        println!("found           seed {} after {} runs", c.seed, c.search_runs);
        println!(
            "violation       {} at {:.3} s: {}",
            c.violation.invariant,
            c.violation.at_us as f64 / 1e6,
            protosim::i18n::render(&c.violation.detail)
        );
        println!(
            "shrunk          {} → {} interventions in {} runs",
            c.interventions_before,
            c.scenario.interventions.len(),
            c.shrink_runs
        );
        println!(
            "time            {:.2} s, {:.0} runs/s on {} threads",
            secs,
            hunt.runs as f64 / secs.max(1e-9),
            search.threads.map_or(rayon::current_num_threads(), usize::from)
        );
        for i in &c.scenario.interventions {
            println!("  at {:>10.3} ms  {:?}", i.at_us as f64 / 1000.0, i.action);
        }
    }
    ExitCode::from(1)
}
