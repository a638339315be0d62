"""One error shape for every refusal, so an integration parses one thing:
{"message": "...", "fields": {name: [...]}}."""

import pytest
from django.urls import reverse

from tests.isolation.fixtures_intake import *  # noqa: F403

from .helpers import Api, token_for


def _shape(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"message", "fields"}
    assert body["message"].strip()
    return body


@pytest.fixture
def leads(firm):
    return reverse("api:list_leads", kwargs={"firm_slug": firm.slug})


def test_401_without_or_with_a_wrong_token(leads):
    _shape(Api(None).get(leads), 401)
    _shape(Api("fd_not-a-token").get(leads), 401)


def test_404_for_another_firm_an_unknown_row_and_an_unknown_address(
    firm, other_firm, firm_admin, leads
):
    api = Api(token_for(firm_admin, firm))
    _shape(api.get(leads.replace(firm.slug, other_firm.slug)), 404)
    unknown = reverse(
        "api:get_lead",
        kwargs={
            "firm_slug": firm.slug,
            "lead_id": "00000000-0000-0000-0000-000000000000",
        },
    )
    _shape(api.get(unknown), 404)
    body = _shape(api.get(f"/api/v1/f/{firm.slug}/no-such-thing"), 404)
    assert "/api/v1/docs" in body["message"]
    _shape(api.get(leads + "/"), 404)


def test_405_names_the_methods_the_address_takes(firm, firm_admin, leads):
    response = Api(token_for(firm_admin, firm)).delete(leads)
    body = _shape(response, 405)
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}
    assert "DELETE" in body["message"] and "GET" in body["message"]


def test_405_for_a_post_with_an_idempotency_key_is_in_the_shape_too(
    firm, firm_admin, lead
):
    url = reverse(
        "api:get_lead", kwargs={"firm_slug": firm.slug, "lead_id": lead.public_id}
    )
    response = Api(token_for(firm_admin, firm)).post(url, {}, {"Idempotency-Key": "k"})
    _shape(response, 405)


def test_412_for_a_stale_if_match(firm, firm_admin, lead):
    url = reverse(
        "api:update_lead", kwargs={"firm_slug": firm.slug, "lead_id": lead.public_id}
    )
    response = Api(token_for(firm_admin, firm)).patch(
        url, {"status": "contacted"}, {"If-Match": '"stale"'}
    )
    _shape(response, 412)


def test_422_names_the_fields_the_client_sent_and_400_an_unreadable_body(
    firm, firm_admin, leads
):
    api = Api(token_for(firm_admin, firm))
    body = _shape(api.post(leads, {"email": "dana@example.com", "source": "fax"}), 422)
    assert set(body["fields"]) == {"name", "source"}
    body = _shape(api.get(leads, {"limit": "many"}), 422)
    assert set(body["fields"]) == {"limit"}
    body = _shape(api.get(leads, {"limit": 0}), 422)
    assert set(body["fields"]) == {"limit"}
    broken = api.client.post(
        leads,
        data="{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {api.token}"},
    )
    assert "JSON" in _shape(broken, 400)["message"]


def test_429_over_the_rate_limit(settings, firm, firm_admin, leads):
    settings.FIRMDESK_API_RATE_LIMIT = "1/min"
    api = Api(token_for(firm_admin, firm))
    api.get(leads)
    _shape(api.get(leads), 429)


def test_a_nul_character_is_refused_naming_the_field(firm, firm_admin, leads):
    """PostgreSQL cannot store it; found by tests/api/test_schema.py's kind of
    generated text, answered 500 before."""
    api = Api(token_for(firm_admin, firm))
    body = {
        "name": "Dana",
        "email": "d@example.com",
        "answers": [{"question": "Q\x00"}],
    }
    refused = _shape(api.post(leads, body), 422)
    assert refused["fields"] == {"answers.0.question": ["Contains a NUL character."]}
    refused = _shape(api.get(leads, {"practice_area": "Family\x00"}), 422)
    assert list(refused["fields"]) == ["practice_area"]


def test_503_with_retry_after_when_the_database_goes_away(
    firm, firm_admin, leads, monkeypatch
):
    # Found by make soak: with PostgreSQL restarting, API calls answered 500
    # ("something went wrong on FirmDesk's side") where the pages answer 503,
    # and an integration does not know a 500 is worth sending again.
    from django.db import OperationalError

    def database_gone(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("firmdesk.api.routes.leads.paginate", database_gone)
    response = Api(token_for(firm_admin, firm)).get(leads)

    body = _shape(response, 503)
    assert "Idempotency-Key" in body["message"]
    assert response["Retry-After"] == "2"
