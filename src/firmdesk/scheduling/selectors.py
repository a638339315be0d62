"""Reading the calendar, always through a Scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q

from firmdesk.access.selectors import access_object
from firmdesk.access.system import by_token, through_scoped
from firmdesk.engagements.models import Assignment
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Membership, User

from .models import CalendarFeed, Event, EventAttendee, feed_token_is_well_formed


def access_event(scope, public_id, *, for_write=False) -> Event:
    return access_object(
        Event,
        scope,
        public_id,
        for_write=for_write,
        queryset=Event.objects.in_scope(scope).select_related(
            "matter", "court", "owner", "rule", "trigger_event"
        ),
    )


def access_feed(scope, public_id) -> CalendarFeed:
    return access_object(CalendarFeed, scope, public_id)


def _with_people(qs):
    return qs.select_related("matter", "court", "owner").prefetch_related(
        Prefetch(
            "attendees",
            queryset=through_scoped(EventAttendee).select_related("user", "contact"),
        )
    )


def events_between(
    scope,
    start: dt.datetime,
    end: dt.datetime,
    *,
    user=None,
    matter=None,
    include_cancelled: bool = False,
):
    """Events overlapping [start, end) that the scope may see; one person's
    (as owner or attendee, or on a matter they are the responsible attorney
    of: its court dates are theirs to keep) when ``user`` is given, one
    matter's with ``matter``."""
    qs = Event.objects.in_scope(scope).filter(start__lt=end, end__gt=start)
    if matter is not None:
        qs = qs.filter(matter=matter)
    if user is not None:
        # The matters as a subquery of the firm's own rather than a join:
        # joined, the OR made PostgreSQL hash every firm's matters.
        qs = qs.filter(
            Q(owner=user)
            | Q(
                matter_id__in=Matter.objects.for_firm(scope.firm)
                .filter(responsible_attorney=user)
                .values("pk")
            )
            | Q(
                pk__in=EventAttendee.objects.for_firm(scope.firm)
                .filter(user=user)
                .values("event_id")
            )
        )
    if not include_cancelled:
        qs = qs.exclude(status=Event.Status.CANCELLED)
    return _with_people(qs).order_by("start", "pk")


def matter_deadlines(scope, matter):
    """A matter's computed deadlines, soonest first, with their derivations."""
    return (
        Event.objects.in_scope(scope)
        .filter(matter=matter, kind=Event.Kind.FILING_DEADLINE)
        .select_related("court", "owner", "rule", "trigger_event")
        .order_by("status", "start")
    )


def feed_events(feed: CalendarFeed, scope):
    """What a feed lists: its owner's events (owner or attendee) or one
    matter's, within the owner's scope at the moment of reading."""
    qs = Event.objects.in_scope(scope)
    if feed.kind == CalendarFeed.Kind.MATTER:
        qs = qs.filter(matter_id=feed.matter_id)
    else:
        qs = qs.filter(
            Q(owner=feed.user)
            | Q(
                pk__in=EventAttendee.objects.for_firm(scope.firm)
                .filter(user=feed.user)
                .values("event_id")
            )
        )
    # A year back is plenty for a calendar program; cancelled events stay so
    # subscribers see them vacated rather than silently gone.
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=366)
    return qs.filter(end__gte=since).select_related("matter", "court").order_by("start")


def feed_by_token(token: str) -> CalendarFeed | None:
    """The live feed at a secret address, or None. The token is the credential:
    it names the person, whose Scope the caller then resolves and applies."""
    if not feed_token_is_well_formed(token):
        return None
    feed = by_token(CalendarFeed, related=("firm", "user", "matter"), token=token)
    if feed is None or feed.revoked_at is not None or not feed.user.is_active:
        return None
    return feed


def calendar_people(*, scope, today: dt.date) -> tuple[dict, list]:
    """Whose calendar may be picked: the firm's people and the staff assigned
    to its engagements (by public id), and the current ones for the picker."""
    known: dict[str, User] = {}
    choices = []
    for membership in (
        Membership.objects.filter(
            organization=scope.firm, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("user__full_name")
    ):
        user = membership.user
        known[str(user.public_id)] = user
        choices.append((str(user.public_id), user.full_name))
    assignments = Assignment.objects.in_scope(scope)
    if scope.is_provider_staff:
        # Who else a provider serves the firm with is the firm's business.
        assignments = assignments.filter(engagement=scope.engagement)
    for assignment in assignments.select_related(
        "user", "engagement__provider"
    ).order_by("user__full_name", "-start_date"):
        user = assignment.user
        key = str(user.public_id)
        if key in known:
            continue
        known[key] = user
        if assignment.is_current(today) and user.is_active:
            choices.append(
                (key, f"{user.full_name} ({assignment.engagement.provider})")
            )
    return known, choices
