#!/usr/bin/env python3
"""Drives the published binary with the reference channel plugin (docs/examples/channel-plugin, a
node child process) and a fake OpenAI upstream on loopback: install from a path, a chat message
answered through the plugin, only the declared environment, a crash restarted, removal.

Usage: scripts/smoke_plugins.py BINARY   (standard library only; called by .ci/run)
"""
import http.client, http.server, json, os, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smoke_kit import Daemon, check, chunk, read_json, send_sse, serve, url, wait_for

EXAMPLE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs", "examples", "channel-plugin")
MODEL_REQUESTS = []


class Model(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        MODEL_REQUESTS.append(read_json(self))
        send_sse(self, [chunk({"role": "assistant", "content": "Hello from the native binary."}, finish="stop"), chunk(usage=(10, 3))])

    def log_message(self, *args):
        pass


def plugin_call(port_file, method, path, body=None):
    with open(port_file) as f:
        port = int(f.read().strip())
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request(method, path, body=None if body is None else json.dumps(body), headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return json.loads(data) if data else None


def main():
    model = serve(Model, quiet=True)
    daemon = Daemon(sys.argv[1], "openmotoko-plugins-smoke-", url(model), env=dict(ANTHROPIC_API_KEY="sk-ant-smoke-must-not-leak"))
    call = daemon.call
    port_file = os.path.join(daemon.data, "loopback.port")

    def status():
        _, channels = call("GET", "/api/channels", None, token)
        return next((c for c in channels if c["id"] == "loopback"), None)

    def listening():
        return os.path.exists(port_file) and os.path.getsize(port_file) > 0 and (status() or {}).get("status") == "running"

    try:
        token = daemon.login()
        call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}, token)
        code, plugin = call("POST", "/api/channel-plugins/install", {"path": EXAMPLE, "id": "loopback"}, token)
        check(code == 201 and plugin["id"] == "loopback", "the reference plugin installs from a local path", plugin)
        wait_for("the plugin's hello", lambda: call("GET", "/api/channel-plugins/loopback", None, token)[1]["name"] == "Loopback")
        code, channel = call("PUT", "/api/channels/loopback", {"dmPolicy": "open", "config": {"portFile": port_file, "env": {"GREETING": "hi"}}}, token)
        check(code == 200 and channel["type"] == "plugin" and channel["config"]["env"]["GREETING"] == "****", "it is configured as a channel, env masked", channel)
        wait_for("the plugin to listen", listening)

        env = plugin_call(port_file, "GET", "/env")
        check(env.get("GREETING") == "hi" and "OPENAI_API_KEY" not in env and "ANTHROPIC_API_KEY" not in env
              and "OPENMOTOKO_PASSWORD" not in env, "the plugin gets its declared env and none of the daemon's keys", sorted(env))

        plugin_call(port_file, "POST", "/inbound", {"chatId": "c1", "senderId": "ann", "text": "hello?"})
        wait_for("the answer in the plugin's chat",
                 lambda: any(m["text"] == "Hello from the native binary." for m in plugin_call(port_file, "GET", "/sent?chatId=c1")))
        check(len(MODEL_REQUESTS) == 1, "the message reached the model once")

        with open(port_file) as f:
            old_port = f.read().strip()
        os.remove(port_file)
        crash = http.client.HTTPConnection("127.0.0.1", int(old_port), timeout=10)
        crash.request("POST", "/crash")
        crash.getresponse().read()
        crash.close()
        wait_for("the plugin restarted by itself", listening, seconds=30)
        with open(port_file) as f:
            check(f.read().strip() != old_port, "a crashed plugin is started again by itself (a new process, a new port)")

        code, _ = call("DELETE", "/api/channel-plugins/loopback", None, token)
        check(code == 204 and status() is None, "removing it takes its channel away")
        print("plugins smoke: passed")
    finally:
        daemon.stop()
        model.shutdown()



if __name__ == "__main__":
    main()
