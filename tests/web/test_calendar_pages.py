"""The calendar pages (agenda, day, week, month, and one matter's calendar),
through the pages as their users meet them.

The clock is frozen at Wednesday 10 June 2026, noon in New York (EDT, UTC-4;
Chicago is CDT, UTC-5; Tokyo UTC+9, no daylight saving).
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.conflicts.services import contact_save
from firmdesk.scheduling.models import Court, Event
from firmdesk.scheduling.services import EventData, event_create, event_set_status
from tests import factories as f

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
TODAY = datetime.date(2026, 6, 10)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def scope(attorney, firm):
    return resolve_scope(attorney, firm)


def add(scope, title, start, *, minutes=60, zone="America/New_York", **fields):
    """An event set at the naive wall-clock ``start`` in ``zone``."""
    fields.setdefault("kind", Event.Kind.APPOINTMENT)
    fields.setdefault("owner", scope.user)
    return event_create(
        scope=scope,
        actor=scope.user,
        data=EventData(
            title=title,
            start=start,
            end=start + datetime.timedelta(minutes=minutes),
            time_zone=zone,
            **fields,
        ),
    )


def add_deadline(scope, title, day, **fields):
    fields.setdefault("owner", scope.user)
    return event_create(
        scope=scope,
        actor=scope.user,
        data=EventData(
            kind=Event.Kind.FILING_DEADLINE,
            title=title,
            all_day=True,
            start_date=day,
            **fields,
        ),
    )


def url(firm, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("scheduling:calendar", args=[firm.slug]) + (
        f"?{query}" if query else ""
    )


def matter_url(firm, matter, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    base = reverse("scheduling:matter_calendar", args=[firm.slug, matter.public_id])
    return base + (f"?{query}" if query else "")


def placed(response) -> dict:
    """Day → titles shown on it, in the order shown."""
    return {d.date: [e["title"] for e in d.entries] for d in response.context["days"]}


def titles(response) -> set:
    return {title for day in placed(response).values() for title in day}


def row_of(html: str, text: str) -> str:
    """The table row of the list view that holds ``text``."""
    rows = re.findall(r"<tr[ >].*?</tr>", html, flags=re.DOTALL)
    return next(row for row in rows if text in row)


def as_viewer(client, user, zone="America/New_York"):
    user.time_zone = zone
    user.save(update_fields=["time_zone"])
    f.sign_in(client, user)
    return client


# --- Each view shows the right days -----------------------------------------------


def test_agenda_is_the_default_and_lists_thirty_days_from_today_by_day(
    client, firm, attorney, scope
):
    add(scope, "Call with Ms Lopez", datetime.datetime(2026, 6, 10, 14, 0))
    add(scope, "Prep session", datetime.datetime(2026, 7, 9, 9, 0))
    add(scope, "Too far ahead", datetime.datetime(2026, 7, 10, 9, 0))
    add(scope, "Yesterday's", datetime.datetime(2026, 6, 9, 9, 0))
    response = as_viewer(client, attorney).get(url(firm))
    assert response.status_code == 200
    assert response.context["view"] == "agenda"
    days = placed(response)
    assert min(days) == TODAY and max(days) == datetime.date(2026, 7, 9)
    assert days[TODAY] == ["Call with Ms Lopez"]
    assert days[datetime.date(2026, 7, 9)] == ["Prep session"]
    assert titles(response) == {"Call with Ms Lopez", "Prep session"}
    html = response.content.decode()
    assert "Wed, Jun 10, 2026" in html and "Thu, Jul 9, 2026" in html
    assert html.index("Call with Ms Lopez") < html.index("Prep session")


def test_day_view_lists_the_day_in_time_order_with_all_day_first(
    client, firm, attorney, scope
):
    add(scope, "Afternoon call", datetime.datetime(2026, 6, 12, 15, 0))
    add(scope, "Morning meeting", datetime.datetime(2026, 6, 12, 9, 0))
    add_deadline(scope, "Answer due", datetime.date(2026, 6, 12))
    add(scope, "Next day", datetime.datetime(2026, 6, 13, 9, 0))
    response = as_viewer(client, attorney).get(url(firm, view="day", date="2026-06-12"))
    assert placed(response) == {
        datetime.date(2026, 6, 12): ["Answer due", "Morning meeting", "Afternoon call"]
    }
    assert "Friday, June 12, 2026" in response.content.decode()


def test_week_view_is_seven_columns_from_monday_in_time_order(
    client, firm, attorney, scope
):
    add(scope, "Late", datetime.datetime(2026, 6, 11, 17, 0))
    add(scope, "Early", datetime.datetime(2026, 6, 11, 8, 0))
    add(scope, "Sunday brief", datetime.datetime(2026, 6, 14, 10, 0))
    add(scope, "Next Monday", datetime.datetime(2026, 6, 15, 10, 0))
    response = as_viewer(client, attorney).get(url(firm, view="week", date=TODAY))
    days = placed(response)
    assert list(days) == [datetime.date(2026, 6, 8 + n) for n in range(7)]
    assert days[datetime.date(2026, 6, 11)] == ["Early", "Late"]
    assert days[datetime.date(2026, 6, 14)] == ["Sunday brief"]
    assert "Next Monday" not in titles(response)
    assert response.content.decode().count('class="col-md"') == 7


def test_month_view_is_a_grid_of_whole_weeks_starting_monday(
    client, firm, attorney, scope
):
    add(scope, "First of the month", datetime.datetime(2026, 6, 1, 9, 0))
    add(scope, "Shown in the grid's tail", datetime.datetime(2026, 7, 2, 9, 0))
    add(scope, "Past the grid", datetime.datetime(2026, 7, 6, 9, 0))
    response = as_viewer(client, attorney).get(url(firm, view="month", date=TODAY))
    days = response.context["days"]
    # June 2026 starts on a Monday and ends on a Tuesday: five whole weeks.
    assert days[0].date == datetime.date(2026, 6, 1)
    assert days[-1].date == datetime.date(2026, 7, 5)
    assert len(days) == 35 and all(len(w) == 7 for w in response.context["weeks"])
    assert placed(response)[datetime.date(2026, 6, 1)] == ["First of the month"]
    assert not next(d for d in days if d.date.month == 7).in_month
    assert titles(response) == {"First of the month", "Shown in the grid's tail"}
    html = response.content.decode()
    assert html.count("<tr>") == 1 + 5  # the weekday names, then five weeks
    assert re.search(r"<th scope=\"col\"[^>]*>Mon</th>", html)


# --- Time zones ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day_shown", "day_not_shown"),
    [
        ("America/New_York", "2026-06-10", "2026-06-11"),
        ("America/Los_Angeles", "2026-06-10", "2026-06-11"),
        ("Europe/London", "2026-06-11", "2026-06-10"),
    ],
)
def test_an_event_near_midnight_falls_on_the_viewers_own_day(
    client, firm, attorney, scope, zone, day_shown, day_not_shown
):
    # 23:30 in New York is 20:30 in Los Angeles and 04:30 next day in London.
    add(scope, "Late call", datetime.datetime(2026, 6, 10, 23, 30), minutes=20)
    as_viewer(client, attorney, zone)
    shown = client.get(url(firm, view="day", date=day_shown))
    assert titles(shown) == {"Late call"}
    assert titles(client.get(url(firm, view="day", date=day_not_shown))) == set()
    month = client.get(url(firm, view="month", date="2026-06-10"))
    assert placed(month)[datetime.date.fromisoformat(day_shown)] == ["Late call"]
    assert placed(month)[datetime.date.fromisoformat(day_not_shown)] == []


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Asia/Tokyo", "America/Chicago"])
def test_an_all_day_deadline_is_on_its_date_for_every_viewer(
    client, firm, attorney, scope, zone
):
    add_deadline(scope, "Opposition due", datetime.date(2026, 6, 15))
    as_viewer(client, attorney, zone)
    month = client.get(url(firm, view="month", date="2026-06-10"))
    days = placed(month)
    assert days[datetime.date(2026, 6, 15)] == ["Opposition due"]
    assert [d for d, t in days.items() if t] == [datetime.date(2026, 6, 15)]
    day = client.get(url(firm, view="day", date="2026-06-15")).content.decode()
    row = row_of(day, "Opposition due")
    assert "Filing deadline" in row and ">Due<" in row
    assert "AM" not in row and "PM" not in row


def test_times_are_in_the_viewers_zone_with_the_courts_time_beside_them(
    client, firm, attorney, scope
):
    nysd = Court.objects.get(code="nysd")
    add(
        scope,
        "Status conference",
        datetime.datetime(2026, 6, 16, 10, 30),
        kind=Event.Kind.HEARING,
        court=nysd,
        zone="America/Chicago",  # a court date keeps its court's zone regardless
    )
    add(scope, "Client call", datetime.datetime(2026, 6, 16, 14, 0))
    as_viewer(client, attorney, "America/Chicago")
    for view in ("agenda", "day", "week", "month"):
        html = client.get(url(firm, view=view, date="2026-06-16")).content.decode()
        assert "9:30 AM CDT" in html, view
        assert "10:30 AM EDT (court time)" in html, view
        # Not the court's zone, only the event's own: "New York time".
        assert "1:00 PM CDT" in html and "2:00 PM EDT (New York time)" in html, view
    as_viewer(client, attorney, "America/New_York")
    html = client.get(url(firm, view="day", date="2026-06-16")).content.decode()
    assert "10:30 AM EDT" in html and "court time" not in html


# --- Whose events --------------------------------------------------------------------


@pytest.fixture
def three_calendars(firm, attorney, firm_admin, firm_staff):
    day = datetime.datetime(2026, 6, 11, 9, 0)
    add(resolve_scope(attorney, firm), "Owen's own", day)
    add(
        resolve_scope(firm_admin, firm),
        "Grace's, Owen attends",
        day,
        attendee_users=(attorney,),
    )
    add(resolve_scope(firm_staff, firm), "Ida's", day)


def test_who_me_is_the_default_and_is_what_i_own_or_attend(
    client, firm, attorney, three_calendars
):
    as_viewer(client, attorney)
    expected = {"Owen's own", "Grace's, Owen attends"}
    assert titles(client.get(url(firm))) == expected
    assert titles(client.get(url(firm, who="me"))) == expected


def test_who_me_takes_in_court_dates_of_the_matters_i_answer_for(
    client, firm, attorney, firm_admin, matter
):
    theirs = f.MatterFactory(
        firm=firm, number="M-2026-900", responsible_attorney=firm_admin
    )
    day = datetime.datetime(2026, 6, 11, 9, 0)
    grace = resolve_scope(firm_admin, firm)
    add(grace, "Hearing on Owen's matter", day, matter=matter)
    add(grace, "Hearing on Grace's matter", day, matter=theirs)
    as_viewer(client, attorney)
    assert titles(client.get(url(firm, who="me"))) == {"Hearing on Owen's matter"}


def test_who_team_is_everything_the_scope_sees(client, firm, attorney, three_calendars):
    response = as_viewer(client, attorney).get(url(firm, who="team"))
    assert titles(response) == {"Owen's own", "Grace's, Owen attends", "Ida's"}


def test_who_another_person_shows_their_events(
    client, firm, attorney, firm_staff, three_calendars
):
    response = as_viewer(client, attorney).get(url(firm, who=firm_staff.public_id))
    assert titles(response) == {"Ida's"}
    assert "Ida Lane" in response.content.decode()


def test_who_may_be_staff_assigned_to_the_firms_engagement(
    client, firm, attorney, assistant, matter, scope
):
    add(scope, "Priya's intake call", datetime.datetime(2026, 6, 11, 9), matter=matter)
    Event.objects.for_firm(firm).update(owner=assistant)
    response = as_viewer(client, attorney).get(url(firm, who=assistant.public_id))
    assert titles(response) == {"Priya's intake call"}


@pytest.mark.parametrize("who", ["outsider", "unassigned", "not-a-uuid", "random"])
def test_who_outside_the_firms_people_gets_404(
    client, firm, attorney, outsider, unassigned_assistant, who
):
    value = {
        "outsider": outsider.public_id,
        "unassigned": unassigned_assistant.public_id,
        "not-a-uuid": "not-a-uuid",
        "random": "6f1c1c2e-0c7a-4a53-9a47-2b1d8a0b0c11",
    }[who]
    assert as_viewer(client, attorney).get(url(firm, who=value)).status_code == 404


# --- Access --------------------------------------------------------------------------


def test_assistant_without_a_grant_does_not_see_the_matters_events_on_team_view(
    client, firm, scope, matter, assistant, ungranted_assistant
):
    add(
        scope, "Deposition of Mr Acme", datetime.datetime(2026, 6, 11, 9), matter=matter
    )
    add(scope, "Firm lunch", datetime.datetime(2026, 6, 11, 12))
    assert titles(as_viewer(client, assistant).get(url(firm, who="team"))) == {
        "Deposition of Mr Acme"
    }
    client.logout()
    response = as_viewer(client, ungranted_assistant).get(url(firm, who="team"))
    assert response.status_code == 200
    assert titles(response) == set()
    assert "Deposition of Mr Acme" not in response.content.decode()


def test_matter_calendar_shows_only_that_matters_events(
    client, firm, attorney, scope, matter, firm_staff
):
    other = f.MatterFactory(firm=firm, number="M-2026-002")
    add(
        scope, "Hearing on the motion", datetime.datetime(2026, 6, 11, 9), matter=matter
    )
    add(scope, "Other matter's call", datetime.datetime(2026, 6, 11, 10), matter=other)
    # Someone else's: the matter calendar ignores ``who``.
    add(
        resolve_scope(firm_staff, firm),
        "Ida's filing run",
        datetime.datetime(2026, 6, 12, 9),
        matter=matter,
    )
    response = as_viewer(client, attorney).get(matter_url(firm, matter, who="me"))
    assert response.status_code == 200
    assert titles(response) == {"Hearing on the motion", "Ida's filing run"}
    html = response.content.decode()
    new_event = reverse("scheduling:event_new", args=[firm.slug])
    assert f"{new_event}?date=2026-06-10&amp;matter={matter.public_id}" in html
    assert 'name="who"' not in html


@pytest.mark.parametrize("who", ["ungranted_assistant", "outsider"])
def test_matter_calendar_out_of_scope_gets_404(
    client, firm, matter, other_matter, request, who
):
    user = request.getfixturevalue(who)
    as_viewer(client, user)
    assert client.get(matter_url(firm, matter)).status_code == 404
    # Another firm's matter under this firm's address is no different.
    assert client.get(matter_url(firm, other_matter)).status_code == 404


def test_matter_calendar_of_another_firms_matter_gets_404_for_a_member(
    client, firm, attorney, other_matter
):
    assert (
        as_viewer(client, attorney).get(matter_url(firm, other_matter)).status_code
        == 404
    )


def test_outsider_gets_404_for_the_firms_calendar(client, firm, outsider):
    assert as_viewer(client, outsider).get(url(firm)).status_code == 404


# --- Details of the page -------------------------------------------------------------


def test_cancelled_events_are_hidden_unless_asked_for(client, firm, attorney, scope):
    event = add(scope, "Called-off meeting", datetime.datetime(2026, 6, 11, 9))
    event_set_status(
        scope=scope,
        event=event,
        status=Event.Status.CANCELLED,
        actor=attorney,
        revision=event.revision,
    )
    as_viewer(client, attorney)
    assert titles(client.get(url(firm))) == set()
    response = client.get(url(firm, cancelled=1))
    assert titles(response) == {"Called-off meeting"}
    assert "text-decoration-line-through" in response.content.decode()
    assert ">Cancelled<" in response.content.decode()


def test_each_event_links_to_its_page(client, firm, attorney, scope):
    event = add(scope, "Meeting", datetime.datetime(2026, 6, 11, 9))
    href = reverse("scheduling:event_detail", args=[firm.slug, event.public_id])
    as_viewer(client, attorney)
    for view in ("agenda", "day", "week", "month"):
        response = client.get(url(firm, view=view, date="2026-06-11"))
        assert f'href="{href}"' in response.content.decode(), view


def test_an_invalid_date_shows_today_with_a_notice(client, firm, attorney):
    response = as_viewer(client, attorney).get(url(firm, view="day", date="2026-13-45"))
    assert response.status_code == 200
    assert response.context["date"] == TODAY
    assert "is not a date written as YYYY-MM-DD" in response.content.decode()
    assert not as_viewer(client, attorney).get(url(firm)).context["notice"]


def test_today_is_the_viewers_today(client, firm, attorney, time_machine):
    # 02:00 UTC on 11 June is still 10 June in New York and already 11 June in Tokyo.
    time_machine.move_to(datetime.datetime(2026, 6, 11, 2, 0, tzinfo=UTC), tick=False)
    assert as_viewer(client, attorney).get(url(firm)).context["date"] == TODAY
    response = as_viewer(client, attorney, "Asia/Tokyo").get(url(firm))
    assert response.context["date"] == datetime.date(2026, 6, 11)


def test_previous_next_and_today_keep_the_view_and_who(
    client, firm, attorney, firm_staff
):
    who = firm_staff.public_id
    response = as_viewer(client, attorney).get(
        url(firm, view="month", date="2026-01-31", who=who)
    )
    html = response.content.decode()
    base = reverse("scheduling:calendar", args=[firm.slug])
    # Back from 31 January lands on the last day of December; on to 28 February.
    assert f'href="{base}?view=month&amp;date=2025-12-31&amp;who={who}"' in html
    assert f'href="{base}?view=month&amp;date=2026-02-28&amp;who={who}"' in html
    assert f'href="{base}?view=month&amp;who={who}"' in html
    day = client.get(url(firm, view="day", date="2026-06-10", who="team"))
    html = day.content.decode()
    assert f'href="{base}?view=day&amp;date=2026-06-09&amp;who=team"' in html
    assert f'href="{base}?view=day&amp;date=2026-06-11&amp;who=team"' in html


def test_new_event_and_deadline_links_carry_the_date(client, firm, attorney):
    html = (
        as_viewer(client, attorney).get(url(firm, date="2026-06-20")).content.decode()
    )
    assert (
        f'href="{reverse("scheduling:event_new", args=[firm.slug])}?date=2026-06-20"'
        in html
    )
    assert (
        f'href="{reverse("scheduling:deadline_new", args=[firm.slug])}?date=2026-06-20"'
        in html
    )


def test_htmx_navigation_gets_the_calendar_without_the_layout(client, firm, attorney):
    as_viewer(client, attorney)
    response = client.get(url(firm, view="week"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and 'id="cal-next"' in html


def test_month_view_queries_do_not_grow_with_events(
    client, firm, attorney, firm_staff, scope, matter, django_assert_max_num_queries
):
    nysd = Court.objects.get(code="nysd")
    contact = contact_save(firm=firm, actor=attorney, kind="person", name="Ana Lopez")

    def add_events(n, offset):
        for i in range(n):
            add(
                scope,
                f"Event {offset + i}",
                datetime.datetime(2026, 6, 1 + (offset + i) % 28, 9 + i % 8),
                matter=matter if i % 2 else None,
                court=nysd if i % 3 == 0 else None,
                kind=Event.Kind.HEARING if i % 3 == 0 else Event.Kind.APPOINTMENT,
                attendee_users=(firm_staff,),
                attendee_contacts=(contact,),
            )

    month = url(firm, view="month", date="2026-06-10", who="team")
    as_viewer(client, attorney)
    add_events(3, 0)
    client.get(month)  # the first request stores the session's two-factor check
    with CaptureQueriesContext(connection) as with_3:
        assert titles(client.get(month)) == {"Event 0", "Event 1", "Event 2"}
    add_events(37, 3)
    with django_assert_max_num_queries(len(with_3)):
        response = client.get(month)
    assert len(titles(response)) == 40


def test_agenda_names_who_answers_then_who_attends_and_links_the_matter(
    client, firm, attorney, firm_staff, scope, matter
):
    contact = contact_save(firm=firm, actor=attorney, kind="person", name="Ana Lopez")
    add(
        scope,
        "Prep call",
        datetime.datetime(2026, 6, 11, 9),
        matter=matter,
        # The owner attends too: named once, first.
        attendee_users=(attorney, firm_staff),
        attendee_contacts=(contact,),
    )
    as_viewer(client, attorney)
    html = client.get(url(firm)).content.decode()
    row = html[html.index("Prep call") :]
    row = row[: row.index("</tr>")]
    matter_url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    assert f'<a href="{matter_url}">{escape(matter.number)}</a>' in row
    who = f"{attorney.full_name}, {firm_staff.full_name}, Ana Lopez"
    assert f'<td class="small">{escape(who)}</td>' in row
