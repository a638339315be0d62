"""The demo's documents (demo/demo_documents.py, docs/demo.md "Try
documents"): what the people of the walk-through find on their pages."""

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument

from firmdesk.demo.demo_documents import (
    DEMAND_EXPLANATION,
    ENGAGEMENT_EXPLANATION,
    ESTATE_TASK,
)
from firmdesk.demo.services import demo_load
from firmdesk.documents import storage
from firmdesk.documents.models import (
    Document,
    DocumentTemplate,
    Exhibit,
    ShareLink,
    Submission,
)
from firmdesk.documents.starters import STARTERS
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Organization, User
from firmdesk.work.models import Task
from tests.factories import sign_in

pytestmark = pytest.mark.usefixtures("demo_loaded")


@pytest.fixture
def hale(db):
    return Organization.objects.get(slug="hale-ortiz")


@pytest.fixture
def litigation(hale):
    return Matter.objects.for_firm(hale).get(number__endswith="-0001")


def person(email):
    return User.objects.get(email=email)


def generated(hale, litigation, starter):
    return Document.objects.for_firm(hale).get(
        matter=litigation, template__starter=starter
    )


def page(client, email, name, *args):
    sign_in(client, person(email))
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_loading_again_adds_nothing():
    assert demo_load() == 0


@pytest.mark.parametrize("slug", ["hale-ortiz", "brandt-kimura"])
def test_every_firm_has_the_starter_templates(client, slug):
    firm = Organization.objects.get(slug=slug)
    names = set(
        DocumentTemplate.objects.for_firm(firm)
        .filter(active=True)
        .values_list("name", flat=True)
    )
    assert names == {starter.name for starter in STARTERS}
    listed = page(client, f"attorney@{slug}.example", "documents:template_list", slug)
    for name in names:
        assert name in listed


def test_the_demand_letter_waits_for_the_attorney_with_its_finding_explained(
    client, hale, litigation
):
    letter = generated(hale, litigation, "demand_letter")
    assert letter.status == Document.Status.IN_REVIEW
    submission = Submission.objects.for_firm(hale).get(document=letter)
    assert submission.decision == Submission.Decision.PENDING
    assert submission.submitted_by.email == "assistant@northstar.example"
    [finding] = submission.findings
    assert finding["code"] == "empty_value"
    assert "pay or respond was left empty" in finding["message"]
    shown = page(
        client,
        "attorney@hale-ortiz.example",
        "documents:document_detail",
        hale.slug,
        letter.public_id,
    )
    assert "Waiting for review" in shown
    assert DEMAND_EXPLANATION in shown.replace("&#x27;", "'")
    text = "\n".join(
        p.text
        for p in WordDocument(
            io.BytesIO(storage.read_plaintext(letter.current_version))
        ).paragraphs
    )
    assert "$48,250.00" in text
    assert "«" not in text


def test_the_engagement_letter_is_final_and_shared_once(client, hale, litigation):
    letter = generated(hale, litigation, "engagement_letter")
    assert letter.status == Document.Status.FINAL
    [submission] = Submission.objects.for_firm(hale).filter(document=letter)
    assert submission.decision == Submission.Decision.APPROVED
    assert {f["explanation"] for f in submission.findings} <= {ENGAGEMENT_EXPLANATION}
    link = ShareLink.objects.for_firm(hale).get(document=letter)
    assert "(the client)" in link.recipient
    assert link.passcode_hash == ""
    shown = page(
        client,
        "attorney@hale-ortiz.example",
        "documents:document_detail",
        hale.slug,
        letter.public_id,
    )
    assert link.recipient in shown
    assert "Share by link" in shown


def test_the_litigation_matter_has_an_exhibit_list_of_four(client, hale, litigation):
    exhibits = list(Exhibit.objects.for_firm(hale).filter(matter=litigation))
    assert [e.number for e in exhibits] == [1, 2, 3, 4]
    assert {e.status for e in exhibits} == {"marked", "offered", "admitted"}
    shown = page(
        client,
        "paralegal@northstar.example",
        "documents:exhibit_list",
        hale.slug,
        litigation.public_id,
    )
    for exhibit in exhibits:
        assert exhibit.description.replace("'", "&#x27;") in shown


def test_the_assistant_finds_the_draft_on_the_task_they_handed_in(client, hale):
    task = Task.objects.for_firm(hale).get(title=ESTATE_TASK)
    [draft] = task.attachments.all()
    assert draft.current_version.uploaded_by.email == "assistant@northstar.example"
    shown = page(
        client,
        "assistant@northstar.example",
        "work:task_detail",
        hale.slug,
        task.public_id,
    )
    assert draft.title in shown
