"""The calendar: the firm's events as an agenda, a day, a week or a month, and
one matter's events on the same page.

Events come only through ``events_between`` (the Scope decides what is seen).
Times are shown in the viewer's zone, with the event's own local time beside it
where that differs (a hearing keeps its court's time); all-day events sit on
their dates whatever the viewer's zone."""

import calendar as monthcal
import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import Http404
from django.shortcuts import render
from django.utils import dateformat, timezone

from firmdesk.access.selectors import access_matter
from firmdesk.common.links import row_link
from firmdesk.common.times import clock
from firmdesk.scheduling.models import Event
from firmdesk.scheduling.selectors import calendar_people, events_between
from firmdesk.scheduling.services import may_schedule
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import day_in_range, viewer_zone

VIEWS = ("agenda", "day", "week", "month")
AGENDA_DAYS = 30
# Far enough apart that no zone's midnight falls outside the widened window
# (UTC offsets span 26 hours), so an all-day event is fetched for every date
# it covers and then placed by its dates.
FETCH_MARGIN = dt.timedelta(days=2)


@dataclass
class Day:
    date: dt.date
    entries: list
    in_month: bool = True
    is_today: bool = False
    link: str = ""  # query string of this day's day view


def _midnight(day: dt.date, zone: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=zone)


def _clock(moment: dt.datetime, *, zone_name: bool = False) -> str:
    return (
        clock(moment, moment.tzinfo)
        if zone_name
        else dateformat.format(moment, "g:i A")
    )


def _own_zone_label(event: Event) -> str:
    if event.court_id and event.kind in Event.COURT_KINDS:
        return "court time"
    return f"{event.time_zone.rsplit('/', 1)[-1].replace('_', ' ')} time"


def _entries(
    event: Event, zone: ZoneInfo, first: dt.date, last: dt.date, firm_slug: str
) -> list[dict]:
    """The event on each day it covers between ``first`` and ``last``: one
    dict per day with what the templates draw, worked out here once rather
    than looked up through the event in every chip (``_calendar_chip.html``,
    ``_calendar_title.html``, ``_calendar_when.html``):

    ``url``, ``title``, ``kind`` (its label), ``is_deadline``, ``all_day``,
    ``status`` and ``status_label``, ``location``, ``court`` (its name),
    ``start_iso``; ``time`` (start in the viewer's zone, "9:30 AM CDT", "" when
    all-day or continued), ``until`` (end in the viewer's zone, on the day it
    ends), ``own_time`` ("10:30 AM EDT (court time)" where the zones differ),
    ``continued`` (began on an earlier day), ``continues`` (goes on after this
    day), ``people`` (who answers for it, then who else attends) and ``event``
    itself, for its matter: a link to a matter is drawn through the access
    guard (``access.guard``), so the template follows it, not this view."""
    if event.all_day:
        own = event.start.astimezone(event.zone).date()
        start_day = event.start_date or own
        end_day = event.end_date or start_day
        start = end = None
    else:
        start, end = event.start.astimezone(zone), event.end.astimezone(zone)
        start_day = start.date()
        # An event ending at midnight does not run into the next day.
        end_day = (
            (end - dt.timedelta(microseconds=1)).date() if end > start else start_day
        )
        end_day = max(end_day, start_day)
    own_time = ""
    if start is not None:
        at_own = event.start.astimezone(event.zone)
        if at_own.utcoffset() != start.utcoffset():
            own_time = f"{_clock(at_own, zone_name=True)} ({_own_zone_label(event)})"
    shared = {
        "event": event,
        "url": row_link("scheduling:event_detail", event.public_id, args=(firm_slug,)),
        "title": event.title,
        "kind": event.get_kind_display(),
        "is_deadline": event.is_deadline,
        "all_day": event.all_day,
        "status": event.status,
        "status_label": event.get_status_display(),
        "location": event.location,
        "court": event.court_name or "",
        # As the ``date`` filter writes it: in the zone the page is drawn in.
        "start_iso": timezone.localtime(event.start).isoformat(),
        "people": event.people,
    }
    rows = []
    day = max(start_day, first)
    while day <= min(end_day, last):
        continued, continues = day > start_day, day < end_day
        rows.append(
            {
                **shared,
                "day": day,
                "time": _clock(start, zone_name=True)
                if start and not continued
                else "",
                "until": _clock(end) if end and end > start and not continues else "",
                "own_time": own_time if not continued else "",
                "continued": continued,
                "continues": continues,
                "key": (
                    start is not None and not continued,
                    start or dt.datetime.min.replace(tzinfo=dt.UTC),
                    event.title.lower(),
                    event.pk,
                ),
            }
        )
        day += dt.timedelta(days=1)
    return rows


def _by_day(events, zone: ZoneInfo, first: dt.date, last: dt.date, firm_slug) -> dict:
    days: dict[dt.date, list] = {}
    for event in events:
        for entry in _entries(event, zone, first, last, firm_slug):
            days.setdefault(entry["day"], []).append(entry)
    for entries in days.values():
        entries.sort(key=lambda e: e["key"])
    return days


def _parse_date(value: str | None, today: dt.date) -> tuple[dt.date, str]:
    if not value:
        return today, ""
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        return (
            today,
            f"“{value[:40]}” is not a date written as YYYY-MM-DD, so this is today.",
        )
    if not day_in_range(day):
        return today, f"{day} is too far away to show, so this is today."
    return day, ""


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, monthcal.monthrange(year, month)[1]))


