"""Properties every FRCP 6 deadline has, whatever the trigger and period.

The closed-day check here is written separately from the calculator (straight
from the ``holidays`` package, the declared days and the court's
closures), so a due date is judged by a second reading of the rules.
"""

import datetime as dt
import functools

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from firmdesk.scheduling.deadlines import (
    SERVICE_LABELS,
    CourtCalendar,
    compute_days,
    compute_hours,
)

EXAMPLES = settings(max_examples=200, deadline=None)

JURISDICTIONS = ["US"] + [f"US-{code}" for code in holidays.US.subdivisions]
SERVICES = sorted(SERVICE_LABELS)
EXTENDING = {"mail", "clerk", "consent"}
ONE_DAY = dt.timedelta(days=1)


@functools.cache
def _table(subdivision, observed, year):
    return holidays.US(subdiv=subdivision, observed=observed, years=year)


def closed(calendar: CourtCalendar, day: dt.date, *, forward: bool) -> bool:
    """No period may end on ``day`` (FRCP 6(a)(1)(C), 6(a)(3), 6(a)(6))."""
    if day.weekday() >= 5:
        return True
    if day in _table(None, calendar.observed_holidays, day.year):
        return True
    if day in calendar.declared or day in calendar.closures:
        return True
    state = calendar.jurisdiction[3:] if calendar.jurisdiction != "US" else None
    return bool(
        forward
        and state
        and calendar.state_holidays
        and day in _table(state, calendar.observed_holidays, day.year)
    )


@st.composite
def calendars(draw, near: dt.date | None = None):
    """A court: federal or in a state, observed days on or off, and (when
    ``near`` is given) a few clerk's-office closures around that day, where
    they can matter."""
    closures = {}
    if near is not None:
        offsets = draw(st.sets(st.integers(-6, 10), max_size=5))
        closures = {near + dt.timedelta(days=k): f"closed (+{k})" for k in offsets}
    return CourtCalendar(
        jurisdiction=draw(st.sampled_from(JURISDICTIONS)),
        observed_holidays=draw(st.booleans()),
        state_holidays=draw(st.booleans()),
        closures=closures,
    )


@st.composite
def day_periods(draw, max_days=400):
    trigger = draw(st.dates(dt.date(2000, 1, 1), dt.date(2040, 12, 31)))
    days = draw(st.integers(1, max_days))
    before = draw(st.booleans())
    landing = trigger + dt.timedelta(days=-days if before else days)
    with_closures = draw(st.booleans())
    calendar = draw(calendars(near=landing if with_closures else None))
    return {
        "trigger": trigger,
        "days": days,
        "before": before,
        "court_days": draw(st.booleans()),
        "service": draw(st.sampled_from(SERVICES)),
        "calendar": calendar,
    }


def due(case, **changes):
    options = {**case, **changes}
    return compute_days(
        options["trigger"],
        options["days"],
        before=options["before"],
        court_days=options["court_days"],
        service=options["service"],
        calendar=options["calendar"],
    ).due


@EXAMPLES
@given(day_periods())
def test_a_due_date_is_never_a_closed_day(case):
    result = due(case)
    assert not closed(case["calendar"], result, forward=not case["before"]), result


@EXAMPLES
@given(day_periods())
def test_a_due_date_lies_on_the_counted_side_of_the_trigger(case):
    result = due(case)
    if case["before"]:
        assert result < case["trigger"]
    else:
        assert result > case["trigger"]


@settings(max_examples=100, deadline=None)
@given(day_periods(max_days=60))
def test_court_days_count_exactly_the_open_days(case):
    case = {**case, "court_days": True, "service": "personal"}
    result = due(case)
    forward = not case["before"]
    step = ONE_DAY if forward else -ONE_DAY
    day, counted = case["trigger"], 0
    while day != result:
        day += step
        counted += not closed(case["calendar"], day, forward=forward)
    assert counted == case["days"]


@EXAMPLES
@given(day_periods(), st.integers(1, 40))
def test_a_longer_period_never_ends_sooner(case, more):
    shorter = due(case)
    longer = due(case, days=case["days"] + more)
    if case["before"]:
        assert longer <= shorter
    else:
        assert longer >= shorter


@EXAMPLES
@given(day_periods())
def test_service_by_mail_is_never_earlier_than_personal_service(case):
    personal = due(case, service="personal")
    by_mail = due(case, service="mail")
    assert by_mail >= personal
    if case["before"]:
        assert by_mail == personal
    assert due(case, service="electronic") == personal
    assert due(case, service="clerk") == by_mail == due(case, service="consent")


@st.composite
def hour_periods(draw):
    start = draw(
        st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2040, 12, 31))
    ).replace(second=0, microsecond=0)
    hours = draw(st.integers(1, 1000))
    before = draw(st.booleans())
    landing = (start + dt.timedelta(hours=-hours if before else hours)).date()
    with_closures = draw(st.booleans())
    return {
        "start": start,
        "hours": hours,
        "before": before,
        "service": draw(st.sampled_from(SERVICES)),
        "calendar": draw(calendars(near=landing if with_closures else None)),
    }


def hours_end(case, **changes):
    options = {**case, **changes}
    return compute_hours(
        options["start"],
        options["hours"],
        before=options["before"],
        service=options["service"],
        calendar=options["calendar"],
    )


@EXAMPLES
@given(hour_periods())
def test_an_hour_period_never_ends_on_a_closed_day(case):
    result = hours_end(case)
    local = result.last_moment.astimezone(case["calendar"].zone)
    assert local.date() == result.due
    assert not closed(case["calendar"], result.due, forward=not case["before"])


@EXAMPLES
@given(hour_periods(), st.integers(1, 200))
def test_a_longer_hour_period_never_ends_on_an_earlier_day(case, more):
    # Days, not moments: 6(a)(2)(C) keeps the time of day when it moves a
    # period off a closed day, so a longer period can end earlier on the same
    # open day (see test_a_longer_hour_period_can_end_earlier_on_the_same_day).
    shorter = hours_end(case).due
    longer = hours_end(case, hours=case["hours"] + more).due
    if case["before"]:
        assert longer <= shorter
    else:
        assert longer >= shorter
