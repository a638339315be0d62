"""Maintaining a matter after it opens (issue 16, item 2): editing, parties
with their conflict checks, closing and reopening, and the client's consent
to outside help, whose withdrawal takes outside staff's access away at once."""

import datetime

import pytest
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.conflicts import services as conflicts
from firmdesk.conflicts.models import ConflictCheck
from firmdesk.matters import services
from firmdesk.matters.models import Contact, ContactAlias, Matter, MatterParty
from firmdesk.scheduling.models import CalendarFeed, Event
from tests import factories as f


def _scope(user, firm):
    from firmdesk.access.scope import resolve_scope

    return resolve_scope(user, firm)


def _actions(firm):
    return list(AuditEvent.objects.filter(org=firm).values_list("action", flat=True))


@pytest.fixture
def client_party(firm, matter):
    contact = Contact.unscoped.create(firm=firm, kind="person", name="Maria Lopez")
    return MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )


# --- Consent to outside help ---------------------------------------------------


@pytest.fixture
def consent_firm(firm, matter):
    firm.require_client_consent = True
    firm.save(update_fields=["require_client_consent"])
    matter.client_consent_on = datetime.date(2026, 1, 5)
    matter.save(update_fields=["client_consent_on"])
    return firm


def test_withdrawing_consent_takes_pages_feeds_and_queues_away_at_once(
    client, consent_firm, matter, assistant, attorney
):
    firm = consent_firm
    task = f.task(firm, matter=matter, assignee=assistant, title="Calendar the trial")
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    Event.unscoped.create(
        firm=firm,
        matter=matter,
        kind=Event.Kind.HEARING,
        title="Hearing on the motion",
        start=start,
        end=start + datetime.timedelta(hours=1),
        time_zone="America/New_York",
        owner=assistant,
        created_by=attorney,
    )
    feed = CalendarFeed.unscoped.create(firm=firm, user=assistant, kind="personal")
    f.sign_in(client, assistant)
    matter_url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    task_url = reverse("work:task_detail", args=[firm.slug, task.public_id])
    queue_url = reverse("work:queue_mine")
    feed_url = reverse("scheduling:calendar_feed", args=[feed.token])
    assert client.get(matter_url).status_code == 200
    assert client.get(task_url).status_code == 200
    assert "Calendar the trial" in client.get(queue_url).content.decode()
    assert b"Hearing on the motion" in client.get(feed_url).content

    services.matter_consent_withdraw(
        scope=_scope(attorney, firm), matter=matter, reason="Client called, 4 May"
    )

    assert client.get(matter_url).status_code == 404
    assert client.get(task_url).status_code == 404
    assert "Calendar the trial" not in client.get(queue_url).content.decode()
    assert b"Hearing on the motion" not in client.get(feed_url).content
    assert "matter.consent_withdrawn" in _actions(firm)


def test_recording_consent_opens_the_matter_to_outside_staff(
    client, firm, matter, assistant, attorney
):
    firm.require_client_consent = True
    firm.save(update_fields=["require_client_consent"])
    f.sign_in(client, assistant)
    url = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    assert client.get(url).status_code == 404
    services.matter_consent_record(
        scope=_scope(attorney, firm),
        matter=matter,
        given_on=datetime.date(2026, 1, 5),
        how="Engagement letter signed",
    )
    assert client.get(url).status_code == 200
    assert "matter.consent_recorded" in _actions(firm)


def test_consent_needs_a_date_not_in_the_future_and_a_word_on_how(
    firm, matter, attorney
):
    scope = _scope(attorney, firm)
    with pytest.raises(ServiceError) as error:
        services.matter_consent_record(
            scope=scope, matter=matter, given_on=datetime.date(2999, 1, 1), how="x"
        )
    assert error.value.field == "given_on"
    with pytest.raises(ServiceError) as error:
        services.matter_consent_record(
            scope=scope, matter=matter, given_on=datetime.date(2026, 1, 1), how=" "
        )
    assert error.value.field == "how"


def test_the_consent_page_withdraws_and_keeps_the_reason_typed_on_error(
    client, consent_firm, matter, attorney
):
    f.sign_in(client, attorney)
    url = reverse("matters:matter_consent", args=[consent_firm.slug, matter.public_id])
    page = client.post(url, {"action": "withdraw", "reason": ""})
    assert page.status_code == 200
    assert "How the client withdrew consent" in page.content.decode()
    done = client.post(url, {"action": "withdraw", "reason": "Letter of 4 May"})
    assert done.status_code == 302
    matter.refresh_from_db()
    assert matter.client_consent_on is None


