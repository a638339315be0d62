"""The scheduling pages as their users meet them: the event form (zones, double
bookings, mistakes), an event's page (times in the viewer's zone, done,
cancelled, two tabs), computed deadlines (preview, save, a new trigger date),
calendar feed addresses and the secret feed itself, and .ics import.

The clock is frozen at Wednesday 10 June 2026, noon in New York (EDT, UTC-4;
Chicago CDT, UTC-5; Los Angeles PDT, UTC-7). Friday 3 July 2026 is the observed
Independence Day (4 July is a Saturday).
"""

import datetime
import re

import icalendar
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.engagements import services as engagements
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import StaffProfile
from firmdesk.scheduling import services
from firmdesk.scheduling.models import CalendarFeed, Court, DeadlineRule, Event
from tests import factories as f

UTC = datetime.UTC
NOW = datetime.datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
NY = "America/New_York"


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def nysd(db):
    """Southern District of New York: America/New_York, loaded by migration."""
    return Court.objects.get(code="nysd")


@pytest.fixture
def answer_rule(db):
    """21 days after service of the summons and complaint."""
    return DeadlineRule.objects.get(code="frcp-12a1Ai-answer")


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def signed_in(user) -> Client:
    return f.sign_in(Client(), user)


def body(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def form_data(owner, **fields) -> dict:
    """What the event form posts: wall-clock times as a datetime-local sends them."""
    return {
        "kind": "appointment",
        "title": "Meeting with Ms Lopez",
        "matter": "",
        "court": "",
        "start": "2026-06-15T09:30",
        "end": "2026-06-15T10:30",
        "time_zone": NY,
        "location": "",
        "video_url": "",
        "owner": str(owner.public_id),
        "reminders": ["60"],
        "description": "",
        "revision": "",
        "confirm_clash": "",
        **fields,
    }


def add_event(firm, user, title, start, *, minutes=60, zone=NY, **fields) -> Event:
    """An event at the naive wall-clock ``start`` in ``zone``, set by ``user``
    and theirs unless said."""
    fields.setdefault("kind", Event.Kind.APPOINTMENT)
    fields.setdefault("owner", user)
    return services.event_create(
        scope=resolve_scope(user, firm),
        actor=user,
        data=services.EventData(
            title=title,
            start=start,
            end=start + datetime.timedelta(minutes=minutes),
            time_zone=zone,
            **fields,
        ),
    )


def add_deadline(scope, matter, court, rule, trigger, **fields) -> Event:
    return services.deadline_create(
        scope=scope,
        actor=scope.user,
        matter=matter,
        court=court,
        rule=rule,
        trigger_date=trigger,
        **fields,
    )


def new_event_url(firm):
    return reverse("scheduling:event_new", args=[firm.slug])


def event_url(event, name="scheduling:event_detail"):
    return reverse(name, args=[event.firm.slug, event.public_id])


def feed_path(feed) -> str:
    return reverse("scheduling:calendar_feed", kwargs={"token": feed.token})


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return icalendar.Calendar.from_ical(response.content)


def summaries(calendar) -> set[str]:
    return {str(item["SUMMARY"]) for item in calendar.walk("VEVENT")}


# --- Creating an event ----------------------------------------------------------------


def test_new_event_is_stored_at_the_instant_its_wall_time_means_in_the_chosen_zone(
    firm, matter, attorney, assistant
):
    client = signed_in(attorney)
    assert client.get(new_event_url(firm)).status_code == 200

    response = client.post(
        new_event_url(firm),
        form_data(
            attorney,
            title="Call with the client",
            matter=str(matter.public_id),
            start="2026-06-15T09:30",
            end="2026-06-15T10:45",
            time_zone="America/Los_Angeles",
            attendees=[str(assistant.public_id)],
            reminders=["60", "1440"],
            location="By phone",
        ),
    )

    event = Event.objects.for_firm(firm).get()
    assert response.status_code == 302
    assert response["Location"] == event_url(event)
    assert event.start == utc(2026, 6, 15, 16, 30)  # 09:30 PDT
    assert event.end == utc(2026, 6, 15, 17, 45)
    assert event.time_zone == "America/Los_Angeles"
    assert (event.matter, event.owner, event.created_by) == (matter, attorney, attorney)
    assert event.reminder_minutes == [1440, 60]
    assert [a.user for a in event.attendees.all()] == [assistant]
    assert "Scheduled “Call with the client”." in messages_of(
        client.get(event_url(event))
    )


def test_hearing_before_a_court_takes_the_courts_zone_whatever_zone_is_chosen(
    firm, matter, attorney, nysd
):
    client = signed_in(attorney)

    client.post(
        new_event_url(firm),
        form_data(
            attorney,
            kind="hearing",
            title="Hearing on the motion to dismiss",
            matter=str(matter.public_id),
            court=str(nysd.pk),
            time_zone="America/Chicago",
        ),
    )

    event = Event.objects.for_firm(firm).get()
    assert event.court == nysd
    assert event.time_zone == NY
    assert event.start == utc(2026, 6, 15, 13, 30)  # 09:30 EDT, not 09:30 CDT


def test_double_booking_warns_keeps_what_was_typed_and_saves_on_the_second_post(
    firm, attorney
):
    add_event(
        firm,
        attorney,
        "Deposition of Dr. Kim",
        datetime.datetime(2026, 6, 15, 10, 0),
        minutes=120,
    )
    client = signed_in(attorney)
    typed = form_data(
        attorney,
        title="Call with opposing counsel",
        start="2026-06-15T11:00",
        end="2026-06-15T11:30",
        location="Room 4B",
        description="Bring the exhibit list.",
        reminders=["10"],
    )

    warned = client.post(new_event_url(firm), typed)

    assert warned.status_code == 200
    page = body(warned)
    assert "Double booking" in page
    assert (
        "Owen Ortiz is already booked: Deposition of Dr. Kim, "
        "Mon, Jun 15, 2026, 10:00 AM EDT" in page
    )
    assert "Save anyway" in page
    assert 'value="Call with opposing counsel"' in page
    assert 'value="2026-06-15T11:00"' in page and 'value="2026-06-15T11:30"' in page
    assert 'value="Room 4B"' in page and "Bring the exhibit list." in page
    assert re.search(r'value="10"[^>]*checked', page)
    assert Event.objects.for_firm(firm).count() == 1

    # The page carries the confirmation of these times and people: moved to
    # another clashing time, the warning comes back; posted as it is, it saves.
    confirm = re.search(r'<input[^>]*name="confirm_clash"[^>]*>', page).group(0)
    agreed = re.search(r'value="([0-9a-f]{32})"', confirm).group(1)
    moved = client.post(
        new_event_url(firm),
        {
            **typed,
            "start": "2026-06-15T10:15",
            "end": "2026-06-15T10:45",
            "confirm_clash": agreed,
        },
    )
    assert moved.status_code == 200 and "Double booking" in body(moved)
    assert Event.objects.for_firm(firm).count() == 1
    saved = client.post(new_event_url(firm), {**typed, "confirm_clash": agreed})

    assert saved.status_code == 302
    assert (
        Event.objects.for_firm(firm).filter(title="Call with opposing counsel").exists()
    )


def test_the_form_shows_no_stray_labels_for_its_hidden_fields(firm, attorney):
    page = body(signed_in(attorney).get(new_event_url(firm)))

    assert 'type="hidden" name="revision"' in page
    assert ">Revision</label>" not in page and ">Confirm clash</label>" not in page


@pytest.mark.parametrize(
    ("change", "message", "kept"),
    [
        pytest.param(
            {"start": "2026-06-15T11:00", "end": "2026-06-15T10:00"},
            "The event ends before it starts.",
            'value="Meeting with Ms Lopez"',
            id="end-before-start",
        ),
        pytest.param(
            {"title": "", "location": "Room 4B"},
            "Fill in “Title”.",
            'value="2026-06-15T09:30"',
            id="no-title",
        ),
        pytest.param(
            {"start": "", "end": ""},
            "Give the date and time it starts.",
            'value="Meeting with Ms Lopez"',
            id="no-start",
        ),
        pytest.param(
            {"start": "next Tuesday"},
            "Enter a date and a time",
            'value="next Tuesday"',
            id="not-a-time",
        ),
    ],
)
def test_a_mistake_is_explained_next_to_the_form_and_nothing_typed_is_lost(
    firm, attorney, change, message, kept
):
    response = signed_in(attorney).post(
        new_event_url(firm), form_data(attorney, **change)
    )

    assert response.status_code == 200
    page = body(response)
    assert escape(message) in page
    assert kept in page
    assert not Event.objects.for_firm(firm).exists()


def test_a_time_typed_the_way_the_error_message_suggests_is_accepted(firm, attorney):
    """The message for a time it cannot read gives 03/16/2027 9:30 AM as the
    example, for browsers that show a plain text box."""
    response = signed_in(attorney).post(
        new_event_url(firm),
        form_data(attorney, start="06/15/2026 9:30 AM", end="06/15/2026 10:00 AM"),
    )

    assert response.status_code == 302
    assert Event.objects.for_firm(firm).get().start == utc(2026, 6, 15, 13, 30)


def test_assistant_whose_engagement_has_no_scheduling_cannot_open_the_pages(
    firm, provider, engagement, matter
):
    clerk = f.member(provider, ["assistant"], email="docs@northstar.test")
    f.assign(engagement, clerk, functions=("documents",))
    f.grant(engagement, matter, clerk)
    client = signed_in(clerk)

    assert client.get(new_event_url(firm)).status_code == 404
    assert client.post(new_event_url(firm), form_data(clerk)).status_code == 404
    assert (
        client.get(reverse("scheduling:deadline_new", args=[firm.slug])).status_code
        == 404
    )
    import_url = reverse("scheduling:event_import", args=[firm.slug, matter.public_id])
    assert client.get(import_url).status_code == 404
    assert not Event.objects.for_firm(firm).exists()


def test_assistant_whose_engagement_includes_scheduling_schedules_for_an_attorney(
    firm, matter, attorney, assistant
):
    client = signed_in(assistant)

    response = client.post(
        new_event_url(firm),
        form_data(attorney, title="Client call", matter=str(matter.public_id)),
    )

    assert response.status_code == 302
    event = Event.objects.for_firm(firm).get()
    assert (event.owner, event.created_by) == (attorney, assistant)


# --- An event's page ------------------------------------------------------------------


@pytest.fixture
def hearing(firm, matter, attorney, nysd):
    """Monday 15 June 2026, 09:30 to 10:30 in New York (court time)."""
    return add_event(
        firm,
        attorney,
        "Hearing on the motion to dismiss",
        datetime.datetime(2026, 6, 15, 9, 30),
        kind=Event.Kind.HEARING,
        matter=matter,
        court=nysd,
        reminder_minutes=[1440, 60],
        description="Courtroom 11A.\nBring the binder.",
    )


def test_event_page_shows_the_viewers_time_and_the_courts_time_beside_it(
    attorney, hearing
):
    attorney.time_zone = "America/Chicago"
    attorney.save()

    page = body(signed_in(attorney).get(event_url(hearing)))

    assert (
        "Mon, Jun 15, 2026, 8:30 AM – 9:30 AM CDT</strong> (America/Chicago, your time)"
        in page
    )
    assert (
        "Mon, Jun 15, 2026, 9:30 AM – 10:30 AM EDT (America/New_York, court time)"
        in (page)
    )
    assert "Courtroom 11A.<br>Bring the binder." in page
    assert "1 day before, 1 hour before" in page


def test_event_page_in_the_events_own_zone_shows_the_time_once(firm_staff, hearing):
    page = body(signed_in(firm_staff).get(event_url(hearing)))

    assert "9:30 AM – 10:30 AM EDT</strong> (America/New_York, your time)" in page
    assert "court time" not in page


def test_an_outsider_gets_404_for_the_event_and_its_actions(outsider, hearing):
    client = signed_in(outsider)

    assert client.get(event_url(hearing)).status_code == 404
    assert client.get(event_url(hearing, "scheduling:event_edit")).status_code == 404
    cancel = {"status": "cancelled", "revision": hearing.revision}
    assert (
        client.post(event_url(hearing, "scheduling:event_status"), cancel).status_code
        == 404
    )
    hearing.refresh_from_db()
    assert hearing.status == Event.Status.SCHEDULED


def test_cancelling_a_hearing_vacates_it_and_drops_its_reminders(attorney, hearing):
    client = signed_in(attorney)
    assert "Vacated: cancel it" in body(client.get(event_url(hearing)))
    assert hearing.reminders.count() == 2

    response = client.post(
        event_url(hearing, "scheduling:event_status"),
        {"status": "cancelled", "revision": hearing.revision},
        follow=True,
    )

    hearing.refresh_from_db()
    assert hearing.status == Event.Status.CANCELLED
    assert hearing.sequence == 1
    assert not hearing.reminders.exists()
    assert "“Hearing on the motion to dismiss” is now cancelled." in messages_of(
        response
    )
    assert "Put it back on the calendar" in body(response)


def test_an_edit_from_a_second_tab_is_refused_and_overwrites_nothing(
    attorney, firm_staff, hearing, nysd
):
    first, second = signed_in(attorney), signed_in(firm_staff)
    edit = event_url(hearing, "scheduling:event_edit")
    for client in (first, second):
        assert 'name="revision" value="1"' in body(client.get(edit))
    typed = form_data(
        attorney,
        kind="hearing",
        matter=str(hearing.matter.public_id),
        court=str(nysd.pk),
        revision="1",
    )

    saved = first.post(
        edit,
        {
            **typed,
            "title": "Hearing (moved to 2 PM)",
            "start": "2026-06-15T14:00",
            "end": "2026-06-15T15:00",
        },
    )
    assert saved.status_code == 302
    stale = second.post(edit, {**typed, "title": "Hearing (adjourned)"})

    # Told, nothing overwritten, and what they typed is still on the form.
    assert stale.status_code == 200
    assert "Someone else changed this event while you were editing it." in body(stale)
    assert 'value="Hearing (adjourned)"' in body(stale)
    hearing.refresh_from_db()
    assert hearing.title == "Hearing (moved to 2 PM)"
    assert hearing.start == utc(2026, 6, 15, 18, 0)
    assert hearing.revision == 2
    # A status change from a page loaded before the edit is refused too.
    second.post(
        event_url(hearing, "scheduling:event_status"),
        {"status": "cancelled", "revision": "1"},
    )
    hearing.refresh_from_db()
    assert hearing.status == Event.Status.SCHEDULED


# --- Computed deadlines ---------------------------------------------------------------


def deadline_post(owner, matter, court, rule, **fields) -> dict:
    return {
        "matter": str(matter.public_id),
        "court": str(court.pk),
        "rule": str(rule.pk) if rule else "",
        "custom_offset": "",
        "custom_unit": "days",
        "custom_direction": "after",
        "custom_citation": "",
        "trigger_date": "2026-06-12",
        "trigger_event": "",
        "service": "personal",
        "title": "",
        "owner": str(owner.public_id),
        **fields,
    }


def test_deadline_preview_shows_the_derivation_and_saves_nothing(
    firm, matter, attorney, nysd, answer_rule
):
    client = signed_in(attorney)
    url = reverse("scheduling:deadline_new", args=[firm.slug])
    assert client.get(url, {"matter": matter.public_id}).status_code == 200

    response = client.post(
        url, {**deadline_post(attorney, matter, nysd, answer_rule), "action": "preview"}
    )

    page = body(response)
    assert response.status_code == 200
    assert "Due Mon, Jul 6, 2026" in page
    assert "The trigger is Friday 12 June 2026" in page
    assert "Independence Day (observed)" in page
    assert "FRCP 6(a)(4)" in page
    assert "Nothing is saved yet" in page
    assert 'value="2026-06-12"' in page  # the form stays filled in
    assert not Event.objects.for_firm(firm).exists()
    assert not AuditEvent.objects.filter(action="event.deadline").exists()


def test_an_hour_period_preview_shows_the_time_in_the_courts_zone(
    firm, matter, attorney, nysd
):
    attorney.time_zone = "America/Chicago"
    attorney.save()

    response = signed_in(attorney).post(
        reverse("scheduling:deadline_new", args=[firm.slug]),
        {
            **deadline_post(attorney, matter, nysd, None),
            "custom_offset": "24",
            "custom_unit": "hours",
            "custom_citation": "Order of 11 June 2026",
            "action": "preview",
        },
    )

    page = body(response)
    # Friday midnight + 24 hours is Saturday midnight: on to Monday, same time.
    assert "Due Mon, Jun 15, 2026, 12:00 AM EDT (America/New_York, court time)" in page
    assert "6(a)(2)(C)" in page
    assert not Event.objects.for_firm(firm).exists()


def test_saving_a_deadline_keeps_its_derivation(
    firm, matter, attorney, nysd, answer_rule
):
    attorney.time_zone = "America/Chicago"
    attorney.save()
    client = signed_in(attorney)

    response = client.post(
        reverse("scheduling:deadline_new", args=[firm.slug]),
        {**deadline_post(attorney, matter, nysd, answer_rule), "action": "save"},
        follow=True,
    )

    deadline = Event.objects.for_firm(firm).get()
    assert deadline.kind == Event.Kind.FILING_DEADLINE
    assert (deadline.rule, deadline.matter, deadline.court) == (
        answer_rule,
        matter,
        nysd,
    )
    assert deadline.start_date == datetime.date(2026, 7, 6)
    assert deadline.trigger_date == datetime.date(2026, 6, 12)
    assert deadline.last_moment == utc(2026, 7, 7, 3, 59, 59)  # midnight EDT
    assert [s["rule"] for s in deadline.derivation][:2] == ["6(a)(1)(A)", "6(a)(1)(B)"]
    assert "“Answer to the complaint” is due Mon, Jul 6, 2026." in messages_of(response)
    page = body(response)
    assert "How this deadline was computed" in page
    assert "Independence Day (observed)" in page
    assert (
        "Last moment to file electronically: Mon, Jul 6, 2026, 11:59 PM EDT "
        "(America/New_York, court time); that is Mon, Jul 6, 2026, 10:59 PM CDT "
        "your time (America/Chicago)"
    ) in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"rule": "999999"},
            "Select a valid choice.",
            id="unknown-rule",
        ),
        pytest.param(
            {"rule": ""},
            "Choose a rule, or give the period a court order or local rule set.",
            id="no-rule",
        ),
        pytest.param(
            {"trigger_date": "2026-13-45"},
            "Enter a valid date.",
            id="bad-trigger-date",
        ),
        pytest.param(
            {"trigger_date": ""},
            "Give the trigger date, or choose the event the period counts from.",
            id="no-trigger",
        ),
        pytest.param(
            {"trigger_event": "not-an-event"},
            "Select a valid choice.",
            id="unknown-trigger-event",
        ),
        pytest.param(
            {"rule": "", "custom_offset": "5000"},
            "The period must be between 1 and 3660 days.",
            id="period-too-long",
        ),
    ],
)
@pytest.mark.parametrize("action", ["preview", "save"])
def test_a_deadline_that_cannot_be_computed_says_why(
    firm, matter, attorney, nysd, answer_rule, change, message, action
):
    response = signed_in(attorney).post(
        reverse("scheduling:deadline_new", args=[firm.slug]),
        {
            **deadline_post(attorney, matter, nysd, answer_rule),
            **change,
            "action": action,
        },
    )

    assert response.status_code == 200
    assert escape(message) in body(response)
    assert "Nothing is saved yet" not in body(response)
    assert not Event.objects.for_firm(firm).exists()


