"""Calendar events and court deadlines (issue 21), following ``matters.py``.

Events: a list over a time window with filters, order and cursor; a detail
with its ETag and an audited read; create; a change under If-Match; cancel.
Times go in as ISO 8601 with an offset and come out in UTC, with the event's
own zone (a court date keeps its court's) and the firm's zone named beside
them. Writes go through ``scheduling.services`` as the pages' do, so the same
roles, audit events, reminders and recomputed deadlines follow.

Deadlines: ``deadlines/compute`` runs the calculator the ``firmdesk deadline``
command and the deadline page run and answers each date with its derivation,
writing nothing; ``deadlines`` adds the computed deadlines to the calendar
through the service the deadline page uses.
"""

import dataclasses
import datetime as dt
import enum
import uuid
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Path, Query, Router, Status

from firmdesk.access.selectors import access_object
from firmdesk.access.system import through_scoped
from firmdesk.common.times import when
from firmdesk.engagements.selectors import live_engagements
from firmdesk.matters.models import Contact, Matter
from firmdesk.scheduling import deadlines, services
from firmdesk.scheduling.models import (
    Court,
    DeadlineRule,
    Event,
    EventAttendee,
    declared_holidays,
)
from firmdesk.scheduling.selectors import access_event
from firmdesk.work.selectors import assignable_people

from ..errors import Conflict, ErrorOut, Unprocessable
from ..etags import check_if_match, etag_of
from ..pagination import ListQuery, Page, paginate
from ..reading import PersonOut, audit_read, scope_of
from ..rendering import page_response
from ..schema import Schema

router = Router(tags=["Events"])

# Far enough inside Python's date range that a window, a period of 3660 days
# or a zone either side never overflows (the pages keep the same bounds).
EARLIEST_DAY, LATEST_DAY = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
DEFAULT_WINDOW = dt.timedelta(days=30)
MAX_WINDOW = dt.timedelta(days=366)
MAX_RULES = 20


# --- Enums (named apart: ninja names an enum after its class) -----------------


class EventKind(enum.StrEnum):
    APPOINTMENT = "appointment"
    CONSULTATION = "consultation"
    COURT_DATE = "court_date"
    HEARING = "hearing"
    DEPOSITION = "deposition"
    DEADLINE = "deadline"
    OTHER = "other"


class EventStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    DONE = "done"
    CANCELLED = "cancelled"


class ServiceMethod(enum.StrEnum):
    """How the paper that triggers a period was served (Rule 5(b)(2))."""

    PERSONAL = "personal"
    ELECTRONIC = "electronic"
    MAIL = "mail"
    CLERK = "clerk"
    CONSENT = "consent"


class PeriodUnit(enum.StrEnum):
    DAYS = "days"
    COURT_DAYS = "court_days"
    HOURS = "hours"


class PeriodDirection(enum.StrEnum):
    AFTER = "after"
    BEFORE = "before"


# --- Representations ----------------------------------------------------------


class EventMatterOut(Schema):
    id: uuid.UUID
    number: str
    title: str


class CourtOut(Schema):
    code: str
    name: str
    jurisdiction: str
    time_zone: str


class AttendeeOut(Schema):
    id: uuid.UUID
    kind: Literal["person", "contact"]
    name: str


class DerivationStepOut(Schema):
    rule: str = Field(description="The provision applied, e.g. 6(a)(1)(C).")
    text: str
    result: str


class EventDeadlineOut(Schema):
    """What a computed deadline was counted from, and how."""

    rule: str | None = Field(None, description="The rule's code, if one set it.")
    citation: str
    trigger_date: dt.date | None
    trigger_event: uuid.UUID | None = Field(
        None, description="The event it counts from (moves with it), if any."
    )
    service: ServiceMethod
    last_moment: dt.datetime | None = Field(
        None, description="The last moment to file, in UTC."
    )
    derivation: list[DerivationStepOut]


