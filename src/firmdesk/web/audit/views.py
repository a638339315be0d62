"""The firm's audit trail: filtered, paged, and exported as CSV.

Firm admins only. The CSV asks for the password again (``@sensitive``), is
itself recorded as ``audit.exported`` with the filters used, and is streamed
in chunks so a trail of a million events never sits in memory."""

import csv

from django.core.paginator import Paginator
from django.db import transaction
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.times import zone_named
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.pages import forbidden_if

from .forms import TrailFilterForm
from .trail import filtered_events, trail_actions, trail_people, trail_rows

PER_PAGE = 100
CSV_CHUNK = 500
CSV_HEADER = [
    "Number",
    "When (firm's time)",
    "When (UTC)",
    "Who",
    "What happened",
    "Action",
    "Area",
    "Matter number",
    "Matter",
    "Object",
    "Object id",
    "Summary",
]


def _filtered(request):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    actions = trail_actions(scope.firm)
    form = TrailFilterForm(
        request.GET or None, people=trail_people(scope.firm), actions=actions
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return form, filtered_events(scope=scope, data=data, actions=actions)


def audit_log(request, firm_slug):
    form, filtered = _filtered(request)
    page = Paginator(filtered.events, PER_PAGE).get_page(request.GET.get("page"))
    rows = trail_rows(scope=request.scope, events=page.object_list)
    return render(
        request,
        "web/audit/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "filtered": filtered,
            "is_filtered": bool(filtered.applied),
            "export_query": request.GET.urlencode(),
        },
    )


def audit_export(request, firm_slug):
    # The role first, so a non-admin gets the same 404 as for the page and is
    # never asked for a password to reach a page that is not theirs.
    forbidden_if(not request.scope.is_firm_admin)
    return _export(request, firm_slug)


@sensitive
def _export(request, firm_slug):
    scope = request.scope
    form, filtered = _filtered(request)
    if form.is_bound and not form.is_valid():
        # Never the whole trail for filters that could not be read: back to
        # the page, which says what to fix and keeps what was typed.
        page = reverse("audit:audit_log", args=[firm_slug])
        return redirect(f"{page}?{request.GET.urlencode()}")
    with transaction.atomic():
        # The file holds the trail as it stood when asked for: not this
        # export's own event, nor anything recorded while it streams.
        newest = filtered.events.values_list("pk", flat=True).first() or 0
        events = filtered.events.filter(pk__lte=newest)
        count = events.count()
        audit_record(
            org=scope.firm,
            actor=request.user,
            action="audit.exported",
            summary=f"Exported {count} audit event(s) as CSV",
            detail={"filters": filtered.applied, "events": count},
        )
    zone = zone_named(scope.firm.time_zone)
    response = StreamingHttpResponse(
        _csv_lines(scope, events, zone), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime(timezone.now(), zone).strftime("%Y-%m-%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="{scope.firm.slug}-audit-trail-{stamp}.csv"'
    )
    return response


class _Line:
    """A file-like object whose ``write`` hands the line back to csv.writer."""

    def write(self, value):
        return value


def _csv_lines(scope, events, zone):
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(CSV_HEADER)  # a BOM, so Excel reads UTF-8
    chunk = []
    for event in events.iterator(chunk_size=CSV_CHUNK):
        chunk.append(event)
        if len(chunk) == CSV_CHUNK:
            yield from _chunk_lines(writer, scope, chunk, zone)
            chunk = []
    if chunk:
        yield from _chunk_lines(writer, scope, chunk, zone)


def _chunk_lines(writer, scope, events, zone):
    for row in trail_rows(scope=scope, events=events):
        local = timezone.localtime(row.at, zone)
        yield writer.writerow(
            [
                row.seq,
                f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}",
                f"{row.at:%Y-%m-%d %H:%M:%S}",
                row.actor_label,
                row.action_label,
                row.action,
                row.group,
                row.matter.number if row.matter else "",
                _safe_cell(row.matter.title) if row.matter else "",
                row.object_label,
                row.object_id,
                _safe_cell(row.summary),
            ]
        )


def _safe_cell(text: str) -> str:
    """A summary that a spreadsheet would run as a formula starts with a quote:
    summaries quote what people typed (a document's title, a reason)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
