"""The database set up for the seed's one big load, and back after it.

SQLite: ``bulk_load``, a rollback journal and a large page cache while the
load runs, WAL again after it.

PostgreSQL: the big tables' secondary indexes and foreign keys built once
after the seed has written their rows, instead of row by row while it does.

Maintaining a dozen B-trees for every row copied, and queueing a deferred
foreign-key check per row and key to run one by one at commit, is most of
the database server's work in a large seed. Building an index over the
loaded table sorts it once; adding a foreign key checks every row in one
join. Both happen inside the seed's transaction, from the definitions the
database itself reports (``pg_get_indexdef``, ``pg_get_constraintdef``), so
the schema afterwards is the one the migrations made, name for name.

Primary keys and unique constraints stay: the seed's own reads and the
uniqueness of what it writes rely on them. So do partial and expression
indexes: they are few, and the database prints their conditions in another
(equivalent) form than the migration wrote, so they would not come back
letter for letter. SQLite's indexes and foreign keys are left as they are
(it checks foreign keys at commit from the indexes it keeps).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

_INDEXES = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
  AND i.indpred IS NULL AND i.indexprs IS NULL
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
ORDER BY c.relname
"""
_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
ORDER BY conrelid::regclass::text, conname
"""


# Session settings for the rebuild, set for the seed's transaction only.
# Measured on a 20-firm seed (bench/seed_rebuild.py, bench/results/seed.md):
# two parallel workers per index build (PostgreSQL's default, pinned here)
# take about a sixth off the rebuild's wall time against none; 1 GB of sort
# memory instead of 256 MB changes nothing measurable.
REBUILD_SETTINGS = {
    "maintenance_work_mem": "256MB",
    "max_parallel_maintenance_workers": "2",
}


@dataclass
class Deferred:
    """What was dropped, to be made again: (name, CREATE INDEX …) and
    (table, name, FOREIGN KEY … definition)."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


def drop(connection, models: Sequence) -> Deferred:
    """Drop the indexes and foreign keys of ``models``' tables (PostgreSQL;
    elsewhere nothing) inside the caller's transaction; ``rebuild`` makes them
    again. On an error the transaction's rollback brings them back."""
    if connection.vendor != "postgresql":
        return Deferred()
    tables = [m._meta.db_table for m in models]
    quote = connection.ops.quote_name
    deferred = Deferred()
    with connection.cursor() as cursor:
        cursor.execute(_INDEXES, [tables])
        deferred.indexes = list(cursor.fetchall())
        cursor.execute(_FOREIGN_KEYS, [tables])
        deferred.foreign_keys = list(cursor.fetchall())
        for table, name, _ in deferred.foreign_keys:
            cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
        for name, _ in deferred.indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    return deferred


def rebuild(connection, deferred: Deferred) -> None:
    if not deferred.indexes and not deferred.foreign_keys:
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Checks other tables queued are run now: a table with pending
        # trigger events cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, value in REBUILD_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
        for _, definition in deferred.indexes:
            cursor.execute(definition)
        for table, name, definition in deferred.foreign_keys:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


# SQLite's page cache while the seed writes (KiB): the indexes being filled stay
# in memory instead of being spilled and read back page by page.
SQLITE_SEED_CACHE_KIB = 1024 * 1024


@contextmanager
def bulk_load(connection) -> Iterator[None]:
    """SQLite settings for a one-off load in one transaction, undone after it.

    In WAL mode a transaction larger than the page cache appends every page it
    spills to the WAL, again each time the page changes, and the commit copies
    the whole WAL back into the file: the load is written two or more times.
    With a rollback journal, pages added to the file need no journal, so the
    load is written once; the file is switched back to WAL when it commits
    (or rolls back), so it is a normal WAL database afterwards. Not inside a
    caller's transaction (a test's), where the journal mode cannot change.
    """
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        (mode,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size")
        (cache_size,) = cursor.fetchone()
        cursor.execute("PRAGMA journal_mode=DELETE")
        cursor.execute(f"PRAGMA cache_size=-{SQLITE_SEED_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size={int(cache_size)}")
            cursor.execute(f"PRAGMA journal_mode={mode}")


def analyze(connection) -> None:
    """Planner statistics for everything just loaded. Without them PostgreSQL
    plans the first pages against empty estimates until autovacuum comes by:
    on the large seed the calendar week's attendee query hash-joined every
    contact: the page's queries took 549 ms a request, about 20 ms once
    analysed (bench/results/bench.md).
    Inside the seed's transaction, so the statistics count its rows."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vacuum(connection) -> None:
    """On PostgreSQL, mark every page just loaded as visible to all (VACUUM),
    after the seed's transaction: the visibility map lets an index-only scan
    answer from the index without reading the table. Autovacuum does it on a
    server in service, but only some time after a bulk load, and not at all
    where it is off (this machine's CI server has it off). Without it the team
    queue's keys for an assistant of 11 firms read 2,400 table pages: 9 ms of
    SQL instead of 4 (docs/performance.md). 5 s in a quiet large seed. Not
    inside a caller's transaction (a test's), where PostgreSQL refuses it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
