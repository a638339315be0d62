"""A download of a stored copy that cannot be read (issue 19, item 2): never a
byte that did not verify; a page that says what happened and what to do;
the refusal audited as ``document.damaged`` and the firm's admins told."""

import base64

import pytest
from django.test import Client
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from firmdesk.documents import crypto
from firmdesk.documents.crypto import CHUNK
from firmdesk.documents.services import document_upload
from firmdesk.notify.models import Notification
from firmdesk.web.pages import stream_version
from tests import factories as f

from .helpers import upload

MARKER = b"PRIVILEGED-MEMO-ORTIZ-0193 "


@pytest.fixture(autouse=True)
def master_key(settings):
    settings.FIRMDESK_MASTER_KEY = base64.b64encode(b"d" * 32).decode()
    crypto.forget_opened_keys()
    yield
    crypto.forget_opened_keys()


@pytest.fixture
def attached(firm, matter, attorney, firm_admin):
    """A three-frame file attached to a task the attorney may open."""
    content = MARKER * (2 * CHUNK // len(MARKER) + 200)
    document = document_upload(
        firm=firm,
        actor=attorney,
        matter=matter,
        uploaded_file=upload("Memo.txt", content),
    )
    task = f.task(firm, matter=matter, assignee=attorney, title="Read the memo")
    task.attachments.add(document)
    url = reverse(
        "work:task_attachment", args=[firm.slug, task.public_id, document.public_id]
    )
    return document, content, url


def _damage(document, media_root, position):
    path = media_root / document.current_version.file.name
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def _signed_in(user):
    return f.sign_in(Client(), user)


def test_a_sound_file_downloads_whole_and_the_download_is_audited(attached, attorney):
    document, content, url = attached
    response = _signed_in(attorney).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == content
    assert response["Content-Length"] == str(len(content))
    assert AuditEvent.objects.filter(action="document.downloaded").count() == 1


def test_damage_at_the_start_gives_a_page_saying_so_and_tells_the_admins(
    attached, attorney, firm_admin, media_root
):
    document, _, url = attached
    _damage(document, media_root, crypto.HEADER.size + 100)
    response = _signed_in(attorney).get(url)
    assert response.status_code == 500
    body = response.content.decode()
    assert "This file cannot be downloaded" in body
    assert "The stored copy of “Memo.txt” is damaged" in body
    assert "administrators have been told" in body
    assert "upload it as a new version" in body
    assert MARKER.decode() not in body
    event = AuditEvent.objects.get(action="document.damaged")
    assert event.actor == attorney and event.object_id == str(document.public_id)
    assert event.detail == {"version": 1, "reason": "damaged"}
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()
    [note] = Notification.objects.filter(kind="document.damaged")
    assert note.user == firm_admin
    assert "Restore the file from the latest backup" in note.body


def test_telling_the_admins_happens_once_however_often_it_is_tried(
    attached, attorney, firm_admin, media_root
):
    document, _, url = attached
    _damage(document, media_root, crypto.HEADER.size + 100)
    client = _signed_in(attorney)
    client.get(url)
    client.get(url)
    assert AuditEvent.objects.filter(action="document.damaged").count() == 2
    assert Notification.objects.filter(kind="document.damaged").count() == 1


def test_damage_further_on_ends_the_download_before_any_unverified_byte(
    attached, attorney, media_root
):
    document, content, url = attached
    _damage(document, media_root, -3)  # in the last frame's tag
    response = _signed_in(attorney).get(url)
    assert response.status_code == 200  # the first frame verified
    received = []
    with pytest.raises(crypto.TamperedFile):
        for chunk in response.streaming_content:
            received.append(chunk)
    assert b"".join(received) == content[: 2 * CHUNK]
    assert len(b"".join(received)) < int(response["Content-Length"])
    event = AuditEvent.objects.get(action="document.damaged")
    assert "a download in progress" in event.summary


def test_a_missing_file_says_it_is_missing(attached, attorney, media_root):
    document, _, url = attached
    (media_root / document.current_version.file.name).unlink()
    response = _signed_in(attorney).get(url)
    assert response.status_code == 500
    assert "The stored copy of “Memo.txt” is missing" in response.content.decode()
    event = AuditEvent.objects.get(action="document.damaged")
    assert event.detail["reason"] == "missing"


def test_a_master_key_no_longer_configured_says_the_file_is_fine(
    attached, attorney, settings
):
    document, _, url = attached
    settings.FIRMDESK_MASTER_KEY = base64.b64encode(b"z" * 32).decode()
    crypto.forget_opened_keys()
    response = _signed_in(attorney).get(url)
    body = response.content.decode()
    assert response.status_code == 500
    assert "the key needed to open it is not set up" in body
    assert "Nothing is wrong with the file itself" in body
    assert "Try again later" in body


def test_without_a_signed_in_firm_member_the_page_names_only_the_firm(
    attached, media_root, rf
):
    document, _, _ = attached
    _damage(document, media_root, crypto.HEADER.size + 100)
    response = stream_version(document.current_version, request=rf.get("/s/x/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "Hale &amp; Ortiz LLP has been told" in body
    assert "Ask the person who sent you this link" in body
    assert "Today" not in body
    assert AuditEvent.objects.get(action="document.damaged").actor is None
