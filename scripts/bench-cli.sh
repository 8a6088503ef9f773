#!/usr/bin/env bash
# The command line's figures (printed, never asserted): a streaming `protosim run` of 10 million events — its wall
# time and peak memory (target: under 100 MB, whatever the run's length) — and a sweep on one thread and on every
# core. Needs GNU time (scripts/setup.sh installs it). Usage: bash scripts/bench-cli.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --locked --profile fast -p protosim
P=./target/fast/protosim
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cores=$(nproc)

# The issue's own example, made long: 5-server Raft at 1,000 checkouts per simulated second, until 10 million
# events (narrated, hashed and judged as they are made; the trace is never kept whole).
cat > "$work/long.json" <<'JSON'
{"format_version":1,"protocol":"raft","nodes":5,"seed":1,"until_ms":3600000,"workload":{"rate_per_s":1000},
 "limits":{"max_events":10000000,"max_in_flight":100000,"max_trace":100000000}}
JSON
/usr/bin/time -v -o "$work/time.txt" "$P" run --scenario "$work/long.json" --events 2> "$work/report.txt" |
    wc -l > "$work/lines.txt" || true
events=$(awk '/^events/ {print $2}' "$work/report.txt")
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/time.txt")
printf 'cli/run --events       %s events (raft, 5 servers, 1000 checkouts/s), %s JSON lines written as it went, in %s: peak RSS %d MB (target: under 100 MB)\n' \
    "$events" "$(cat "$work/lines.txt")" "$wall" $(( rss_kb / 1024 ))

# The same 1,000-seed sweep on one thread and on every core (identical results; only the time differs).
for t in 1 "$cores"; do
    start=$(date +%s.%N)
    "$P" sweep --protocol raft --nodes 5 --faults --seeds 1000 --threads "$t" --json > "$work/sweep-$t.json" || true
    end=$(date +%s.%N)
    echo "$start $end" > "$work/time-$t"
done
same=$(cmp -s "$work/sweep-1.json" "$work/sweep-$cores.json" && echo "identical results" || echo "RESULTS DIFFER")
awk -v c="$cores" -v same="$same" 'FNR==1 && FILENAME ~ /time-1$/ {one=$2-$1} FNR==1 && FILENAME !~ /time-1$/ {all=$2-$1}
    END {printf "cli/sweep              1000 seeds (raft, 5 servers, faults): %.1f s on 1 thread, %.1f s on %d cores: speed-up %.2fx, %s\n", one, all, c, one/all, same}' \
    "$work/time-1" "$work/time-$cores"
