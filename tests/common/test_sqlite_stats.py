"""A migration's new index gets SQLite's planner statistics (common.sqlite_stats)."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.models.signals import post_migrate

from firmdesk.common.sqlite_stats import analyse_new_indexes

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite keeps statistics per index"
)


def _table_with_rows(cursor) -> None:
    cursor.execute("CREATE TABLE stats_probe (firm INTEGER, status TEXT)")
    cursor.executemany(
        "INSERT INTO stats_probe VALUES (?, ?)",
        [(i % 7, "open" if i % 3 else "done") for i in range(300)],
    )
    cursor.execute("CREATE INDEX stats_probe_firm ON stats_probe (firm)")


def _stat(cursor, index: str):
    cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = %s", [index])
    row = cursor.fetchone()
    return row[0] if row else None


def test_an_index_made_after_analyze_gets_statistics_after_migrate(db):
    with connection.cursor() as cursor:
        _table_with_rows(cursor)
        cursor.execute("ANALYZE stats_probe")
        cursor.execute("CREATE INDEX stats_probe_status ON stats_probe (status)")
        assert _stat(cursor, "stats_probe_status") is None
        # What `migrate` sends once it has run every app's migrations.
        common = apps.get_app_config("common")
        post_migrate.send(sender=common, app_config=common, using="default")
        # 300 rows, 150 a status: what ANALYZE itself writes.
        assert _stat(cursor, "stats_probe_status") == "300 150"
        assert _stat(cursor, "stats_probe_firm") == "300 43"
    assert analyse_new_indexes() == []


def test_a_database_never_analysed_is_left_unanalysed(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is not None:
            pytest.skip("this test database has been analysed")
        _table_with_rows(cursor)
        assert analyse_new_indexes() == []
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        assert cursor.fetchone() is None
