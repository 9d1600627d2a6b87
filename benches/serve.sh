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
  BIN="$bin" SITE="$site" EDITS="${EDITS:-10}" python3 - <<'PY'
import os, re, statistics, subprocess, sys, time, urllib.request, glob
bin, site, edits = os.environ["BIN"], os.environ["SITE"], int(os.environ["EDITS"])
tck = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck
def load(): return " ".join(open("/proc/loadavg").read().split()[:3])
# The record: the first one (sorted) that has a `title = "…"` line.
rec = sorted(glob.glob(f"{site}/content/procedures/**/*.toml", recursive=True))[0]
slug = os.path.basename(rec)[:-5]
text = open(rec, encoding="utf-8").read()
m = re.search(r'^title = "([^"]*)"', text, re.M)
t0 = time.monotonic()
p = subprocess.Popen([bin, "serve", "--port", "0", "--root", site], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
lines = []
url = None
while url is None:
    l = p.stdout.readline()
    if not l: sys.exit("serve ended: " + "".join(lines))
    lines.append(l)
    if l.startswith("Serving "): url = re.search(r"http://\S+", l).group(0)
start = time.monotonic() - t0
print(f"   serve start: {start:.2f} s wall, {cpu(p.pid):.2f} s CPU, load {load()}")
print("   " + [l for l in lines if l.startswith("built in")][0].strip())
import threading
def drain():
    for l in p.stdout: lines.append(l)
threading.Thread(target=drain, daemon=True).start()
page = f"{url.rstrip('/')}/thu-tuc/{slug}/"
times = []
c0 = cpu(p.pid)
for i in range(edits):
    new = f'{m.group(1)} sửa {i}'
    body = text.replace(m.group(0), f'title = "{new}"', 1)
    n = len(lines)
    s = time.monotonic()
    with open(rec, "w", encoding="utf-8") as f: f.write(body)
    while True:
        try:
            if new in urllib.request.urlopen(page, timeout=30).read().decode(): break
        except Exception: pass
        time.sleep(0.005)
    times.append((time.monotonic() - s) * 1e3)
    # Let the background job (if any) finish before the next edit, up to 30 s.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        new_lines = lines[n:]
        if any("rebuilt in" in l for l in new_lines) and (
            not any("to make in the background" in l and " 0 to make" not in l for l in new_lines)
            or any(l.startswith("print products ready") or "error" in l for l in new_lines)):
            break
        time.sleep(0.05)
c1 = cpu(p.pid)
rebuilt = [l.strip() for l in lines if "changed: rebuilt in" in l]
print(f"   save → page shows it, {edits} edits: median {statistics.median(times):.0f} ms, max {max(times):.0f} ms; "
      f"server CPU {c1 - c0:.2f} s for all edits (background typesetting included), load {load()}")
if rebuilt: print("   last: " + rebuilt[-1])
p.terminate(); p.wait()
open(rec, "w", encoding="utf-8").write(text)
PY
done
