"""SQLite's planner statistics for indexes a migration adds.

SQLite keeps its statistics per index (the ``sqlite_stat1`` table, written by
``ANALYZE``), and an index created later has none: the planner then guesses
that it is selective and may prefer it to one it knows. On the large seed the
index of migration work 0008, made without statistics beside indexes that had
them, took the API's task list from 0.4 to 3.8 ms of SQL a request.

After every ``migrate`` each index of a table that has statistics, but that has
none itself, is analysed on its own (``ANALYZE <index>``: 0.2 s for a million
tasks). A database never analysed is left as it is: statistics for a few
indexes beside none for the rest would mislead the planner the other way.
PostgreSQL keeps statistics per column, which a new index uses at once.
"""

from django.db import connections

UNANALYSED = """
    SELECT m.name FROM sqlite_master AS m
    WHERE m.type = 'index'
      AND m.tbl_name IN (SELECT tbl FROM sqlite_stat1)
      AND m.name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)
"""


def analyse_new_indexes(using: str = "default") -> list[str]:
    """Analyse the indexes described above; returns their names."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []
        cursor.execute(UNANALYSED)
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            cursor.execute(f'ANALYZE "{name}"')
    return names


def _migrated(sender, using="default", **kwargs) -> None:
    analyse_new_indexes(using)
