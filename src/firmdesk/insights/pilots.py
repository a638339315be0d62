"""Pilots: one function tried with a provider for 60 to 90 days, then judged
against the targets the firm set when it started.

``evaluate`` reads the figures of the pilot period from the roll-up (the same
``figures.period_figures`` the dashboard and the monthly report use: one
source for each figure) and sets each against its target: met, missed, or no
data. Before the evaluation date that is the progress so far; from the date
on, the evaluation. The recommendation follows from the results
(``recommend``, rule below); the firm records an evaluation and then decides.
A decision to go makes the engagement a standing one through the engagements
service, which only a firm admin may call.

Rules decided here (docs/insights-scorecard-pilot.md explains them):

* The period runs from the pilot's start to its evaluation date, or to today
  while that date is ahead, both days included.
* Hours recovered a month = the period's hours recovered ÷ the period's
  months, a month being 365.25 ÷ 12 = 30.4375 days.
* A "min" target is met when the figure is at least the target, a "max"
  target when it is at most the target, each compared as shown (the figure
  rounded as the page shows it). A target whose figure has no data (no task
  with a due time, no review, no lead, no time-audit baseline) is neither.
* Recommendation: **go** when at least one target has data and every target
  with data is met; **stop** when more targets with data are missed than met;
  **adjust** otherwise, including when no target has data yet (measure again).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import PILOT_TARGETS, Engagement
from firmdesk.intake import reception
from firmdesk.orgs.models import Role

from . import figures as figures_module
from . import permissions
from .models import PilotEvaluation, Recommendation

MONTH_DAYS = Decimal("365.25") / 12
TENTH = Decimal("0.1")
CENT = Decimal("0.01")
# How each figure is rounded before it is shown and compared with its target.
PRECISION = {
    "on_time_percent": TENTH,
    "rework_percent": TENTH,
    "cost_per_task": CENT,
    "lead_response_median_minutes": TENTH,
    "hours_recovered": TENTH,
}


# --- Pure rules ----------------------------------------------------------------


def judge(direction: str, target: Decimal, actual: Decimal | None) -> bool | None:
    """Met (True), missed (False), or no data (None)."""
    if actual is None:
        return None
    return actual >= target if direction == "min" else actual <= target


def per_month(
    total: Decimal | None, start: datetime.date, end: datetime.date
) -> Decimal | None:
    """``total`` over the days ``start``–``end`` (both included) as a monthly
    rate, to the tenth."""
    if total is None or end < start:
        return None
    days = (end - start).days + 1
    return (Decimal(total) * MONTH_DAYS / days).quantize(TENTH, ROUND_HALF_UP)


def recommend(outcomes: list[bool | None]) -> tuple[str, str]:
    """(recommendation, the reason in words) from each target's outcome."""
    met = sum(1 for o in outcomes if o is True)
    missed = sum(1 for o in outcomes if o is False)
    without = sum(1 for o in outcomes if o is None)
    with_data = met + missed
    unknown = (
        f" {_count(without, 'target has', 'targets have')} no figures yet."
        if without
        else ""
    )
    if not with_data:
        return (
            Recommendation.ADJUST,
            "No target has figures yet, so the pilot cannot be judged: "
            "measure again (or set targets FirmDesk can measure).",
        )
    if not missed:
        return (
            Recommendation.GO,
            f"Every target with figures was met ({met} of {with_data})." + unknown,
        )
    if missed > met:
        return (
            Recommendation.STOP,
            f"More targets were missed than met: {missed} missed, {met} met." + unknown,
        )
    return (
        Recommendation.ADJUST,
        f"Some targets were missed: {missed} missed, {met} met." + unknown,
    )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one}" if n == 1 else f"{n} {many}"


def shown(value: Decimal | None, unit: str, currency: str = "USD") -> str:
    """A figure or target as the pilot page and the stored evaluation show it."""
    if value is None:
        return "no data"
    if unit == "$":
        amount = f"{value:,.2f}"
        return f"${amount}" if currency == "USD" else f"{currency} {amount}"
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if unit == "%":
        return f"{text} %"
    return f"{text} {unit}"


# --- The evaluation --------------------------------------------------------------


