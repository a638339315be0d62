import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import StaffProfile
from tests.factories import OrganizationFactory

UTC = datetime.UTC
NY = ZoneInfo("America/New_York")
MANILA = ZoneInfo("Asia/Manila")
H = datetime.timedelta(hours=1)
WEEKDAYS_9_TO_5 = {str(d): ["09:00", "17:00"] for d in range(5)}


def ny(*args):
    return datetime.datetime(*args, tzinfo=NY)


def manila(*args):
    return datetime.datetime(*args, tzinfo=MANILA)


def utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


def ny_office(working_hours=None, closed=None):
    return BusinessCalendar.from_working_hours(
        working_hours or WEEKDAYS_9_TO_5, "America/New_York", closed
    )


# Hand-checked examples: a New York office open 9–17 Monday to Friday.


def test_friday_afternoon_plus_two_hours_is_monday_ten():
    assert ny_office().add_hours(ny(2026, 2, 6, 16), 2) == ny(2026, 2, 9, 10)


def test_friday_evening_plus_one_hour_is_monday_ten():
    assert ny_office().add_hours(ny(2026, 2, 6, 18), 1) == ny(2026, 2, 9, 10)


def test_results_are_in_utc():
    due = ny_office().add_hours(ny(2026, 2, 6, 16), 2)
    assert due.tzinfo is UTC
    assert due == utc(2026, 2, 9, 15)


def test_hours_may_be_decimal_float_or_timedelta():
    office, start = ny_office(), ny(2026, 2, 9, 9)
    expected = ny(2026, 2, 9, 10, 30)
    assert office.add_hours(start, Decimal("1.5")) == expected
    assert office.add_hours(start, 1.5) == expected
    assert office.add_hours(start, datetime.timedelta(minutes=90)) == expected


def test_dst_start_weekend_counts_wall_clock_hours():
    due = ny_office().add_hours(ny(2026, 3, 6, 16), 2)
    assert due == ny(2026, 3, 9, 10)
    assert due == utc(2026, 3, 9, 14)  # EDT, where the start was EST


def test_dst_end_weekend_counts_wall_clock_hours():
    due = ny_office().add_hours(ny(2026, 10, 30, 16), 2)
    assert due == utc(2026, 11, 2, 15)  # Monday 10:00 EST


def test_day_with_dst_change_is_an_hour_shorter_or_longer():
    all_day = {"6": ["00:00", "23:45"]}
    office = ny_office(all_day)
    spring = office.business_time_between(ny(2026, 3, 8), ny(2026, 3, 9))
    autumn = office.business_time_between(ny(2026, 11, 1), ny(2026, 11, 2))
    assert spring == datetime.timedelta(hours=22, minutes=45)
    assert autumn == datetime.timedelta(hours=24, minutes=45)


def test_opening_time_missing_on_dst_day_is_read_with_fold_zero():
    # 02:30 does not exist on 8 March 2026 in New York; fold=0 reads it with the
    # offset before the change (EST), which is 03:30 EDT.
    office = ny_office({"6": ["02:30", "06:00"]})
    assert office.next_open(ny(2026, 3, 8, 0)) == utc(2026, 3, 8, 7, 30)


def test_day_whose_hours_vanish_in_the_dst_gap_is_closed():
    # 02:30 (read as EST) is 07:30 UTC, 03:15 EDT is 07:15 UTC: nothing is left.
    office = ny_office({"6": ["02:30", "03:15"]})
    assert not office.is_open_day(datetime.date(2026, 3, 8))
    assert office.is_open_day(datetime.date(2026, 3, 15))


def test_thanksgiving_and_closure_day_are_skipped(db):
    firm = OrganizationFactory(
        slug="x",
        jurisdiction="US-NY",
        time_zone="America/New_York",
        closure_days=["2026-11-27"],
    )
    office = BusinessCalendar.for_organization(firm)
    # Wednesday 16–17 is one hour; Thursday is Thanksgiving, Friday the firm is
    # closed, then the weekend; Monday 9–12 is the other three.
    assert office.add_hours(ny(2026, 11, 25, 16), 4) == ny(2026, 11, 30, 12)
    assert not office.is_open_day(datetime.date(2026, 11, 26))
    assert not office.is_open_day(datetime.date(2026, 11, 27))
    assert office.is_open_day(datetime.date(2026, 11, 25))


