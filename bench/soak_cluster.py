"""The soak's own PostgreSQL: a private cluster it may restart at will.

``make soak`` kills and restarts things on purpose, PostgreSQL among them, so it
never touches a shared server: it makes a cluster of its own under
``var/soak/pg`` (``initdb``), listening on 127.0.0.1 only, on its own port
(5433 unless told). PostgreSQL refuses to run as root, so when the soak runs as
root the cluster belongs to the ``postgres`` user and every server command goes
through ``runuser -u postgres``; run as an ordinary user, the cluster is that
user's and no ``runuser`` is needed. Either way the server binaries must be
installed (Debian: ``postgresql-15``; ``--pg-bin`` names their folder).
"""

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class Cluster:
    data: Path
    port: int
    bin: Path = DEFAULT_BIN

    @property
    def log(self) -> Path:
        return self.data.parent / "postgresql.log"

    @property
    def url_base(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}"

    @property
    def user(self) -> str:
        return "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(
            command, check=check, capture_output=True, text=True, timeout=120
        )

    def ensure(self) -> None:
        """Make the cluster if it is missing, and start it if it is stopped."""
        if not (self.data / "PG_VERSION").exists():
            self.data.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.data, "postgres", "postgres")
                shutil.chown(self.data.parent, "postgres", "postgres")
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-U",
                self.user,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
            with open(self.data / "postgresql.conf", "a") as conf:
                # Loopback only; sockets in the data folder, away from the
                # system server's; fsync kept on: a restart must lose nothing.
                conf.write(
                    "\nlisten_addresses = '127.0.0.1'\n"
                    f"port = {self.port}\n"
                    f"unix_socket_directories = '{self.data}'\n"
                    "max_connections = 200\n"
                    "shared_buffers = 128MB\n"
                )
        if self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode:
            self._run(
                "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start"
            )
        self.wait_ready()

    def restart(self) -> float:
        """``pg_ctl restart -m fast``: every connection is cut. Returns seconds."""
        started = time.monotonic()
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-m",
            "fast",
            "-w",
            "restart",
        )
        self.wait_ready()
        return time.monotonic() - started

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "stop", check=False)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = self._run(
                "pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise SystemExit(f"PostgreSQL on port {self.port} did not start: {self.log}")

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            self.user,
            "-d",
            database,
            "-XAtq",
            "-v",
            "ON_ERROR_STOP=1",
            "-c",
            sql,
        ).stdout.strip()

    def exists(self, database: str) -> bool:
        return (
            self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
        )

    def copy(self, template: str, database: str) -> None:
        """A fresh ``database`` from ``template`` (a file copy: seconds)."""
        self.psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.psql(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
