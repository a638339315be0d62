"""Telling people: one row per event in the app, and an e-mail sent by the worker.

The row is written in the caller's transaction; the e-mail is enqueued only once
that transaction commits, so a rolled-back change tells no one, and a failing mail
server never loses the notification (the job retries).

Who a notification may still reach is decided when it is delivered
(``notify.selectors``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification


def notify(
    *,
    user,
    title: str,
    kind: str,
    body: str = "",
    url: str = "",
    firm=None,
    about=None,
    key: str | None = None,
    email: bool = True,
) -> Notification | None:
    """Notify ``user`` about ``about`` (the row the notification concerns, or
    None); returns None when ``key`` was notified before."""
    if user is None or not user.is_active:
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                user=user,
                firm=firm,
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                key=key,
                email=email,
                subject_type=(
                    ContentType.objects.get_for_model(about) if about else None
                ),
                subject_id=about.pk if about else None,
            )
    except IntegrityError:
        return None
    if email:
        from .tasks import send_notification_email

        transaction.on_commit(lambda: send_notification_email.enqueue(note.pk))
    return note


def notifications_mark_read(*, user, public_ids=None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if public_ids is not None:
        rows = rows.filter(public_id__in=public_ids)
    return rows.update(read_at=timezone.now())
