import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from firmdesk.common.models import NeedToKnow, TenantModel
from firmdesk.orgs.models import Function

NDA_TEXT_VERSION = "2026-1"
NDA_TEXT = """\
CONFIDENTIALITY AGREEMENT (FirmDesk standard text, version {version})

1. Data handling. I will use the firm's client information only to do the work
the firm assigns to me through FirmDesk, keep it inside FirmDesk, and not copy,
print, photograph or store it elsewhere. I will not discuss it with anyone who
is not working on the matter for the firm.

2. Breach notification. If I learn or suspect that client information has been
seen by someone who should not see it, lost, or sent to the wrong person, I will
tell my provider and the firm's contact at once and within 24 hours at most.

3. Return or destruction. When the engagement ends, or when I stop working on it,
I will return to the firm or destroy every copy of its information that I hold,
and confirm that I have done so.

4. These duties continue after the engagement ends.
"""


# What a pilot can be measured against (insights.figures computes each; the
# formulas are in docs/insights.md). key → (label, unit, "min" or "max").
PILOT_TARGETS = {
    "on_time_percent": ("On-time completion, at least", "%", "min"),
    "rework_percent": ("Rework rate, at most", "%", "max"),
    "cost_per_task": ("Cost per task, at most", "$", "max"),
    "lead_response_median_minutes": (
        "Intake first response (median), at most",
        "minutes",
        "max",
    ),
    "hours_recovered": ("Billable hours recovered a month, at least", "hours", "min"),
}


def nda_text() -> str:
    return NDA_TEXT.format(version=NDA_TEXT_VERSION)


def nda_text_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Engagement(TenantModel):
    """A firm engages a provider for chosen functions. ``firm`` is the law firm."""

    need_to_know = NeedToKnow.whole_firm(
        why="The firm's contract with a provider names no client or matter; "
        "its pages are for firm members (access_engagement), and provider staff "
        "reach it only through their own Scope."
    )

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        PILOT = "pilot", "Pilot"
        ACTIVE = "active", "Active"
        ENDED = "ended", "Ended"

    class Pricing(models.TextChoices):
        HOURLY = "hourly", "Hourly"
        PER_TASK = "per_task", "Per task"
        MONTHLY = "monthly", "Monthly retainer"

    provider = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="engagements_served"
    )
    name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    functions = models.JSONField(default=list, help_text="Functions in scope.")
    base_functions = models.JSONField(
        default=list,
        blank=True,
        help_text="Functions the base price covers; the others cost extra.",
    )
    all_matters = models.BooleanField(
        default=False, help_text="Open every matter of the firm to this engagement."
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    pilot_start = models.DateField(null=True, blank=True)
    pilot_evaluation = models.DateField(null=True, blank=True)
    pilot_function = models.CharField(
        max_length=20,
        choices=Function.choices,
        blank=True,
        help_text="The one function the pilot tries.",
    )
    pilot_targets = models.JSONField(
        default=dict,
        blank=True,
        help_text="Target per figure (PILOT_TARGETS) the pilot is judged by.",
    )
    first_response_minutes = models.PositiveIntegerField(default=60)
    turnaround_hours = models.JSONField(
        default=dict, blank=True, help_text="Business hours per function."
    )
    after_hours_cover = models.CharField(max_length=300, blank=True)
    after_hours_staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    pricing_model = models.CharField(
        max_length=10, choices=Pricing.choices, default=Pricing.HOURLY
    )
    price = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="Per hour, per task or per month, by the pricing model.",
    )
    currency = models.CharField(max_length=3, default="USD")
    inhouse_hourly_cost = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text="What an hour of the same work costs the firm in-house.",
    )
    firm_primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    firm_backup_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_primary_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    provider_backup_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dispute_process = models.TextField(
        blank=True, help_text="How either side raises a problem and who decides."
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "provider", "status"])]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        unknown = [f for f in self.functions if f not in Function.values]
        if unknown:
            errors["functions"] = f"Unknown function: {', '.join(unknown)}."
        if not self.functions:
            errors["functions"] = "Choose at least one function for the engagement."
        extra = [f for f in self.base_functions if f not in self.functions]
        if extra:
            errors["base_functions"] = (
                "The base price can only cover functions in scope."
            )
        if self.pilot_start and self.pilot_evaluation:
            days = (self.pilot_evaluation - self.pilot_start).days
            if not 60 <= days <= 90:
                errors["pilot_evaluation"] = (
                    f"A pilot runs 60 to 90 days; this one runs {days}. "
                    "Move the evaluation date."
                )
        if self.status == self.Status.PILOT:
            errors.update(self._pilot_errors())
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date must be on or after the start date."
        if errors:
            raise ValidationError(errors)

    def _pilot_errors(self) -> dict:
        """A pilot names the one function it tries, when it starts and is
        evaluated, and the targets it is judged by."""
        errors = {}
        if not self.pilot_function:
            errors["pilot_function"] = "Choose the function the pilot tries."
        elif self.pilot_function not in self.functions:
            errors["pilot_function"] = (
                "The pilot's function must be one of the engagement's functions."
            )
        if not self.pilot_start:
            errors["pilot_start"] = "Enter the day the pilot starts."
        if not self.pilot_evaluation:
            errors["pilot_evaluation"] = (
                "Enter the evaluation date, 60 to 90 days after the start."
            )
        targets = self.pilot_targets or {}
        unknown = [key for key in targets if key not in PILOT_TARGETS]
        if unknown:
            errors["pilot_targets"] = f"Unknown target: {', '.join(unknown)}."
        elif not any(value not in (None, "") for value in targets.values()):
            errors["pilot_targets"] = (
                "Set at least one target the pilot will be judged by."
            )
        return errors

    def is_live(self, today: datetime.date) -> bool:
        """True while the engagement gives its staff access to client data."""
        if self.status not in (self.Status.PILOT, self.Status.ACTIVE):
            return False
        if self.start_date and today < self.start_date:
            return False
        return not (self.end_date and today > self.end_date)

    def costs_extra(self, function: str) -> bool:
        return function not in self.base_functions


