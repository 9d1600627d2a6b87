#!/usr/bin/env bash
# benches/print.sh — time the print products (issue 4): every leaflet, the
# how-to-file-online leaflet, the A4 catalogue and the A1 poster.
#
# Usage:
#   benches/print.sh [N ...]     # default: example 100 1000 ("example" = this repository's 59 records)
#   RUNS=5 benches/print.sh example 1000
#   RUNS=1 MODES=cold benches/print.sh 5000       # ~10,000 products: once, cold only
#   ONESTOP_BIN=/tmp/onestop-before benches/print.sh 100   # an older binary (copy it aside first)
#
# For each site it times, under /usr/bin/time, $RUNS times each:
#   cold  `onestop build` with the product cache (.onestop-cache) and the
#         output deleted first: every PDF is typeset;
#   warm  the same build with the cache of the previous run: no PDF is
#         typeset (they are copied from the cache), everything else is.
# cold − warm is the cost of typesetting. It prints median wall time, median
# CPU (user+sys), peak RSS, the 1-minute load average before the runs and
# after them, and the build's own "rendered / unchanged" line. The machine is
# shared: CPU seconds are the figure to compare, wall time only beside the load.
# Synthetic sites come from benches/gen_site.py (see benches/build.sh).
#
# Environment: RUNS (default 3), MODES (default "cold warm"), BENCH_DIR
# (default /dev/shm/onestop-print-bench), ONESTOP_BIN (default: cargo build
# --release, then a copy of target/release/onestop, so a concurrent build
# cannot swap it mid-series), VMEM_KB (address-space limit of each build,
# default 24 GiB: a runaway build fails instead of eating the machine).

set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bench_dir="${BENCH_DIR:-/dev/shm/onestop-print-bench}"
runs="${RUNS:-3}"
modes="${MODES:-cold warm}"
vmem="${VMEM_KB:-25165824}"
[ -x /usr/bin/time ] || { echo "needs GNU time at /usr/bin/time (apt-get install -y time)" >&2; exit 1; }
if [ -z "${ONESTOP_BIN:-}" ]; then
  (cd "$repo" && cargo build --release -q)
  mkdir -p "$bench_dir"
  cp "$repo/target/release/onestop" "$bench_dir/onestop"
  bin="$bench_dir/onestop"
else
  bin="$ONESTOP_BIN"
fi
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(example 100 1000)
mkdir -p "$bench_dir"
trap 'rm -rf "$bench_dir"' EXIT

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

loadavg() { cut -d' ' -f1 /proc/loadavg; }
printf '%-8s %-5s %9s %9s %9s %11s  %s\n' site mode "wall s" "cpu s" "RSS MiB" "load" "products"
for n in "${sizes[@]}"; do
  site="$bench_dir/$n/site"
  rm -rf "$bench_dir/$n"
  mkdir -p "$bench_dir/$n"
  if [ "$n" = example ]; then
    mkdir -p "$site"
    cp -r "$repo/site.toml" "$repo/content" "$site/"
  else
    python3 "$here/gen_site.py" "$n" "$site" >/dev/null
  fi
  out="$bench_dir/$n/public"
  for mode in $modes; do
    walls=(); cpus=(); rss=0; load0=$(loadavg)
    for _ in $(seq "$runs"); do
      rm -rf "$out"
      [ "$mode" = cold ] && rm -rf "$site/.onestop-cache"
      [ "$mode" = warm ] && [ ! -d "$site/.onestop-cache" ] && "$bin" build --root "$site" --out "$out" -q && rm -rf "$out"
      t=$( { ( ulimit -v "$vmem"; /usr/bin/time -f "%e %U %S %M" "$bin" build --root "$site" --out "$out" -q >/dev/null ); } 2>&1 | tail -1)
      read -r e u s m <<<"$t"
      walls+=("$e"); cpus+=("$(echo "$u + $s" | bc | xargs printf "%.2f")")
      [ "$m" -gt "$rss" ] && rss=$m
    done
    load1=$(loadavg)
    if [ "$mode" = cold ]; then
      # What the last cold run typeset (no extra typesetting run for it).
      line="$(find "$site/.onestop-cache" -type f | wc -l) cache entries written (PDFs, posters)"
    else
      line=$("$bin" build --root "$site" --out "$out" 2>&1 | grep -E "rendered" | sed 's/^ *//')
    fi
    printf '%-8s %-5s %9s %9s %9s %11s  %s\n' "$n" "$mode" "$(printf '%s\n' "${walls[@]}" | median)" "$(printf '%s\n' "${cpus[@]}" | median)" "$((rss / 1024))" "$load0→$load1" "$line"
  done
done