def test_organization_builds_one_holiday_calendar_per_year(db, monkeypatch):
    firm = OrganizationFactory(slug="x", jurisdiction="US-NY")
    real, years = firm.holiday_calendar, []

    def counting(year):
        years.append(year)
        return real(year)

    monkeypatch.setattr(firm, "holiday_calendar", counting)
    office = BusinessCalendar.for_organization(firm)
    # Thursday 31 Dec 2026, then New Year's Day is a holiday, then the weekend.
    due = office.add_hours(ny(2026, 12, 31, 9), 16)
    office.add_hours(ny(2026, 12, 31, 9), 40)
    assert due == ny(2027, 1, 4, 17)
    assert years == [2026, 2027]


def test_malformed_closure_day_says_what_to_write(db):
    firm = OrganizationFactory(slug="x", closure_days=["27/11/2026"])
    with pytest.raises(ValueError, match="Closure day “27/11/2026” is not a date"):
        BusinessCalendar.for_organization(firm)


def test_staff_in_manila_work_their_own_hours_and_no_holidays():
    profile = StaffProfile(
        time_zone="Asia/Manila",
        weekly_hours={str(d): ["08:00", "17:00"] for d in range(5)},
    )
    desk = BusinessCalendar.for_staff(profile)
    assert desk.add_hours(manila(2026, 3, 2, 16), 3) == manila(2026, 3, 3, 10)
    # Friday 20:00 in New York is already Saturday morning in Manila.
    assert desk.add_hours(ny(2026, 3, 6, 20), 1) == manila(2026, 3, 9, 9)
    # US Thanksgiving is a working day for them.
    assert desk.is_open_day(datetime.date(2026, 11, 26))


def test_saturday_hours_are_counted():
    office = ny_office({**WEEKDAYS_9_TO_5, "5": ["10:00", "14:00"]})
    assert office.add_hours(ny(2026, 2, 6, 16), 3) == ny(2026, 2, 7, 12)
    assert office.add_hours(ny(2026, 2, 6, 16), 6) == ny(2026, 2, 9, 10)


def test_zero_hours_inside_hours_is_the_start_itself():
    assert ny_office().add_hours(ny(2026, 2, 9, 11, 7), 0) == ny(2026, 2, 9, 11, 7)


def test_zero_hours_outside_hours_is_the_next_opening():
    assert ny_office().add_hours(ny(2026, 2, 6, 18), 0) == ny(2026, 2, 9, 9)


def test_zero_hours_at_closing_time_stays_at_closing_time():
    assert ny_office().add_hours(ny(2026, 2, 9, 17), 0) == ny(2026, 2, 9, 17)


def test_hours_that_use_up_the_day_end_at_closing_not_next_opening():
    office = ny_office()
    assert office.add_hours(ny(2026, 2, 9, 9), 8) == ny(2026, 2, 9, 17)
    assert office.add_hours(ny(2026, 2, 6, 15), 2) == ny(2026, 2, 6, 17)
    assert office.add_hours(ny(2026, 2, 6, 18), 8) == ny(2026, 2, 9, 17)


def test_counting_from_closing_time_starts_next_morning():
    assert ny_office().add_hours(ny(2026, 2, 9, 17), 1) == ny(2026, 2, 10, 10)


def test_closing_instant_is_within_hours_but_not_open():
    office = ny_office()
    assert office.within_hours(ny(2026, 2, 9, 17))
    assert not office.is_open_at(ny(2026, 2, 9, 17))
    assert office.is_open_at(ny(2026, 2, 9, 9))
    assert not office.is_open_at(ny(2026, 2, 9, 8, 59, 59))
    assert not office.within_hours(ny(2026, 2, 7, 12))  # Saturday


def test_next_open():
    office = ny_office()
    assert office.next_open(ny(2026, 2, 9, 12)) == ny(2026, 2, 9, 12)
    assert office.next_open(ny(2026, 2, 9, 17)) == ny(2026, 2, 10, 9)
    assert office.next_open(ny(2026, 2, 7, 12)) == ny(2026, 2, 9, 9)
    assert office.next_open(ny(2026, 2, 9, 7)).tzinfo is UTC


