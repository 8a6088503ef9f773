#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what is missing, then runs every check the project has.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n\033[1;34m[test]\033[0m === %s ===\n' "$1"; }

step "setup: install missing tools"
bash scripts/setup.sh

step "format (cargo fmt --check)"
cargo fmt --all -- --check

step "structure: no import cycle between modules (both crates), no function over 100 lines (Yew components included)"
python3 scripts/check-structure.py crates/protosim/src src --lengths crates src tests

step "clippy, native, -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "clippy, wasm32, -D warnings"
cargo clippy --workspace --all-targets --locked --target wasm32-unknown-unknown -- -D warnings

step "native tests (engine, domain, scenario decoding, CLI incl. a 1000-seed faulty sweep)"
cargo test --workspace --locked

step "sweeps with random faults (optimized, every core): a fixed 2,000-seed sample per configuration holds; every mistaken variant is caught (the full 10,000-seed sweeps: bash scripts/sweeps.sh)"
bash scripts/sweeps.sh 2000

step "browser tests (wasm-bindgen-test in headless Chromium)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
CHROMEDRIVER=/usr/bin/chromedriver \
WASM_BINDGEN_TEST_TIMEOUT=900 \
    cargo test --locked --target wasm32-unknown-unknown -p checkout-explorer

step "release build with wasm-opt (trunk build --release --offline)"
trunk build --release --offline
wasm=$(ls dist/checkout-explorer-*_bg.wasm)
js=$(ls dist/checkout-explorer-*.js)
raw=$(( $(stat -c %s "$wasm") + $(stat -c %s "$js") ))
gz=$(( $(gzip -9 -c "$wasm" | wc -c) + $(gzip -9 -c "$js" | wc -c) ))
printf 'bundle: wasm %d bytes (%d gzipped), js %d bytes (%d gzipped), wasm+js %d KB raw, %d KB gzipped\n' \
    "$(stat -c %s "$wasm")" "$(gzip -9 -c "$wasm" | wc -c)" "$(stat -c %s "$js")" "$(gzip -9 -c "$js" | wc -c)" \
    $(( raw / 1024 )) $(( gz / 1024 ))
if (( gz <= 400 * 1024 )); then verdict=met; else verdict="NOT met"; fi
echo "bundle target: wasm + JS at most 400 KB gzipped: $verdict ($gz of $(( 400 * 1024 )) bytes)"
for f in dist/*.ftl; do
    echo "catalogue beside it, fetched only by its readers: $f $(stat -c %s "$f") bytes ($(gzip -9 -c "$f" | wc -c) gzipped)"
done
echo "the bug hunt's worker, loaded when a hunt starts (and cached by the service worker): dist/hunt-worker_bg.wasm $(stat -c %s dist/hunt-worker_bg.wasm) bytes ($(gzip -9 -c dist/hunt-worker_bg.wasm | wc -c) gzipped), dist/hunt-worker.js $(gzip -9 -c dist/hunt-worker.js | wc -c) gzipped"
echo "single-file build: dist/explorer.html $(stat -c %s dist/explorer.html) bytes"

step "smoke test of dist/ in headless Chromium, with the browser benchmark"
python3 tests/smoke.py dist --bench

step "native engine benchmark (cargo bench): events/s, the locking table, sweep and hunt speed-up on every core"
cargo bench --locked -p protosim --bench engine

step "command-line benchmark: peak memory of a streaming 10-million-event run, a sweep on 1 thread and on every core"
bash scripts/bench-cli.sh

step "all checks passed"
