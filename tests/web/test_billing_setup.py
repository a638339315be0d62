"""Billing set-up pages: who reads, who changes, and forms that keep what
was typed and say what to fix."""

from decimal import Decimal

import pytest
from django.urls import reverse

from firmdesk.billing.models import (
    BillingSettings,
    ClientBillingTerms,
    MatterBilling,
    MatterRate,
    Timekeeper,
)
from firmdesk.billing.rates import billing_settings
from firmdesk.matters.models import Contact, MatterParty
from tests import factories as f


@pytest.fixture
def billing_assistant(provider, engagement, matter):
    """Outside staff who do the firm's billing, granted the matter."""
    engagement.functions = [*engagement.functions, "billing"]
    engagement.save(update_fields=["functions"])
    user = f.member(
        provider, ["paralegal"], email="billing@northstar.test", full_name="Bea Cruz"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user


@pytest.fixture
def client_contact(firm, matter):
    contact = Contact.unscoped.create(firm=firm, kind="organization", name="Acme Corp")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


def settings_post(**changes):
    data = {
        "increment": "0.10",
        "max_hours_per_day": "10",
        "vague_phrases": "Attention to file\n\nreview\nattention to  FILE",
        "law_firm_id": "12-3456789",
        "invoice_prefix": "HO-",
        "next_invoice_number": "1",
        "shown_next_number": "1",
        "payment_terms_days": "30",
        "reminder_days": "7, 30, 60",
        "outside_staff_rate": "0",
        "currency": "USD",
        "remit_to": "1 Main St",
        "invoice_footer": "",
        "accent_color": "#1F3A5F",
    }
    data.update(changes)
    return data


def test_admin_saves_the_settings(client, firm, firm_admin):
    f.sign_in(client, firm_admin)
    url = reverse("billing:settings", args=[firm.slug])
    response = client.post(url, settings_post(increment="0.25"))
    assert response.status_code == 303
    saved = BillingSettings.objects.for_firm(firm).get()
    assert saved.increment == Decimal("0.25")
    assert saved.vague_phrases == ["attention to file", "review"]
    assert saved.accent_color == "#1f3a5f"
    assert saved.reminder_days == [7, 30, 60]
    assert "Billing settings saved" in client.get(url).content.decode()


def test_bad_settings_keep_what_was_typed_and_say_what_to_fix(client, firm, firm_admin):
    f.sign_in(client, firm_admin)
    url = reverse("billing:settings", args=[firm.slug])
    page = client.post(
        url,
        settings_post(
            law_firm_id="12-34", reminder_days="7, soon", remit_to="PO Box 12"
        ),
    ).content.decode()
    assert "A taxpayer ID has 9 digits" in page
    assert "“soon” is not a number of days" in page
    assert "nothing you typed was lost" in page
    assert "PO Box 12" in page and 'value="12-34"' in page
    assert billing_settings(firm).remit_to == ""


def test_lowering_the_next_invoice_number_is_refused(client, firm, firm_admin):
    current = billing_settings(firm)
    current.next_invoice_number = 40
    current.save()
    f.sign_in(client, firm_admin)
    page = client.post(
        reverse("billing:settings", args=[firm.slug]),
        settings_post(next_invoice_number="12", shown_next_number="40"),
    ).content.decode()
    assert "can only go up: it is 40 now" in page
    assert billing_settings(firm).next_invoice_number == 40


def test_a_number_raised_meanwhile_is_not_lowered_by_an_old_form(
    client, firm, firm_admin
):
    f.sign_in(client, firm_admin)
    url = reverse("billing:settings", args=[firm.slug])
    current = billing_settings(firm)
    current.next_invoice_number = 8  # an invoice was numbered after the page loaded
    current.save()
    client.post(url, settings_post(next_invoice_number="7", shown_next_number="7"))
    assert billing_settings(firm).next_invoice_number == 8


def test_firm_staff_read_settings_without_a_form(client, firm, firm_staff):
    f.sign_in(client, firm_staff)
    url = reverse("billing:settings", args=[firm.slug])
    page = client.get(url).content.decode()
    assert "Only a firm admin can change" in page and 'name="increment"' not in page
    assert client.post(url, settings_post()).status_code == 404


def test_outside_billing_staff_read_settings(client, firm, billing_assistant):
    f.sign_in(client, billing_assistant)
    assert client.get(reverse("billing:settings", args=[firm.slug])).status_code == 200


def test_assistant_without_billing_gets_404(client, firm, assistant):
    f.sign_in(client, assistant)
    assert client.get(reverse("billing:settings", args=[firm.slug])).status_code == 404


def test_add_the_missing_people_then_set_a_rate(
    client, firm, firm_admin, attorney, assistant
):
    f.sign_in(client, firm_admin)
    listing = reverse("billing:timekeeper_list", args=[firm.slug])
    assert "Owen Ortiz" in client.get(listing).content.decode()
    response = client.post(reverse("billing:timekeepers_add_missing", args=[firm.slug]))
    assert response.status_code == 303 and response.url == listing
    page = client.get(listing).content.decode()
    assert "Added 3 timekeepers" in page and "People without a timekeeper" not in page
    keeper = Timekeeper.objects.for_firm(firm).get(user=attorney)
    edit = reverse("billing:timekeeper_edit", args=[firm.slug, keeper.public_id])
    response = client.post(
        edit,
        {
            "code": "oo",
            "classification": "ASSOC",
            "default_rate": "325",
            "cost_rate": "110.50",
            "active": "on",
        },
    )
    assert response.status_code == 302
    keeper.refresh_from_db()
    assert (keeper.code, keeper.default_rate) == ("OO", Decimal("325.00"))
    assert "$325.00" in client.get(listing).content.decode()


def test_a_taken_code_is_refused_on_the_form(client, firm, firm_admin, attorney):
    f.sign_in(client, firm_admin)
    client.post(reverse("billing:timekeepers_add_missing", args=[firm.slug]))
    keeper = Timekeeper.objects.for_firm(firm).get(user=attorney)
    page = client.post(
        reverse("billing:timekeeper_edit", args=[firm.slug, keeper.public_id]),
        {
            "code": "GH",
            "classification": "ASSOC",
            "default_rate": "3o0",
            "cost_rate": "0",
        },
    ).content.decode()
    assert "Give an amount in figures" in page and 'value="3o0"' in page
    page = client.post(
        reverse("billing:timekeeper_edit", args=[firm.slug, keeper.public_id]),
        {
            "code": "GH",
            "classification": "ASSOC",
            "default_rate": "300",
            "cost_rate": "0",
        },
    ).content.decode()
    assert "Grace Hale already has the code GH" in page


def test_attorney_sets_matter_terms_and_a_timekeeper_rate(
    client, firm, firm_admin, attorney, matter
):
    f.sign_in(client, firm_admin)
    client.post(reverse("billing:timekeepers_add_missing", args=[firm.slug]))
    f.sign_in(client, attorney)
    detail = client.get(
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    ).content.decode()
    terms_url = reverse("billing:matter_terms", args=[firm.slug, matter.public_id])
    assert terms_url in detail
    page = client.get(terms_url).content.decode()
    assert "own rate on a matter wins over every other rate." in page
    client.post(
        terms_url, {"rate": "250", "client_matter_id": "ACME-77", "billable": "on"}
    )
    terms = MatterBilling.objects.for_firm(firm).get(matter=matter)
    assert (terms.rate, terms.client_matter_id) == (Decimal("250.00"), "ACME-77")
    keeper = Timekeeper.objects.for_firm(firm).get(user=attorney)
    add = reverse("billing:matter_rate_add", args=[firm.slug, matter.public_id])
    client.post(add, {"timekeeper": keeper.pk, "rate": "275"})
    row = MatterRate.objects.for_firm(firm).get()
    assert row.rate == Decimal("275.00")
    page = client.get(terms_url).content.decode()
    assert "$275.00" in page
    client.post(
        reverse(
            "billing:matter_rate_remove",
            args=[firm.slug, matter.public_id, row.public_id],
        )
    )
    assert not MatterRate.objects.for_firm(firm).exists()


def test_outside_staff_are_not_offered_a_matter_rate(
    client, firm, firm_admin, assistant, matter
):
    f.sign_in(client, firm_admin)
    client.post(reverse("billing:timekeepers_add_missing", args=[firm.slug]))
    outside = Timekeeper.objects.for_firm(firm).get(user=assistant)
    page = client.post(
        reverse("billing:matter_rate_add", args=[firm.slug, matter.public_id]),
        {"timekeeper": outside.pk, "rate": "90"},
    ).content.decode()
    assert "Choose a timekeeper from the list" in page and 'value="90"' in page
    assert not MatterRate.objects.for_firm(firm).exists()


def test_billing_staff_read_matter_terms_but_cannot_change_them(
    client, firm, matter, billing_assistant
):
    f.sign_in(client, billing_assistant)
    url = reverse("billing:matter_terms", args=[firm.slug, matter.public_id])
    assert "Only the firm's attorneys" in client.get(url).content.decode()
    response = client.post(url, {"rate": "1", "client_matter_id": "", "billable": ""})
    assert response.status_code == 404
    assert not MatterBilling.objects.for_firm(firm).exists()


def test_the_matter_page_hides_the_link_from_those_who_may_not_open_it(
    client, firm, matter, assistant
):
    f.sign_in(client, assistant)
    page = client.get(
        reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    ).content.decode()
    assert "Billing terms" not in page


def test_client_terms_from_the_contact_page(client, firm, attorney, client_contact):
    f.sign_in(client, attorney)
    contact_page = client.get(
        reverse("matters:contact_detail", args=[firm.slug, client_contact.public_id])
    ).content.decode()
    url = reverse("billing:client_terms", args=[firm.slug, client_contact.public_id])
    assert url in contact_page
    page = client.post(
        url, {"ledes": "on", "requires_utbms": "on", "billing_email": "ap@acme"}
    ).content.decode()
    assert "Give an e-mail address" in page
    page = client.post(
        url, {"ledes": "on", "requires_utbms": "on", "billing_email": "ap@acme.test"}
    ).content.decode()
    assert "needs a client code" in page and 'value="ap@acme.test"' in page
    response = client.post(
        url,
        {
            "client_code": "ACME01",
            "ledes": "on",
            "requires_utbms": "on",
            "billing_email": "ap@acme.test",
        },
    )
    assert response.status_code == 303
    terms = ClientBillingTerms.objects.for_firm(firm).get(client=client_contact)
    assert terms.ledes and terms.requires_utbms and terms.client_code == "ACME01"


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_timekeeper_list_queries_do_not_grow_with_people(
    client, firm, firm_admin, attorney, assistant
):
    f.sign_in(client, firm_admin)
    url = reverse("billing:timekeeper_list", args=[firm.slug])
    client.post(reverse("billing:timekeepers_add_missing", args=[firm.slug]))
    few = _queries(client, url)
    for n in range(8):
        f.member(firm, ["attorney"], email=f"a{n}@hale.test", full_name=f"Ann Lee {n}")
    client.post(reverse("billing:timekeepers_add_missing", args=[firm.slug]))
    assert Timekeeper.objects.for_firm(firm).count() == 11
    assert _queries(client, url) <= few