def test_a_new_trigger_date_recomputes_the_deadline_and_tells_its_owner(
    firm,
    matter,
    attorney,
    firm_staff,
    nysd,
    answer_rule,
    django_capture_on_commit_callbacks,
):
    deadline = add_deadline(
        resolve_scope(firm_staff, firm),
        matter,
        nysd,
        answer_rule,
        datetime.date(2026, 6, 12),
        owner=attorney,
    )
    client = signed_in(firm_staff)
    before = list(deadline.derivation)
    assert "Trigger date changed?" in body(client.get(event_url(deadline)))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            event_url(deadline, "scheduling:deadline_trigger"),
            {"trigger_date": "2026-06-22", "revision": deadline.revision},
            follow=True,
        )

    deadline.refresh_from_db()
    assert deadline.trigger_date == datetime.date(2026, 6, 22)
    assert deadline.start_date == datetime.date(2026, 7, 13)
    assert deadline.derivation != before
    assert "Recomputed from the new trigger date" in " ".join(messages_of(response))
    assert "The trigger is Monday 22 June 2026" in body(response)
    note = Notification.objects.get(kind="deadline_moved")
    assert note.user == attorney
    assert "now due Mon, Jul 13, 2026" in note.body
    assert note.url == event_url(deadline)


def test_a_trigger_date_that_is_not_a_date_changes_nothing(
    firm, matter, attorney, nysd, answer_rule
):
    deadline = add_deadline(
        resolve_scope(attorney, firm),
        matter,
        nysd,
        answer_rule,
        datetime.date(2026, 6, 12),
    )

    response = signed_in(attorney).post(
        event_url(deadline, "scheduling:deadline_trigger"),
        {"trigger_date": "soon", "revision": deadline.revision},
        follow=True,
    )

    assert "Enter the new trigger date as a date." in messages_of(response)
    deadline.refresh_from_db()
    assert deadline.trigger_date == datetime.date(2026, 6, 12)


