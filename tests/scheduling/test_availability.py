"""Free and busy: a firm member's time follows the firm's working hours in the
firm's zone, a provider staff member's their own weekly hours in their own zone;
absences take whole days, and events (not deadlines, not cancelled ones) take
their time.

Instants are in UTC, each hand-checked against the local clock in its comment.
US daylight saving time starts on Sunday 8 March 2026.
"""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.orgs.models import Absence, StaffProfile
from firmdesk.scheduling import availability, services
from firmdesk.scheduling.models import Event

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MONDAY = datetime.date(2026, 3, 9)
TUESDAY = datetime.date(2026, 3, 10)
CHICAGO = "America/Chicago"


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def day_window(first, last=None):
    """From midnight UTC of ``first`` to midnight UTC after ``last``."""
    last = last or first
    return (
        datetime.datetime.combine(first, datetime.time(0), tzinfo=UTC),
        datetime.datetime.combine(last, datetime.time(0), tzinfo=UTC)
        + datetime.timedelta(days=1),
    )


def starts(slots):
    return [(slot.start.hour, slot.start.minute) for slot in slots]


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def chicago_firm(firm):
    """Open 09:00-12:00 on Mondays and Tuesdays, in Chicago (CDT, UTC-5 in
    March after the change): 14:00-17:00 UTC."""
    firm.time_zone = CHICAGO
    firm.working_hours = {"0": ["09:00", "12:00"], "1": ["09:00", "12:00"]}
    firm.save()
    return firm


def meeting(firm, actor, start, end, **fields):
    """An appointment at Chicago wall times on Monday 9 March."""
    fields.setdefault("kind", Event.Kind.APPOINTMENT)
    fields.setdefault("title", "Client meeting")
    return services.event_create(
        scope=resolve_scope(actor, firm),
        data=services.EventData(
            start=datetime.datetime.combine(MONDAY, start),
            end=datetime.datetime.combine(MONDAY, end),
            time_zone=CHICAGO,
            **fields,
        ),
        actor=actor,
    )


def t(hour, minute=0):
    return datetime.time(hour, minute)


# --- Working hours --------------------------------------------------------------------


def test_firm_member_is_free_within_the_firms_hours_in_the_firms_zone(
    chicago_firm, attorney
):
    slots = availability.open_slots(
        attorney, chicago_firm, *day_window(MONDAY), minutes=60
    )

    assert [(s.start, s.end) for s in slots] == [
        (utc(2026, 3, 9, 14), utc(2026, 3, 9, 15)),  # 09:00 CDT
        (utc(2026, 3, 9, 15), utc(2026, 3, 9, 16)),
        (utc(2026, 3, 9, 16), utc(2026, 3, 9, 17)),  # until 12:00 CDT
    ]


def test_firm_closure_day_and_days_without_hours_have_no_slots(chicago_firm, attorney):
    chicago_firm.closure_days = [TUESDAY.isoformat()]
    chicago_firm.save()

    slots = availability.open_slots(
        attorney,
        chicago_firm,
        *day_window(MONDAY, MONDAY + datetime.timedelta(days=4)),
        minutes=60,
    )

    assert {s.start.date() for s in slots} == {MONDAY}


@pytest.fixture
def los_angeles_assistant(assistant):
    """Works 08:00-10:00 on Fridays and Mondays in Los Angeles."""
    StaffProfile.objects.filter(user=assistant).update(
        time_zone="America/Los_Angeles",
        weekly_hours={"0": ["08:00", "10:00"], "4": ["08:00", "10:00"]},
    )
    return assistant


def test_provider_staff_are_free_in_their_own_hours_and_zone_not_the_firms(
    chicago_firm, los_angeles_assistant
):
    friday = datetime.date(2026, 3, 6)

    slots = availability.open_slots(
        los_angeles_assistant, chicago_firm, *day_window(friday, MONDAY), minutes=60
    )

    assert [s.start for s in slots] == [
        utc(2026, 3, 6, 16),  # 08:00 PST, UTC-8
        utc(2026, 3, 6, 17),
        utc(2026, 3, 9, 15),  # 08:00 PDT, UTC-7: the clocks changed on Sunday
        utc(2026, 3, 9, 16),
    ]


def test_absence_takes_the_whole_day(chicago_firm, los_angeles_assistant):
    Absence.objects.create(user=los_angeles_assistant, start=MONDAY, end=MONDAY)
    friday = datetime.date(2026, 3, 6)

    slots = availability.open_slots(
        los_angeles_assistant, chicago_firm, *day_window(friday, MONDAY), minutes=60
    )

    assert {s.start.date() for s in slots} == {friday}


