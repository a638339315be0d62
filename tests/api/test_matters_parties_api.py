"""A matter's parties through the API: listed as the matter page shows them,
added with a party conflict check as on the page, removed unless the last
client."""

import pytest
from django.urls import reverse

from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.matters.models import Contact, MatterParty

from .helpers import Api, token_for


@pytest.fixture
def client_party(firm, matter, attorney):
    """Written through the service, so the conflict index knows the name."""
    contact = conflicts.contact_save(
        firm=firm, actor=attorney, kind="person", name="Maria Lopez"
    )
    return MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )


@pytest.fixture
def adverse_party(firm, matter):
    contact = Contact.unscoped.create(
        firm=firm, kind="organization", name="Acme Logistics Inc."
    )
    return MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="adverse"
    )


def _url(firm, matter):
    return reverse(
        "api:list_matter_parties",
        kwargs={"firm_slug": firm.slug, "matter_id": matter.public_id},
    )


def _one(firm, party):
    return reverse(
        "api:remove_matter_party",
        kwargs={
            "firm_slug": firm.slug,
            "matter_id": party.matter.public_id,
            "party_id": party.public_id,
        },
    )


def test_lists_the_parties_with_their_contacts_and_filters_by_role(
    firm, assistant, matter, client_party, adverse_party
):
    api = Api(token_for(assistant, firm))
    body = api.get(_url(firm, matter)).json()
    assert [(p["contact"]["name"], p["role"]) for p in body["items"]] == [
        ("Maria Lopez", "client"),
        ("Acme Logistics Inc.", "adverse"),
    ]
    adverse = api.get(_url(firm, matter), {"role": "adverse"}).json()["items"]
    assert [p["id"] for p in adverse] == [str(adverse_party.public_id)]


def test_a_new_party_is_searched_and_waits_for_an_attorney(
    firm, attorney, matter, client_party
):
    response = Api(token_for(attorney, firm)).post(
        _url(firm, matter),
        {"name": "Maria  Lopes", "kind": "person", "role": "witness"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["party"]["contact"]["name"] == "Maria Lopes"
    check = body["conflict_check"]
    assert check["kind"] == "party" and check["decision"] == "pending"
    assert check["matter"]["number"] == matter.number
    assert [h["contact_name"] for h in check["hits"]] == ["Maria Lopez"]
    assert ConflictCheck.unscoped.filter(public_id=check["id"], matter=matter).exists()


def test_adding_a_party_twice_in_the_same_role_is_refused(
    firm, attorney, matter, client_party
):
    response = Api(token_for(attorney, firm)).post(
        _url(firm, matter), {"name": "Maria Lopez", "kind": "person", "role": "client"}
    )
    assert response.status_code == 422
    assert "already a party" in response.json()["fields"]["name"][0]


def test_support_staff_see_the_parties_but_may_not_change_them(
    firm, firm_staff, matter, client_party, adverse_party
):
    api = Api(token_for(firm_staff, firm))
    assert api.get(_url(firm, matter)).status_code == 200
    added = api.post(_url(firm, matter), {"name": "Someone", "role": "witness"})
    assert added.status_code == 422
    assert "Only an attorney or admin" in added.json()["message"]
    assert api.delete(_one(firm, adverse_party)).status_code == 422
    assert MatterParty.unscoped.filter(matter=matter).count() == 2


def test_a_party_is_removed_but_the_contact_stays(
    firm, attorney, client_party, adverse_party
):
    response = Api(token_for(attorney, firm)).delete(_one(firm, adverse_party))
    assert response.status_code == 204
    assert not MatterParty.unscoped.filter(pk=adverse_party.pk).exists()
    assert Contact.unscoped.filter(pk=adverse_party.contact_id).exists()


def test_the_only_client_stays(firm, attorney, client_party):
    response = Api(token_for(attorney, firm)).delete(_one(firm, client_party))
    assert response.status_code == 422
    assert "Add the new client first" in response.json()["message"]
    assert MatterParty.unscoped.filter(pk=client_party.pk).exists()


def test_a_party_of_another_matter_is_not_found_under_this_one(
    firm, attorney, matter, client_party
):
    from tests import factories as f

    elsewhere = f.MatterFactory(firm=firm, number="M-2026-002", title="Other")
    url = reverse(
        "api:remove_matter_party",
        kwargs={
            "firm_slug": firm.slug,
            "matter_id": elsewhere.public_id,
            "party_id": client_party.public_id,
        },
    )
    assert Api(token_for(attorney, firm)).delete(url).status_code == 404