def test_business_time_between():
    office = ny_office()
    assert office.business_time_between(ny(2026, 2, 6, 16), ny(2026, 2, 9, 10)) == (
        2 * H
    )
    assert office.business_time_between(ny(2026, 2, 9, 9), ny(2026, 2, 16, 9)) == (
        40 * H
    )
    assert office.business_time_between(ny(2026, 2, 9, 17), ny(2026, 2, 10, 9)) == (
        datetime.timedelta(0)
    )
    assert office.business_time_between(ny(2026, 2, 9, 12), ny(2026, 2, 9, 10)) == (
        datetime.timedelta(0)
    )


def test_hours_cannot_be_changed_after_building():
    hours = {0: (datetime.time(9), datetime.time(17))}
    calendar = BusinessCalendar(tz=NY, hours=hours)
    hours[1] = (datetime.time(9), datetime.time(17))
    assert not calendar.is_open_day(datetime.date(2026, 2, 10))


@pytest.mark.parametrize(
    ("working_hours", "message"),
    [
        (
            {"0": ["17:00", "09:00"]},
            "On Monday the opening time 17:00 must be before the closing time 09:00",
        ),
        (
            {"2": ["09:00", "09:00"]},
            "On Wednesday the opening time 09:00 must be before the closing time",
        ),
        ({"1": ["9am", "17:00"]}, "Working hours for Tuesday: “9am” is not a time"),
        ({"4": ["09:00", "25:00"]}, "Friday: “25:00” is not a time of day"),
        ({"4": ["09:00", None]}, "Friday: “None” is not a time of day"),
        ({"0": ["09:00"]}, "Working hours for Monday must be an opening and a"),
        ({"7": ["09:00", "17:00"]}, "“7” is not a weekday"),
        ({"monday": ["09:00", "17:00"]}, "Use 0 \\(Monday\\) to 6 \\(Sunday\\)"),
    ],
)
def test_bad_working_hours_say_what_is_wrong(working_hours, message):
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_working_hours(working_hours, "America/New_York")


def test_unknown_time_zone_says_what_to_write():
    with pytest.raises(ValueError, match="“Mars/Olympus” is not a time zone name"):
        BusinessCalendar.from_working_hours(WEEKDAYS_9_TO_5, "Mars/Olympus")


def test_negative_hours_are_refused():
    with pytest.raises(ValueError, match="cannot be negative"):
        ny_office().add_hours(ny(2026, 2, 9, 9), -1)
    with pytest.raises(ValueError, match="cannot be negative"):
        ny_office().add_hours(ny(2026, 2, 9, 9), -datetime.timedelta(seconds=1))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="has no time zone"):
        ny_office().add_hours(datetime.datetime(2026, 2, 9, 9), 1)


@pytest.mark.parametrize(
    "office",
    [
        BusinessCalendar.from_working_hours({}, "America/New_York"),
        ny_office(closed=lambda day: True),
    ],
    ids=["no hours", "always closed"],
)
def test_calendar_without_any_working_hours_raises_instead_of_looping(office):
    with pytest.raises(ValueError, match="This calendar has no working hours"):
        office.add_hours(ny(2026, 2, 9, 9), 1)
    with pytest.raises(ValueError, match="This calendar has no working hours"):
        office.next_open(ny(2026, 2, 9, 9))


# Properties, over random calendars in several zones.

ZONES = [
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Manila",
    "Australia/Sydney",
]
QUARTER_HOURS = st.integers(0, 24 * 4 - 1)


