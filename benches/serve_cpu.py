#!/usr/bin/env python3
# benches/serve_cpu.py SITE N BIN... — serve start and N title-edit rebuilds per binary, the
# background print job held (ONESTOP_SERVE_HOLD_PRINT): server CPU per rebuild, rebuild wall
# (serve's log), load average. Alternate binaries to compare on a busy machine.
# CPU seconds and wall of N title-edit rebuilds (background print held), per binary.
import os, re, subprocess, sys, time, glob, statistics, signal
site, n = sys.argv[1], int(sys.argv[2]); bins = sys.argv[3:]
tck = os.sysconf("SC_CLK_TCK")
def cpu(pid):
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / tck
rec = sorted(glob.glob(f"{site}/content/procedures/**/*.toml", recursive=True))[0]
text = open(rec, encoding="utf-8").read()
m = re.search(r'^title = "([^"]*)"', text, re.M)
open("/dev/shm/onestop-serve-cpu-hold", "w").close()
env = dict(os.environ, ONESTOP_SERVE_HOLD_PRINT="/dev/shm/onestop-serve-cpu-hold")
for b in bins:
    t0 = time.monotonic()
    p = subprocess.Popen([b, "serve", "--port", "0", "--root", site], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    while True:
        l = p.stdout.readline()
        if l.startswith("Serving"): break
        if not l: sys.exit("ended")
    start = time.monotonic() - t0; c_start = cpu(p.pid)
    c0 = cpu(p.pid); ms = []
    for i in range(n):
        open(rec, "w", encoding="utf-8").write(text.replace(m.group(0), f'title = "{m.group(1)} sửa {i}"', 1))
        while True:
            l = p.stdout.readline()
            if "rebuilt in" in l: ms.append(float(re.search(r"rebuilt in (\d+) ms", l).group(1))); break
        time.sleep(0.2)
    c1 = cpu(p.pid)
    open(rec, "w", encoding="utf-8").write(text)
    p.send_signal(signal.SIGINT); p.wait()
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"{os.path.basename(b)}: start {start:.2f} s / {c_start:.2f} s CPU; rebuild median {statistics.median(ms):.0f} ms max {max(ms):.0f}; CPU per rebuild {(c1-c0)/n*1000:.0f} ms; load {load}", flush=True)