class EventOut(Schema):
    id: uuid.UUID
    kind: EventKind
    title: str
    description: str
    status: EventStatus
    matter: EventMatterOut | None
    court: CourtOut | None
    start: dt.datetime = Field(description="UTC.")
    end: dt.datetime = Field(description="UTC.")
    all_day: bool
    start_date: dt.date | None = Field(
        description="All-day events: the first day, the same for every viewer."
    )
    end_date: dt.date | None = Field(description="All-day events: the last day.")
    time_zone: str = Field(
        description="The event's own zone: its court's for a court date, "
        "else the zone it was set in."
    )
    firm_time_zone: str
    location: str
    video_url: str
    owner: PersonOut | None
    attendees: list[AttendeeOut]
    reminder_minutes: list[int]
    deadline: EventDeadlineOut | None = Field(
        description="Set on deadlines computed from a rule or a court order."
    )
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def of(
        event: Event,
        *,
        visible_triggers: set[int],
        attendees: dict[int, list[dict]],
    ) -> "EventOut":
        return EventOut.model_validate(
            EventOut.row(event, visible_triggers=visible_triggers, attendees=attendees)
        )

    @staticmethod
    def row(
        event: Event,
        *,
        visible_triggers: set[int],
        attendees: dict[int, list[dict]],
    ) -> dict:
        """The event as plain values, in the order of the fields above: what
        ``of`` validates, and what the list sends as it is
        (``api.rendering.page_response``). ``event`` comes through
        ``_events``, which puts what it shows of its firm, matter, court,
        owner, rule and trigger on it as values (``ROW_VALUES``).
        ``visible_triggers``: pks of
        trigger events the reader may see (an id they could not open is not
        shown). ``attendees``: by event pk, as ``_attendees_of`` reads them."""
        deadline = None
        if event.derivation or event.period:
            # Rare in a list, and its steps are stored JSON: validated here.
            deadline = EventDeadlineOut(
                rule=event.rule_code,
                citation=(event.period or {}).get("citation", ""),
                trigger_date=event.trigger_date,
                trigger_event=event.trigger_public_id
                if event.trigger_event_id in visible_triggers
                else None,
                service=ServiceMethod(event.service),
                last_moment=_utc(event.last_moment),
                derivation=[DerivationStepOut(**s) for s in event.derivation],
            ).model_dump()
        return {
            "id": event.public_id,
            "kind": event.kind,
            "title": event.title,
            "description": event.description,
            "status": event.status,
            "matter": {
                "id": event.matter_public_id,
                "number": event.matter_number,
                "title": event.matter_title,
            }
            if event.matter_id is not None
            else None,
            "court": {
                "code": event.court_code,
                "name": event.court_name,
                "jurisdiction": event.court_jurisdiction,
                "time_zone": event.court_time_zone,
            }
            if event.court_id is not None
            else None,
            "start": _utc(event.start),
            "end": _utc(event.end),
            "all_day": event.all_day,
            "start_date": event.start_date,
            "end_date": event.end_date,
            "time_zone": event.time_zone,
            "firm_time_zone": event.firm_time_zone,
            "location": event.location,
            "video_url": event.video_url,
            "owner": PersonOut.row_of(event, "owner"),
            "attendees": attendees.get(event.pk, []),
            "reminder_minutes": list(event.reminder_minutes or []),
            "deadline": deadline,
            "created_at": _utc(event.created_at),
            "updated_at": _utc(event.updated_at),
        }


def _utc(moment):
    return moment.astimezone(dt.UTC) if moment is not None else None


# What an event's representation shows of the rows it points to, read as
# values on the event: a list of fifty built six joined model instances a row
# (firm, matter, court, owner, rule, trigger), a fifth of the route's CPU
# (13.3-14.3 ms a request before, 10.9-11.2 after; issue 22).
ROW_VALUES = {
    "firm_time_zone": F("firm__time_zone"),
    "matter_public_id": F("matter__public_id"),
    "matter_number": F("matter__number"),
    "matter_title": F("matter__title"),
    "court_code": F("court__code"),
    "court_name": F("court__name"),
    "court_jurisdiction": F("court__jurisdiction"),
    "court_time_zone": F("court__time_zone"),
    **PersonOut.values("owner"),
    "rule_code": F("rule__code"),
    "trigger_public_id": F("trigger_event__public_id"),
}
RELATED = ("firm", "matter", "court", "owner", "rule", "trigger_event")


def _events(scope, *, listing: bool = False) -> QuerySet:
    """The events the token sees, each with ``ROW_VALUES`` (``EventOut.row``).
    ``listing``: nothing more; else with the related rows too, which the
    services and the audit trail read."""
    rows = Event.objects.in_scope(scope).annotate(**ROW_VALUES)
    return rows.select_related(None) if listing else rows.select_related(*RELATED)


def _with_attendee_rows(events: QuerySet) -> QuerySet:
    """The events with their attendees' rows (``attendee_rows``), the people
    and contacts a change keeps when it does not name new ones."""
    attendees = through_scoped(EventAttendee).select_related("user", "contact")
    return events.prefetch_related(
        Prefetch("attendees", queryset=attendees, to_attr="attendee_rows")
    )


def _attendees_of(event_pks) -> dict[int, list[dict]]:
    """The attendees (``AttendeeOut`` as plain values) of the events
    ``event_pks`` (rows a Scope gave), by event, as EventOut lists them:
    people before contacts, by name.

    Read as values: a prefetch built an attendee, a person and a contact
    model for each and ran Django's prefetch machinery, a sixth of the event
    list's time in this process (issue 22, bench/results/api.md). The people
    are read by their keys in a query of their own: joined to the attendees,
    PostgreSQL hashed every user of the installation for a page's score of
    attendees (3,214 on the large seed, most of the statement's 2-3 ms).
    """
    rows = list(
        through_scoped(EventAttendee)
        .filter(event_id__in=event_pks)
        .values_list("event_id", "user_id", "contact__public_id", "contact__name")
    )
    people = {
        pk: (public_id, name)
        for pk, public_id, name in get_user_model()
        .objects.filter(pk__in={row[1] for row in rows if row[1]})
        .values_list("pk", "public_id", "full_name")
    }
    found: dict[int, list[dict]] = {}
    for event_id, user_id, contact, contact_name in rows:
        if user_id:
            user, user_name = people[user_id]
            attendee = {"id": user, "kind": "person", "name": user_name}
        else:
            attendee = {"id": contact, "kind": "contact", "name": contact_name}
        found.setdefault(event_id, []).append(attendee)
    for attendees in found.values():
        attendees.sort(key=lambda a: (a["kind"], a["name"], str(a["id"])))
    return found


def _visible_triggers(scope, events) -> set[int]:
    wanted = {e.trigger_event_id for e in events if e.trigger_event_id}
    if not wanted:
        return set()
    return set(
        Event.objects.in_scope(scope).filter(pk__in=wanted).values_list("pk", flat=True)
    )