def clock(quarter):
    return datetime.time(quarter // 4, quarter % 4 * 15)


day_hours = st.lists(QUARTER_HOURS, min_size=2, max_size=2, unique=True).map(
    lambda pair: [f"{clock(q):%H:%M}" for q in sorted(pair)]
)
working_hours = st.dictionaries(
    st.integers(0, 6).map(str), day_hours, min_size=1, max_size=7
)


@st.composite
def calendar_and_start(draw):
    tz_name = draw(st.sampled_from(ZONES))
    tz = ZoneInfo(tz_name)
    any_instant = st.datetimes(
        datetime.datetime(2025, 1, 1), datetime.datetime(2028, 12, 31, 23, 59)
    ).map(lambda naive: naive.replace(tzinfo=UTC))
    # Starts on the quarter-hour grid land exactly on openings and closings.
    on_the_grid = st.builds(
        lambda day, q: datetime.datetime.combine(day, clock(q), tzinfo=tz),
        st.dates(datetime.date(2025, 1, 1), datetime.date(2028, 12, 31)),
        QUARTER_HOURS,
    )
    start = draw(st.one_of(any_instant, on_the_grid))
    first_day = start.astimezone(tz).date()
    offsets = draw(st.frozensets(st.integers(-1, 60), max_size=15))
    holidays = frozenset(first_day + datetime.timedelta(days=n) for n in offsets)
    calendar = BusinessCalendar.from_working_hours(
        draw(working_hours), tz_name, closed=holidays.__contains__
    )
    return calendar, start


# (hours as given to add_hours, the exact timedelta they stand for)
hundredths = st.integers(0, 200 * 100)
amounts = st.one_of(
    hundredths.map(lambda n: (Decimal(n) / 100, datetime.timedelta(seconds=36 * n))),
    hundredths.map(lambda n: (n / 100, datetime.timedelta(seconds=36 * n))),
    st.integers(0, 200).map(lambda n: (n, n * H)),
    st.timedeltas(datetime.timedelta(0), 200 * H).map(lambda d: (d, d)),
)


@given(calendar_and_start(), amounts)
def test_due_time_is_within_hours_on_an_open_day(scenario, amount):
    calendar, start = scenario
    due = calendar.add_hours(start, amount[0])
    assert due.tzinfo is UTC
    assert due >= start
    assert calendar.within_hours(due)
    assert calendar.is_open_day(due.astimezone(calendar.tz).date())


@given(calendar_and_start(), amounts)
def test_business_time_to_due_time_is_the_hours_added(scenario, amount):
    calendar, start = scenario
    hours, exact = amount
    assert calendar.business_time_between(start, calendar.add_hours(start, hours)) == (
        exact
    )


@given(calendar_and_start(), amounts, amounts)
def test_more_hours_never_give_an_earlier_due_time(scenario, a, b):
    calendar, start = scenario
    assert calendar.add_hours(start, a[1]) <= calendar.add_hours(start, a[1] + b[1])


@given(
    calendar_and_start(),
    st.timedeltas(datetime.timedelta(0), datetime.timedelta(days=10)),
    amounts,
)
def test_later_start_never_gives_an_earlier_due_time(scenario, delay, amount):
    calendar, start = scenario
    hours = amount[0]
    assert calendar.add_hours(start, hours) <= calendar.add_hours(start + delay, hours)


@given(calendar_and_start(), amounts, amounts)
def test_adding_in_two_steps_is_adding_at_once(scenario, a, b):
    # Holds for a = 0 and b = 0 too: a zero add leaves a time within hours (the
    # closing instant included) alone, and from outside hours both sides start
    # counting at the same next opening.
    calendar, start = scenario
    two_steps = calendar.add_hours(calendar.add_hours(start, a[0]), b[0])
    assert two_steps == calendar.add_hours(start, a[1] + b[1])


@given(calendar_and_start())
def test_next_open_is_open_and_skips_no_business_time(scenario):
    calendar, start = scenario
    opening = calendar.next_open(start)
    assert opening >= start
    assert calendar.is_open_at(opening)
    assert calendar.business_time_between(start, opening) == datetime.timedelta(0)


@given(calendar_and_start())
def test_the_hours_left_in_a_day_end_exactly_at_its_closing(scenario):
    calendar, start = scenario
    begin = calendar.next_open(start)
    day = begin.astimezone(calendar.tz).date()
    closing = datetime.datetime.combine(
        day, calendar.hours[day.weekday()][1], tzinfo=calendar.tz
    ).astimezone(UTC)
    left = closing - begin
    tick = datetime.timedelta(microseconds=1)
    assert calendar.add_hours(begin, left) == closing
    assert calendar.add_hours(closing, 0) == closing
    assert calendar.add_hours(begin, left + tick) == calendar.next_open(closing) + tick
