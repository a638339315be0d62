"""The seed's index and foreign-key rebuild on PostgreSQL under different
session settings: on an already seeded database, inside a transaction that is
rolled back, drop what the seed drops (``seed_database.drop``) and time
``seed_database.rebuild`` with each setting, one after the other, in turns.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_x \\
        .venv/bin/python bench/seed_rebuild.py --rounds 2

Seconds are wall time (the machine is shared: read them beside the load);
backend CPU s is the leading backend's own, without its parallel workers'.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = {
    "256MB, no parallel workers": {
        "maintenance_work_mem": "256MB",
        "max_parallel_maintenance_workers": "0",
    },
    "256MB, 2 parallel workers (the server's default)": {
        "maintenance_work_mem": "256MB",
        "max_parallel_maintenance_workers": "2",
    },
    "1GB, 2 parallel workers": {
        "maintenance_work_mem": "1GB",
        "max_parallel_maintenance_workers": "2",
    },
    "1GB, no parallel workers": {
        "maintenance_work_mem": "1GB",
        "max_parallel_maintenance_workers": "0",
    },
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    from bench.queues import command_line, say
    from firmdesk.demo import seed_database
    from firmdesk.demo.seed import INDEXED_LATER

    def backend_cpu() -> float:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    say("| settings | round | indexes | foreign keys | s | backend CPU s | load |")
    say("|---|---:|---:|---:|---:|---:|---|")
    saved = dict(seed_database.REBUILD_SETTINGS)
    try:
        for n in range(1, args.rounds + 1):
            for label, settings in VARIANTS.items():
                seed_database.REBUILD_SETTINGS = settings
                with transaction.atomic():
                    deferred = seed_database.drop(connection, INDEXED_LATER)
                    cpu, wall = backend_cpu(), time.monotonic()
                    seed_database.rebuild(connection, deferred)
                    seconds, cpu = time.monotonic() - wall, backend_cpu() - cpu
                    transaction.set_rollback(True)
                load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
                say(
                    f"| {label} | {n} | {len(deferred.indexes)} | "
                    f"{len(deferred.foreign_keys)} | {seconds:.1f} | {cpu:.1f} | "
                    f"{load} |"
                )
    finally:
        seed_database.REBUILD_SETTINGS = saved
    say(f"  command: {command_line('bench/seed_rebuild.py')}")


if __name__ == "__main__":
    main()
