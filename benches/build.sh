#!/usr/bin/env bash
# benches/build.sh — time `onestop build` and `onestop check` on synthetic sites.
#
# Usage:
#   benches/build.sh [N ...]          # default: 1000 10000
#   RUNS=7 benches/build.sh 1000 10000 100000
#
# For each N it:
#   1. generates a site with N procedure records in $BENCH_DIR/n<N>/site
#      (benches/gen_site.py: copies site.toml and content/pages/, and cycles
#      through the example's real records with new codes 9.NNNNNN, slugs
#      <slug>-<round>, and after/related/alternative_to mapped to the copies
#      of the same round, so the journey graph stays valid and acyclic);
#   2. runs `onestop build --root SITE --out $BENCH_DIR/n<N>/public -q`
#      $RUNS times, cold (the output folder is deleted before every run; the
#      deletion is not timed), under `/usr/bin/time -f "%e %U %S %M"`;
#   3. runs `onestop check --root SITE` $RUNS times the same way;
#   4. prints a table: median wall time (and min–max), median user+sys CPU,
#      max peak RSS, output files and bytes, and per-record cost, with the
#      growth factor against the previous N so linearity can be read off.
#
# The output goes to tmpfs (/dev/shm) on purpose: repeated build-and-delete
# cycles on this machine's ext4 disk made kernel time climb from 1.6 s to
# 10 s for the same build (see /work/shared/reference/performance-anchors.md).
#
# Requirements: bash, python3 (3.11+, for tomllib), cargo, GNU time at
# /usr/bin/time (the script says so and stops if it is missing; install it
# with `apt-get install -y time`). hyperfine is used in addition when
# HYPERFINE=1 and it is installed.
#
# Environment (all optional):
#   RUNS          timed runs per N and command (default 5; 1 when N > 20000)
#   BENCH_DIR     where sites and outputs go (default /dev/shm/onestop-bench)
#   ONESTOP_BIN   binary to time; default: `cargo build --release` then
#                 target/release/onestop of this repository (working tree,
#                 uncommitted edits included; the table header says so)
#   REV           instead, build this committed revision (e.g. REV=HEAD or
#                 REV=HEAD~3) from `git archive` in target/bench-rev/, so
#                 before/after comparisons are not disturbed by the working tree
#   TIMEOUT       seconds before one run is killed (default 900)
#   MEM_LIMIT_MB  address-space limit per run, `ulimit -v` (default: 3/4 of RAM)
#   MIN_FREE_MB   a run is killed when the output file system has less than
#                 this much space left (default 2048), so a runaway build
#                 cannot fill /dev/shm (which is RAM) for everyone else
#   KEEP=1        keep the generated sites and outputs (default: deleted)
#   HYPERFINE=1   also run hyperfine on the build, when it is installed
#
# The build's own summary line ("load X ms, render Y ms") is printed from one
# extra, untimed, non-quiet run per N (skipped when SUMMARY=0).
#
# Exit status: 0 when every build and check succeeded, 1 otherwise.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
bench_dir="${BENCH_DIR:-/dev/shm/onestop-bench}"
timeout_s="${TIMEOUT:-900}"
min_free_mb="${MIN_FREE_MB:-2048}"
mem_total_kb="$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)"
mem_limit_mb="${MEM_LIMIT_MB:-$(( mem_total_kb * 3 / 4 / 1024 ))}"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)

die() { echo "build.sh: $*" >&2; exit 2; }

for n in "${sizes[@]}"; do
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$n'"
done
if [ ! -x /usr/bin/time ]; then
    die "/usr/bin/time (GNU time) is missing; it measures peak memory. Install it with: apt-get install -y time"
fi
command -v python3 >/dev/null || die "python3 is missing (needed by benches/gen_site.py)"
command -v timeout >/dev/null || die "timeout (coreutils) is missing"

if [ -n "${ONESTOP_BIN:-}" ]; then
    bin="$ONESTOP_BIN"
elif [ -n "${REV:-}" ]; then
    # A committed revision, built from `git archive` so the working tree (and
    # other people's uncommitted edits) do not leak in.
    rev_sha="$(cd "$repo" && git rev-parse --short "$REV^{commit}")" || die "unknown revision $REV"
    rev_src="$bench_dir/src-$rev_sha"
    rm -rf "$rev_src"; mkdir -p "$rev_src"
    (cd "$repo" && git archive "$rev_sha") | tar -x -C "$rev_src"
    echo "== cargo build --release of $rev_sha (target dir $repo/target/bench-rev)" >&2
    (cd "$rev_src" && CARGO_TARGET_DIR="$repo/target/bench-rev" cargo build --release --quiet) || die "cargo build --release of $rev_sha failed"
    cp "$repo/target/bench-rev/release/onestop" "$bench_dir/onestop-$rev_sha"
    rm -rf "$rev_src"
    bin="$bench_dir/onestop-$rev_sha"