def _out(scope, event: Event) -> EventOut:
    fresh = _events(scope).get(pk=event.pk)
    return EventOut.of(
        fresh,
        visible_triggers=_visible_triggers(scope, [fresh]),
        attendees=_attendees_of([fresh.pk]),
    )


def _event_for_write(scope, event_id) -> Event:
    """The event locked for this transaction. Only its own row: a lock may not
    reach the nullable side of the joins the access rule makes."""
    return access_object(
        Event,
        scope,
        event_id,
        queryset=Event.objects.in_scope(scope).select_for_update(of=("self",)),
    )


# --- Checking what a client sent ------------------------------------------------


def _require_scheduler(scope) -> None:
    """Before anything else is checked, as the pages refuse the form itself."""
    if not services.may_schedule(scope):
        raise Unprocessable(
            "Your engagement with this firm does not include scheduling, so you "
            "cannot change its calendar."
        )


def _day_in_range(day: dt.date, field: str) -> dt.date:
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise Unprocessable(
            f"{field}: give a date between {EARLIEST_DAY} and {LATEST_DAY}.",
            fields={field: ["Out of range."]},
        )
    return day


def _moment(value: dt.datetime | None, field: str) -> dt.datetime | None:
    """An ISO 8601 time with its offset, as UTC."""
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise Unprocessable(
            f"{field}: give the time with its offset, e.g. "
            "2026-12-14T10:00:00-05:00 or 2026-12-14T15:00:00Z, so it cannot be "
            "read in the wrong zone.",
            fields={field: ["Add the offset (Z or ±hh:mm)."]},
        )
    _day_in_range(value.date(), field)
    return value.astimezone(dt.UTC)


def _matter(scope, matter_id: uuid.UUID | None):
    if matter_id is None:
        return None
    matter = (
        Matter.objects.in_scope(scope)
        .exclude(Matter.closed_q())
        .filter(public_id=matter_id)
        .first()
    )
    if matter is None:
        raise Unprocessable(
            "No open matter with that id that this token may see: give the id "
            "of an open matter of the firm (GET …/matters).",
            fields={"matter": ["Unknown or closed matter."]},
        )
    return matter


def _court(code: str | None):
    if not code:
        return None
    court = Court.objects.filter(code=code.strip().lower(), active=True).first()
    if court is None:
        raise Unprocessable(
            f"No court with the code “{code}”: see GET …/courts for the codes.",
            fields={"court": ["Unknown court code."]},
        )
    return court


def _people(scope) -> dict[uuid.UUID, object]:
    """Whom calendar work may be given to: the firm's people and its current
    support staff (the pages offer the same)."""
    people = assignable_people(scope=scope, engagements=live_engagements(scope=scope))
    return {user.public_id: user for user, _label in people}


def _person(people, public_id: uuid.UUID, field: str):
    user = people.get(public_id)
    if user is None:
        raise Unprocessable(
            "That id is not one of the firm's people or its current support "
            "staff: give the id of someone who works on this firm's calendar.",
            fields={field: [f"Unknown person: {public_id}."]},
        )
    return user


