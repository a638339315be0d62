"""Writing the calendar: events, computed deadlines, status changes, reminders.

Every change runs in one transaction with its audit event and its reminders;
owners hear of a moved deadline only once the move has committed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common import times
from firmdesk.common.errors import ServiceError
from firmdesk.notify.hooks import publish
from firmdesk.notify.services import notify

from . import deadlines
from .models import (
    CalendarFeed,
    Court,
    DeadlineRule,
    Event,
    EventAttendee,
    Reminder,
    declared_holidays,
)

DEFAULT_REMINDERS = {
    Event.Kind.FILING_DEADLINE: [7 * 24 * 60, 24 * 60],
    Event.Kind.HEARING: [24 * 60, 60],
    Event.Kind.COURT_DATE: [24 * 60, 60],
    Event.Kind.DEPOSITION: [24 * 60, 60],
}
MAX_REMINDER_MINUTES = 60 * 24 * 60


class StaleEvent(ServiceError):
    """Someone else changed the event since this person loaded it."""

    def __init__(self, event: Event):
        super().__init__(
            "Someone else changed this event while you were looking at it. "
            "Here it is as it stands now; check it and make your change again."
        )
        self.event = event


# --- Who may do what --------------------------------------------------------------


def may_schedule(scope) -> bool:
    """Firm members, and provider staff whose engagement covers scheduling."""
    return scope.works_on("scheduling")


def _require_scheduler(scope):
    if not may_schedule(scope):
        raise ServiceError(
            "Your engagement with this firm does not include scheduling, so you "
            "cannot change its calendar."
        )


# --- Time zones -------------------------------------------------------------------


def zone_for(*, kind: str, court: Court | None, time_zone: str | None, firm) -> str:
    """A court date belongs to its court's zone; anything else to the zone it
    was set in (the firm's when none is given)."""
    if court is not None and kind in Event.COURT_KINDS:
        return court.time_zone
    return time_zone or firm.time_zone


def _aware(day: dt.date, clock: dt.time, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=ZoneInfo(zone))


def all_day_bounds(start_date, end_date, zone) -> tuple[dt.datetime, dt.datetime]:
    """Midnight to midnight in the event's zone; the end is exclusive."""
    return (
        _aware(start_date, dt.time(0), zone),
        _aware(end_date + dt.timedelta(days=1), dt.time(0), zone),
    )


# --- Events -----------------------------------------------------------------------


@dataclass
class EventData:
    """What a person fills in. ``start``/``end`` are naive wall-clock times in
    ``time_zone``; all-day events use ``start_date``/``end_date`` instead."""

    kind: str
    title: str
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    all_day: bool = False
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    time_zone: str | None = None
    matter: object = None
    court: Court | None = None
    description: str = ""
    location: str = ""
    video_url: str = ""
    owner: object = None
    reminder_minutes: list | None = None
    attendee_users: tuple = ()
    attendee_contacts: tuple = ()


def _apply(event: Event, data: EventData, firm) -> None:
    if not data.title.strip():
        raise ServiceError("Give the event a title.", field="title")
    if data.kind not in Event.Kind.values:
        raise ServiceError("Choose what kind of event this is.", field="kind")
    if data.matter is not None and data.matter.firm_id != firm.pk:
        raise ServiceError("That matter belongs to another firm.", field="matter")
    zone = zone_for(
        kind=data.kind, court=data.court, time_zone=data.time_zone, firm=firm
    )
    try:
        ZoneInfo(zone)
    except Exception:
        raise ServiceError(
            f"{zone!r} is not a time zone name; choose one from the list.",
            field="time_zone",
        ) from None
    if data.all_day:
        if data.start_date is None:
            raise ServiceError("Give the date.", field="start_date")
        end_date = data.end_date or data.start_date
        if end_date < data.start_date:
            raise ServiceError(
                "The last day is before the first day.", field="end_date"
            )
        event.start, event.end = all_day_bounds(data.start_date, end_date, zone)
        event.start_date, event.end_date = data.start_date, end_date
    else:
        if data.start is None:
            raise ServiceError("Give the start date and time.", field="start")
        start = _localize(data.start, zone)
        end = _localize(data.end, zone) if data.end else start + dt.timedelta(hours=1)
        if end < start:
            raise ServiceError("The event ends before it starts.", field="end")
        event.start, event.end = start, end
        event.start_date = event.end_date = None
    reminders = (
        data.reminder_minutes
        if data.reminder_minutes is not None
        else DEFAULT_REMINDERS.get(data.kind, [60])
    )
    clean = sorted({int(m) for m in reminders}, reverse=True)
    if any(m < 0 or m > MAX_REMINDER_MINUTES for m in clean):
        raise ServiceError(
            "Reminders must be between 0 minutes and 60 days before the event.",
            field="reminder_minutes",
        )
    event.kind = data.kind
    event.title = data.title.strip()[:200]
    event.description = data.description
    event.matter = data.matter
    event.court = data.court
    event.time_zone = zone
    event.all_day = data.all_day
    event.location = data.location.strip()
    event.video_url = data.video_url.strip()
    event.owner = data.owner
    event.reminder_minutes = clean


def _localize(value: dt.datetime, zone: str) -> dt.datetime:
    if value.tzinfo is not None:
        return value.astimezone(ZoneInfo(zone))
    return value.replace(tzinfo=ZoneInfo(zone))


def _set_attendees(event: Event, data: EventData) -> None:
    wanted_users = {u.pk: u for u in data.attendee_users if u is not None}
    wanted_contacts = {c.pk: c for c in data.attendee_contacts if c is not None}
    for contact in wanted_contacts.values():
        if contact.firm_id != event.firm_id:
            raise ServiceError("That contact belongs to another firm.")
    existing = list(EventAttendee.objects.for_firm(event.firm).filter(event=event))
    for row in existing:
        gone_user = row.user_id and row.user_id not in wanted_users
        gone_contact = row.contact_id and row.contact_id not in wanted_contacts
        if gone_user or gone_contact:
            row.delete()
    have_users = {r.user_id for r in existing if r.user_id}
    have_contacts = {r.contact_id for r in existing if r.contact_id}
    EventAttendee.objects.bulk_create(
        [
            EventAttendee(firm=event.firm, event=event, user=u)
            for pk, u in wanted_users.items()
            if pk not in have_users
        ]
        + [
            EventAttendee(firm=event.firm, event=event, contact=c)
            for pk, c in wanted_contacts.items()
            if pk not in have_contacts
        ]
    )


def double_bookings(
    *, firm, users, start, end, exclude_pk=None
) -> list[tuple[object, Event]]:
    """Scheduled events of the same firm that overlap [start, end) for any of
    ``users`` (as owner or attendee). Deadlines mark a day, they do not take
    time, so they never clash."""
    users = [u for u in users if u is not None]
    if not users or start is None or end is None:
        return []
    end = max(end, start + dt.timedelta(minutes=1))
    rows = (
        Event.objects.for_firm(firm)
        .filter(status=Event.Status.SCHEDULED, start__lt=end, end__gt=start)
        .exclude(kind=Event.Kind.FILING_DEADLINE)
        .filter(Q(owner__in=users) | Q(attendees__user__in=users))
        .distinct()
        .prefetch_related("attendees")
        .order_by("start")
    )
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    clashes = []
    by_pk = {u.pk: u for u in users}
    for other in rows[:50]:
        involved = {other.owner_id} | {a.user_id for a in other.attendees.all()}
        for pk in sorted(involved & set(by_pk)):
            clashes.append((by_pk[pk], other))
    return clashes


def event_create(*, scope, data: EventData, actor) -> Event:
    _require_scheduler(scope)
    event = Event(firm=scope.firm, created_by=actor)
    if data.owner is None:
        data.owner = actor  # someone answers for every event
    _apply(event, data, scope.firm)
    with transaction.atomic():
        event.save()
        _set_attendees(event, data)
        sync_reminders(event)
        _audit(scope, actor, "event.create", event, f"Scheduled {event.title}")
        if event.kind == Event.Kind.FILING_DEADLINE:
            _publish_deadline(event, actor)
    return event


def _locked(event: Event, revision) -> Event:
    fresh = (
        Event.objects.for_firm(event.firm)
        .select_for_update(of=("self",))
        .get(pk=event.pk)
    )
    if revision is not None and int(revision) != fresh.revision:
        raise StaleEvent(fresh)
    return fresh


def event_update(*, scope, event: Event, data: EventData, actor, revision) -> Event:
    """Save changes; a calendar sees a new SEQUENCE, and deadlines hanging on
    this event move with it and their owners are told."""
    _require_scheduler(scope)
    with transaction.atomic():
        event = _locked(event, revision)
        before = (event.start, event.start_date)
        _apply(event, data, scope.firm)
        event.sequence += 1
        event.revision += 1
        event.save()
        _set_attendees(event, data)
        sync_reminders(event)
        _audit(scope, actor, "event.update", event, f"Changed {event.title}")
        if (event.start, event.start_date) != before:
            recompute_dependents(event, actor=actor)
    return event


def event_set_status(
    *, scope, event: Event, status: str, actor, revision, confirmed=False
) -> Event:
    _require_scheduler(scope)
    if status not in Event.Status.values:
        raise ServiceError("Choose scheduled, done or cancelled.")
    if (
        status == Event.Status.DONE
        and event.kind == Event.Kind.FILING_DEADLINE
        and not confirmed
    ):
        raise ServiceError(
            "Confirm that the filing or service was made before marking this "
            "deadline done.",
            field="confirm",
        )
    with transaction.atomic():
        event = _locked(event, revision)
        if event.status == status:
            return event
        event.status = status
        event.sequence += 1
        event.revision += 1
        if status == Event.Status.DONE:
            event.completed_at, event.completed_by = timezone.now(), actor
        else:
            event.completed_at = event.completed_by = None
        event.save()
        sync_reminders(event)
        _audit(
            scope,
            actor,
            f"event.{status}",
            event,
            f"Marked {event.title} {Event.Status(status).label.lower()}",
        )
    return event


def _audit(scope, actor, action, event, summary, detail=None):
    audit_record(
        org=scope.firm,
        actor=actor,
        action=action,
        obj=event,
        matter=event.matter,
        summary=summary,
        detail=detail or {},
    )


# --- Deadlines --------------------------------------------------------------------


def calendar_for(court: Court | None, firm=None) -> deadlines.CourtCalendar:
    """The court's calendar, or the federal one in the firm's zone."""
    declared = declared_holidays()
    if court is not None:
        return court.calendar(declared=declared)
    return deadlines.CourtCalendar(
        time_zone=firm.time_zone if firm is not None else "America/New_York",
        declared=declared,
    )


def period_of(rule: DeadlineRule) -> dict:
    return {
        "offset": rule.offset,
        "unit": rule.unit,
        "direction": rule.direction,
        "service_extension": rule.service_extension,
        "citation": rule.citation,
        "name": rule.name,
        "trigger": rule.trigger,
    }


def compute(period: dict, *, trigger, service: str, calendar) -> deadlines.Deadline:
    """Run a stored period from a trigger date (or moment, for hours)."""
    service = service if period.get("service_extension") else "personal"
    before = period.get("direction") == "before"
    label = period.get("trigger", "")
    if period.get("unit") == DeadlineRule.Unit.HOURS:
        moment = (
            trigger
            if isinstance(trigger, dt.datetime)
            else dt.datetime.combine(trigger, dt.time(0))
        )
        return deadlines.compute_hours(
            moment,
            int(period["offset"]),
            before=before,
            service=service,
            calendar=calendar,
            trigger_label=label,
        )
    day = trigger.date() if isinstance(trigger, dt.datetime) else trigger
    return deadlines.compute_days(
        day,
        int(period["offset"]),
        before=before,
        court_days=period.get("unit") == DeadlineRule.Unit.COURT_DAYS,
        service=service,
        calendar=calendar,
        trigger_label=label,
    )


def trigger_of(event: Event):
    """The day (or moment) an event triggers a period from, in its own zone."""
    if event.all_day and event.start_date:
        return event.start_date
    return event.start.astimezone(event.zone)


def _apply_deadline(event: Event, result: deadlines.Deadline, calendar) -> None:
    event.kind = Event.Kind.FILING_DEADLINE
    event.time_zone = calendar.time_zone
    event.derivation = [step.as_dict() for step in result.steps]
    event.last_moment = result.last_moment
    if result.hours:
        event.all_day = False
        event.start = event.end = result.last_moment
        event.start_date = event.end_date = None
    else:
        event.all_day = True
        event.start_date = event.end_date = result.due
        event.start, event.end = all_day_bounds(
            result.due, result.due, calendar.time_zone
        )


def deadline_create(
    *,
    scope,
    actor,
    matter,
    court: Court | None,
    rule: DeadlineRule | None = None,
    period: dict | None = None,
    trigger_date: dt.date | None = None,
    trigger_event: Event | None = None,
    service: str = Event.Service.PERSONAL,
    title: str = "",
    owner=None,
    reminder_minutes=None,
) -> Event:
    """A filing deadline computed from a rule (or a period a court order set),
    with its derivation kept on the event."""
    _require_scheduler(scope)
    if rule is None and not period:
        raise ServiceError("Choose the rule that sets the deadline.", field="rule")
    period = period_of(rule) if rule is not None else dict(period)
    if trigger_event is None and trigger_date is None:
        raise ServiceError(
            "Give the date of the trigger, or choose the event it hangs on.",
            field="trigger_date",
        )
    if trigger_event is not None and trigger_event.firm_id != scope.firm.pk:
        raise ServiceError("That event belongs to another firm.")
    if matter is not None and matter.firm_id != scope.firm.pk:
        raise ServiceError("That matter belongs to another firm.", field="matter")
    calendar = calendar_for(court, scope.firm)
    trigger = trigger_of(trigger_event) if trigger_event else trigger_date
    try:
        result = compute(period, trigger=trigger, service=service, calendar=calendar)
    except deadlines.DeadlineError as error:
        raise ServiceError(str(error)) from error
    name = title.strip() or period.get("name") or "Deadline"
    event = Event(
        firm=scope.firm,
        created_by=actor,
        owner=owner or actor,
        matter=matter,
        court=court,
        title=name[:200],
        rule=rule,
        period=period,
        service=service,
        trigger_event=trigger_event,
        trigger_date=trigger.date() if isinstance(trigger, dt.datetime) else trigger,
        reminder_minutes=(
            reminder_minutes
            if reminder_minutes is not None
            else DEFAULT_REMINDERS[Event.Kind.FILING_DEADLINE]
        ),
    )
    _apply_deadline(event, result, calendar)
    with transaction.atomic():
        event.save()
        sync_reminders(event)
        _audit(
            scope,
            actor,
            "event.deadline",
            event,
            f"Computed {event.title}: due {result.due_text}",
            {"citation": period.get("citation", ""), "due": result.due_text},
        )
        _publish_deadline(event, actor, citation=period.get("citation", ""))
    return event


def _publish_deadline(event: Event, actor, *, citation: str = "") -> None:
    """Tell integrations of a filing deadline put on the calendar, computed
    from a rule or typed in, inside the transaction that saved it."""
    publish(
        "deadline.created",
        firm=event.firm,
        obj=event,
        actor=actor,
        matter=event.matter,
        due_at=event.start,
        all_day=event.all_day,
        citation=citation,
    )


def deadline_set_trigger(*, scope, event: Event, trigger_date, actor, revision):
    """A typed trigger date changed: recompute, tell the owner."""
    _require_scheduler(scope)
    with transaction.atomic():
        event = _locked(event, revision)
        if event.status != Event.Status.SCHEDULED:
            # Same rule as for deadlines hanging on an event: a deadline met
            # (or cancelled) stays where it was.
            raise ServiceError(
                f"This deadline is marked {event.get_status_display().lower()}, "
                "so it no longer moves; reopen it first to count it from a new date."
            )
        event.trigger_date = trigger_date
        _recompute(event, trigger_date, actor=actor, firm=scope.firm)
        recompute_dependents(event, actor=actor)
    return event


COUNTS_FROM_CHANGED = "The date it counts from changed"
CALENDAR_CHANGED = "The court's calendar changed (a closure or a declared holiday)"


def _recompute(event: Event, trigger, *, actor, firm, why=COUNTS_FROM_CHANGED) -> bool:
    calendar = calendar_for(event.court, firm)
    result = compute(
        event.period, trigger=trigger, service=event.service, calendar=calendar
    )
    old = event.last_moment
    _apply_deadline(event, result, calendar)
    event.sequence += 1
    event.revision += 1
    event.save()
    sync_reminders(event)
    audit_record(
        org=firm,
        actor=actor,
        action="event.recompute",
        obj=event,
        matter=event.matter,
        summary=f"Recomputed {event.title}: due {result.due_text}",
        detail={"was": old.isoformat() if old else "", "now": result.due_text},
    )
    if event.owner_id and old != event.last_moment and _may_see(event.owner, event):
        url = reverse(
            "scheduling:event_detail",
            kwargs={"firm_slug": firm.slug, "event_id": event.public_id},
        )
        moved = event.last_moment.astimezone(event.zone)
        transaction.on_commit(
            lambda: notify(
                user=event.owner,
                firm=firm,
                about=event,
                kind="deadline_moved",
                title=f"Deadline moved: {event.title}",
                body=(
                    f"{why}, so {event.title} is now due "
                    f"{moved:%a}, {times.day(moved, event.zone)} "
                    f"(court time, {event.time_zone}). "
                    "Check the derivation on the event page."
                ),
                url=url,
                key=f"deadline-moved:{event.pk}:{event.sequence}",
            )
        )
    return old != event.last_moment


def _may_see(user, event: Event) -> bool:
    """Whether ``user`` may still open ``event`` (an owner who left the firm,
    or lost the grant on its matter, is not told about it)."""
    from firmdesk.access.scope import resolve_scope

    scope = resolve_scope(user, event.firm)
    return (
        scope is not None and Event.objects.in_scope(scope).filter(pk=event.pk).exists()
    )


def recompute_dependents(trigger: Event, *, actor, _seen=None) -> int:
    """Every scheduled deadline counted from ``trigger``, and those counted
    from them, moves with it."""
    seen = _seen if _seen is not None else {trigger.pk}
    moved = 0
    for dependent in Event.objects.for_firm(trigger.firm).filter(
        trigger_event=trigger, status=Event.Status.SCHEDULED
    ):
        if dependent.pk in seen:
            continue
        seen.add(dependent.pk)
        when = trigger_of(trigger)
        dependent.trigger_date = when.date() if isinstance(when, dt.datetime) else when
        moved += _recompute(dependent, when, actor=actor, firm=trigger.firm)
        moved += recompute_dependents(dependent, actor=actor, _seen=seen)
    return moved


def deadlines_recount(*, day: dt.date, court_id: int | None = None) -> int:
    """A court closure (``court_id``) or a declared holiday (every court) was
    added, changed or removed on ``day``: count again every scheduled computed
    deadline it could move, in every firm, and move (and tell the owners of)
    those whose result changed. A closure only moves a last day (6(a)(3)) and a
    holiday only days counted or a last day, so deadlines due before the day
    cannot change. Returns how many moved."""
    from firmdesk.orgs.models import Organization

    since = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(0), dt.UTC)
    moved = 0
    for firm in Organization.objects.filter(kind=Organization.Kind.FIRM):
        moved += _recount_firm(firm, since, court_id)
    return moved


