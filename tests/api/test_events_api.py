"""Calendar events through the API: a window of the calendar, one event with
its ETag, scheduling, changing under If-Match, cancelling."""

import datetime as dt

import pytest
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.scheduling.models import Event, EventAttendee, Reminder
from tests import factories as f

from .helpers import Api, token_for

HEARING_AT = dt.datetime(2026, 12, 14, 15, 0, tzinfo=dt.UTC)
DECEMBER = {
    "start_after": "2026-12-01T00:00:00-05:00",
    "start_before": "2027-01-01T00:00:00-05:00",
}


def _hearing(firm, matter, owner, *, start=HEARING_AT, title="Motion hearing"):
    return Event.unscoped.create(
        firm=firm,
        matter=matter,
        kind=Event.Kind.HEARING,
        title=title,
        start=start,
        end=start + dt.timedelta(hours=1),
        time_zone="America/New_York",
        owner=owner,
        created_by=owner,
    )


def _list(firm):
    return reverse("api:list_events", kwargs={"firm_slug": firm.slug})


def _one(firm, event, name="api:get_event"):
    return reverse(name, kwargs={"firm_slug": firm.slug, "event_id": event.public_id})


@pytest.fixture
def hearing(firm, matter, attorney):
    return _hearing(firm, matter, attorney)


@pytest.fixture
def api(firm, attorney):
    return Api(token_for(attorney, firm))


def test_the_list_holds_the_window_of_this_firm_in_utc_with_the_zones_named(
    api, firm, matter, attorney, hearing, other_firm, other_matter
):
    _hearing(firm, matter, attorney, start=HEARING_AT + dt.timedelta(days=40))
    _hearing(other_firm, other_matter, None, title="Brandt deposition")
    body = api.get(_list(firm), DECEMBER).json()
    assert [e["title"] for e in body["items"]] == ["Motion hearing"]
    item = body["items"][0]
    assert item["start"] == "2026-12-14T15:00:00Z"
    assert item["time_zone"] == item["firm_time_zone"] == "America/New_York"
    assert item["matter"]["number"] == matter.number


def test_filters_by_kind_and_by_who_attends(
    api, firm, matter, attorney, firm_staff, hearing
):
    consult = _hearing(firm, matter, firm_staff, title="Consultation")
    consult.kind = Event.Kind.CONSULTATION
    consult.save()
    EventAttendee.unscoped.create(firm=firm, event=consult, user=attorney)
    _hearing(firm, matter, firm_staff, title="Staff only")

    def titles(**params):
        body = api.get(_list(firm), {**DECEMBER, **params}).json()
        return sorted(e["title"] for e in body["items"])

    assert titles(kind="consultation") == ["Consultation"]
    assert titles(attendee="me") == ["Consultation", "Motion hearing"]
    assert titles(attendee=str(firm_staff.public_id)) == ["Consultation", "Staff only"]


def test_a_time_without_offset_or_a_too_long_window_is_refused_by_name(api, firm):
    naive = api.get(_list(firm), {"start_after": "2026-12-01T00:00:00"})
    assert naive.status_code == 422
    assert "offset" in naive.json()["message"]
    assert "start_after" in naive.json()["fields"]
    long = api.get(
        _list(firm),
        {"start_after": "2026-01-01T00:00:00Z", "start_before": "2027-06-01T00:00Z"},
    )
    assert long.status_code == 422 and "start_before" in long.json()["fields"]


def test_the_list_costs_the_same_few_queries_for_many_events(
    api, firm, matter, attorney, firm_staff, django_assert_max_num_queries
):
    for n in range(12):
        event = _hearing(
            firm, matter, attorney, start=HEARING_AT + dt.timedelta(hours=n)
        )
        EventAttendee.unscoped.create(firm=firm, event=event, user=firm_staff)
    with django_assert_max_num_queries(14):
        body = api.get(_list(firm), DECEMBER).json()
    assert len(body["items"]) == 12
    assert body["items"][0]["attendees"] == [
        {
            "id": str(firm_staff.public_id),
            "kind": "person",
            "name": firm_staff.full_name,
        }
    ]


def test_provider_staff_without_the_matter_do_not_see_its_hearing(
    firm, hearing, ungranted_assistant
):
    api = Api(token_for(ungranted_assistant, firm))
    assert api.get(_list(firm), DECEMBER).json()["items"] == []
    assert api.get(_one(firm, hearing)).status_code == 404


