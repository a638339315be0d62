"""The serving process hides its start-up objects from the collector and
collects less often (see docs/performance.md, "Task queues")."""

import gc
import importlib

from django.core.signals import request_finished

from firmdesk.common import runtime


def test_the_wsgi_application_is_ready_to_serve_with_the_collector_tuned():
    before = gc.get_threshold()
    try:
        wsgi = importlib.reload(importlib.import_module("firmdesk.wsgi"))
        assert callable(wsgi.application)
        assert gc.get_threshold() == runtime.GC_THRESHOLDS
        assert gc.get_freeze_count() > 10_000  # Django and every view, at least
    finally:
        request_finished.disconnect(dispatch_uid="firmdesk.collect_young")
        gc.unfreeze()
        gc.set_threshold(*before)


def test_after_each_response_the_server_collects_what_the_request_left():
    import weakref

    from django.db import close_old_connections

    before = gc.get_threshold()
    gc.disable()
    try:
        importlib.reload(importlib.import_module("firmdesk.wsgi"))
        left = _Cyclic()
        left.me = left
        gone = weakref.ref(left)
        del left
        assert gone() is not None  # in a cycle: reference counting cannot free it
        # Only the server's receivers: Django's own would check the database
        # connection an earlier test left open, which this test may not use.
        request_finished.disconnect(close_old_connections)
        try:
            request_finished.send(sender=None)
        finally:
            request_finished.connect(close_old_connections)
        assert gone() is None
    finally:
        gc.enable()
        connected = request_finished.disconnect(dispatch_uid="firmdesk.collect_young")
        gc.unfreeze()
        gc.set_threshold(*before)
    assert connected


class _Cyclic:
    pass


def test_a_page_lets_go_of_its_data_once_drawn_without_the_cycle_collector(rf):
    """Django's page context refers to itself (RequestContext.push); the
    template backend empties it after drawing, so what the view handed over
    goes with the response, not at the collector's next pass."""
    import weakref

    from django.template import engines

    class Row:
        title = "Demand letter"

    row = Row()
    gone = weakref.ref(row)
    template = engines["django"].from_string(
        "{% for r in rows %}{{ r.title }}{% endfor %}"
    )
    gc.disable()
    try:
        html = template.render({"rows": [row]}, rf.get("/"))
        del row
        assert html == "Demand letter"
        assert gone() is None
    finally:
        gc.enable()
