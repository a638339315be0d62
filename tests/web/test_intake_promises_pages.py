"""Intake promises on the pages (issue 16, item 8): the public form and its
thank-you page promise the agreed first-response time; the form sent twice
(a double click, a retry) makes one lead; a file chosen on it survives an
error elsewhere on the form; the lead's booking page offers the attorneys of
its practice area first; retaining from the lead's page asks, with nothing
chosen, whether to use a matching contact on file."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from firmdesk.documents.models import Document
from firmdesk.intake import tasks
from firmdesk.intake.models import HeldUpload, IntakeForm, IntakeQuestion, Lead
from firmdesk.matters.models import Matter, MatterParty
from tests import factories as f
from tests.isolation.fixtures_intake import *  # noqa: F403
from tests.isolation.fixtures_intake import clear, existing_client, take_lead

VISITOR = {
    "name": "Maria Lopez",
    "email": "maria@example.com",
    "phone": "(312) 555-0142",
    "description": "A delivery truck hit my car at a red light.",
    "adverse_parties": "Acme Freight LLC",
    "website": "",
}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def injury_form(firm):
    """A required date, then a required file."""
    form = IntakeForm.unscoped.create(
        firm=firm, title="Injury inquiry", slug="injury", practice_area="Family law"
    )
    for n, (label, kind) in enumerate([("When?", "date"), ("Police report", "file")]):
        IntakeQuestion.unscoped.create(
            firm=firm, form=form, position=n, label=label, kind=kind, required=True
        )
    return form


def form_url(form):
    return reverse("public_intake:public_intake_form", args=[form.firm.slug, form.slug])


def form_token(response) -> str:
    return re.search(
        r'name="form_token" value="([^"]+)"', response.content.decode()
    ).group(1)


def pdf(name="police-report.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + b"0" * 100, "application/pdf")


def test_form_and_thanks_page_promise_the_agreed_first_response_time(
    client, engagement, injury_form, media
):
    engagement.first_response_minutes = 30
    engagement.save()
    promise = escape(
        "We will answer you within 30 minutes during the firm's business hours."
    )
    page = client.get(form_url(injury_form))
    assert promise in page.content.decode()
    assert "no-store" in page["Cache-Control"], "Back shows a fresh token"

    sent = client.post(
        form_url(injury_form),
        {**VISITOR, "q1": "2026-11-02", "q2": pdf(), "form_token": form_token(page)},
    )
    thanks = client.get(sent.url).content.decode()
    assert promise in thanks
    assert "shortly" not in thanks


def test_every_rendering_of_the_form_has_its_own_token(client, injury_form):
    first, second = (form_token(client.get(form_url(injury_form))) for _ in range(2))
    assert first != second and len(first) >= 32


def test_the_form_sent_twice_makes_one_lead_and_answers_the_same_thanks(
    client, engagement, injury_form, media
):
    token = form_token(client.get(form_url(injury_form)))
    data = {**VISITOR, "q1": "2026-11-02", "form_token": token}
    first = client.post(form_url(injury_form), {**data, "q2": pdf()})
    again = client.post(form_url(injury_form), {**data, "q2": pdf()})
    assert first.status_code == again.status_code == 302
    assert again.url == first.url
    (lead,) = Lead.objects.for_firm(injury_form.firm)
    assert lead.documents.count() == 1


def test_a_retry_is_not_held_back_by_the_rate_limit(
    client, engagement, injury_form, media, settings
):
    settings.FIRMDESK_INTAKE_RATE_LIMIT = "1/hour"
    token = form_token(client.get(form_url(injury_form)))
    data = {**VISITOR, "q1": "2026-11-02", "form_token": token}
    assert client.post(form_url(injury_form), {**data, "q2": pdf()}).status_code == 302
    assert client.post(form_url(injury_form), {**data, "q2": pdf()}).status_code == 302
    assert Lead.objects.for_firm(injury_form.firm).count() == 1


def test_a_chosen_file_survives_an_error_elsewhere_on_the_form(
    client, engagement, injury_form, media
):
    token = form_token(client.get(form_url(injury_form)))
    wrong = client.post(
        form_url(injury_form),
        {**VISITOR, "q1": "", "q2": pdf("police-report.pdf"), "form_token": token},
    )
    body = wrong.content.decode()
    assert wrong.status_code == 200
    assert "We kept the file you chose, “police-report.pdf”" in body
    assert "choose the file again" not in body
    assert form_token(wrong) == token
    assert not Lead.objects.for_firm(injury_form.firm).exists()

    # Sent again with the date, and no file chosen this time.
    sent = client.post(
        form_url(injury_form), {**VISITOR, "q1": "2026-11-02", "form_token": token}
    )
    assert sent.status_code == 302
    lead = Lead.objects.for_firm(injury_form.firm).get()
    assert [d.title for d in lead.documents.all()] == ["police-report.pdf"]
    assert lead.answers[1]["answer"] == "police-report.pdf"
    assert not HeldUpload.objects.for_firm(injury_form.firm).exists()


def test_a_held_file_the_visitor_takes_back_is_not_sent(
    client, engagement, injury_form, media
):
    token = form_token(client.get(form_url(injury_form)))
    client.post(
        form_url(injury_form),
        {**VISITOR, "q1": "", "q2": pdf("wrong-file.pdf"), "form_token": token},
    )
    page = client.post(
        form_url(injury_form),
        {**VISITOR, "q1": "2026-11-02", "form_token": token, "remove_held": "q2"},
    )
    assert page.status_code == 200, "the file is required: asked for again"
    assert "wrong-file.pdf" not in page.content.decode()
    assert not Lead.objects.for_firm(injury_form.firm).exists()
    assert not HeldUpload.objects.for_firm(injury_form.firm).exists()


def test_lead_booking_page_lists_the_practice_area_attorneys_first(
    client, firm, attorney, engagement, intake_specialist
):
    zoe = f.member(firm, ["attorney"], email="zoe@hale.test", full_name="Zoe Young")
    f.MatterFactory(
        firm=firm,
        number="M-2026-010",
        practice_area="Family law",
        responsible_attorney=zoe,
    )
    lead = take_lead(firm, intake_specialist, practice_area="Family law")
    body = client.get(
        reverse("public_intake:public_booking_for_lead", args=[lead.token])
    ).content.decode()
    assert body.index("Zoe Young") < body.index("Owen Ortiz")
    assert "Zoe Young</a> (Family law)" in body


# --- Retaining onto a contact on file -------------------------------------------------


def test_retain_asks_with_nothing_chosen_and_uses_the_contact_on_file(
    firm, attorney, engagement, intake_specialist
):
    contact, _ = existing_client(
        firm, attorney, name="Dana Whitfield", number="M-2025-011"
    )
    lead = take_lead(firm, intake_specialist, adverse=("Ray Moss",))
    clear(lead, attorney, decision="waived", note="Same client; no conflict.")
    client = f.sign_in(Client(), attorney)
    detail = reverse("intake:lead_detail", args=[firm.slug, lead.public_id])
    page = client.get(detail).content.decode()
    assert f'value="{contact.public_id}"' in page
    assert 'name="retain_client"' not in page  # the field is "client"
    radios = re.findall(r'<input type="radio" name="client"[^>]*>', page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)

    action = reverse("intake:lead_action", args=[firm.slug, lead.public_id])
    data = {
        "action": "retain",
        "revision": Lead.unscoped.get(pk=lead.pk).revision,
        "title": "Whitfield v. Moss",
        "responsible_attorney": str(attorney.public_id),
        "practice_area": "Family law",
    }
    refused = client.post(action, data)
    body = refused.content.decode()
    assert refused.status_code == 200
    assert "choose the contact to use, or add a new one" in body
    assert 'value="Whitfield v. Moss"' in body
    assert not Matter.objects.for_firm(firm).filter(title="Whitfield v. Moss").exists()

    done = client.post(action, {**data, "client": str(contact.public_id)})
    assert done.status_code == 303
    matter = Matter.objects.for_firm(firm).get(title="Whitfield v. Moss")
    party = MatterParty.objects.for_firm(firm).get(matter=matter, role="client")
    assert party.contact == contact


def test_a_new_file_replaces_the_held_one_and_leaves_nothing_behind(
    client, engagement, injury_form, media
):
    token = form_token(client.get(form_url(injury_form)))
    client.post(
        form_url(injury_form),
        {**VISITOR, "q1": "", "q2": pdf("old-scan.pdf"), "form_token": token},
    )
    sent = client.post(
        form_url(injury_form),
        {**VISITOR, "q1": "2026-11-02", "q2": pdf("new-scan.pdf"), "form_token": token},
    )
    assert sent.status_code == 302
    lead = Lead.objects.for_firm(injury_form.firm).get()
    assert [d.title for d in lead.documents.all()] == ["new-scan.pdf"]
    assert not HeldUpload.objects.for_firm(injury_form.firm).exists()
    assert (
        not Document.objects.for_firm(injury_form.firm)
        .exclude(pk__in=lead.documents.values("pk"))
        .exists()
    )


def test_the_confirmation_email_makes_the_same_promise(
    client, engagement, injury_form, media, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    engagement.first_response_minutes = 15
    engagement.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(form_url(injury_form), {**VISITOR, "q1": "2026-11-02", "q2": pdf()})
    lead = Lead.objects.for_firm(injury_form.firm).get()
    assert tasks.send_submission_confirmation.call(lead.pk) is True
    (message,) = mail.outbox
    assert (
        "We will answer you within 15 minutes during the firm's business hours."
        in message.body
    )
