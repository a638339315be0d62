"""Opening a matter through the API: only on a cleared check that searched
every party, through the service the page uses, all in one transaction."""

import pytest
from django.urls import reverse

from firmdesk.conflicts.models import ConflictCheck
from firmdesk.matters.models import Contact, Matter, MatterParty

from .helpers import Api, token_for


def _url(firm):
    return reverse("api:open_matter", kwargs={"firm_slug": firm.slug})


def _check(firm, decision="clear", names=("Maria Lopez", "Acme Logistics"), hits=()):
    return ConflictCheck.unscoped.create(
        firm=firm,
        run_at="2026-03-02T10:00Z",
        names=list(names),
        hits=list(hits),
        decision=decision,
    )


def _body(check, **more):
    return {
        "conflict_check": str(check.public_id),
        "title": "Lopez v. Acme Logistics",
        "parties": [
            {"name": "Maria Lopez", "kind": "person", "role": "client"},
            {"name": "Acme Logistics", "kind": "organization", "role": "adverse"},
        ],
        **more,
    }


def test_a_cleared_check_opens_the_matter_with_its_parties(firm, firm_staff, attorney):
    check = _check(firm)
    response = Api(token_for(firm_staff, firm)).post(
        _url(firm), _body(check, responsible_attorney=str(attorney.public_id))
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["number"]
    assert body["responsible_attorney"]["email"] == attorney.email
    matter = Matter.unscoped.get(public_id=body["id"])
    roles = sorted(
        MatterParty.unscoped.filter(matter=matter).values_list("contact__name", "role")
    )
    assert roles == [("Acme Logistics", "adverse"), ("Maria Lopez", "client")]
    check.refresh_from_db()
    assert check.matter == matter


def test_no_matter_opens_on_a_pending_check(firm, attorney):
    check = _check(firm, decision="pending")
    response = Api(token_for(attorney, firm)).post(_url(firm), _body(check))
    assert response.status_code == 422
    body = response.json()
    assert "has not been cleared" in body["message"]
    assert list(body["fields"]) == ["check"]
    assert not Matter.unscoped.filter(firm=firm).exists()
    assert not Contact.unscoped.filter(firm=firm).exists()


def test_a_check_opens_one_matter_only(firm, attorney):
    check = _check(firm)
    api = Api(token_for(attorney, firm))
    assert api.post(_url(firm), _body(check)).status_code == 201
    again = api.post(_url(firm), _body(check, title="Second try"))
    assert again.status_code == 422
    assert "already opened a matter" in again.json()["message"]
    assert Matter.unscoped.filter(firm=firm).count() == 1


def test_a_party_the_check_did_not_search_is_refused_and_nothing_stays(firm, attorney):
    check = _check(firm)
    body = _body(check)
    body["parties"].append({"name": "Zora Unsearched", "role": "witness"})
    response = Api(token_for(attorney, firm)).post(_url(firm), body)
    assert response.status_code == 422
    assert "did not search Zora Unsearched" in response.json()["message"]
    assert not Contact.unscoped.filter(firm=firm).exists()
    check.refresh_from_db()
    assert check.matter is None


def test_an_existing_contact_the_check_found_is_reused(firm, attorney):
    lopez = Contact.unscoped.create(firm=firm, kind="person", name="Maria Lopez")
    check = _check(
        firm, names=["Maria Lopez"], hits=[{"contact": str(lopez.public_id)}]
    )
    body = _body(check, parties=[{"contact": str(lopez.public_id), "role": "client"}])
    response = Api(token_for(attorney, firm)).post(_url(firm), body)
    assert response.status_code == 201, response.content
    assert MatterParty.unscoped.get(
        matter__public_id=response.json()["id"]
    ).contact == (lopez)
    assert Contact.unscoped.filter(firm=firm).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (
            {"responsible_attorney": "00000000-0000-4000-8000-000000000000"},
            "responsible_attorney",
        ),
        ({"title": " "}, "title"),
        ({"parties": [{"role": "client"}]}, "parties.0.name"),
        ({"parties": [{"name": "Maria Lopez", "role": "judge"}]}, "parties.0.role"),
    ],
)
def test_bad_input_is_refused_naming_the_field(firm, attorney, change, field):
    response = Api(token_for(attorney, firm)).post(
        _url(firm), _body(_check(firm), **change)
    )
    assert response.status_code == 422
    assert field in response.json()["fields"], response.json()
    assert not Matter.unscoped.filter(firm=firm).exists()


def test_firm_b_check_under_firm_a_is_not_found(firm, other_firm, attorney):
    response = Api(token_for(attorney, firm)).post(
        _url(firm), _body(_check(other_firm))
    )
    assert response.status_code == 404
