//! `protosim`: run the checkout protocol explorer's scenarios from the command line.
//!
//! Exit codes: 0 every invariant and liveness held, 1 a violation or a late checkout was found, 2 bad input (with a
//! message).

use protosim::protocols::meta::OptionValues;
use protosim::scenario::Scenario;
use protosim::trace::StopReason;
use protosim::{protocols, sweep, RecordOptions, Report};
use std::io::{Read, Write};
use std::process::ExitCode;

const USAGE: &str = "\
protosim — deterministic simulations of a distributed checkout

USAGE:
  protosim run   --protocol P [options] [--json] [--events]
  protosim sweep --protocol P [options] --seeds N [--faults] [--stop-at-first] [--json]
  protosim hunt  --protocol P --variant V [options] [--seeds N] [--json]
  protosim list

`hunt` is the page's bug hunt: random fault schedules (as `sweep --faults`) until the first violation, then the
schedule shrunk until removing any one intervention makes that violation disappear. With --json it prints the
shrunk scenario, ready for `run --scenario`. Exit code 1 when it found one.

SCENARIO OPTIONS (override the fields of --scenario FILE when both are given):
  --scenario FILE        start from a scenario JSON file (`-` reads standard input)
  --protocol P           a protocol by name, e.g. raft or 2pc (`protosim list` shows every one registered, with
                         its servers, variants and options)
  --variant V            correct, or a textbook mistake (see `protosim list`)
  --nodes N              servers, in the protocol's range (`protosim list`); its default cluster when absent
  --shoppers N           shopper client nodes
  --seed S               master seed (a sweep starts here and counts up)
  --until-ms T           simulated time to run, in milliseconds
  --latency-ms MIN..MAX  one-way latency range of every link
  --loss P               probability a message is lost (0..1)
  --dup P                probability a message is duplicated (0..1)
  --rate R               checkouts per simulated second
  --hot P                probability a basket line is the hot item (0..1)
  --option NAME=VALUE    a setting the protocol declares (`protosim list` shows them), e.g.
                         --option stable_leader=true (Paxos), --option deadlock=wound-wait (pessimistic)
  --proposers N          the same as --option proposers=N (Paxos: 1 to 3 order services, default 2)
  --stable-leader        the same as --option stable_leader=true (Paxos: Multi-Paxos, phase 1 once)
  --cooperative          the same as --option cooperative=true (2PC: cooperative termination)
  --deadlock D           the same as --option deadlock=D (pessimistic: detect, wound-wait or timeout)

SWEEP OPTIONS:
  --seeds N              how many seeds (counting up from --seed)
  --faults               give every seed a random fault schedule (crashes, partitions, loss) that heals at 2/3
  --stop-at-first        stop at the first violating seed (to show a mistaken variant is caught, and where)

OUTPUT:
  --json                 print the report (or sweep result) as JSON
  --events               stream the trace as JSON lines on standard output (the report goes to standard error)
  --print-scenario       print the scenario JSON and exit

EXIT CODES: 0 all invariants and liveness held, 1 a violation or a liveness failure was found, 2 bad input.
";

struct Args {
    cmd: String,
    scenario_file: Option<String>,
    sets: Vec<(String, String)>,
    seeds: u64,
    faults: bool,
    stop_at_first: bool,
    json: bool,
    events: bool,
    print_scenario: bool,
}

fn bad(msg: impl AsRef<str>) -> ExitCode {
    eprintln!("protosim: {}", msg.as_ref());
    eprintln!("(run `protosim --help` for usage)");
    ExitCode::from(2)
}

