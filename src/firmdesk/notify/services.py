"""Telling people: one row per event in the app, and an e-mail sent by the worker.

The row is written in the caller's transaction; the e-mail is enqueued only once
that transaction commits, so a rolled-back change tells no one, and a failing mail
server never loses the notification (the job retries).

Access is checked when a notification is delivered, not only when it is written:
between the two a screen may be raised, a grant revoked or an engagement ended.
The check itself belongs to the access rule (``access.delivery``), which
registers it here when the apps load, so this module needs no domain app.
"""

from collections.abc import Callable, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Notification

# Each check takes (user, notifications, scopes) and returns the pks of those
# the user may no longer be told about; ``scopes`` is the request's list of the
# user's Scopes when there is one (None: the check resolves them).
_hidden_checks: list[Callable[[object, list[Notification]], set[int]]] = []


def register_delivery_check(check: Callable) -> None:
    if check not in _hidden_checks:
        _hidden_checks.append(check)


def hidden_ids(user, notes: Iterable[Notification], scopes=None) -> set[int]:
    """The pks of ``notes`` (all the user's) that must not reach the user now."""
    notes = list(notes)
    if not notes:
        return set()
    if not _hidden_checks:
        raise RuntimeError("No delivery check registered: is firmdesk.access loaded?")
    hidden: set[int] = set()
    for check in _hidden_checks:
        hidden |= check(user, notes, scopes)
    return hidden


def visible(user, notes, *, scopes=None):
    """``notes`` (a queryset of the user's notifications) without those about
    a row the user may no longer see (one read of the user's notifications
    that are about a row, then the checks)."""
    about_rows = notes.filter(subject_type__isnull=False).select_related("firm")
    hidden = hidden_ids(user, about_rows, scopes)
    return notes.exclude(pk__in=hidden) if hidden else notes


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
