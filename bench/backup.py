"""How long `firmdesk backup` and `firmdesk restore` take on a large database,
beside the plain copy an administrator would otherwise make (issue 22, item 5).

    .venv/bin/python bench/backup.py --source sqlite:////work/seed/large.sqlite3
    .venv/bin/python bench/backup.py --source postgres://postgres@127.0.0.1/fd_large \\
        --target postgres://postgres@127.0.0.1/fd_backup_bench

Baselines: SQLite, `tar -cf` of the database file and the documents folder
and `tar -xf` of it (not consistent while the site runs, which FirmDesk's
copy is, and nothing checked on the way back); PostgreSQL, `pg_dump -Fc`
alone and `pg_restore --single-transaction` alone into an empty database.
The source is only read.
The target is replaced (a scratch database: never name a real one); the
backup file goes to --work (a scratch folder, removed afterwards).
--media names a documents folder to include (default: an empty one).
"""

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")

import dj_database_url  # noqa: E402
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from firmdesk.backup.databases import Database  # noqa: E402
from firmdesk.backup.services import (  # noqa: E402
    Site,
    backup_create,
    backup_restore,
    size_text,
)


def _site(url: str, media: Path) -> Site:
    return Site(
        Database.from_settings(dj_database_url.parse(url)),
        media,
        settings.FIRMDESK_MASTER_KEY,
        Path(settings.FIRMDESK_MASTER_KEY_FILE),
    )


def _timed(action) -> float:
    started = time.monotonic()
    action()
    return time.monotonic() - started


def _recreate(database: Database) -> None:
    env = database.libpq_env()
    env["PGDATABASE"] = "postgres"
    for sql in (
        f'DROP DATABASE IF EXISTS "{database.name}" WITH (FORCE)',
        f'CREATE DATABASE "{database.name}"',
    ):
        subprocess.run(["psql", "-X", "-qc", sql], env=env, check=True)  # noqa: S603,S607


def _tar(*args: str) -> None:
    subprocess.run(["tar", *args], check=True)  # noqa: S603,S607


def _plain_parts(site: Site) -> list[str]:
    """tar arguments for the database file and the documents folder."""
    database = Path(site.database.name)
    parts = ["-C", str(database.parent), database.name]
    if site.files_root and site.files_root.exists():
        parts += ["-C", str(site.files_root.parent), site.files_root.name]
    return parts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True, help="database URL, read only")
    parser.add_argument("--target", help="scratch database URL (replaced)")
    parser.add_argument("--media", type=Path, help="documents folder to include")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-backup-", dir=args.work))
    try:
        source = _site(args.source, args.media or work / "no-media")
        vendor = source.database.vendor
        target_url = args.target or f"sqlite:///{work / 'restored.sqlite3'}"
        target = _site(target_url, work / "restored-media")
        if target.database.name == source.database.name:
            raise SystemExit("--target must not be the source.")
        archive = work / "backup.tar"
        plain = str(work / "plain.tar")
        rows = []

        made = {}
        seconds = _timed(
            lambda: made.update(
                report=backup_create(archive, site=source, include_master_keys=False)
            )
        )
        report = made["report"]
        if vendor == "sqlite":
            baseline = _timed(lambda: _tar("-cf", plain, *_plain_parts(source)))
            base_name = "tar -cf of the database file and the documents folder"
        else:
            baseline = _timed(
                lambda: subprocess.run(  # noqa: S603
                    ["pg_dump", "-Fc", "-f", str(work / "plain.pgdump")],  # noqa: S607
                    env=source.database.libpq_env(),
                    check=True,
                )
            )
            base_name = "pg_dump -Fc alone"
        rows.append(("backup", seconds, base_name, baseline))

        if vendor == "postgresql":
            _recreate(target.database)
            baseline = _timed(
                lambda: subprocess.run(  # noqa: S603
                    [  # noqa: S607
                        "pg_restore",
                        "--no-owner",
                        "--single-transaction",
                        "-d",
                        target.database.name,
                        str(work / "plain.pgdump"),
                    ],
                    env=target.database.libpq_env(),
                    check=True,
                )
            )
            base_name = "pg_restore --single-transaction alone"
            _recreate(target.database)
        else:
            unpacked = work / "unpacked"
            unpacked.mkdir()
            baseline = _timed(lambda: _tar("-xf", plain, "-C", str(unpacked)))
            base_name = "tar -xf of the same"
        seconds = _timed(lambda: backup_restore(archive, site=target, force=True))
        rows.append(("restore", seconds, base_name, baseline))

        load = os.getloadavg()
        print(
            f"Source: {source.database.label}: "
            + ", ".join(
                f"{n:,} {k.replace('_', ' ')}" for k, n in report.counts.items()
            )
        )
        print(
            f"Backup file: {size_text(report.size)} (database "
            f"{size_text(report.database_bytes)}, {report.files:,} document files "
            f"{size_text(report.files_bytes)})"
        )
        print(
            f"{'step':<8} {'FirmDesk':>10} {'baseline':>10} {'ratio':>6}  baseline is"
        )
        for step, ours, name, theirs in rows:
            ratio = ours / theirs
            print(f"{step:<8} {ours:>9.1f}s {theirs:>9.1f}s {ratio:>5.2f}x  {name}")
        print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
        print("command: .venv/bin/python bench/backup.py " + shlex.join(sys.argv[1:]))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
