#!/usr/bin/env bash
# benches/serve.sh — issue 13: `onestop serve` save → reload, and serve start
# on a site whose cache `build` just filled.
#
# Usage:
#   benches/serve.sh [SITE ...]      # default: example 1000 ("example" = this repository's 59 records)
#   EDITS=10 ONESTOP_BIN=/path/to/onestop benches/serve.sh example
#
# For each site: `onestop build` (fills .onestop-cache; wall and CPU shown),
# then `onestop serve --port 0` (start time = until "Serving" is printed, and
# the server's CPU seconds so far), then EDITS edits of one record's title:
# each is written, and the procedure's page is fetched every 5 ms until it
# shows the new title (save → the served page shows it; the browser's reload
# after the SSE event adds one page load). Median and max over the edits,
# the server's CPU seconds over all edits (the background typesetting of the
# changed leaflets and catalogues included), and the load average.
# Synthetic sites come from benches/gen_site.py. Output on /dev/shm.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bench_dir="${BENCH_DIR:-/dev/shm/onestop-serve-bench}"
if [ -z "${ONESTOP_BIN:-}" ]; then
  (cd "$repo" && cargo build --release -q)
  bin="$repo/target/release/onestop"
else
  bin="$ONESTOP_BIN"
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(example 1000)
mkdir -p "$bench_dir"
trap 'rm -rf "$bench_dir"' EXIT
for size in "${sizes[@]}"; do
  site="$bench_dir/site-$size"
  rm -rf "$site"
  if [ "$size" = example ]; then
    mkdir -p "$site" && cp -r "$repo/site.toml" "$repo/content" "$repo/diagrams" "$repo/themes" "$site/"
  else
    python3 "$here/gen_site.py" "$size" "$site" >/dev/null
    cp -r "$repo/diagrams" "$site/" 2>/dev/null || true
  fi
  echo "== $size: build (fills the cache) — load $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "   build: %e s wall, %U s user, %S s sys, %M KB peak" "$bin" build --root "$site" --out "$bench_dir/public-$size" --quiet 2>&1 | grep -v '^warning\|^  hint' || true
  python3 "$here/serve_edit.py" "$site" "$bin" "${EDITS:-10}"
done
