"""The queries of a request and the time spent in them, for the in-process
benchmarks (``bench/profile_pages.py``, ``bench/api_lists.py``):

    clock = SqlClock()
    with connection.execute_wrapper(clock):
        client.get(path)
    clock.queries, clock.seconds
"""

import time


class SqlClock:
    """Counts the queries it wraps and the wall seconds they took."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1
