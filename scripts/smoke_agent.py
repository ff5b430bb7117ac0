#!/usr/bin/env python3
"""Drives the published binary through the agent path with a fake OpenAI upstream, so the native
build's database, JSON and tool code run for real: conversations, a tool round trip (remember,
get_current_time), memory reaching a later prompt, costs, activity, skills, approvals, models.

Usage: scripts/smoke_agent.py BINARY   (standard library only; called by .ci/run)
"""
import http.client, http.server, json, os, socket, subprocess, sys, tempfile, threading, time

REQUESTS = []
SCRIPT = []  # one list of chunks per upstream call, in order


def chunk(delta=None, finish=None, usage=None):
    body = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "gpt-4o-mini",
            "choices": [] if usage else [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return body


def tool_calls(*calls):
    return [chunk({"role": "assistant", "tool_calls": [
                {"index": i, "id": cid, "type": "function", "function": {"name": name, "arguments": args}}
                for i, (cid, name, args) in enumerate(calls)]}),
            chunk(finish="tool_calls"), chunk(usage=(1000, 50))]


def text(words):
    return [chunk({"role": "assistant", "content": words}), chunk(finish="stop"), chunk(usage=(1000, 50))]


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self):
        REQUESTS.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0")))))
        chunks = SCRIPT.pop(0) if SCRIPT else text("(no more script)")
        body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in chunks) + b"data: [DONE]\n\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        raise SystemExit(1)


def main():
    binary = os.path.realpath(sys.argv[1])
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tempfile.mkdtemp(prefix="openmotoko-smoke-")
    env = dict(os.environ, OPENMOTOKO_PASSWORD="smoke-password-1", OPENMOTOKO_LOG_LEVEL="Warning",
               OPENAI_API_KEY="sk-smoke-0123456789", OPENAI_BASE_URL=f"http://127.0.0.1:{upstream.server_address[1]}/v1")
    daemon = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data], env=env)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(method, path, body=None, token=None):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)

    try:
        for _ in range(200):
            try:
                status, login = call("POST", "/api/auth/login", {"password": "smoke-password-1"})
                break
            except OSError:
                time.sleep(0.05)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        token = login["token"]
        status, _ = call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}, token)
        check(status == 200, "settings: default model set")

        SCRIPT.extend([tool_calls(("t1", "remember", json.dumps({"fact": "The owner's cat is called Miso."})),
                                  ("t2", "get_current_time", "{}")),
                       text("Noted, and it is now."), text("Miso.")])
        status, conversation = call("POST", "/api/conversations", {"title": "smoke"}, token)
        check(status == 201, "conversation created")
        status, reply = call("POST", f"/api/conversations/{conversation['id']}/messages",
                             {"content": "Remember my cat is called Miso and tell me the time"}, token)
        check(status == 200 and reply["content"] == "Noted, and it is now.", "a tool round trip answers")
        check(abs(reply["usage"]["cost"] - 0.00036) < 1e-9, "the turn is priced (2 calls x 1000 in / 50 out on gpt-4o-mini)")
        tool_results = [m for m in REQUESTS[1]["messages"] if m["role"] == "tool"]
        check(len(tool_results) == 2 and "Error" not in json.dumps(tool_results), "both tools ran and fed their results back")

        status, other = call("POST", "/api/conversations", {}, token)
        status, _ = call("POST", f"/api/conversations/{other['id']}/messages", {"content": "What is my cat called?"}, token)
        check("Miso" in REQUESTS[2]["messages"][0]["content"], "the remembered fact reaches a later conversation's system prompt")

        status, stored = call("GET", f"/api/conversations/{conversation['id']}", None, token)
        check([m["role"] for m in stored["messages"]] == ["user", "assistant", "tool", "assistant"], "the turn is stored with its tool messages")
        status, today = call("GET", "/api/costs/today", None, token)
        check(abs(today["total"] - 0.00054) < 1e-9, "costs today add up")
        status, activity = call("GET", "/api/activity?type=tool:called", None, token)
        check(activity["total"] == 2, "tool calls are in the activity feed")
        status, skills = call("GET", "/api/skills", None, token)
        check({"shell", "filesystem", "web", "memory", "core"} <= {s["id"] for s in skills}, "skills are listed")
        status, toggled = call("POST", "/api/skills/web/toggle", None, token)
        check(status == 200 and toggled["enabled"] is False, "a skill toggles")
        status, approvals = call("GET", "/api/approvals", None, token)
        check(status == 200 and approvals == [], "approvals list")
        status, models = call("GET", "/api/models", None, token)
        check(status == 200 and any(p["id"] == "openai" and p["configured"] for p in models["providers"]), "models list the configured provider")
        status, error = call("POST", f"/api/conversations/{conversation['id']}/messages", {"content": ""}, token)
        check(status == 400 and error["code"] == "VALIDATION_ERROR", "empty content is a 400 envelope")
        print("agent smoke: passed")
    finally:
        daemon.terminate()
        daemon.wait(10)
        upstream.shutdown()


if __name__ == "__main__":
    main()
