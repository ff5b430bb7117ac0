#!/usr/bin/env python3
"""Records which managed methods the daemon runs at start-up, while idle and for the common requests,
in the order they first run, as the native AOT compiler's order file (one mangled name per line).

Usage: scripts/layout_profile.py TRACER BINARY OUT
  TRACER  scripts/layout_trace.c, compiled
  BINARY  an unstripped build of the daemon (publish.sh builds one with -p:StripSymbols=false)
  OUT     the order file; publish.sh passes it to the final build as IlcOrderFile

The runs, each under the tracer, with no provider keys from the caller's environment:
  1. `version`;
  2. `serve` on a new data directory: /api/health, then 5 s idle with the connection kept alive
     (what the start-up bench measures);
  3. `serve` again on that directory, with a fake OpenAI upstream on loopback: login, the web app,
     the API reads the web app makes, a conversation with JSON and streamed replies, then idle.
Methods that never ran keep the compiler's order after these. Linux, standard library only.
"""
import http.client, http.server, json, os, re, shutil, socket, subprocess, sys, tempfile, threading, time

PASSWORD = "layout-profile-1"


class FakeOpenAi(http.server.BaseHTTPRequestHandler):
    """Answers every chat completion with the same short stream, and the model list."""
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        self.reply("application/json", json.dumps({"object": "list", "data": [{"id": "gpt-4o-mini", "object": "model"}]}).encode())

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        chunks = [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hi"}, "finish_reason": None}]},
                  {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
                  {"choices": [], "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}}]
        body = b"".join(b"data: " + json.dumps({"id": "c", "object": "chat.completion.chunk", "model": "gpt-4o-mini", **c}).encode()
                        + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
        self.reply("text/event-stream", body)

    def reply(self, content_type, body):
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def managed_functions(binary):
    """{offset: [mangled names]} of the functions in the managed code section."""
    section = None
    for line in subprocess.check_output(["readelf", "-SW", binary], text=True).splitlines():
        m = re.search(r"\]\s+__managedcode\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m:
            section = (int(m.group(1), 16), int(m.group(1), 16) + int(m.group(2), 16))
    if section is None:
        sys.exit("layout_profile: no __managedcode section in " + binary)
    functions = {}
    for line in subprocess.check_output(["nm", "--defined-only", binary], text=True).splitlines():
        fields = line.split(None, 2)
        if len(fields) == 3 and fields[1] in ("t", "T"):
            offset = int(fields[0], 16)
            if section[0] <= offset < section[1]:
                functions.setdefault(offset, []).append(fields[2])
    if not functions:
        sys.exit("layout_profile: " + binary + " has no symbols (build it with -p:StripSymbols=false)")
    return functions


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Daemon:
    def __init__(self, tracer, offsets, binary, out, data, env):
        self.port = free_port()
        self.process = subprocess.Popen([tracer, out, offsets, "--", binary, "serve", "--port", str(self.port), "--data-dir", data],
                                        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.token = None
        for _ in range(3000):
            try:
                if self.call("GET", "/api/health")[0] == 200:
                    return
            except OSError:
                time.sleep(0.01)
            if self.process.poll() is not None:
                break
        self.stop()
        sys.exit("layout_profile: the traced daemon did not answer /api/health")

    def call(self, method, path, body=None, accept="application/json"):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json", "Accept": accept}
        if self.token:
            headers["Authorization"] = "Bearer " + self.token
        connection.request(method, path, None if body is None else json.dumps(body), headers)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        return response.status, raw

    def stop(self):
        self.process.terminate()  # the tracer forwards it: the daemon shuts down in order, then the tracer ends
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def exercise(daemon):
    """The requests a person's first minutes make. Any failure ends the recording: a profile that
    silently missed the request path would lay out the binary for start-up alone."""
    def ok(method, path, body=None, accept="application/json"):
        status, raw = daemon.call(method, path, body, accept)
        if not 200 <= status < 300:
            sys.exit(f"layout_profile: {method} {path} answered {status}: {raw[:200]!r}")
        return raw

    daemon.token = json.loads(ok("POST", "/api/auth/login", {"password": PASSWORD}))["token"]
    for path in ("/", "/api/settings", "/api/settings/budget", "/api/conversations", "/api/models", "/api/costs/today",
                 "/api/costs/history", "/api/activity", "/api/skills", "/api/scheduler/tasks", "/api/channels",
                 "/api/agents", "/api/artifacts", "/api/webhooks", "/api/approvals"):
        ok("GET", path)
    ok("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini"})
    conversation = json.loads(ok("POST", "/api/conversations", {"title": "Profile"}))["id"]
    for _ in range(2):
        ok("POST", f"/api/conversations/{conversation}/messages", {"content": "Say hi."})
        ok("POST", f"/api/conversations/{conversation}/messages", {"content": "Say hi."}, accept="text/event-stream")
    ok("GET", f"/api/conversations/{conversation}")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    tracer, binary, out = (os.path.abspath(a) for a in sys.argv[1:])
    functions = managed_functions(binary)
    work = tempfile.mkdtemp(prefix="openmotoko-layout-")
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeOpenAi)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    try:
        offsets = os.path.join(work, "offsets")
        with open(offsets, "w") as f:
            f.writelines(f"{offset:x}\n" for offset in functions)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": work, "LANG": "C.UTF-8",
               "OPENMOTOKO_PASSWORD": PASSWORD, "OPENMOTOKO_LOG_LEVEL": "Information"}
        data = os.path.join(work, "data")
        runs = [os.path.join(work, f"run{i}") for i in range(3)]

        subprocess.run([tracer, runs[0], offsets, "--", binary, "version"], env=env, stdout=subprocess.DEVNULL, check=True)
        daemon = Daemon(tracer, offsets, binary, runs[1], data, env)
        # Idle with a kept-alive connection, as a browser leaves one: Kestrel's heartbeat then ticks on it.
        kept = http.client.HTTPConnection("127.0.0.1", daemon.port, timeout=60)
        kept.request("GET", "/api/health")
        kept.getresponse().read()
        time.sleep(5)
        kept.close()
        time.sleep(0.5)
        daemon.stop()
        with_provider = dict(env, OPENAI_API_KEY="sk-layout", OPENAI_BASE_URL=f"http://127.0.0.1:{upstream.server_address[1]}/v1")
        daemon = Daemon(tracer, offsets, binary, runs[2], data, with_provider)
        try:
            exercise(daemon)
            time.sleep(2)
        finally:
            daemon.stop()  # also when a request failed: no traced daemon outlives the recording

        order, placed = [], set()
        for run in runs:
            for line in open(run):
                offset = int(line, 16)
                if offset not in placed:
                    placed.add(offset)
                    order.extend(functions[offset])
        with open(out, "w") as f:
            f.writelines(name + "\n" for name in order)
        print(f"layout_profile: {len(placed)} of {len(functions)} managed functions ran; they go first ({out})")
    finally:
        upstream.shutdown()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
