"""The large seed's cost per firm: CPU seconds of the seeding process and, on
PostgreSQL, of its database backend, for ``firmdesk seed --scale large`` cut
to a few firms — this tree's code beside a baseline tree's, on the same
database, one after the other.

CPU seconds rather than seconds: the machine is shared, and the seed's wall
time depends on who else runs. The database server's own work (COPY parsing,
index upkeep, constraint checks) is on PostgreSQL's backend, so it is measured
there (/proc/<pid>/stat of the backend, same machine).

    .venv/bin/python bench/seed.py --firms 2 --baseline /work/main/src
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fd_x \\
        .venv/bin/python bench/seed.py --firms 2 --baseline /work/main/src

Each run seeds a fresh database: a copy of one migrated once (SQLite:
var/bench-seed-*.sqlite3; PostgreSQL: databases named after DATABASE_URL's
with ``_bench_seed_*``, made from a migrated template), dropped afterwards.
The template is migrated by this tree: a baseline with migrations this tree
lacks fails in its child (merge it in first).
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"


def child(firms: int) -> None:
    """Run in a process whose PYTHONPATH is the tree being measured."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firmdesk.settings")
    django.setup()
    from django.db import connection
    from rich.console import Console
    from rich.progress import Progress

    from firmdesk.demo.seed import scale_with, seed_run

    def backend_cpu() -> float:
        if connection.vendor != "postgresql":
            return 0.0
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (pid,) = cursor.fetchone()
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")

    connection.ensure_connection()
    backend, cpu, wall = backend_cpu(), time.process_time(), time.monotonic()
    with Progress(console=Console(file=open(os.devnull, "w"))) as progress:  # noqa: SIM115
        result = seed_run(
            scale=scale_with("large", firms=firms), seed=1, progress=progress
        )
    print(
        json.dumps(
            {
                "rows": result.counts.total(),
                "cpu": time.process_time() - cpu,
                "backend": backend_cpu() - backend,
                "wall": time.monotonic() - wall,
                "load": os.getloadavg(),
                # Per step: this process's CPU seconds.
                "steps": {name: cpu for name, (_, cpu) in result.timings.items()},
            }
        )
    )


def _migrate(url: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "firmdesk.cli", "migrate", "--no-input", "-v0"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src"), "DATABASE_URL": url},
        check=True,
    )


def _databases(url: str | None, count: int):
    """Fresh database URLs, and how to drop them."""
    if url and url.startswith("postgres"):
        base, name = url.rsplit("/", 1)
        template = f"{name}_bench_seed_template"
        psql = ["psql", "-X", "-q", f"{base}/postgres", "-c"]
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {template}"], check=True)
        subprocess.run([*psql, f"CREATE DATABASE {template}"], check=True)
        _migrate(f"{base}/{template}")
        urls = []
        for n in range(count):
            fresh = f"{name}_bench_seed_{n}"
            subprocess.run([*psql, f"DROP DATABASE IF EXISTS {fresh}"], check=True)
            subprocess.run(
                [*psql, f"CREATE DATABASE {fresh} TEMPLATE {template}"], check=True
            )
            urls.append(f"{base}/{fresh}")

        def drop() -> None:
            for name_ in [template, *(u.rsplit("/", 1)[1] for u in urls)]:
                subprocess.run([*psql, f"DROP DATABASE IF EXISTS {name_}"], check=True)

        return urls, drop
    template = VAR / "bench-seed-template.sqlite3"
    template.unlink(missing_ok=True)
    _migrate(f"sqlite:///{template}")
    paths = []
    for n in range(count):
        path = VAR / f"bench-seed-{n}.sqlite3"
        shutil.copy(template, path)
        paths.append(path)

    def drop_files() -> None:
        for path in [template, *paths]:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)

    return [f"sqlite:///{p}" for p in paths], drop_files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=2)
    parser.add_argument("--baseline", help="the src folder of the tree to compare with")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        # Before anything else is imported: the child runs the tree its
        # PYTHONPATH names (bench.queues would put this tree's first).
        child(args.firms)
        return
    sys.path.insert(0, str(ROOT))
    from bench.queues import command_line, machine_speed, say

    trees = [("this tree", ROOT / "src")]
    if args.baseline:
        trees.insert(0, ("baseline", Path(args.baseline)))
    urls, drop = _databases(os.environ.get("DATABASE_URL"), len(trees))
    results = {}
    try:
        for (label, src), url in zip(trees, urls, strict=True):
            out = subprocess.run(
                [sys.executable, __file__, "--child", "--firms", str(args.firms)],
                env={**os.environ, "PYTHONPATH": str(src), "DATABASE_URL": url},
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[label] = json.loads(out.strip().splitlines()[-1])
    finally:
        drop()
    say(f"firmdesk seed --scale large --firms {args.firms}, seed 1")
    say("| code | rows | CPU s | backend CPU s | rows per CPU s | ratio | s | load |")
    say("|---|---:|---:|---:|---:|---:|---:|---|")
    first = None
    for label, r in results.items():
        rate = r["rows"] / (r["cpu"] + r["backend"])
        first = first or rate
        load = " / ".join(f"{x:.1f}" for x in r["load"])
        say(
            f"| {label} | {r['rows']:,} | {r['cpu']:.1f} | {r['backend']:.1f} | "
            f"{rate:,.0f} | {rate / first:.2f} | {r['wall']:.0f} | {load} |"
        )
    say("rows per CPU s: rows over the seeding process's and the backend's CPU s")
    say("")
    say("CPU s of the seeding process per step")
    labels = list(results)
    say(f"| step | {' | '.join(labels)} |")
    say(f"|---|{'---:|' * len(labels)}")
    steps = dict.fromkeys(name for r in results.values() for name in r["steps"])
    for name in steps:
        cells = " | ".join(
            f"{r['steps'][name]:.1f}" if name in r["steps"] else "–"
            for r in results.values()
        )
        say(f"| {name} | {cells} |")
    say(machine_speed())
    say(f"  command: {command_line('bench/seed.py')}")


if __name__ == "__main__":
    main()
