#!/usr/bin/env bash
# Installs, when missing, everything the two README commands need on a fresh Debian machine that has only Rust.
# Each step says what it does; steps already done are skipped. Versions are pinned (the README says why each):
#   trunk 0.21.14 (0.22 needs a newer rustc), wasm-bindgen-cli =0.2.130 (must equal Cargo.lock's wasm-bindgen),
#   binaryen 132 from npm (Debian's wasm-opt 108 cannot read rustc 1.95 output), axe-core 4.10.3 from npm (the
#   accessibility audit), Debian's chromium + chromedriver.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.tools"
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
AXE_VERSION=4.10.3
export PATH="$HOME/.cargo/bin:$TOOLS/node_modules/.bin:$PATH"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

need_browser="${NEED_BROWSER:-1}"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the Rust target wasm32-unknown-unknown (about 10 s)"
  rustup target add wasm32-unknown-unknown
fi
for comp in rustfmt clippy; do
  if ! rustup component list --installed 2>/dev/null | grep -q "^$comp"; then
    say "adding the rustup component $comp"
    rustup component add "$comp"
  fi
done

if ! trunk --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION with cargo (about 5 minutes on 2 cores, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION"
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION with cargo (about 4 minutes, once; no --locked: the registry lacks one pinned dependency)"
  cargo install wasm-bindgen-cli --version "=$WASM_BINDGEN_VERSION"
fi

if ! "$TOOLS/node_modules/.bin/wasm-opt" --version 2>/dev/null | grep -q "version $BINARYEN_VERSION"; then
  if ! command -v npm >/dev/null; then
    say "installing nodejs and npm from Debian (needed for binaryen's wasm-opt)"
    apt-get update -qq && apt-get install -y -qq nodejs npm
  fi
  say "installing wasm-opt from npm binaryen@$BINARYEN_VERSION into .tools/ (Debian's binaryen is too old)"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund "binaryen@$BINARYEN_VERSION" >/dev/null)
fi

if ! grep -qs "\"version\": \"$AXE_VERSION\"" "$TOOLS/node_modules/axe-core/package.json"; then
  say "installing axe-core $AXE_VERSION from npm into .tools/ (the accessibility audit of the smoke test)"
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --silent --no-audit --no-fund "axe-core@$AXE_VERSION" >/dev/null)
fi

if [ "$need_browser" = 1 ] && { ! [ -x /usr/bin/chromium ] || ! [ -x /usr/bin/chromedriver ]; }; then
  say "installing Debian's chromium and chromium-driver (headless browser tests and screenshots)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi
# A Chinese font, so that the zh-CN page's screenshots show characters, not empty boxes (a reader's own computer
# has one; a bare Debian does not).
if [ "$need_browser" = 1 ] && ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  say "installing Debian's fonts-wqy-zenhei (Chinese glyphs for the zh-CN screenshots)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-zenhei >/dev/null; } ||
    say "could not install fonts-wqy-zenhei: zh-CN screenshots will show boxes for Chinese (the tests do not need it)"
fi
# GNU time: the CLI benchmark prints a run's peak memory with `/usr/bin/time -v` (scripts/bench-cli.sh).
if ! [ -x /usr/bin/time ]; then
  say "installing Debian's time (peak memory of the CLI benchmark)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null 2>&1 || {
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null; }
fi
say "tools ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $("$TOOLS/node_modules/.bin/wasm-opt" --version | awk '{print $3}')"