def _recount_firm(firm, since: dt.datetime, court_id: int | None) -> int:
    """One firm's part of ``deadlines_recount``, through its own rows."""
    rows = (
        Event.objects.for_firm(firm)
        .filter(
            kind=Event.Kind.FILING_DEADLINE,
            status=Event.Status.SCHEDULED,
            last_moment__gte=since,
        )
        .exclude(period={})
        .select_related("court", "trigger_event")
        .order_by("pk")
    )
    if court_id is not None:
        rows = rows.filter(court_id=court_id)
    moved = 0
    calendars = {}  # one calendar a court, not one an event
    for event in rows:
        trigger = (
            trigger_of(event.trigger_event)
            if event.trigger_event_id
            else event.trigger_date
        )
        if trigger is None:
            continue
        if event.court_id not in calendars:
            calendars[event.court_id] = calendar_for(event.court, firm)
        with transaction.atomic():
            event = Event.objects.for_firm(firm).select_for_update().get(pk=event.pk)
            if event.status != Event.Status.SCHEDULED:
                continue
            result = compute(
                event.period,
                trigger=trigger,
                service=event.service,
                calendar=calendars[event.court_id],
            )
            if result.last_moment == event.last_moment:
                continue
            _recompute(event, trigger, actor=None, firm=firm, why=CALENDAR_CHANGED)
            recompute_dependents(event, actor=None)
            moved += 1
    return moved


