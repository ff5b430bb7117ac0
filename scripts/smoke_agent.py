#!/usr/bin/env python3
"""Drives the published binary through the agent path with a fake OpenAI upstream, so the native
build's database, JSON and tool code run for real: conversations, a tool round trip (remember,
get_current_time), memory reaching a later prompt, costs, activity, skills, approvals, models.

Usage: scripts/smoke_agent.py BINARY   (standard library only; called by .ci/run)
"""
import http.server, json, os, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smoke_kit import Daemon, check, read_json, send_sse, serve, text, tool_calls, url

REQUESTS = []
SCRIPT = []  # one list of chunks per upstream call, in order


class Upstream(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_POST(self):
        REQUESTS.append(read_json(self))
        send_sse(self, SCRIPT.pop(0) if SCRIPT else text("(no more script)"))

    def log_message(self, *args):
        pass


def main():
    upstream = serve(Upstream)
    daemon = Daemon(sys.argv[1], "openmotoko-smoke-", url(upstream), keep_alive=True)
    call = daemon.call
    try:
        token = daemon.login()
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
        daemon.stop()
        upstream.shutdown()


if __name__ == "__main__":
    main()
