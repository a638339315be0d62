"""Review report pages: the list, one report (page and PDF), "produce now",
and the firm's report cadence.

The firm's attorneys and admins read them; a firm admin produces a report on
request and sets the cadence (insights.permissions). Anyone else gets 404."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_object
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.insights import permissions, reports
from firmdesk.insights.models import MonthlyReport
from firmdesk.insights.pdf import report_pdf as render_pdf
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms


def _reader(request):
    scope = request.scope
    forbidden_if(not permissions.may_read(scope))
    return scope


def _report(scope, report_id) -> MonthlyReport:
    return access_object(
        MonthlyReport,
        scope,
        report_id,
        queryset=MonthlyReport.objects.in_scope(scope).select_related(
            "engagement", "firm"
        ),
    )


def _produce_form(scope, data=None, initial=None):
    return forms.ProduceForm(
        data, initial=initial, engagements=reports.engagements_reported(scope)
    )


def _list_page(request, scope, produce_form):
    page = Paginator(reports.reports_in_scope(scope), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "web/insights/reports/report_list.html",
        {
            "page": page,
            "rows": [(row, reports.report_label(row)) for row in page],
            "produce_form": produce_form,
            "may_produce": permissions.may_configure(scope),
            "cadence": reports.insights_settings(scope.firm),
        },
    )


def report_list(request, firm_slug):
    scope = _reader(request)
    return _list_page(request, scope, _produce_form(scope))


@require_POST
def report_build(request, firm_slug):
    scope = _reader(request)
    forbidden_if(not permissions.may_configure(scope))
    form = _produce_form(scope, request.POST)
    if form.is_valid():
        try:
            report = reports.report_produce(
                scope=scope,
                engagement=form.cleaned_data["engagement"],
                month=form.cleaned_data["month"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Review report of {report.engagement.name} for "
                f"{reports.report_label(report)} produced from today's figures.",
            )
            return see_other(reports.report_url(report))
    return _list_page(request, scope, form)


def report_detail(request, firm_slug, report_id):
    scope = _reader(request)
    report = _report(scope, report_id)
    return render(
        request,
        "web/insights/reports/report_detail.html",
        {
            "r": reports.report_view(report),
            "may_produce": permissions.may_configure(scope),
            "month_value": f"{report.month:%Y-%m}",
        },
    )


def report_pdf(request, firm_slug, report_id):
    scope = _reader(request)
    report = _report(scope, report_id)
    content = render_pdf(report)
    label = reports.report_label(report)
    with transaction.atomic():
        audit_record(
            org=scope.firm,
            actor=request.user,
            action="insights.report.downloaded",
            obj=report,
            summary=f"Downloaded the review report of {report.engagement.name}, "
            f"{label}",
        )
    response = HttpResponse(content, content_type="application/pdf")
    name = f"review-{report.engagement.name}-{report.month:%Y-%m}"
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in name)
    response["Content-Disposition"] = f'attachment; filename="{safe}.pdf"'
    return response


@require_http_methods(["GET", "POST"])
def settings_page(request, firm_slug):
    scope = _reader(request)
    may_edit = permissions.may_configure(scope)
    forbidden_if(request.method == "POST" and not may_edit)
    current = reports.insights_settings(scope.firm)
    form = forms.SettingsForm(
        request.POST or None, initial={"report_cadence": current.report_cadence}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reports.cadence_set(
                scope=scope, cadence=form.cleaned_data["report_cadence"]
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Report settings saved.")
            return see_other(reverse("insights:settings", args=[firm_slug]))
    return render(
        request,
        "web/insights/reports/settings.html",
        {"form": form, "settings": current, "may_edit": may_edit},
    )