# --- Reminders --------------------------------------------------------------------


def reminder_key(event: Event, user_pk: int, fire_at: dt.datetime) -> str:
    return (
        f"event:{event.pk}:user:{user_pk}:at:{fire_at.astimezone(dt.UTC):%Y%m%dT%H%M}"
    )


def sync_reminders(event: Event) -> None:
    """Make the event's pending reminders match its times and people. A
    reminder already sent is kept; one at an unchanged moment keeps its key,
    so moving an event elsewhere and back never reminds twice."""
    pending = Reminder.objects.for_firm(event.firm).filter(
        event=event, sent_at__isnull=True
    )
    if event.status != Event.Status.SCHEDULED:
        pending.delete()
        return
    people = {event.owner_id} if event.owner_id else set()
    people |= set(
        EventAttendee.objects.for_firm(event.firm)
        .filter(event=event, user__isnull=False, user__is_active=True)
        .values_list("user_id", flat=True)
    )
    now = timezone.now()
    wanted = {}
    for minutes in event.reminder_minutes or []:
        fire_at = event.start - dt.timedelta(minutes=int(minutes))
        if fire_at <= now:
            continue
        for user_pk in people:
            key = reminder_key(event, user_pk, fire_at)
            wanted[key] = (user_pk, int(minutes), fire_at)
    pending.exclude(key__in=list(wanted)).delete()
    have = set(
        Reminder.objects.for_firm(event.firm)
        .filter(key__in=list(wanted))
        .values_list("key", flat=True)
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                firm=event.firm,
                event=event,
                user_id=user_pk,
                minutes_before=minutes,
                fire_at=fire_at,
                key=key,
            )
            for key, (user_pk, minutes, fire_at) in wanted.items()
            if key not in have
        ]
    )


