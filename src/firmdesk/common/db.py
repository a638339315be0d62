"""What the pages and the API do when the database goes away under a request."""

from django.db import InterfaceError, OperationalError, connections
from psycopg_pool import PoolTimeout

# A dropped connection (PostgreSQL restarted, a proxy cut it) or SQLite still
# locked after its busy timeout.
HICCUPS = (OperationalError, InterfaceError)


def close_broken_connections() -> None:
    """Drop every connection so the next query opens a fresh one."""
    for connection in connections.all(initialized_only=True):
        if connection.in_atomic_block:
            # Still inside a transaction that an outer caller owns: leave it to
            # them (this is what a test's wrapping transaction looks like).
            continue
        try:
            connection.close()
        except HICCUPS:
            connection.connection = None


def pool_exhausted(error: BaseException) -> bool:
    """Every connection of the server's pool stayed busy for DB_POOL_TIMEOUT
    seconds: trying again at once would only wait as long again."""
    return isinstance(error.__cause__, PoolTimeout)
