"""When the database hiccups, nothing typed is lost (issue 16, item 10).

A dropped connection (PostgreSQL restarted, a proxy cut it) or SQLite still
locked after its busy timeout raises ``OperationalError`` or
``InterfaceError`` somewhere inside a view. ``ATOMIC_REQUESTS`` is off, so
each service commits its own transaction; what is safe to do again depends
on whether anything was written before the failure:

- nothing written yet (every GET that only reads, and a POST that failed in
  its first transaction, which the database rolled back): close the broken
  connection and run the view once more;
- otherwise, or when the second run fails too: answer 503 with a page that
  says what happened in plain words and, for a form, gives back every field
  the person sent, in a form that posts to the same address.

The page is drawn without the database (no shell, no user menu), since the
database is what just failed.
"""

import logging
import sys

from django.db import connections
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.views.defaults import server_error as plain_server_error

from firmdesk.common.db import HICCUPS, close_broken_connections, pool_exhausted

log = logging.getLogger(__name__)

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
WRITES = frozenset(
    ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP", "TRUNCATE")
)
# Never sent back into a page: the password of a failed sign-in, and the
# token the page's own form carries anyway.
NOT_ECHOED = ("password", "csrfmiddlewaretoken")


class _WriteWatch:
    """Remembers whether a statement that changes data has run."""

    def __init__(self):
        self.wrote = False

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not self.wrote and sql.lstrip()[:8].split(" ", 1)[0].upper() in WRITES:
            self.wrote = True
        return result


def _entries(request) -> list[dict]:
    entries = []
    for name in request.POST:
        if any(word in name.lower() for word in NOT_ECHOED):
            continue
        for value in request.POST.getlist(name):
            entries.append(
                {
                    "name": name,
                    "label": name.replace("_", " ").replace("-", " ").capitalize(),
                    "value": value,
                    "long": "\n" in value or len(value) > 80,
                }
            )
    return entries


def hiccup_page(request, *, wrote: bool):
    """503 with what happened and, for a form, everything the person sent."""
    is_form = request.method not in SAFE_METHODS
    # Drawn without the request's context processors: they read the database.
    page = render_to_string(
        "web/db_hiccup.html",
        {
            "is_form": is_form,
            "wrote": wrote,
            "entries": _entries(request) if is_form else [],
            "had_files": bool(request.FILES) if is_form else False,
            "action": request.get_full_path(),
            "csrf_token": get_token(request),
        },
    )
    response = HttpResponse(page, status=503)
    response["Retry-After"] = "2"
    return response


class DatabaseHiccupMiddleware:
    """Retry a view once where that is safe; otherwise keep what was typed."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        watch = _WriteWatch()
        request._db_write_watch = watch
        with connections["default"].execute_wrapper(watch):
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, HICCUPS):
            return None
        watch = getattr(request, "_db_write_watch", None)
        wrote = watch is not None and watch.wrote
        log.warning(
            "database hiccup on %s %s (written before it: %s): %s",
            request.method,
            request.path,
            wrote,
            exception,
        )
        close_broken_connections()
        match = request.resolver_match
        if wrote or match is None or pool_exhausted(exception):
            return hiccup_page(request, wrote=wrote)
        try:
            return match.func(request, *match.args, **match.kwargs)
        except HICCUPS as again:
            log.warning("database hiccup again on %s: %s", request.path, again)
            close_broken_connections()
            return hiccup_page(request, wrote=watch is not None and watch.wrote)


def server_error(request):
    """Django's 500 handler, except for a database hiccup met outside a view
    (in a middleware before it): that gets the hiccup page, entries and all."""
    error = sys.exc_info()[1]
    if isinstance(error, HICCUPS):
        close_broken_connections()
        try:
            watch = getattr(request, "_db_write_watch", None)
            return hiccup_page(request, wrote=watch is not None and watch.wrote)
        except Exception:  # the page must not fail in turn: fall back below
            log.exception("the database hiccup page failed")
    return plain_server_error(request)