# --- Feeds ------------------------------------------------------------------------


def feed_create(*, scope, actor, matter=None) -> CalendarFeed:
    kind = (
        CalendarFeed.Kind.MATTER if matter is not None else CalendarFeed.Kind.PERSONAL
    )
    with transaction.atomic():
        feed = CalendarFeed.objects.create(
            firm=scope.firm, user=actor, kind=kind, matter=matter
        )
        audit_record(
            org=scope.firm,
            actor=actor,
            action="feed.create",
            obj=feed,
            matter=matter,
            summary="Created a calendar feed address",
        )
    return feed


def feed_mark_read(feed: CalendarFeed) -> None:
    CalendarFeed.objects.for_firm(feed.firm).filter(pk=feed.pk).update(
        last_read_at=timezone.now()
    )


def feed_revoke(*, scope, actor, feed: CalendarFeed) -> CalendarFeed:
    if feed.revoked_at is None:
        with transaction.atomic():
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                org=scope.firm,
                actor=actor,
                action="feed.revoke",
                obj=feed,
                matter=feed.matter,
                summary="Turned off a calendar feed address",
            )
    return feed


# --- Import -----------------------------------------------------------------------


def _fingerprint(event: Event) -> tuple:
    return (
        event.title,
        event.start,
        event.end,
        event.all_day,
        event.start_date,
        event.end_date,
        event.time_zone,
        event.location,
        event.description,
        event.status,
        tuple(event.reminder_minutes or ()),
    )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def ics_import(*, scope, actor, matter, data: bytes) -> ImportResult:
    """Events of an .ics file into a matter, all or nothing. An event already
    imported (same UID) is updated when the file's SEQUENCE is newer."""
    from . import ical

    _require_scheduler(scope)
    items = ical.parse_ics(data, default_zone=scope.firm.time_zone)
    result = ImportResult()
    with transaction.atomic():
        existing = {
            e.ical_uid: e
            for e in Event.objects.for_firm(scope.firm).filter(
                matter=matter, ical_uid__in=[i.uid for i in items if i.uid]
            )
        }
        for item in items:
            event = existing.get(item.uid) if item.uid else None
            if event is not None and item.sequence < event.sequence:
                result.unchanged += 1
                continue
            if event is None:
                event = Event(firm=scope.firm, created_by=actor, ical_uid=item.uid)
            before = _fingerprint(event) if event.pk else None
            fresh = event.pk is None
            _apply(
                event,
                EventData(
                    kind=item.kind,
                    title=item.title,
                    start=item.start,
                    end=item.end,
                    all_day=item.all_day,
                    start_date=item.start_date,
                    end_date=item.end_date,
                    time_zone=item.time_zone,
                    matter=matter,
                    description=item.description,
                    location=item.location,
                    owner=event.owner if not fresh else actor,
                    reminder_minutes=item.reminder_minutes,
                ),
                scope.firm,
            )
            event.status = Event.Status.CANCELLED if item.cancelled else event.status
            if fresh:
                event.sequence = item.sequence
            elif _fingerprint(event) == before:
                # The same file again: nothing to change, no new SEQUENCE.
                result.unchanged += 1
                continue
            else:
                event.sequence = max(event.sequence + 1, item.sequence)
                event.revision += 1
            event.save()
            sync_reminders(event)
            if item.uid:
                existing[item.uid] = event
            if fresh:
                result.created += 1
            else:
                result.updated += 1
        audit_record(
            org=scope.firm,
            actor=actor,
            action="event.import",
            obj=matter,
            matter=matter,
            summary=(
                f"Imported a calendar file: {result.created} new, "
                f"{result.updated} updated"
            ),
        )
    return result
