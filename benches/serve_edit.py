#!/usr/bin/env python3
# benches/serve_edit.py SITE BIN [EDITS] — `onestop serve` on SITE: start time, then EDITS
# edits of one record's title, each timed from the write until the procedure's page, fetched
# every 5 ms, shows the new title (save → the served page shows it). Server CPU seconds and
# the load average beside. With HOLD=1 the background print job is held
# (ONESTOP_SERVE_HOLD_PRINT), so only the foreground's work is timed. Used by serve.sh; run
# it alone on a site whose cache is already full (a 1,000-record cold build takes minutes).
import os, re, statistics, subprocess, sys, time, urllib.request, glob
site, bin = sys.argv[1], sys.argv[2]
edits = int(sys.argv[3]) if len(sys.argv) > 3 else 10
env = dict(os.environ)
if os.environ.get("HOLD") == "1":
    hold = "/dev/shm/onestop-serve-edit-hold"
    open(hold, "w").close()
    env["ONESTOP_SERVE_HOLD_PRINT"] = hold
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
p = subprocess.Popen([bin, "serve", "--port", "0", "--root", site], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
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
    deadline = time.monotonic() + (0 if env.get("ONESTOP_SERVE_HOLD_PRINT") else 30)
    while env.get("ONESTOP_SERVE_HOLD_PRINT") and not any("rebuilt in" in l for l in lines[n:]):
        time.sleep(0.05)
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
shown = [float(x) for l in lines for x in re.findall(r"changed: shown in (\d+) ms", l)]
whole = [float(x) for l in lines for x in re.findall(r"changed: rebuilt in (\d+) ms", l)]
if shown: print(f"   serve's log: edited page shown in median {statistics.median(shown):.0f} ms (max {max(shown):.0f})")
if whole: print(f"   serve's log: whole rebuild median {statistics.median(whole):.0f} ms (max {max(whole):.0f})")
if rebuilt: print("   last: " + rebuilt[-1])
p.terminate(); p.wait()
open(rec, "w", encoding="utf-8").write(text)
