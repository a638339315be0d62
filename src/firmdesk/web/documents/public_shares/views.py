"""The page a share link opens and its download, for someone outside FirmDesk.

Nobody signs in: the secret token in the address is the key, and it is all
these pages know (no firm slug, so the ScopeMiddleware leaves them alone).
An unknown or malformed token answers 404, a link that no longer works 410,
both with the same plain page that names no firm.

A download is always a POST from the page's button, never a GET: mail
scanners and link previews open every address in a message, and each of
their visits would use up one of the link's downloads. A passcode typed on
the page is remembered in the visitor's session for that link only, for
``UNLOCK_FOR``; a download without it goes back to the page.

Every answer here carries ``Referrer-Policy: strict-origin`` (the token is in
the address: a Referer names the site, never the path; ``no-referrer`` would
make Chromium send ``Origin: null`` with the page's own forms, which Django's
CSRF check refuses), ``Cache-Control: no-store`` and ``X-Robots-Tag: noindex``, and
none is written to Django's request log (whose 4xx lines give the path, and
so the token).
"""

import datetime as dt
import functools
import time

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from firmdesk.common import times
from firmdesk.documents import sharing
from firmdesk.documents.validation import human_size
from firmdesk.web.pages import see_other, stream_version

UNLOCKED = "shares_unlocked"
UNLOCK_FOR = dt.timedelta(minutes=15)
PUBLIC_HEADERS = {
    "Referrer-Policy": "strict-origin",
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex",
}


def public_share_page(view):
    """Open to anyone, with the headers above on every answer."""

    @login_not_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        for header, value in PUBLIC_HEADERS.items():
            response[header] = value
        # Django logs every 4xx answer with its path ("Not Found: /s/<token>/");
        # marking it logged keeps the token out of the log.
        response._has_been_logged = True
        return response

    return wrapped


def _gone(request, *, status: int):
    return render(request, "web/documents/public_shares/gone.html", status=status)


def _unlocked(request, link) -> bool:
    until = request.session.get(UNLOCKED, {}).get(str(link.public_id))
    return until is not None and until > time.time()


def _unlock(request, link) -> None:
    now = time.time()
    kept = {
        key: until
        for key, until in request.session.get(UNLOCKED, {}).items()
        if until > now
    }
    kept[str(link.public_id)] = now + UNLOCK_FOR.total_seconds()
    request.session[UNLOCKED] = kept


def _page(request, link, *, check=None, status=200):
    needs_passcode = bool(link.passcode_hash) and not _unlocked(request, link)
    locked_until = None
    if check is not None:
        locked_until = check.locked_until
    elif needs_passcode:
        locked_until = sharing.locked_until(link)
    version = link.version
    context = {
        "firm": link.firm,
        "file_name": version.original_name,
        "file_size": human_size(version.size),
        "expires_at": link.expires_at,
        "downloads_left": sharing.downloads_left(link),
        "needs_passcode": needs_passcode,
        "check": check,
        "locked_until": locked_until,
        "token": request.resolver_match.kwargs["token"],
    }
    # The visitor's zone is unknown: times in the firm's, with its label.
    with timezone.override(times.zone_named(link.firm.time_zone)):
        response = render(
            request,
            "web/documents/public_shares/share_page.html",
            context,
            status=status,
        )
    if locked_until is not None and status == 429:
        response["Retry-After"] = str(
            max(1, int((locked_until - timezone.now()).total_seconds()))
        )
    return response


@public_share_page
@require_http_methods(["GET", "HEAD", "POST"])
def share_page(request, token):
    link = sharing.link_by_token(token)
    if link is None:
        return _gone(request, status=404)
    visitor = sharing.Visitor.of(request)
    if request.method == "POST":
        check = sharing.share_check_passcode(
            link, request.POST.get("passcode", ""), visitor=visitor
        )
        if check.refused:
            return _gone(request, status=410)
        if check.ok:
            _unlock(request, link)
            return see_other(request.path)
        return _page(
            request, link, check=check, status=429 if check.locked_until else 200
        )
    if sharing.share_visit(link, visitor=visitor):
        return _gone(request, status=410)
    return _page(request, link)


@public_share_page
@require_http_methods(["GET", "HEAD", "POST"])
def share_download(request, token):
    link = sharing.link_by_token(token)
    if link is None:
        return _gone(request, status=404)
    page = reverse("shared:share_page", args=[token])
    if request.method != "POST":
        return see_other(page)
    visitor = sharing.Visitor.of(request)
    if (
        link.passcode_hash
        and not _unlocked(request, link)
        and not sharing.refusal(link)
    ):
        sharing.share_refuse_without_passcode(link, visitor=visitor)
        return see_other(page)
    if sharing.share_download(link, visitor=visitor):
        return _gone(request, status=410)
    return stream_version(link.version)
