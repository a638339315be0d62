"""Template and drafting pages as attorneys, admins and assistants meet them:
upload and check, questions, starters, generating on a matter and again."""

import datetime
import re
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.documents import drafting, storage
from firmdesk.documents import drafting_services as services
from firmdesk.documents.models import Document, DocumentTemplate
from tests import factories as f
from tests.documents.drafting_helpers import docx, docx_upload, text_of

DOCS = Path(__file__).resolve().parents[2] / "docs" / "documents-templates.md"
LETTER = docx("Dear {{ client_name }},", "Pay {{ amount_demanded }} by {{ deadline }}.")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def template(firm, firm_admin):
    return services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(LETTER),
        name="Demand letter",
        questions=[
            {"name": "amount_demanded", "label": "Amount demanded", "kind": "money"},
            {"name": "deadline", "label": "Deadline", "kind": "future_date"},
        ],
    )


def _url(name, firm, *args):
    return reverse(f"documents:{name}", args=(firm.slug, *args))


def test_attorney_uploads_a_template_and_sees_its_check(client, firm, attorney):
    f.sign_in(client, attorney)
    response = client.post(
        _url("template_upload", firm),
        {"name": "Letter", "file": docx_upload(docx("{{ client_nmae }} {{ Amount }}"))},
    )
    assert DocumentTemplate.objects.for_firm(firm).filter(name="Letter").exists()
    assert response.status_code == 303
    page = client.get(response.url).content.decode()
    assert "Unknown fields" in page and "did you mean <code>client_name</code>" in page
    assert "Cannot be used yet" in page


def test_upload_of_another_kind_of_file_says_what_to_do_and_keeps_the_name(
    client, firm, attorney
):
    f.sign_in(client, attorney)
    response = client.post(
        _url("template_upload", firm),
        {"name": "My letter", "file": docx_upload(b"%PDF-1.7\n", "letter.pdf")},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "is not a Word .docx file" in page and 'value="My letter"' in page


def test_declaring_a_question_on_the_check_page(client, firm, firm_admin):
    template = services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(docx("{{ ClaimNumber }}")),
        name="Claim",
    )
    f.sign_in(client, firm_admin)
    url = _url("template_detail", firm, template.public_id)
    response = client.post(url, {"label_0": "Claim number", "kind_0": "text"})
    assert response.status_code == 303
    template.refresh_from_db()
    assert template.questions == [
        {"name": "claim_number", "label": "Claim number", "kind": "text"}
    ]
    assert "Ready to use" in client.get(url).content.decode()


def test_broken_syntax_is_shown_on_the_check_page(client, firm, firm_admin):
    template = services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(docx("Dear {{ client_name }")),
        name="Broken",
    )
    f.sign_in(client, firm_admin)
    page = client.get(_url("template_detail", firm, template.public_id)).content
    assert escape("“Dear {{ client_name }”") in page.decode()


def test_firm_admin_adds_the_starters_once(client, firm, firm_admin):
    f.sign_in(client, firm_admin)
    list_page = client.get(_url("template_list", firm)).content.decode()
    assert "Add FirmDesk's starter templates" in list_page
    client.post(_url("template_add_starters", firm))
    client.post(_url("template_add_starters", firm))
    assert DocumentTemplate.objects.for_firm(firm).count() == 5
    list_page = client.get(_url("template_list", firm)).content.decode()
    assert "Add FirmDesk's starter templates" not in list_page
    assert "Notice of appearance" in list_page


def test_retire_and_reactivate(client, firm, attorney, template, matter):
    f.sign_in(client, attorney)
    client.post(_url("template_set_active", firm, template.public_id), {"active": "0"})
    template.refresh_from_db()
    assert not template.active
    choose = client.get(_url("draft_generate", firm, matter.public_id)).content
    assert f"?template={template.public_id}".encode() not in choose
    client.post(_url("template_set_active", firm, template.public_id), {"active": "1"})
    template.refresh_from_db()
    assert template.active


