"""The contacts routes: filters and order, the audited read, writes through
the conflict index, If-Match, and sensitive fields that never cross the API."""

import datetime

import pytest
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.conflicts import services as conflicts
from firmdesk.matters.models import Contact, MatterParty, MatterScreen

from .helpers import Api, token_for


@pytest.fixture
def contact(firm, matter):
    """The client of firm A's matter, with a tax ID on file."""
    client = Contact.unscoped.create(
        firm=firm, kind="person", name="Maria Lopez", tax_id="123-45-6789"
    )
    MatterParty.unscoped.create(firm=firm, matter=matter, contact=client, role="client")
    return client


def _list(firm):
    return reverse("api:list_contacts", kwargs={"firm_slug": firm.slug})


def _one(firm, contact):
    return reverse(
        "api:get_contact",
        kwargs={"firm_slug": firm.slug, "contact_id": contact.public_id},
    )


def _save(firm, actor, name, **fields):
    return conflicts.contact_save(firm=firm, actor=actor, name=name, **fields)


def _names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["name"] for c in response.json()["items"]]


def test_filters_by_kind_and_by_part_of_a_name_or_alias(firm, attorney):
    _save(firm, attorney, "Acme Logistics Inc.", kind="organization")
    _save(
        firm,
        attorney,
        "Margaret Jones",
        kind="person",
        aliases=[("Peggy Smith", "maiden")],
    )
    _save(firm, attorney, "Smithers Freight", kind="organization")
    api = Api(token_for(attorney, firm))
    assert _names(api.get(_list(firm), {"kind": "organization"})) == [
        "Acme Logistics Inc.",
        "Smithers Freight",
    ]
    assert _names(api.get(_list(firm), {"name": "smith"})) == [
        "Margaret Jones",
        "Smithers Freight",
    ]


