"""``recurrence_next_date``: the date recurring work comes back, checked against
the rule itself for every kind of schedule."""

import calendar
import datetime

from hypothesis import given
from hypothesis import strategies as st

from firmdesk.work.models import Recurrence
from firmdesk.work.services import recurrence_next_date

F = Recurrence.Frequency
DAYS = st.dates(
    min_value=datetime.date(2020, 1, 1), max_value=datetime.date(2035, 12, 31)
)


@st.composite
def recurrences(draw, frequency=None):
    frequency = frequency or draw(st.sampled_from(F.values))
    starts_on = draw(DAYS)
    ends_on = draw(
        st.none() | st.integers(0, 800).map(lambda n: starts_on + datetime.timedelta(n))
    )
    return Recurrence(
        title="Docket check",
        function="scheduling",
        frequency=frequency,
        weekday=draw(st.integers(0, 6)) if frequency == F.WEEKLY else None,
        day_of_month=draw(st.integers(1, 31)) if frequency == F.MONTHLY else None,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def _month_length(day: datetime.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def comes_back_on(r: Recurrence, day: datetime.date) -> bool:
    """The rule, stated directly: is ``day`` one of the recurrence's dates?"""
    if day < r.starts_on or (r.ends_on is not None and day > r.ends_on):
        return False
    if r.frequency == F.WEEKDAYS:
        return day.weekday() < 5
    if r.frequency == F.WEEKLY:
        return day.weekday() == r.weekday
    return day.day == min(r.day_of_month, _month_length(day))


@given(recurrences(), DAYS)
def test_next_date_is_the_first_date_of_the_rule_after_the_given_one(r, after):
    found = recurrence_next_date(r, after)
    day = after + datetime.timedelta(days=1)
    limit = after + datetime.timedelta(days=800)
    if found is not None:
        assert found > after
        assert r.starts_on <= found
        assert r.ends_on is None or found <= r.ends_on
        assert comes_back_on(r, found)
        limit = found
    # No date of the rule is skipped between ``after`` and the answer (or, when
    # there is none, in the next 800 days).
    while day < limit:
        assert not comes_back_on(r, day), (day, found)
        day += datetime.timedelta(days=1)


@given(recurrences(F.WEEKLY), DAYS)
def test_weekly_dates_fall_on_the_weekday_seven_days_apart(r, after):
    r.ends_on = None
    first = recurrence_next_date(r, after)
    second = recurrence_next_date(r, first)
    assert first.weekday() == r.weekday == second.weekday()
    assert second - first == datetime.timedelta(days=7)


@given(recurrences(F.WEEKDAYS), DAYS)
def test_working_day_dates_are_monday_to_friday_with_none_missed(r, after):
    r.ends_on = None
    first = recurrence_next_date(r, after)
    second = recurrence_next_date(r, first)
    assert first.weekday() < 5 and second.weekday() < 5
    gap = (second - first).days
    assert gap == (3 if first.weekday() == 4 else 1)


@given(recurrences(F.MONTHLY), DAYS)
def test_monthly_dates_are_the_day_or_the_last_day_of_a_shorter_month(r, after):
    r.ends_on = None
    first = recurrence_next_date(r, after)
    second = recurrence_next_date(r, first)
    for day in (first, second):
        assert day.day == min(r.day_of_month, _month_length(day))
    assert (second.year * 12 + second.month) - (first.year * 12 + first.month) == 1


def test_day_31_comes_back_on_the_last_day_of_february_and_april():
    r = Recurrence(
        frequency=F.MONTHLY, day_of_month=31, starts_on=datetime.date(2026, 1, 1)
    )
    dates = []
    after = datetime.date(2026, 1, 31)
    for _ in range(3):
        after = recurrence_next_date(r, after)
        dates.append(after)
    assert dates == [
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 31),
        datetime.date(2026, 4, 30),
    ]


def test_a_stopped_or_ended_recurrence_has_no_next_date():
    r = Recurrence(
        frequency=F.WEEKDAYS,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 1, 9),
    )
    assert recurrence_next_date(r, datetime.date(2026, 1, 8)) == datetime.date(
        2026, 1, 9
    )
    assert recurrence_next_date(r, datetime.date(2026, 1, 9)) is None
    r.is_active = False
    assert recurrence_next_date(r, datetime.date(2026, 1, 1)) is None


def test_nothing_before_the_start_date():
    r = Recurrence(frequency=F.WEEKLY, weekday=2, starts_on=datetime.date(2026, 3, 2))
    assert recurrence_next_date(r, datetime.date(2020, 1, 1)) == datetime.date(
        2026, 3, 4
    )
