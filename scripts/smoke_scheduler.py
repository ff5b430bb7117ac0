#!/usr/bin/env python3
"""Drives the published binary's scheduler end to end with a fake OpenAI upstream: a 6-field cron
task runs twice on its own and its runs are listed; a reminder set by the model through the
`schedule` tool answers in the conversation it came from; /api/events shows the runs as they happen.

Usage: scripts/smoke_scheduler.py BINARY   (standard library only; called by .ci/run)
"""
import http.server, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smoke_kit import Daemon, Events, check, read_json, send_sse, serve, text, tool_calls, url, wait_for

USAGE = (100, 5)


def answer(request):
    """The fake model: answers from the conversation it is shown, so concurrent runs cannot take each other's replies."""
    last = request["messages"][-1]
    content = last.get("content") or ""
    if last["role"] == "tool":
        return text("Reminder set.", USAGE)
    if "remind me in 3 seconds" in content:
        return tool_calls(("call-1", "create_schedule", {"name": "Stretch", "inSeconds": 3, "prompt": "Tell the owner: time to stretch."}), usage=USAGE)
    if "time to stretch" in content:
        return text("Time to stretch!", USAGE)
    if "tick" in content:
        return text("tock", USAGE)
    return text("(unexpected prompt)", USAGE)


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        send_sse(self, answer(read_json(self)))

    def log_message(self, *args):
        pass


def main():
    upstream = serve(Upstream)
    daemon = Daemon(sys.argv[1], "openmotoko-smoke-scheduler-", url(upstream))
    call = daemon.call
    try:
        token = daemon.login()
        call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}, token)
        EVENTS = Events(daemon.port, token, "scheduler:*").items  # (type, data) from /api/events, in arrival order

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
        daemon.stop()
        upstream.shutdown()


if __name__ == "__main__":
    main()