def test_marking_a_deadline_done_needs_the_confirmation_box(
    firm, matter, attorney, nysd, answer_rule
):
    deadline = add_deadline(
        resolve_scope(attorney, firm),
        matter,
        nysd,
        answer_rule,
        datetime.date(2026, 6, 12),
    )
    client = signed_in(attorney)
    assert "I confirm it was filed or served" in body(client.get(event_url(deadline)))
    done = {"status": "done", "revision": deadline.revision}

    refused = client.post(
        event_url(deadline, "scheduling:event_status"), done, follow=True
    )

    assert (
        "Confirm that the filing or service was made before marking this deadline "
        "done." in messages_of(refused)
    )
    deadline.refresh_from_db()
    assert deadline.status == Event.Status.SCHEDULED

    accepted = client.post(
        event_url(deadline, "scheduling:event_status"),
        {**done, "confirm": "on"},
        follow=True,
    )

    assert "“Answer to the complaint” is now done." in messages_of(accepted)
    deadline.refresh_from_db()
    assert deadline.status == Event.Status.DONE
    assert deadline.completed_by == attorney


def test_matter_page_lists_its_deadlines_with_their_derivations(
    firm, matter, attorney, nysd, answer_rule
):
    deadline = add_deadline(
        resolve_scope(attorney, firm),
        matter,
        nysd,
        answer_rule,
        datetime.date(2026, 6, 12),
    )

    page = body(
        signed_in(attorney).get(
            reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
        )
    )

    assert event_url(deadline) in page
    assert "Answer to the complaint</a>: due <strong>Mon, Jul 6, 2026</strong>" in page
    assert "NYSD" in page
    for step in deadline.derivation:
        assert f"FRCP {step['rule']}" in page
        assert escape(step["text"]) in page


