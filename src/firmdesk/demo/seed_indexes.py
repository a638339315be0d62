"""PostgreSQL: the big tables' secondary indexes and foreign keys built once
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
letter for letter. SQLite is left alone (its
foreign keys are checked at commit from the indexes it keeps).
"""

from collections.abc import Sequence
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
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in deferred.indexes:
            cursor.execute(definition)
        for table, name, definition in deferred.foreign_keys:
            cursor.execute(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
