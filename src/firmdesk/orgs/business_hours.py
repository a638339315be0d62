"""Business hours: counting service-level time only while a calendar is open.

A calendar is working hours per weekday in one time zone, minus days it is closed
(legal holidays, closure days). It has no database access and no clock of its own:
give it aware datetimes, get aware UTC datetimes back.

Rules, decided once:

- Each open day is one interval [open, close]: the day's local wall-clock opening
  and closing times turned into UTC instants through the zone. All arithmetic is
  done on those UTC intervals, so a day that changes to or from daylight saving
  time is one hour shorter or longer, as a person at the office would live it.
- A wall-clock time that does not exist that day (inside a spring-forward gap) or
  happens twice (fall-back) is read the way zoneinfo reads it by default, fold=0:
  the first of two ambiguous times, and for a missing time the offset in force
  before the change. If that leaves the day with no time at all (closing falls
  before opening in UTC), the day counts as closed.
- `is_open_at` is open <= t < close. `within_hours` also accepts the closing instant,
  because a due time may fall exactly at closing.
- Adding hours that exactly use up a day ends at that day's closing time, not at
  the next opening: "due by 5 pm" is what a person expects.
- Adding 0 hours returns the start unchanged when it is within hours (closing
  instant included), otherwise the next opening. Counting the closing instant as
  within hours here is what makes add_hours(add_hours(s, a), b) equal
  add_hours(s, a + b) for every a, b >= 0, including a due time that lands at
  closing and then gets 0 more hours.
- business_time_between(s, add_hours(s, h)) == h to the microsecond: both sides
  are exact timedelta arithmetic on the same intervals.
- Hours may be int, float, Decimal or timedelta and are rounded to the microsecond;
  negative hours are a ValueError.
- A calendar with no open day within three years of where the search starts
  raises ValueError instead of looping forever.
"""

from __future__ import annotations

import datetime
import math
import re
import zoneinfo
from collections.abc import Callable, Container, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from firmdesk.orgs.models import Organization, StaffProfile

UTC = datetime.UTC
ONE_DAY = datetime.timedelta(days=1)
ZERO = datetime.timedelta(0)
SEARCH_LIMIT = datetime.timedelta(days=3 * 366)
WEEKDAY_NAMES = (
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
)
_CLOCK_TIME = re.compile(r"(\d{1,2}):(\d{2})")

Interval = tuple[datetime.datetime, datetime.datetime]


def _never_closed(day: datetime.date) -> bool:
    return False


