"""Insights: plan the outsourcing, then prove it pays.

Two kinds of rows live here.

* **The planner**, which the firm fills in before (and while) it outsources:
  a time audit of how its people spend their days, a fit assessment of each
  kind of task, cost comparisons of in-house against outsourced work, and
  scorecards comparing candidate providers. A pilot's evaluation records the
  figures of the pilot against its targets and the firm's decision.
* **The roll-up** the dashboard, the weekly review, the monthly report and
  ``firmdesk metrics`` read: one row per firm, engagement and day
  (``WorkDay``) and one per firm, person and day (``BillableDay``), kept
  current by ``insights.rollup`` as the work happens. Every figure is worked
  out from these rows by ``insights.figures``, with the formulas of
  docs/insights.md; none is computed from the raw rows per request.

None of these rows names a client or a matter: they are the firm's own
planning and counts of its work. The pages that show them are for the firm's
attorneys and admins (``insights.permissions``); provider staff never reach
them.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from firmdesk.common.models import NeedToKnow, TenantModel
from firmdesk.orgs.models import Function

USER = settings.AUTH_USER_MODEL


def _money_field(**kwargs):
    return models.DecimalField(
        max_digits=14, decimal_places=2, default=Decimal("0.00"), **kwargs
    )


def _firm_planning(what: str) -> NeedToKnow:
    return NeedToKnow.whole_firm(
        why=f"{what} is the firm's own planning and names no client or matter; "
        "its pages are for the firm's attorneys and admins (insights.permissions)."
    )


def _counts(what: str) -> NeedToKnow:
    return NeedToKnow.whole_firm(
        why=f"{what} holds counts and sums of the firm's work, naming no client "
        "or matter; its pages are for the firm's attorneys and admins."
    )


# --- Time audit ----------------------------------------------------------------


class AuditCategory(models.TextChoices):
    """Where an hour went: billable work, one of the eight functions a firm
    can hand off, or anything else that is not billable."""

    BILLABLE = "billable", "Billable client work"
    SCHEDULING = Function.SCHEDULING.value, "Scheduling and calendars"
    DOCUMENTS = Function.DOCUMENTS.value, "Document preparation"
    CASE_MANAGEMENT = Function.CASE_MANAGEMENT.value, "Case management"
    RESEARCH = Function.RESEARCH.value, "Research (not billed)"
    INTAKE = Function.INTAKE.value, "Intake of new clients"
    RECEPTION = Function.RECEPTION.value, "Calls and messages"
    CRM = Function.CRM.value, "Data entry and records"
    BILLING = Function.BILLING.value, "Billing and collections"
    OTHER = "other", "Other non-billable (business development, management)"


class TimeAudit(TenantModel):
    """One or two weeks in which the firm's people record where their time
    goes. The latest closed audit is the baseline hours recovered are
    measured against."""

    need_to_know = _firm_planning("A time audit")

    title = models.CharField(max_length=200)
    start_date = models.DateField()
    end_date = models.DateField()
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When recording ended; the baseline."
    )

    class Meta:
        ordering = ["-start_date", "-created_at"]

    def __str__(self):
        return self.title


class TimeAuditEntry(TenantModel):
    need_to_know = _firm_planning("A time-audit entry")

    audit = models.ForeignKey(
        TimeAudit, on_delete=models.CASCADE, related_name="entries"
    )
    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    category = models.CharField(max_length=20, choices=AuditCategory.choices)
    hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(24)],
    )
    note = models.CharField(max_length=300, blank=True)
    import_ref = models.CharField(
        max_length=80, blank=True, help_text="Row key of an imported file."
    )

    class Meta:
        ordering = ["date", "person_id", "category"]
        indexes = [models.Index(fields=["firm", "audit", "person", "date"])]


# --- Fit assessment ------------------------------------------------------------


class FitAssessment(TenantModel):
    """One kind of task, asked the four questions. Any yes makes it a
    candidate; the risk flags order the candidates (insights.planner)."""

    need_to_know = _firm_planning("A fit assessment")

    task_type = models.CharField(max_length=200)
    function = models.CharField(max_length=20, choices=Function.choices, blank=True)
    no_law_degree = models.BooleanField(
        default=False,
        help_text="An attorney regularly does this work, and it needs no law degree.",
    )
    falling_behind = models.BooleanField(
        default=False, help_text="The team is falling behind on it."
    )
    billable_lost = models.BooleanField(
        default=False,
        help_text="Billable time is lost, or work turned away, because of it.",
    )
    instructions_possible = models.BooleanField(
        default=False,
        help_text="Someone else could do it with written instructions and templates.",
    )
    touches_revenue = models.BooleanField(
        default=False, help_text="It touches revenue directly (billing, collections)."
    )
    needs_supervision = models.BooleanField(
        default=False, help_text="It needs close attorney supervision."
    )
    hours_per_week = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0.00")
    )
    notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["task_type"]


# --- Cost comparison -----------------------------------------------------------


class CostComparison(TenantModel):
    """In-house against outsourced cost of the same work for a year."""

    need_to_know = _firm_planning("A cost comparison")

    class Pricing(models.TextChoices):
        HOURLY = "hourly", "Hourly rate"
        PER_TASK = "per_task", "Fee per task"
        MONTHLY = "monthly", "Monthly fee"

    title = models.CharField(max_length=200)
    function = models.CharField(max_length=20, choices=Function.choices, blank=True)
    # The work: how much of it there is in a year.
    hours_per_year = models.DecimalField(
        max_digits=8, decimal_places=2, default=Decimal("0.00")
    )
    tasks_per_year = models.PositiveIntegerField(default=0)
    # In-house: one employee doing it.
    salary = _money_field(help_text="Yearly salary.")
    benefits_percent = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("30.00")
    )
    office_space = _money_field(help_text="Office space, per year.")
    equipment = _money_field(help_text="Equipment and software, per year.")
    recruiting = _money_field(help_text="Recruiting one hire.")
    training = _money_field(help_text="Training one hire.")
    turnover_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Share of the role replaced in a year.",
    )
    # Outsourced.
    pricing = models.CharField(
        max_length=10, choices=Pricing.choices, default=Pricing.HOURLY
    )
    hourly_rate = _money_field()
    per_task_fee = _money_field()
    monthly_fee = _money_field()
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


# --- Provider scorecard --------------------------------------------------------


class Criterion(models.TextChoices):
    EXPERIENCE = "experience", "Legal experience in your jurisdiction"
    VETTING = "vetting", "Staff vetting and training"
    AVAILABILITY = "availability", "Availability and responsiveness"
    TECHNOLOGY = "technology", "Technology compatibility"
    REFERENCES = "references", "References"
    PRICING = "pricing", "Pricing and contract terms"
    SECURITY = "security", "Security practices"


class Scorecard(TenantModel):
    """Candidate providers side by side: each criterion has a weight (0–5)
    and each candidate a score (1–5) per criterion."""

    need_to_know = _firm_planning("A provider scorecard")

    title = models.CharField(max_length=200)
    weights = models.JSONField(default=dict, help_text="Criterion → weight, 0 to 5.")
    created_by = models.ForeignKey(
        USER, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class ScorecardCandidate(TenantModel):
    need_to_know = _firm_planning("A candidate on a provider scorecard")

    scorecard = models.ForeignKey(
        Scorecard, on_delete=models.CASCADE, related_name="candidates"
    )
    name = models.CharField(max_length=200)
    provider = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The provider on FirmDesk, when it is one.",
    )
    scores = models.JSONField(default=dict, help_text="Criterion → score, 1 to 5.")
    notes = models.JSONField(default=dict, blank=True, help_text="Criterion → note.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


# --- Pilot evaluation ----------------------------------------------------------


class Recommendation(models.TextChoices):
    GO = "go", "Go: make it a standing engagement"
    ADJUST = "adjust", "Adjust: change the terms and measure again"
    STOP = "stop", "Stop: end the engagement"


class PilotEvaluation(TenantModel):
    """The pilot's figures against its targets at the evaluation date, the
    recommendation they give, and what the firm decided."""

    need_to_know = _counts("A pilot evaluation")

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="+"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    results = models.JSONField(
        default=list,
        help_text="One entry per target: key, label, target, actual, met.",
    )
    recommendation = models.CharField(max_length=6, choices=Recommendation.choices)
    decision = models.CharField(
        max_length=6, choices=Recommendation.choices, blank=True
    )
    decided_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-period_end", "-created_at"]


# --- Monthly review report -----------------------------------------------------


class InsightsSettings(TenantModel):
    need_to_know = _firm_planning("The firm's insights settings")

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Every month"
        QUARTERLY = "quarterly", "Every quarter"

    report_cadence = models.CharField(
        max_length=10,
        choices=Cadence.choices,
        default=Cadence.MONTHLY,
        help_text="After an engagement's first three months (monthly before).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm"], name="one_insights_settings")
        ]


class MonthlyReport(TenantModel):
    """The review of one engagement's month, as produced at the time: the
    figures are kept as they were, so the report reads the same later."""

    need_to_know = _counts("A monthly review report")

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(help_text="The first day of the month reported.")
    figures = models.JSONField(default=dict)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "month"], name="one_report_per_engagement_month"
            )
        ]


# --- The roll-up ---------------------------------------------------------------


class WorkDay(TenantModel):
    """What one engagement's team (or, with no engagement, the firm's own
    people) did on one day of the firm's calendar. Rebuilt cell by cell by
    ``insights.rollup`` whenever a service changes what it counts."""

    need_to_know = _counts("A day of the roll-up")

    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    day = models.DateField(help_text="In the firm's time zone.")
    # Tasks finished (approved, or done without review) that day.
    finished = models.PositiveIntegerField(default=0)
    finished_with_due = models.PositiveIntegerField(default=0)
    finished_on_time = models.PositiveIntegerField(default=0)
    # Reviews decided that day, and those that returned the work.
    reviewed = models.PositiveIntegerField(default=0)
    returned = models.PositiveIntegerField(default=0)
    returned_reasons = models.JSONField(default=dict, help_text="Reason → count.")
    # Outside staff's time entries dated that day on the engagement.
    staff_minutes = models.PositiveIntegerField(default=0)
    # Business minutes from when a task was given out to its first response,
    # and to its approval, for tasks first answered / approved that day.
    task_response_minutes = models.JSONField(default=list)
    approval_minutes = models.JSONField(default=list)
    # Clock minutes from a lead's arrival to its first response.
    lead_response_minutes = models.JSONField(default=list)
    feedback_answers = models.PositiveIntegerField(default=0)
    feedback_rating_sum = models.PositiveIntegerField(default=0)
    breaches = models.PositiveIntegerField(default=0)
    # Provider bills whose period ends that day, at their reconciled totals.
    bills = models.PositiveIntegerField(default=0)
    billed_cost = _money_field()

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "engagement", "day"],
                condition=Q(engagement__isnull=False),
                name="one_workday_per_engagement",
            ),
            models.UniqueConstraint(
                fields=["firm", "day"],
                condition=Q(engagement__isnull=True),
                name="one_inhouse_workday",
            ),
        ]
        indexes = [models.Index(fields=["firm", "day", "engagement"])]


class BillableDay(TenantModel):
    """One of the firm's own people's billable time on one day (time entries
    marked billable and not written off, outside staff excluded)."""

    need_to_know = _counts("A person's billable day")

    person = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "person", "day"], name="one_billable_day"
            )
        ]
        indexes = [models.Index(fields=["firm", "day"])]


class RollupVersion(TenantModel):
    """A mark that changes whenever anything in the firm's roll-up changes:
    ``insights.rollup`` gives it a new random value in the same transaction
    as every write of ``WorkDay`` or ``BillableDay`` rows. Pages that keep
    what they worked out from the roll-up (the dashboard) key it on this
    mark, so every process sees a change on its next request.

    A random value rather than a counter: a transaction rolled back, or a
    database restored from a backup, never brings back a mark that once
    stood for other rows."""

    need_to_know = _counts("The roll-up's version mark")

    version = models.UUIDField(default=uuid.uuid4)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm"], name="one_rollup_version")
        ]
