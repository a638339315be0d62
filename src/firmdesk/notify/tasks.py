import datetime

from django.core.mail import EmailMessage
from django.utils import timezone
from django_tasks import task

from firmdesk.common.http import absolute_url
from firmdesk.jobs.schedule import due_work
from firmdesk.jobs.services import deliver_at_least_once

from .models import Notification
from .selectors import hidden_ids


@task()
def send_notification_email(notification_id: int) -> bool:
    """E-mail one notification, at least once, with a stable Message-ID."""
    note = (
        Notification.objects.filter(pk=notification_id).select_related("user").first()
    )
    if note is None or not note.email or not note.user.email:
        return False
    if hidden_ids(note.user, [note]):
        # The recipient lost access to what it is about since it was written.
        return False

    def send(delivery_id: str) -> None:
        link = absolute_url(note.url) if note.url else ""
        body = "\n\n".join(part for part in (note.body, link) if part)
        message = EmailMessage(
            subject=f"[FirmDesk] {note.title}",
            body=body + "\n\n— FirmDesk",
            to=[note.user.email],
            headers={"Message-ID": f"<{delivery_id}@firmdesk>"},
        )
        message.send()

    sent = deliver_at_least_once(f"notify.email:{note.pk}", send=send)
    if sent:
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return sent


# How far back the sweep looks for an e-mail whose enqueue was lost. A lost
# enqueue is found at the sweep after it (a minute); the hour only bounds the
# look-ups for notifications that are not to be e-mailed at all.
SWEEP_LOOKBACK = datetime.timedelta(hours=1)


@due_work
def notification_emails_due(now):
    """Every recent notification still to be e-mailed, under the key its
    enqueue used (``services.email_due``): one whose enqueue was lost is
    enqueued here, one already enqueued is skipped."""
    from .services import email_due

    waiting = Notification.objects.filter(
        email=True,
        emailed_at__isnull=True,
        created_at__gte=now - SWEEP_LOOKBACK,
        created_at__lte=now,
    ).only("pk", "created_at")
    for note in waiting.iterator():
        yield email_due(note)
