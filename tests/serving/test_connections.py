"""A kept PostgreSQL connection that the server dropped (a restart, a proxy's
idle cut; here pg_terminate_backend) is replaced before a request uses it."""

import time
import urllib.error
import urllib.request

import pytest
from django.db import connection

from tests.jobs.test_worker import worker_database_url as database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def health_status(server) -> int:
    try:
        with urllib.request.urlopen(server.url("/health"), timeout=10) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def terminate_other_backends() -> int:
    """End every other connection to this test database (the server's), and
    wait until they are gone: pg_terminate_backend only asks."""
    others = (
        "FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(pg_terminate_backend(pid)) {others}")
        ended = cursor.fetchone()[0]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            # Inside a transaction pg_stat_activity is read once and kept.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(f"SELECT count(*) {others}")
            if not cursor.fetchone()[0]:
                return ended
            time.sleep(0.05)
    pytest.fail("the server's connections were still there after 10 s")


@pytest.mark.parametrize(
    ("health_checks", "after"),
    [("true", 200), ("false", 503)],
    ids=["checked-before-reuse", "unchecked-fails-once"],
)
def test_a_killed_database_connection_is_replaced_before_reuse(
    serve, health_checks, after
):
    if connection.vendor != "postgresql":
        pytest.skip("pg_terminate_backend is PostgreSQL's; run with DATABASE_URL")
    # One sync worker keeps one connection from request to request.
    server = serve(
        DATABASE_URL=database_url(),
        FIRMDESK_WORKER_CLASS="sync",
        FIRMDESK_WORKERS="1",
        DB_CONN_MAX_AGE="300",
        DB_CONN_HEALTH_CHECKS=health_checks,
    )
    assert health_status(server) == 200
    assert terminate_other_backends() >= 1
    assert health_status(server) == after
    # Either way the server is well again at the next request.
    assert health_status(server) == 200


def test_postgresql_does_not_compile_firmdesks_queries_to_machine_code(db):
    """JIT compiling cost a 90 ms query 130 ms more once the planner's estimate
    passed jit_above_cost (docs/deploy.md): FirmDesk's connections turn it off."""
    if connection.vendor != "postgresql":
        pytest.skip("JIT is PostgreSQL's; run with DATABASE_URL")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
