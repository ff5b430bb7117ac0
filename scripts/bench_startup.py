#!/usr/bin/env python3
"""Start-up and footprint of native binaries, side by side, as a Markdown table.

Usage: python3 scripts/bench_startup.py [--runs N] NAME=BINARY [NAME=BINARY ...]

Each binary must answer `BINARY version` and `BINARY serve --port P --data-dir D` (the daemon) or
`BINARY serve --urls http://127.0.0.1:P` (the floor app, named "floor"). Runs alternate between the
binaries, so all of them see the same machine load. Per binary, medians of N runs of:
- `version`: wall time, CPU time (user + system, from wait4) and page faults until it exits;
- `serve` on an existing database and on a new one (a fresh data dir each run): wall time from
  exec to the first 200 from /api/health, and the CPU time the process used by then
  (/proc/PID/task/*/schedstat, nanoseconds, all threads); CPU time does not grow with other
  processes' load, wall time does;
- idle RSS 5 s after start (3 runs), with its file-backed (the binary's pages) and anonymous parts.
The first binary is the one measured; the others' columns are there for the ratio to the floor.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

REQUEST = b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
ENV = dict(os.environ, OPENMOTOKO_PASSWORD="bench-password-1", OPENMOTOKO_LOG_LEVEL="Warning")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ms(pid):
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as f:
                total += int(f.read().split()[0])
        except (FileNotFoundError, ProcessLookupError):
            pass  # a thread that ended meanwhile
    return total / 1e6


def status_kb(pid, *keys):
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            name, _, rest = line.partition(":")
            if name in keys:
                values[name] = int(rest.split()[0])
    return [values.get(k, 0) for k in keys]


def serve_argv(name, binary, port, data):
    if name == "floor":
        return [binary, "serve", "--urls", f"http://127.0.0.1:{port}"]
    return [binary, "serve", "--port", str(port), "--data-dir", data]


def start(name, binary, data):
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen(serve_argv(name, binary, port, data), env=ENV,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                s.sendall(REQUEST)
                if s.recv(64).startswith(b"HTTP/1.1 200"):
                    break
        except OSError:
            time.sleep(0.0005)
        if time.perf_counter() - t0 > 10:
            proc.kill()
            sys.exit(f"{name}: no 200 from /api/health within 10 s")
    wall = (time.perf_counter() - t0) * 1000
    return proc, wall, cpu_ms(proc.pid)


def stop(proc):
    proc.terminate()
    proc.wait()


def version(binary):
    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "version"], env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = status
    wall = (time.perf_counter() - t0) * 1000
    if status != 0:
        sys.exit(f"{binary} version failed ({status})")
    return wall, (usage.ru_utime + usage.ru_stime) * 1000, usage.ru_minflt


def main():
    args = sys.argv[1:]
    runs = 20
    if len(args) >= 2 and args[0] == "--runs":
        runs, args = int(args[1]), args[2:]
    subjects = [tuple(a.split("=", 1)) for a in args]
    if not subjects or any(len(s) != 2 or not os.access(s[1], os.X_OK) for s in subjects):
        sys.exit(__doc__)
    work = tempfile.mkdtemp(prefix="bench-startup-")
    figures = {name: {k: [] for k in ("vwall", "vcpu", "vflt", "ewall", "ecpu", "nwall", "ncpu", "rss", "file", "anon")}
               for name, _ in subjects}
    try:
        existing = {}
        for name, binary in subjects:  # migrate once, so "existing" is a restart's start-up
            existing[name] = os.path.join(work, name + "-db")
            proc, _, _ = start(name, binary, existing[name])
            stop(proc)
        for i in range(runs):
            for name, binary in subjects:
                f = figures[name]
                wall, cpu, faults = version(binary)
                f["vwall"].append(wall); f["vcpu"].append(cpu); f["vflt"].append(faults)
                proc, wall, cpu = start(name, binary, existing[name])
                stop(proc)
                f["ewall"].append(wall); f["ecpu"].append(cpu)
                fresh = os.path.join(work, f"{name}-new-{i}")
                proc, wall, cpu = start(name, binary, fresh)
                stop(proc)
                shutil.rmtree(fresh, ignore_errors=True)
                f["nwall"].append(wall); f["ncpu"].append(cpu)
        for _ in range(3):
            for name, binary in subjects:
                proc, _, _ = start(name, binary, existing[name])
                time.sleep(5)
                rss, file_, anon = status_kb(proc.pid, "VmRSS", "RssFile", "RssAnon")
                stop(proc)
                figures[name]["rss"].append(rss); figures[name]["file"].append(file_); figures[name]["anon"].append(anon)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    med = {name: {k: statistics.median(v) for k, v in f.items()} for name, f in figures.items()}
    floor = med.get("floor")
    names = [n for n, _ in subjects]
    ratios = bool(floor) and names[0] != "floor"
    print(f"| figure (median of {runs}; RSS of 3) | " + " | ".join(names) + (" | ratio to floor" if ratios else "") + " | target |")
    print("|---" * (len(names) + 2 + (1 if ratios else 0)) + "|")

    def row(label, key, unit, fmt="{:.1f}", target=None, value=None):
        values = value or {n: med[n][key] for n in names}
        cells = [fmt.format(values[n]) + unit for n in names]
        if ratios:
            cells.append(f"{values[names[0]] / values['floor']:.2f}×" if values["floor"] else "")
        # The start-up targets (docs/benchmarks.md), for the first binary: met, or by how much it is over.
        cells.append("" if target is None else f"≤ {target}{unit}: " + (
            "met" if values[names[0]] <= target else f"{values[names[0]] - target:.1f}{unit} over"))
        print(f"| {label} | " + " | ".join(cells) + " |")

    row("`version`, wall", "vwall", " ms", target=10)
    row("`version`, CPU", "vcpu", " ms")
    row("`version`, page faults", "vflt", "", "{:.0f}")
    row("`serve` exec → first 200, existing db, wall", "ewall", " ms", target=50)
    row("`serve` exec → first 200, existing db, CPU", "ecpu", " ms")
    row("`serve` exec → first 200, new db, wall", "nwall", " ms", target=80)
    row("`serve` exec → first 200, new db, CPU", "ncpu", " ms")
    for key, label in (("rss", "idle RSS, 5 s after start"), ("file", "  of it file-backed (the binary)"), ("anon", "  of it anonymous")):
        for n in names:
            med[n][key] /= 1024
        row(label, key, " MB", target=30 if key == "rss" else None)
    sizes = {n: os.path.getsize(b) / 1048576 for n, b in subjects}
    row("binary size", "size", " MB", "{:.2f}", target=25, value=sizes)


if __name__ == "__main__":
    main()
