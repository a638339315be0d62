"""Reading the calendar, always through a Scope."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Prefetch, Q

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


# What a calendar draws of an event; not its description, reminders or a
# deadline's derivation (JSON decoded row by row), which only the event's own
# page shows.
CALENDAR_FIELDS = (
    "firm_id",
    "public_id",
    "kind",
    "title",
    "matter_id",
    "court_id",
    "start",
    "end",
    "time_zone",
    "all_day",
    "start_date",
    "end_date",
    "location",
    "status",
    "owner_id",
)


def _for_calendar(qs, *, with_matters: bool) -> list[Event]:
    """The events, each with ``court_name`` and ``people``: who answers for
    it, then who else attends (names, in the order they were added).

    Names come as values rather than models: a week is some fifty events, and
    a model for each one's owner, court and attendees (a contact's decrypts
    its sensitive fields) was most of the page's database work in Python.
    The matters, where asked for, come in a query of their own by key rather
    than joined: the planner cannot tell how few events one person's filter
    keeps, and joined it hashed all the firm's matters for a week of forty
    events."""
    qs = qs.only(*CALENDAR_FIELDS).annotate(
        owner_name=F("owner__full_name"), court_name=F("court__name")
    )
    if with_matters:
        qs = qs.prefetch_related(
            Prefetch(
                "matter",
                queryset=through_scoped(Matter).only(
                    "firm_id", "public_id", "number", "client_consent_on"
                ),
            )
        )
    events = list(qs)
    names: dict[int, list[str]] = {}
    attendees = (
        through_scoped(EventAttendee)
        .filter(event_id__in=[event.pk for event in events])
        .order_by("pk")
        .values_list(
            "event_id", "user_id", "user__full_name", "user__email", "contact__name"
        )
    )
    owners = {event.pk: event.owner_id for event in events}
    for event_id, user_id, full_name, email, contact_name in attendees:
        if user_id is None:
            names.setdefault(event_id, []).append(contact_name)
        elif user_id != owners[event_id]:
            names.setdefault(event_id, []).append(full_name or email)
    for event in events:
        owner = [event.owner_name] if event.owner_id else []
        event.people = owner + names.get(event.pk, [])
    return events


def events_between(
    scope,
    start: dt.datetime,
    end: dt.datetime,
    *,
    user=None,
    matter=None,
    include_cancelled: bool = False,
    with_matters: bool = True,
):
    """Events overlapping [start, end) that the scope may see; one person's
    (as owner or attendee, or on a matter they are the responsible attorney
    of: its court dates are theirs to keep) when ``user`` is given, one
    matter's with ``matter``. A list, soonest first, each event with its
    ``court_name`` and ``people`` (``_for_calendar``); its ``matter`` is read
    with it unless ``with_matters`` is false (a page that does not show it)."""
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
    return _for_calendar(qs.order_by("start", "pk"), with_matters=with_matters)


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


# Of a person on the calendar's picker, what it shows and filters by; not the
# firm's or provider's settings nor an engagement's terms (JSON, decoded row
# by row on every calendar page).
_PERSON = ("user__public_id", "user__full_name", "user__email", "user__is_active")


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
        .only(*_PERSON)
        .order_by("user__full_name")
    ):
        user = membership.user
        known[str(user.public_id)] = user
        choices.append((str(user.public_id), user.full_name))
    assignments = Assignment.objects.in_scope(scope)
    if scope.is_provider_staff:
        # Who else a provider serves the firm with is the firm's business.
        assignments = assignments.filter(engagement=scope.engagement)
    for assignment in (
        assignments.select_related("user", "engagement__provider")
        .only(
            *_PERSON,
            "start_date",
            "end_date",
            "engagement__provider__name",
        )
        .order_by("user__full_name", "-start_date")
    ):
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
