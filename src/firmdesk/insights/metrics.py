"""The figures as named numbers for use outside the page: one row per month
in the dashboard's CSV export, and the shape ``firmdesk metrics --json``
prints. Each figure comes with the numbers it was worked out from; the
formulas are in docs/insights.md, the computing in ``insights.figures``.

Months are written ``YYYY-MM`` everywhere (the page's ``?month=``, the
command's ``--month``, the CSV's first column)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from firmdesk.audit.services import audit_record
from firmdesk.billing.models import BillingSettings
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.work.models import Review

from . import permissions
from .figures import Figures, months_figures

MONTHS_SHOWN = 12
# A year of months back from the earliest stays a real date, with room to spare.
FIRST_YEAR, LAST_YEAR = 1901, 2199
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")


def parse_month(text: str) -> datetime.date:
    """``"2026-05"`` → 1 May 2026; anything else a ServiceError that says how
    to write a month."""
    found = _MONTH.fullmatch((text or "").strip())
    if found:
        year, month = int(found[1]), int(found[2])
        if FIRST_YEAR <= year <= LAST_YEAR and 1 <= month <= 12:
            return datetime.date(year, month, 1)
    shown = (text or "").strip()[:20]
    raise ServiceError(
        f"“{shown}” is not a month FirmDesk can show. Write it as YYYY-MM, "
        f"such as 2026-05 for May 2026, between {FIRST_YEAR} and {LAST_YEAR}.",
        field="month",
    )


def this_month(firm) -> datetime.date:
    return timezone.localdate(timezone=firm.tz).replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def months_to(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last month of the twelve shown up to ``month``."""
    return add_months(month, 1 - MONTHS_SHOWN), month


def month_key(month: datetime.date) -> str:
    return f"{month:%Y-%m}"


def month_label(month: datetime.date) -> str:
    return f"{month:%B} {month.year}"


def currency_of(firm, engagement: Engagement | None = None) -> str:
    """The engagement's currency; for the whole firm, the one its engagements
    share, else its billing currency (USD when it has not set one)."""
    if engagement is not None:
        return engagement.currency
    used = set(Engagement.objects.for_firm(firm).values_list("currency", flat=True))
    if len(used) == 1:
        return used.pop()
    found = BillingSettings.objects.for_firm(firm).values_list("currency", flat=True)
    return found.first() or "USD"


# --- One month as named numbers ---------------------------------------------


def _plain(value) -> str:
    """A cell of the CSV: empty for "no data", yes/no, numbers as written."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return format(Decimal(str(value)).normalize(), "f")
    return str(value)


REASONS = Review.Reason.choices

# (column, how to read it off a month's Figures), in the order of the page.
COLUMNS = (
    ("hours_recovered", lambda f: f.hours_recovered),
    ("attorney_billable_hours", lambda f: f.recovered_month_hours),
    ("baseline_billable_hours", lambda f: f.recovered_baseline_hours),
    ("working_days", lambda f: f.recovered_working_days),
    ("attorneys_in_baseline", lambda f: f.recovered_attorneys),
    ("on_time_percent", lambda f: f.on_time_percent),
    ("tasks_on_time", lambda f: f.counts.finished_on_time),
    ("tasks_with_due_time", lambda f: f.counts.finished_with_due),
    ("rework_percent", lambda f: f.rework_percent),
    ("reviews_returned", lambda f: f.counts.returned),
    ("reviews", lambda f: f.counts.reviewed),
    *(
        (f"returned_{value}", lambda f, value=value: _reasons(f).get(value, 0))
        for value, _ in REASONS
    ),
    ("tasks_finished", lambda f: f.counts.finished),
    ("staff_hours", lambda f: f.counts.staff_hours),
    ("cost", lambda f: f.cost),
    ("cost_estimated", lambda f: f.cost_estimated),
    ("cost_per_task", lambda f: f.cost_per_task),
    ("cost_per_hour", lambda f: f.cost_per_hour),
    ("inhouse_cost", lambda f: f.inhouse_cost),
    ("inhouse_per_task", lambda f: f.inhouse_per_task),
    ("inhouse_per_hour", lambda f: f.inhouse_per_hour),
    ("saving", lambda f: f.saving),
    ("intake_response_median_minutes", lambda f: f.lead_response_median_minutes),
    ("intake_response_p90_minutes", lambda f: f.lead_response_p90_minutes),
    ("leads_answered", lambda f: f.leads_answered),
    ("feedback_average", lambda f: f.feedback_average),
    ("feedback_answers", lambda f: f.feedback_answers),
    ("feedback_rating_sum", lambda f: f.feedback_rating_sum),
    ("turnover_percent", lambda f: f.turnover_percent),
    ("staff_left", lambda f: f.staff_left),
    ("staff_at_start", lambda f: f.staff_at_start),
    ("sla_breaches", lambda f: f.breaches),
    ("open_flags_now", lambda f: f.open_flags),
)


def _reasons(figures: Figures) -> dict:
    return figures.counts.returned_reasons or {}


def figures_csv_text(months: list[Figures], currency: str) -> str:
    """One row per month, one column per figure and per number it is worked
    out from; money in ``currency``, to the cent."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["month", "currency", *(name for name, _ in COLUMNS)])
    for figures in months:
        writer.writerow(
            [
                month_key(figures.start),
                currency,
                *(_plain(read(figures)) for _, read in COLUMNS),
            ]
        )
    return out.getvalue()


