"""Issue 20, client consent: recording and withdrawing a client's consent to
outside help for all its matters at once, what the withdrawal takes back, and
grants that respect the consent."""

import datetime

import pytest
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.models import MatterGrant
from firmdesk.matters.models import Contact, Matter, MatterParty
from firmdesk.notify.models import Notification
from firmdesk.work.models import Task
from tests import factories as f

CONSENTED = datetime.date(2026, 1, 5)


def _client_of(firm, name, *matters):
    contact = Contact.unscoped.create(firm=firm, kind="person", name=name)
    for matter in matters:
        MatterParty.unscoped.create(
            firm=firm, matter=matter, contact=contact, role="client"
        )
    return contact


@pytest.fixture
def lopez(firm, matter):
    """Maria Lopez, client of the assistant's matter and of a second open
    matter; a closed one of hers and another client's matter stay apart."""
    second = f.MatterFactory(firm=firm, number="M-2026-002", title="Lopez estate")
    closed = f.MatterFactory(
        firm=firm, number="M-2019-007", title="Lopez lease", status="closed"
    )
    client = _client_of(firm, "Maria Lopez", matter, second, closed)
    stranger = f.MatterFactory(firm=firm, number="M-2026-050", title="Other client")
    _client_of(firm, "Omar Haddad", stranger)
    return {
        "client": client,
        "open": [matter, second],
        "closed": closed,
        "stranger": stranger,
    }


@pytest.fixture
def requiring(firm):
    firm.require_client_consent = True
    firm.save(update_fields=["require_client_consent"])
    return firm


def _page(firm, contact):
    return reverse(
        "matters:client_consent",
        kwargs={"firm_slug": firm.slug, "contact_id": contact.public_id},
    )


def _consent(matter):
    return Matter.unscoped.get(pk=matter.pk).client_consent_on


def test_recording_consent_for_a_client_writes_it_on_each_open_matter(
    client, firm, attorney, lopez
):
    f.sign_in(client, attorney)

    response = client.post(
        _page(firm, lopez["client"]),
        {
            "action": "record",
            "given_on": "2026-01-05",
            "method": "Signed engagement letter",
            "note": "letter of 5 January, in the client file",
        },
    )

    assert response.status_code == 302
    for matter in lopez["open"]:
        row = Matter.unscoped.get(pk=matter.pk)
        assert row.client_consent_on == CONSENTED
        assert row.client_consent_note == (
            "Signed engagement letter: letter of 5 January, in the client file"
        )
    assert _consent(lopez["closed"]) is None
    assert _consent(lopez["stranger"]) is None
    audited = AuditEvent.objects.filter(org=firm, action="matter.consent_recorded")
    assert set(audited.values_list("matter_id", flat=True)) == {
        str(m.public_id) for m in lopez["open"]
    }
    page = client.get(response.url).content.decode()
    assert "Consent recorded on M-2026-001, M-2026-002." in page  # by number


def test_a_matter_opened_later_does_not_inherit_the_clients_consent(
    client, firm, attorney, lopez
):
    scope = resolve_scope(attorney, firm)
    from firmdesk.matters.services import client_consent_record

    client_consent_record(
        scope=scope, contact=lopez["client"], given_on=CONSENTED, how="E-mail"
    )
    later = f.MatterFactory(firm=firm, number="M-2026-099", title="Lopez appeal")
    MatterParty.unscoped.create(
        firm=firm, matter=later, contact=lopez["client"], role="client"
    )
    f.sign_in(client, attorney)

    page = client.get(_page(firm, lopez["client"])).content.decode()

    assert _consent(later) is None
    assert page.count("Not recorded") == 2  # the later matter and the closed one