fn parse_args(argv: &[String]) -> Result<Args, String> {
    let mut it = argv.iter();
    let cmd = it.next().ok_or("missing command: run, sweep or list")?.clone();
    let mut a = Args {
        cmd,
        scenario_file: None,
        sets: Vec::new(),
        seeds: 100,
        faults: false,
        stop_at_first: false,
        json: false,
        events: false,
        print_scenario: false,
    };
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match flag.as_str() {
            "--json" => a.json = true,
            "--stable-leader" => a.sets.push(("--option".into(), "stable_leader=true".into())),
            "--cooperative" => a.sets.push(("--option".into(), "cooperative=true".into())),
            "--proposers" | "--deadlock" => {
                let v = value(flag)?;
                a.sets.push(("--option".into(), format!("{}={v}", &flag[2..])));
            }
            "--events" => a.events = true,
            "--faults" => a.faults = true,
            "--stop-at-first" => a.stop_at_first = true,
            "--print-scenario" => a.print_scenario = true,
            "--scenario" => a.scenario_file = Some(value(flag)?),
            "--seeds" => {
                let v = value(flag)?;
                a.seeds = v.parse().map_err(|_| format!("--seeds: `{v}` is not a whole number"))?;
                if a.seeds == 0 || a.seeds > 10_000_000 {
                    return Err(format!("--seeds: {v} is outside 1 to 10000000"));
                }
            }
            "--protocol" | "--variant" | "--nodes" | "--shoppers" | "--seed" | "--until-ms" | "--latency-ms"
            | "--loss" | "--dup" | "--rate" | "--hot" | "--option" => {
                let v = value(flag)?;
                a.sets.push((flag.clone(), v));
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(a)
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

fn num<T: std::str::FromStr>(flag: &str, v: &str, what: &str) -> Result<T, String> {
    v.trim().parse().map_err(|_| format!("{flag}: `{v}` is not {what}"))
}

fn build_scenario(a: &Args) -> Result<Scenario, String> {
    let mut s = match &a.scenario_file {
        Some(path) => {
            let mut text = String::new();
            if path == "-" {
                std::io::stdin().read_to_string(&mut text).map_err(|e| format!("reading standard input: {e}"))?;
            } else {
                text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
            }
            Scenario::from_json(&text).map_err(|e| format!("bad scenario in {path}: {e}"))?
        }
        None => Scenario::default(),
    };
    let mut protocol_set = false;
    for (flag, v) in &a.sets {
        match flag.as_str() {
            "--protocol" => {
                s.protocol = protocols::parse(v).ok_or_else(|| {
                    let names = protocols::names();
                    format!("--protocol: `{v}` is not a protocol; choose one of: {}", names.join(", "))
                })?;
                protocol_set = true;
            }
            "--variant" => s.variant = v.clone(),
            "--nodes" => s.nodes = num(flag, v, "a node count (1 to 65535)")?,
            "--shoppers" => s.shoppers = num(flag, v, "a shopper count (1 to 65535)")?,
            "--seed" => s.seed = num(flag, v, "a whole number from 0 to 18446744073709551615")?,
            "--until-ms" => s.until_ms = num(flag, v, "a whole number of milliseconds")?,
            "--loss" => s.network.default.loss = num(flag, v, "a probability")?,
            "--dup" => s.network.default.dup = num(flag, v, "a probability")?,
            "--rate" => s.workload.rate_per_s = num(flag, v, "a number of checkouts per second")?,
            "--hot" => s.workload.hot_item = num(flag, v, "a probability")?,
            // Applied below, once the protocol (whose options they are) is known.
            "--option" => {}
            "--latency-ms" => {
                let (lo, hi) = v.split_once("..").ok_or_else(|| format!("--latency-ms: `{v}` should be MIN..MAX"))?;
                let lo: f64 = num(flag, lo, "a number of milliseconds")?;
                let hi: f64 = num(flag, hi, "a number of milliseconds")?;
                if !(lo.is_finite() && hi.is_finite() && lo >= 0.0 && hi >= 0.0) {
                    return Err(format!("--latency-ms: `{v}` must be two non-negative numbers"));
                }
                s.network.default.latency_us_min = (lo * 1000.0).round() as u64;
                s.network.default.latency_us_max = (hi * 1000.0).round() as u64;
            }
            _ => unreachable!("only known flags are collected"),
        }
    }
    if protocol_set && a.scenario_file.is_none() && !a.sets.iter().any(|(f, _)| f == "--nodes") {
        s.nodes = protocols::info(s.protocol).default_nodes;
    }
    for (_, v) in a.sets.iter().filter(|(f, _)| f == "--option") {
        set_option(&mut s, v)?;
    }
    s.validate().map_err(|e| format!("bad scenario: {e}"))?;
    Ok(s)
}

fn print_report(r: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "protocol        {} ({}), seed {}", r.protocol, r.variant, r.seed)?;
    writeln!(out, "simulated       {} ms: {}", r.simulated_ms, r.stop)?;
    writeln!(out, "events          {}", r.events)?;
    writeln!(
        out,
        "checkouts       {} submitted: {} confirmed, {} rejected, {} aborted, {} unanswered",
        r.checkouts_submitted, r.checkouts_confirmed, r.checkouts_rejected, r.checkouts_aborted, r.checkouts_unanswered
    )?;
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
    writeln!(out, "trace           {} events, trace_hash {}", r.trace_events, r.trace_hash)
}

fn cmd_run(a: &Args, s: &Scenario) -> ExitCode {
    let mut runner = match protosim::build(s, RecordOptions { narrate: true, checkpoint_every: 0 }) {
        Ok(r) => r,
        Err(e) => return bad(format!("bad scenario: {e}")),
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut printed = 0;
    loop {
        let more = runner.step();
        if a.events {
            for e in &runner.trace()[printed..] {
                if serde_json::to_writer(&mut out, e).is_err() || writeln!(out).is_err() {
                    return ExitCode::from(2); // standard output closed (a pipe into `head`)
                }
            }
            printed = runner.trace().len();
        }
        if !more {
            break;
        }
    }
    let report = Report::of(runner.as_ref());
    let result = if a.events {
        let _ = out.flush();
        if a.json {
            writeln!(std::io::stderr(), "{}", serde_json::to_string_pretty(&report).expect("report serialises"))
        } else {
            print_report(&report, &mut std::io::stderr())
        }
    } else if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&report).expect("report serialises"))
    } else {
        print_report(&report, &mut out)
    };
    let _ = result.and_then(|_| out.flush());
    if let Some(StopReason::Limit { .. }) = runner.stop_reason() {
        eprintln!("protosim: note: {}", runner.stop_reason().map(StopReason::describe).unwrap_or_default());
    }
    if report.invariants_held && report.liveness.verdict != protosim::liveness::LivenessVerdict::Broken {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn cmd_sweep(a: &Args, s: &Scenario) -> ExitCode {
    let started = std::time::Instant::now();
    let res = match sweep(s, a.seeds, a.faults, a.stop_at_first) {
        Ok(r) => r,
        Err(e) => return bad(format!("bad scenario: {e}")),
    };
    let secs = started.elapsed().as_secs_f64();
    let _ = print_sweep(a, s, &res, secs, &mut std::io::stdout().lock());
    if res.violating_runs == 0 && res.liveness_failures == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn print_sweep(
    a: &Args,
    s: &Scenario,
    res: &protosim::SweepResult,
    secs: f64,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if a.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&res).expect("sweep result serialises"))?;
    } else {
        writeln!(
            out,
            "sweep           {} ({}{}), seeds {}..={}, {}",
            s.protocol.name(),
            s.variant,
            protocols::info(s.protocol)
                .options
                .iter()
                .map(|o| format!(", {}: {}", o.name, o.get(s)))
                .collect::<String>(),
            s.seed,
            s.seed.wrapping_add(a.seeds - 1),
            if a.faults { "random faults" } else { "no faults" }
        )?;
        writeln!(
            out,
            "runs            {} ({} events, {:.1} s, {:.0} runs/s)",
            res.runs,
            res.events,
            secs,
            res.runs as f64 / secs
        )?;
        writeln!(out, "violations      {} of {} runs", res.violating_runs, res.runs)?;
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
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.is_empty() || argv.iter().any(|a| a == "--help" || a == "-h" || a == "help") {
        print!("{USAGE}");
        return if argv.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS };
    }
    let a = match parse_args(&argv) {
        Ok(a) => a,
        Err(e) => return bad(e),
    };
    if a.cmd == "list" {
        return cmd_list();
    }
    if !matches!(a.cmd.as_str(), "run" | "sweep" | "hunt") {
        return bad(format!("unknown command `{}`: use run, sweep, hunt or list", a.cmd));
    }
    let s = match build_scenario(&a) {
        Ok(s) => s,
        Err(e) => return bad(e),
    };
    if a.print_scenario {
        println!("{}", s.to_json_pretty());
        return ExitCode::SUCCESS;
    }
    match a.cmd.as_str() {
        "run" => cmd_run(&a, &s),
        "hunt" => cmd_hunt(&a, &s),
        _ => cmd_sweep(&a, &s),
    }
}

fn cmd_hunt(a: &Args, s: &Scenario) -> ExitCode {
    let started = std::time::Instant::now();
    let mut hunt = protosim::hunt::Hunt::new(s.clone(), a.seeds);
    let found = hunt.finish().cloned();
    let secs = started.elapsed().as_secs_f64();
    let Some(c) = found else {
        println!(
            "hunt            {} ({}): no violation in {} seeds, {:.1} s",
            s.protocol.name(),
            s.variant,
            a.seeds,
            secs
        );
        return ExitCode::SUCCESS;
    };
    if a.json {
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
        println!("time            {:.2} s, {:.0} runs/s", secs, hunt.runs as f64 / secs.max(1e-9));
        for i in &c.scenario.interventions {
            println!("  at {:>10.3} ms  {:?}", i.at_us as f64 / 1000.0, i.action);
        }
    }
    ExitCode::from(1)
}
