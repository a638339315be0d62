"""The serving process hides its start-up objects from the collector and
collects less often (see docs/performance.md, "Task queues")."""

import gc
import importlib

from firmdesk.common import runtime


def test_the_wsgi_application_is_ready_to_serve_with_the_collector_tuned():
    before = gc.get_threshold()
    try:
        wsgi = importlib.reload(importlib.import_module("firmdesk.wsgi"))
        assert callable(wsgi.application)
        assert gc.get_threshold() == runtime.GC_THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # Django and every view, at least
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
