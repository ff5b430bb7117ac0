"""What the native smoke scripts (scripts/smoke_*.py) share, so each script holds only its scenario.

- chunk / text / tool_calls build OpenAI chat-completion stream chunks; send_sse writes them as an
  SSE response from a fake upstream's handler.
- serve starts a fake server on a free loopback port; url gives its base address.
- check prints "ok   ..." or "FAIL ..." and exits 1 on failure.
- Daemon starts the binary with `serve` on a free port, a temp data dir and an env; Daemon.call is
  a JSON request, Daemon.login signs in (retrying while the daemon starts).
- wait_for polls a condition; Events reads /api/events (SSE) on a thread.

Standard library only; imported by the smoke scripts through their own directory on sys.path.
"""
import http.client, http.server, json, os, socket, subprocess, tempfile, threading, time

PASSWORD = "smoke-password-1"
MODEL = "gpt-4o-mini"


def chunk(delta=None, finish=None, usage=None):
    """One stream chunk: a delta (with an optional finish reason), or, given usage=(in, out), the usage chunk."""
    body = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": MODEL,
            "choices": [] if usage else [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return body


def text(words, usage=(1000, 50)):
    """An answer: the words, a stop, then the usage."""
    return [chunk({"role": "assistant", "content": words}), chunk(finish="stop"), chunk(usage=usage)]


def tool_calls(*calls, usage=(1000, 50)):
    """Tool calls, each (id, name, arguments); arguments that are not already a string are JSON-encoded."""
    return [chunk({"role": "assistant", "tool_calls": [
                {"index": i, "id": cid, "type": "function",
                 "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)}}
                for i, (cid, name, args) in enumerate(calls)]}),
            chunk(finish="tool_calls"), chunk(usage=usage)]


def sse_body(chunks):
    return b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"


def send_sse(handler, chunks):
    """Answers a fake upstream's request with the chunks as a complete text/event-stream body."""
    body = sse_body(chunks)
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def read_json(handler):
    """The request body of a fake server's handler, parsed."""
    return json.loads(handler.rfile.read(int(handler.headers.get("Content-Length", "0"))) or b"{}")


class _Quiet(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # e.g. the daemon hanging up a long poll as it stops


def serve(handler, quiet=False):
    """Starts a threaded fake server for the handler class on 127.0.0.1 and a free port."""
    server = (_Quiet if quiet else http.server.ThreadingHTTPServer)(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def url(server):
    return f"http://127.0.0.1:{server.server_address[1]}"


def check(condition, what, got=None):
    """Prints the check; on failure also what came back (``got``), so a CI log says why, then exits 1."""
    print(("ok   " if condition else "FAIL ") + what + ("" if condition or got is None else f"\n     got: {got!r}"))
    if not condition:
        raise SystemExit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, condition, seconds=30, interval=0.2):
    """Polls condition() until it returns something truthy and returns that; fails the check on timeout."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    check(False, what + " (timed out)")


class Daemon:
    """The binary under test, serving on a free port with a fresh data dir (prefix names the temp dir).

    openai_url is the fake upstream's base address; env adds or overrides variables. timeout is the
    socket timeout of call(); keep_alive=True reuses one connection for every call.
    """

    def __init__(self, binary, prefix, openai_url, env=None, timeout=30, keep_alive=False):
        self.binary = os.path.realpath(binary)
        self.port = free_port()
        self.data = tempfile.mkdtemp(prefix=prefix)
        self.env = dict(os.environ, OPENMOTOKO_PASSWORD=PASSWORD, OPENMOTOKO_LOG_LEVEL="Warning",
                        OPENAI_API_KEY="sk-smoke-0123456789", OPENAI_BASE_URL=f"{openai_url}/v1", **(env or {}))
        self.timeout, self.keep_alive, self.conn = timeout, keep_alive, None
        self.process = subprocess.Popen([self.binary, "serve", "--port", str(self.port), "--data-dir", self.data], env=self.env)

    def call(self, method, path, body=None, token=None, headers=None, raw=None):
        """A request with a JSON body (or raw bytes); returns (status, parsed JSON or None)."""
        conn = self.conn or http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        if self.keep_alive:
            self.conn = conn
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, body=raw if raw is not None else (None if body is None else json.dumps(body)), headers=sent)
            response = conn.getresponse()
            data = response.read()
        except OSError:
            self.conn = None
            raise
        if not self.keep_alive:
            conn.close()
        return response.status, (json.loads(data) if data else None)

    def login(self, tries=200):
        """Signs in with PASSWORD, retrying while the daemon is still starting; returns the token."""
        for _ in range(tries - 1):
            try:
                return self.call("POST", "/api/auth/login", {"password": PASSWORD})[1]["token"]
            except OSError:
                time.sleep(0.05)
        return self.call("POST", "/api/auth/login", {"password": PASSWORD})[1]["token"]

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Events:
    """Reads /api/events?types=... (SSE) on a daemon thread into items, a list of (type, data) in arrival order."""

    def __init__(self, port, token, types, timeout=120):
        self.items = []
        self.arrived = threading.Condition()
        self.request = (port, token, types, timeout)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        port, token, types, timeout = self.request
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        conn.request("GET", f"/api/events?types={types}", headers={"Authorization": f"Bearer {token}"})
        kind = None
        for raw in conn.getresponse():
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind not in (None, "ping"):
                with self.arrived:
                    self.items.append((kind, json.loads(line[6:])))
                    self.arrived.notify_all()

    def next(self, kind, where=lambda data: True, seconds=15):
        """The first event of this kind that matches, among those seen so far or arriving within the time."""
        def find():
            return next((data for got, data in self.items if got == kind and where(data)), None)
        with self.arrived:
            self.arrived.wait_for(find, timeout=seconds)
            return find()
