#!/usr/bin/env python3
"""Drives the published binary's scheduler end to end with a fake OpenAI upstream: a 6-field cron
task runs twice on its own and its runs are listed; a reminder set by the model through the
`schedule` tool answers in the conversation it came from; /api/events shows the runs as they happen.

Usage: scripts/smoke_scheduler.py BINARY   (standard library only; called by .ci/run)
"""
import http.client, http.server, json, os, socket, subprocess, sys, tempfile, threading, time

PASSWORD = "smoke-password-1"
EVENTS = []  # (type, data) from /api/events, in arrival order


def chunk(delta=None, finish=None, usage=None):
    body = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": "gpt-4o-mini",
            "choices": [] if usage else [{"index": 0, "delta": delta or {}, "finish_reason": finish}]}
    if usage:
        body["usage"] = {"prompt_tokens": usage[0], "completion_tokens": usage[1], "total_tokens": sum(usage)}
    return body


def text(words):
    return [chunk({"role": "assistant", "content": words}), chunk(finish="stop"), chunk(usage=(100, 5))]


def tool_call(name, arguments):
    return [chunk({"role": "assistant", "tool_calls": [
                {"index": 0, "id": "call-1", "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}]}),
            chunk(finish="tool_calls"), chunk(usage=(100, 5))]


def answer(request):
    """The fake model: answers from the conversation it is shown, so concurrent runs cannot take each other's replies."""
    last = request["messages"][-1]
    content = last.get("content") or ""
    if last["role"] == "tool":
        return text("Reminder set.")
    if "remind me in 3 seconds" in content:
        return tool_call("create_schedule", {"name": "Stretch", "inSeconds": 3, "prompt": "Tell the owner: time to stretch."})
    if "time to stretch" in content:
        return text("Time to stretch!")
    if "tick" in content:
        return text("tock")
    return text("(unexpected prompt)")


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        request = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
        body = b"".join(b"data: " + json.dumps(c).encode() + b"\n\n" for c in answer(request)) + b"data: [DONE]\n\n"
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


def listen(port, token):
    """Reads /api/events (SSE) into EVENTS until the daemon closes the stream."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/api/events?types=scheduler:*", headers={"Authorization": f"Bearer {token}"})
    response = conn.getresponse()
    kind = None
    for raw in response:
        line = raw.decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind:
            EVENTS.append((kind, json.loads(line[6:])))


def wait_for(what, condition, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    check(False, what + " (timed out)")


def main():
    binary = os.path.realpath(sys.argv[1])
    upstream = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=upstream.serve_forever, daemon=True).start()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = tempfile.mkdtemp(prefix="openmotoko-smoke-scheduler-")
    env = dict(os.environ, OPENMOTOKO_PASSWORD=PASSWORD, OPENMOTOKO_LOG_LEVEL="Warning",
               OPENAI_API_KEY="sk-smoke-0123456789", OPENAI_BASE_URL=f"http://127.0.0.1:{upstream.server_address[1]}/v1")
    daemon = subprocess.Popen([binary, "serve", "--port", str(port), "--data-dir", data], env=env)

    def call(method, path, body=None, token=None):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
        conn.close()
        return response.status, (json.loads(raw) if raw else None)

    try:
        for _ in range(200):
            try:
                status, login = call("POST", "/api/auth/login", {"password": PASSWORD})
                break
            except OSError:
                time.sleep(0.05)
        token = login["token"]
        call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}, token)
        threading.Thread(target=listen, args=(port, token), daemon=True).start()

        status, task = call("POST", "/api/scheduler/tasks",
                            {"name": "Ticker", "cron": "*/2 * * * * *", "payload": {"prompt": "Say tick"}}, token)
        check(status == 201 and task["nextRunAt"] is not None, "a 6-field cron task is created with its next run")
        runs = wait_for("the cron task ran twice on its own", lambda: (lambda r: r if len(
            [x for x in r["items"] if x["status"] == "succeeded"]) >= 2 else None)(
            call("GET", f"/api/scheduler/tasks/{task['id']}/runs", None, token)[1]))
        done = [r for r in runs["items"] if r["status"] == "succeeded"]
        check(all(r["trigger"] == "schedule" and r["output"] == "tock" for r in done), "its runs are listed with the answer")
        status, _ = call("POST", f"/api/scheduler/tasks/{task['id']}/toggle", None, token)
        check(status == 200, "the cron task is turned off")

        status, conversation = call("POST", "/api/conversations", {"title": "reminders"}, token)
        status, reply = call("POST", f"/api/conversations/{conversation['id']}/messages",
                             {"content": "Please remind me in 3 seconds to stretch"}, token)
        check(status == 200 and reply["content"] == "Reminder set.", "the model sets a reminder through the schedule tool")
        status, tasks = call("GET", "/api/scheduler/tasks", None, token)
        reminder = next((t for t in tasks["items"] if t["name"] == "Stretch"), None)
        check(reminder is not None and reminder["cron"] is None and reminder["runAt"] is not None, "the reminder is a one-shot task")
        messages = wait_for("the reminder answered in its conversation", lambda: (lambda c: c["messages"] if any(
            m["role"] == "assistant" and m["content"] == "Time to stretch!" for m in c["messages"]) else None)(
            call("GET", f"/api/conversations/{conversation['id']}", None, token)[1]))
        check(messages[-1]["content"] == "Time to stretch!", "the reminder's answer is the conversation's latest message")
        reminder = wait_for("the reminder is disabled after its run", lambda: next((t for t in call(
            "GET", "/api/scheduler/tasks", None, token)[1]["items"] if t["id"] == reminder["id"] and not t["enabled"]), None))
        check(reminder["status"] == "idle", "the reminder ended idle")

        wait_for("the live feed shows the runs", lambda: sum(1 for kind, _ in EVENTS if kind == "scheduler:completed") >= 3)
        kinds = [kind for kind, _ in EVENTS]
        check(kinds.count("scheduler:started") >= 3 and "scheduler:failed" not in kinds, "/api/events showed each start and completion")
        check(any(d["data"].get("taskId") == reminder["id"] for kind, d in EVENTS if kind == "scheduler:completed"),
              "the reminder's completion was pushed live")

        status, error = call("POST", "/api/scheduler/tasks", {"name": "Bad", "cron": "61 * * * *", "payload": {"prompt": "x"}}, token)
        check(status == 400 and error["code"] == "VALIDATION_ERROR", "an invalid cron is a 400 envelope")
        print("scheduler smoke: passed")
    finally:
        daemon.terminate()
        daemon.wait(10)
        upstream.shutdown()


if __name__ == "__main__":
    main()
