"""The dashboard: the figures of the firm, or of one engagement, month by
month (issue 18, item 7), their CSV export, and the page that explains how
each figure is worked out (docs/insights.md).

The firm's attorneys and admins read them (``insights.permissions.may_read``);
anyone else gets 404. Every figure comes from ``insights.figures``: the page
only lays them out."""

import functools

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from firmdesk.access.selectors import access_engagement
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.insights import charts, metrics, permissions
from firmdesk.insights.figures import Figures, months_figures
from firmdesk.web.pages import forbidden_if

from . import guide


def _reader(request):
    scope = request.scope
    forbidden_if(not permissions.may_read(scope))
    return scope


def _month(request, firm):
    """The month asked for (``?month=YYYY-MM``), else this month; a month
    that cannot be read shows this month and says why."""
    text = request.GET.get("month", "").strip()
    if not text:
        return metrics.this_month(firm), ""
    try:
        return metrics.parse_month(text), ""
    except ServiceError as error:
        return metrics.this_month(firm), f"{error.message} This is this month."


@functools.lru_cache(maxsize=128)
def _chart(kind: str, title: str, labels: tuple, series: tuple, unit: str):
    """A chart is a pure function of its figures, and pygal takes tens of
    milliseconds to draw one: the same figures are drawn once per process."""
    draw = charts.line_chart if kind == "line" else charts.bar_chart
    return draw(
        title, labels, [(name, list(values)) for name, values in series], unit=unit
    )


def _charts(months: list[Figures], currency: str) -> list[charts.Chart]:
    # "Mar 25": pygal cuts longer labels of twelve months short.
    labels = tuple(f"{one.start:%b %y}" for one in months)

    def series(name, read):
        return (name, tuple(read(one) for one in months))

    return [
        _chart(
            "line",
            "On-time completion and rework, % by month",
            labels,
            (
                series("On time", lambda f: f.on_time_percent),
                series("Returned for rework", lambda f: f.rework_percent),
            ),
            "%",
        ),
        _chart(
            "line",
            f"Cost per task in {currency}, outsourced against in-house",
            labels,
            (
                series("Outsourced", lambda f: f.cost_per_task),
                series("In-house", lambda f: f.inhouse_per_task),
            ),
            "",
        ),
        _chart(
            "line",
            "Intake first response, minutes",
            labels,
            (
                series("Median", lambda f: f.lead_response_median_minutes),
                series("90th percentile", lambda f: f.lead_response_p90_minutes),
            ),
            "min",
        ),
        _chart(
            "bar",
            "Billable hours recovered by the firm's attorneys",
            labels,
            (series("Hours recovered", lambda f: f.hours_recovered),),
            "h",
        ),
    ]


def _dashboard(request, scope, engagement: Engagement | None):
    firm = scope.firm
    month, notice = _month(request, firm)
    first, last = metrics.months_to(month)
    months = months_figures(firm, first, last, engagement=engagement)
    currency = metrics.currency_of(firm, engagement)
    current = metrics.this_month(firm)
    if engagement is None:
        here = reverse("insights:dashboard", args=[firm.slug])
        csv_url = reverse("insights:dashboard_csv", args=[firm.slug])
        engagements = Engagement.objects.in_scope(scope).select_related("provider")
    else:
        args = [firm.slug, engagement.public_id]
        here = reverse("insights:engagement_dashboard", args=args)
        csv_url = reverse("insights:engagement_dashboard_csv", args=args)
        engagements = None
    return render(
        request,
        "web/insights/dashboard/dashboard.html",
        {
            "engagement": engagement,
            "engagements": engagements,
            "f": months[-1],
            "months": months,
            "charts": _charts(months, currency),
            "currency": currency,
            "notice": notice,
            "month": month,
            "month_key": metrics.month_key(month),
            "month_label": metrics.month_label(month),
            "first_label": metrics.month_label(first),
            "is_this_month": month == current,
            "previous": metrics.month_key(metrics.add_months(month, -1)),
            "next": (
                metrics.month_key(metrics.add_months(month, 1))
                if month < current
                else None
            ),
            "here": here,
            "csv_url": csv_url,
        },
    )


def dashboard(request, firm_slug):
    scope = _reader(request)
    return _dashboard(request, scope, None)


def engagement_dashboard(request, firm_slug, engagement_id):
    scope = _reader(request)
    return _dashboard(request, scope, access_engagement(scope, engagement_id))


def _csv(request, scope, engagement: Engagement | None):
    month, _ = _month(request, scope.firm)
    name, text = metrics.figures_export(scope=scope, month=month, engagement=engagement)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def dashboard_csv(request, firm_slug):
    scope = _reader(request)
    return _csv(request, scope, None)


def engagement_dashboard_csv(request, firm_slug, engagement_id):
    scope = _reader(request)
    return _csv(request, scope, access_engagement(scope, engagement_id))


def formulas(request, firm_slug):
    _reader(request)
    return render(
        request, "web/insights/dashboard/formulas.html", {"guide": guide.formulas()}
    )
