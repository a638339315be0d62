"""Metrics (issue 21): the dashboard's figures, month by month, for the whole
firm or one engagement: the same numbers as the insights dashboard and
``firmdesk metrics --json`` (``insights.metrics.metrics_record``), for the same
people (the firm's attorneys and admins; anyone else gets 404).

The formulas are in docs/insights.md; each figure comes with the numbers it
is worked out from, so a client can add months up itself."""

import uuid

from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router

from firmdesk.access.selectors import access_engagement
from firmdesk.insights import metrics, permissions
from firmdesk.insights.figures import Figures, months_figures

from ..errors import ErrorOut, Unprocessable
from ..reading import scope_of
from ..schema import Schema

router = Router(tags=["Metrics"])


class MetricsHoursRecovered(Schema):
    hours: float | None
    attorney_billable_hours: float | None
    baseline_billable_hours: float | None
    working_days: int
    attorneys: int
    of: str


class MetricsOnTime(Schema):
    percent: float | None
    on_time: int
    with_due_time: int


class MetricsRework(Schema):
    percent: float | None
    returned: int
    reviewed: int
    reasons: dict[str, int]


class MetricsCost(Schema):
    estimated: bool
    outsourced: str | None
    inhouse: str | None
    tasks: int
    staff_hours: float | None
    outsourced_per_task: str | None
    inhouse_per_task: str | None
    outsourced_per_hour: str | None
    inhouse_per_hour: str | None
    saving: str


class MetricsIntakeResponse(Schema):
    median_minutes: float | None
    p90_minutes: float | None
    leads: int


class MetricsFeedback(Schema):
    average: float | None
    answers: int
    rating_sum: int


class MetricsStaff(Schema):
    turnover_percent: float | None
    left: int
    at_start: int
    sla_breaches: int
    open_flags_now: int


class MetricsMonth(Schema):
    month: str = Field(description="YYYY-MM")
    start: str
    end: str
    hours_recovered: MetricsHoursRecovered
    on_time: MetricsOnTime
    rework: MetricsRework
    cost: MetricsCost
    intake_response: MetricsIntakeResponse
    feedback: MetricsFeedback
    staff: MetricsStaff

    @staticmethod
    def of(figures: Figures, *, firm, currency: str) -> "MetricsMonth":
        record = metrics.metrics_record(figures, firm=firm, currency=currency)
        record["cost"]["saving"] = f"{figures.saving:.2f}"
        turnover = figures.turnover_percent
        record["staff"] = {
            "turnover_percent": None if turnover is None else float(turnover),
            "left": figures.staff_left,
            "at_start": figures.staff_at_start,
            "sla_breaches": figures.breaches,
            "open_flags_now": figures.open_flags,
        }
        return MetricsMonth.model_validate(record)


class MetricsEngagement(Schema):
    id: uuid.UUID
    name: str


class MetricsOut(Schema):
    firm: str
    engagement: MetricsEngagement | None
    currency: str
    months: list[MetricsMonth]


class MetricsQuery(Schema):
    month: str | None = Field(
        None, description="The last month, YYYY-MM; this month when empty."
    )
    months: int = Field(1, description="How many months up to it, 1 to 12.")
    engagement: uuid.UUID | None = Field(
        None, description="One engagement's figures; the whole firm when empty."
    )


@router.get(
    "metrics",
    response={200: MetricsOut, 404: ErrorOut, 422: ErrorOut},
    summary="The dashboard's figures",
    description="Month by month, oldest first, the figures of the insights "
    "dashboard: billable hours recovered, on-time completion, rework, cost "
    "outsourced against in-house, intake first response, client feedback, "
    "staff turnover. Money is a string with two decimals in “currency”; "
    "percentages and hours are numbers; null means no data that month. For "
    "the firm's attorneys and admins, as the dashboard is.",
)
def get_metrics(request: HttpRequest, firm_slug: Path[str], query: Query[MetricsQuery]):
    scope = scope_of(request)
    if not permissions.may_read(scope):
        raise Http404
    firm = scope.firm
    if not 1 <= query.months <= metrics.MONTHS_SHOWN:
        raise Unprocessable(
            f"Ask for 1 to {metrics.MONTHS_SHOWN} months.",
            fields={"months": [f"Between 1 and {metrics.MONTHS_SHOWN}."]},
        )
    last = metrics.parse_month(query.month) if query.month else metrics.this_month(firm)
    first = metrics.add_months(last, 1 - query.months)
    if first.year < metrics.FIRST_YEAR:
        raise Unprocessable(
            f"Months start in {metrics.FIRST_YEAR}: ask for a later month.",
            fields={"month": ["Too early."]},
        )
    engagement = None
    if query.engagement is not None:
        try:
            engagement = access_engagement(scope, query.engagement)
        except Http404:
            raise Unprocessable(
                "No engagement of this firm with that id: leave it out for the "
                "whole firm's figures.",
                fields={"engagement": ["Unknown engagement."]},
            ) from None
    currency = metrics.currency_of(firm, engagement)
    months = months_figures(firm, first, last, engagement=engagement)
    return MetricsOut(
        firm=firm.slug,
        engagement=MetricsEngagement(id=engagement.public_id, name=engagement.name)
        if engagement
        else None,
        currency=currency,
        months=[MetricsMonth.of(m, firm=firm, currency=currency) for m in months],
    )