def _span(view: str, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """First and last day shown, and the dates the previous and next links open."""
    step = dt.timedelta(days=1)
    if view == "day":
        return day, day, day - step, day + step
    if view == "week":
        monday = day - dt.timedelta(days=day.weekday())
        week = dt.timedelta(days=7)
        return monday, monday + 6 * step, day - week, day + week
    if view == "month":
        first_of_month = day.replace(day=1)
        last_of_month = _add_months(first_of_month, 1) - step
        return (
            first_of_month - dt.timedelta(days=first_of_month.weekday()),
            last_of_month + dt.timedelta(days=6 - last_of_month.weekday()),
            _add_months(day, -1),
            _add_months(day, 1),
        )
    period = dt.timedelta(days=AGENDA_DAYS)
    return day, day + period - step, day - period, day + period


def _heading(view: str, day: dt.date, first: dt.date, last: dt.date) -> str:
    if view == "day":
        return dateformat.format(day, "l, F j, Y")
    if view == "month":
        return dateformat.format(day, "F Y")
    if first.year != last.year:
        ends = ("M j, Y", "M j, Y")
    elif first.month != last.month:
        ends = ("M j", "M j, Y")
    else:
        ends = ("M j", "j, Y")
    span = f"{dateformat.format(first, ends[0])} – {dateformat.format(last, ends[1])}"
    return f"Week of {span}" if view == "week" else span


def _whose(scope, request, value: str, today: dt.date):
    """``who`` → (label, user to filter on or None, picker choices). Anyone
    outside the firm's people, or no one at all, answers 404."""
    known, choices = calendar_people(scope=scope, today=today)
    if value == "team":
        return "team", None, choices
    if value in ("", "me"):
        return "me", request.user, choices
    try:
        key = str(uuid.UUID(value))
    except ValueError:
        raise Http404("No such person here.") from None
    person = known.get(key)
    if person is None:
        raise Http404("No such person here.")
    if key not in {k for k, _ in choices}:
        choices.append((key, person.full_name))
    return key, person, choices


def _page(request, firm_slug, *, matter=None):
    scope = request.scope
    zone = viewer_zone(request, scope)
    today = timezone.localdate(timezone=zone)
    view = request.GET.get("view", "agenda")
    if view not in VIEWS:
        view = "agenda"
    day, notice = _parse_date(request.GET.get("date"), today)
    show_cancelled = request.GET.get("cancelled") == "1"
    if matter is None:
        who, person, choices = _whose(
            scope, request, request.GET.get("who", "").strip(), today
        )
    else:
        who, person, choices = "", None, []
    first, last, previous_day, next_day = _span(view, day)
    events = events_between(
        scope,
        _midnight(first, zone) - FETCH_MARGIN,
        _midnight(last + dt.timedelta(days=1), zone) + FETCH_MARGIN,
        user=person,
        matter=matter,
        include_cancelled=show_cancelled,
        # Only the agenda and the day list each event's matter.
        with_matters=view in ("agenda", "day") and matter is None,
    )
    placed = _by_day(events, zone, first, last, scope.firm.slug)

    def query(**changes) -> str:
        params = {"view": view, "date": day.isoformat(), "who": who}
        params["cancelled"] = "1" if show_cancelled else ""
        params.update(changes)
        return "?" + urlencode({k: v for k, v in params.items() if v})

    every_day = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    days = [
        Day(
            date=d,
            entries=placed.get(d, []),
            in_month=view != "month" or d.month == day.month,
            is_today=d == today,
            link=query(view="day", date=d.isoformat()),
        )
        for d in every_day
    ]
    context = {
        "matter": matter,
        "view": view,
        "views": [(v, v.capitalize(), query(view=v)) for v in VIEWS],
        "date": day,
        "today": today,
        "notice": notice,
        "who": who,
        "person": person,
        "people": choices,
        "show_cancelled": show_cancelled,
        "heading": _heading(view, day, first, last),
        "first": first,
        "last": last,
        "days": days,
        "busy_days": [d for d in days if d.entries],
        "weeks": [days[n : n + 7] for n in range(0, len(days), 7)],
        "weekday_names": [dateformat.format(d, "D") for d in every_day[:7]],
        "count": len({e["event"].pk for rows in placed.values() for e in rows}),
        "q_previous": query(date=previous_day.isoformat()),
        "q_next": query(date=next_day.isoformat()),
        "q_today": query(date=""),
        "zone_name": str(zone),
        "may_schedule": may_schedule(scope),
    }
    wants_partial = bool(request.htmx) and not request.htmx.history_restore_request
    template = (
        "web/scheduling/_calendar_partial.html"
        if wants_partial
        else "web/scheduling/calendar.html"
    )
    return render(request, template, context)


def calendar(request, firm_slug):
    return _page(request, firm_slug)


def matter_calendar(request, firm_slug, matter_id):
    scope = request.scope
    matter = access_matter(scope, matter_id)
    audit_opened(
        request,
        matter,
        action="matter.calendar_viewed",
        matter=matter,
        summary=f"Opened the calendar of {matter.number}",
    )
    return _page(request, firm_slug, matter=matter)
