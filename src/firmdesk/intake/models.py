"""Intake forms, leads and their pipeline, consultation bookings, reception's
call log, and client feedback. All of it is client data and follows the access
rule; the public pages reach it only through the firm's slug and secret tokens.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.models import NeedToKnow, TenantModel


def new_token() -> str:
    return secrets.token_urlsafe(24)


class IntakeForm(TenantModel):
    """A public questionnaire for one practice area. The name, e-mail, phone,
    what happened, and the other side are always asked; ``questions`` add the
    practice area's own, scripted and bounded: forms give no legal advice."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60)
    practice_area = models.CharField(max_length=80, blank=True)
    intro = models.TextField(
        blank=True, help_text="Shown above the form. Do not give legal advice."
    )
    confirmation = models.TextField(
        blank=True,
        help_text="Shown (and e-mailed) after a visitor sends the form.",
    )
    checklist = models.JSONField(
        default=list,
        blank=True,
        help_text="Qualification checklist for leads from this form.",
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["firm", "slug"], name="one_form_slug")
        ]

    def __str__(self):
        return self.title

    @staticmethod
    def scope_filter(scope) -> Q:
        """Firm members and intake staff."""
        if scope.works_on("intake"):
            return Q()
        return Q(pk__in=[])

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Intake forms are the firm's public questionnaires: the firm and "
        "its intake staff see them.",
    )


class IntakeQuestion(TenantModel):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        CHOICE = "choice", "One choice"
        MULTI_CHOICE = "multi_choice", "Several choices"
        DATE = "date", "Date"
        PHONE = "phone", "Phone number"
        EMAIL = "email", "E-mail address"
        YES_NO = "yes_no", "Yes or no"
        FILE = "file", "File upload"

    form = models.ForeignKey(
        IntakeForm, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    required = models.BooleanField(default=False)
    help_text = models.CharField(max_length=300, blank=True)
    choices = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.label

    need_to_know = NeedToKnow.through("form")


class Lead(TenantModel):
    class Source(models.TextChoices):
        WEB_FORM = "web_form", "Web form"
        PHONE = "phone", "Phone"
        EMAIL = "email", "E-mail"
        REFERRAL = "referral", "Referral"
        BOOKING = "booking", "Booking page"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        QUALIFIED = "qualified", "Qualified"
        CONSULTATION = "consultation", "Consultation scheduled"
        RETAINED = "retained", "Retained"
        DECLINED = "declined", "Declined"
        NO_RESPONSE = "no_response", "No response"

    OPEN_STATUSES = (
        Status.NEW,
        Status.CONTACTED,
        Status.QUALIFIED,
        Status.CONSULTATION,
    )

    source = models.CharField(max_length=10, choices=Source.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    form = models.ForeignKey(
        IntakeForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    practice_area = models.CharField(max_length=80, blank=True)
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True, help_text="E.164")
    description = models.TextField(blank=True)
    adverse_parties = models.JSONField(default=list, blank=True)
    answers = models.JSONField(
        default=list, blank=True, help_text="[{question, answer}] as asked."
    )
    checklist_done = models.JSONField(default=list, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    received_at = models.DateTimeField()
    response_due_at = models.DateTimeField(null=True, blank=True)
    first_response_at = models.DateTimeField(null=True, blank=True)
    sla_warned_at = models.DateTimeField(null=True, blank=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    conflict_check = models.ForeignKey(
        "conflicts.ConflictCheck",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_contact = models.ForeignKey(
        "matters.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    adverse_contacts = models.ManyToManyField(
        "matters.Contact", blank=True, related_name="+"
    )
    # Indexed for the leads that have a matter only (Meta.indexes): most have
    # none, and SQLite's planner, which counts every NULL as a value of its
    # own, took a full index of NULLs for a few rows and walked every firm's
    # leads for one person's queue (lead queue 156 ms of SQL on the large seed).
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    documents = models.ManyToManyField(
        "documents.Document", blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)
    # The token of the public form's rendering this lead was sent from: a
    # second POST of the same rendering (a double click, a retry after a
    # dropped connection) finds this lead instead of making another.
    form_token = models.CharField(max_length=64, null=True, blank=True)
    # A keyed hash of the sender's address (never the address itself), for the
    # per-address limit on public submissions.
    submitter_hash = models.CharField(max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(max_length=300, blank=True)
    revision = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["firm", "status", "received_at"]),
            models.Index(fields=["firm", "owner", "status"]),
            models.Index(fields=["firm", "submitter_hash", "received_at"]),
            # The once-a-minute sweeps for a lead whose announcement or
            # confirmation enqueue was lost (tasks.leads_to_announce,
            # tasks.confirmations_due) read the last hour of leads of every
            # firm: a system job across firms, so this index does not start
            # with the firm as the tenant indexes do.
            models.Index(fields=["received_at"], name="intake_lead_received_idx"),
            models.Index(
                fields=["matter"],
                condition=Q(matter__isnull=False),
                name="intake_lead_matter_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "form_token"],
                condition=Q(form_token__isnull=False),
                name="one_lead_per_form_token",
            )
        ]

    def __str__(self):
        return self.name

    @staticmethod
    def scope_filter(scope) -> Q:
        """Firm members and the intake staff of the firm's engagement; a lead
        that became a matter from then on only for those who may see it."""
        if not scope.works_on("intake"):
            return Q(pk__in=[])
        matter = scope.matter_q("matter")
        if matter == Q():
            return Q()
        return Q(matter__isnull=True) | (Q(matter__isnull=False) & matter)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="A lead is a prospective client before any matter exists: the "
        "firm and the intake staff of its engagement see every lead. Once "
        "retained it is the matter's, and follows the matter's need-to-know.",
    )

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class HeldUpload(TenantModel):
    """A file a visitor chose on a public form that came back with an error
    elsewhere on it: stored, like every upload, as a document of no matter,
    and held under the rendering's form token until the form is sent, so the
    visitor need not choose it again. Held files never sent are swept away
    (``intake.tasks.sweep_held_uploads``)."""

    form_token = models.CharField(max_length=64)
    field = models.CharField(max_length=20, help_text="The form field, e.g. q3.")
    # As on Lead: a keyed hash of the sender's address, for the limit on files
    # held for one address.
    submitter_hash = models.CharField(max_length=64, blank=True)
    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["firm", "form_token"]),
            models.Index(fields=["firm", "submitter_hash", "created_at"]),
        ]

    @staticmethod
    def scope_filter(scope) -> Q:
        return Q(pk__in=[])

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="A file a visitor has not sent yet: no one but the visitor, through "
        "the form token of their page, may reach it; once sent it is the "
        "lead's.",
    )


