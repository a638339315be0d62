"""`firmdesk run` serves, and stops everything it started when told to stop."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
def test_run_loads_the_demo_serves_and_stops_cleanly(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FIRMDESK_VAR"] = str(tmp_path)
    log = tmp_path / "run.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "firmdesk.cli",
                "run",
                "--no-worker",
                "--addr",
                f"127.0.0.1:{port}",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            # Migrating, collecting static files and loading the demo take
            # about 50 s on a quiet machine and passed 90 s in a CI run whose
            # two workers shared the cores with a long seed: the deadline only
            # catches a hang.
            deadline = time.monotonic() + 300
            while not port_open(port):
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.2)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/") as r:
                assert r.status == 200
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=20) == 0, log.read_text()
        finally:
            if proc.poll() is None:
                proc.kill()
    output = log.read_text()
    assert f"FirmDesk is running on http://127.0.0.1:{port}" in output
    assert "assistant@northstar.example" in output
    assert not port_open(port)
