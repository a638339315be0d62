"""A real gunicorn, started with the shipped settings (``firmdesk serve``)."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
# A worker imports Django and every app before it answers: seconds on a
# quiet machine, more on a busy one.
START_SECONDS = 90


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, log_path: Path, env: dict[str, str]):
        self.port = free_port()
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "firmdesk.cli",
                "serve",
                "--bind",
                f"127.0.0.1:{self.port}",
            ],
            cwd=PROJECT_DIR,
            env={
                **os.environ,
                "FIRMDESK_TESTING": "1",
                "FIRMDESK_GRACEFUL_TIMEOUT": "2",
                "PYTHONUNBUFFERED": "1",
                **env,
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            # Its own process group: gunicorn's workers are stopped with it.
            start_new_session=True,
        )
        self._wait_until_answering()

    def _wait_until_answering(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the server stopped:\n{self.log_path.read_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), 1) as sock:
                    sock.sendall(
                        b"GET /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Connection: close\r\n\r\n"
                    )
                    if sock.recv(12).startswith(b"HTTP/1.1 200"):
                        return
            except OSError:
                pass
            time.sleep(0.3)
        pytest.fail(f"the server did not answer within {START_SECONDS} s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


@pytest.fixture
def serve(tmp_path):
    """``serve(**env)`` starts a server; every one is stopped after the test
    and its log printed (pytest shows it when the test fails)."""
    started: list[Server] = []

    def start(**env: str) -> Server:
        server = Server(tmp_path / f"server-{len(started)}.log", env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
        print(f"--- server on port {server.port} ---")
        print(server.log_path.read_text())


@pytest.fixture(scope="module")
def plain_server(tmp_path_factory):
    """One server for the tests that need no rows: two gevent workers, a 2 MB
    limit on request bodies, an empty database of its own."""
    folder = tmp_path_factory.mktemp("server")
    server = Server(
        folder / "server.log",
        {
            "DATABASE_URL": f"sqlite:///{folder / 'empty.sqlite3'}",
            "FIRMDESK_WORKERS": "2",
            "FIRMDESK_REQUEST_MAX_BYTES": str(2 * 1024 * 1024),
        },
    )
    yield server
    server.stop()
    print(server.log_path.read_text())