else
    echo "== cargo build --release" >&2
    (cd "$repo" && cargo build --release --quiet) || die "cargo build --release failed"
    bin="$repo/target/release/onestop"
fi
[ -x "$bin" ] || die "no executable at $bin"

mkdir -p "$bench_dir"
# Time a private copy: a concurrent `cargo build --release` must not swap the
# binary in the middle of a series.
cp "$bin" "$bench_dir/onestop"
bin="$bench_dir/onestop"
version="$("$bin" --version 2>/dev/null | awk '{print $2}')"
commit="$(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')"
[ -z "${ONESTOP_BIN:-}" ] || commit="$commit (binary from ONESTOP_BIN=$ONESTOP_BIN)"
[ -z "${REV:-}" ] || commit="$rev_sha (REV=$REV, built from git archive)"
if [ -z "${ONESTOP_BIN:-}${REV:-}" ] && ! (cd "$repo" && git diff --quiet HEAD -- src themes Cargo.toml Cargo.lock 2>/dev/null); then
    commit="$commit + uncommitted changes in src/ or themes/"
fi
log="$bench_dir/log.txt"
: >"$log"

# Runs one timed command. Prints "wall user sys maxrss_kb status".
# The command runs under timeout, an address-space limit and a watchdog that
# kills it when the output file system runs low on space.
timed() {
    local tf; tf="$(mktemp "$bench_dir/time.XXXXXX")"
    local status=0
    (
        ulimit -v $(( mem_limit_mb * 1024 ))
        exec timeout "$timeout_s" /usr/bin/time -f "%e %U %S %M" -o "$tf" "$@"
    ) >>"$log" 2>&1 &
    local pid=$!
    (
        while kill -0 "$pid" 2>/dev/null; do
            local avail; avail="$(df --output=avail -k "$bench_dir" | tail -1)"
            if [ "$avail" -lt $(( min_free_mb * 1024 )) ]; then
                echo "build.sh: less than ${min_free_mb} MB left in $bench_dir; killing the run" >>"$log"
                kill "$pid" 2>/dev/null || true  # timeout passes the signal on to onestop
                exit 0
            fi
            sleep 0.5
        done
    ) &
    local watchdog=$!
    wait "$pid" || status=$?
    kill "$watchdog" 2>/dev/null || true
    wait "$watchdog" 2>/dev/null || true
    local line; line="$(grep -E '^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+$' "$tf" | tail -1 || true)"
    rm -f "$tf"
    [ -n "$line" ] || line="nan nan nan 0"
    echo "$line $status"
}

