"""The monthly review report: one engagement's month (or quarter) in figures,
kept as it was produced, read on a page and as a PDF, and sent to the firm's
admins by a background job (``insights.tasks``). docs/insights-reports.md
explains it to the firm; the figures themselves are docs/insights.md's.

What is due, for each engagement in pilot, active or ended:

* the month just ended, if the engagement ran on at least one of its days
  (an ended engagement: only its last month);
* every month during the engagement's first quarter (any month holding one of
  the three months from its start), then on the firm's cadence: every month,
  or at the end of each calendar quarter. A quarterly report covers the
  calendar quarter up to its month (an engagement's last month ends its last
  quarter early).

A report's figures are worked out once, by ``insights.figures`` from the
roll-up, and stored on the ``MonthlyReport`` as JSON (Decimals as strings):
its period, the six months up to it for the charts, and the pilot's targets
against the period. The report reads the same later; a firm admin can produce
it again from today's figures (a provider bill reconciled late).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import PILOT_TARGETS, Engagement
from firmdesk.intake.reception import firm_admins
from firmdesk.notify.services import notify

from . import charts, permissions
from .figures import Figures, month_bounds, months_figures, period_figures
from .models import InsightsSettings, MonthlyReport

Cadence = InsightsSettings.Cadence
REPORTED = (
    Engagement.Status.PILOT,
    Engagement.Status.ACTIVE,
    Engagement.Status.ENDED,
)
FIRST_QUARTER = relativedelta(months=3)
CHART_MONTHS = 6
SNAPSHOT_VERSION = 1
MONTH = "month"
QUARTER = "quarter"


# --- Months --------------------------------------------------------------------


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_just_ended(today: datetime.date) -> datetime.date:
    return month_of(today) - relativedelta(months=1)


def ends_quarter(month: datetime.date) -> bool:
    return month.month % 3 == 0


def quarter_start(month: datetime.date) -> datetime.date:
    return month.replace(month=month.month - (month.month - 1) % 3, day=1)


def month_label(month: datetime.date) -> str:
    return f"{month:%B %Y}"


# --- An engagement's months ----------------------------------------------------


def began(engagement: Engagement) -> datetime.date | None:
    return engagement.start_date or engagement.pilot_start


def last_day(engagement: Engagement, tz) -> datetime.date | None:
    if engagement.end_date:
        return engagement.end_date
    if engagement.ended_at:
        return timezone.localdate(engagement.ended_at, timezone=tz)
    return None


def ran_in(engagement: Engagement, month: datetime.date, tz) -> bool:
    """The engagement was under way on at least one day of ``month``."""
    first, last = month_bounds(month)
    start, end = began(engagement), last_day(engagement, tz)
    return start is not None and start <= last and (end is None or end >= first)


def in_first_quarter(engagement: Engagement, month: datetime.date) -> bool:
    """``month`` holds a day of the engagement's first three months: from 15
    January, that is January to April; from 1 January, January to March."""
    start = began(engagement)
    return start is not None and month_of(start) <= month < start + FIRST_QUARTER


def is_last_month(engagement: Engagement, month: datetime.date, tz) -> bool:
    end = last_day(engagement, tz)
    return end is not None and month_of(end) == month


@dataclass(frozen=True)
class Period:
    kind: str  # MONTH or QUARTER
    start: datetime.date
    end: datetime.date
    month: datetime.date  # the month the report is filed under (its last)

    @property
    def label(self) -> str:
        if self.kind == MONTH or self.start == self.month:
            return month_label(self.month)
        if self.start.year == self.month.year:
            return f"{self.start:%B} to {month_label(self.month)}"
        return f"{month_label(self.start)} to {month_label(self.month)}"


def report_period(
    engagement: Engagement, month: datetime.date, cadence: str, tz
) -> Period:
    """What a report for ``month`` covers: the month, or under the quarterly
    cadence after the first quarter, the calendar quarter up to ``month``
    when ``month`` ends the quarter or the engagement."""
    month = month_of(month)
    _, end = month_bounds(month)
    quarterly = (
        cadence == Cadence.QUARTERLY
        and not in_first_quarter(engagement, month)
        and (ends_quarter(month) or is_last_month(engagement, month, tz))
    )
    if quarterly:
        return Period(QUARTER, quarter_start(month), end, month)
    return Period(MONTH, month, end, month)


def is_due(engagement: Engagement, month: datetime.date, cadence: str, tz) -> bool:
    """Whether a review of ``month`` is due for ``engagement`` (the rules in
    this module's docstring)."""
    if engagement.status not in REPORTED or not ran_in(engagement, month, tz):
        return False
    last = is_last_month(engagement, month, tz)
    if engagement.status == Engagement.Status.ENDED and not last:
        return False
    return (
        last
        or in_first_quarter(engagement, month)
        or cadence == Cadence.MONTHLY
        or ends_quarter(month)
    )


# --- The firm's setting --------------------------------------------------------


def insights_settings(firm) -> InsightsSettings:
    """The firm's settings, or the defaults (unsaved) until an admin saves."""
    found = InsightsSettings.objects.for_firm(firm).first()
    return found or InsightsSettings(firm=firm)


def cadence_set(*, scope, cadence: str) -> InsightsSettings:
    if not permissions.may_configure(scope):
        raise ServiceError("Only a firm admin can change how often reports come.")
    if cadence not in Cadence.values:
        raise ServiceError(
            "Choose every month or every quarter.", field="report_cadence"
        )
    with transaction.atomic():
        row, _ = (
            InsightsSettings.objects.for_firm(scope.firm)
            .select_for_update()
            .get_or_create(firm=scope.firm)
        )
        before = row.report_cadence
        row.report_cadence = cadence
        row.save(update_fields=["report_cadence", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="insights.settings.updated",
            obj=row,
            summary=f"Review reports: {row.get_report_cadence_display().lower()} "
            "after an engagement's first three months",
            detail={
                "before": {"report_cadence": before},
                "after": {"report_cadence": cadence},
            },
        )
    return row


# --- What is due ---------------------------------------------------------------


def reports_due(firm, today: datetime.date) -> list[tuple[Engagement, datetime.date]]:
    """(engagement, month) for every review due for the month before
    ``today`` (the firm's date)."""
    month = month_just_ended(today)
    cadence = insights_settings(firm).report_cadence
    engagements = (
        Engagement.objects.for_firm(firm)
        .filter(status__in=REPORTED)
        .select_related("firm", "provider")
        .order_by("name", "pk")
    )
    return [
        (engagement, month)
        for engagement in engagements
        if is_due(engagement, month, cadence, firm.tz)
    ]


# --- The snapshot --------------------------------------------------------------

# Figures' fields that are not figures: the period is stored on its own, the
# engagement is the report's, and the counts are stored by name below.
_NOT_STORED = {"start", "end", "engagement", "counts"}


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def figures_snapshot(figures: Figures) -> dict:
    """One period's figures as JSON: every figure of ``Figures`` (Decimals as
    strings, "no data" as null), and the counts they were worked out from."""
    out = {
        field.name: _plain(getattr(figures, field.name))
        for field in dataclasses.fields(figures)
        if field.name not in _NOT_STORED
    }
    counts = figures.counts
    out.update(
        start=figures.start.isoformat(),
        end=figures.end.isoformat(),
        tasks=counts.finished,
        finished_with_due=counts.finished_with_due,
        finished_on_time=counts.finished_on_time,
        reviewed=counts.reviewed,
        returned=counts.returned,
        staff_hours=str(counts.staff_hours),
        bills=counts.bills,
        breaches=counts.breaches,
        leads=len(counts.lead_response_minutes),
        feedback_answers=counts.feedback_answers,
    )
    return out


def _target_number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def targets_against(engagement: Engagement, figures: Figures, months: int) -> list:
    """The engagement's pilot targets against the period's figures. Hours
    recovered are targeted a month, so a quarter's are divided by its months."""
    results = []
    for key, (label, unit, direction) in PILOT_TARGETS.items():
        target = _target_number((engagement.pilot_targets or {}).get(key))
        if target is None:
            continue
        actual = getattr(figures, key)
        if actual is not None and key == "hours_recovered" and months > 1:
            actual = (Decimal(actual) / months).quantize(Decimal("0.1"))
        met = None
        if actual is not None:
            actual = Decimal(str(actual))
            met = actual >= target if direction == "min" else actual <= target
        results.append(
            {
                "key": key,
                "label": label,
                "unit": unit,
                "target": str(target),
                "actual": None if actual is None else str(actual),
                "met": met,
            }
        )
    return results


def report_figures(firm, engagement: Engagement, period: Period, *, today=None) -> dict:
    """What a report stores: its period's figures, the six months up to it,
    the pilot's targets, and what the engagement was at the time."""
    first_chart_month = period.month - relativedelta(months=CHART_MONTHS - 1)
    months = months_figures(
        firm, first_chart_month, period.month, engagement=engagement, today=today
    )
    if period.kind == MONTH:
        figures = months[-1]
    else:
        figures = period_figures(
            firm, period.start, period.end, engagement=engagement, today=today
        )
    in_period = len([m for m in months if m.start >= period.start])
    return {
        "version": SNAPSHOT_VERSION,
        "kind": period.kind,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "produced_at": timezone.now().isoformat(),
        "engagement": {
            "name": engagement.name,
            "provider": engagement.provider.name,
            "status": engagement.get_status_display(),
            "pricing": engagement.get_pricing_model_display(),
            "currency": engagement.currency,
            "inhouse_hourly_cost": str(engagement.inhouse_hourly_cost),
        },
        "period": figures_snapshot(figures),
        "months": [figures_snapshot(m) for m in months],
        "targets": targets_against(engagement, figures, in_period),
    }


# --- Producing and delivering --------------------------------------------------


def report_build(
    *,
    firm,
    engagement: Engagement,
    month: datetime.date,
    actor=None,
    again: bool = False,
    today: datetime.date | None = None,
) -> MonthlyReport:
    """The report of ``engagement`` for ``month``: made once (one per
    engagement and month; a second run, or a concurrent one, returns the
    first), or with ``again`` made again from today's figures."""
    month = month_of(month)
    rows = MonthlyReport.objects.for_firm(firm).filter(
        engagement=engagement, month=month
    )
    existing = rows.first()
    if existing is not None and not again:
        return existing
    period = report_period(
        engagement, month, insights_settings(firm).report_cadence, firm.tz
    )
    figures = report_figures(firm, engagement, period, today=today)
    summary = f"Review report of {engagement.name}, {period.label}"
    with transaction.atomic():
        if existing is not None:
            report = rows.select_for_update().get()
            report.figures = figures
            report.save(update_fields=["figures", "updated_at"])
            action, summary = "insights.report.produced_again", f"{summary}, again"
        else:
            try:
                with transaction.atomic():
                    report = MonthlyReport.objects.create(
                        firm=firm, engagement=engagement, month=month, figures=figures
                    )
            except IntegrityError:
                return rows.get()  # made meanwhile by another run
            action = "insights.report.produced"
        audit_record(
            org=firm,
            actor=actor,
            action=action,
            obj=report,
            summary=summary,
            detail={"month": month.isoformat(), "kind": period.kind},
        )
    return report


def report_produce(
    *, scope, engagement: Engagement, month: datetime.date
) -> MonthlyReport:
    """A firm admin's "produce now": the report of a month that has ended,
    in which the engagement ran, made (again) from today's figures."""
    if not permissions.may_configure(scope):
        raise ServiceError("Only a firm admin can produce a report.")
    firm = scope.firm
    month = month_of(month)
    today = timezone.localdate(timezone=firm.tz)
    if month >= month_of(today):
        raise ServiceError(
            f"{month_label(month)} has not ended yet. Choose a month before "
            f"{month_label(month_of(today))}.",
            field="month",
        )
    if engagement.status == Engagement.Status.PROPOSED:
        raise ServiceError(
            f"{engagement.name} has not started: it is still proposed.",
            field="engagement",
        )
    if not ran_in(engagement, month, firm.tz):
        start, end = began(engagement), last_day(engagement, firm.tz)
        when = f"from {start:%B %Y}" if start else "on no known date"
        if start and end:
            when = f"from {start:%B %Y} to {end:%B %Y}"
        raise ServiceError(
            f"{engagement.name} did not run in {month_label(month)}; it ran {when}.",
            field="month",
        )
    return report_build(
        firm=firm, engagement=engagement, month=month, actor=scope.user, again=True
    )


def report_url(report: MonthlyReport) -> str:
    return reverse(
        "insights:report_detail",
        kwargs={"firm_slug": report.firm.slug, "report_id": report.public_id},
    )


def _headline(figures: dict, currency: str) -> str:
    """A line of the period's figures for the notification."""
    parts = []
    if figures.get("on_time_percent") is not None:
        parts.append(f"on time {figures['on_time_percent']} %")
    if figures.get("cost_per_task") is not None:
        parts.append(f"cost per task {figures['cost_per_task']} {currency}")
    if figures.get("hours_recovered") is not None:
        parts.append(f"hours recovered {figures['hours_recovered']}")
    return ("; ".join(parts) + ".") if parts else ""


def report_deliver(report: MonthlyReport) -> bool:
    """Tell every admin of the firm that the report is ready, once: the
    report row is locked and ``delivered_at`` set in the same transaction,
    so a second or concurrent run finds it delivered and tells no one.
    Returns whether this call sent it."""
    firm = report.firm
    with transaction.atomic():
        report = (
            MonthlyReport.objects.for_firm(firm)
            .select_for_update()
            .select_related("firm", "engagement")
            .get(pk=report.pk)
        )
        if report.delivered_at is not None:
            return False
        stored = report.figures
        title = (
            f"{'Quarterly' if stored.get('kind') == QUARTER else 'Monthly'} review "
            f"ready: {report.engagement.name}, {report_label(report)}"
        )
        body = _headline(
            stored.get("period", {}), stored.get("engagement", {}).get("currency", "")
        )
        admins = firm_admins(firm)
        told = 0
        for admin in admins:
            told += (
                notify(
                    user=admin,
                    firm=firm,
                    about=report,
                    kind="insights.report",
                    title=title,
                    body=body,
                    url=report_url(report),
                    key=f"insights.report:{report.pk}:{admin.pk}",
                )
                is not None
            )
        report.delivered_at = timezone.now()
        report.save(update_fields=["delivered_at", "updated_at"])
        audit_record(
            org=firm,
            actor=None,
            action="insights.report.delivered",
            obj=report,
            summary=f"Review report of {report.engagement.name}, "
            f"{report_label(report)}, sent to {told} admin{'s' if told != 1 else ''}",
            detail={"admins": [admin.pk for admin in admins]},
        )
    return True


def report_label(report: MonthlyReport) -> str:
    """ "March 2026", or "January to March 2026" for a quarter."""
    stored = report.figures or {}
    start = stored.get("start")
    kind = stored.get("kind", MONTH)
    start_day = datetime.date.fromisoformat(start) if start else report.month
    return Period(kind, start_day, month_bounds(report.month)[1], report.month).label


# --- Reading a report ----------------------------------------------------------

_TEXT = {"start", "end"}


def _typed(stored: dict) -> dict:
    """A stored period's figures with numbers as Decimals and dates as dates."""
    out: dict = {}
    for key, value in stored.items():
        out[key] = value
        if key in _TEXT and isinstance(value, str):
            out[key] = datetime.date.fromisoformat(value)
        elif isinstance(value, str):
            with contextlib.suppress(InvalidOperation):  # words stay words
                out[key] = Decimal(value)
    return out


def _number(value) -> float | None:
    return None if value is None else float(value)


def _series(months: list[dict], key: str) -> list[float | None]:
    return [_number(m.get(key)) for m in months]


@dataclass
class ReportView:
    """What the page and the PDF show, read from the stored figures only."""

    report: MonthlyReport
    kind: str
    label: str
    engagement: dict
    period: dict
    months: list[dict]
    targets: list[dict]
    produced_at: datetime.datetime | None
    charts: list[charts.Chart]

    @property
    def currency(self) -> str:
        return self.engagement.get("currency", "USD")

    @property
    def is_quarter(self) -> bool:
        return self.kind == QUARTER


def report_view(report: MonthlyReport) -> ReportView:
    stored = report.figures or {}
    months = [_typed(m) for m in stored.get("months", [])]
    produced = stored.get("produced_at")
    targets = [
        {
            **t,
            "target": Decimal(t["target"]),
            "actual": None if t["actual"] is None else Decimal(t["actual"]),
        }
        for t in stored.get("targets", [])
    ]
    return ReportView(
        report=report,
        kind=stored.get("kind", MONTH),
        label=report_label(report),
        engagement=stored.get("engagement", {}),
        period=_typed(stored.get("period", {})),
        months=months,
        targets=targets,
        produced_at=(datetime.datetime.fromisoformat(produced) if produced else None),
        charts=report_charts(months, stored.get("engagement", {}).get("currency", "")),
    )


def report_charts(months: list[dict], currency: str) -> list[charts.Chart]:
    """The six months as the same charts on the page and in the PDF."""
    labels = [f"{m['start']:%b %Y}" for m in months]
    return [
        charts.line_chart(
            "Work on time and work returned (%)",
            labels,
            [
                ("On time", _series(months, "on_time_percent")),
                ("Returned for changes", _series(months, "rework_percent")),
            ],
            unit="%",
        ),
        charts.line_chart(
            f"Cost per task against in-house ({currency})",
            labels,
            [
                ("Outside team", _series(months, "cost_per_task")),
                ("In-house", _series(months, "inhouse_per_task")),
            ],
            unit=currency,
        ),
        charts.bar_chart(
            "Billable hours recovered by the firm's attorneys",
            labels,
            [("Hours recovered", _series(months, "hours_recovered"))],
            unit="h",
        ),
        charts.line_chart(
            "Intake first response (minutes)",
            labels,
            [
                ("Median", _series(months, "lead_response_median_minutes")),
                ("90th percentile", _series(months, "lead_response_p90_minutes")),
            ],
            unit="min",
        ),
        charts.bar_chart(
            "Tasks finished",
            labels,
            [("Tasks finished", _series(months, "tasks"))],
        ),
    ]


def reports_in_scope(scope, *, engagement: Engagement | None = None):
    rows = MonthlyReport.objects.in_scope(scope).select_related("engagement")
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    return rows.order_by("-month", "engagement__name")


def engagements_reported(scope):
    """The engagements a report can be produced for (all but proposals)."""
    return (
        Engagement.objects.in_scope(scope)
        .filter(status__in=REPORTED)
        .select_related("provider")
        .order_by("name")
    )
