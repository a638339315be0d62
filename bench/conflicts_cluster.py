"""A private PostgreSQL with the settings docs/conflicts.md gives large firms.

``bench/conflicts.py`` times the conflict search on whatever server
DATABASE_URL names; to time it with the documented settings without touching a
shared server, this makes a cluster of its own (``bench/soak_cluster.py``:
``initdb`` under ``var/conflicts-pg``, 127.0.0.1 only, port 5434 unless told),
writes the settings below into it and (re)starts it:

    .venv/bin/python bench/conflicts_cluster.py start      # prints DATABASE_URL
    DATABASE_URL=postgres://postgres@127.0.0.1:5434/fd_conflicts \\
        .venv/bin/python bench/conflicts.py --parties 1000000
    .venv/bin/python bench/conflicts_cluster.py remove     # stop, delete its data

The settings are those of docs/conflicts.md for a database server with 8 GB of
memory that runs nothing else.
"""

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from soak_cluster import Cluster  # noqa: E402

SETTINGS = {
    "shared_buffers": "2GB",
    "effective_cache_size": "6GB",
    "work_mem": "32MB",
    "random_page_cost": "1.1",
    "maintenance_work_mem": "1GB",
    "max_wal_size": "4GB",
}
MARK = "# bench/conflicts_cluster.py\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "remove"])
    parser.add_argument("--port", type=int, default=5434)
    parser.add_argument("--data", type=Path, default=ROOT / "var/conflicts-pg/data")
    args = parser.parse_args()
    cluster = Cluster(data=args.data.resolve(), port=args.port)
    if args.action == "start":
        cluster.ensure()
        conf = cluster.data / "postgresql.conf"
        if MARK not in conf.read_text():
            with open(conf, "a") as out:
                out.write("\n" + MARK)
                out.writelines(f"{k} = '{v}'\n" for k, v in SETTINGS.items())
            cluster.restart()
        print(f"DATABASE_URL={cluster.url_base}/fd_conflicts")
    else:
        cluster.stop()
        if args.action == "remove":
            shutil.rmtree(cluster.data.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
