#!/usr/bin/env python3
"""Idle cost of the scheduler: starts the published binary twice on fresh data dirs, once with no
tasks and once with 100 enabled cron tasks none of which falls due during the measurement, lets each
settle, then reads over one idle minute the CPU time the process used (utime + stime), the context
switches of all its threads (how often anything in it woke up) and its RSS at the start and the end.
A scheduler that sleeps until the next due time shows the same figures with 0 and with 100 tasks.

Usage: scripts/bench_idle.py [BINARY] [SECONDS]   (default dist/openmotoko, 60 s; Linux, standard library only)
Prints a Markdown table for docs/benchmarks.md.
"""
import http.client, json, os, socket, subprocess, sys, tempfile, time

PASSWORD = "bench-password-1"
TICKS = os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_ms(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / TICKS  # utime + stime


def switches(pid):
    """Context switches per thread id (a thread that ends takes its count with it, so deltas are per thread)."""
    counts = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            lines = open(f"/proc/{pid}/task/{tid}/status").read().splitlines()
        except OSError:
            continue  # ended while being read
        counts[tid] = sum(int(l.split()[1]) for l in lines if l.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
    return counts


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(binary, tasks, seconds):
    port = free_port()
    data = tempfile.mkdtemp(prefix="openmotoko-bench-idle-")
    env = dict(os.environ, OPENMOTOKO_PASSWORD=PASSWORD, OPENMOTOKO_LOG_LEVEL="Warning", OPENMOTOKO_OWNER_RATE_LIMIT="0")
    daemon = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        def call(method, path, body=None, token=None):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Bearer {token}"
            conn.request(method, path, None if body is None else json.dumps(body), headers)
            response = conn.getresponse()
            raw = response.read()
            conn.close()
            return response.status, (json.loads(raw) if raw else None)

        for _ in range(400):
            try:
                token = call("POST", "/api/auth/login", {"password": PASSWORD})[1]["token"]
                break
            except OSError:
                time.sleep(0.05)
        for i in range(tasks):
            # Daily at 03:00 in a spread of time zones: enabled and scheduled, none due in the next minutes
            # unless the run happens to straddle one of those 03:00s, which the printed next due time shows.
            status, _ = call("POST", "/api/scheduler/tasks", {"name": f"Task {i}", "cron": f"{i % 60} 3 * * *",
                                                              "payload": {"prompt": "Morning briefing"}}, token)
            assert status == 201, status
        status, listing = call("GET", "/api/scheduler/tasks?limit=100", None, token)
        soonest = min((t["nextRunAt"] for t in listing["items"]), default=None)
        time.sleep(5)  # settle: the requests' connections close, the GC runs
        cpu0, sw0, rss0 = cpu_ms(daemon.pid), switches(daemon.pid), rss_mb(daemon.pid)
        time.sleep(seconds)
        cpu1, sw1, rss1 = cpu_ms(daemon.pid), switches(daemon.pid), rss_mb(daemon.pid)
        minutes_to_due = None if soonest is None else (soonest / 1000 - time.time()) / 60
        woke = sum(sw1[t] - sw0[t] for t in sw1 if t in sw0)
        return cpu1 - cpu0, woke, rss0, rss1, minutes_to_due
    finally:
        daemon.terminate()
        daemon.wait(10)


def main():
    binary = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else "dist/openmotoko")
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    print(f"| idle for {seconds} s | CPU time | context switches (threads alive throughout) | RSS start → end |")
    print("|---|---|---|---|")
    for tasks in (0, 100):
        cpu, sw, rss0, rss1, due = measure(binary, tasks, seconds)
        label = f"{tasks} enabled tasks" + ("" if due is None else f" (next due in {due:.0f} min)")
        print(f"| {label} | {cpu:.0f} ms | {sw} | {rss0:.1f} MB → {rss1:.1f} MB |")


if __name__ == "__main__":
    main()