def test_orders_by_name_or_newest_change_and_filters_by_update_time(firm, attorney):
    first = _save(firm, attorney, "Zed Ames", kind="person")
    second = _save(firm, attorney, "Abe Zorn", kind="person")
    Contact.unscoped.filter(pk=first.pk).update(
        updated_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    api = Api(token_for(attorney, firm))
    assert _names(api.get(_list(firm))) == ["Abe Zorn", "Zed Ames"]
    assert _names(api.get(_list(firm), {"order": "-updated"})) == [
        second.name,
        first.name,
    ]
    since = {"updated_after": "2026-06-01T00:00:00Z"}
    assert _names(api.get(_list(firm), since)) == ["Abe Zorn"]


def test_provider_staff_list_only_contacts_of_matters_they_may_see(
    firm, attorney, assistant, ungranted_assistant, contact
):
    _save(firm, attorney, "Unrelated Person", kind="person")
    assert _names(Api(token_for(assistant, firm)).get(_list(firm))) == ["Maria Lopez"]
    assert _names(Api(token_for(ungranted_assistant, firm)).get(_list(firm))) == []


def test_a_screened_attorney_does_not_list_the_screened_matters_client(
    firm, attorney, firm_admin, matter, contact
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney, reason="x")
    assert "Maria Lopez" not in _names(Api(token_for(attorney, firm)).get(_list(firm)))
    assert "Maria Lopez" in _names(Api(token_for(firm_admin, firm)).get(_list(firm)))


def test_reading_a_contact_is_audited_and_never_sends_sensitive_fields(
    firm, attorney, contact
):
    response = Api(token_for(attorney, firm)).get(_one(firm, contact))
    assert response.status_code == 200
    assert response["ETag"].startswith('"')
    body = response.json()
    assert body["name"] == "Maria Lopez"
    assert "123-45-6789" not in response.content.decode()
    assert not {"tax_id", "date_of_birth", "bank_account"} & set(body)
    event = AuditEvent.objects.filter(org=firm, action="contact.viewed").last()
    assert event.actor == attorney and "API token" in event.summary


def test_a_new_contact_joins_the_conflict_index_with_tidy_phones(firm, attorney):
    api = Api(token_for(attorney, firm))
    response = api.post(
        _list(firm),
        {
            "kind": "person",
            "name": "  Nora   Lindqvist ",
            "aliases": [{"name": "Nora Berg", "kind": "maiden"}],
            "emails": ["Nora@Example.COM"],
            "phones": ["(212) 555-0100"],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["name"] == "Nora Lindqvist"
    assert body["emails"] == ["nora@example.com"]
    assert body["phones"] == ["+12125550100"]
    hits = conflicts.conflict_search(firm=firm, names=["Nora Berg"])
    assert [h.contact_name for h in hits] == ["Nora Lindqvist"]


def test_a_bad_email_is_refused_naming_the_field(firm, attorney):
    response = Api(token_for(attorney, firm)).post(
        _list(firm), {"name": "Nora Lindqvist", "emails": ["nora at example"]}
    )
    assert response.status_code == 422
    assert "not an e-mail address" in response.json()["fields"]["emails"][0]
    assert not Contact.unscoped.filter(name="Nora Lindqvist").exists()


def test_sensitive_fields_are_refused_not_dropped(firm, attorney, contact):
    api = Api(token_for(attorney, firm))
    created = api.post(_list(firm), {"name": "Nora Lindqvist", "tax_id": "987-65-4321"})
    assert created.status_code == 422
    body = created.json()
    assert "password again" in body["message"] and "tax_id" in body["fields"]
    assert not Contact.unscoped.filter(name="Nora Lindqvist").exists()
    changed = api.patch(_one(firm, contact), {"date_of_birth": "1980-01-02"})
    assert changed.status_code == 422 and "date_of_birth" in changed.json()["fields"]


def test_a_misspelt_field_is_named_rather_than_ignored(firm, attorney):
    response = Api(token_for(attorney, firm)).post(
        _list(firm), {"name": "Nora Lindqvist", "phone": "+12125550100"}
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["phone"]


def test_a_change_keeps_what_was_not_sent_and_the_stored_sensitive_fields(
    firm, attorney, contact
):
    conflicts.contact_alias_add(
        firm=firm, actor=attorney, contact=contact, name="Maria Lopez-Garcia"
    )
    api = Api(token_for(attorney, firm))
    response = api.patch(_one(firm, contact), {"notes": "Prefers e-mail."})
    assert response.status_code == 200, response.content
    assert response.json()["aliases"] == [{"name": "Maria Lopez-Garcia", "kind": "aka"}]
    contact.refresh_from_db()
    assert contact.notes == "Prefers e-mail."
    assert contact.tax_id == "123-45-6789"


def test_a_stale_if_match_gets_412_and_keeps_the_other_change(firm, attorney, contact):
    api = Api(token_for(attorney, firm))
    etag = api.get(_one(firm, contact))["ETag"]
    first = api.patch(
        _one(firm, contact), {"notes": "Call after 5pm."}, {"If-Match": etag}
    )
    assert first.status_code == 200 and first["ETag"] != etag
    stale = api.patch(_one(firm, contact), {"notes": "Lost"}, {"If-Match": etag})
    assert stale.status_code == 412
    assert "contact changed since you read it" in stale.json()["message"]
    contact.refresh_from_db()
    assert contact.notes == "Call after 5pm."


def test_outside_staff_without_crm_or_intake_may_not_change_a_contact(
    firm, assistant, contact
):
    api = Api(token_for(assistant, firm))
    response = api.patch(_one(firm, contact), {"name": "Changed"})
    assert response.status_code == 422
    assert "outside staff who keep its contacts" in response.json()["message"]
    assert api.post(_list(firm), {"name": "New One"}).status_code == 422
    contact.refresh_from_db()
    assert contact.name == "Maria Lopez"
    assert not Contact.unscoped.filter(name="New One").exists()
