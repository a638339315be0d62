"""iCalendar out (what Outlook, Google and Apple read from a feed) and in (an
.ics file imported into a matter), checked by parsing with the ``icalendar``
library rather than by comparing text."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.scheduling import ical, services
from firmdesk.scheduling.models import Court, DeadlineRule, Event, Reminder

UTC = datetime.UTC
# Monday 2 March 2026, 10:00 in New York.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def scope(attorney, firm):
    return resolve_scope(attorney, firm)


@pytest.fixture
def cand(db):
    return Court.objects.get(code="cand")


def create(scope, actor, **fields) -> Event:
    fields.setdefault("kind", Event.Kind.APPOINTMENT)
    fields.setdefault("title", "Meeting with Ms Lopez")
    return services.event_create(
        scope=scope, data=services.EventData(**fields), actor=actor
    )


def parse(data: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(data)


def vevents(cal) -> dict:
    return {str(v["SUMMARY"]): v for v in cal.walk("VEVENT")}


# --- Out ------------------------------------------------------------------------------


@pytest.fixture
def calendar_events(scope, attorney, matter, cand):
    """A meeting in Chicago, a hearing in San Francisco and a filing deadline."""
    meeting = create(
        scope,
        attorney,
        title="Witness interview",
        matter=matter,
        time_zone="America/Chicago",
        start=datetime.datetime(2026, 3, 10, 9, 30),
        end=datetime.datetime(2026, 3, 10, 11, 0),
        reminder_minutes=[60, 15],
    )
    hearing = create(
        scope,
        attorney,
        kind=Event.Kind.HEARING,
        title="Motion hearing",
        matter=matter,
        court=cand,
        start=datetime.datetime(2026, 3, 12, 10, 0),
    )
    answer = services.deadline_create(
        scope=scope,
        actor=attorney,
        matter=matter,
        court=cand,
        rule=DeadlineRule.objects.get(code="frcp-12a1Ai-answer"),
        trigger_date=datetime.date(2026, 3, 2),
    )
    return meeting, hearing, answer


def test_every_zone_used_has_its_vtimezone(calendar_events):
    cal = parse(ical.build_calendar(calendar_events, name="Lopez v. Acme"))

    used = {
        str(v[prop].params["TZID"])
        for v in cal.walk("VEVENT")
        for prop in ("DTSTART", "DTEND")
        if "TZID" in v[prop].params
    }
    defined = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}
    assert used == {"America/Chicago", "America/Los_Angeles"}
    assert used <= defined
    assert cal["VERSION"] == "2.0"
    assert str(cal["X-WR-CALNAME"]) == "Lopez v. Acme"
    for vevent in cal.walk("VEVENT"):
        assert vevent.get("UID") and vevent.get("DTSTAMP")


def test_timed_event_keeps_its_own_zone_and_wall_time(calendar_events):
    cal = parse(ical.build_calendar(calendar_events, name="Calendar"))

    meeting = vevents(cal)["Witness interview"]
    start, end = meeting["DTSTART"].dt, meeting["DTEND"].dt
    assert start.tzinfo.key == "America/Chicago"
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        datetime.datetime(2026, 3, 10, 9, 30),
        datetime.datetime(2026, 3, 10, 11, 0),
    )
    assert start.astimezone(UTC) == utc(2026, 3, 10, 14, 30)  # CDT, UTC-5
    hearing = vevents(cal)["Motion hearing"]
    assert hearing["DTSTART"].dt.tzinfo.key == "America/Los_Angeles"
    assert hearing["DTSTART"].dt.hour == 10


def test_filing_deadline_is_an_all_day_event_with_an_exclusive_end(calendar_events):
    data = ical.build_calendar(calendar_events, name="Calendar")

    answer = vevents(parse(data))["Answer to the complaint"]
    # 21 days after Monday 2 March: Monday 23 March.
    assert answer["DTSTART"].dt == datetime.date(2026, 3, 23)
    assert answer["DTEND"].dt == datetime.date(2026, 3, 24)
    assert b"DTSTART;VALUE=DATE:20260323\r\n" in data
    assert b"DTEND;VALUE=DATE:20260324\r\n" in data
    assert str(answer["TRANSP"]) == "TRANSPARENT"
    # The exact cutoff travels with it, in the court's time.
    assert "Last moment to file: 2026-03-23 23:59 America/Los_Angeles" in str(
        answer["DESCRIPTION"]
    )


def test_each_reminder_is_a_display_alarm_before_the_start(calendar_events):
    cal = parse(ical.build_calendar(calendar_events, name="Calendar"))

    alarms = vevents(cal)["Witness interview"].walk("VALARM")
    assert sorted(a["TRIGGER"].dt for a in alarms) == [
        -datetime.timedelta(minutes=60),
        -datetime.timedelta(minutes=15),
    ]
    assert {str(a["ACTION"]) for a in alarms} == {"DISPLAY"}
    assert all(str(a["DESCRIPTION"]) for a in alarms)


def test_an_update_keeps_the_uid_and_raises_the_sequence(scope, attorney):
    event = create(scope, attorney, start=datetime.datetime(2026, 3, 10, 9, 0))
    before = parse(ical.build_calendar([event], name="Calendar")).walk("VEVENT")[0]

    event = services.event_update(
        scope=scope,
        event=event,
        data=services.EventData(
            kind=Event.Kind.APPOINTMENT,
            title="Meeting with Ms Lopez",
            start=datetime.datetime(2026, 3, 11, 9, 0),
        ),
        actor=attorney,
        revision=event.revision,
    )
    after = parse(ical.build_calendar([event], name="Calendar")).walk("VEVENT")[0]

    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["DTSTART"].dt.day == 11


def test_vacated_hearing_is_cancelled_and_rings_no_more(
    scope, attorney, calendar_events
):
    _, hearing, _ = calendar_events
    hearing = services.event_set_status(
        scope=scope,
        event=hearing,
        status=Event.Status.CANCELLED,
        actor=attorney,
        revision=hearing.revision,
    )

    vacated = vevents(parse(ical.build_calendar([hearing], name="Calendar")))[
        "Motion hearing"
    ]
    assert str(vacated["STATUS"]) == "CANCELLED"
    assert vacated.walk("VALARM") == []


def test_lines_end_in_crlf_and_are_folded_at_75_octets(scope, attorney):
    event = create(
        scope,
        attorney,
        title="Prepare " + "the exhibit binder and " * 8,
        description="Bring the originals.\nAsk for the courtroom deputy.",
        start=datetime.datetime(2026, 3, 10, 9, 0),
    )

    data = ical.build_calendar([event], name="Calendar")

    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert max(len(line) for line in data.split(b"\r\n")) <= 75


def test_commas_semicolons_and_backslashes_in_a_title_survive_a_round_trip(
    scope, attorney
):
    title = r"Smith, Jones; Doe v. Acme, Inc. \ deposition"
    event = create(
        scope,
        attorney,
        title=title,
        location="Room 4; 2nd floor, 450 Golden Gate Ave",
        start=datetime.datetime(2026, 3, 10, 9, 0),
    )

    data = ical.build_calendar([event], name="Calendar")

    assert b"Smith\\, Jones\\; Doe" in data
    (vevent,) = parse(data).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title
    assert str(vevent["LOCATION"]) == "Room 4; 2nd floor, 450 Golden Gate Ave"


# --- In -------------------------------------------------------------------------------

CHICAGO = "America/Chicago"


def vevent(uid, summary, start, end=None, *, sequence=0, status=None, alarm=None):
    item = icalendar.Event()
    item.add("uid", uid)
    item.add("dtstamp", utc(2026, 2, 1, 12, 0))
    item.add("sequence", sequence)
    item.add("summary", summary)
    item.add("dtstart", start)
    if end is not None:
        item.add("dtend", end)
    if status:
        item.add("status", status)
    if alarm is not None:
        valarm = icalendar.Alarm()
        valarm.add("action", "DISPLAY")
        valarm.add("description", "Reminder")
        valarm.add("trigger", -datetime.timedelta(minutes=alarm))
        item.add_component(valarm)
    return item


def ics(*items) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Opposing Counsel LLP//Outlook//EN")
    cal.add("version", "2.0")
    for item in items:
        cal.add_component(item)
    cal.add_missing_timezones()
    return cal.to_ical()


def exported_file(*, interview_sequence=0, interview_start=None):
    return ics(
        # Floating: 09:00 wherever you are; read in the firm's zone (New York).
        vevent(
            "floating@example.com",
            "Call with the expert",
            datetime.datetime(2026, 3, 10, 9, 0),
            datetime.datetime(2026, 3, 10, 9, 45),
        ),
        # UTC: 15:00Z is 10:00 in New York on 11 March (EDT).
        vevent(
            "utc@example.com",
            "Mediation session",
            utc(2026, 3, 11, 15, 0),
            utc(2026, 3, 11, 17, 0),
            alarm=30,
        ),
        vevent(
            "tzid@example.com",
            "Witness interview",
            interview_start
            or datetime.datetime(2026, 3, 12, 9, 0, tzinfo=ZoneInfo(CHICAGO)),
            sequence=interview_sequence,
        ),
        vevent(
            "allday@example.com",
            "Expert reports deadline",
            datetime.date(2026, 3, 13),
            datetime.date(2026, 3, 14),
        ),
        vevent(
            "cancelled@example.com",
            "Hearing on the motion to compel",
            utc(2026, 3, 16, 17, 0),
            status="CANCELLED",
        ),
    )


def imported(firm, matter) -> dict:
    return {
        e.ical_uid: e
        for e in Event.objects.for_firm(firm).filter(matter=matter).order_by("start")
    }


def run_import(scope, actor, matter, data):
    return services.ics_import(scope=scope, actor=actor, matter=matter, data=data)


def test_import_creates_events_in_the_matter_with_their_zones_and_reminders(
    scope, attorney, firm, matter
):
    result = run_import(scope, attorney, matter, exported_file())

    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    events = imported(firm, matter)
    floating = events["floating@example.com"]
    assert (floating.time_zone, floating.start, floating.end) == (
        "America/New_York",
        utc(2026, 3, 10, 13, 0),  # 09:00 EDT
        utc(2026, 3, 10, 13, 45),
    )
    mediation = events["utc@example.com"]
    assert mediation.start == utc(2026, 3, 11, 15, 0)
    # A UTC time names an instant, not a place: shown in the firm's zone.
    assert mediation.time_zone == "America/New_York"
    interview = events["tzid@example.com"]
    assert (interview.time_zone, interview.start) == (CHICAGO, utc(2026, 3, 12, 14, 0))
    assert interview.end - interview.start == datetime.timedelta(hours=1)
    reports = events["allday@example.com"]
    assert reports.all_day
    assert (reports.start_date, reports.end_date) == (
        datetime.date(2026, 3, 13),
        datetime.date(2026, 3, 13),
    )
    hearing = events["cancelled@example.com"]
    assert (hearing.kind, hearing.status) == (
        Event.Kind.HEARING,
        Event.Status.CANCELLED,
    )
    assert all(
        e.owner == attorney and e.created_by == attorney for e in events.values()
    )
    assert mediation.reminder_minutes == [30]
    reminders = Reminder.objects.for_firm(firm).filter(event__matter=matter)
    assert [(r.event, r.user, r.fire_at) for r in reminders] == [
        (mediation, attorney, utc(2026, 3, 11, 14, 30))
    ]


def test_importing_the_same_file_again_duplicates_nothing(
    scope, attorney, firm, matter
):
    data = exported_file()
    run_import(scope, attorney, matter, data)
    first = {
        uid: (e.pk, e.title, e.start, e.end, e.time_zone, e.status)
        for uid, e in imported(firm, matter).items()
    }

    result = run_import(scope, attorney, matter, data)

    assert result.created == 0
    again = {
        uid: (e.pk, e.title, e.start, e.end, e.time_zone, e.status)
        for uid, e in imported(firm, matter).items()
    }
    assert again == first
    assert Event.objects.for_firm(firm).count() == 5
    assert Reminder.objects.for_firm(firm).count() == 1


def test_newer_sequence_in_the_file_updates_the_event(scope, attorney, firm, matter):
    run_import(scope, attorney, matter, exported_file())
    interview = imported(firm, matter)["tzid@example.com"]

    result = run_import(
        scope,
        attorney,
        matter,
        exported_file(
            interview_sequence=3,
            interview_start=datetime.datetime(
                2026, 3, 19, 9, 0, tzinfo=ZoneInfo(CHICAGO)
            ),
        ),
    )

    assert result.created == 0
    moved = imported(firm, matter)["tzid@example.com"]
    assert moved.pk == interview.pk
    assert moved.start == utc(2026, 3, 19, 14, 0)
    assert moved.sequence >= 3
    assert Event.objects.for_firm(firm).count() == 5


def test_another_firm_importing_the_same_file_gets_its_own_events(
    scope, attorney, firm, matter, other_firm, other_matter, outsider
):
    data = exported_file()
    run_import(scope, attorney, matter, data)

    result = run_import(
        resolve_scope(outsider, other_firm), outsider, other_matter, data
    )

    assert result.created == 5
    assert Event.objects.for_firm(firm).count() == 5
    assert Event.objects.for_firm(other_firm).count() == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02 not a calendar", "Export the calendar again as .ics"),
        (
            b"Subject,Start\r\nHearing,03/10/2026\r\n",
            "Export the calendar again as .ics",
        ),
        (b"", "Export the calendar again as .ics"),
        (
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n",
            "The file holds no events.",
        ),
        (
            b"BEGIN:VCALENDAR\r\n" + b" " * (5 * 1024 * 1024),
            "larger than 5 MB. Export a shorter date range",
        ),
    ],
    ids=["garbage", "csv", "empty-file", "empty-calendar", "oversize"],
)
def test_file_we_cannot_import_is_refused_with_what_to_do(
    scope, attorney, firm, matter, data, message
):
    with pytest.raises(ical.ImportProblem) as refused:
        run_import(scope, attorney, matter, data)

    assert message in str(refused.value)
    assert not Event.objects.for_firm(firm).exists()
