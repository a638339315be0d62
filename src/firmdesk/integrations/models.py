"""API tokens and webhooks (issue 21): how the firm's other tools reach FirmDesk.

An API token is a credential of one person for one firm: it acts with exactly
that person's Scope there, checked on every request, so a token outlives
nothing the access rule takes away. A webhook endpoint is the firm's: its
admins register it, choose events, and read its delivery log.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.encrypted import EncryptedTextField
from firmdesk.common.models import NeedToKnow, TenantModel, TimeStamped


class ApiToken(models.Model):
    """A named, revocable token. Only its SHA-256 is kept: the token itself is
    shown once, when it is made (``integrations.tokens.token_create``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    # The one firm it acts for: a provider's assistant serving five firms makes
    # one token per firm, so ending one engagement revokes that firm's only.
    firm = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=100)
    # The first characters, shown in lists so a person can tell tokens apart.
    prefix = models.CharField(max_length=16)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when made by an operator with `firmdesk token create`.",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "user"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "firm", "name"],
                condition=Q(revoked_at__isnull=True),
                name="integrations_token_name_unique_while_live",
            )
        ]

    def __str__(self):
        # ninja's throttles key on str(request.auth): never the secret.
        return f"token:{self.public_id}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


def _admins_only(scope) -> Q:
    return Q() if scope.is_firm_admin else Q(pk__in=[])


class WebhookEndpoint(TenantModel):
    """Where the firm wants events sent. Subscriptions do not expire; an
    endpoint stops only when an admin disables it or after repeated failures
    (``integrations.webhooks``), and its owner is told."""

    url = models.URLField("address", max_length=500)
    description = models.CharField(max_length=200, blank=True)
    events = models.JSONField(default=list)
    secret = EncryptedTextField("signing secret", max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    # Failed attempts in a row; a success resets it.
    failures_in_a_row = models.PositiveIntegerField(default=0)

    need_to_know = NeedToKnow.by_rule(
        _admins_only, why="webhooks are set up and read by the firm's admins"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "is_active"])]

    def __str__(self):
        return self.url


class WebhookDelivery(TenantModel):
    """One event for one endpoint, recorded in the transaction of the change
    (``notify.hooks``) and sent at least once by background jobs. Its
    ``public_id`` is the delivery id the receiver deduplicates on."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up after repeated failures"
        CANCELLED = "cancelled", "Not sent: the endpoint was disabled"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=50)
    # The matter it concerns: a screened admin's log leaves it out.
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField()
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)

    need_to_know = NeedToKnow.by_rule(
        lambda scope: _admins_only(scope) & scope.matter_q("matter"),
        why="the firm's admins read the log, except events about a matter "
        "they are screened from",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["firm", "endpoint", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id}"


class WebhookAttempt(TimeStamped):
    """One try at sending a delivery: what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveIntegerField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    # The start of the receiver's answer, for the log page.
    response_excerpt = models.TextField(blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_id", "number"]

    def __str__(self):
        return f"attempt {self.number} of {self.delivery_id}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
