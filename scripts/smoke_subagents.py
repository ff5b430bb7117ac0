#!/usr/bin/env python3
"""Drives the published binary through sub-agents with a fake OpenAI upstream: a parent spawns two
children through tool calls, waits for them and answers with both results; then DELETE of a parent
cancels its slow child (the upstream sees the child's call aborted) and every run is listed with
how it ended.

Usage: scripts/smoke_subagents.py BINARY   (standard library only; called by .ci/run)
"""
import http.server, json, os, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smoke_kit import Daemon, check, chunk, read_json, send_sse, serve, text, tool_calls, url

SCRIPTS = {}  # task marker -> list of answers; an answer is a function of the request body
ABORTED = threading.Event()
STALLING = threading.Event()
LOCK = threading.Lock()


def tool_results(body):
    return [m["content"] for m in body["messages"] if m["role"] == "tool"]


def spawned_ids(body):
    ids = []
    for content in tool_results(body):
        try:
            result = json.loads(content)
        except ValueError:
            continue
        if isinstance(result, dict) and "conversationId" in result:
            ids.append(result["id"])
    return ids


def wait_for_spawned(body):
    return tool_calls(("w1", "wait_agents", {"ids": spawned_ids(body)}))


def answer_with_outputs(body):
    waited = json.loads(tool_results(body)[-1])
    return text(" + ".join(a["output"] for a in sorted(waited["agents"], key=lambda a: a["name"])))


STALL = "stall"


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self):
        body = read_json(self)
        task = next(m["content"] for m in body["messages"] if m["role"] == "user")
        with LOCK:
            key = max((k for k in SCRIPTS if k in task), key=len, default=None)
            answer = SCRIPTS[key].pop(0) if key and SCRIPTS[key] else (lambda _: text("(no script)"))
        chunks = answer(body) if callable(answer) else answer
        if chunks == STALL:
            return self.stall()
        send_sse(self, chunks)

    def stall(self):
        """Streams a few words, then keeps the call open (comments keep it alive) until the daemon drops it."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(b"data: " + json.dumps(chunk({"role": "assistant", "content": "Still digging"})).encode() + b"\n\n")
            self.wfile.flush()
            STALLING.set()
            for _ in range(600):
                time.sleep(0.1)
                self.wfile.write(b": waiting\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            ABORTED.set()
        self.close_connection = True

    def log_message(self, *args):
        pass


def main():
    upstream = serve(Upstream)
    daemon = Daemon(sys.argv[1], "openmotoko-smoke-subagents-", url(upstream), timeout=60)
    call = daemon.call

    def until(what, predicate, token):
        for _ in range(300):
            status, page = call("GET", "/api/agents", None, token)
            if status == 200 and predicate(page["items"]):
                return page["items"]
            time.sleep(0.05)
        check(False, what)

    try:
        token = daemon.login()
        status, _ = call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}, token)
        check(status == 200, "settings: default model set")

        # 1. A parent spawns two children through tool calls, waits, and answers with both results.
        SCRIPTS.update({
            "PARENT": [tool_calls(("s1", "spawn_agent", {"task": "CHILD-A: what is alpha?", "name": "a"}),
                                  ("s2", "spawn_agent", {"task": "CHILD-B: what is beta?", "name": "b"})),
                       wait_for_spawned, answer_with_outputs],
            "CHILD-A": [text("alpha is 1")],
            "CHILD-B": [text("beta is 2")],
        })
        status, conversation = call("POST", "/api/conversations", {"title": "smoke sub-agents"}, token)
        status, reply = call("POST", f"/api/conversations/{conversation['id']}/messages", {"content": "PARENT: ask two helpers"}, token)
        check(status == 200 and reply["content"] == "alpha is 1 + beta is 2", "the parent answers with both children's results")
        status, page = call("GET", "/api/agents", None, token)
        runs = page["items"]
        parent = next(r for r in runs if r["parentId"] is None)
        children = [r for r in runs if r["parentId"] == parent["id"]]
        check(page["total"] == 3 and len(children) == 2, "GET /api/agents lists the parent and both children")
        check(all(c["status"] == "completed" and c["depth"] == 1 and c["budgetUsd"] == 0.5 and c["spentUsd"] > 0 for c in children),
              "the children completed at depth 1 within their default budget")
        status, detail = call("GET", f"/api/agents/{parent['id']}", None, token)
        check(status == 200 and sorted(c["output"] for c in detail["children"]) == ["alpha is 1", "beta is 2"],
              "GET /api/agents/:id shows the children with their answers")
        status, activity = call("GET", "/api/activity?type=agent:completed", None, token)
        check(activity["total"] == 2, "agent:completed is in the activity feed twice")

        # 2. DELETE of a parent cancels its slow child; the child's provider call is aborted.
        SCRIPTS.update({
            "BOSS": [tool_calls(("s1", "spawn_agent", {"task": "SLOW-CHILD: take your time", "name": "slow"})), wait_for_spawned],
            "SLOW-CHILD": [STALL],
        })
        status, other = call("POST", "/api/conversations", {}, token)
        outcome = {}
        posting = threading.Thread(target=lambda: outcome.update(
            zip(("status", "body"), call("POST", f"/api/conversations/{other['id']}/messages", {"content": "BOSS: delegate"}, token))))
        posting.start()
        check(STALLING.wait(30), "the slow child is streaming")
        items = until("the boss and its slow child are running",
                      lambda items: any(r["name"] == "slow" and r["status"] == "running" for r in items), token)
        boss = next(r for r in items if r["task"] == "BOSS: delegate")
        slow = next(r for r in items if r["name"] == "slow")
        status, cancelled = call("DELETE", f"/api/agents/{boss['id']}", None, token)
        check(status == 200 and cancelled["id"] == boss["id"] and cancelled["status"] in ("cancelling", "cancelled"),
              "DELETE /api/agents/:id answers 200 with the run", got=(status, cancelled))
        check(ABORTED.wait(30), "the slow child's provider call was aborted")
        posting.join(30)
        check(outcome.get("status") == 409 and outcome["body"]["code"] == "CANCELLED", "the parent's message ends 409 CANCELLED")
        items = until("both runs end cancelled",
                      lambda items: all(r["status"] == "cancelled" for r in items if r["id"] in (boss["id"], slow["id"])), token)
        status, child = call("GET", f"/api/agents/{slow['id']}", None, token)
        check(child["reason"] == "cancelled" and child["output"] == "Still digging", "the child kept what it had written")
        status, failed = call("GET", "/api/activity?type=agent:failed", None, token)
        check(failed["total"] == 1 and failed["items"][0]["data"]["reason"] == "cancelled", "agent:failed says why")
        status, missing = call("GET", "/api/agents/no-such-run", None, token)
        check(status == 404 and missing["code"] == "NOT_FOUND", "an unknown run is a 404 envelope")
        print("sub-agents smoke: passed")
    finally:
        daemon.stop()
        upstream.shutdown()


if __name__ == "__main__":
    main()
