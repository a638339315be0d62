"""How a serving process is set up once Django is loaded."""

import gc

from django.core.signals import request_finished

# Young collections after 20,000 net allocations instead of 700, older ones less
# often: a queue page allocates tens of thousands of short-lived objects, and
# with the defaults the collector ran several times a request, now and then a
# full pass that cost 30–50 ms. Measured with bench/queues.py (docs/performance.md).
GC_THRESHOLDS = (20_000, 50, 100)


def collect_young(**kwargs) -> None:
    """Free what the request just served left in reference cycles (Django's
    lazy user, the request's own helpers, bound forms): a young collection of
    one request's leftovers takes well under a millisecond, where waiting for
    20,000 of them made one request in fifteen pay 10–25 ms. Connected to
    ``request_finished``, which a server sends once the response is written."""
    gc.collect(0)


def tune_gc() -> None:
    """Move everything loaded at start-up (Django, the URLconf, the apps) out of
    the collector's sight, collect less often on its own, and collect the young
    generation after each response instead. Call once, when the process is
    ready to serve."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    request_finished.connect(collect_young, dispatch_uid="firmdesk.collect_young")
