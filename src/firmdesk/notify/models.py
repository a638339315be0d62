import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Notification(models.Model):
    """A message to one user, shown in the app and sent by e-mail.

    ``firm`` names the firm whose space the link opens; notifications of a firm
    the user can no longer act for are hidden (the access rule), not deleted.
    ``key`` makes one event give one notification however often it is raised.
    ``subject`` is the row it is about: access to it is checked again when the
    notification is shown or e-mailed (``notify.services.deliverable``).
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    firm = models.ForeignKey(
        "orgs.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # What it is about (a task, an event, a message, a lead, a matter): shown
    # and e-mailed only while the recipient may still see it, however their
    # access changed since the notification was written.
    subject_type = models.ForeignKey(
        "contenttypes.ContentType",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200, unique=True, null=True, blank=True)
    email = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at", "-created_at"]),
            # The once-a-minute sweep for e-mails whose enqueue was lost
            # (tasks.notification_emails_due) reads, across every firm, the
            # last hour of notifications still to be e-mailed: only those are
            # in this index, so it stays small however many were sent.
            models.Index(
                fields=["created_at"],
                condition=Q(email=True, emailed_at__isnull=True),
                name="notify_email_unsent_idx",
            ),
        ]

    def __str__(self):
        return self.title
