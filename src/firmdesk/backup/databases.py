"""The database half of a backup: a consistent copy out, a whole copy back in.

SQLite is copied with its online backup API (``sqlite3.Connection.backup``),
which reads every page inside one read transaction: the copy is the database
as it was at one moment, while the site keeps running (WAL lets writers go on).
It is put back the same way, in one step under the write lock, so a restore
either lands whole or not at all.

PostgreSQL is dumped by ``pg_dump -Fc`` inside a transaction whose snapshot the
counts in the manifest are also read from, so both describe the same moment.
It is restored by ``pg_restore`` turned into one SQL script that ``psql`` runs
as one transaction, after the schema is emptied: a failure leaves the target
as it was.

Everything here talks to the database named by a ``Database`` (a Django
settings dict), never through Django's own connection, so a test or a
command can back up one database and restore into another.
"""

import contextlib
import os
import shutil
import sqlite3
import subprocess
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps

from firmdesk.common.encrypted import encrypted_fields

SQLITE = "sqlite"
POSTGRESQL = "postgresql"

# What the manifest counts, and what makes a target "not empty".
COUNTED = {
    "organisations": "SELECT COUNT(*) FROM orgs_organization",
    "firms": "SELECT COUNT(*) FROM orgs_organization WHERE kind = 'firm'",
    "users": "SELECT COUNT(*) FROM orgs_user",
    "matters": "SELECT COUNT(*) FROM matters_matter",
    "tasks": "SELECT COUNT(*) FROM work_task",
    "document_versions": "SELECT COUNT(*) FROM documents_documentversion",
    "firm_data_keys": "SELECT COUNT(*) FROM documents_firmkey",
    "audit_events": "SELECT COUNT(*) FROM audit_auditevent",
}


class DatabaseError(Exception):
    """A database step failed; the message says why in plain words."""


@dataclass(frozen=True)
class Database:
    """Which database, from a Django DATABASES entry."""

    vendor: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, entry: Mapping[str, Any]) -> "Database":
        engine = entry["ENGINE"]
        if engine.endswith("sqlite3"):
            return cls(SQLITE, str(entry["NAME"]))
        if "postgresql" in engine:
            return cls(
                POSTGRESQL,
                str(entry["NAME"]),
                str(entry.get("USER") or ""),
                str(entry.get("PASSWORD") or ""),
                str(entry.get("HOST") or ""),
                str(entry.get("PORT") or ""),
            )
        raise DatabaseError(
            f"FirmDesk backs up SQLite and PostgreSQL only, not {engine}."
        )

    @property
    def label(self) -> str:
        if self.vendor == SQLITE:
            return f"the SQLite database {self.name}"
        return f"the PostgreSQL database “{self.name}”"

    def libpq_env(self) -> dict[str, str]:
        """The environment pg_dump, pg_restore and psql read the connection
        from (no password on their command line, where `ps` would show it)."""
        env = dict(os.environ)
        for var, value in (
            ("PGHOST", self.host),
            ("PGPORT", self.port),
            ("PGUSER", self.user),
            ("PGPASSWORD", self.password),
            ("PGDATABASE", self.name),
        ):
            if value:
                env[var] = value
        return env

    @contextlib.contextmanager
    def connect(self) -> Iterator[Any]:
        connection: Any
        if self.vendor == SQLITE:
            connection = sqlite3.connect(self.name)
        else:
            import psycopg

            try:
                connection = psycopg.connect(
                    dbname=self.name,
                    user=self.user or None,
                    password=self.password or None,
                    host=self.host or None,
                    port=self.port or None,
                )
            except psycopg.OperationalError as error:
                raise DatabaseError(
                    f"Could not connect to {self.label}: {str(error).strip()}. "
                    "Check DATABASE_URL; a database that does not exist yet is "
                    f"made with `createdb {self.name}`."
                ) from error
        try:
            yield connection
        finally:
            connection.close()


# --- What a database holds ---------------------------------------------------


