"""Which notifications may reach a person now.

Access is checked when a notification is delivered, not only when it is written:
between the two a screen may be raised, a grant revoked or an engagement ended.
The check itself belongs to the access rule (``access.delivery``), which
registers it here when the apps load, so this app needs no domain app.
"""

from collections.abc import Callable, Iterable

from django.db.models import Count, Q

from .models import Notification

# Each check takes (user, notifications, scopes) and returns the pks of those
# the user may no longer be told about; ``scopes`` is the request's list of the
# user's Scopes when there is one (None: the check resolves them).
_hidden_checks: list[Callable] = []


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
    a row the user may no longer see (one read of those that are about a row,
    then the checks)."""
    about_rows = notes.filter(subject_type__isnull=False).select_related("firm")
    hidden = hidden_ids(user, about_rows, scopes)
    return notes.exclude(pk__in=hidden) if hidden else notes


def _theirs(user, scopes):
    """``user``'s own notifications of no firm or of a firm they may act for."""
    firm_ids = [scope.firm.pk for scope in scopes]
    return Notification.objects.filter(user=user).filter(
        Q(firm__isnull=True) | Q(firm_id__in=firm_ids)
    )


def notifications_visible(*, user, scopes):
    """``user``'s own notifications they may be told about now: of no firm or
    of a firm they may act for (``scopes``, the request's), and about nothing
    they may no longer see. One about a firm they lost access to, or a matter
    they were screened from since, stays hidden, not deleted."""
    return visible(user, _theirs(user, scopes), scopes=scopes)


def unread_count(*, user, scopes) -> int:
    """How many of ``notifications_visible`` are unread: the layout's badge, on
    every page. A COUNT, with those about a row counted beside it; only those
    are read, and only the columns the checks look at, since only they can be
    hidden (``visible``). Someone with two thousand unread, all about rows,
    costs the same queries as someone with two: the rows themselves are the
    work the checks must do."""
    unread = _theirs(user, scopes).filter(read_at__isnull=True)
    about_a_row = Q(subject_type__isnull=False)
    counts = unread.aggregate(
        all=Count("pk"), about_rows=Count("pk", filter=about_a_row)
    )
    if not counts["about_rows"]:
        return counts["all"]
    about_rows = (
        unread.filter(about_a_row)
        .select_related("firm")
        # The firm for its id: the checks are given the request's Scopes.
        .only("firm__id", "subject_type", "subject_id")
        .order_by()
    )
    return counts["all"] - len(hidden_ids(user, about_rows, scopes))
