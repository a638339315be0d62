"""A firm with matters, tasks, an audit chain, encrypted documents and an
encrypted contact detail, committed (a backup reads the database from its own
connection, as it does in production), and a second, separate database to
restore into: a file beside the test database on SQLite, a database of its own
on PostgreSQL."""

import base64
import hashlib
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.db import connection

import firmdesk
from firmdesk.backup.databases import Database
from firmdesk.backup.services import Site
from firmdesk.documents import crypto
from firmdesk.documents.services import document_upload
from firmdesk.matters.models import Contact
from tests import factories as f
from tests.documents.helpers import upload

KEY = base64.b64encode(b"k" * 32).decode()
OTHER_KEY = base64.b64encode(b"o" * 32).decode()
SSN = "123-45-6789"
# Over two 64 KiB frames, and a marker that must never be found on disk.
SECRET = b"SETTLEMENT-TERMS-LOPEZ-V-ACME " * 5000


@dataclass
class Source:
    site: Site
    # Each version's public id -> SHA-256 of the bytes uploaded.
    documents: dict[str, str]
    contact: str


@pytest.fixture
def source(transactional_db, firm, attorney, matter, settings, tmp_path):
    settings.FIRMDESK_MASTER_KEY = KEY
    settings.MEDIA_ROOT = tmp_path / "media"
    crypto.forget_opened_keys()
    f.task(firm, matter=matter, title="File the answer")
    contact = Contact.unscoped.create(
        firm=firm, kind="person", name="Maria Lopez", tax_id_kind="ssn", tax_id=SSN
    )
    documents = {}
    for name, content in (
        ("Settlement.pdf", b"%PDF-1.7\n" + SECRET),
        ("note.txt", b"Call the clerk on Monday.\n"),
    ):
        document = document_upload(
            firm=firm, actor=attorney, uploaded_file=upload(name, content)
        )
        version = document.current_version
        documents[str(version.public_id)] = hashlib.sha256(content).hexdigest()
    site = Site(
        Database.from_settings(connection.settings_dict),
        settings.MEDIA_ROOT,
        KEY,
        tmp_path / "unused.keys",
    )
    yield Source(site, documents, str(contact.public_id))
    crypto.forget_opened_keys()


@dataclass
class Target:
    site: Site
    var: Path
    url: str

    def fingerprint(self) -> tuple:
        """Everything a restore could change: the database's tables and rows
        (a marker table in a fresh target), the files and the key file."""
        with self.site.database.connect() as db:
            cursor = db.cursor()
            if self.site.database.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master ORDER BY name")
            else:
                cursor.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "ORDER BY tablename"
                )
            tables = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT note FROM marker")
            notes = cursor.fetchall()
        files = sorted(
            (str(p.relative_to(self.var)), p.read_bytes())
            for p in self.var.rglob("*")
            if p.is_file()
            and p.suffix not in (".sqlite3-wal", ".sqlite3-shm")
            and p.name != "restored.sqlite3"
        )
        return tables, notes, files


@pytest.fixture
def target(source, tmp_path):
    """An empty FirmDesk elsewhere: its own database (holding only a marker
    table, which a restore would remove), documents folder and key file
    (absent until a restore writes it)."""
    var = tmp_path / "restored-var"
    var.mkdir()
    ours = source.site.database
    if ours.vendor == "sqlite":
        database = Database("sqlite", str(var / "restored.sqlite3"))
        sqlite3.connect(database.name).close()
        url = f"sqlite:///{database.name}"
        drop = None
    else:
        import psycopg

        name = f"{ours.name}_restored"[:63]
        admin = psycopg.connect(
            dbname="postgres",
            user=ours.user or None,
            password=ours.password or None,
            host=ours.host or None,
            port=ours.port or None,
            autocommit=True,
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        database = Database(
            "postgresql", name, ours.user, ours.password, ours.host, ours.port
        )
        auth = f"{ours.user}:{ours.password}@" if ours.password else f"{ours.user}@"
        url = f"postgres://{auth}{ours.host}:{ours.port or 5432}/{name}"

        def drop():
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.close()

    with database.connect() as db:
        db.execute("CREATE TABLE marker (note text)")
        db.execute("INSERT INTO marker VALUES ('before the restore')")
        db.commit()
    site = Site(database, var / "media", "", var / "keys" / "master.keys")
    yield Target(site, var, url)
    if drop:
        drop()


def firmdesk_in(
    target: Target, *args: str, code: str = ""
) -> subprocess.CompletedProcess:
    """Run `firmdesk ARGS` (or python CODE after django.setup()) as the
    restored site would: its DATABASE_URL, its var/ and its key file."""
    env = {
        **os.environ,
        "DATABASE_URL": target.url,
        "FIRMDESK_VAR": str(target.var),
        "FIRMDESK_MASTER_KEY": "",
        "PYTHONPATH": str(Path(firmdesk.__file__).parents[1]),
        "DJANGO_SETTINGS_MODULE": "firmdesk.settings",
    }
    if code:
        command = [sys.executable, "-c", "import django; django.setup()\n" + code]
    else:
        command = [sys.executable, "-m", "firmdesk.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
