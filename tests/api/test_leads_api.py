"""Leads and calls through the API: what an intake integration (a website's
form pushing inquiries) and reception's tools rely on."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from firmdesk.api.routes import leads as routes
from firmdesk.audit.models import AuditEvent
from firmdesk.intake import tasks
from firmdesk.intake.models import CallLog, Lead
from firmdesk.notify.models import Notification
from tests.isolation.fixtures_intake import *  # noqa: F403
from tests.isolation.fixtures_intake import take_lead
from tests.isolation.fixtures_reception import *  # noqa: F403

from .helpers import Api, token_for


def _leads(firm):
    return reverse("api:list_leads", kwargs={"firm_slug": firm.slug})


def _lead(firm, lead):
    return reverse(
        "api:get_lead", kwargs={"firm_slug": firm.slug, "lead_id": lead.public_id}
    )


def _calls(firm):
    return reverse("api:list_calls", kwargs={"firm_slug": firm.slug})


WEB_FORM_LEAD = {
    "name": "Dana  Whitfield",
    "email": "dana@example.com",
    "phone": "(312) 555-0142",
    "description": "We separated in March; he kept the house.",
    "adverse_parties": ["Carl Whitfield"],
    "practice_area": "Family law",
    "answers": [{"question": "Children of the marriage?", "answer": "Two"}],
}


def test_the_api_names_the_same_statuses_sources_and_urgencies_as_the_models():
    assert [s.value for s in routes.LeadStatus] == Lead.Status.values
    assert [s.value for s in routes.LeadSource] == Lead.Source.values
    assert [u.value for u in routes.CallUrgency] == CallLog.Urgency.values


def test_a_pushed_lead_starts_the_clock_is_screened_and_told_to_the_intake_team(
    firm, firm_admin, engagement, intake_specialist, django_capture_on_commit_callbacks
):
    api = Api(token_for(firm_admin, firm))
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(_leads(firm), WEB_FORM_LEAD)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Dana Whitfield"
    assert body["phone"] == "+13125550142"
    assert body["source"] == "web_form" and body["status"] == "new"
    assert body["owner"] is None
    assert body["answers"] == WEB_FORM_LEAD["answers"]
    assert body["response_due_at"] is not None
    lead = Lead.unscoped.get(public_id=body["id"])
    assert lead.conflict_check is not None  # screened after the commit
    tasks.announce_lead.call(lead.pk)
    told = set(
        Notification.objects.filter(kind="intake.lead").values_list("user", flat=True)
    )
    assert told == {intake_specialist.pk}
    received = AuditEvent.objects.get(org=firm, action="intake.lead_received")
    assert received.actor == firm_admin


def test_a_lead_may_be_given_to_someone_who_works_leads(
    firm, firm_admin, intake_specialist, assistant
):
    api = Api(token_for(firm_admin, firm))
    mine = api.post(
        _leads(firm), {**WEB_FORM_LEAD, "owner": str(intake_specialist.public_id)}
    )
    assert mine.json()["owner"]["email"] == intake_specialist.email
    refused = api.post(
        _leads(firm), {**WEB_FORM_LEAD, "owner": str(assistant.public_id)}
    )
    assert refused.status_code == 422
    assert "owner" in refused.json()["fields"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"email": "", "phone": ""}, "email", "e-mail address or a phone"),
        ({"phone": "call me"}, "phone", "not a phone number"),
        ({"email": "dana at example"}, "email", "not an e-mail address"),
        ({"adverse_parties": [f"Party {n}" for n in range(11)]}, "adverse_parties", ""),
    ],
)
def test_a_lead_the_intake_form_would_refuse_gets_422_naming_the_field(
    firm, firm_admin, change, field, words
):
    response = Api(token_for(firm_admin, firm)).post(
        _leads(firm), {**WEB_FORM_LEAD, **change}
    )
    assert response.status_code == 422
    body = response.json()
    assert list(body["fields"]) == [field]
    assert words in body["message"]
    assert not Lead.unscoped.exists()


def test_a_lead_without_a_name_gets_422_naming_it(firm, firm_admin):
    response = Api(token_for(firm_admin, firm)).post(
        _leads(firm), {"email": "dana@example.com"}
    )
    assert response.status_code == 422
    assert "name" in response.json()["fields"]


def test_staff_without_intake_get_404_as_on_the_pages(firm, assistant, lead):
    api = Api(token_for(assistant, firm))
    assert api.get(_leads(firm)).status_code == 404
    assert api.post(_leads(firm), WEB_FORM_LEAD).status_code == 404
    assert Lead.unscoped.count() == 1


def test_lead_filters_and_owner_choices(
    firm, intake_specialist, attorney, lead, other_lead
):
    mine = take_lead(firm, intake_specialist, name="Ann Byrne", screen=False)
    api = Api(token_for(intake_specialist, firm))

    def names(**params):
        response = api.get(_leads(firm), params)
        assert response.status_code == 200, response.content
        return [item["name"] for item in response.json()["items"]]

    assert names() == ["Ann Byrne", "Dana Whitfield"]  # newest first, firm A's
    assert names(order="created") == ["Dana Whitfield", "Ann Byrne"]
    assert names(owner="me") == ["Ann Byrne"]
    assert names(owner="none") == ["Dana Whitfield"]
    assert names(owner=str(intake_specialist.public_id)) == ["Ann Byrne"]
    assert names(source="web_form") == ["Dana Whitfield"]
    assert names(status="contacted") == []
    assert names(practice_area="FAMILY LAW") == ["Ann Byrne", "Dana Whitfield"]
    later = (mine.created_at + datetime.timedelta(seconds=1)).isoformat()
    assert names(created_after=later) == []
    bad = api.get(_leads(firm), {"owner": "somebody"})
    assert bad.status_code == 422 and "owner" in bad.json()["fields"]
    naive = api.get(_leads(firm), {"created_after": "2026-03-01T09:00:00"})
    assert naive.status_code == 422 and "created_after" in naive.json()["fields"]


def test_reading_a_lead_is_audited_as_its_page(firm, intake_specialist, lead):
    response = Api(token_for(intake_specialist, firm)).get(_lead(firm, lead))
    assert response.status_code == 200
    assert response["ETag"]
    event = AuditEvent.objects.get(org=firm, action="intake.lead_viewed")
    assert event.actor == intake_specialist and "API token" in event.summary


def test_moving_and_assigning_a_lead_under_if_match(
    firm, intake_specialist, attorney, lead
):
    api = Api(token_for(intake_specialist, firm))
    etag = api.get(_lead(firm, lead))["ETag"]
    moved = api.patch(
        _lead(firm, lead),
        {"status": "qualified", "reason": "Fits", "owner": str(attorney.public_id)},
        {"If-Match": etag},
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "qualified"
    assert moved.json()["owner"]["email"] == attorney.email
    assert moved["ETag"] != etag
    lead.refresh_from_db()
    assert lead.close_reason == "Fits" and lead.owner == attorney

    unassigned = api.patch(_lead(firm, lead), {"owner": None})
    assert unassigned.json()["owner"] is None


def test_retaining_or_declining_is_left_to_the_page(firm, intake_specialist, lead):
    response = Api(token_for(intake_specialist, firm)).patch(
        _lead(firm, lead), {"status": "retained"}
    )
    assert response.status_code == 422
    assert "status" in response.json()["fields"]
    lead.refresh_from_db()
    assert lead.status == Lead.Status.NEW


def test_a_closed_lead_is_not_given_to_anyone(firm, intake_specialist, lead):
    lead.status = Lead.Status.DECLINED
    lead.save()
    response = Api(token_for(intake_specialist, firm)).patch(
        _lead(firm, lead), {"owner": str(intake_specialist.public_id)}
    )
    assert response.status_code == 422
    lead.refresh_from_db()
    assert lead.owner is None


# --- Calls --------------------------------------------------------------------------


def test_logging_a_call_tells_the_matters_attorney(
    firm, receptionist, attorney, matter
):
    response = Api(token_for(receptionist, firm)).post(
        _calls(firm),
        {
            "caller_name": "Maria Lopez",
            "number": "(212) 555-0142 ext. 7",
            "message": "Asks whether the hearing moved.",
            "matter": str(matter.public_id),
            "urgency": "urgent",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["recipient"]["email"] == attorney.email
    assert body["taken_by"]["email"] == receptionist.email
    assert body["number"] == "+12125550142" and "Extension: 7" in body["message"]
    assert body["matter"] == str(matter.public_id)
    note = Notification.objects.get(user=attorney, kind="call.urgent")
    assert "Maria Lopez" in note.title


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": "00000000-0000-0000-0000-000000000000"}, "recipient"),
        ({"matter": None}, "recipient"),  # no matter, no recipient: who is it for?
        ({"message": "  "}, "message"),
        ({"received_at": "2026-03-01T09:00:00"}, "received_at"),
    ],
)
def test_a_call_reception_could_not_log_gets_422_naming_the_field(
    firm, receptionist, matter, change, field
):
    body = {
        "caller_name": "Maria Lopez",
        "message": "Call back.",
        "matter": str(matter.public_id),
        **change,
    }
    response = Api(token_for(receptionist, firm)).post(_calls(firm), body)
    assert response.status_code == 422
    assert field in response.json()["fields"]
    assert not CallLog.unscoped.exists()


def test_another_firms_matter_is_refused_as_unknown(
    firm, receptionist, other_matter, attorney
):
    response = Api(token_for(receptionist, firm)).post(
        _calls(firm),
        {
            "caller_name": "Brandt caller",
            "message": "Call back.",
            "matter": str(other_matter.public_id),
            "recipient": str(attorney.public_id),
        },
    )
    assert response.status_code == 422
    assert "Brandt" not in response.content.decode()
    assert list(response.json()["fields"]) == ["matter"]


def test_reception_lists_the_calls_it_took_the_firm_all_of_them(
    firm, attorney, receptionist, ungranted_receptionist, call, other_call
):
    other = CallLog.unscoped.create(
        firm=firm,
        caller_name="Sam Diaz",
        received_at=timezone.now(),
        message="New client?",
        taken_by=ungranted_receptionist,
        recipient=attorney,
        acknowledged_at=timezone.now(),
    )

    def callers(user, **params):
        response = Api(token_for(user, firm)).get(_calls(firm), params)
        assert response.status_code == 200, response.content
        return [item["caller_name"] for item in response.json()["items"]]

    assert callers(receptionist) == ["Maria Lopez"]
    assert callers(attorney, order="received") == ["Maria Lopez", "Sam Diaz"]
    assert callers(attorney, acknowledged="false") == ["Maria Lopez"]
    assert callers(attorney, for_me="true", acknowledged="true") == ["Sam Diaz"]
    assert callers(receptionist, matter=str(call.matter.public_id)) == ["Maria Lopez"]
    assert other.pk


def test_staff_without_reception_get_404(firm, assistant, call):
    assert Api(token_for(assistant, firm)).get(_calls(firm)).status_code == 404


def test_any_offset_iso_8601_allows_is_taken_in_utc(firm, intake_specialist, lead):
    """PostgreSQL refuses offsets past ±15:59 (found by test_schema.py)."""
    api = Api(token_for(intake_specialist, firm))
    far_east = api.get(_leads(firm), {"created_after": "2020-03-01T00:00:00+23:59"})
    assert far_east.status_code == 200
    assert [item["name"] for item in far_east.json()["items"]] == ["Dana Whitfield"]
    too_early = api.get(_leads(firm), {"created_after": "0001-01-01T00:00:00+23:59"})
    assert too_early.status_code == 422
    assert "created_after" in too_early.json()["fields"]