# Median of the numbers on stdin.
median() { sort -g | awk '{a[NR]=$1} END {if (NR==0) print "nan"; else if (NR%2) print a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }

failed=0
results="$bench_dir/results.tsv"
printf 'n\tbuild_wall\tbuild_min\tbuild_max\tbuild_cpu\tbuild_rss_kb\tfiles\tbytes\tcheck_wall\tcheck_cpu\tcheck_rss_kb\tload_ms\trender_ms\truns\n' >"$results"

for n in "${sizes[@]}"; do
    runs="${RUNS:-$([ "$n" -gt 20000 ] && echo 1 || echo 5)}"
    dir="$bench_dir/n$n"
    site="$dir/site"
    out="$dir/public"
    rm -rf "$dir"
    read -r load1 _ < /proc/loadavg
    echo "== N=$n: generating $site (load average before: $load1)" >&2
    if awk -v l="$load1" 'BEGIN {exit !(l > 0.5)}'; then
        echo "   warning: the machine is busy (load $load1 on $(nproc) cores); wall times will be inflated, CPU times less so" >&2
    fi
    python3 "$here/gen_site.py" "$n" "$site" --source "$repo"

    walls=(); cpus=(); rss=0; ok=1
    for ((i = 1; i <= runs; i++)); do
        rm -rf "$out" "$out".tmp-* "$out".old-*
        read -r wall user sys maxrss status < <(timed "$bin" build --root "$site" --out "$out" -q)
        if [ "$status" != 0 ]; then
            echo "   build run $i FAILED (exit $status; see $log)" >&2
            ok=0; failed=1; break
        fi
        walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
        [ "$maxrss" -gt "$rss" ] && rss="$maxrss"
        printf '   build run %d/%d: %s s wall, %s s user, %s s sys, %d MiB peak RSS\n' "$i" "$runs" "$wall" "$user" "$sys" $(( maxrss / 1024 )) >&2
    done
    files=0; bytes=0
    if [ "$ok" = 1 ]; then
        files="$(find "$out" -type f | wc -l)"
        bytes="$(du -sb --apparent-size "$out" | cut -f1)"
    fi

    load_ms="-"; render_ms="-"
    if [ "$ok" = 1 ] && [ "${SUMMARY:-1}" != 0 ]; then
        rm -rf "$out"
        summary="$(timeout "$timeout_s" "$bin" build --root "$site" --out "$out" 2>&1 || true)"
        echo "$summary" >>"$log"
        load_ms="$(sed -nE 's/.*load ([0-9]+) ms, render ([0-9]+) ms.*/\1/p' <<<"$summary")"
        render_ms="$(sed -nE 's/.*load ([0-9]+) ms, render ([0-9]+) ms.*/\2/p' <<<"$summary")"
        echo "   summary: load ${load_ms:-?} ms, render ${render_ms:-?} ms" >&2
    fi

    if [ "$ok" = 1 ] && [ "${HYPERFINE:-0}" = 1 ] && command -v hyperfine >/dev/null; then
        hyperfine --runs "$runs" --prepare "rm -rf '$out'" "'$bin' build --root '$site' --out '$out' -q" >&2 || true
    fi
    rm -rf "$out" "$out".tmp-* "$out".old-*

    cwalls=(); ccpus=(); crss=0
    for ((i = 1; i <= runs; i++)); do
        read -r wall user sys maxrss status < <(timed "$bin" check --root "$site")
        if [ "$status" != 0 ]; then
            echo "   check run $i FAILED (exit $status; see $log)" >&2
            failed=1; break
        fi
        cwalls+=("$wall"); ccpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')")
        [ "$maxrss" -gt "$crss" ] && crss="$maxrss"
        printf '   check run %d/%d: %s s wall, %s s user, %s s sys, %d MiB peak RSS\n' "$i" "$runs" "$wall" "$user" "$sys" $(( maxrss / 1024 )) >&2
    done

    bw="$(printf '%s\n' "${walls[@]}" | median)"
    bmin="$(printf '%s\n' "${walls[@]}" | sort -g | head -1)"
    bmax="$(printf '%s\n' "${walls[@]}" | sort -g | tail -1)"
    bc="$(printf '%s\n' "${cpus[@]}" | median)"
    cw="$(printf '%s\n' "${cwalls[@]}" | median)"
    cc="$(printf '%s\n' "${ccpus[@]}" | median)"
    [ ${#walls[@]} -gt 0 ] || { bw=nan; bmin=nan; bmax=nan; bc=nan; }
    [ ${#cwalls[@]} -gt 0 ] || { cw=nan; cc=nan; }
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$n" "$bw" "$bmin" "$bmax" "$bc" "$rss" "$files" "$bytes" "$cw" "$cc" "$crss" "${load_ms:--}" "${render_ms:--}" "$runs" >>"$results"
    read -r load1 _ < /proc/loadavg
    echo "   load average after: $load1" >&2
    [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
done
[ "${KEEP:-0}" = 1 ] || rm -f "$bench_dir/onestop" "$bench_dir"/onestop-*

echo
echo "onestop $version at $commit, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, output on $(df --output=fstype "$bench_dir" | tail -1) ($bench_dir)"
echo "medians of RUNS cold runs; RSS is the largest peak of those runs; growth = this N's value / previous N's (linear = same as the N ratio)"
echo
awk -F'\t' '
NR == 1 { next }
{
    n = $1; bw = $2; bc = $5; rss = $6 / 1024; mb = $8 / 1e6; cw = $9; crss = $11 / 1024
    if (!hdr) {
        printf "%9s | %-22s | %7s | %8s | %8s | %8s | %7s | %8s | %8s | %17s | %s\n", "N", "build wall s (min-max)", "cpu s", "RSS MiB", "files", "out MB", "us/rec", "KiB/rec", "check s", "check RSS MiB", "growth N / wall / RSS / out"
        hdr = 1
    }
    growth = "-"
    if (pn > 0 && pbw > 0 && prss > 0 && pmb > 0) growth = sprintf("x%.1f / x%.1f / x%.1f / x%.1f", n / pn, bw / pbw, rss / prss, mb / pmb)
    printf "%9d | %6.2f (%5.2f-%6.2f) | %7.2f | %8.0f | %8d | %8.1f | %7.0f | %8.1f | %8.2f | %17.0f | %s\n", n, bw, $3, $4, bc, rss, $7, mb, bw * 1e6 / n, rss * 1024 / n, cw, crss, growth
    if ($12 != "-" && $12 != "") lr = lr sprintf("  N=%d: load %s ms, render %s ms (build summary line)\n", n, $12, $13)
    pn = n; pbw = bw; prss = rss; pmb = mb
}
END { if (lr != "") { print ""; printf "%s", lr } }' "$results"
echo
echo "raw results: $results; command output: $log"
exit "$failed"
