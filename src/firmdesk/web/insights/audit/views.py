"""Time-audit pages: the list of audits (and starting one), one audit's
results, the week grid where a person records their hours, the import of a
file, and closing or reopening an audit.

Any member of the firm opens the list (in-house staff see the open audits
only) and records their own hours; the firm's attorneys and admins see the
results, record for anyone of the firm, import, close and reopen
(insights.permissions). Anyone else gets 404."""

import base64
import binascii
import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_object
from firmdesk.common.errors import ServiceError
from firmdesk.insights import permissions, time_audit
from firmdesk.insights.figures import audit_baseline
from firmdesk.insights.models import TimeAudit
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms


def _member(request):
    scope = request.scope
    forbidden_if(not permissions.may_record_audit_time(scope))
    return scope


def _planner(request):
    scope = request.scope
    forbidden_if(not permissions.may_plan(scope))
    return scope


def _audit(scope, audit_id) -> TimeAudit:
    return access_object(TimeAudit, scope, audit_id)


def _detail_url(scope, audit) -> str:
    return reverse("insights:audit_detail", args=[scope.firm.slug, audit.public_id])


def _next_week(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = today + datetime.timedelta(days=7 - today.weekday())
    return monday, monday + datetime.timedelta(days=4)


@require_http_methods(["GET", "POST"])
def audit_list(request, firm_slug):
    scope = _member(request)
    may_plan = permissions.may_plan(scope)
    forbidden_if(request.method == "POST" and not may_plan)
    start, end = _next_week(timezone.localdate(timezone=scope.firm.tz))
    form = forms.AuditForm(
        request.POST or None,
        initial={
            "title": f"Time audit, week of {start.month}/{start.day}/{start.year}",
            "start_date": start,
            "end_date": end,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            audit = time_audit.audit_create(scope=scope, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Time audit “{audit.title}” started. Ask the firm's attorneys and "
                "staff to record their hours on “Record my hours”.",
            )
            return see_other(_detail_url(scope, audit))
    audits = time_audit.audits_of_firm(scope.firm, open_only=not may_plan)
    baseline = audit_baseline(scope.firm).audit if may_plan else None
    return render(
        request,
        "web/insights/audit/list.html",
        {
            "audits": audits,
            "form": form,
            "may_plan": may_plan,
            "baseline": baseline,
        },
    )


def audit_detail(request, firm_slug, audit_id):
    scope = request.scope
    forbidden_if(not permissions.may_read(scope))
    audit = _audit(scope, audit_id)
    results = time_audit.audit_results(audit)
    return render(
        request,
        "web/insights/audit/detail.html",
        {
            "audit": audit,
            "results": results,
            "chart": results.chart() if results.has_hours else None,
            "is_baseline": audit_baseline(scope.firm).audit == audit,
            "may_plan": permissions.may_plan(scope),
        },
    )


@require_http_methods(["GET", "POST"])
def audit_record(request, firm_slug, audit_id):
    scope = _member(request)
    audit = _audit(scope, audit_id)
    may_plan = permissions.may_plan(scope)
    person = request.user
    wanted = request.GET.get("person")
    if wanted and wanted != str(request.user.public_id):
        forbidden_if(not may_plan)
        person = time_audit.person_of_firm(scope.firm, wanted)
        if person is None:
            raise Http404("Nobody of the firm by that id.")
    days = time_audit.audit_days(audit)
    cells = time_audit.recorded_hours(audit, person)
    form = forms.HoursGridForm(
        request.POST or None,
        days=days,
        initial=forms.HoursGridForm.initial_from(cells),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = time_audit.audit_hours_record(
                scope=scope, audit=audit, person=person, days=form.hours
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            whose = (
                "Your hours are"
                if person == request.user
                else f"The hours of {person.full_name} are"
            )
            messages.success(
                request,
                f"{whose} saved ({changed} change{'' if changed == 1 else 's'})."
                if changed
                else "Nothing changed.",
            )
            return see_other(request.get_full_path())
    if form.is_bound:
        totals = form.totals
    else:
        totals = {
            day: sum(h for (d, _), h in cells.items() if d == day) for day in days
        }
    return render(
        request,
        "web/insights/audit/record.html",
        {
            "audit": audit,
            "form": form,
            "person": person,
            "is_self": person == request.user,
            "people": time_audit.firm_people(scope.firm) if may_plan else [],
            "day_totals": [(day, totals.get(day) or 0) for day in days],
            "week_total": sum((totals.get(day) or 0 for day in days), 0),
            "may_plan": may_plan,
        },
    )


@require_http_methods(["GET", "POST"])
def audit_import(request, firm_slug, audit_id):
    scope = _planner(request)
    audit = _audit(scope, audit_id)
    form = forms.ImportForm()
    result = content = None
    filename = ""
    action = request.POST.get("action", "")
    if request.method == "POST" and action == "import":
        filename = request.POST.get("filename", "")[:200]
        try:
            content = base64.b64decode(request.POST.get("content", ""), validate=True)
        except (binascii.Error, ValueError):
            content = None
        if not content:
            messages.error(request, "Check the file first, then import it.")
            return see_other(request.path)
        result = time_audit.audit_import(
            scope=scope, audit=audit, file=content, filename=filename
        )
        if result.ok:
            messages.success(request, result.summary())
            return see_other(_detail_url(scope, audit))
    elif request.method == "POST":
        form = forms.ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            filename = upload.name
            result = time_audit.audit_import(
                scope=scope,
                audit=audit,
                file=content,
                filename=filename,
                dry_run=True,
            )
    return render(
        request,
        "web/insights/audit/import.html",
        {
            "audit": audit,
            "form": form,
            "result": result,
            "filename": filename,
            "content": base64.b64encode(content).decode() if content else "",
            "categories": time_audit.AuditCategory.choices,
        },
    )


def _change(request, firm_slug, audit_id, service, done: str):
    scope = _planner(request)
    audit = _audit(scope, audit_id)
    try:
        service(scope=scope, audit=audit)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    return see_other(_detail_url(scope, audit))


@require_POST
def audit_close(request, firm_slug, audit_id):
    return _change(
        request,
        firm_slug,
        audit_id,
        time_audit.audit_close,
        "The audit is closed: nobody can change its hours now, and it is the "
        "baseline hours recovered are measured against.",
    )


@require_POST
def audit_reopen(request, firm_slug, audit_id):
    return _change(
        request,
        firm_slug,
        audit_id,
        time_audit.audit_reopen,
        "The audit is open again for hours. Until it is closed once more, the "
        "audit closed before it (if any) is the baseline for hours recovered.",
    )