# --- Feeds ----------------------------------------------------------------------------


def make_feed(user, firm, matter=None) -> CalendarFeed:
    """Test data, written through ``unscoped`` like the factories'."""
    kind = CalendarFeed.Kind.MATTER if matter else CalendarFeed.Kind.PERSONAL
    return CalendarFeed.unscoped.create(firm=firm, user=user, kind=kind, matter=matter)


def feed_addresses(page: str) -> list[str]:
    return re.findall(r'value="(https?://[^"]+/feeds/[^"]+\.ics)"', page)


def path_of(address: str) -> str:
    return re.sub(r"^https?://[^/]+", "", address)


def test_the_feed_page_makes_a_personal_or_a_matter_feed(firm, matter, attorney):
    client = signed_in(attorney)
    feeds = reverse("scheduling:feed_list", args=[firm.slug])
    assert "No feeds yet." in body(client.get(feeds))

    mine = client.post(feeds, {"matter": ""}, follow=True)
    theirs = client.post(feeds, {"matter": str(matter.public_id)}, follow=True)

    assert "New calendar address made." in " ".join(messages_of(mine))
    personal = CalendarFeed.objects.for_firm(firm).get(matter=None)
    assert (personal.user, personal.kind) == (attorney, "personal")
    assert [path_of(a) for a in feed_addresses(body(mine))] == [feed_path(personal)]
    of_matter = CalendarFeed.objects.for_firm(firm).get(matter=matter)
    assert (of_matter.user, of_matter.kind) == (attorney, "matter")
    assert feed_path(of_matter) in body(theirs)
    assert AuditEvent.objects.filter(action="feed.create").count() == 2
    assert Client().get(feed_path(personal)).status_code == 200