def test_scheduling_stores_utc_and_a_court_date_takes_the_courts_zone(
    api, firm, matter
):
    response = api.post(
        _list(firm),
        {
            "kind": "hearing",
            "title": "Status conference",
            "start": "2027-03-02T09:30:00-08:00",
            "court": "nysd",
            "matter": str(matter.public_id),
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["start"] == "2027-03-02T17:30:00Z"
    assert body["end"] == "2027-03-02T18:30:00Z"
    assert body["time_zone"] == "America/New_York"  # the court's
    assert response["ETag"].startswith('"')
    event = Event.unscoped.get(public_id=body["id"])
    assert event.start == dt.datetime(2027, 3, 2, 17, 30, tzinfo=dt.UTC)
    assert AuditEvent.objects.filter(org=firm, action="event.create").exists()


def test_scheduling_names_what_to_fix(api, firm, other_matter):
    naive = api.post(
        _list(firm), {"kind": "appointment", "title": "x", "start": "2027-01-05T10:00"}
    )
    assert naive.status_code == 422 and "start" in naive.json()["fields"]
    foreign = api.post(
        _list(firm),
        {
            "kind": "appointment",
            "title": "x",
            "start": "2027-01-05T10:00:00Z",
            "matter": str(other_matter.public_id),
        },
    )
    assert foreign.status_code == 422 and "matter" in foreign.json()["fields"]
    assert "Brandt" not in foreign.content.decode()
    stranger = api.post(
        _list(firm),
        {
            "kind": "appointment",
            "title": "x",
            "start": "2027-01-05T10:00:00Z",
            "owner": str(other_matter.public_id),
        },
    )
    assert stranger.status_code == 422 and "owner" in stranger.json()["fields"]
    assert not Event.unscoped.filter(firm=firm).exists()


def test_a_double_booking_is_refused_until_the_client_allows_it(
    api, firm, attorney, hearing
):
    body = {
        "kind": "appointment",
        "title": "Client lunch",
        "start": "2026-12-14T10:30:00-05:00",
    }
    clash = api.post(_list(firm), body)
    assert clash.status_code == 409
    assert "Owen Ortiz is already booked: Motion hearing" in clash.json()["message"]
    allowed = api.post(_list(firm), {**body, "allow_double_booking": True})
    assert allowed.status_code == 201


def test_a_stale_if_match_gets_412_and_keeps_the_other_change(api, firm, hearing):
    etag = api.get(_one(firm, hearing))["ETag"]
    moved = api.patch(
        _one(firm, hearing, "api:update_event"),
        {"start": "2026-12-15T11:00:00-05:00"},
        {"If-Match": etag},
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["start"] == "2026-12-15T16:00:00Z"
    assert moved.json()["end"] == "2026-12-15T17:00:00Z"  # still an hour long
    stale = api.patch(
        _one(firm, hearing, "api:update_event"),
        {"title": "Lost update"},
        {"If-Match": etag},
    )
    assert stale.status_code == 412
    hearing.refresh_from_db()
    assert hearing.title == "Motion hearing"
    assert hearing.start == dt.datetime(2026, 12, 15, 16, 0, tzinfo=dt.UTC)


def test_moving_an_event_moves_the_deadline_counted_from_it(api, firm, matter, hearing):
    made = api.post(
        reverse("api:create_deadlines", kwargs={"firm_slug": firm.slug}),
        {
            "rule": "frcp-6c2-opposing-affidavit",
            "trigger_event": str(hearing.public_id),
            "matter": str(matter.public_id),
        },
    )
    assert made.status_code == 201, made.json()
    deadline = made.json()["items"][0]
    assert deadline["start_date"] == "2026-12-07"  # 7 days before the 14th
    api.patch(
        _one(firm, hearing, "api:update_event"), {"start": "2026-12-21T10:00:00-05:00"}
    )
    again = Event.unscoped.get(public_id=deadline["id"])
    assert again.start_date == dt.date(2026, 12, 14)
    refused = api.patch(
        reverse(
            "api:update_event",
            kwargs={"firm_slug": firm.slug, "event_id": deadline["id"]},
        ),
        {"title": "Renamed"},
    )
    assert refused.status_code == 422 and "trigger date" in refused.json()["message"]


def test_cancelling_keeps_the_event_stops_its_reminders_and_is_audited(
    api, firm, hearing, time_machine
):
    time_machine.move_to(dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    from firmdesk.scheduling.services import sync_reminders

    hearing.reminder_minutes = [60]
    hearing.save()
    sync_reminders(hearing)
    assert Reminder.unscoped.filter(event=hearing).exists()
    url = _one(firm, hearing, "api:cancel_event")
    first = api.post(url)
    assert first.status_code == 200 and first.json()["status"] == "cancelled"
    assert api.post(url).status_code == 200  # again: nothing more happens
    assert not Reminder.unscoped.filter(event=hearing).exists()
    assert AuditEvent.objects.filter(org=firm, action="event.cancelled").count() == 1


def test_staff_whose_engagement_lacks_scheduling_may_read_but_not_schedule(
    firm, provider, engagement, matter, hearing
):
    clerk = f.member(
        provider, ["assistant"], email="docs@northstar.test", full_name="Dee Oakes"
    )
    f.assign(engagement, clerk, functions=("documents",))
    f.grant(engagement, matter, clerk)
    api = Api(token_for(clerk, firm))
    assert api.get(_one(firm, hearing)).status_code == 200
    response = api.post(_one(firm, hearing, "api:cancel_event"))
    assert response.status_code == 422
    assert "does not include scheduling" in response.json()["message"]
    hearing.refresh_from_db()
    assert hearing.status == Event.Status.SCHEDULED