def test_a_consent_without_a_date_says_so_and_keeps_what_was_typed(
    client, firm, attorney, lopez
):
    f.sign_in(client, attorney)

    response = client.post(
        _page(firm, lopez["client"]),
        {"action": "record", "given_on": "", "method": "Other", "note": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Fill in “Date the client consented”." in page
    assert "Say how the client consented." in page
    assert all(_consent(m) is None for m in lopez["open"])


def test_a_consent_dated_in_the_future_is_refused(client, firm, attorney, lopez):
    f.sign_in(client, attorney)

    response = client.post(
        _page(firm, lopez["client"]),
        {
            "action": "record",
            "given_on": "2099-01-01",
            "method": "E-mail from the client",
            "note": "kept in the file",
        },
    )

    assert "The consent date is in the future" in response.content.decode()
    assert "kept in the file" in response.content.decode()
    assert all(_consent(m) is None for m in lopez["open"])


def test_withdrawal_page_names_who_loses_what_and_takes_their_work_back(
    django_capture_on_commit_callbacks,
    client,
    firm,
    requiring,
    firm_admin,
    attorney,
    assistant,
    engagement,
    lopez,
):
    for matter in lopez["open"]:
        Matter.unscoped.filter(pk=matter.pk).update(client_consent_on=CONSENTED)
    matter = lopez["open"][0]
    working = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        engagement=engagement,
        title="Draft the Lopez letter",
        status="in_progress",
        requester=attorney,
    )
    handed_in = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        engagement=engagement,
        title="Index the Lopez exhibits",
        status="submitted",
    )
    in_house = f.task(firm, matter=matter, assignee=attorney, title="Call Maria")
    f.sign_in(client, firm_admin)
    url = _page(firm, lopez["client"])

    before = client.get(url).content.decode()
    assert "Priya Nair" in before and "Draft the Lopez letter" in before
    assert resolve_scope(assistant, firm).can_see_matter(
        Matter.unscoped.get(pk=matter.pk)
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"action": "withdraw", "reason": "Phone call, 4 May"}
        )

    assert response.status_code == 302
    assert all(_consent(m) is None for m in lopez["open"])
    assert (
        AuditEvent.objects.filter(org=firm, action="matter.consent_withdrawn").count()
        == 2
    )
    working.refresh_from_db()
    assert (working.assignee, working.engagement, working.status) == (
        None,
        None,
        "open",
    )
    assert "the client withdrew consent" in working.handover_note
    assert Task.unscoped.get(pk=handed_in.pk).assignee_id == assistant.pk
    assert Task.unscoped.get(pk=in_house.pk).assignee_id == attorney.pk
    assert Notification.objects.filter(user=attorney, kind="task.back_to_firm").exists()
    message = client.get(response.url).content.decode()
    assert "1 unfinished task came back to the firm" in message
    scope = resolve_scope(assistant, firm)
    assert not scope.can_see_matter(Matter.unscoped.get(pk=matter.pk))
    assert not Task.objects.in_scope(scope).filter(matter=matter).exists()


def test_where_consent_is_not_required_withdrawing_changes_no_ones_work(
    client, firm, firm_admin, assistant, engagement, lopez
):
    matter = lopez["open"][0]
    Matter.unscoped.filter(pk=matter.pk).update(client_consent_on=CONSENTED)
    task = f.task(firm, matter=matter, assignee=assistant, engagement=engagement)
    f.sign_in(client, firm_admin)

    response = client.post(
        _page(firm, lopez["client"]), {"action": "withdraw", "reason": "Letter"}
    )

    assert _consent(matter) is None
    assert Task.unscoped.get(pk=task.pk).assignee_id == assistant.pk
    assert "does not require consent" in client.get(response.url).content.decode()


def test_withdrawing_needs_a_reason(client, firm, firm_admin, lopez):
    matter = lopez["open"][0]
    Matter.unscoped.filter(pk=matter.pk).update(client_consent_on=CONSENTED)
    f.sign_in(client, firm_admin)

    response = client.post(
        _page(firm, lopez["client"]), {"action": "withdraw", "reason": " "}
    )

    assert response.status_code == 200
    assert _consent(matter) == CONSENTED


def test_support_staff_cannot_change_consent(firm, firm_staff, lopez):
    from firmdesk.matters.services import client_consent_withdraw

    with pytest.raises(ServiceError):
        client_consent_withdraw(
            scope=resolve_scope(firm_staff, firm),
            contact=lopez["client"],
            reason="x",
        )


# --- Grants respect the consent -------------------------------------------------


