"""Telling people: one row per event in the app, and an e-mail sent by the worker.

The row is written in the caller's transaction; the e-mail is enqueued only once
that transaction commits, so a rolled-back change tells no one, and a failing mail
server never loses the notification (the job retries). The enqueue goes under a
key (``email_due``): if it is lost (the process killed just after the commit, the
database gone at that moment), the sweep in ``notify.tasks`` finds the e-mail
under the same key and enqueues it, late but once.

Who a notification may still reach is decided when it is delivered
(``notify.selectors``).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from firmdesk.jobs.schedule import Due, enqueue_once

from .models import Notification

# The schedule key of a notification's e-mail (``jobs.schedule``).
EMAIL_KIND = "notify.email"


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
        due = email_due(note)
        # robust: the change is committed; a failed enqueue is the sweep's to
        # mend, not a reason to answer the person with an error.
        transaction.on_commit(lambda: enqueue_once(due), robust=True)
    return note


def email_due(note: Notification) -> Due:
    """The e-mail of ``note`` as keyed work: the enqueue after the commit and
    the sweep share the key, so it is enqueued once."""
    from .tasks import send_notification_email

    return Due(
        EMAIL_KIND, str(note.pk), note.created_at, send_notification_email, (note.pk,)
    )


def notifications_mark_read(*, user, public_ids=None) -> int:
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if public_ids is not None:
        rows = rows.filter(public_id__in=public_ids)
    return rows.update(read_at=timezone.now())