@dataclass(frozen=True)
class BusinessCalendar:
    tz: zoneinfo.ZoneInfo
    hours: Mapping[int, tuple[datetime.time, datetime.time]]
    closed: Callable[[datetime.date], bool] = _never_closed
    # Each day's interval, once worked out: counting business time for
    # thousands of tasks (the insights roll-up) asks about the same few
    # hundred days again and again.
    _intervals: dict[datetime.date, Interval | None] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self):
        for weekday, (opens, closes) in self.hours.items():
            if weekday not in range(7):
                raise ValueError(
                    f"{weekday!r} is not a weekday. Use 0 (Monday) to 6 (Sunday)."
                )
            if opens >= closes:
                raise ValueError(
                    f"On {WEEKDAY_NAMES[weekday]} the opening time "
                    f"{opens:%H:%M} must be before the closing time {closes:%H:%M}."
                )
        # A private copy: nobody can change a calendar's hours after the fact.
        object.__setattr__(self, "hours", MappingProxyType(dict(self.hours)))

    @classmethod
    def from_working_hours(
        cls,
        working_hours: dict,
        tz_name: str,
        closed: Callable[[datetime.date], bool] | None = None,
    ) -> BusinessCalendar:
        """Build a calendar from the JSON stored on our models:
        {"0": ["09:00", "17:00"], ...}, Monday = "0"; a missing weekday is closed."""
        try:
            tz = zoneinfo.ZoneInfo(tz_name)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
            raise ValueError(
                f"“{tz_name}” is not a time zone name. "
                "Use a name such as America/New_York."
            ) from None
        hours = {}
        for key, span in (working_hours or {}).items():
            weekday = _parse_weekday(key)
            day_name = WEEKDAY_NAMES[weekday]
            if not isinstance(span, list | tuple) or len(span) != 2:
                raise ValueError(
                    f"Working hours for {day_name} must be an opening and a closing "
                    f"time, such as ['09:00', '17:00']; got {span!r}."
                )
            hours[weekday] = (
                _parse_clock_time(span[0], day_name),
                _parse_clock_time(span[1], day_name),
            )
        return cls(tz=tz, hours=hours, closed=closed or _never_closed)

    @classmethod
    def for_organization(cls, org: Organization) -> BusinessCalendar:
        """The organisation's working hours, closed on the legal holidays of its
        jurisdiction and on its own closure days."""
        closure_days = {_parse_closure_day(value) for value in org.closure_days or []}
        # Building a holidays calendar takes milliseconds; a long due-date search
        # asks about hundreds of days, so build one per year and keep it.
        by_year: dict[int, Container[datetime.date]] = {}

        def closed(day: datetime.date) -> bool:
            if day in closure_days:
                return True
            year_holidays = by_year.get(day.year)
            if year_holidays is None:
                year_holidays = by_year[day.year] = org.holiday_calendar(day.year)
            return day in year_holidays

        return cls.from_working_hours(org.working_hours or {}, org.time_zone, closed)

    @classmethod
    def for_staff(cls, profile: StaffProfile) -> BusinessCalendar:
        """A staff member's own weekly hours in their zone; no holidays."""
        return cls.from_working_hours(profile.weekly_hours or {}, profile.time_zone)

    def is_open_day(self, day: datetime.date) -> bool:
        return self._interval(day) is not None

    def is_open_at(self, when: datetime.datetime) -> bool:
        t = _as_utc(when)
        span = self._interval(self._local_date(t))
        return span is not None and span[0] <= t < span[1]

    def within_hours(self, when: datetime.datetime) -> bool:
        t = _as_utc(when)
        span = self._interval(self._local_date(t))
        return span is not None and span[0] <= t <= span[1]

    def next_open(self, when: datetime.datetime) -> datetime.datetime:
        """`when` itself if the calendar is open then, else the next opening."""
        t = _as_utc(when)
        intervals = self._intervals_from(self._local_date(t))
        return next(max(opens, t) for opens, closes in intervals if t < closes)

    def add_hours(
        self,
        start: datetime.datetime,
        hours: int | float | Decimal | datetime.timedelta,
    ) -> datetime.datetime:
        """The instant when `hours` of business time have passed since `start`."""
        t = _as_utc(start)
        remaining = _as_duration(hours)
        if not remaining:
            return t if self.within_hours(t) else self.next_open(t)
        intervals = self._intervals_from(self._local_date(t))
        while True:
            opens, closes = next(intervals)
            if closes <= t:
                continue
            begin = max(opens, t)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin

    def business_time_between(
        self, start: datetime.datetime, end: datetime.datetime
    ) -> datetime.timedelta:
        """Business time from `start` to `end`; zero when end is not after start."""
        s, e = _as_utc(start), _as_utc(end)
        total = ZERO
        if e <= s:
            return total
        day, last = self._local_date(s), self._local_date(e)
        while day <= last:
            span = self._interval(day)
            if span is not None:
                total += max(ZERO, min(span[1], e) - max(span[0], s))
            day += ONE_DAY
        return total

    def _local_date(self, t: datetime.datetime) -> datetime.date:
        return t.astimezone(self.tz).date()

    def _interval(self, day: datetime.date) -> Interval | None:
        try:
            return self._intervals[day]
        except KeyError:
            interval = self._intervals[day] = self._work_out_interval(day)
            return interval

    def _work_out_interval(self, day: datetime.date) -> Interval | None:
        span = self.hours.get(day.weekday())
        if span is None or self.closed(day):
            return None
        opens = datetime.datetime.combine(day, span[0], tzinfo=self.tz)
        closes = datetime.datetime.combine(day, span[1], tzinfo=self.tz)
        opens, closes = opens.astimezone(UTC), closes.astimezone(UTC)
        if closes <= opens:
            return None
        return opens, closes

    def _intervals_from(self, day: datetime.date) -> Iterator[Interval]:
        """Open intervals day by day from `day` on, without end, unless there are
        none for three years."""
        last_open = day
        while True:
            span = self._interval(day)
            if span is not None:
                last_open = day
                yield span
            elif day - last_open > SEARCH_LIMIT:
                raise ValueError(
                    "This calendar has no working hours in the three years after "
                    f"{last_open.isoformat()}. Set working hours for at least one "
                    "weekday, or check the closure days."
                )
            day += ONE_DAY


def _parse_weekday(key) -> int:
    text = str(key).strip()
    if text not in {"0", "1", "2", "3", "4", "5", "6"}:
        raise ValueError(
            f"“{key}” is not a weekday in the working hours. "
            "Use 0 (Monday) to 6 (Sunday)."
        )
    return int(text)


def _parse_clock_time(value, day_name: str) -> datetime.time:
    match = _CLOCK_TIME.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(
            f"Working hours for {day_name}: “{value}” is not a time of day. "
            "Use 24-hour HH:MM, such as 09:00 or 17:30."
        )
    return datetime.time(int(match[1]), int(match[2]))


def _parse_closure_day(value) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(
            f"Closure day “{value}” is not a date. Use YYYY-MM-DD, such as 2026-12-24."
        ) from None


def _as_utc(when: datetime.datetime) -> datetime.datetime:
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(
            f"{when.isoformat()} has no time zone; business hours need an aware "
            "datetime."
        )
    return when.astimezone(UTC)


def _as_duration(hours) -> datetime.timedelta:
    if isinstance(hours, datetime.timedelta):
        duration = hours
    elif isinstance(hours, bool) or not isinstance(hours, int | float | Decimal):
        raise TypeError(
            f"Hours must be a number or a timedelta, not {type(hours).__name__}."
        )
    elif (
        isinstance(hours, float)
        and not math.isfinite(hours)
        or isinstance(hours, Decimal)
        and not hours.is_finite()
    ):
        raise ValueError(f"Hours must be a finite number, not {hours}.")
    elif hours < 0:
        raise ValueError(f"Hours to add cannot be negative (got {hours}).")
    elif isinstance(hours, Decimal):
        micros = (hours * 3_600_000_000).to_integral_value(ROUND_HALF_EVEN)
        duration = datetime.timedelta(microseconds=int(micros))
    else:
        duration = datetime.timedelta(hours=hours)
    if duration < ZERO:
        raise ValueError(f"Hours to add cannot be negative (got {hours}).")
    return duration
