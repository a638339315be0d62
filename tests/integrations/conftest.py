"""Shared pieces of the webhook tests: endpoints made through the service, and
a real receiver on 127.0.0.1 that checks signatures the way the docs tell a
firm's IT person to."""

import hashlib
import hmac
import http.server
import json
import threading
import time

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.integrations import webhooks


def make_endpoint(firm_admin, firm, events, url="http://127.0.0.1:9/hook"):
    endpoint, secret = webhooks.endpoint_create(
        scope=resolve_scope(firm_admin, firm),
        url=url,
        description="Zapier",
        events=events,
    )
    return endpoint, secret


def verify(secret: str, header: str, body: bytes, *, tolerance=300) -> bool:
    """What a receiver does: HMAC-SHA256 over "<t>.<body>", compared in
    constant time, and the timestamp recent."""
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(
        secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    fresh = abs(time.time() - int(parts["t"])) < tolerance
    return fresh and hmac.compare_digest(expected, parts["v1"])


class Receiver:
    """An HTTP server in a thread. ``answers`` is the list of status codes to
    give, in order (the last repeats); with ``hold`` the first request is
    recorded and then left unanswered until ``release()``."""

    def __init__(self):
        self.secret = ""
        self.answers = [200]
        self.received = []  # (delivery id, event, signature ok, payload)
        self.hold = False
        self.holding = threading.Event()
        self._release = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    receiver.received.append(
                        (
                            self.headers["FirmDesk-Delivery"],
                            self.headers["FirmDesk-Event"],
                            verify(
                                receiver.secret,
                                self.headers["FirmDesk-Signature"],
                                body,
                            ),
                            json.loads(body),
                        )
                    )
                    count = len(receiver.received)
                    held = receiver.hold and not receiver.holding.is_set()
                    if held:
                        receiver.holding.set()
                if held:
                    # The sender is killed meanwhile: it never hears an answer.
                    receiver._release.wait(30)
                    return
                code = receiver.answers[min(count, len(receiver.answers)) - 1]
                answer = json.dumps({"ok": code < 300}).encode()
                self.send_response(code)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/firmdesk"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def release(self):
        self._release.set()

    def ids(self):
        with self._lock:
            return [r[0] for r in self.received]

    def stop(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.stop()