def test_the_feed_page_shows_the_address_and_turns_it_off(firm, attorney):
    feed = make_feed(attorney, firm)
    client = signed_in(attorney)
    feeds = reverse("scheduling:feed_list", args=[firm.slug])

    (address,) = feed_addresses(body(client.get(feeds)))

    assert path_of(address) == feed_path(feed)
    assert Client().get(path_of(address)).status_code == 200

    revoked = client.post(
        reverse("scheduling:feed_revoke", args=[firm.slug, feed.public_id]), follow=True
    )

    assert "That address no longer works." in " ".join(messages_of(revoked))
    assert "Turned off" in body(revoked) and address not in body(revoked)
    feed.refresh_from_db()
    assert feed.revoked_at == NOW
    assert Client().get(path_of(address)).status_code == 404


def test_someone_elses_feed_cannot_be_turned_off(firm, attorney, firm_staff, outsider):
    feed = make_feed(attorney, firm)

    for person in (firm_staff, outsider):
        url = reverse("scheduling:feed_revoke", args=[firm.slug, feed.public_id])
        assert signed_in(person).post(url).status_code == 404
    feed.refresh_from_db()
    assert feed.active


def test_personal_feed_is_an_icalendar_of_the_owners_events_only(
    firm, attorney, firm_staff, hearing
):
    staff_scope = resolve_scope(firm_staff, firm)
    add_event(
        firm,
        firm_staff,
        "Team lunch",
        datetime.datetime(2026, 6, 16, 12, 0),
        attendee_users=(attorney,),
    )
    add_event(firm, firm_staff, "Ida's dentist", datetime.datetime(2026, 6, 16, 15, 0))
    vacated = add_event(
        firm, attorney, "Status conference", datetime.datetime(2026, 6, 17, 10, 0)
    )
    services.event_set_status(
        scope=staff_scope,
        event=vacated,
        status="cancelled",
        actor=firm_staff,
        revision=vacated.revision,
    )
    feed = make_feed(attorney, firm)

    response = Client().get(feed_path(feed))

    calendar = parse(response)
    assert summaries(calendar) == {
        "Hearing on the motion to dismiss",
        "Team lunch",
        "Status conference",
    }
    (item,) = [e for e in calendar.walk("VEVENT") if e["SUMMARY"] == hearing.title]
    assert item["DTSTART"].params["TZID"] == NY
    assert item["DTSTART"].dt == datetime.datetime(
        2026, 6, 15, 9, 30, tzinfo=item["DTSTART"].dt.tzinfo
    )
    assert item["UID"] == hearing.uid
    (cancelled,) = [
        e for e in calendar.walk("VEVENT") if e["SUMMARY"] == "Status conference"
    ]
    assert cancelled["STATUS"] == "CANCELLED"
    assert response["Cache-Control"] == "private, max-age=300"
    feed.refresh_from_db()
    assert feed.last_read_at == NOW