# --- Editing -------------------------------------------------------------------


def test_an_attorney_edits_title_practice_area_and_responsible_attorney(
    client, firm, matter, attorney, firm_admin
):
    f.sign_in(client, attorney)
    url = reverse("matters:matter_edit", args=[firm.slug, matter.public_id])
    response = client.post(
        url,
        {
            "title": "Lopez v. Acme Logistics",
            "practice_area": "Employment",
            "responsible_attorney": firm_admin.pk,
        },
    )
    assert response.status_code == 302
    matter.refresh_from_db()
    assert (matter.title, matter.practice_area, matter.responsible_attorney) == (
        "Lopez v. Acme Logistics",
        "Employment",
        firm_admin,
    )
    event = AuditEvent.objects.get(org=firm, action="matter.updated")
    assert set(event.detail["changes"]) == {
        "title",
        "practice_area",
        "responsible_attorney",
    }


def test_an_empty_title_is_refused_and_what_was_typed_stays(
    client, firm, matter, attorney
):
    f.sign_in(client, attorney)
    url = reverse("matters:matter_edit", args=[firm.slug, matter.public_id])
    page = client.post(url, {"title": "", "practice_area": "Family law"})
    assert page.status_code == 200
    assert 'value="Family law"' in page.content.decode()
    matter.refresh_from_db()
    assert matter.title == "Lopez v. Acme"


def test_support_staff_and_outside_staff_may_not_maintain(
    firm, matter, firm_staff, assistant
):
    for user in (firm_staff, assistant):
        with pytest.raises(ServiceError):
            services.matter_update(
                scope=_scope(user, firm),
                matter=matter,
                title="Changed",
                practice_area="",
                responsible_attorney=None,
            )


def test_the_responsible_attorney_must_be_an_attorney_of_the_firm(
    firm, matter, attorney, firm_staff
):
    with pytest.raises(ServiceError) as error:
        services.matter_update(
            scope=_scope(attorney, firm),
            matter=matter,
            title="Lopez",
            practice_area="",
            responsible_attorney=firm_staff,
        )
    assert error.value.field == "responsible_attorney"


# --- Parties -------------------------------------------------------------------


def test_a_new_party_is_searched_and_waits_for_a_decision_on_the_matter_page(
    client, firm, matter, attorney, client_party
):
    old = f.MatterFactory(firm=firm, number="M-2019-004", title="Globex lease")
    globex = Contact.unscoped.create(
        firm=firm, kind="organization", name="Globex Corporation"
    )
    MatterParty.unscoped.create(firm=firm, matter=old, contact=globex, role="client")
    conflicts.index_rebuild(firm=firm)
    f.sign_in(client, attorney)
    add = reverse("matters:matter_party_add", args=[firm.slug, matter.public_id])
    response = client.post(
        add, {"name": "Globex Corp", "kind": "organization", "role": "adverse"}
    )
    assert response.status_code == 302
    check = ConflictCheck.unscoped.get(firm=firm, kind="party")
    assert check.matter == matter and check.decision == "pending"
    assert any(h["contact_name"] == "Globex Corporation" for h in check.hits)
    assert MatterParty.unscoped.filter(
        matter=matter, contact__name="Globex Corp", role="adverse"
    ).exists()

    page = client.get(
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    ).content.decode()
    assert "Conflict checks waiting for a decision" in page
    assert "M-2019-004" in page
    assert 'name="decision"' in page and "checked" not in page

    decide = reverse("matters:conflict_check_detail", args=[firm.slug, check.public_id])
    refused = client.post(decide, {"decision": "clear", "note": "", "back": "matter"})
    assert refused.status_code == 200
    assert "why none of them is a conflict" in refused.content.decode()
    done = client.post(
        decide,
        {"decision": "clear", "note": "Different company", "back": "matter"},
    )
    assert done.url == reverse(
        "matters:matter_detail", args=[firm.slug, matter.public_id]
    )
    check.refresh_from_db()
    assert check.decision == "clear"
    assert {"matter.party_added", "conflict.decided"} <= set(_actions(firm))


def test_adding_a_known_contact_reuses_it(firm, matter, attorney, client_party):
    scope = _scope(attorney, firm)
    party, _ = conflicts.matter_party_add(
        scope=scope, matter=matter, name="maria lopez", kind="person", role="witness"
    )
    assert party.contact == client_party.contact
    with pytest.raises(ServiceError, match="already a party"):
        conflicts.matter_party_add(
            scope=scope,
            matter=matter,
            name="Maria Lopez",
            kind="person",
            role="witness",
        )