def _contacts(scope, ids: list[uuid.UUID]) -> tuple:
    if not ids:
        return ()
    found = {
        c.public_id: c
        for c in Contact.objects.in_scope(scope).filter(public_id__in=ids)
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise Unprocessable(
            "Some contacts are not the firm's (or this token may not see them).",
            fields={"contacts": [f"Unknown contact: {m}." for m in missing]},
        )
    return tuple(found[i] for i in dict.fromkeys(ids))


def _video_url(value: str) -> str:
    value = value.strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except DjangoValidationError:
            raise Unprocessable(
                "video_url: give the full address of the video call, starting "
                "with https://.",
                fields={"video_url": ["Not a web address."]},
            ) from None
    return value


def _refuse_double_booking(scope, data: services.EventData, exclude_pk=None):
    """The page warns of a clash and asks to save anyway; an integration says
    so up front with ``allow_double_booking``."""
    if data.all_day or data.kind == Event.Kind.FILING_DEADLINE or not data.start:
        return
    start = data.start
    end = data.end or start + dt.timedelta(hours=1)
    zone = services.zone_for(
        kind=data.kind, court=data.court, time_zone=data.time_zone, firm=scope.firm
    )
    clashes = services.double_bookings(
        firm=scope.firm,
        users=[data.owner, *data.attendee_users],
        start=start,
        end=end,
        exclude_pk=exclude_pk,
    )
    if not clashes:
        return
    try:
        shown_in = ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        shown_in = scope.firm.tz
    lines = [
        f"{person.full_name} is already booked: {other.title}, "
        f"{when(other.start, shown_in, weekday=True)}."
        for person, other in clashes
    ]
    raise Conflict(
        " ".join(lines) + " Send “allow_double_booking”: true to schedule it anyway.",
        fields={"start": lines},
    )


# --- Events: list ------------------------------------------------------------------


class EventFilters(ListQuery):
    start_after: dt.datetime | None = Field(
        None,
        description="Events starting at or after this moment (ISO 8601 with "
        "offset). Default: midnight today in the firm's zone.",
    )
    start_before: dt.datetime | None = Field(
        None,
        description="Events starting before this moment. Default: 30 days after "
        "start_after. The window may be at most 366 days.",
    )
    matter: uuid.UUID | None = None
    kind: EventKind | None = None
    status: EventStatus | None = None
    attendee: str | None = Field(
        None,
        description="“me”, a person's id or a contact's id: events they attend "
        "or (people) answer for.",
    )


EVENT_ORDERINGS = {"start": "start", "created": "created_at", "updated": "updated_at"}


def _window(scope, filters: EventFilters) -> tuple[dt.datetime, dt.datetime]:
    after = _moment(filters.start_after, "start_after")
    before = _moment(filters.start_before, "start_before")
    if after is None and before is None:
        today = timezone.localdate(timezone=scope.firm.tz)
        after = dt.datetime.combine(today, dt.time(0), tzinfo=scope.firm.tz)
    if after is None:
        assert before is not None
        after = before - DEFAULT_WINDOW
    if before is None:
        before = after + DEFAULT_WINDOW
    if before <= after:
        raise Unprocessable(
            "start_before must be later than start_after.",
            fields={"start_before": ["Before start_after."]},
        )
    if before - after > MAX_WINDOW:
        raise Unprocessable(
            "Ask for at most 366 days at a time: page through a longer span "
            "window by window.",
            fields={"start_before": ["More than 366 days after start_after."]},
        )
    return after, before


def _attendee_q(scope, attendee: str) -> Q:
    if attendee.strip().lower() == "me":
        mine = EventAttendee.objects.for_firm(scope.firm).filter(user=scope.user)
        return Q(owner=scope.user) | Q(pk__in=mine.values("event_id"))
    try:
        public_id = uuid.UUID(attendee.strip())
    except ValueError:
        raise Unprocessable(
            "attendee: give “me”, or the id of a person or a contact.",
            fields={"attendee": ["Not “me” or an id."]},
        ) from None
    rows = EventAttendee.objects.for_firm(scope.firm).filter(
        Q(user__public_id=public_id) | Q(contact__public_id=public_id)
    )
    return Q(owner__public_id=public_id) | Q(pk__in=rows.values("event_id"))


@router.get(
    "events",
    response={200: Page[EventOut], 422: ErrorOut},
    summary="List events",
    description="The calendar events this token may see that start in a window "
    "(default: the next 30 days from midnight today, firm time), soonest first. "
    "Cancelled events are listed too, with status “cancelled”, so a calendar "
    "kept in step removes them. "
    f"order: one of {', '.join(EVENT_ORDERINGS)} (prefix “-” to reverse).",
)
def list_events(
    request: HttpRequest, firm_slug: Path[str], filters: Query[EventFilters]
):
    scope = scope_of(request)
    after, before = _window(scope, filters)
    rows = _events(scope, listing=True).filter(start__gte=after, start__lt=before)
    if filters.matter:
        rows = rows.filter(matter__public_id=filters.matter)
    if filters.kind:
        rows = rows.filter(kind=filters.kind.value)
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    if filters.attendee:
        rows = rows.filter(_attendee_q(scope, filters.attendee))
    page = paginate(
        rows,
        filters,
        orderings=EVENT_ORDERINGS,
        default="start",
        keys_first=True,
    )
    visible = _visible_triggers(scope, page["items"])
    attendees = _attendees_of([e.pk for e in page["items"]])
    page["items"] = [
        EventOut.row(e, visible_triggers=visible, attendees=attendees)
        for e in page["items"]
    ]
    return page_response(request, page)


# --- Events: one ---------------------------------------------------------------------


@router.get(
    "events/{event_id}",
    response={200: EventOut, 404: ErrorOut},
    summary="One event",
    description="Sends an ETag: pass it as If-Match when you change or cancel "
    "the event. A computed deadline carries its derivation (each step, with "
    "the days skipped and why).",
)
def get_event(
    request: HttpRequest,
    firm_slug: Path[str],
    event_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    event = access_event(scope, event_id)
    out = _out(scope, event)
    audit_read(
        request,
        event,
        action="event.viewed",
        matter=event.matter,
        summary=f"Read {event.title} through the API",
    )
    response["ETag"] = etag_of(out)
    return out


# --- Events: create and change ---------------------------------------------------


class EventIn(Schema):
    kind: EventKind
    title: str = Field(max_length=200)
    start: dt.datetime | None = Field(
        None, description="ISO 8601 with offset. Not for all-day events."
    )
    end: dt.datetime | None = Field(None, description="Default: an hour after start.")
    all_day: bool = False
    start_date: dt.date | None = Field(None, description="All-day events.")
    end_date: dt.date | None = Field(
        None, description="All-day events: the last day (default: start_date)."
    )
    time_zone: str | None = Field(
        None,
        max_length=64,
        description="The event's own zone (IANA name). Default: the firm's; a "
        "court date, hearing or deadline with a court takes the court's.",
    )
    matter: uuid.UUID | None = None
    court: str | None = Field(None, max_length=20, description="A court's code.")
    description: str = Field("", max_length=10_000)
    location: str = Field("", max_length=300)
    video_url: str = Field("", max_length=200)
    owner: uuid.UUID | None = Field(
        None, description="Who answers for it and is reminded. Default: you."
    )
    attendees: list[uuid.UUID] = Field([], max_length=50, description="People.")
    contacts: list[uuid.UUID] = Field(
        [], max_length=50, description="Clients and other contacts attending."
    )
    reminder_minutes: list[int] | None = Field(
        None,
        max_length=10,
        description="Minutes before the start, e.g. [1440, 60]. Default by kind.",
    )
    allow_double_booking: bool = Field(
        False,
        description="Schedule even when someone is already booked then "
        "(otherwise 409 names the clash).",
    )


def _event_data(scope, body: Schema, base: Event | None) -> services.EventData:
    """What the service takes: the body's values, and for a change the
    event's own for whatever the body leaves out."""
    given = body.model_fields_set

    def pick(name, current):
        return getattr(body, name) if name in given or base is None else current

    people = _people(scope)
    kind = pick("kind", base.kind if base else None)
    all_day = pick("all_day", base.all_day if base else False)
    start = _moment(pick("start", base.start if base else None), "start")
    end = _moment(pick("end", base.end if base else None), "end")
    if base is not None and "start" in given and "end" not in given and start:
        end = start + (base.end - base.start)  # moved, not stretched
    start_date = pick("start_date", base.start_date if base else None)
    end_date = pick("end_date", base.end_date if base else None)
    for name, day in (("start_date", start_date), ("end_date", end_date)):
        if day is not None:
            _day_in_range(day, name)
    if "matter" in given or base is None:
        matter = _matter(scope, body.matter)
    else:
        matter = base.matter
    court = _court(body.court) if "court" in given or base is None else base.court
    if "owner" in given or base is None:
        owner = _person(people, body.owner, "owner") if body.owner else None
    else:
        owner = base.owner
    if "attendees" in given or base is None:
        attendee_users = tuple(
            _person(people, pk, "attendees") for pk in dict.fromkeys(body.attendees)
        )
    else:
        attendee_users = tuple(a.user for a in base.attendee_rows if a.user_id)
    if "contacts" in given or base is None:
        contacts = _contacts(scope, body.contacts)
    else:
        contacts = tuple(a.contact for a in base.attendee_rows if a.contact_id)
    return services.EventData(
        kind=str(kind),
        title=pick("title", base.title if base else ""),
        start=None if all_day else start,
        end=None if all_day else end,
        all_day=bool(all_day),
        start_date=start_date if all_day else None,
        end_date=end_date if all_day else None,
        time_zone=pick("time_zone", base.time_zone if base else None),
        matter=matter,
        court=court,
        description=pick("description", base.description if base else ""),
        location=pick("location", base.location if base else ""),
        video_url=_video_url(pick("video_url", base.video_url if base else "")),
        owner=owner or (None if base else scope.user),
        reminder_minutes=pick(
            "reminder_minutes", list(base.reminder_minutes) if base else None
        ),
        attendee_users=attendee_users,
        attendee_contacts=contacts,
    )


@router.post(
    "events",
    response={201: EventOut, 409: ErrorOut, 422: ErrorOut},
    summary="Schedule an event",
    description="As on the New event page: firm members, and support staff "
    "whose engagement covers scheduling. Give start (and end) with an offset, "
    "or all_day with start_date. Someone already booked then answers 409 "
    "naming the clash, unless allow_double_booking is true.",
)
def create_event(
    request: HttpRequest,
    firm_slug: Path[str],
    body: EventIn,
    response: HttpResponse,
):
    scope = scope_of(request)
    _require_scheduler(scope)
    data = _event_data(scope, body, None)
    if not body.allow_double_booking:
        _refuse_double_booking(scope, data)
    event = services.event_create(scope=scope, data=data, actor=scope.user)
    out = _out(scope, event)
    response["ETag"] = etag_of(out)
    return Status(201, out)


class EventChange(Schema):
    kind: EventKind | None = None
    title: str | None = Field(None, max_length=200)
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    all_day: bool | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    time_zone: str | None = Field(None, max_length=64)
    matter: uuid.UUID | None = Field(None, description="null: no matter.")
    court: str | None = Field(None, max_length=20, description="null: no court.")
    description: str | None = Field(None, max_length=10_000)
    location: str | None = Field(None, max_length=300)
    video_url: str | None = Field(None, max_length=200)
    owner: uuid.UUID | None = None
    attendees: list[uuid.UUID] | None = Field(
        None, max_length=50, description="Replaces the people attending."
    )
    contacts: list[uuid.UUID] | None = Field(
        None, max_length=50, description="Replaces the contacts attending."
    )
    reminder_minutes: list[int] | None = Field(None, max_length=10)
    trigger_date: dt.date | None = Field(
        None,
        description="Computed deadlines only: count the deadline again from "
        "this date (the only change a computed deadline takes).",
    )
    allow_double_booking: bool = False


NOT_NULL = (
    "kind",
    "title",
    "all_day",
    "description",
    "location",
    "video_url",
    "owner",
)
CHANGES_TIMES_OR_PEOPLE = {
    "start",
    "end",
    "all_day",
    "start_date",
    "end_date",
    "time_zone",
    "kind",
    "court",
    "owner",
    "attendees",
}


def _change_deadline(scope, event: Event, change: EventChange) -> Event:
    """A computed deadline moves only by its trigger date (as on its page)."""
    other = change.model_fields_set - {"trigger_date", "allow_double_booking"}
    if other or change.trigger_date is None:
        raise Unprocessable(
            "A computed deadline changes only through its trigger date: send "
            "trigger_date alone, and the deadline is counted again from it.",
            fields={name: ["Not for a computed deadline."] for name in sorted(other)}
            or {"trigger_date": ["Give the new trigger date."]},
        )
    if event.trigger_event_id:
        raise Unprocessable(
            "This deadline counts from another event: change that event's date "
            "and the deadline moves with it.",
            fields={"trigger_date": ["Counts from an event."]},
        )
    return services.deadline_set_trigger(
        scope=scope,
        event=event,
        trigger_date=_day_in_range(change.trigger_date, "trigger_date"),
        actor=scope.user,
        revision=event.revision,
    )


@router.patch(
    "events/{event_id}",
    response={
        200: EventOut,
        404: ErrorOut,
        409: ErrorOut,
        412: ErrorOut,
        422: ErrorOut,
    },
    summary="Change an event",
    description="Send only what changes; null clears matter or court. Send "
    "If-Match with the ETag you read: an event changed since answers 412 and "
    "keeps the other change. Deadlines counted from this event move with it. "
    "A computed deadline takes only trigger_date.",
)
def update_event(
    request: HttpRequest,
    firm_slug: Path[str],
    event_id: uuid.UUID,
    change: EventChange,
    response: HttpResponse,
):
    scope = scope_of(request)
    nulls = [
        n
        for n in NOT_NULL
        if n in change.model_fields_set and getattr(change, n) is None
    ]
    if nulls:
        raise Unprocessable(
            "These cannot be empty (null); leave them out to keep them.",
            fields={n: ["May not be null."] for n in nulls},
        )
    with transaction.atomic():
        event = _event_for_write(scope, event_id)
        check_if_match(request, etag_of(_out(scope, event)), what="event")
        _require_scheduler(scope)
        if event.kind == Event.Kind.FILING_DEADLINE and event.derivation:
            event = _change_deadline(scope, event, change)
        else:
            if "trigger_date" in change.model_fields_set:
                raise Unprocessable(
                    "trigger_date is for computed deadlines; this event has none.",
                    fields={"trigger_date": ["Not a computed deadline."]},
                )
            base = _with_attendee_rows(_events(scope)).get(pk=event.pk)
            data = _event_data(scope, change, base)
            if not change.allow_double_booking and (
                change.model_fields_set & CHANGES_TIMES_OR_PEOPLE
            ):
                _refuse_double_booking(scope, data, exclude_pk=event.pk)
            event = services.event_update(
                scope=scope,
                event=event,
                data=data,
                actor=scope.user,
                revision=event.revision,
            )
    out = _out(scope, event)
    response["ETag"] = etag_of(out)
    return out


@router.post(
    "events/{event_id}/cancel",
    response={200: EventOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    summary="Cancel an event",
    description="As the event page's Cancel: the event stays, marked "
    "cancelled, its reminders stop and calendar feeds show it vacated. "
    "Cancelling a cancelled event changes nothing. If-Match is honoured.",
)
def cancel_event(
    request: HttpRequest,
    firm_slug: Path[str],
    event_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    with transaction.atomic():
        event = _event_for_write(scope, event_id)
        check_if_match(request, etag_of(_out(scope, event)), what="event")
        event = services.event_set_status(
            scope=scope,
            event=event,
            status=Event.Status.CANCELLED,
            actor=scope.user,
            revision=event.revision,
        )
    out = _out(scope, event)
    response["ETag"] = etag_of(out)
    return out


# --- Deadlines -----------------------------------------------------------------------


class DeadlinePeriodIn(Schema):
    """A period a court order or local rule set, when no rule in FirmDesk does."""

    offset: int = Field(ge=1, le=deadlines.MAX_DAYS)
    unit: PeriodUnit = PeriodUnit.DAYS
    direction: PeriodDirection = PeriodDirection.AFTER
    service_extension: bool = Field(
        False, description="Rule 6(d)'s 3 days apply after service by mail."
    )
    citation: str = Field("Court order", max_length=120)
    name: str = Field("Deadline", max_length=200)


class DeadlineRequest(Schema):
    rule: str | None = Field(None, max_length=60, description="A rule's code.")
    rules: list[str] = Field(
        [],
        max_length=MAX_RULES,
        description="Several rules' codes, counted from the same trigger.",
    )
    period: DeadlinePeriodIn | None = Field(
        None, description="Or a period of your own (court order, local rule)."
    )
    trigger_date: dt.date | None = Field(
        None, description="The day that starts the period (it is not counted)."
    )
    trigger_event: uuid.UUID | None = Field(
        None, description="Or the event it counts from (its day, court time)."
    )
    service: ServiceMethod = Field(
        ServiceMethod.PERSONAL,
        description="How the trigger paper was served: mail, clerk and consent "
        "add Rule 6(d)'s 3 days where the rule allows.",
    )
    court: str | None = Field(
        None,
        max_length=20,
        description="A court's code: its zone, state holidays and closures "
        "count. Default: federal holidays in the firm's zone.",
    )


class DeadlineComputeIn(DeadlineRequest):
    jurisdiction: str | None = Field(
        None,
        max_length=5,
        description="Without a court: US (default) or US-XX to count that "
        "state's holidays too, as `firmdesk deadline --jurisdiction`.",
    )
    observed_holidays: bool = Field(
        True,
        description="false: the Friday/Monday a weekend holiday is observed on "
        "is an ordinary day (`firmdesk deadline --no-observed`).",
    )


class DeadlineCreateIn(DeadlineRequest):
    matter: uuid.UUID | None = Field(None, description="The matter's calendar.")
    title: str = Field(
        "", max_length=200, description="Default: the rule's name (one rule only)."
    )
    owner: uuid.UUID | None = Field(
        None, description="Who answers for it and is reminded. Default: you."
    )
    reminder_minutes: list[int] | None = Field(None, max_length=10)


class ComputedDeadlineOut(Schema):
    rule: str | None = Field(description="The rule's code; null for a period.")
    citation: str
    name: str
    period: str = Field(description="e.g. “21 days after service of the summons”.")
    due: str = Field(
        description="The last day (YYYY-MM-DD); for an hour period the last "
        "moment, court time (YYYY-MM-DDTHH:MM)."
    )
    last_moment: dt.datetime = Field(
        description="The last moment to file electronically, with the court's offset."
    )
    time_zone: str = Field(description="The court's zone.")
    steps: list[DerivationStepOut] = Field(
        description="How the date was reached: each provision applied, the "
        "days skipped and why."
    )


class DeadlineComputationOut(Schema):
    court: str
    jurisdiction: str
    time_zone: str
    trigger_date: dt.date
    service: ServiceMethod
    deadlines: list[ComputedDeadlineOut]


@dataclasses.dataclass
class _Period:
    rule: DeadlineRule | None
    period: dict


def _periods(body: DeadlineRequest) -> list[_Period]:
    codes = list(dict.fromkeys([*([body.rule] if body.rule else []), *body.rules]))
    if body.period is not None and codes:
        raise Unprocessable(
            "Give rules, or a period of your own, not both.",
            fields={"period": ["Leave out when rules are given."]},
        )
    if body.period is not None:
        p = body.period
        return [
            _Period(
                None,
                {
                    "offset": p.offset,
                    "unit": p.unit.value,
                    "direction": p.direction.value,
                    "service_extension": p.service_extension,
                    "citation": p.citation,
                    "name": p.name,
                    "trigger": "",
                },
            )
        ]
    if not codes:
        raise Unprocessable(
            "Choose the rule that sets the deadline (rule or rules: codes from "
            "GET …/deadlines/rules), or give the period a court order set.",
            fields={"rule": ["Give a rule's code."]},
        )
    if len(codes) > MAX_RULES:
        raise Unprocessable(
            f"At most {MAX_RULES} rules at once.",
            fields={"rules": [f"More than {MAX_RULES}."]},
        )
    found = {
        r.code: r for r in DeadlineRule.objects.filter(code__in=codes, active=True)
    }
    missing = [c for c in codes if c not in found]
    if missing:
        raise Unprocessable(
            "Unknown rule code: " + ", ".join(missing) + ". GET …/deadlines/rules "
            "lists the codes.",
            fields={"rules": [f"Unknown rule: {c}." for c in missing]},
        )
    return [_Period(found[c], services.period_of(found[c])) for c in codes]


def _trigger(scope, body: DeadlineRequest):
    """(trigger for the calculator, the trigger event or None)."""
    if body.trigger_event is not None:
        if body.trigger_date is not None:
            raise Unprocessable(
                "Give the trigger date or the trigger event, not both.",
                fields={"trigger_date": ["Leave out with trigger_event."]},
            )
        event = (
            Event.objects.in_scope(scope)
            .exclude(kind=Event.Kind.FILING_DEADLINE)
            .filter(public_id=body.trigger_event)
            .first()
        )
        if event is None:
            raise Unprocessable(
                "No event with that id that this token may see (a deadline "
                "cannot be a trigger).",
                fields={"trigger_event": ["Unknown event."]},
            )
        return services.trigger_of(event), event
    if body.trigger_date is None:
        raise Unprocessable(
            "Give the trigger date (YYYY-MM-DD), or the event the period counts from.",
            fields={"trigger_date": ["Required."]},
        )
    return _day_in_range(body.trigger_date, "trigger_date"), None


def _calendar(scope, body: DeadlineComputeIn) -> deadlines.CourtCalendar:
    court = _court(body.court)
    if court is not None:
        if body.jurisdiction:
            raise Unprocessable(
                "Give a court or a jurisdiction, not both: a court's jurisdiction "
                "is its own.",
                fields={"jurisdiction": ["Leave out with court."]},
            )
        calendar = services.calendar_for(court, scope.firm)
    else:
        try:
            calendar = deadlines.CourtCalendar(
                jurisdiction=body.jurisdiction or "US",
                time_zone=scope.firm.time_zone,
                declared=declared_holidays(),
            )
        except deadlines.DeadlineError as error:
            raise Unprocessable(
                str(error), fields={"jurisdiction": [str(error)]}
            ) from None
    if not body.observed_holidays:
        calendar = dataclasses.replace(calendar, observed_holidays=False)
    return calendar


def _summary(period: dict) -> str:
    unit = {"days": "days", "court_days": "court days", "hours": "hours"}
    text = f"{period['offset']} {unit.get(period['unit'], period['unit'])} "
    text += "before" if period.get("direction") == "before" else "after"
    return text + (f" {period['trigger']}" if period.get("trigger") else " the trigger")


@router.post(
    "deadlines/compute",
    response={200: DeadlineComputationOut, 422: ErrorOut},
    summary="Compute deadlines",
    description="Counts each rule's period from the trigger under FRCP 6(a) "
    "and 6(d), exactly as `firmdesk deadline` and the deadline page do, and "
    "answers each last day with its derivation. Writes nothing.",
)
def compute_deadlines(
    request: HttpRequest, firm_slug: Path[str], body: DeadlineComputeIn
):
    scope = scope_of(request)
    periods = _periods(body)
    trigger, _event = _trigger(scope, body)
    calendar = _calendar(scope, body)
    results = []
    for item in periods:
        try:
            result = services.compute(
                item.period,
                trigger=trigger,
                service=body.service.value,
                calendar=calendar,
            )
        except deadlines.DeadlineError as error:
            raise Unprocessable(str(error), fields={"period": [str(error)]}) from None
        results.append(
            ComputedDeadlineOut(
                rule=item.rule.code if item.rule else None,
                citation=item.period.get("citation", ""),
                name=item.period.get("name", ""),
                period=_summary(item.period),
                steps=[DerivationStepOut(**s.as_dict()) for s in result.steps],
                **{k: v for k, v in result.as_dict().items() if k != "steps"},
            )
        )
    return DeadlineComputationOut(
        court=calendar.name,
        jurisdiction=calendar.jurisdiction,
        time_zone=calendar.time_zone,
        trigger_date=trigger.date() if isinstance(trigger, dt.datetime) else trigger,
        service=body.service,
        deadlines=results,
    )


class DeadlinesCreatedOut(Schema):
    items: list[EventOut]


@router.post(
    "deadlines",
    response={201: DeadlinesCreatedOut, 422: ErrorOut},
    summary="Add computed deadlines to the calendar",
    description="Computes each rule's deadline as deadlines/compute does and "
    "puts it on the calendar (on the matter's, with a matter) with its "
    "derivation, through the service the deadline page uses: all of them or, "
    "when one cannot be computed, none. With trigger_event the deadlines move "
    "whenever that event does.",
)
def create_deadlines(
    request: HttpRequest,
    firm_slug: Path[str],
    body: DeadlineCreateIn,
    response: HttpResponse,
):
    scope = scope_of(request)
    periods = _periods(body)
    if body.title and len(periods) > 1:
        raise Unprocessable(
            "A title is for one deadline; with several rules each takes its "
            "rule's name.",
            fields={"title": ["Leave out with several rules."]},
        )
    trigger, trigger_event = _trigger(scope, body)
    matter = _matter(scope, body.matter)
    court = _court(body.court)
    owner = _person(_people(scope), body.owner, "owner") if body.owner else None
    made = []
    with transaction.atomic():
        for item in periods:
            made.append(
                services.deadline_create(
                    scope=scope,
                    actor=scope.user,
                    matter=matter,
                    court=court,
                    rule=item.rule,
                    period=None if item.rule else item.period,
                    trigger_date=None if trigger_event else trigger,
                    trigger_event=trigger_event,
                    service=body.service.value,
                    title=body.title,
                    owner=owner,
                    reminder_minutes=body.reminder_minutes,
                )
            )
    rows = list(_events(scope).filter(pk__in=[e.pk for e in made]))
    visible = _visible_triggers(scope, rows)
    attendees = _attendees_of([e.pk for e in rows])
    by_pk = {e.pk: e for e in rows}
    items = [
        EventOut.of(by_pk[e.pk], visible_triggers=visible, attendees=attendees)
        for e in made
    ]
    return Status(201, DeadlinesCreatedOut(items=items))


# --- Reference data: rules and courts --------------------------------------------


class DeadlineRuleOut(Schema):
    code: str
    citation: str
    name: str
    jurisdiction: str
    trigger: str
    offset: int
    unit: PeriodUnit
    direction: PeriodDirection
    service_extension: bool
    summary: str


class RuleFilters(ListQuery):
    jurisdiction: str | None = Field(None, max_length=5)


@router.get(
    "deadlines/rules",
    response={200: Page[DeadlineRuleOut], 422: ErrorOut},
    summary="List deadline rules",
    description="The rules FirmDesk counts (codes for deadlines/compute and "
    "deadlines), by code. jurisdiction: US or US-XX.",
)
def list_deadline_rules(
    request: HttpRequest, firm_slug: Path[str], filters: Query[RuleFilters]
):
    scope_of(request)
    rows = DeadlineRule.objects.filter(active=True)
    if filters.jurisdiction:
        rows = rows.filter(jurisdiction__iexact=filters.jurisdiction)
    page = paginate(
        rows,
        filters,
        orderings={"code": "code", "citation": "citation"},
        default="code",
    )
    page["items"] = [
        DeadlineRuleOut(
            code=r.code,
            citation=r.citation,
            name=r.name,
            jurisdiction=r.jurisdiction,
            trigger=r.trigger,
            offset=r.offset,
            unit=PeriodUnit(r.unit),
            direction=PeriodDirection(r.direction),
            service_extension=r.service_extension,
            summary=r.summary,
        )
        for r in page["items"]
    ]
    return page


class CourtFilters(ListQuery):
    """Only the order, cursor and limit every list takes."""


@router.get(
    "courts",
    response={200: Page[CourtOut], 422: ErrorOut},
    summary="List courts",
    description="The courts whose calendars FirmDesk knows (code, zone, "
    "jurisdiction), by code: the `court` of events and deadlines.",
)
def list_courts(
    request: HttpRequest, firm_slug: Path[str], filters: Query[CourtFilters]
):
    scope_of(request)
    page = paginate(
        Court.objects.filter(active=True),
        filters,
        orderings={"code": "code", "name": "name"},
        default="code",
    )
    page["items"] = [
        CourtOut(
            code=c.code, name=c.name, jurisdiction=c.jurisdiction, time_zone=c.time_zone
        )
        for c in page["items"]
    ]
    return page