def test_a_feed_reads_in_the_same_number_of_queries_however_many_events(
    firm, matter, attorney, nysd, django_assert_max_num_queries
):
    for day in range(15, 27):
        add_event(
            firm,
            attorney,
            f"Hearing {day}",
            datetime.datetime(2026, 6, day, 9, 30),
            kind=Event.Kind.HEARING,
            matter=matter,
            court=nysd,
            attendee_users=(attorney,),
        )
    feed = make_feed(attorney, firm)

    with django_assert_max_num_queries(14):
        response = Client().get(feed_path(feed))

    assert len(parse(response).walk("VEVENT")) == 12


def test_matter_feed_lists_the_matters_events(
    firm, matter, attorney, firm_staff, hearing
):
    add_event(
        firm, firm_staff, "Unrelated meeting", datetime.datetime(2026, 6, 16, 9, 0)
    )
    feed = make_feed(firm_staff, firm, matter)

    calendar = parse(Client().get(feed_path(feed)))

    assert summaries(calendar) == {"Hearing on the motion to dismiss"}
    assert str(calendar["X-WR-CALNAME"]) == "Hale & Ortiz LLP: M-2026-001"


def _end_engagement(firm, engagement, assistant):
    admin = f.member(firm, ["firm_admin"], email="admin2@hale.test")
    engagements.engagement_end(
        scope=resolve_scope(admin, firm), engagement=engagement, reason="Contract over"
    )


