"""The figures of a period, read from the roll-up (``WorkDay``,
``BillableDay``) and worked out with ``insights.formulas``.

A period is a range of days in the firm's calendar, both ends included: a
month for the dashboard and the report, a week for the weekly review.
``engagement=None`` is the whole firm: the work and cost of all its
engagements together, every lead and feedback answer of the firm, and its
attorneys' hours recovered (docs/insights.md says why).

Figures that describe the present rather than a day's work (open flags,
staff turnover) are read from their own small tables; everything else comes
from the roll-up, a fixed number of queries however much work there was.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone

from firmdesk.engagements.models import Assignment, Engagement
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Membership, Role
from firmdesk.work.models import Flag, Review

from . import formulas, rollup
from .models import BillableDay, TimeAudit, TimeAuditEntry, WorkDay

ZERO = Decimal("0.00")
REASON_LABELS = dict(Review.Reason.choices)


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    first = month.replace(day=1)
    last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    return first, last


@dataclass
class Counts:
    """The roll-up summed over a period (one engagement, or several)."""

    finished: int = 0
    finished_with_due: int = 0
    finished_on_time: int = 0
    reviewed: int = 0
    returned: int = 0
    returned_reasons: dict = field(default_factory=dict)
    staff_minutes: int = 0
    task_response_minutes: list = field(default_factory=list)
    approval_minutes: list = field(default_factory=list)
    lead_response_minutes: list = field(default_factory=list)
    feedback_answers: int = 0
    feedback_rating_sum: int = 0
    breaches: int = 0
    bills: int = 0
    billed_cost: Decimal = ZERO

    SUMMED = (
        "finished",
        "finished_with_due",
        "finished_on_time",
        "reviewed",
        "returned",
        "staff_minutes",
        "feedback_answers",
        "feedback_rating_sum",
        "breaches",
        "bills",
        "billed_cost",
    )
    LISTS = ("task_response_minutes", "approval_minutes", "lead_response_minutes")

    def add(self, row: dict) -> None:
        for name in self.SUMMED:
            setattr(self, name, getattr(self, name) + (row[name] or 0))
        for name in self.LISTS:
            getattr(self, name).extend(row[name] or [])
        self.returned_reasons = formulas.merge_counts(
            [self.returned_reasons, row["returned_reasons"]]
        )

    @property
    def staff_hours(self) -> Decimal:
        return (Decimal(self.staff_minutes) / 60).quantize(Decimal("0.01"))


ROW_FIELDS = ("engagement_id", "day", *Counts.SUMMED, *Counts.LISTS, "returned_reasons")


def counts_by_engagement(
    firm, start: datetime.date, end: datetime.date, engagement=None
) -> dict[int | None, Counts]:
    """engagement id (None: the firm's own people) → its counts in the period.
    One query."""
    rows = WorkDay.objects.for_firm(firm).filter(day__range=(start, end))
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    out: dict[int | None, Counts] = defaultdict(Counts)
    for row in rows.values(*ROW_FIELDS):
        out[row["engagement_id"]].add(row)
    return dict(out)


# --- The time-audit baseline ---------------------------------------------------


@dataclass
class Baseline:
    audit: TimeAudit | None
    per_day: dict[int, Decimal]  # attorney → billable hours per day recorded


def audit_baseline(firm) -> Baseline:
    """The latest closed time audit: for each of the firm's attorneys who
    recorded time in it, billable hours ÷ days with anything recorded."""
    audit = (
        TimeAudit.objects.for_firm(firm)
        .filter(closed_at__isnull=False)
        .order_by("-closed_at")
        .first()
    )
    if audit is None:
        return Baseline(None, {})
    attorneys = firm_attorneys(firm)
    days: dict[int, set] = defaultdict(set)
    billable: dict[int, Decimal] = defaultdict(Decimal)
    for person, day, category, hours in (
        TimeAuditEntry.objects.for_firm(firm)
        .filter(audit=audit, person_id__in=attorneys)
        .values_list("person_id", "date", "category", "hours")
    ):
        days[person].add(day)
        if category == "billable":
            billable[person] += hours
    per_day = {
        person: (billable[person] / len(recorded)).quantize(Decimal("0.01"))
        for person, recorded in days.items()
    }
    return Baseline(audit, per_day)


def firm_attorneys(firm) -> set[int]:
    """The users who are attorneys of the firm today (roles are a list per
    membership, read here rather than filtered: SQLite cannot look inside)."""
    return {
        user_id
        for user_id, roles in Membership.objects.filter(
            organization=firm, is_active=True
        ).values_list("user_id", "roles")
        if Role.ATTORNEY in roles
    }


def working_days(
    firm,
    start: datetime.date,
    end: datetime.date,
    clock: BusinessCalendar | None = None,
) -> int:
    """Days the firm is open (its working hours, holidays and closures)
    from ``start`` to ``end``, both included. ``clock``: the firm's calendar,
    when the caller has one (building it costs milliseconds a year)."""
    clock = clock or BusinessCalendar.for_organization(firm)
    n = 0
    day = start
    while day <= end:
        n += clock.is_open_day(day)
        day += datetime.timedelta(days=1)
    return n


# --- Figures -------------------------------------------------------------------


@dataclass
class Figures:
    """Every figure of a period, with the numbers it was worked out from."""

    start: datetime.date
    end: datetime.date
    engagement: Engagement | None
    counts: Counts
    # Work
    on_time_percent: Decimal | None = None
    rework_percent: Decimal | None = None
    returned_by_reason: list = field(default_factory=list)  # (label, count)
    task_response_median_hours: float | None = None
    approval_median_hours: float | None = None
    # Cost
    cost: Decimal = ZERO
    cost_estimated: bool = False
    inhouse_cost: Decimal = ZERO
    cost_per_task: Decimal | None = None
    cost_per_hour: Decimal | None = None
    inhouse_per_task: Decimal | None = None
    inhouse_per_hour: Decimal | None = None
    saving: Decimal = ZERO
    # Intake and clients (for the whole firm, every lead and answer of the
    # firm, in-house ones too: these counts, not ``counts``, are their basis)
    leads_answered: int = 0
    lead_response_median_minutes: float | None = None
    lead_response_p90_minutes: float | None = None
    feedback_answers: int = 0
    feedback_rating_sum: int = 0
    feedback_average: Decimal | None = None
    # The firm's attorneys
    hours_recovered: Decimal | None = None
    recovered_working_days: int = 0
    recovered_month_hours: Decimal = ZERO
    recovered_baseline_hours: Decimal = ZERO
    recovered_attorneys: int = 0
    # The present
    open_flags: int = 0
    staff_at_start: int = 0
    staff_left: int = 0
    turnover_percent: Decimal | None = None

    @property
    def tasks(self) -> int:
        return self.counts.finished

    @property
    def breaches(self) -> int:
        return self.counts.breaches


def _engagement_cost(engagement: Engagement, counts: Counts, start, end, tz):
    """(cost, estimated): the reconciled bills of the period, or, without
    any, the engagement's price applied to what was logged."""
    if counts.bills:
        return formulas.money(counts.billed_cost), False
    cost = formulas.estimated_cost(
        pricing=engagement.pricing_model,
        price=engagement.price,
        staff_hours=Decimal(counts.staff_minutes) / 60,
        tasks=counts.finished,
        live=_live_in(engagement, start, end, tz),
    )
    return cost, True


def _live_in(engagement: Engagement, start, end, tz) -> bool:
    """The engagement was in pilot or running at some time in the period."""
    if engagement.status == Engagement.Status.PROPOSED:
        return False
    began = engagement.start_date or engagement.pilot_start
    ended = engagement.end_date or (
        timezone.localdate(engagement.ended_at, timezone=tz)
        if engagement.ended_at
        else None
    )
    return not ((began and began > end) or (ended and ended < start))


def period_figures(
    firm,
    start: datetime.date,
    end: datetime.date,
    *,
    engagement: Engagement | None = None,
    today: datetime.date | None = None,
    by_engagement: dict | None = None,
    baseline: Baseline | None = None,
    shared: Shared | None = None,
    billable_minutes: dict[int, int] | None = None,
) -> Figures:
    """The figures of ``start``–``end`` for one engagement, or the whole firm.

    ``by_engagement``, ``baseline``, ``shared`` and ``billable_minutes``
    (baseline attorney → billable minutes from ``start`` to today or ``end``)
    may be passed in when the caller already read them (a year of months
    reads each once)."""
    today = today or timezone.localdate(timezone=firm.tz)
    if by_engagement is None:
        by_engagement = counts_by_engagement(firm, start, end, engagement)
    if shared is None:
        shared = read_shared(firm, engagement)
    if engagement is not None:
        engagements = [engagement]
    else:
        engagements = [
            one
            for one in shared.engagements
            if one.pk in by_engagement or _live_in(one, start, end, firm.tz)
        ]
    work = Counts()
    for one in engagements:
        if one.pk in by_engagement:
            work.add(_as_row(by_engagement[one.pk]))
    people = Counts()  # every lead and feedback answer of the period
    for counts in by_engagement.values():
        people.add(_as_row(counts))
    if engagement is not None:
        people = work

    figures = Figures(start=start, end=end, engagement=engagement, counts=work)
    figures.on_time_percent = formulas.on_time_rate(
        work.finished_on_time, work.finished_with_due
    )
    figures.rework_percent = formulas.rework_rate(work.returned, work.reviewed)
    figures.returned_by_reason = [
        (label, work.returned_reasons[value])
        for value, label in Review.Reason.choices
        if work.returned_reasons.get(value)
    ]
    task_median = formulas.median(work.task_response_minutes)
    figures.task_response_median_hours = (
        task_median / 60 if task_median is not None else None
    )
    approval_median = formulas.median(work.approval_minutes)
    figures.approval_median_hours = (
        approval_median / 60 if approval_median is not None else None
    )

    estimated = False
    cost = inhouse = ZERO
    for one in engagements:
        counts = by_engagement.get(one.pk, Counts())
        one_cost, one_estimated = _engagement_cost(one, counts, start, end, firm.tz)
        if one_cost or counts.staff_minutes or counts.finished:
            estimated = estimated or one_estimated
        cost += one_cost
        inhouse += formulas.money(
            one.inhouse_hourly_cost * Decimal(counts.staff_minutes) / 60
        )
    figures.cost, figures.cost_estimated = cost, estimated
    figures.inhouse_cost = inhouse
    figures.saving = inhouse - cost
    # Per task needs a cost to share out: an estimate from hours with no
    # hours logged is no data, not "$0.00 a task"; and the in-house side of a
    # task is worked out from hours, so it needs some.
    figures.cost_per_task = formulas.divide_money(cost or None, work.finished)
    figures.cost_per_hour = formulas.divide_money(cost, work.staff_hours)
    figures.inhouse_per_task = formulas.divide_money(
        inhouse if work.staff_minutes else None, work.finished
    )
    figures.inhouse_per_hour = formulas.divide_money(inhouse, work.staff_hours)

    figures.leads_answered = len(people.lead_response_minutes)
    figures.lead_response_median_minutes = formulas.median(people.lead_response_minutes)
    figures.lead_response_p90_minutes = formulas.p90(people.lead_response_minutes)
    figures.feedback_answers = people.feedback_answers
    figures.feedback_rating_sum = people.feedback_rating_sum
    figures.feedback_average = formulas.average(
        people.feedback_rating_sum, people.feedback_answers
    )

    _hours_recovered(
        figures,
        firm,
        start,
        min(end, today),
        baseline,
        shared.clock,
        billable_minutes,
    )
    _present(figures, shared, engagements, start, end)
    return figures


def _as_row(counts: Counts) -> dict:
    row = {name: getattr(counts, name) for name in (*Counts.SUMMED, *Counts.LISTS)}
    row["returned_reasons"] = counts.returned_reasons
    return row


def _hours_recovered(
    figures, firm, start, end, baseline, clock, minutes: dict | None = None
) -> None:
    if end < start:
        return
    baseline = baseline or audit_baseline(firm)
    if not baseline.per_day:
        return
    if minutes is None:
        minutes = dict(
            BillableDay.objects.for_firm(firm)
            .filter(day__range=(start, end), person_id__in=list(baseline.per_day))
            .values_list("person_id")
            .annotate(total=Sum("minutes"))
            .values_list("person_id", "total")
        )
    month_hours = {
        person: Decimal(total) / 60 for person, total in minutes.items() if total
    }
    days = working_days(firm, start, end, clock)
    figures.recovered_working_days = days
    figures.recovered_attorneys = len(baseline.per_day)
    figures.recovered_month_hours = sum(month_hours.values(), Decimal(0)).quantize(
        Decimal("0.01")
    )
    figures.recovered_baseline_hours = sum(baseline.per_day.values(), Decimal(0)) * days
    if not month_hours:
        # No attorney of the baseline kept billable time in FirmDesk that
        # month (before the firm used it, say): no data, not a loss.
        return
    figures.hours_recovered = formulas.hours_recovered(
        month_hours=month_hours,
        baseline_per_day=baseline.per_day,
        working_days=days,
    )


@dataclass
class Shared:
    """What every period of a range reads alike, read once for a year of
    months: the engagements, their open flags (a figure of now, whatever the
    period), their staff's assignment dates, and the firm's calendar."""

    engagements: list[Engagement]
    open_flags: dict[int, int]  # engagement id → unresolved flags
    assignments: list[tuple[int, datetime.date, datetime.date | None]]
    clock: BusinessCalendar


def read_shared(firm, engagement: Engagement | None = None) -> Shared:
    """Three queries (two for one engagement)."""
    if engagement is not None:
        engagements = [engagement]
    else:
        engagements = list(Engagement.objects.for_firm(firm))
    ids = [one.pk for one in engagements]
    open_flags = dict(
        Flag.objects.for_firm(firm)
        .filter(task__engagement_id__in=ids, resolved_at__isnull=True)
        .values("task__engagement_id")
        .annotate(n=Count("pk"))
        .values_list("task__engagement_id", "n")
    )
    assignments = list(
        Assignment.objects.for_firm(firm)
        .filter(engagement_id__in=ids)
        .values_list("engagement_id", "start_date", "end_date")
    )
    clock = BusinessCalendar.for_organization(firm)
    return Shared(engagements, open_flags, assignments, clock)


def _present(figures, shared: Shared, engagements, start, end) -> None:
    """Open flags now; staff turnover in the period: of the staff assigned
    on its first day, those whose assignment ended in it."""
    ids = {one.pk for one in engagements}
    figures.open_flags = sum(n for key, n in shared.open_flags.items() if key in ids)
    dates = [(began, ended) for key, began, ended in shared.assignments if key in ids]
    figures.staff_at_start = sum(
        1
        for began, ended in dates
        if began <= start and (ended is None or ended >= start)
    )
    figures.staff_left = sum(
        1 for _, ended in dates if ended is not None and start <= ended <= end
    )
    figures.turnover_percent = formulas.turnover_rate(
        figures.staff_left, figures.staff_at_start
    )


def month_figures(
    firm, month: datetime.date, *, engagement=None, today=None
) -> Figures:
    start, end = month_bounds(month)
    return period_figures(firm, start, end, engagement=engagement, today=today)


@dataclass
class RollupMonths:
    """The roll-up of a range of months, summed per month: month → engagement
    id (None: the firm's own people) → counts, and month → person → billable
    minutes (up to today)."""

    work: dict[datetime.date, dict[int | None, Counts]]
    billable: dict[datetime.date, dict[int, int]]


# What was read stays this long at most; a change of the roll-up makes it
# unreachable at once (its key names the roll-up's version mark).
ROLLUP_CACHE_SECONDS = 24 * 60 * 60
# Part of the key: raise it when ``RollupMonths`` or ``Counts`` change shape,
# so servers of a new release never unpickle what an old one kept in Redis.
ROLLUP_CACHE_FORMAT = 1


def _read_rollup_months(firm, start, end, engagement, today) -> RollupMonths:
    rows = WorkDay.objects.for_firm(firm).filter(day__range=(start, end))
    if engagement is not None:
        rows = rows.filter(engagement=engagement)
    work: dict[datetime.date, dict] = defaultdict(lambda: defaultdict(Counts))
    for row in rows.values(*ROW_FIELDS):
        work[row["day"].replace(day=1)][row["engagement_id"]].add(row)
    billable: dict[datetime.date, dict] = defaultdict(lambda: defaultdict(int))
    for person, day, minutes in (
        BillableDay.objects.for_firm(firm)
        .filter(day__range=(start, min(end, today)))
        .values_list("person_id", "day", "minutes")
    ):
        billable[day.replace(day=1)][person] += minutes
    return RollupMonths(
        work={month: dict(counts) for month, counts in work.items()},
        billable={month: dict(people) for month, people in billable.items()},
    )


def rollup_months(
    firm, start: datetime.date, end: datetime.date, *, engagement, today
) -> RollupMonths:
    """The roll-up of ``start``–``end`` (whole months) for the firm or one
    engagement. Summing a year of days (their lists decoded one by one) was
    most of the dashboard's own work on every request, so the sums are kept
    in Django's cache (shared by every process where it is Redis) under the
    firm's roll-up version mark: the first reader after a change of the
    roll-up sums again. A firm with no mark yet (nothing counted) is read
    every time."""
    mark = rollup.version(firm)
    if not mark:
        return _read_rollup_months(firm, start, end, engagement, today)
    who = engagement.public_id if engagement is not None else "firm"
    key = (
        f"insights.rollup-months.{ROLLUP_CACHE_FORMAT}:{firm.public_id}:{who}:"
        f"{start}:{end}:{today}:{mark}"
    )
    found = cache.get(key)
    if found is None:
        found = _read_rollup_months(firm, start, end, engagement, today)
        cache.set(key, found, ROLLUP_CACHE_SECONDS)
    return found


def months_figures(
    firm, first: datetime.date, last: datetime.date, *, engagement=None, today=None
) -> list[Figures]:
    """One ``Figures`` per month from ``first``'s month to ``last``'s, reading
    the roll-up once for the whole range."""
    start, _ = month_bounds(first)
    _, end = month_bounds(last)
    today = today or timezone.localdate(timezone=firm.tz)
    summed = rollup_months(firm, start, end, engagement=engagement, today=today)
    baseline = audit_baseline(firm)
    shared = read_shared(firm, engagement)
    out = []
    month = start
    while month <= end:
        m_start, m_end = month_bounds(month)
        minutes = summed.billable.get(month, {})
        out.append(
            period_figures(
                firm,
                m_start,
                m_end,
                engagement=engagement,
                today=today,
                by_engagement=dict(summed.work.get(month, {})),
                baseline=baseline,
                shared=shared,
                billable_minutes={
                    person: n
                    for person, n in minutes.items()
                    if person in baseline.per_day
                },
            )
        )
        month = m_end + datetime.timedelta(days=1)
    return out