def figures_export(
    *, scope, month: datetime.date, engagement: Engagement | None = None
) -> tuple[str, str]:
    """The CSV of the twelve months up to ``month`` for the firm or one of
    its engagements: (file name, text). The export is recorded in the firm's
    audit trail."""
    if not permissions.may_read(scope):
        raise ServiceError("You cannot export the firm's figures.")
    firm = scope.firm
    first, last = months_to(month)
    months = months_figures(firm, first, last, engagement=engagement)
    text = figures_csv_text(months, currency_of(firm, engagement))
    who = slugify(engagement.name)[:60] if engagement else "whole-firm"
    name = f"{firm.slug}-{who}-figures-{month_key(first)}-to-{month_key(last)}.csv"
    what = f"“{engagement.name}”" if engagement else "the whole firm"
    with transaction.atomic():
        audit_record(
            org=firm,
            actor=scope.user,
            action="insights.export",
            obj=engagement,
            summary=(
                f"Exported the figures of {what}, {month_label(first)} to "
                f"{month_label(last)}, as CSV"
            ),
            detail={
                "format": "csv",
                "first_month": month_key(first),
                "last_month": month_key(last),
                "engagement": str(engagement.public_id) if engagement else None,
            },
        )
    return name, text


# --- ``firmdesk metrics`` ----------------------------------------------------


def _number(value) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def metrics_record(figures: Figures, *, firm, currency: str) -> dict:
    """The seed's figures of one month (issue 18, item 8b) with their
    numerators and denominators: the shape of ``firmdesk metrics --json``,
    described in docs/insights-dashboard.md. Money is a string with two
    decimals; every other value a number, or null for "no data"."""
    engagement = figures.engagement
    counts = figures.counts
    return {
        "firm": firm.slug,
        "engagement": (
            {"id": str(engagement.public_id), "name": engagement.name}
            if engagement
            else None
        ),
        "month": month_key(figures.start),
        "start": figures.start.isoformat(),
        "end": figures.end.isoformat(),
        "currency": currency,
        "hours_recovered": {
            "hours": _number(figures.hours_recovered),
            "attorney_billable_hours": _number(figures.recovered_month_hours),
            "baseline_billable_hours": _number(figures.recovered_baseline_hours),
            "working_days": figures.recovered_working_days,
            "attorneys": figures.recovered_attorneys,
            "of": "firm",
        },
        "on_time": {
            "percent": _number(figures.on_time_percent),
            "on_time": counts.finished_on_time,
            "with_due_time": counts.finished_with_due,
        },
        "rework": {
            "percent": _number(figures.rework_percent),
            "returned": counts.returned,
            "reviewed": counts.reviewed,
            "reasons": {
                value: _reasons(figures)[value]
                for value, _ in REASONS
                if _reasons(figures).get(value)
            },
        },
        "cost": {
            "estimated": figures.cost_estimated,
            "outsourced": _money(figures.cost),
            "inhouse": _money(figures.inhouse_cost),
            "tasks": counts.finished,
            "staff_hours": _number(counts.staff_hours),
            "outsourced_per_task": _money(figures.cost_per_task),
            "inhouse_per_task": _money(figures.inhouse_per_task),
            "outsourced_per_hour": _money(figures.cost_per_hour),
            "inhouse_per_hour": _money(figures.inhouse_per_hour),
        },
        "intake_response": {
            "median_minutes": _number(figures.lead_response_median_minutes),
            "p90_minutes": _number(figures.lead_response_p90_minutes),
            "leads": figures.leads_answered,
        },
        "feedback": {
            "average": _number(figures.feedback_average),
            "answers": figures.feedback_answers,
            "rating_sum": figures.feedback_rating_sum,
        },
    }
