"""What a firm must be able to show its bar and its clients (issue 20).

- ``EngagementExport``: the engagement's work, exported when it ends (CSV and
  documents, zipped and encrypted with a passphrase the firm admin chooses),
  stored sealed like every document.
- ``DataReturnCertificate``: the provider's statement that it returned or
  destroyed the firm's data it held, which the firm downloads as a PDF.
- ``Incident`` with its affected matters and the notices owed: the breach
  workflow (docs/security.md).
"""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models

from firmdesk.common.models import NeedToKnow, TenantModel


def _documents_storage():
    return storages["documents"]


ADMIN_ONLY = (
    "Seen only by the firm's admins on their own pages (the views check the "
    "role); the row names no client data beyond what its matters' rows show."
)


class EngagementExport(TenantModel):
    class Status(models.TextChoices):
        PREPARING = "preparing", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.PROTECT, related_name="exports"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PREPARING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The zip (AES-256, the passphrase is never stored), sealed at rest with the
    # firm's data key like every document (documents.storage).
    file = models.FileField(storage=_documents_storage, max_length=300, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    error = models.CharField(max_length=500, blank=True)

    need_to_know = NeedToKnow.whole_firm(why=ADMIN_ONLY)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["firm", "engagement", "requested_at"])]

    def __str__(self):
        return f"Export of {self.engagement} ({self.get_status_display()})"


class DataReturnCertificate(TenantModel):
    class Status(models.TextChoices):
        AWAITING = "awaiting", "Awaiting the provider"
        CERTIFIED = "certified", "Certified"

    class Method(models.TextChoices):
        RETURNED = "returned", "Returned to the firm"
        DESTROYED = "destroyed", "Destroyed"
        BOTH = "both", "Returned, then every remaining copy destroyed"
        NONE_HELD = "none_held", "None held outside FirmDesk"

    engagement = models.OneToOneField(
        "engagements.Engagement",
        on_delete=models.PROTECT,
        related_name="return_certificate",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.AWAITING
    )
    method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    # What was held and how each was dealt with: [{"what": ..., "how": ...}].
    items = models.JSONField(default=list, blank=True)
    statement = models.TextField(blank=True)
    certified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    certified_name = models.CharField(max_length=200, blank=True)
    certified_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    need_to_know = NeedToKnow.whole_firm(why=ADMIN_ONLY)

    class Meta:
        indexes = [models.Index(fields=["firm", "status"])]

    def __str__(self):
        return f"Return or destruction of data: {self.engagement}"


class Incident(TenantModel):
    class Kind(models.TextChoices):
        UNAUTHORISED_ACCESS = "access", "Someone saw data they should not"
        MISDIRECTED = "misdirected", "Sent to the wrong person"
        LOST_DEVICE = "device", "Lost or stolen device or paper"
        MALWARE = "malware", "Malware, phishing or a hacked account"
        OTHER = "other", "Something else"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        NOTIFYING = "notifying", "Notifying"
        CLOSED = "closed", "Closed"

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    severity = models.CharField(
        max_length=8, choices=Severity.choices, default=Severity.MEDIUM
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN
    )
    description = models.TextField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    discovered_at = models.DateTimeField()
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    engagement = models.ForeignKey(
        "engagements.Engagement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    containment = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    closing_summary = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    need_to_know = NeedToKnow.whole_firm(why=ADMIN_ONLY)

    class Meta:
        ordering = ["-discovered_at"]
        indexes = [models.Index(fields=["firm", "status", "discovered_at"])]

    def __str__(self):
        return self.title


class IncidentMatter(TenantModel):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="affected"
    )
    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.PROTECT, related_name="+"
    )
    what_was_exposed = models.CharField(max_length=300, blank=True)

    need_to_know = NeedToKnow.through_matter("matter")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "matter"], name="incident_matter_once"
            )
        ]
        indexes = [models.Index(fields=["firm", "incident"])]

    def __str__(self):
        return f"{self.incident}: {self.matter}"


class IncidentNotice(TenantModel):
    class Recipient(models.TextChoices):
        CLIENT = "client", "Client"
        INSURER = "insurer", "Malpractice or cyber insurer"
        REGULATOR = "regulator", "Regulator or attorney general"
        BAR = "bar", "Bar or ethics counsel"
        POLICE = "police", "Law enforcement"
        OTHER = "other", "Someone else"

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="notices"
    )
    recipient_kind = models.CharField(max_length=10, choices=Recipient.choices)
    recipient_name = models.CharField(max_length=200)
    contact = models.ForeignKey(
        "matters.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_on = models.DateField()
    task = models.ForeignKey(
        "work.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_on = models.DateField(null=True, blank=True)
    method = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A notice the firm decided it does not owe (the law or the facts say so):
    # why, who decided and when. An incident closes only when every notice is
    # sent or carries such a reason.
    not_needed_reason = models.CharField(max_length=300, blank=True)
    not_needed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    not_needed_at = models.DateTimeField(null=True, blank=True)

    need_to_know = NeedToKnow.whole_firm(why=ADMIN_ONLY)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["firm", "incident", "due_on"])]

    def __str__(self):
        return f"Notice to {self.recipient_name} by {self.due_on}"

    @property
    def is_settled(self) -> bool:
        """Sent, or decided not needed: nothing left to do."""
        return self.sent_on is not None or bool(self.not_needed_reason)

    def is_overdue(self, today) -> bool:
        return not self.is_settled and self.due_on < today
