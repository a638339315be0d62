"""The soak's webhook receiver, on loopback: it keeps every delivery that
arrives, and records each delivery's effect once, by its ``FirmDesk-Delivery``
id, as the webhook guide tells receivers to do.

Each answer waits a little (``delay``), so a worker killed at a random moment
is often in the middle of a delivery: between the POST and the recording of
its outcome, which is where a repeat comes from.
"""

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, delay: float = 0.3) -> None:
        self.delay = delay
        self.arrivals: Counter[str] = Counter()
        self.events: dict[str, str] = {}
        self.effects: list[str] = []
        self.in_flight = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                delivery = self.headers.get("FirmDesk-Delivery", "")
                with receiver.lock:
                    receiver.in_flight += 1
                try:
                    time.sleep(receiver.delay)
                    receiver.arrive(delivery, body)
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # A worker killed mid-delivery hangs up: that is the test.
                pass

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arrive(self, delivery: str, body: bytes) -> None:
        with self.lock:
            self.arrivals[delivery] += 1
            if self.arrivals[delivery] == 1:
                # The receiver's side effect, once per delivery id.
                self.effects.append(delivery)
                try:
                    self.events[delivery] = json.loads(body).get("event", "")
                except ValueError:
                    self.events[delivery] = ""

    def busy(self) -> bool:
        with self.lock:
            return self.in_flight > 0

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