def _tables(cursor, vendor: str) -> set[str]:
    if vendor == SQLITE:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )
    return {row[0] for row in cursor.fetchall()}


def counts(cursor, vendor: str) -> dict[str, int]:
    """How many organisations, users, matters... (tables not there yet: 0)."""
    tables = _tables(cursor, vendor)
    found = {}
    for what, query in COUNTED.items():
        table = query.split(" FROM ")[1].split()[0]
        if table in tables:
            cursor.execute(query)
            found[what] = int(cursor.fetchone()[0])
        else:
            found[what] = 0
    return found


def migrations(cursor, vendor: str) -> list[str]:
    """The migrations applied, as "app.name", sorted."""
    if "django_migrations" not in _tables(cursor, vendor):
        return []
    cursor.execute("SELECT app, name FROM django_migrations")
    return sorted(f"{app}.{name}" for app, name in cursor.fetchall())


def master_keys_needed(cursor) -> list[str]:
    """The ids of the master keys the data needs: those wrapping the firms'
    data keys, and those the encrypted fields were sealed under
    (``fdf1:<id>:…``, common/encrypted.py)."""
    cursor.execute("SELECT DISTINCT master_key_id FROM documents_firmkey")
    needed = {row[0] for row in cursor.fetchall()}
    for model in apps.get_models():
        table = model._meta.db_table
        for field in encrypted_fields(model):
            # The id follows "fdf1:" and is 16 hex digits (masterkeys.py).
            cursor.execute(
                f'SELECT DISTINCT substr("{field.column}", 6, 16) '  # noqa: S608
                f'FROM "{table}" WHERE "{field.column}" IS NOT NULL'
            )
            needed.update(row[0] for row in cursor.fetchall())
    return sorted(needed)


@dataclass
class Facts:
    counts: dict[str, int]
    migrations: list[str]
    master_keys_needed: list[str]


def facts(cursor, vendor: str) -> Facts:
    return Facts(
        counts(cursor, vendor), migrations(cursor, vendor), master_keys_needed(cursor)
    )


def holdings(database: Database) -> dict[str, int]:
    """What the database holds now (all zero for a new or empty one)."""
    if database.vendor == SQLITE and not Path(database.name).exists():
        return dict.fromkeys(COUNTED, 0)
    with database.connect() as connection:
        return counts(connection.cursor(), database.vendor)


# The cache's marks (``access.mark``, ``insights.rollup.mark_changed``): tables
# whose every row a restore gives a new token, and the column that holds it.
CACHE_MARKS = {
    "access_accessmark": "token",
    "insights_rollupversion": "version",
}


def new_cache_marks(database: Database) -> None:
    """Give every mark the cache keys what it keeps on (a person's access, a
    firm's roll-up sums) a new token in the restored database. The backup
    brought back the tokens it was taken with, and what a cache kept under
    one of them may have been worked out from rows newer than the backup's:
    under new tokens nothing kept before the restore is read, so the cache
    needs no emptying. A table a database from an older release lacks is
    left alone (the migration that adds it makes new marks)."""
    token = uuid.uuid4().hex
    placeholder = "?" if database.vendor == SQLITE else "%s"
    with database.connect() as connection:
        tables = _tables(connection.cursor(), database.vendor)
        for table, column in CACHE_MARKS.items():
            if table in tables:
                connection.cursor().execute(
                    f"UPDATE {table} SET {column} = {placeholder}",  # noqa: S608
                    [token],
                )
        connection.commit()


# --- Copying out -------------------------------------------------------------


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise DatabaseError(
            f"{name} is not installed on this machine. Install the PostgreSQL "
            "client of the server's version (Debian: apt-get install "
            "postgresql-client-15) and run the command again."
        )
    return path


def _run(command: list[str], database: Database, what: str, **kwargs) -> None:
    done = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        command, env=database.libpq_env(), capture_output=True, **kwargs
    )
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip()
        raise DatabaseError(f"{what} failed: {detail}")


