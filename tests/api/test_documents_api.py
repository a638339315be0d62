"""The documents routes: metadata, uploads with the page's checks, and
streamed, audited downloads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from firmdesk.api.routes.documents import DocumentStatus
from firmdesk.audit.models import AuditEvent
from firmdesk.documents.models import Document
from firmdesk.documents.services import document_add_version, document_upload
from tests import factories as f

from .helpers import Api, token_for

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _url(name, firm, **kwargs):
    return reverse(f"api:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


def _doc(firm, actor, matter, name="lopez-letter.pdf", body=PDF):
    return document_upload(
        firm=firm,
        actor=actor,
        uploaded_file=SimpleUploadedFile(name, body),
        matter=matter,
    )


def _upload(token, firm, *, name="demand.pdf", body=PDF, **fields):
    """A multipart upload, as curl -F sends it."""
    return Client().post(
        _url("create_document", firm),
        {"file": SimpleUploadedFile(name, body), **fields},
        headers={"Authorization": f"Bearer {token}"},
    )


def _downloaded(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_api_knows_every_status_a_document_has():
    assert {s.value for s in DocumentStatus} == set(Document.Status.values)


def test_list_filters_by_matter_and_task_and_keeps_other_firms_out(
    firm, attorney, matter, other_firm, outsider, other_matter
):
    on_matter = _doc(firm, attorney, matter)
    elsewhere = f.MatterFactory(firm=firm, number="M-2026-050", title="Other")
    _doc(firm, attorney, elsewhere, name="other.pdf")
    _doc(other_firm, outsider, other_matter, name="brandt.pdf")
    task = f.task(firm, matter=matter)
    task.attachments.add(on_matter)
    api = Api(token_for(attorney, firm))

    everything = api.get(_url("list_documents", firm)).json()["items"]
    assert len(everything) == 2
    assert "brandt.pdf" not in str(everything)
    by_matter = api.get(_url("list_documents", firm), {"matter": matter.public_id})
    assert [d["id"] for d in by_matter.json()["items"]] == [str(on_matter.public_id)]
    by_task = api.get(_url("list_documents", firm), {"task": task.public_id})
    assert [d["id"] for d in by_task.json()["items"]] == [str(on_matter.public_id)]
    item = by_task.json()["items"][0]
    assert item["matter"]["number"] == matter.number
    assert item["current_version"]["file_name"] == "lopez-letter.pdf"


def test_task_only_staff_see_their_tasks_file_but_not_its_matters_name(
    firm, attorney, matter, ungranted_assistant
):
    document = _doc(firm, attorney, matter)
    _doc(firm, attorney, matter, name="not-theirs.pdf")
    task = f.task(firm, matter=matter, assignee=ungranted_assistant)
    task.attachments.add(document)
    api = Api(token_for(ungranted_assistant, firm))
    items = api.get(_url("list_documents", firm)).json()["items"]
    assert [d["title"] for d in items] == ["lopez-letter.pdf"]
    assert items[0]["matter"] is None
    by_matter = api.get(_url("list_documents", firm), {"matter": matter.public_id})
    assert by_matter.json()["items"] == []


def test_detail_lists_versions_newest_first_and_is_audited(firm, attorney, matter):
    document = _doc(firm, attorney, matter)
    document_add_version(
        document=document,
        actor=attorney,
        uploaded_file=SimpleUploadedFile("lopez-letter-v2.pdf", PDF + b"%v2\n"),
    )
    response = Api(token_for(attorney, firm)).get(
        _url("get_document", firm, document_id=document.public_id)
    )
    assert response.status_code == 200
    assert response["ETag"]
    versions = response.json()["versions"]
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[1]["download_url"].endswith("/versions/1/download")
    event = AuditEvent.objects.filter(org=firm, action="document.viewed").last()
    assert event.actor == attorney and "API token" in event.summary


def test_upload_on_a_matter_makes_a_draft_with_the_title_given(firm, attorney, matter):
    response = _upload(
        token_for(attorney, firm), firm, matter=matter.public_id, title="Demand"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Demand" and body["status"] == "draft"
    assert body["current_version"]["size"] == len(PDF)
    document = Document.objects.for_firm(firm).get(public_id=body["id"])
    assert document.matter == matter
    assert AuditEvent.objects.filter(
        org=firm, action="document.uploaded", actor=attorney
    ).exists()


def test_upload_on_a_task_attaches_it_for_the_assignee(
    firm, matter, ungranted_assistant
):
    task = f.task(firm, matter=matter, assignee=ungranted_assistant)
    response = _upload(token_for(ungranted_assistant, firm), firm, task=task.public_id)
    assert response.status_code == 201, response.content
    attached = task.attachments.get()
    assert str(attached.public_id) == response.json()["id"]
    assert attached.matter == matter


def test_upload_refuses_a_macro_file_with_the_pages_words(firm, attorney, matter):
    response = _upload(
        token_for(attorney, firm), firm, matter=matter.public_id, name="Brief.docm"
    )
    assert response.status_code == 422
    message = response.json()["fields"]["file"][0]
    assert "macros" in message and "Save As" in message
    assert not Document.objects.for_firm(firm).exists()


def test_upload_refused_when_the_virus_scanner_does_not_answer(
    settings, tmp_path, firm, attorney, matter
):
    settings.FIRMDESK_CLAMAV_SOCKET = str(tmp_path / "clamd.sock")
    response = _upload(token_for(attorney, firm), firm, matter=matter.public_id)
    assert response.status_code == 422
    assert "virus" in response.json()["fields"]["file"][0]
    assert not Document.objects.for_firm(firm).exists()


def test_upload_needs_exactly_one_of_matter_or_task(firm, attorney, matter):
    response = _upload(token_for(attorney, firm), firm)
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"matter", "task"}


def test_upload_on_a_matter_the_token_cannot_open_is_a_field_error(
    firm, attorney, matter, ungranted_assistant
):
    response = _upload(
        token_for(ungranted_assistant, firm), firm, matter=matter.public_id
    )
    assert response.status_code == 422
    assert "matter" in response.json()["fields"]
    assert not Document.objects.for_firm(firm).exists()


def test_download_streams_the_uploaded_bytes_and_is_audited(firm, attorney, matter):
    body = PDF + b"x" * 200_000  # several encrypted chunks
    document = _doc(firm, attorney, matter, body=body)
    api = Api(token_for(attorney, firm))
    response = api.get(_url("download_document", firm, document_id=document.public_id))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert "lopez-letter.pdf" in response["Content-Disposition"]
    assert _downloaded(response) == body
    event = AuditEvent.objects.filter(org=firm, action="document.downloaded").last()
    assert event.actor == attorney and event.matter_id == str(matter.public_id)


def test_an_older_version_downloads_by_its_number(firm, attorney, matter):
    document = _doc(firm, attorney, matter)
    document_add_version(
        document=document,
        actor=attorney,
        uploaded_file=SimpleUploadedFile("v2.pdf", PDF + b"%v2\n"),
    )
    api = Api(token_for(attorney, firm))
    first = api.get(
        _url(
            "download_document_version",
            firm,
            document_id=document.public_id,
            number=1,
        )
    )
    assert _downloaded(first) == PDF
    missing = api.get(
        _url(
            "download_document_version",
            firm,
            document_id=document.public_id,
            number=9,
        )
    )
    assert missing.status_code == 404


def test_a_matter_that_is_not_an_id_is_named_in_fields(firm, attorney):
    response = _upload(token_for(attorney, firm), firm, matter="M-2026-001")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["matter"]
