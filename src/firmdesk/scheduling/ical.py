"""iCalendar (RFC 5545) out and in, with the ``icalendar`` library.

Out: each event keeps its own zone (TZID with a VTIMEZONE for every zone used),
all-day events are DATE values with an exclusive end, reminders are VALARMs, the
UID never changes and SEQUENCE grows with every change, so Outlook, Google and
Apple replace an event rather than add a copy; a vacated hearing is
STATUS:CANCELLED.

In: an .ics file becomes events of one matter; importing the same file again
updates those events (same UID) instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar

from .models import Event

PRODID = "-//FirmDesk//Calendar//EN"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_IMPORT_EVENTS = 2000


def _description(event: Event, base_url: str) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.matter_id:
        parts.append(f"Matter: {event.matter}")
    if event.court_id:
        parts.append(f"Court: {event.court}")
    if event.derivation:
        parts.append("How this deadline was computed:")
        parts += [
            f"{n}. FRCP {step['rule']}: {step['text']} -> {step['result']}"
            for n, step in enumerate(event.derivation, 1)
        ]
    if event.last_moment and event.kind == Event.Kind.FILING_DEADLINE:
        last = event.last_moment.astimezone(event.zone)
        parts.append(f"Last moment to file: {last:%Y-%m-%d %H:%M} {event.time_zone}")
    if base_url:
        parts.append(base_url)
    return "\n".join(parts)


def build_calendar(events, *, name: str, base_url: str = "") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    first = last = None
    for event in events:
        cal.add_component(vevent(event, base_url=base_url))
        day = event.start.date()
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
    # Zone definitions that cover every event (the library's default stops in
    # 2038), from a year before the first to two after the last.
    if first is not None:
        cal.add_missing_timezones(
            first_date=dt.date(max(first.year - 1, 1970), 1, 1),
            last_date=dt.date(max(last.year + 2, 2038), 1, 1),
        )
    return cal.to_ical()


def vevent(event: Event, *, base_url: str = "") -> icalendar.Event:
    item = icalendar.Event()
    item.add("uid", event.uid)
    item.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    item.add("last-modified", event.updated_at.astimezone(dt.UTC))
    item.add("created", event.created_at.astimezone(dt.UTC))
    item.add("sequence", event.sequence)
    item.add("summary", event.title)
    if event.all_day and event.start_date:
        item.add("dtstart", event.start_date)
        item.add("dtend", event.end_date + dt.timedelta(days=1))
    else:
        item.add("dtstart", event.start.astimezone(event.zone))
        item.add("dtend", event.end.astimezone(event.zone))
    if event.kind == Event.Kind.FILING_DEADLINE:
        item.add("transp", "TRANSPARENT")
    location = event.location or event.video_url
    if location:
        item.add("location", location)
    if event.video_url:
        item.add("url", event.video_url)
    description = _description(event, base_url)
    if description:
        item.add("description", description)
    item.add("categories", [event.get_kind_display()])
    item.add(
        "status",
        "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED",
    )
    if event.status == Event.Status.SCHEDULED:
        for minutes in event.reminder_minutes or []:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", f"Reminder: {event.title}")
            alarm.add("trigger", -dt.timedelta(minutes=int(minutes)))
            item.add_component(alarm)
    return item


# --- Import -----------------------------------------------------------------------


class ImportProblem(ValueError):
    pass


@dataclass
class ImportedEvent:
    uid: str
    sequence: int
    title: str
    kind: str
    all_day: bool
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    time_zone: str = ""
    location: str = ""
    description: str = ""
    cancelled: bool = False
    reminder_minutes: list[int] = field(default_factory=list)


_KIND_WORDS = [
    ("deposition", Event.Kind.DEPOSITION),
    ("hearing", Event.Kind.HEARING),
    ("trial", Event.Kind.COURT_DATE),
    ("conference", Event.Kind.COURT_DATE),
    ("deadline", Event.Kind.FILING_DEADLINE),
    ("due", Event.Kind.FILING_DEADLINE),
    ("consultation", Event.Kind.CONSULTATION),
]


def _guess_kind(title: str) -> str:
    lowered = title.lower()
    for word, kind in _KIND_WORDS:
        if word in lowered:
            return kind
    return Event.Kind.OTHER


def _zone_name(value: dt.datetime, fallback: str) -> str:
    tz = value.tzinfo
    key = getattr(tz, "key", None)
    # icalendar reads "...Z" as ZoneInfo("UTC"): an instant, not a place.
    if key in ("UTC", "Etc/UTC"):
        return fallback
    if key:
        return key
    if tz is not None and value.utcoffset() == dt.timedelta(0):
        return fallback
    zone = getattr(tz, "zone", None)  # pytz-style zones
    return zone or fallback


def parse_ics(data: bytes, *, default_zone: str) -> list[ImportedEvent]:
    """The VEVENTs of an .ics file. A time with no zone ("floating") is read in
    ``default_zone``; recurring events are imported as their first occurrence,
    and the importer says so."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportProblem(
            "The file is larger than 5 MB. Export a shorter date range and try again."
        )
    try:
        cal = icalendar.Calendar.from_ical(data)
    except Exception as error:
        raise ImportProblem(
            "This file is not an iCalendar (.ics) file we can read. Export the "
            "calendar again as .ics (not .csv or .vcs) and upload that."
        ) from error
    found = []
    for component in cal.walk("VEVENT"):
        if len(found) >= MAX_IMPORT_EVENTS:
            raise ImportProblem(
                f"The file holds more than {MAX_IMPORT_EVENTS} events; split it."
            )
        start_prop = component.get("dtstart")
        if start_prop is None:
            continue
        title = str(component.get("summary", "")).strip() or "Untitled event"
        uid = str(component.get("uid", "")).strip()
        start = start_prop.dt
        end_prop = component.get("dtend")
        end = end_prop.dt if end_prop is not None else None
        item = ImportedEvent(
            uid=uid[:255],
            sequence=int(component.get("sequence", 0) or 0),
            title=title[:200],
            kind=_guess_kind(title),
            all_day=not isinstance(start, dt.datetime),
            location=str(component.get("location", ""))[:300],
            description=str(component.get("description", "")),
            cancelled=str(component.get("status", "")).upper() == "CANCELLED",
        )
        if item.all_day:
            item.start_date = start
            last = end - dt.timedelta(days=1) if end is not None else start
            if isinstance(last, dt.datetime):
                last = last.date()
            item.end_date = max(last, start)
            item.time_zone = default_zone
        else:
            if start.tzinfo is None:
                start = start.replace(tzinfo=ZoneInfo(default_zone))
                item.time_zone = default_zone
            else:
                item.time_zone = _zone_name(start, default_zone)
            if end is None:
                duration = component.get("duration")
                end = start + (duration.dt if duration else dt.timedelta(hours=1))
            elif not isinstance(end, dt.datetime):
                end = dt.datetime.combine(end, dt.time(0), tzinfo=start.tzinfo)
            elif end.tzinfo is None:
                end = end.replace(tzinfo=start.tzinfo)
            item.start, item.end = start, max(end, start)
        for alarm in component.walk("VALARM"):
            trigger = alarm.get("trigger")
            if trigger is not None and isinstance(trigger.dt, dt.timedelta):
                minutes = int(-trigger.dt.total_seconds() // 60)
                if 0 <= minutes <= 60 * 24 * 60:
                    item.reminder_minutes.append(minutes)
        found.append(item)
    if not found:
        raise ImportProblem("The file holds no events.")
    return found
