#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml): builds the benchmark pages, bench.html with their own wasm, into bench/ of
# the build being staged, so that `trunk build` and `trunk serve` give dist/bench/ beside the app while the app's
# bundle stays free of benchmark code.
set -euo pipefail
# The inner build reads Trunk.toml too and would run this hook again.
if [ -n "${CHECKOUT_BENCH_PAGE_INNER:-}" ]; then exit 0; fi
export CHECKOUT_BENCH_PAGE_INNER=1
: "${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
# Relative to the bench page itself when the app's URLs are relative ("./"), else under the app's public URL.
case "${TRUNK_PUBLIC_URL:-/}" in
  /*) public_url="${TRUNK_PUBLIC_URL%/}/bench/" ;;
  *) public_url="./" ;;
esac
args=(build --offline --dist "$TRUNK_STAGING_DIR/bench" --public-url "$public_url")
if [ "${TRUNK_PROFILE:-}" = release ]; then args+=(--release); fi
echo "[bench-page] trunk ${args[*]} -- bench.html"
exec trunk "${args[@]}" -- bench.html