class LeadNote(TenantModel):
    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        CALL = "call", "Phone call"
        EMAIL = "email", "E-mail"
        TEXT = "text", "Text message"
        STATUS = "status", "Status change"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.NOTE)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    need_to_know = NeedToKnow.through("lead")


class Booking(TenantModel):
    """A consultation slot asked for by a visitor. It is a request until the
    lead's conflict screen is cleared; then it is confirmed and on the
    attorney's calendar. One live booking per attorney and start time."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        CANCELLED = "cancelled", "Cancelled"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="bookings")
    attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    visitor_time_zone = models.CharField(max_length=64, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    event = models.ForeignKey(
        "scheduling.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["attorney", "start"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="one_live_booking_per_slot",
            )
        ]
        indexes = [models.Index(fields=["firm", "attorney", "start"])]

    need_to_know = NeedToKnow.through("lead")


class ReceptionSettings(TenantModel):
    """How reception routes a firm's messages."""

    on_call = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Told at once of every urgent message, day or night.",
    )
    escalate_after_minutes = models.PositiveIntegerField(
        default=60,
        help_text="A message nobody acknowledged by then goes to the escalation "
        "contact.",
    )
    escalate_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["firm"], name="one_reception_settings")
        ]

    @staticmethod
    def scope_filter(scope) -> Q:
        if scope.works_on("reception"):
            return Q()
        return Q(pk__in=[])

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="How reception routes messages: the firm and its reception staff.",
    )


class CallLog(TenantModel):
    class Urgency(models.TextChoices):
        NORMAL = "normal", "Normal"
        URGENT = "urgent", "Urgent"

    caller_name = models.CharField(max_length=200)
    number = models.CharField(max_length=32, blank=True, help_text="E.164")
    received_at = models.DateTimeField()
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    message = models.TextField()
    urgency = models.CharField(
        max_length=6, choices=Urgency.choices, default=Urgency.NORMAL
    )
    callback_wanted = models.BooleanField(default=True)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [
            models.Index(fields=["firm", "recipient", "acknowledged_at"]),
            models.Index(fields=["firm", "received_at"]),
        ]

    def __str__(self):
        return f"{self.caller_name} at {self.received_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def scope_filter(scope) -> Q:
        """Firm members see the firm's messages (not on screened matters);
        reception staff see the messages they took, those on a matter only while
        the matter is open to them (a revoked grant or a screen hides them)."""
        if scope.is_firm_member:
            if not scope.screened_matter_ids:
                return Q()
            return ~Q(matter_id__in=scope.screened_matter_ids) | Q(matter__isnull=True)
        if scope.has_function("reception"):
            on_visible_matter = Q(matter__isnull=False) & scope.matter_q("matter")
            return Q(taken_by=scope.user) & (Q(matter__isnull=True) | on_visible_matter)
        return Q(pk__in=[])

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Firm members see messages not on a matter they are screened "
        "from; reception staff the messages they took, those on a matter "
        "only while they may see it.",
    )


class FeedbackRequest(TenantModel):
    class Kind(models.TextChoices):
        CONSULTATION = "consultation", "After a consultation"
        MATTER_OPENED = "matter_opened", "After the matter opened"

    kind = models.CharField(max_length=14, choices=Kind.choices)
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    booking = models.ForeignKey(
        Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    sent_at = models.DateTimeField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "lead"],
                condition=Q(lead__isnull=False),
                name="one_feedback_per_lead_and_kind",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="rating_one_to_five",
            ),
        ]

    @staticmethod
    def scope_filter(scope) -> Q:
        if scope.is_firm_member:
            return Q()
        return Q(pk__in=[])

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Client feedback is the firm's own measure of its service: firm "
        "members only.",
    )
