"""Free and busy: working hours and absences (from the foundation) and events,
as a service the consultation booking page of the intake issue uses.

A person's working hours are their own weekly hours in their own zone when they
are provider staff, else their firm's working hours (with the firm's holidays
and closures). Absences block whole days in that zone. Scheduled events they
own or attend block their time; deadlines do not (they mark a day).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Absence, StaffProfile

from .models import Event, EventAttendee

Interval = tuple[dt.datetime, dt.datetime]


def working_calendar(user, firm) -> BusinessCalendar:
    profile = StaffProfile.objects.filter(user=user).first()
    if profile is not None and profile.organization_id != firm.pk:
        return BusinessCalendar.for_staff(profile)
    return BusinessCalendar.for_organization(firm)


def busy(user, firm, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """Busy intervals (merged, UTC) from events of ``firm`` that ``user`` owns
    or attends. Only times leave this function, never titles."""
    rows = (
        Event.objects.for_firm(firm)
        .filter(status=Event.Status.SCHEDULED, start__lt=end, end__gt=start)
        .exclude(kind=Event.Kind.FILING_DEADLINE)
        .filter(
            Q(owner=user)
            | Q(
                pk__in=EventAttendee.objects.for_firm(firm)
                .filter(user=user)
                .values("event_id")
            )
        )
        .values_list("start", "end")
        .order_by("start")
    )
    return _merge([(max(s, start), min(e, end)) for s, e in rows])


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for s, e in sorted(intervals):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def absent_days(user, start: dt.date, end: dt.date) -> set[dt.date]:
    days = set()
    for a in Absence.objects.filter(user=user, start__lte=end, end__gte=start):
        day = max(a.start, start)
        while day <= min(a.end, end):
            days.add(day)
            day += dt.timedelta(days=1)
    return days


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime


def open_slots(
    user,
    firm,
    start: dt.datetime,
    end: dt.datetime,
    *,
    minutes: int = 30,
    step_minutes: int | None = None,
    not_before: dt.datetime | None = None,
) -> list[Slot]:
    """Slots of ``minutes`` inside the person's working hours, on days they are
    not absent, clear of their events, between ``start`` and ``end`` (UTC)."""
    length = dt.timedelta(minutes=minutes)
    step = dt.timedelta(minutes=step_minutes or minutes)
    calendar = working_calendar(user, firm)
    local_first = start.astimezone(calendar.tz).date()
    local_last = end.astimezone(calendar.tz).date()
    away = absent_days(user, local_first, local_last)
    taken = busy(user, firm, start, end)
    earliest = max(start, not_before) if not_before else start
    slots = []
    day = local_first
    while day <= local_last:
        span = calendar._interval(day) if day not in away else None
        if span is not None:
            t = span[0]
            while t + length <= span[1]:
                if (
                    t >= earliest
                    and t + length <= end
                    and not _overlaps(t, t + length, taken)
                ):
                    slots.append(Slot(t, t + length))
                t += step
        day += dt.timedelta(days=1)
    return slots


def _overlaps(s, e, intervals) -> bool:
    return any(s < b and a < e for a, b in intervals)


def is_free(user, firm, start: dt.datetime, end: dt.datetime) -> bool:
    return any(
        slot.start == start and slot.end == end
        for slot in open_slots(
            user,
            firm,
            start,
            end,
            minutes=int((end - start).total_seconds() // 60),
        )
    )