@dataclass
class TargetResult:
    key: str
    label: str
    unit: str
    direction: str
    target: Decimal
    actual: Decimal | None
    met: bool | None
    target_text: str
    actual_text: str
    note: str = ""

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "label": self.label,
            "unit": self.unit,
            "direction": self.direction,
            "target": str(self.target),
            "actual": None if self.actual is None else str(self.actual),
            "met": self.met,
            "target_text": self.target_text,
            "actual_text": self.actual_text,
            "note": self.note,
        }


@dataclass
class Evaluation:
    engagement: Engagement
    start: datetime.date
    end: datetime.date
    final: bool  # the evaluation date has come
    results: list[TargetResult]
    recommendation: str
    reason: str
    day: int  # of the pilot, 1 on its first day
    days: int  # in the whole pilot
    figures: figures_module.Figures = field(repr=False)

    @property
    def recommendation_label(self) -> str:
        return Recommendation(self.recommendation).label


def targets_of(engagement: Engagement) -> list[tuple[str, Decimal]]:
    """The targets set, in ``PILOT_TARGETS`` order; empty ones left out."""
    out = []
    for key in PILOT_TARGETS:
        value = (engagement.pilot_targets or {}).get(key)
        if value is None or value == "":
            continue
        out.append((key, Decimal(str(value))))
    return out


def target_lines(engagement: Engagement) -> list[str]:
    """The targets in words: "On-time completion, at least 90 %"."""
    return [
        f"{PILOT_TARGETS[key][0]} "
        f"{shown(value, PILOT_TARGETS[key][1], engagement.currency)}"
        for key, value in targets_of(engagement)
    ]


def _actuals(figures, start, end) -> dict[str, tuple[Decimal | None, str]]:
    """key → (the figure as compared, a note on how it was found)."""
    minutes = figures.lead_response_median_minutes
    raw: dict[str, tuple[Decimal | float | None, str]] = {
        "on_time_percent": (figures.on_time_percent, ""),
        "rework_percent": (figures.rework_percent, ""),
        "cost_per_task": (
            figures.cost_per_task,
            "estimated from the engagement's price (no reconciled provider bill)"
            if figures.cost_estimated and figures.cost_per_task is not None
            else "",
        ),
        "lead_response_median_minutes": (minutes, ""),
        "hours_recovered": (
            per_month(figures.hours_recovered, start, end),
            f"{figures.hours_recovered} hours in {(end - start).days + 1} days, "
            "per month of 30.44 days"
            if figures.hours_recovered is not None
            else "",
        ),
    }
    out = {}
    for key, (value, note) in raw.items():
        if value is not None:
            value = Decimal(str(value)).quantize(PRECISION[key], ROUND_HALF_UP)
        out[key] = (value, note)
    return out


def evaluate(engagement: Engagement, today: datetime.date) -> Evaluation | None:
    """The pilot's figures against its targets from its start to its
    evaluation date (or today, while that is ahead); None before the start
    or for an engagement without pilot dates."""
    start, due = engagement.pilot_start, engagement.pilot_evaluation
    if start is None or due is None or today < start:
        return None
    end = min(due, today)
    found = figures_module.period_figures(
        engagement.firm, start, end, engagement=engagement, today=today
    )
    actuals = _actuals(found, start, end)
    results = []
    for key, target in targets_of(engagement):
        label, unit, direction = PILOT_TARGETS[key]
        actual, note = actuals[key]
        results.append(
            TargetResult(
                key=key,
                label=label,
                unit=unit,
                direction=direction,
                target=target,
                actual=actual,
                met=judge(direction, target, actual),
                target_text=shown(target, unit, engagement.currency),
                actual_text=shown(actual, unit, engagement.currency),
                note=note,
            )
        )
    recommendation, reason = recommend([r.met for r in results])
    return Evaluation(
        engagement=engagement,
        start=start,
        end=end,
        final=today >= due,
        results=results,
        recommendation=recommendation,
        reason=reason,
        day=(end - start).days + 1,
        days=(due - start).days + 1,
        figures=found,
    )


# --- Reads -------------------------------------------------------------------------


def pilot_engagements(scope):
    """The firm's engagements that are, or were, pilots."""
    return (
        Engagement.objects.in_scope(scope)
        .filter(Q(status=Engagement.Status.PILOT) | Q(pilot_start__isnull=False))
        .select_related("provider")
        .order_by("-pilot_start", "name")
    )


def is_pilot(engagement: Engagement) -> bool:
    return (
        engagement.status == Engagement.Status.PILOT
        or engagement.pilot_start is not None
    )