def test_firm_member_on_leave_has_no_slots_that_day(chicago_firm, attorney):
    Absence.objects.create(user=attorney, start=MONDAY, end=MONDAY)

    slots = availability.open_slots(
        attorney, chicago_firm, *day_window(MONDAY, TUESDAY), minutes=60
    )

    assert {s.start.date() for s in slots} == {TUESDAY}


# --- Events ---------------------------------------------------------------------------


def test_events_owned_or_attended_take_their_time(chicago_firm, attorney, firm_admin):
    meeting(chicago_firm, attorney, t(9, 30), t(10), owner=attorney)
    meeting(
        chicago_firm,
        firm_admin,
        t(11),
        t(11, 30),
        owner=firm_admin,
        attendee_users=(attorney,),
    )

    slots = availability.open_slots(attorney, chicago_firm, *day_window(MONDAY))

    # 09:00, 10:00, 10:30 and 11:30 CDT; 09:30 and 11:00 are taken.
    assert [s.start for s in slots] == [
        utc(2026, 3, 9, 14, 0),
        utc(2026, 3, 9, 15, 0),
        utc(2026, 3, 9, 15, 30),
        utc(2026, 3, 9, 16, 30),
    ]
    # Someone else's meeting leaves the firm admin's own Monday otherwise open.
    assert (
        len(availability.open_slots(firm_admin, chicago_firm, *day_window(MONDAY))) == 5
    )


def test_deadlines_and_cancelled_events_take_no_time(chicago_firm, attorney, matter):
    scope = resolve_scope(attorney, chicago_firm)
    vacated = meeting(chicago_firm, attorney, t(9), t(12), owner=attorney)
    services.event_set_status(
        scope=scope,
        event=vacated,
        status=Event.Status.CANCELLED,
        actor=attorney,
        revision=vacated.revision,
    )
    due = services.deadline_create(
        scope=scope,
        actor=attorney,
        matter=matter,
        court=None,
        period={"offset": 7, "unit": "days", "direction": "after", "name": "Reply"},
        trigger_date=datetime.date(2026, 3, 2),
    )
    assert due.start_date == MONDAY and due.owner == attorney

    slots = availability.open_slots(attorney, chicago_firm, *day_window(MONDAY))

    assert len(slots) == 6
    assert availability.busy(attorney, chicago_firm, *day_window(MONDAY)) == []


def test_slot_length_and_step_are_the_callers(chicago_firm, attorney):
    meeting(chicago_firm, attorney, t(11, 30), t(12), owner=attorney)

    slots = availability.open_slots(
        attorney, chicago_firm, *day_window(MONDAY), minutes=60, step_minutes=30
    )

    # Hour-long slots every half hour from 09:00 CDT; none runs into 11:30.
    assert starts(slots) == [(14, 0), (14, 30), (15, 0), (15, 30)]
    assert all(s.end - s.start == datetime.timedelta(hours=1) for s in slots)
    later = availability.open_slots(
        attorney,
        chicago_firm,
        *day_window(MONDAY),
        minutes=60,
        step_minutes=30,
        not_before=utc(2026, 3, 9, 15, 0),
    )
    assert starts(later) == [(15, 0), (15, 30)]


def test_busy_merges_overlapping_events_and_gives_times_only(
    chicago_firm, attorney, firm_admin
):
    meeting(chicago_firm, attorney, t(10), t(11), owner=attorney)
    meeting(
        chicago_firm,
        firm_admin,
        t(10, 30),
        t(11, 30),
        title="Privileged strategy call",
        owner=firm_admin,
        attendee_users=(attorney,),
    )
    meeting(chicago_firm, attorney, t(11, 30), t(12), owner=attorney)
    meeting(chicago_firm, attorney, t(14), t(15), owner=attorney)

    intervals = availability.busy(
        attorney, chicago_firm, utc(2026, 3, 9, 15, 15), utc(2026, 3, 10)
    )

    # 10:00-12:00 CDT as one block (cut at the window's 10:15), then 14:00-15:00.
    assert intervals == [
        (utc(2026, 3, 9, 15, 15), utc(2026, 3, 9, 17, 0)),
        (utc(2026, 3, 9, 19, 0), utc(2026, 3, 9, 20, 0)),
    ]
    assert all(
        isinstance(a, datetime.datetime) and isinstance(b, datetime.datetime)
        for a, b in intervals
    )
