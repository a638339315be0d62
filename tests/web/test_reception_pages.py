"""The reception pages as their users meet them: the call entry page (saved and
ready for the next call, mistakes kept), the matter look-up (only matters in
scope), the message list and acknowledging, and the routing settings.

The clock is Monday 2 March 2026, 10:00 in New York (EST, UTC-5).
"""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from firmdesk.engagements.models import MatterGrant
from firmdesk.intake.models import CallLog, ReceptionSettings
from firmdesk.matters.models import Contact, MatterParty
from tests import factories as f
from tests.isolation.fixtures_reception import *  # noqa: F403

UTC = datetime.UTC
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def signed_in(user) -> Client:
    return f.sign_in(Client(), user)


def value_of(body: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    assert found, name
    attr = re.search(r'value="([^"]*)"', found.group(0))
    return attr.group(1) if attr else ""


def a_call(**fields) -> dict:
    data = {
        "caller_name": "Maria Lopez",
        "number": "(212) 555-0142",
        "matter_query": "",
        "matter": "",
        "message": "Asks whether the hearing moved.",
        "callback_wanted": "on",
        "recipient": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def client_contact(firm, matter):
    contact = Contact.unscoped.create(firm=firm, kind="person", name="Maria Lopez")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role=MatterParty.Role.CLIENT
    )
    return contact


# --- The call entry page --------------------------------------------------------------


def test_call_entry_page_starts_on_the_callers_name(firm, receptionist):
    body = signed_in(receptionist).get(reverse("reception:call_new", args=[firm.slug]))
    html = body.content.decode()
    assert body.status_code == 200
    assert re.search(r'<input[^>]*name="caller_name"[^>]*autofocus', html)
    assert "web/call_entry" in html  # the keyboard script


def test_saving_a_call_records_it_and_gives_an_empty_form_for_the_next(
    firm, receptionist, matter, attorney
):
    client = signed_in(receptionist)
    url = reverse("reception:call_new", args=[firm.slug])

    response = client.post(
        url,
        a_call(matter=str(matter.public_id), matter_query="M-2026-001 Lopez v. Acme"),
        follow=True,
    )

    assert response.redirect_chain == [(url, 302)]
    html = response.content.decode()
    assert "Message from Maria Lopez sent to Owen Ortiz." in html
    assert value_of(html, "caller_name") == ""
    assert value_of(html, "matter") == ""
    assert "Asks whether" not in html
    call = CallLog.objects.for_firm(firm).get()
    assert (call.number, call.matter, call.recipient, call.taken_by) == (
        "+12125550142",
        matter,
        attorney,
        receptionist,
    )
    assert call.callback_wanted and call.urgency == "normal"


def test_urgent_call_for_a_chosen_person(firm, attorney, firm_admin):
    client = signed_in(attorney)
    client.post(
        reverse("reception:call_new", args=[firm.slug]),
        a_call(urgent="on", recipient=str(firm_admin.public_id), callback_wanted=""),
    )
    call = CallLog.objects.for_firm(firm).get()
    assert call.urgency == "urgent" and call.recipient == firm_admin
    assert not call.callback_wanted and call.matter is None


def test_bad_number_keeps_everything_typed_and_says_what_to_fix(
    firm, receptionist, matter, firm_admin
):
    typed = a_call(
        number="212-55",
        matter=str(matter.public_id),
        matter_query="M-2026-001 Lopez v. Acme",
        recipient=str(firm_admin.public_id),
        urgent="on",
    )
    response = signed_in(receptionist).post(
        reverse("reception:call_new", args=[firm.slug]), typed
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert escape("“212-55” is not a phone number we can read") in html
    assert "nothing you typed was lost" in html
    assert value_of(html, "caller_name") == "Maria Lopez"
    assert value_of(html, "number") == "212-55"
    assert value_of(html, "matter") == str(matter.public_id)
    assert value_of(html, "matter_query") == "M-2026-001 Lopez v. Acme"
    assert "Asks whether the hearing moved." in html
    assert f'<option value="{firm_admin.public_id}" selected>' in html
    assert re.search(r'name="urgent"[^>]*checked', html)
    assert not CallLog.objects.for_firm(firm).exists()


def test_without_a_matter_the_recipient_is_asked_for(firm, receptionist):
    response = signed_in(receptionist).post(
        reverse("reception:call_new", args=[firm.slug]), a_call()
    )
    assert "Choose who the message is for." in response.content.decode()
    assert not CallLog.objects.for_firm(firm).exists()


def test_a_matter_typed_by_its_exact_number_is_found_without_the_list(
    firm, attorney, matter
):
    client = signed_in(attorney)
    url = reverse("reception:call_new", args=[firm.slug])
    client.post(url, a_call(matter_query="m-2026-001"))
    assert CallLog.objects.for_firm(firm).get().matter == matter

    response = client.post(url, a_call(matter_query="Lopez"))
    assert escape("No matter is numbered “Lopez”.") in response.content.decode()
    assert CallLog.objects.for_firm(firm).count() == 1


def test_a_matter_id_outside_the_scope_is_refused_not_used(
    firm, ungranted_receptionist, matter, other_matter, attorney
):
    client = signed_in(ungranted_receptionist)
    for public_id in (matter.public_id, other_matter.public_id):
        response = client.post(
            reverse("reception:call_new", args=[firm.slug]),
            a_call(matter=str(public_id), recipient=str(attorney.public_id)),
        )
        assert response.status_code == 200
        assert "That matter is not one you can see" in response.content.decode()
    assert not CallLog.objects.for_firm(firm).exists()


# --- The matter look-up ---------------------------------------------------------------


def lookup(client, firm, text) -> str:
    response = client.get(
        reverse("reception:call_matter_lookup", args=[firm.slug]),
        {"matter_query": text},
    )
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("text", ["M-2026-001", "lopez v", "maria"])
def test_lookup_finds_the_matter_by_number_title_or_client(
    firm, receptionist, matter, client_contact, attorney, text
):
    html = lookup(signed_in(receptionist), firm, text)
    assert f'data-matter="{matter.public_id}"' in html
    assert f'data-attorney="{attorney.public_id}"' in html
    assert "client Maria Lopez" in html


def test_lookup_gives_an_ungranted_receptionist_nothing_of_the_matter(
    firm, ungranted_receptionist, matter, client_contact
):
    client = signed_in(ungranted_receptionist)
    for text in ("M-2026-001", "Lopez", "Maria"):
        html = lookup(client, firm, text)
        assert str(matter.public_id) not in html
        assert "Lopez v. Acme" not in html
        assert "No matter you can see matches." in html


def test_lookup_never_shows_another_firms_matter(firm, attorney, other_matter):
    html = lookup(signed_in(attorney), firm, "2026")
    assert "B-2026-001" not in html and str(other_matter.public_id) not in html


def test_lookup_waits_for_two_characters(firm, attorney, matter):
    assert lookup(signed_in(attorney), firm, "M").strip() == ""


# --- The message list and acknowledging -----------------------------------------------


def test_recipient_acknowledges_from_for_me(firm, attorney, call, receptionist):
    client = signed_in(attorney)
    url = reverse("reception:call_list", args=[firm.slug])
    html = client.get(url).content.decode()
    assert 'aria-current="page">For me<' in html
    assert "Maria Lopez" in html and "(212) 555-0142" in html
    ack = reverse("reception:call_acknowledge", args=[firm.slug, call.public_id])
    assert f'action="{ack}"' in html

    response = client.post(ack, {"show": "mine"}, follow=True)

    assert response.redirect_chain == [(f"{url}?show=mine", 302)]
    assert "Acknowledged the message from Maria Lopez." in response.content.decode()
    call.refresh_from_db()
    assert call.acknowledged_at == NOW


def test_someone_else_sees_the_message_under_all_but_cannot_acknowledge_it(
    firm, firm_admin, call
):
    client = signed_in(firm_admin)
    url = reverse("reception:call_list", args=[firm.slug])
    assert "Maria Lopez" not in client.get(url).content.decode()
    everything = client.get(url, {"show": "all"}).content.decode()
    assert "Maria Lopez" in everything
    ack = reverse("reception:call_acknowledge", args=[firm.slug, call.public_id])
    assert ack not in everything
    assert client.post(ack).status_code == 404
    call.refresh_from_db()
    assert call.acknowledged_at is None


def test_receptionist_sees_only_the_calls_they_took_today(
    firm, receptionist, ungranted_receptionist, attorney, call, time_machine
):
    other = CallLog.unscoped.create(
        firm=firm,
        caller_name="Someone Else's Caller",
        received_at=NOW,
        message="x",
        taken_by=ungranted_receptionist,
        recipient=attorney,
    )
    CallLog.unscoped.create(
        firm=firm,
        caller_name="Yesterday's Caller",
        received_at=NOW - datetime.timedelta(days=1),
        message="x",
        taken_by=receptionist,
        recipient=attorney,
    )
    client = signed_in(receptionist)
    html = client.get(reverse("reception:call_list", args=[firm.slug])).content.decode()
    assert "Maria Lopez" in html
    assert "The messages you took today." in html
    assert other.caller_name not in html and "Yesterday" not in html
    assert "For me" not in html
    assert "Acknowledge" not in html
    # "all" is for firm members: the receptionist still gets their own.
    html = client.get(
        reverse("reception:call_list", args=[firm.slug]), {"show": "all"}
    ).content.decode()
    assert other.caller_name not in html and "Maria Lopez" in html


def test_a_message_on_a_matter_goes_from_reception_with_the_grant(
    firm, receptionist, attorney, call, matter
):
    """Reception keeps the messages it took without a matter; one on a matter
    is shown only while the matter is open to the person who took it."""
    CallLog.unscoped.create(
        firm=firm,
        caller_name="Walk-in Caller",
        received_at=NOW,
        message="Asked for opening hours.",
        taken_by=receptionist,
        recipient=attorney,
    )
    client = signed_in(receptionist)
    url = reverse("reception:call_list", args=[firm.slug])
    html = client.get(url).content.decode()
    assert "Maria Lopez" in html and "Walk-in Caller" in html
    MatterGrant.unscoped.filter(matter=matter, user=receptionist).delete()
    html = client.get(url).content.decode()
    assert "Maria Lopez" not in html and "Walk-in Caller" in html


def test_message_list_queries_do_not_grow_with_messages(
    firm, attorney, receptionist, matter, django_assert_max_num_queries
):
    client = signed_in(attorney)
    url = reverse("reception:call_list", args=[firm.slug])

    def add(n):
        for i in range(n):
            CallLog.unscoped.create(
                firm=firm,
                caller_name=f"Caller {i}",
                number="+12125550142",
                received_at=NOW,
                matter=matter,
                message="x",
                taken_by=receptionist,
                recipient=attorney,
            )

    client.get(url)
    add(3)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    add(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"show": "all"})


# --- Routing settings -----------------------------------------------------------------


def test_firm_admin_sets_on_call_and_escalation(firm, firm_admin, attorney, firm_staff):
    client = signed_in(firm_admin)
    url = reverse("reception:reception_settings", args=[firm.slug])
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "on_call": str(attorney.public_id),
            "escalate_after_minutes": "20",
            "escalate_to": str(firm_staff.public_id),
        },
    )

    assert response.status_code == 302
    row = ReceptionSettings.objects.for_firm(firm).get()
    assert (row.on_call, row.escalate_after_minutes, row.escalate_to) == (
        attorney,
        20,
        firm_staff,
    )
    html = client.get(url).content.decode()
    assert f'<option value="{attorney.public_id}" selected>' in html


def test_settings_refuse_a_bad_escalation_time_in_words(firm, firm_admin):
    response = signed_in(firm_admin).post(
        reverse("reception:reception_settings", args=[firm.slug]),
        {"on_call": "", "escalate_after_minutes": "0", "escalate_to": ""},
    )
    assert "Give at least 1 minute." in response.content.decode()
    assert not ReceptionSettings.objects.for_firm(firm).exists()


@pytest.mark.parametrize("who", ["attorney", "firm_staff", "receptionist"])
def test_settings_are_for_firm_admins_only(request, firm, who):
    user = request.getfixturevalue(who)
    url = reverse("reception:reception_settings", args=[firm.slug])
    assert signed_in(user).get(url).status_code == 404
