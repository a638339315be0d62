"""How a serving process is set up once Django is loaded."""

import gc

# Young collections after 20,000 net allocations instead of 700, older ones less
# often: a queue page allocates tens of thousands of short-lived objects, and
# with the defaults the collector ran several times a request, now and then a
# full pass that cost 30–50 ms. Measured with bench/queues.py (docs/performance.md).
GC_THRESHOLDS = (20_000, 50, 100)


def tune_gc() -> None:
    """Move everything loaded at start-up (Django, the URLconf, the apps) out of
    the collector's sight, and collect less often. Call once, when the process
    is ready to serve."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
