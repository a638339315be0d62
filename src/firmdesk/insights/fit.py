"""Fit assessment: which kinds of task to hand to an outside team, and in
what order.

Each kind of task is asked four questions; any yes makes it a candidate.
``ranked`` puts the candidates in the order to hand them off, safest first,
and says of each row in words why it stands where it does; the order and
its reasons are in docs/insights-planning.md. The services create, change and
delete assessments (the firm's attorneys and admins, audited) and add a
starter list of the common task types of the eight functions.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Sum

from firmdesk.common.errors import ServiceError
from firmdesk.orgs.models import Function

from . import planner
from .formulas import CENT
from .models import FitAssessment, TimeAudit, TimeAuditEntry

ZERO = Decimal("0.00")
MAX_HOURS_PER_WEEK = Decimal("168")

# The four questions; any yes makes the task a candidate.
QUESTIONS = (
    ("no_law_degree", "an attorney regularly does it, and it needs no law degree"),
    ("falling_behind", "the team is falling behind on it"),
    ("billable_lost", "billable time is lost or work turned away because of it"),
    (
        "instructions_possible",
        "someone else could do it with written instructions and templates",
    ),
)
RISKS = (
    ("touches_revenue", "it touches revenue directly"),
    ("needs_supervision", "it needs close attorney supervision"),
)

# Safest to hand off first. The issue names calendar and data entry as the
# low-risk operations; after them, the order follows how much a mistake costs
# and how late it is found (docs/insights-planning.md, "The order").
FUNCTION_ORDER: tuple[tuple[str, str], ...] = (
    (
        Function.SCHEDULING,
        "calendar work follows fixed rules and is easy to check, the lowest-risk "
        "work to hand off",
    ),
    (
        Function.CRM,
        "data entry copies what is already written by set rules, and a spot "
        "check finds mistakes",
    ),
    (
        Function.RECEPTION,
        "calls and messages follow a script and need no legal judgement, but "
        "clients hear every one",
    ),
    (
        Function.INTAKE,
        "intake is a prospective client's first contact and needs a conflicts "
        "check before anything is promised",
    ),
    (
        Function.CASE_MANAGEMENT,
        "case management keeps files and deadlines, where a slip is found late",
    ),
    (
        Function.DOCUMENTS,
        "documents are drafted for an attorney to review before they go out",
    ),
    (
        Function.RESEARCH,
        "research is the closest to legal judgement and needs an attorney's direction",
    ),
    (
        Function.BILLING,
        "billing reaches clients' invoices and the firm's revenue",
    ),
)
FUNCTION_RANK = {str(code): n for n, (code, _) in enumerate(FUNCTION_ORDER)}
FUNCTION_WHY = {str(code): why for code, why in FUNCTION_ORDER}
NO_FUNCTION_RANK = len(FUNCTION_ORDER)

# The starter list: one common task type per function, in the low-risk order.
STARTER = (
    (Function.SCHEDULING, "Calendar and scheduling (appointments, court dates)"),
    (Function.CRM, "Data entry (contacts, matter details, records)"),
    (Function.RECEPTION, "Answering calls and messages"),
    (Function.INTAKE, "Intake of new clients (screening, forms, follow-up)"),
    (Function.CASE_MANAGEMENT, "Case file upkeep (status, deadlines, letters)"),
    (Function.DOCUMENTS, "Document preparation from templates"),
    (Function.RESEARCH, "Basic research an attorney asks for"),
    (Function.BILLING, "Billing and collections (time, invoices, follow-up)"),
)

FIELDS = (
    "task_type",
    "function",
    *(name for name, _ in QUESTIONS),
    *(name for name, _ in RISKS),
    "hours_per_week",
    "notes",
)


# --- Ranking ---------------------------------------------------------------


def yeses(a: FitAssessment) -> list[str]:
    return [text for name, text in QUESTIONS if getattr(a, name)]


def risks(a: FitAssessment) -> list[str]:
    return [text for name, text in RISKS if getattr(a, name)]


def is_candidate(a: FitAssessment) -> bool:
    return bool(yeses(a))


def _key(a: FitAssessment) -> tuple:
    return (
        len(risks(a)),
        FUNCTION_RANK.get(a.function, NO_FUNCTION_RANK),
        -len(yeses(a)),
        -a.hours_per_week,
        a.task_type.lower(),
    )


@dataclass(frozen=True)
class RankedRow:
    assessment: FitAssessment
    rank: int | None  # None: not a candidate
    reasons: tuple[str, ...]
    # Why it stands below the row above it (empty for the first and for
    # rows that are not candidates).
    below: str


def _hours(value: Decimal) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text} hour{'' if value == 1 else 's'}"


def _reasons(a: FitAssessment) -> tuple[str, ...]:
    said_yes, flagged = yeses(a), risks(a)
    risk = {
        0: "No risk flag.",
        1: f"One risk flag: {flagged[0] if flagged else ''}.",
        2: f"Both risk flags: {' and '.join(flagged)}.",
    }[len(flagged)]
    if a.function:
        place = FUNCTION_RANK[a.function] + 1
        kind = (
            f"{a.get_function_display()} ({place} of {len(FUNCTION_ORDER)} in the "
            f"low-risk order): {FUNCTION_WHY[a.function]}."
        )
    else:
        kind = "No function named, so it comes after the eight functions."
    answered = (
        f"Yes to {len(said_yes)} of the {len(QUESTIONS)} questions: "
        f"{'; '.join(said_yes)}."
    )
    hours = (
        f"About {_hours(a.hours_per_week)} a week."
        if a.hours_per_week
        else "Hours a week not given."
    )
    return (risk, kind, answered, hours)


def _below(above: FitAssessment, this: FitAssessment, above_rank: int) -> str:
    mine, theirs = _key(this), _key(above)
    if mine[0] != theirs[0]:
        return f"Below #{above_rank}: more risk flags."
    if mine[1] != theirs[1]:
        return f"Below #{above_rank}: same risk, later in the low-risk order."
    if mine[2] != theirs[2]:
        return (
            f"Below #{above_rank}: same risk and kind of work, fewer questions "
            "answered yes."
        )
    if mine[3] != theirs[3]:
        return f"Below #{above_rank}: alike otherwise, fewer hours a week."
    return f"Level with #{above_rank} on everything; listed by name."


@dataclass(frozen=True)
class Ranking:
    candidates: list[RankedRow]
    others: list[RankedRow]


NOT_A_CANDIDATE = "No question answered yes, so it is not a candidate to hand off."


def ranked(assessments) -> Ranking:
    """The candidates in the order to hand them off, and apart from them the
    task types no question made a candidate (docs/insights-planning.md)."""
    rows = sorted(assessments, key=_key)
    chosen = [a for a in rows if is_candidate(a)]
    candidates = []
    for n, a in enumerate(chosen, start=1):
        below = _below(chosen[n - 2], a, n - 1) if n > 1 else ""
        candidates.append(RankedRow(a, n, _reasons(a), below))
    others = [
        RankedRow(a, None, (NOT_A_CANDIDATE,), "")
        for a in sorted(
            (a for a in rows if not is_candidate(a)),
            key=lambda a: a.task_type.lower(),
        )
    ]
    return Ranking(candidates, others)


# --- The time audit's hours ------------------------------------------------


@dataclass(frozen=True)
class AuditHours:
    audit: TimeAudit | None
    per_week: dict[str, Decimal]  # function → the firm's hours a week on it

    @property
    def rows(self) -> list[tuple[str, Decimal]]:
        """(function's name, hours a week), in the low-risk order."""
        labels = dict(Function.choices)
        return [
            (labels[code], self.per_week[code])
            for code, _ in FUNCTION_ORDER
            if code in self.per_week
        ]


def audit_hours(firm) -> AuditHours:
    """From the latest closed time audit: each function's hours recorded by
    everyone in the firm, per week of the audit (its calendar days ÷ 7).

    The audit is chosen as ``figures.audit_baseline`` chooses the one hours
    recovered are measured against: the planner and the dashboard read the
    same audit."""
    audit = (
        TimeAudit.objects.for_firm(firm)
        .filter(closed_at__isnull=False)
        .order_by("-closed_at")
        .first()
    )
    if audit is None:
        return AuditHours(None, {})
    days = (audit.end_date - audit.start_date).days + 1
    weeks = Decimal(max(days, 1)) / 7
    totals = (
        TimeAuditEntry.objects.for_firm(firm)
        .filter(audit=audit, category__in=Function.values)
        .values("category")
        .annotate(total=Sum("hours"))
    )
    return AuditHours(
        audit,
        {
            row["category"]: (row["total"] / weeks).quantize(CENT, ROUND_HALF_UP)
            for row in totals
        },
    )


# --- Writes ----------------------------------------------------------------


@dataclass
class FitData:
    task_type: str
    function: str = ""
    no_law_degree: bool = False
    falling_behind: bool = False
    billable_lost: bool = False
    instructions_possible: bool = False
    touches_revenue: bool = False
    needs_supervision: bool = False
    hours_per_week: Decimal = ZERO
    notes: str = ""


def _check(scope, data: FitData) -> None:
    planner.require_plan(scope)
    data.task_type = " ".join(data.task_type.split())
    if not data.task_type:
        raise ServiceError("Name the kind of task.", field="task_type")
    if len(data.task_type) > 200:
        raise ServiceError("Keep the task type to 200 characters.", field="task_type")
    if data.function and data.function not in Function.values:
        raise ServiceError("Choose a function from the list.", field="function")
    if not ZERO <= data.hours_per_week <= MAX_HOURS_PER_WEEK:
        raise ServiceError(
            "Give the hours a week from 0 to 168 (0: not known).",
            field="hours_per_week",
        )
    data.notes = data.notes.strip()


def _values(a: FitAssessment) -> dict:
    return {name: str(getattr(a, name)) for name in FIELDS}


def _audit(scope, verb: str, a: FitAssessment, detail: dict) -> None:
    planner.audit(
        scope,
        f"insights.fit_assessment.{verb}",
        a,
        f"Fit assessment of “{a.task_type}” {verb}",
        detail,
    )


def assessment_create(*, scope, data: FitData) -> FitAssessment:
    _check(scope, data)
    a = FitAssessment(firm=scope.firm, created_by=scope.user, **vars(data))
    with transaction.atomic():
        a.save()
        _audit(scope, "created", a, {"after": _values(a)})
    return a


def assessment_update(*, scope, assessment: FitAssessment, data: FitData):
    _check(scope, data)
    before = _values(assessment)
    for name, value in vars(data).items():
        setattr(assessment, name, value)
    with transaction.atomic():
        assessment.save()
        _audit(
            scope, "updated", assessment, planner.changes(before, _values(assessment))
        )
    return assessment


def assessment_delete(*, scope, assessment: FitAssessment) -> None:
    planner.require_plan(scope)
    with transaction.atomic():
        _audit(scope, "deleted", assessment, {"before": _values(assessment)})
        assessment.delete()


def starter_missing(scope) -> list[tuple[str, str]]:
    """The starter task types the firm has not assessed yet (by name)."""
    have = {
        name.lower()
        for name in FitAssessment.objects.in_scope(scope).values_list(
            "task_type", flat=True
        )
    }
    return [
        (str(function), name) for function, name in STARTER if name.lower() not in have
    ]


def starter_add(*, scope) -> list[FitAssessment]:
    """Add the starter task types not yet there, unanswered, with the hours a
    week from the latest closed time audit where it has them. Pressing the
    button again adds nothing twice."""
    planner.require_plan(scope)
    hours = audit_hours(scope.firm)
    with transaction.atomic():
        made = FitAssessment.objects.bulk_create(
            FitAssessment(
                firm=scope.firm,
                created_by=scope.user,
                task_type=name,
                function=function,
                hours_per_week=hours.per_week.get(function, ZERO),
            )
            for function, name in starter_missing(scope)
        )
        if made:
            planner.audit(
                scope,
                "insights.fit_assessment.starter_added",
                None,
                f"Starter list of {len(made)} task types added to the fit assessment",
                {
                    "task_types": [a.task_type for a in made],
                    "hours_from_audit": str(hours.audit.public_id)
                    if hours.audit
                    else "",
                },
            )
    return made


def assessments(scope):
    return FitAssessment.objects.in_scope(scope)