def test_renaming_a_party_searches_the_new_name_and_keeps_the_old_one(
    firm, matter, attorney, client_party
):
    scope = _scope(attorney, firm)
    party, check = conflicts.matter_party_change(
        scope=scope, party=client_party, name="Maria Lopez-Reyes", role="client"
    )
    assert check is not None and check.names == ["Maria Lopez-Reyes"]
    assert check.kind == "party" and check.matter == matter
    assert ContactAlias.unscoped.filter(
        contact=party.contact, name="Maria Lopez", kind="former"
    ).exists()
    hits = conflicts.conflict_search(firm=firm, names=["Maria Lopez"])
    assert any(h.contact_name == "Maria Lopez-Reyes" for h in hits)


def test_changing_only_the_role_runs_no_check(firm, matter, attorney, client_party):
    extra = Contact.unscoped.create(firm=firm, kind="person", name="Ann Vu")
    witness = MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=extra, role="witness"
    )
    _, check = conflicts.matter_party_change(
        scope=_scope(attorney, firm), party=witness, name="Ann Vu", role="expert"
    )
    assert check is None
    witness.refresh_from_db()
    assert witness.role == "expert"


def test_the_only_client_cannot_be_removed_but_another_party_can(
    firm, matter, attorney, client_party, client
):
    scope = _scope(attorney, firm)
    with pytest.raises(ServiceError, match="only client"):
        conflicts.matter_party_remove(scope=scope, party=client_party)
    extra = Contact.unscoped.create(firm=firm, kind="person", name="Ann Vu")
    witness = MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=extra, role="witness"
    )
    conflicts.matter_party_remove(scope=scope, party=witness)
    assert not MatterParty.unscoped.filter(pk=witness.pk).exists()
    assert Contact.unscoped.filter(pk=extra.pk).exists()
    assert "matter.party_removed" in _actions(firm)


# --- Closing and reopening -----------------------------------------------------


def test_a_closed_matter_leaves_the_list_stays_searchable_and_in_the_index(
    client, firm, matter, attorney, client_party
):
    conflicts.index_rebuild(firm=firm)
    services.matter_close(scope=_scope(attorney, firm), matter=matter)
    matter.refresh_from_db()
    assert matter.status == "closed" and matter.closed_on is not None
    f.sign_in(client, attorney)
    url = reverse("matters:matter_list", args=[firm.slug])
    assert matter.number not in client.get(url).content.decode()
    assert matter.number in client.get(url, {"status": "closed"}).content.decode()
    assert matter.number in client.get(url, {"status": "any"}).content.decode()
    hits = conflicts.conflict_search(firm=firm, names=["Maria Lopez"])
    assert hits[0].matter == matter.number and hits[0].matter_status == "closed"

    with pytest.raises(ServiceError, match="closed"):
        conflicts.matter_party_add(
            scope=_scope(attorney, firm),
            matter=matter,
            name="Ann Vu",
            kind="person",
            role="witness",
        )
    services.matter_reopen(scope=_scope(attorney, firm), matter=matter)
    matter.refresh_from_db()
    assert (matter.status, matter.closed_on) == ("open", None)
    assert {"matter.closed", "matter.reopened"} <= set(_actions(firm))


def test_a_pre_existing_matter_keeps_where_it_came_from_when_closed(firm, attorney):
    imported = f.MatterFactory(
        firm=firm, number="OLD-1", title="Imported", status="pre_existing"
    )
    scope = _scope(attorney, firm)
    services.matter_close(scope=scope, matter=imported)
    assert imported.status == "pre_existing" and imported.is_closed
    assert Matter.unscoped.filter(Matter.closed_q(), pk=imported.pk).exists()
    services.matter_reopen(scope=scope, matter=imported)
    assert imported.status == "pre_existing" and not imported.is_closed


def test_no_new_work_is_delegated_on_a_closed_matter(firm, matter, attorney):
    from firmdesk.work.services import task_create

    services.matter_close(scope=_scope(attorney, firm), matter=matter)
    matter.refresh_from_db()
    with pytest.raises(ServiceError, match="is closed. Reopen it"):
        task_create(
            scope=_scope(attorney, firm),
            title="Call the client",
            function="scheduling",
            matter=matter,
        )
