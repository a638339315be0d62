"""A hearing across three time zones, in Chromium: an assistant in Manila puts a
hearing before the Southern District of New York on the calendar of an attorney
in Chicago through the real event form; the attorney sees it in Chicago time
with the court's time beside it, and the calendar feed their calendar program
reads carries it in New York time with its zone and its reminders."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from firmdesk.scheduling import reference
from firmdesk.scheduling.models import CalendarFeed, Court, Event

from .conftest import sign_in
from .test_accessibility import Checker

pytestmark = pytest.mark.browser

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
TITLE = "Hearing on the motion to dismiss"


def _nysd() -> Court:
    """Loaded by migration, but live_server tests truncate every table."""
    code, name, jurisdiction, zone = next(
        c for c in reference.FEDERAL_DISTRICT_COURTS if c[0] == "nysd"
    )
    court, _ = Court.objects.get_or_create(
        code=code,
        defaults={"name": name, "jurisdiction": jurisdiction, "time_zone": zone},
    )
    return court


def _clock(moment: datetime.datetime) -> str:
    return moment.strftime("%I:%M %p").lstrip("0")


def _long(moment: datetime.datetime) -> str:
    """As the event page writes it: 'Mon, Jul 6, 2026, 8:30 AM'."""
    return f"{moment:%a, %b} {moment.day}, {moment.year}, {_clock(moment)}"


def test_assistant_schedules_a_hearing_the_attorney_sees_in_chicago_time_and_feeds(
    live_server, new_context, problems, page, firm, attorney, matter, assistant
):
    court = _nysd()
    attorney.time_zone = "America/Chicago"
    attorney.save()
    assistant.time_zone = "Asia/Manila"
    assistant.save()
    day = timezone.now().astimezone(NEW_YORK).date() + datetime.timedelta(days=21)
    court_start = datetime.datetime.combine(day, datetime.time(9, 30), NEW_YORK)
    base, slug = live_server.url, firm.slug
    failures: list[str] = []

    # The assistant, in Manila, types the time on the hearing notice.
    staff = Checker(page, base, failures)
    sign_in(page, base, assistant.email)
    staff.visit(f"/f/{slug}/events/new/?matter={matter.public_id}", heading="New event")
    expect(page.get_by_label("Time zone of these times")).to_have_value("Asia/Manila")
    expect(page.get_by_label("Matter", exact=True)).to_have_value(str(matter.public_id))
    page.get_by_label("What is it?").select_option("hearing")
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Court", exact=True).select_option(label=court.name)
    page.get_by_label("Starts").fill(f"{day}T09:30")
    page.get_by_label("Ends").fill(f"{day}T10:30")
    page.get_by_label("Responsible").select_option(str(attorney.public_id))
    expect(page.get_by_label("1 hour before")).to_be_checked()
    page.get_by_label("1 day before").check()
    page.get_by_label("Notes").fill("Courtroom 11A.\nBring the binder.")
    staff.check("event form, filled in")
    page.get_by_role("button", name="Schedule it").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.get_by_role("status").first).to_contain_text(f"Scheduled “{TITLE}”")

    event = Event.objects.for_firm(firm).get()
    assert event.time_zone == "America/New_York"  # the court's, not Manila
    assert event.start == court_start
    assert (event.owner, event.created_by) == (attorney, assistant)
    assert event.reminder_minutes == [1440, 60]

    # The attorney, in Chicago, sees Chicago time and the court's beside it.
    lawyer_page = problems.watch(new_context().new_page())
    lawyer = Checker(lawyer_page, base, failures)
    sign_in(lawyer_page, base, attorney.email)
    lawyer.visit(f"/f/{slug}/events/{event.public_id}/", heading=TITLE)
    when = lawyer_page.locator("dt", has_text="When").locator("+ dd")
    chicago_start = court_start.astimezone(CHICAGO)
    chicago_end = chicago_start + datetime.timedelta(hours=1)
    expect(when).to_contain_text(
        f"{_long(chicago_start)} – {_clock(chicago_end)} {chicago_end.tzname()} "
        "(America/Chicago, your time)"
    )
    expect(when).to_contain_text(
        f"{_long(court_start)} – 10:30 AM {court_start.tzname()} "
        "(America/New_York, court time)"
    )
    notes = lawyer_page.locator("dt", has_text="Notes").locator("+ dd")
    assert notes.inner_html().strip() == "Courtroom 11A.<br>Bring the binder."

    # Their calendar program reads the feed: the hearing in court time, the
    # zone described, the reminders as alarms.
    lawyer.visit(f"/f/{slug}/calendar/feeds/", heading="Calendar feeds")
    lawyer_page.get_by_role("button", name="Make a new address").click()
    address = lawyer_page.get_by_label("Feed address")
    address.click()
    path = reverse(
        "scheduling:calendar_feed", kwargs={"token": CalendarFeed.unscoped.get().token}
    )
    assert address.input_value().endswith(path)
    response = lawyer_page.request.get(base + path)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.body())

    (hearing,) = calendar.walk("VEVENT")
    assert str(hearing["SUMMARY"]) == TITLE
    start, end = hearing["DTSTART"], hearing["DTEND"]
    assert start.params["TZID"] == "America/New_York"
    assert start.dt.tzinfo.key == "America/New_York"
    assert start.dt.replace(tzinfo=None) == court_start.replace(tzinfo=None)
    assert end.dt.replace(tzinfo=None) == datetime.datetime.combine(
        day, datetime.time(10, 30)
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [
        "America/New_York"
    ]
    alarms = sorted(alarm["TRIGGER"].dt for alarm in hearing.walk("VALARM"))
    assert alarms == [-datetime.timedelta(days=1), -datetime.timedelta(hours=1)]
    assert "Southern District of New York" in str(hearing["DESCRIPTION"])
    assert not failures, (
        f"axe found {len(failures)} serious or critical problems:\n"
        + "\n".join(failures)
    )
