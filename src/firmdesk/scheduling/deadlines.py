"""Deadline arithmetic under Federal Rule of Civil Procedure 6(a) and 6(d).

Pure Python: no database. A ``CourtCalendar`` says which days a court counts as
closed (weekends, legal holidays, declared holidays, closures of the clerk's
office); ``compute_days`` and ``compute_hours`` count a period from a trigger and
return the due date with every step of the derivation, so an attorney can check
the result by hand. ``firmdesk deadline`` and the deadline pages both call these.

Decisions (docs/scheduling.md): the observed Friday or Monday of a weekend
holiday is a legal holiday unless the court says otherwise; state holidays count
only for periods measured after an event (6(a)(6)(C)); a day the clerk's office
is closed counts like a legal holiday for the last day (6(a)(3)), and when
counting backward the deadline moves to the previous open day, never onto a
closed one.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import holidays as holidays_lib

from firmdesk.common.times import zone_label

from .reference import DECLARED_HOLIDAYS

MAIL_EXTENSION_DAYS = 3
MAX_DAYS = 3660
MAX_HOURS = 24 * 366

# Rule 5(b)(2) subparagraphs that earn three more days under Rule 6(d).
EXTENDING_SERVICE = {
    "mail": "mail (Rule 5(b)(2)(C))",
    "clerk": "leaving it with the court clerk (Rule 5(b)(2)(D))",
    "consent": "other means consented to (Rule 5(b)(2)(F))",
}
SERVICE_LABELS = {
    "personal": "personal service",
    "electronic": "electronic service (Rule 5(b)(2)(E))",
    **EXTENDING_SERVICE,
}


class DeadlineError(ValueError):
    """A period that cannot be computed; the message says what to change."""


def _day(value: dt.date) -> str:
    """'Monday 7 September 2026': unambiguous for readers on both sides of the
    Atlantic, and the weekday is what the reader checks first."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def _moment(value: dt.datetime) -> str:
    hour = value.strftime("%I:%M %p").lstrip("0").lower()
    return f"{_day(value.date())}, {hour} ({zone_label(value)})"


@functools.lru_cache(maxsize=256)
def _holiday_table(subdivision: str | None, observed: bool, year: int):
    return holidays_lib.US(subdiv=subdivision, observed=observed, years=year)


@dataclass(frozen=True)
class CourtCalendar:
    """The days one court is open. ``jurisdiction`` is ``US`` or ``US-XX``
    (the state the court sits in, whose holidays count for forward periods)."""

    name: str = "United States federal courts"
    jurisdiction: str = "US"
    time_zone: str = "America/New_York"
    observed_holidays: bool = True
    state_holidays: bool = True
    declared: Mapping[dt.date, str] = field(
        default_factory=lambda: dict(DECLARED_HOLIDAYS)
    )
    closures: Mapping[dt.date, str] = field(default_factory=dict)
    # None: electronic filing ends at midnight court time (6(a)(4)(A)).
    filing_cutoff: dt.time | None = None

    def __post_init__(self):
        code = self.jurisdiction.upper()
        if code != "US" and not (code.startswith("US-") and len(code) == 5):
            raise DeadlineError(
                f"Jurisdiction {self.jurisdiction!r} is not one we know: use US for "
                "federal rules alone, or US-XX with a state code, e.g. US-NY."
            )
        if code != "US" and code[3:] not in holidays_lib.US.subdivisions:
            raise DeadlineError(
                f"{code[3:]} is not a US state or territory code; use the two "
                "letters of the state, e.g. US-CA."
            )
        object.__setattr__(self, "jurisdiction", code)
        try:
            ZoneInfo(self.time_zone)
        except Exception as error:
            raise DeadlineError(
                f"{self.time_zone!r} is not a time zone name, e.g. America/Chicago."
            ) from error

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def state(self) -> str | None:
        return self.jurisdiction[3:] if self.jurisdiction != "US" else None

    def legal_holiday(self, day: dt.date, *, forward: bool = True) -> str | None:
        """The holiday's name when ``day`` is a legal holiday under 6(a)(6)."""
        name = _holiday_table(None, self.observed_holidays, day.year).get(day)
        if name:
            return name
        if day in self.declared:
            return self.declared[day]
        if forward and self.state and self.state_holidays:
            name = _holiday_table(self.state, self.observed_holidays, day.year).get(day)
            if name:
                return f"{name} ({self.state} state holiday)"
        return None

    def closed_because(self, day: dt.date, *, forward: bool = True):
        """(reason, rule) when no period may end on ``day``; None when open."""
        if day.weekday() == 5:
            return "a Saturday", "6(a)(1)(C)"
        if day.weekday() == 6:
            return "a Sunday", "6(a)(1)(C)"
        name = self.legal_holiday(day, forward=forward)
        if name:
            return f"a legal holiday: {name}", "6(a)(6)"
        if day in self.closures:
            return (
                f"a day the clerk's office was closed: {self.closures[day]}",
                "6(a)(3)",
            )
        return None

    def is_open(self, day: dt.date, *, forward: bool = True) -> bool:
        return self.closed_because(day, forward=forward) is None

    def end_of_day(self, day: dt.date) -> dt.datetime:
        cutoff = self.filing_cutoff or dt.time(23, 59, 59)
        return dt.datetime.combine(day, cutoff, tzinfo=self.zone)