def test_a_matter_without_consent_cannot_be_opened_to_outside_staff(
    firm, requiring, firm_admin, engagement, assistant
):
    matter = f.MatterFactory(firm=firm, number="M-2026-070", title="No consent")

    with pytest.raises(ServiceError) as refused:
        engagement_services.matter_grant(
            scope=resolve_scope(firm_admin, firm),
            engagement=engagement,
            matter=matter,
            user=assistant,
        )

    assert "Record the client's consent on the matter first" in refused.value.message
    assert not MatterGrant.unscoped.filter(matter=matter).exists()
    Matter.unscoped.filter(pk=matter.pk).update(client_consent_on=CONSENTED)
    matter.refresh_from_db()
    engagement_services.matter_grant(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        matter=matter,
        user=assistant,
    )
    assert MatterGrant.unscoped.filter(matter=matter).exists()


def test_grant_page_lists_the_matters_that_lack_consent(
    client, firm, requiring, firm_admin, engagement, assistant
):
    bare = f.MatterFactory(firm=firm, number="M-2026-071", title="Bare matter")
    f.MatterFactory(
        firm=firm, number="M-2026-072", title="Consented", client_consent_on=CONSENTED
    )
    f.sign_in(client, firm_admin)
    url = reverse(
        "engagements:engagement_grant",
        kwargs={"firm_slug": firm.slug, "engagement_id": engagement.public_id},
    )

    page = client.get(url).content.decode()
    warning = page[page.index('id="no-consent"') :]
    warning = warning[: warning.index("</div>")]
    assert "M-2026-071" in warning and "M-2026-072" not in warning
    consent_url = reverse(
        "matters:matter_consent",
        kwargs={"firm_slug": firm.slug, "matter_id": bare.public_id},
    )
    assert consent_url in warning

    response = client.post(url, {"matter": bare.pk, "user": ""})
    assert response.status_code == 200
    assert "has not consented to outside help on M-2026-071" in (
        response.content.decode()
    )


def test_an_all_matters_engagement_still_needs_the_consent(
    firm, requiring, provider, matter
):
    team = f.engagement(firm, provider, all_matters=True, name="Everything team")
    helper = f.member(provider, ["assistant"], email="helper@northstar.test")
    f.assign(team, helper)

    assert not resolve_scope(helper, firm).can_see_matter(matter)
    assert not Matter.objects.in_scope(resolve_scope(helper, firm)).exists()
    Matter.unscoped.filter(pk=matter.pk).update(client_consent_on=CONSENTED)
    matter.refresh_from_db()
    assert resolve_scope(helper, firm).can_see_matter(matter)


def test_the_clients_contact_page_links_to_consent_for_those_who_record_it(
    client, firm, attorney, firm_staff, lopez
):
    contact_page = reverse(
        "matters:contact_detail",
        kwargs={"firm_slug": firm.slug, "contact_id": lopez["client"].public_id},
    )
    consent_page = _page(firm, lopez["client"])

    f.sign_in(client, attorney)
    assert consent_page in client.get(contact_page).content.decode()
    f.sign_in(client, firm_staff)
    assert consent_page not in client.get(contact_page).content.decode()


def test_withdrawing_on_the_matter_page_names_her_and_takes_her_task_back(
    client, firm, requiring, attorney, assistant, engagement, matter
):
    Matter.unscoped.filter(pk=matter.pk).update(client_consent_on=CONSENTED)
    task = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        engagement=engagement,
        title="File the Lopez answer",
        status="returned",
    )
    f.sign_in(client, attorney)
    url = reverse(
        "matters:matter_consent",
        kwargs={"firm_slug": firm.slug, "matter_id": matter.public_id},
    )
    before = client.get(url).content.decode()
    assert "Priya Nair" in before and "File the Lopez answer" in before

    response = client.post(url, {"action": "withdraw", "reason": "E-mail, 4 May"})

    assert response.status_code == 302
    assert _consent(matter) is None
    task.refresh_from_db()
    # Returned for changes stays returned, now the firm's to give out.
    assert (task.assignee, task.engagement, task.status) == (None, None, "returned")
    assert AuditEvent.objects.filter(
        org=firm, action="task.back_to_firm", matter_id=str(matter.public_id)
    ).exists()
    message = client.get(response.url).content.decode()
    assert "Consent withdrawn on M-2026-001: outside staff no longer see it" in message
