#!/usr/bin/env bash
# Serves the explorer at http://127.0.0.1:8080/ with the default scenario, installing what is missing first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$HOME/.cargo/bin:$ROOT/.tools/node_modules/.bin:$PATH"
NEED_BROWSER=0 bash scripts/setup.sh
printf '\033[1;34m[serve]\033[0m building (release, wasm-opt) and serving on http://127.0.0.1:%s/ — Ctrl-C stops\n' "${PORT:-8080}"
exec trunk serve --release --offline --port "${PORT:-8080}" "$@"