FEDERAL = CourtCalendar()


@dataclass(frozen=True)
class Step:
    rule: str
    text: str
    result: str = ""

    def as_dict(self) -> dict:
        return {"rule": self.rule, "text": self.text, "result": self.result}


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the day (and for hour periods the time) it falls
    on, the last moment to file in the court's zone, and how it was reached."""

    due: dt.date
    last_moment: dt.datetime
    steps: tuple[Step, ...]
    hours: bool = False

    @property
    def due_text(self) -> str:
        if self.hours:
            return self.last_moment.strftime("%Y-%m-%dT%H:%M")
        return self.due.isoformat()

    def as_dict(self) -> dict:
        return {
            "due": self.due_text,
            "last_moment": self.last_moment.isoformat(),
            "time_zone": self.last_moment.tzinfo.key,
            "steps": [step.as_dict() for step in self.steps],
        }


def _roll(calendar, day, *, forward, rule, steps, why_here="") -> dt.date:
    """Move off a closed day to the next (or previous) open one, noting why."""
    reasons = []
    step = dt.timedelta(days=1 if forward else -1)
    while (closed := calendar.closed_because(day, forward=forward)) is not None:
        reasons.append(f"{_day(day)} is {closed[0]}")
        day += step
    if reasons:
        where = "next" if forward else "previous"
        steps.append(
            Step(
                rule,
                f"{'; '.join(reasons)}. The period {why_here}runs until the end of "
                f"the {where} day that is not a Saturday, Sunday, legal holiday "
                "or day the clerk's office is closed.",
                _day(day),
            )
        )
    return day


def _check_service(service: str) -> None:
    if service not in SERVICE_LABELS:
        raise DeadlineError(
            f"Service {service!r} is not one we know: use "
            + ", ".join(sorted(SERVICE_LABELS))
            + "."
        )


def compute_days(
    trigger: dt.date,
    days: int,
    *,
    before: bool = False,
    court_days: bool = False,
    service: str = "personal",
    calendar: CourtCalendar = FEDERAL,
    trigger_label: str = "",
) -> Deadline:
    """A period stated in days (or court days) under Rule 6(a)(1), then Rule
    6(d)'s three days for service by mail, clerk or consent."""
    _check_service(service)
    if not 1 <= days <= MAX_DAYS:
        raise DeadlineError(f"The period must be between 1 and {MAX_DAYS} days.")
    forward = not before
    sign = 1 if forward else -1
    label = f" ({trigger_label})" if trigger_label else ""
    steps = [
        Step(
            "6(a)(1)(A)",
            f"The trigger is {_day(trigger)}{label}. That day is not counted.",
            _day(trigger),
        )
    ]
    direction = "after" if forward else "before"
    if court_days:
        day, counted, skipped = trigger, 0, []
        while counted < days:
            day += dt.timedelta(days=sign)
            closed = calendar.closed_because(day, forward=forward)
            if closed is None:
                counted += 1
            elif closed[0] not in ("a Saturday", "a Sunday"):
                skipped.append(f"{_day(day)} ({closed[0]})")
        note = (" Not counted: " + "; ".join(skipped) + ".") if skipped else ""
        steps.append(
            Step(
                "court days",
                f"The rule counts court days: {days} days {direction} the trigger, "
                f"leaving out Saturdays, Sundays, legal holidays and days the "
                f"clerk's office is closed.{note}",
                _day(day),
            )
        )
    else:
        day = trigger + dt.timedelta(days=sign * days)
        steps.append(
            Step(
                "6(a)(1)(B)",
                f"Count {days} days {direction} the trigger, every day included "
                "(Saturdays, Sundays and legal holidays too).",
                _day(day),
            )
        )
        day = _roll(calendar, day, forward=forward, rule="6(a)(1)(C)", steps=steps)
    if service in EXTENDING_SERVICE:
        if forward:
            day += dt.timedelta(days=MAIL_EXTENSION_DAYS)
            steps.append(
                Step(
                    "6(d)",
                    f"Service by {EXTENDING_SERVICE[service]}: 3 days are added "
                    "after the period would otherwise end under Rule 6(a).",
                    _day(day),
                )
            )
            day = _roll(
                calendar,
                day,
                forward=True,
                rule="6(a)(1)(C)",
                steps=steps,
                why_here="with the added days ",
            )
        else:
            steps.append(
                Step(
                    "6(d)",
                    "Rule 6(d)'s 3 added days apply only to periods that run after "
                    "service; this one counts back from an event, so none are added.",
                    _day(day),
                )
            )
    last = calendar.end_of_day(day)
    cutoff = (
        "midnight"
        if calendar.filing_cutoff is None
        else calendar.filing_cutoff.strftime("%I:%M %p").lstrip("0").lower()
    )
    steps.append(
        Step(
            "6(a)(4)",
            f"The last day ends at {cutoff} in the court's time zone "
            f"({calendar.time_zone}) for electronic filing; filed on paper, when "
            "the clerk's office closes.",
            _moment(last),
        )
    )
    return Deadline(due=day, last_moment=last, steps=tuple(steps))


