#!/usr/bin/env python3
"""Drives the published binary as a Telegram bot end to end, with a fake Bot API and a fake OpenAI
upstream on loopback: a stranger gets a pairing code and reaches nothing, the owner approves it with
the binary's own `pairing approve`, then a message is answered through sendMessage (HTML) and stored.

Usage: scripts/smoke_telegram.py BINARY   (standard library only; called by .ci/run)
"""
import http.server, json, os, re, subprocess, sys, threading, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from smoke_kit import Daemon, check, chunk, read_json, send_sse, serve, url

TOKEN = "123456789:AAHsmoke-token-for-the-native-binary"
UPDATES = []          # queued updates, kept until a later offset confirms them
SENT = []             # (method, body) of every send and edit
MODEL_REQUESTS = []
LOCK = threading.Condition()


class Bot(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = read_json(self)
        prefix, _, method = self.path.strip("/").partition("/")
        if prefix != "bot" + TOKEN:
            return self.answer({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        if method == "getMe":
            return self.answer({"ok": True, "result": {"id": 1, "is_bot": True, "first_name": "Smoke", "username": "smoke_bot"}})
        if method == "getUpdates":
            deadline = time.time() + 1
            with LOCK:
                UPDATES[:] = [u for u in UPDATES if u["update_id"] >= body.get("offset", 0)]
                while not UPDATES and time.time() < deadline:
                    LOCK.wait(deadline - time.time())
                result = list(UPDATES)
            return self.answer({"ok": True, "result": result})
        with LOCK:
            SENT.append((method, body))
            LOCK.notify_all()
        result = {"message_id": len(SENT), "chat": {"id": 1, "type": "private"}, "date": 1, "text": body.get("text", "")}
        return self.answer({"ok": True, "result": result if method == "sendMessage" else True})

    def answer(self, payload, status=200):
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args):
        pass


class Model(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        MODEL_REQUESTS.append(read_json(self))
        send_sse(self, [chunk({"role": "assistant", "content": "**4**, of course"}, finish="stop"), chunk(usage=(10, 3))])

    def log_message(self, *args):
        pass


def message(update_id, text):
    return {"update_id": update_id, "message": {"message_id": update_id, "date": 1, "text": text,
            "from": {"id": 555, "is_bot": False, "first_name": "Ann", "username": "ann"}, "chat": {"id": 555, "type": "private"}}}


def wait_for(condition, what, seconds=20):
    deadline = time.time() + seconds
    with LOCK:
        while not condition() and time.time() < deadline:
            LOCK.wait(0.1)
        check(condition(), what)


def main():
    bot, model = serve(Bot, quiet=True), serve(Model, quiet=True)
    daemon = Daemon(sys.argv[1], "openmotoko-telegram-smoke-", url(model),
                    env=dict(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=url(bot)))
    binary, data, env, call = daemon.binary, daemon.data, daemon.env, daemon.call

    try:
        token = daemon.login()
        call("PUT", "/api/settings", {"defaultModel": "openai/gpt-4o-mini", "app.timezone": "UTC"}, token)
        for _ in range(100):
            _, channels = call("GET", "/api/channels", None, token)
            if channels[0]["status"] == "running":
                break
            time.sleep(0.1)
        check(channels[0]["id"] == "telegram" and channels[0]["status"] == "running", "telegram is running from TELEGRAM_BOT_TOKEN")
        check(TOKEN not in json.dumps(channels), "the bot token is masked")

        with LOCK:
            UPDATES.append(message(10, "hello bot"))
            LOCK.notify_all()
        wait_for(lambda: any("pairing code" in b.get("text", "") for _, b in SENT), "a stranger gets a pairing code")
        code = re.search(r"pairing code is (\d{6})", SENT[-1][1]["text"]).group(1)
        time.sleep(0.3)
        check(not MODEL_REQUESTS, "nothing from the stranger reached the model")

        approved = subprocess.run([binary, "pairing", "approve", code, "--data-dir", data], env=env, capture_output=True, text=True, timeout=30)
        check(approved.returncode == 0 and "@ann" in approved.stdout, "openmotoko pairing approve CODE approves the sender")

        with LOCK:
            UPDATES.append(message(11, "What is 2+2?"))
            LOCK.notify_all()
        wait_for(lambda: any(b.get("text") == "<b>4</b>, of course" and b.get("parse_mode") == "HTML" for _, b in SENT),
                 "the answer arrives as Telegram HTML")
        check(len(MODEL_REQUESTS) == 1, "the approved message reached the model once")
        check(any(m == "sendChatAction" for m, _ in SENT), "a typing indicator was shown")
        _, conversations = call("GET", "/api/conversations", None, token)
        conversation = conversations["items"][0]
        _, stored = call("GET", f"/api/conversations/{conversation['id']}", None, token)
        check(conversation["channelId"] == "telegram" and stored["messages"][-1]["content"] == "**4**, of course",
              "the reply is stored in the chat's conversation")
        print("telegram smoke: passed")
    finally:
        daemon.stop()
        bot.shutdown()
        model.shutdown()


if __name__ == "__main__":
    main()
