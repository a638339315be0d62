from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.models import TenantModel


class Matter(TenantModel):
    """A client matter. Grows with contacts, parties and conflicts (issue 3)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        CLOSED = "closed", "Closed"
        PRE_EXISTING = "pre_existing", "Pre-existing"

    number = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    practice_area = models.CharField(max_length=80, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN
    )
    responsible_attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_consent_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the client agreed to outside help on this matter.",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "number"], name="matter_number_per_firm"
            )
        ]
        indexes = [models.Index(fields=["firm", "status"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    @staticmethod
    def scope_filter(scope) -> Q:
        return scope.matter_q()


class MatterScreen(TenantModel):
    """An ethical screen: the user is walled off the matter entirely."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="screens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "user"], name="one_screen_per_user"
            )
        ]
