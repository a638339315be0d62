"""What every area's pages share: the 404 for pages a role may not open,
errors put back on the form, downloads audited, htmx answers and redirects,
and the URL prefixes of the firm and provider spaces."""

import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.http import content_disposition_header

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import person_zone
from firmdesk.documents.storage import open_plaintext


def forbidden_if(condition: bool):
    """Pages a role may not open answer like pages that do not exist."""
    if condition:
        raise Http404("Not here.")


def send_document(request, scope, document, version, *, where: str, detail: dict):
    """A file as a download, its reading audited in the same breath: ``where``
    says which page it came from ("task “Call the court”")."""
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=request.user,
            action="document.downloaded",
            obj=document,
            matter=document.matter,
            summary=f"Downloaded “{version.original_name}” from {where}",
            detail={**detail, "version": version.number},
        )
    return stream_version(version)


def stream_version(version, *, as_attachment: bool = True):
    """A stored version as a streamed response: decrypted one verified chunk
    at a time (documents/storage.py), never held in memory whole."""
    response = StreamingHttpResponse(
        open_plaintext(version), content_type=version.content_type
    )
    response["Content-Length"] = str(version.size)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment, version.original_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