def copy_out(database: Database, into: Path) -> Facts:
    """A consistent copy of the database written to ``into``, and the facts
    (counts, migrations, master keys needed) of that same copy."""
    if database.vendor == SQLITE:
        return _sqlite_copy_out(database, into)
    return _postgres_copy_out(database, into)


def _sqlite_copy_out(database: Database, into: Path) -> Facts:
    if not Path(database.name).exists():
        raise DatabaseError(f"There is no database at {database.name}.")
    source = sqlite3.connect(f"file:{database.name}?mode=ro", uri=True)
    target = sqlite3.connect(into)
    try:
        # All pages in one step: one read transaction, so one moment.
        source.backup(target)
        # The copy is a single file: no WAL beside it in the archive.
        target.execute("PRAGMA journal_mode=DELETE")
        return facts(target.cursor(), SQLITE)
    finally:
        source.close()
        target.close()


def _postgres_copy_out(database: Database, into: Path) -> Facts:
    pg_dump = _tool("pg_dump")
    import psycopg

    with database.connect() as connection:
        # Set before the first statement, which opens the transaction: every
        # query below, and pg_dump, then read one snapshot.
        connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        cursor = connection.cursor()
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        found = facts(cursor, POSTGRESQL)
        # pg_dump reads the very snapshot the facts above were read in.
        _run(
            [pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(into)],
            database,
            "pg_dump",
        )
        connection.rollback()
    return found


# --- Copying back ------------------------------------------------------------


def check_restorable(dump: Path, vendor: str) -> None:
    """Before anything changes: the staged copy is one the tools can read."""
    if vendor == SQLITE:
        connection = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        try:
            result = connection.execute("PRAGMA quick_check").fetchone()[0]
        except sqlite3.DatabaseError as error:
            result = str(error)
        finally:
            connection.close()
        if result != "ok":
            raise DatabaseError(f"The database in the backup is damaged: {result}.")
    else:
        listing = subprocess.run(  # noqa: S603
            [_tool("pg_restore"), "--list", str(dump)], capture_output=True
        )
        if listing.returncode != 0:
            raise DatabaseError(
                "The database in the backup cannot be read by pg_restore: "
                + listing.stderr.decode(errors="replace").strip()
            )


def copy_in(database: Database, dump: Path) -> None:
    """Replace the database's contents with the copy at ``dump``, whole or
    not at all."""
    if database.vendor == SQLITE:
        _sqlite_copy_in(database, dump)
    else:
        _postgres_copy_in(database, dump)


def _sqlite_copy_in(database: Database, dump: Path) -> None:
    Path(database.name).parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
    target = sqlite3.connect(database.name, timeout=20)
    try:
        # One step under the write lock: readers see the old database or the
        # new one, never a mix.
        source.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise DatabaseError(f"Writing {database.label} failed: {error}.") from error
    finally:
        source.close()
        target.close()


def _postgres_copy_in(database: Database, dump: Path) -> None:
    # pg_restore writes the dump out as SQL, and psql replays it after
    # emptying the schema, all in ONE transaction (-1, stopping at the first
    # error): a failure rolls back to the database as it was. Streamed through
    # a pipe, so a dump of any size is never held in memory.
    script = subprocess.Popen(  # noqa: S603
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "-f", "-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _run(
            [
                _tool("psql"),
                "-X",
                "-q",
                "-1",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                "DROP SCHEMA IF EXISTS public CASCADE",
                "-c",
                "CREATE SCHEMA public",
                "-f",
                "-",
            ],
            database,
            f"Restoring into {database.label}",
            stdin=script.stdout,
        )
    finally:
        assert script.stdout is not None and script.stderr is not None
        script.stdout.close()
        problem = script.stderr.read().decode(errors="replace").strip()
        script.wait()
    if script.returncode != 0:
        raise DatabaseError(f"pg_restore could not read the dump: {problem}")