def evaluations_of(engagement: Engagement):
    return (
        PilotEvaluation.objects.for_firm(engagement.firm_id)
        .filter(engagement=engagement)
        .select_related("created_by", "decided_by")
        .order_by("-created_at", "-pk")
    )


def latest_evaluations(firm, engagement_ids) -> dict[int, PilotEvaluation]:
    """engagement id → its latest recorded evaluation; one query."""
    latest: dict[int, PilotEvaluation] = {}
    for one in (
        PilotEvaluation.objects.for_firm(firm)
        .filter(engagement_id__in=list(engagement_ids))
        .order_by("created_at", "pk")
    ):
        latest[one.engagement_id] = one
    return latest


def pilot_url(engagement: Engagement) -> str:
    return reverse(
        "insights:pilot_detail", args=[engagement.firm.slug, engagement.public_id]
    )


def reminder_recipients(engagement: Engagement) -> list:
    """The firm's primary contact for the engagement and its firm admins,
    each once, active members of the firm only."""
    contact_id = engagement.firm_primary_contact_id
    return [
        person
        for person, roles in reception.firm_people(engagement.firm)
        if Role.FIRM_ADMIN in roles or person.pk == contact_id
    ]


# --- Services -----------------------------------------------------------------------


def _require_planner(scope) -> None:
    if not permissions.may_plan(scope):
        raise ServiceError(
            "Only the firm's attorneys and admins can record pilot evaluations."
        )


def evaluation_record(
    *, scope, engagement: Engagement, today: datetime.date | None = None
) -> PilotEvaluation:
    """Keep the evaluation as it stands today: its period, each target's
    result and the recommendation they give."""
    _require_planner(scope)
    today = today or timezone.localdate(timezone=scope.firm.tz)
    found = evaluate(engagement, today)
    if found is None:
        raise ServiceError(
            "The pilot has not started yet: there is nothing to evaluate until "
            f"{engagement.pilot_start or 'its start date'}."
        )
    with transaction.atomic():
        evaluation = PilotEvaluation.objects.create(
            firm=scope.firm,
            engagement=engagement,
            period_start=found.start,
            period_end=found.end,
            results=[r.as_json() for r in found.results],
            recommendation=found.recommendation,
            created_by=scope.user,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="pilot.evaluated",
            obj=evaluation,
            summary=f"Pilot of {engagement} evaluated for {found.start} to "
            f"{found.end}: {found.recommendation}",
            detail={
                "engagement": str(engagement.public_id),
                "reason": found.reason,
                "early": not found.final,
            },
        )
    return evaluation


def evaluation_decide(
    *, scope, evaluation: PilotEvaluation, decision: str, note: str = ""
) -> PilotEvaluation:
    """The firm's decision on a recorded evaluation. Go makes the engagement
    active (a firm admin's change); adjust and stop leave it as it is: the
    pilot's terms are changed, or the engagement ended, on its own pages."""
    _require_planner(scope)
    if decision not in Recommendation.values:
        raise ServiceError("Choose go, adjust or stop.", field="decision")
    if evaluation.decision:
        raise ServiceError(
            "This evaluation was decided already. Record a new evaluation to "
            "decide again."
        )
    engagement = evaluation.engagement
    if decision == Recommendation.GO:
        if engagement.status != Engagement.Status.PILOT:
            raise ServiceError(
                f"{engagement} is no longer in pilot "
                f"({engagement.get_status_display().lower()}).",
                field="decision",
            )
        if not scope.is_firm_admin:
            raise ServiceError(
                "Only a firm admin can make the pilot a standing engagement. "
                "Ask one to record this decision, or choose adjust or stop.",
                field="decision",
            )
    with transaction.atomic():
        evaluation.decision = decision
        evaluation.note = note.strip()
        evaluation.decided_by = scope.user
        evaluation.decided_at = timezone.now()
        evaluation.save(
            update_fields=["decision", "note", "decided_by", "decided_at", "updated_at"]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="pilot.decided",
            obj=evaluation,
            summary=f"Pilot of {engagement}: decided {decision} "
            f"(recommended {evaluation.recommendation})",
            detail={"engagement": str(engagement.public_id), "note": evaluation.note},
        )
        if decision == Recommendation.GO:
            engagement_services.engagement_update(
                scope=scope, engagement=engagement, status=Engagement.Status.ACTIVE
            )
    return evaluation