def compute_hours(
    start: dt.datetime,
    hours: int,
    *,
    before: bool = False,
    service: str = "personal",
    calendar: CourtCalendar = FEDERAL,
    trigger_label: str = "",
) -> Deadline:
    """A period stated in hours under Rule 6(a)(2). A naive ``start`` is read
    as the court's local time."""
    _check_service(service)
    if not 1 <= hours <= MAX_HOURS:
        raise DeadlineError(f"The period must be between 1 and {MAX_HOURS} hours.")
    zone = calendar.zone
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    start = start.astimezone(zone)
    forward = not before
    label = f" ({trigger_label})" if trigger_label else ""
    steps = [
        Step(
            "6(a)(2)(A)",
            f"Counting begins at once, at the trigger: {_moment(start)}{label}.",
            _moment(start),
        )
    ]
    # Every hour counts, so the arithmetic is on elapsed time (UTC), which keeps
    # a period that spans a daylight-saving change honest.
    delta = dt.timedelta(hours=hours)
    end = (start.astimezone(dt.UTC) + (delta if forward else -delta)).astimezone(zone)
    steps.append(
        Step(
            "6(a)(2)(B)",
            f"Count {hours} hours {'after' if forward else 'before'} the trigger, "
            "every hour included (Saturdays, Sundays and legal holidays too).",
            _moment(end),
        )
    )
    end = _same_time_on_open_day(calendar, end, forward=forward, steps=steps)
    if service in EXTENDING_SERVICE and forward:
        end = _wall(end.date() + dt.timedelta(days=MAIL_EXTENSION_DAYS), end, zone)
        steps.append(
            Step(
                "6(d)",
                f"Service by {EXTENDING_SERVICE[service]}: 3 days are added after "
                "the period would otherwise end under Rule 6(a).",
                _moment(end),
            )
        )
        end = _same_time_on_open_day(calendar, end, forward=True, steps=steps)
    return Deadline(due=end.date(), last_moment=end, steps=tuple(steps), hours=True)


def _wall(day: dt.date, like: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The same wall-clock time as ``like`` on ``day`` in ``zone``."""
    return dt.datetime.combine(day, like.time().replace(tzinfo=None), tzinfo=zone)


def _same_time_on_open_day(calendar, end, *, forward, steps) -> dt.datetime:
    """6(a)(2)(C) and 6(a)(3)(B): a period ending on a closed day runs to the
    same time on the next (or previous) open day."""
    day = end.date()
    reasons = []
    step = dt.timedelta(days=1 if forward else -1)
    while (closed := calendar.closed_because(day, forward=forward)) is not None:
        reasons.append(f"{_day(day)} is {closed[0]}")
        day += step
    if not reasons:
        return end
    moved = _wall(day, end, calendar.zone)
    where = "next" if forward else "previous"
    steps.append(
        Step(
            "6(a)(2)(C)",
            f"{'; '.join(reasons)}. The period continues until the same time on "
            f"the {where} day that is not a Saturday, Sunday, legal holiday or day "
            "the clerk's office is closed.",
            _moment(moved),
        )
    )
    return moved