class Assignment(TenantModel):
    need_to_know = NeedToKnow.whole_firm(
        why="Who works for the firm under an engagement names no client or "
        "matter; the firm must see everyone who may reach its data."
    )

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    functions = models.JSONField(default=list)
    start_date = models.DateField(default=datetime.date.today)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "user"], name="one_assignment_per_engagement"
            )
        ]

    def __str__(self):
        return f"{self.user} on {self.engagement}"

    def clean(self):
        outside = [f for f in self.functions if f not in self.engagement.functions]
        if not self.functions:
            raise ValidationError({"functions": "Choose at least one function."})
        if outside:
            raise ValidationError(
                {
                    "functions": "Only functions in the engagement's scope "
                    "can be assigned."
                }
            )

    def is_current(self, today: datetime.date) -> bool:
        return self.start_date <= today and (
            self.end_date is None or today <= self.end_date
        )


class ConfidentialityAgreement(TenantModel):
    need_to_know = NeedToKnow.whole_firm(
        why="A signed confidentiality agreement names the signer and the "
        "engagement, no client or matter; the firm sees every one it holds."
    )

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="agreements"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agreements"
    )
    signed_at = models.DateTimeField()
    expires_on = models.DateField(null=True, blank=True)
    text_version = models.CharField(max_length=20, default=NDA_TEXT_VERSION)
    text_sha256 = models.CharField(max_length=64)
    signed_name = models.CharField(max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["firm", "engagement", "signer"])]

    def __str__(self):
        return f"NDA {self.signer} {self.signed_at:%Y-%m-%d}"

    def is_valid(self, today: datetime.date) -> bool:
        return self.expires_on is None or today <= self.expires_on


class MatterGrant(TenantModel):
    """Need-to-know: a matter opened to one staff member, or to the whole team."""

    # A grant names its matter: shown only to those who may see the matter.
    need_to_know = NeedToKnow.through_matter("matter")

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="grants"
    )
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="grants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="matter_grants",
        help_text="Empty: everyone assigned to the engagement.",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "matter", "user"], name="one_grant_per_user"
            ),
        ]
        # Every page of delegated work asks "which matters may this person see
        # on this engagement" (theirs and the team's grants): answered from the
        # index alone. SQLite could not use one led by the firm here (the
        # question names the engagement, not the firm) and read every team
        # grant of every engagement instead.
        indexes = [models.Index(fields=["engagement", "user", "matter"])]

    def __str__(self):
        return f"{self.matter} → {self.user or 'whole team'}"


class AgreementText(TenantModel):
    """The confidentiality text an engagement's staff sign, versioned (issue 20).

    A firm admin publishes a new version when the wording changes; from then on
    an agreement counts only if it was signed on the current version's text
    (``text_sha256``), so a changed text requires everyone to sign again before
    their access continues. Without any row, the engagement uses FirmDesk's
    standard text (``nda_text()``, version ``NDA_TEXT_VERSION``).
    ``valid_months`` sets how long a signature on this version holds (empty:
    until the text changes or the engagement ends).
    """

    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="agreement_texts"
    )
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200, default="Confidentiality agreement")
    body = models.TextField()
    sha256 = models.CharField(max_length=64)
    valid_months = models.PositiveSmallIntegerField(null=True, blank=True)
    change_note = models.CharField(max_length=300, blank=True)
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    need_to_know = NeedToKnow.whole_firm(
        why="The confidentiality text is the firm's standard wording, not client "
        "data; everyone who works for the firm may read what they sign."
    )

    class Meta:
        ordering = ["engagement_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "version"], name="agreement_text_version"
            )
        ]
        indexes = [models.Index(fields=["firm", "engagement", "version"])]

    def __str__(self):
        return f"{self.title} v{self.version}"
