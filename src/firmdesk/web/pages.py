"""What every area's pages share: the 404 for pages a role may not open,
errors put back on the form, downloads audited, htmx answers and redirects,
and the URL prefixes of the firm and provider spaces."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import include, path
from django.utils.http import content_disposition_header

from firmdesk.audit.services import audit_record_read
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import person_zone
from firmdesk.documents.storage import (
    Unreadable,
    open_checked,
    reason_of,
    record_unreadable,
)


def forbidden_if(condition: bool):
    """Pages a role may not open answer like pages that do not exist."""
    if condition:
        raise Http404("Not here.")


def send_document(request, scope, document, version, *, where: str, detail: dict):
    """A file as a download, its reading audited in the same breath: ``where``
    says which page it came from ("task “Call the court”"). A stored copy
    that cannot be read gives the page that says so (``stream_version``) and
    no download is recorded."""
    try:
        chunks = open_checked(version)
    except Unreadable as error:
        return unreadable_page(request, error, actor=request.user, where=where)
    with transaction.atomic():
        audit_record_read(
            org=scope.firm,
            actor=request.user,
            action="document.downloaded",
            obj=document,
            matter=document.matter,
            summary=f"Downloaded “{version.original_name}” from {where}",
            detail={**detail, "version": version.number},
        )
    return _streamed(version, chunks, as_attachment=True, actor=request.user)


def stream_version(version, *, as_attachment: bool = True, request=None):
    """A stored version as a streamed response: decrypted one verified chunk
    at a time (documents/storage.py), never held in memory whole.

    The first chunk is read and verified before the response starts, so a
    missing file, a wrong key or damage near the start gives a page that
    says so (status 500, audited as ``document.damaged``, the firm's admins
    told) instead of a broken download. Damage further on ends the download
    before the first unverified byte: the browser reports it as failed, and
    the same audit and notice are written."""
    actor = _signed_in(request)
    try:
        chunks = open_checked(version)
    except Unreadable as error:
        return unreadable_page(request, error, actor=actor, where="a download link")
    return _streamed(version, chunks, as_attachment=as_attachment, actor=actor)


def _signed_in(request):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _streamed(version, chunks, *, as_attachment: bool, actor):
    response = StreamingHttpResponse(
        _stopping_at_damage(version, chunks, actor=actor),
        content_type=version.content_type,
    )
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, version.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stopping_at_damage(version, chunks, *, actor):
    """The chunks, until one does not verify: then the damage is recorded and
    the error raised again, so the server drops the connection and the
    download fails visibly (fewer bytes than Content-Length) rather than
    ending as if complete."""
    try:
        yield from chunks
    except Exception as error:
        reason = reason_of(error)
        if reason is not None:
            record_unreadable(
                version, actor=actor, reason=reason, where="a download in progress"
            )
        raise


def unreadable_page(request, error: Unreadable, *, actor, where: str):
    """The page for a file that cannot be given out: what happened and what to
    do, in the firm's space for a signed-in member of it, else a plain page
    with only the firm's name (a share link's recipient)."""
    version = error.version
    record_unreadable(version, actor=actor, reason=error.reason, where=where)
    in_firm = request is not None and getattr(request, "scope", None) is not None
    template = (
        "web/documents/storage/unreadable.html"
        if in_firm
        else "web/documents/storage/unreadable_public.html"
    )
    context = {
        "file_name": version.original_name,
        "firm": version.firm,
        "reason": error.reason,
        "in_firm": in_firm,
    }
    return HttpResponse(
        render_to_string(template, context, request=request), status=500
    )


def apply_service_error(form, error: ServiceError):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def apply_validation_error(form, error: ValidationError):
    for field, msgs in error.message_dict.items():
        form.add_error(field if field in form.fields else None, msgs)


def see_other(url: str):
    """303: the browser follows a POST with a GET of the page."""
    response = redirect(url)
    response.status_code = 303
    return response


def wants_partial(request) -> bool:
    """An htmx update of part of the page; a history restore needs it whole."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def firm_space(patterns: list):
    """``patterns`` under ``/f/<firm_slug>/``: pages that act for one firm (the
    ScopeMiddleware resolves the Scope from ``firm_slug`` or answers 404)."""
    return path("f/<slug:firm_slug>/", include(patterns))


def provider_space(patterns: list):
    """``patterns`` under ``/p/<provider_slug>/``: a provider's own pages."""
    return path("p/<slug:provider_slug>/", include(patterns))


def viewer_zone(request, scope) -> ZoneInfo:
    """The zone a page shows times in: the viewer's own, else the firm's, else
    UTC (an unknown or empty name falls through to the next). The same zone
    ``ViewerZoneMiddleware`` activates for the whole request."""
    return person_zone(request.user, scope.firm)


# The dates a page will show or step through: wide enough for any real matter,
# far enough inside Python's own limits (years 1 to 9999) that a week, a month
# or a time zone either side never overflows.
EARLIEST_DAY, LATEST_DAY = datetime.date(1900, 1, 1), datetime.date(2199, 12, 31)


def day_in_range(day: datetime.date) -> bool:
    return EARLIEST_DAY <= day <= LATEST_DAY
