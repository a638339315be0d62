"""The sign-in page while slow uploads trickle in, through ``firmdesk serve``.

For each worker class: p50/p95 of GET /login/ on a quiet server (the
baseline), then again while UPLOADS clients each send a 1 MB form a few bytes
every half second, and the ratio of the two. Two workers; an empty SQLite
database of its own (the page reads none). Not part of ``make test``.

    .venv/bin/python bench/slow_clients.py --classes gevent sync --uploads 12
"""

import argparse
import os
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]
TIMEOUT = 10.0


def get_seconds(port: int) -> float:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(  # noqa: S310
            f"http://127.0.0.1:{port}/login/", timeout=TIMEOUT
        ) as response:
            response.read()
    except OSError:
        return TIMEOUT
    return time.monotonic() - started


def latencies(port: int, requests: int) -> tuple[float, float]:
    """p50 and p95 in seconds; after three time-outs the rest are not waited for."""
    seconds: list[float] = []
    while len(seconds) < requests:
        if seconds.count(TIMEOUT) == 3:
            seconds += [TIMEOUT] * (requests - len(seconds))
            break
        seconds.append(get_seconds(port))
    seconds.sort()
    return statistics.median(seconds), seconds[int(0.95 * (len(seconds) - 1))]


def start(worker_class: str, folder: str) -> tuple[subprocess.Popen, int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
        "FIRMDESK_WORKERS": "2",
        "FIRMDESK_WORKER_CLASS": worker_class,
        "FIRMDESK_ACCESS_LOG": "off",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "firmdesk.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while get_seconds(port) >= TIMEOUT:
        if time.monotonic() > deadline or server.poll() is not None:
            raise SystemExit(f"{worker_class}: the server did not start")
        time.sleep(0.5)
    return server, port


def slow_uploads(port: int, count: int) -> tuple[list[socket.socket], threading.Event]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/") as response:  # noqa: S310
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    head = (
        "POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Cookie: {cookie}\r\nContent-Length: 1048576\r\n\r\nusername="
    ).encode()
    sockets = []
    for _ in range(count):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.sendall(head)
        sockets.append(sock)
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(0.5):
            for sock in sockets:
                sock.sendall(b"aaaa")

    threading.Thread(target=trickle, daemon=True).start()
    return sockets, stop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--classes", nargs="+", default=["gevent", "sync"])
    parser.add_argument("--uploads", type=int, default=12)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f}")
    print("class   | quiet p50/p95 ms | with slow uploads p50/p95 ms | p95 ratio")
    for worker_class in args.classes:
        with tempfile.TemporaryDirectory() as folder:
            server, port = start(worker_class, folder)
            try:
                quiet = latencies(port, args.requests)
                sockets, stop = slow_uploads(port, args.uploads)
                time.sleep(1)
                loaded = latencies(port, args.requests)
                stop.set()
                for sock in sockets:
                    sock.close()
            finally:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        print(
            f"{worker_class:7} | {quiet[0] * 1000:6.0f} / {quiet[1] * 1000:6.0f}"
            f"     | {loaded[0] * 1000:8.0f} / {loaded[1] * 1000:8.0f}"
            f"             | {loaded[1] / quiet[1]:.1f}x"
            + ("  (requests timed out at 10 s)" if loaded[1] >= TIMEOUT else "")
        )
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print("command: .venv/bin/python bench/slow_clients.py " + shlex.join(sys.argv[1:]))


if __name__ == "__main__":
    main()
