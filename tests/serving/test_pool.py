"""The shipped server (gevent workers) on PostgreSQL borrows connections from a
pool per worker: requests do not open connections of their own, the count of
PostgreSQL backends stays within workers x DB_POOL_MAX, and a request that
cannot get a connection in DB_POOL_TIMEOUT seconds gets a 503, not a hang."""

import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.db import connection

from tests.jobs.test_worker import worker_database_url as database_url
from tests.serving.test_connections import health_status

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("the pool is PostgreSQL's; run with DATABASE_URL")


def server_backends() -> set[int]:
    """The pids of the other connections to this test database: the server's."""
    with connection.cursor() as cursor:
        # Inside a transaction pg_stat_activity is read once and kept.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return {pid for (pid,) in cursor.fetchall()}


def api_status(server) -> int:
    """An API request with an unknown token of the right form: the token is
    looked up in the database, so it needs a connection, and answers 401 when
    it gets one."""
    request = urllib.request.Request(
        server.url("/api/v1/f/nowhere/matters"),
        headers={"Authorization": f"Bearer fd_{'0' * 40}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        assert error.code != 503 or error.headers["Retry-After"]
        return error.code


def test_requests_share_each_workers_pool(serve):
    server = serve(
        DATABASE_URL=database_url(),
        FIRMDESK_WORKERS="2",
        DB_POOL_MIN="1",
        DB_POOL_MAX="3",
    )
    with ThreadPoolExecutor(20) as clients:
        first = list(clients.map(lambda _: health_status(server), range(200)))
        kept = server_backends()
        second = list(clients.map(lambda _: api_status(server), range(200)))
        after = server_backends()
    assert set(first) == {200}
    assert set(second) == {401}
    # Without the pool each of these requests opened and closed a connection
    # of its own, and none was left between them.
    assert 1 <= len(kept) <= 2 * 3
    assert 1 <= len(after) <= 2 * 3
    assert kept & after, "the second round should reuse the first round's"


def test_a_request_waiting_too_long_for_a_connection_gets_503(serve):
    server = serve(
        DATABASE_URL=database_url(),
        FIRMDESK_WORKERS="1",
        DB_POOL_MIN="1",
        DB_POOL_MAX="1",
        DB_POOL_TIMEOUT="2",
    )
    assert health_status(server) == 200
    # Another session locks the table /health reads last, so a /health request
    # holds the worker's one connection until the lock goes.
    with psycopg.connect(database_url()) as locker:
        locker.execute("LOCK TABLE jobs_workerheartbeat IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(1) as client:
            stuck = client.submit(health_status, server)
            time.sleep(0.5)
            started = time.monotonic()
            assert api_status(server) == 503
            waited = time.monotonic() - started
            locker.rollback()
            assert stuck.result(timeout=30) == 200
    # The pool's timeout, not a hang nor a retry that waits as long again.
    assert 1.9 <= waited < 3.9
    assert api_status(server) == 401


def test_a_pooled_connection_the_database_dropped_is_replaced(serve):
    server = serve(DATABASE_URL=database_url(), FIRMDESK_WORKERS="1")
    assert health_status(server) == 200
    before = server_backends()
    assert before
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE pid = ANY(%s)",
            [list(before)],
        )
    deadline = time.monotonic() + 10
    while server_backends() & before and time.monotonic() < deadline:
        time.sleep(0.05)
    # The pool tests a connection before lending it (DB_CONN_HEALTH_CHECKS).
    assert health_status(server) == 200
    assert not server_backends() & before
