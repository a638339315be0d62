"""Starting gunicorn for a benchmark: a free port, the server on it, waiting
until a page answers. Used by bench/intake.py and bench/queues.py --http."""

import http.client
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    env: dict,
    port: int,
    workers: int,
    log,
    *,
    ready_path: str,
    log_path: Path,
    config: str | None = None,
) -> subprocess.Popen:
    """gunicorn serving firmdesk.wsgi on 127.0.0.1:``port`` with ``workers``
    sync workers and ``env``, writing to ``log``; returns once ``ready_path``
    answers 200 (exits the benchmark if it never does). ``config``: a gunicorn
    configuration file whose workers (count and class) are used instead."""
    workers_or_config = ["--config", config] if config else ["--workers", str(workers)]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "firmdesk.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            *workers_or_config,
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log_path}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", ready_path)
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not answer within 60 s; see {log_path}")
