#!/usr/bin/env python3
"""The daemon's own cost per message, against a fake OpenAI upstream that answers at once.

Usage: scripts/bench_agent.py BINARY   (called by scripts/bench.sh; standard library only)
Prints Markdown table rows: added p50/p99 latency over the provider, the daemon's CPU time per
message, messages/s with 8 concurrent conversations, and RSS after warm-up, after 10 000 messages and once quiet again.
"""
import http.client, http.server, json, os, shutil, socket, statistics, subprocess, sys, tempfile, threading, time

CHUNKS = [
    {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hello"}, "finish_reason": None}]},
    {"choices": [{"index": 0, "delta": {"content": " there."}, "finish_reason": None}]},
    {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    {"choices": [], "usage": {"prompt_tokens": 42, "completion_tokens": 3, "total_tokens": 45}},
]
BODY = b"".join(
    b"data: " + json.dumps({"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 0,
                            "model": "gpt-4o-mini", **c}).encode() + b"\n\n" for c in CHUNKS) + b"data: [DONE]\n\n"


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes; Nagle + delayed ACK would add 40 ms

    last_body = b"{}"  # the daemon's latest request, replayed by the baseline

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.headers.get("Authorization"):
            Upstream.last_body = body
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """User + system CPU time the process has used so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


class Client:
    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def call(self, method, path, body=None):
        self.conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=self.headers)
        response = self.conn.getresponse()
        data = response.read()
        if response.status >= 300:
            sys.exit(f"{method} {path}: {response.status} {data[:300]!r}")
        return json.loads(data) if data else None

    def conversation(self):
        return self.call("POST", "/api/conversations", {"title": "bench"})["id"]

    def message(self, conversation):
        self.call("POST", f"/api/conversations/{conversation}/messages", {"content": "Say hello."})


def timed_messages(client, count, per_conversation=10, direct=None):
    """Times count messages; with direct (a connection to the fake provider), also sends the request
    the daemon just made (same body: history, tools) straight to the fake after each one, so both
    sets of samples see the same request and the same machine state."""
    samples, provider, conversation = [], [], None
    for i in range(count):
        if i % per_conversation == 0:
            conversation = client.conversation()
        t0 = time.perf_counter()
        client.message(conversation)
        samples.append((time.perf_counter() - t0) * 1000)
        if direct is not None:
            t0 = time.perf_counter()
            direct.request("POST", "/v1/chat/completions", body=Upstream.last_body, headers={"Content-Type": "application/json"})
            direct.getresponse().read()
            provider.append((time.perf_counter() - t0) * 1000)
    return (samples, provider) if direct is not None else samples


def main():
    binary = os.path.realpath(sys.argv[1])
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    upstream_port = upstream.server_address[1]

    # The provider alone, to subtract: the same request straight to the fake, interleaved with the timed messages.
    direct = http.client.HTTPConnection("127.0.0.1", upstream_port)

    data = tempfile.mkdtemp(prefix="openmotoko-bench-")
    port = free_port()
    env = dict(os.environ, OPENMOTOKO_PASSWORD="bench-password-1", OPENMOTOKO_OWNER_RATE_LIMIT="0",
               OPENMOTOKO_LOG_LEVEL="Warning", OPENAI_API_KEY="sk-bench",
               OPENAI_BASE_URL=f"http://127.0.0.1:{upstream_port}/v1")
    daemon = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                login = http.client.HTTPConnection("127.0.0.1", port)
                login.request("POST", "/api/auth/login", body=json.dumps({"password": "bench-password-1"}),
                              headers={"Content-Type": "application/json"})
                token = json.loads(login.getresponse().read())["token"]
                break
            except OSError:
                time.sleep(0.05)
        setup = Client(port, token)
        setup.call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini"})

        timed_messages(setup, 1000)  # warm-up
        warm_rss = rss_mb(daemon.pid)
        cpu0 = cpu_seconds(daemon.pid)
        samples, provider = timed_messages(setup, 2000, direct=direct)
        cpu_per_message = (cpu_seconds(daemon.pid) - cpu0) / 2000 * 1000
        sequential_rss = rss_mb(daemon.pid)
        p50, p99 = statistics.median(samples), statistics.quantiles(samples, n=100)[98]
        base50, base99 = statistics.median(provider), statistics.quantiles(provider, n=100)[98]

        workers, per_worker = 8, 875  # 8 x 875 = 7000; with the 3000 above, 10 000 messages in all
        def work():
            timed_messages(Client(port, token), per_worker)
        threads = [threading.Thread(target=work) for _ in range(workers)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        rate = workers * per_worker / (time.perf_counter() - t0)
        final_rss = rss_mb(daemon.pid)
        time.sleep(6)  # three of the daemon's 2 s quiet checks: it hands the burst's garbage back
        quiet_rss = rss_mb(daemon.pid)

        print(f"| message round trip, provider alone (fake, keep-alive) | p50 {base50:.2f} ms, p99 {base99:.2f} ms |")
        print(f"| POST /api/conversations/:id/messages (JSON), sequential | p50 {p50:.2f} ms, p99 {p99:.2f} ms |")
        print(f"| added by the daemon over the provider | p50 {p50 - base50:.2f} ms, p99 {p99 - base99:.2f} ms |")
        print(f"| daemon CPU per message (user + system), sequential | {cpu_per_message:.2f} ms |")
        print(f"| messages/s, 8 concurrent conversations | {rate:.0f} msg/s |")
        print(f"| RSS after 1 000 messages (warm) / 3 000 sequential / 10 000 with 8 in parallel | {warm_rss:.1f} MB / {sequential_rss:.1f} MB / {final_rss:.1f} MB |")
        print(f"| RSS 6 s after the last message (quiet) | {quiet_rss:.1f} MB |")
    finally:
        daemon.terminate()
        daemon.wait(10)
        upstream.shutdown()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