def _mark_left(firm, engagement, assistant):
    StaffProfile.objects.filter(user=assistant).update(status="left")


def _revoke_grant(firm, engagement, assistant):
    admin = f.member(firm, ["firm_admin"], email="admin2@hale.test")
    engagements.matter_grant_revoke(
        scope=resolve_scope(admin, firm), grant=engagement.grants.get(user=assistant)
    )


def _turn_off(firm, engagement, assistant):
    for feed in CalendarFeed.unscoped.filter(user=assistant):
        services.feed_revoke(
            scope=resolve_scope(assistant, firm), actor=assistant, feed=feed
        )


def _close_account(firm, engagement, assistant):
    assistant.is_active = False
    assistant.save()


@pytest.mark.parametrize("with_matter", [False, True], ids=["personal", "matter"])
@pytest.mark.parametrize(
    "lose_access",
    [
        pytest.param(_turn_off, id="revoked"),
        pytest.param(_end_engagement, id="engagement-ended"),
        pytest.param(_mark_left, id="left-the-provider"),
        pytest.param(_close_account, id="account-closed"),
    ],
)
def test_a_feed_stops_answering_once_its_owner_loses_access(
    firm, matter, engagement, assistant, hearing, lose_access, with_matter
):
    feed = make_feed(assistant, firm, matter if with_matter else None)
    if not with_matter:
        services.event_create(
            scope=resolve_scope(assistant, firm),
            actor=assistant,
            data=services.EventData(
                kind="appointment",
                title="Call the clerk",
                start=datetime.datetime(2026, 6, 16, 9, 0),
                owner=assistant,
                matter=matter,
            ),
        )
    assert parse(Client().get(feed_path(feed))).walk("VEVENT")

    lose_access(firm, engagement, assistant)

    assert Client().get(feed_path(feed)).status_code == 404