def test_matter_page_links_to_generating(client, firm, assistant, matter):
    f.sign_in(client, assistant)
    page = client.get(
        reverse("matters:matter_detail", args=(firm.slug, matter.public_id))
    )
    assert _url("draft_generate", firm, matter.public_id) in page.content.decode()


@time_machine.travel("2026-12-06 15:00Z", tick=False)
def test_assistant_generates_a_draft_for_a_task(
    client, firm, assistant, matter, template
):
    task = f.task(firm, matter=matter, assignee=assistant, title="Draft the demand")
    f.sign_in(client, assistant)
    url = _url("draft_generate", firm, matter.public_id)
    choose = client.get(url).content.decode()
    assert f"?template={template.public_id}" in choose
    form_url = f"{url}?template={template.public_id}&task={task.public_id}"
    form = client.get(form_url).content.decode()
    assert "Amount demanded" in form
    assert re.search(rf'<option value="{task.pk}" selected>', form)
    response = client.post(
        form_url,
        {"task": task.pk, "q_amount_demanded": "2500", "q_deadline": "2027-01-04"},
    )
    document = Document.objects.for_firm(firm).get(template=template)
    assert response.status_code == 303
    assert response.url in (
        reverse("matters:matter_detail", args=(firm.slug, matter.public_id)),
        f"/f/{firm.slug}/documents/{document.public_id}/",
    )
    assert list(document.tasks.all()) == [task]
    text = text_of(storage.read_plaintext(document.current_version))
    assert "Pay $2,500.00 by January 4, 2027." in text


@time_machine.travel("2026-12-06 15:00Z", tick=False)
def test_a_past_date_where_a_future_one_is_asked_is_refused_keeping_answers(
    client, firm, attorney, matter, template
):
    f.sign_in(client, attorney)
    url = _url("draft_generate", firm, matter.public_id)
    url = f"{url}?template={template.public_id}"
    response = client.post(
        url, {"q_amount_demanded": "2500", "q_deadline": "2026-11-01"}
    )
    page = response.content.decode()
    assert "Choose a date after today (December 6, 2026)." in page
    assert 'value="2500"' in page
    assert not Document.objects.for_firm(firm).filter(template=template).exists()


def test_unknown_fields_are_named_on_the_generate_page(
    client, firm, firm_admin, attorney, matter
):
    bad = services.template_upload(
        firm=firm,
        actor=firm_admin,
        uploaded_file=docx_upload(docx("{{ client_nmae }}")),
        name="Bad",
    )
    f.sign_in(client, attorney)
    url = f"{_url('draft_generate', firm, matter.public_id)}?template={bad.public_id}"
    assert "“client_nmae”" in client.post(url, {}).content.decode()
    assert not Document.objects.for_firm(firm).filter(template=bad).exists()


@time_machine.travel("2026-12-06 15:00Z", tick=False)
def test_generate_again_fills_in_the_previous_answers(
    client, firm, attorney, matter, template
):
    document = services.draft_generate(
        scope=resolve_scope(attorney, firm),
        template=template,
        matter=matter,
        answers={"amount_demanded": "2500", "deadline": "2027-01-04"},
        today=datetime.date(2026, 12, 6),
    )
    f.sign_in(client, attorney)
    url = _url("draft_generate_again", firm, document.public_id)
    page = client.get(url).content.decode()
    assert 'value="2500.00"' in page and 'value="2027-01-04"' in page
    client.post(url, {"q_amount_demanded": "3000", "q_deadline": "2027-01-04"})
    assert document.versions.count() == 2
    Document.unscoped.filter(pk=document.pk).update(status="final")
    response = client.post(url, {"q_amount_demanded": "1", "q_deadline": "2027-01-04"})
    assert response.status_code == 409
    assert "no longer a draft" in response.content.decode()
    assert document.versions.count() == 2


def test_field_list_page_and_the_guide_list_every_field(client, firm, firm_staff):
    f.sign_in(client, firm_staff)
    page = client.get(_url("template_fields", firm)).content.decode()
    guide = DOCS.read_text()
    for field in drafting.CATALOGUE:
        assert f"<code>{field.name}</code>" in page
        assert f"`{field.name}`" in guide, field.name