def test_matter_feed_stops_answering_once_the_matter_is_closed_to_its_owner(
    firm, matter, engagement, assistant, hearing
):
    feed = make_feed(assistant, firm, matter)
    personal = make_feed(assistant, firm)
    assert summaries(parse(Client().get(feed_path(feed)))) == {hearing.title}

    _revoke_grant(firm, engagement, assistant)

    assert Client().get(feed_path(feed)).status_code == 404
    # The person still works for the firm: their own feed answers, without it.
    assert hearing.title not in summaries(parse(Client().get(feed_path(personal))))


@pytest.mark.parametrize(
    "token",
    ["A" * 43, "short", "not-a-token.." + "x" * 30, "x" * 65],
    ids=["unknown", "too-short", "bad-characters", "too-long"],
)
def test_a_made_up_feed_address_is_404(db, token):
    assert Client().get(f"/feeds/{token}.ics").status_code == 404


# --- Import ---------------------------------------------------------------------------

ICS = (
    b"BEGIN:VCALENDAR\r\n"
    b"VERSION:2.0\r\n"
    b"PRODID:-//Clerk//Docket//EN\r\n"
    b"BEGIN:VEVENT\r\n"
    b"UID:hearing-1@clerk.example\r\n"
    b"DTSTAMP:20260601T120000Z\r\n"
    b"DTSTART;TZID=America/Chicago:20260616T093000\r\n"
    b"DTEND;TZID=America/Chicago:20260616T103000\r\n"
    b"SUMMARY:Status hearing\r\n"
    b"LOCATION:Courtroom 2\r\n"
    b"BEGIN:VALARM\r\n"
    b"ACTION:DISPLAY\r\n"
    b"DESCRIPTION:Reminder\r\n"
    b"TRIGGER:-PT30M\r\n"
    b"END:VALARM\r\n"
    b"END:VEVENT\r\n"
    b"BEGIN:VEVENT\r\n"
    b"UID:reply-1@clerk.example\r\n"
    b"DTSTAMP:20260601T120000Z\r\n"
    b"DTSTART;VALUE=DATE:20260619\r\n"
    b"DTEND;VALUE=DATE:20260620\r\n"
    b"SUMMARY:Reply brief due\r\n"
    b"END:VEVENT\r\n"
    b"END:VCALENDAR\r\n"
)


def test_importing_an_ics_file_puts_its_events_in_the_matter(firm, matter, attorney):
    client = signed_in(attorney)
    url = reverse("scheduling:event_import", args=[firm.slug, matter.public_id])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"file": SimpleUploadedFile("docket.ics", ICS, "text/calendar")}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "scheduling:matter_calendar", args=[firm.slug, matter.public_id]
    )
    hearing = Event.objects.for_firm(firm).get(title="Status hearing")
    reply = Event.objects.for_firm(firm).get(title="Reply brief due")
    assert (hearing.matter, reply.matter) == (matter, matter)
    assert hearing.kind == Event.Kind.HEARING
    assert hearing.start == utc(2026, 6, 16, 14, 30)  # 09:30 CDT
    assert hearing.time_zone == "America/Chicago"
    assert hearing.reminder_minutes == [30]
    assert hearing.location == "Courtroom 2"
    assert (reply.all_day, reply.start_date, reply.kind) == (
        True,
        datetime.date(2026, 6, 19),
        Event.Kind.FILING_DEADLINE,
    )

    again = client.post(
        url,
        {"file": SimpleUploadedFile("docket.ics", ICS, "text/calendar")},
        follow=True,
    )

    assert Event.objects.for_firm(firm).count() == 2  # the same UIDs: no copies
    assert "Imported 0 new" in " ".join(messages_of(again))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            b"Subject,Start Date\nHearing,06/16/2026\n",
            "This file is not an iCalendar (.ics) file we can read.",
            id="csv",
        ),
        pytest.param(
            b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n",
            "The file holds no events.",
            id="no-events",
        ),
    ],
)
def test_a_file_that_is_not_a_calendar_is_refused_with_a_message(
    firm, matter, attorney, content, message
):
    response = signed_in(attorney).post(
        reverse("scheduling:event_import", args=[firm.slug, matter.public_id]),
        {"file": SimpleUploadedFile("export.ics", content)},
    )

    assert response.status_code == 200
    assert escape(message) in body(response)
    assert not Event.objects.for_firm(firm).exists()
