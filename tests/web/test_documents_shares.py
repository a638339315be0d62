"""Share-link pages: the attorney makes a link for a final document and sees it
once, the list shows each link's use, revoking asks first; the recipient's page
shows the firm and the file, asks for a passcode where there is one, and a link
that no longer works says so on one plain page."""

import datetime as dt
import logging
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.documents import sharing
from firmdesk.documents.models import Document, ShareLink
from firmdesk.documents.services import document_upload
from firmdesk.documents.validation import human_size
from tests import factories as f

GONE = "This link no longer works. Ask the person who sent it for a new one."
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n" + b"x" * 2000


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def final_document(firm, attorney, matter):
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=SimpleUploadedFile("Settlement.pdf", PDF),
        title="Settlement agreement",
        matter=matter,
    )
    Document.objects.for_firm(firm).filter(pk=document.pk).update(
        status=Document.Status.FINAL, finalised_at=timezone.now()
    )
    document.refresh_from_db()
    return document


def _link(attorney, document, **kwargs):
    kwargs.setdefault("recipient", "Dana Reyes")
    return sharing.share_link_create(
        scope=resolve_scope(attorney, document.firm), document=document, **kwargs
    )


def _page(token):
    return reverse("shared:share_page", args=[token])


def _download(token):
    return reverse("shared:share_download", args=[token])


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _once(page) -> str:
    """The one-time value of a share form (see web/documents/shares/views.py)."""
    return re.search(r'name="once" value="([^"]+)"', page.content.decode()).group(1)


def _actions(firm):
    return list(
        AuditEvent.objects.filter(org=firm, action__startswith="share.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


# --- The firm's side ----------------------------------------------------------------


def test_attorney_makes_a_link_and_sees_it_once(client, attorney, final_document):
    f.sign_in(client, attorney)
    url = reverse(
        "documents:share_new", args=[final_document.firm.slug, final_document.public_id]
    )
    form = client.get(url)
    assert form.status_code == 200
    assert 'value="7"' in form.content.decode() and 'value="5"' in form.content.decode()
    sent = {
        "once": _once(form),
        "recipient": "Dana Reyes (Acme)",
        "days": "10",
        "max_downloads": "3",
        "passcode": "harbour-42",
    }
    response = client.post(url, sent)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    token = re.search(r"/s/([A-Za-z0-9_-]{43})/", body).group(1)
    assert f'value="http://testserver/s/{token}/"' in body
    assert "Copy the link now" in body and "harbour-42" not in body
    link = ShareLink.objects.for_firm(final_document.firm).get()
    assert link.token_sha256 == sharing.token_digest(token)
    assert (link.recipient, link.max_downloads) == ("Dana Reyes (Acme)", 3)
    # Afterwards the list shows the link's facts, never the link itself.
    listing = client.get(
        reverse(
            "documents:share_list",
            args=[final_document.firm.slug, final_document.public_id],
        )
    ).content.decode()
    assert escape("Dana Reyes (Acme)") in listing and "0 of 3" in listing
    assert "Active" in listing and "Owen Ortiz" in listing
    assert token not in listing
    # Reloading the page that showed the link sends the form again: no second link.
    again = client.post(url, sent, follow=True)
    assert "That form was already sent" in again.content.decode()
    assert ShareLink.objects.for_firm(final_document.firm).count() == 1


def test_mistakes_come_back_on_the_form_with_everything_typed(
    client, attorney, final_document
):
    f.sign_in(client, attorney)
    url = reverse(
        "documents:share_new", args=[final_document.firm.slug, final_document.public_id]
    )
    response = client.post(
        url,
        {
            "once": _once(client.get(url)),
            "recipient": "Dana Reyes",
            "days": "120",
            "max_downloads": "3",
            "passcode": "abc12",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "A link works for 1 to 90 days." in body
    assert "A passcode needs at least 6 characters" in body  # every mistake at once
    assert 'value="Dana Reyes"' in body and 'value="120"' in body
    assert 'value="abc12"' in body
    assert not ShareLink.objects.for_firm(final_document.firm).exists()


def test_a_document_that_is_not_final_is_refused_with_the_reason(
    client, attorney, final_document
):
    Document.objects.for_firm(final_document.firm).filter(pk=final_document.pk).update(
        status=Document.Status.APPROVED
    )
    f.sign_in(client, attorney)
    url = reverse(
        "documents:share_new", args=[final_document.firm.slug, final_document.public_id]
    )
    page = client.get(url).content.decode()
    assert "Only a final document can be shared by link" in page
    assert "Make the link" not in page
    response = client.post(
        url,
        {
            "once": client.session["share_forms_open"][-1],
            "recipient": "Dana",
            "days": "7",
            "max_downloads": "5",
            "passcode": "",
        },
    )
    assert "Only a final document" in response.content.decode()
    assert not ShareLink.objects.for_firm(final_document.firm).exists()


def test_revoking_asks_first_then_stops_the_link_at_once(
    client, attorney, final_document
):
    link, token = _link(attorney, final_document)
    f.sign_in(client, attorney)
    url = reverse(
        "documents:share_revoke",
        args=[final_document.firm.slug, final_document.public_id, link.public_id],
    )
    confirm = client.get(url)
    assert "Revoke the link for Dana Reyes?" in confirm.content.decode()
    link.refresh_from_db()
    assert link.revoked_at is None
    response = client.post(url, follow=True)
    assert "no longer works" in response.content.decode()
    assert "Revoked" in response.content.decode()
    assert Client().get(_page(token)).status_code == 410
    assert _actions(final_document.firm) == [
        "share.created",
        "share.revoked",
        "share.refused",
    ]


def test_document_page_section_lists_links_and_their_use_for_firm_members(
    rf, firm, attorney, firm_staff, assistant, final_document
):
    from django.template.loader import render_to_string

    from firmdesk.documents.selectors import share_links_of

    link, _ = _link(attorney, final_document, max_downloads=4)
    sharing.share_download(link, visitor=sharing.Visitor())

    def section(user):
        scope = resolve_scope(user, firm)
        return render_to_string(
            "web/documents/shares/_section.html",
            {
                "document": final_document,
                "scope": scope,
                "share_links": share_links_of(scope, final_document),
            },
        )

    for_attorney = section(attorney)
    assert "Dana Reyes" in for_attorney and "1 of 4" in for_attorney
    assert "Share by link" in for_attorney and "Revoke" in for_attorney
    for_staff = section(firm_staff)
    assert "Dana Reyes" in for_staff and "Revoke" not in for_staff
    assert "Share by link" not in for_staff
    assert section(assistant).strip() == ""


# --- The recipient's side -------------------------------------------------------------


def test_recipients_page_shows_the_firm_and_the_file_and_nothing_else(
    client, attorney, final_document, firm
):
    with time_machine.travel(dt.datetime(2026, 12, 7, 15, 0, tzinfo=dt.UTC)):
        _, token = _link(attorney, final_document, days=3, max_downloads=4)
        response = client.get(_page(token))
    body = response.content.decode()
    assert response.status_code == 200
    assert escape(firm.name) in body and "Settlement.pdf" in body
    assert human_size(len(PDF)) in body
    assert "Dec 10, 2026, 10:00 AM EST" in body  # the firm's zone
    assert re.search(r"Downloads left</dt><dd[^>]*>4<", body)
    for private in ("Lopez v. Acme", "M-2026-001", "Settlement agreement", "Dana"):
        assert private not in body
    assert "Sign in" not in body and "/f/" not in body
    assert response["Referrer-Policy"] == "strict-origin"
    assert response["Cache-Control"] == "no-store"
    assert response["X-Robots-Tag"] == "noindex"


def test_download_streams_the_file_and_counts_it(client, attorney, final_document):
    link, token = _link(attorney, final_document, max_downloads=1)
    page = client.get(_page(token))
    assert "Download Settlement.pdf" in page.content.decode()
    response = client.post(_download(token))
    assert response.status_code == 200
    assert _body(response) == PDF
    assert "attachment" in response["Content-Disposition"]
    assert response["Referrer-Policy"] == "strict-origin"
    link.refresh_from_db()
    assert link.downloads == 1
    again = client.post(_download(token))
    assert again.status_code == 410 and GONE in again.content.decode()
    assert _actions(final_document.firm) == [
        "share.created",
        "share.viewed",
        "share.downloaded",
        "share.refused",
    ]


def test_a_plain_get_of_the_download_address_goes_to_the_page_and_counts_nothing(
    client, attorney, final_document
):
    link, token = _link(attorney, final_document)
    response = client.get(_download(token))
    assert response.status_code == 303 and response.url == _page(token)
    link.refresh_from_db()
    assert link.downloads == 0


def test_expired_used_up_and_revoked_links_show_one_plain_page_with_410(
    client, attorney, final_document, firm
):
    expired, expired_token = _link(attorney, final_document, days=1)
    used, used_token = _link(attorney, final_document, max_downloads=1)
    revoked, revoked_token = _link(attorney, final_document)
    sharing.share_download(used, visitor=sharing.Visitor())
    sharing.share_link_revoke(scope=resolve_scope(attorney, firm), link=revoked)
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        pages = [client.get(_page(t)) for t in (expired_token, used_token)]
    pages.append(client.get(_page(revoked_token)))
    for response in pages:
        assert response.status_code == 410
        body = response.content.decode()
        assert GONE in body and "Settlement.pdf" not in body
        assert response["Cache-Control"] == "no-store"
    reasons = [
        e.detail["reason"]
        for e in AuditEvent.objects.filter(org=firm, action="share.refused")
    ]
    assert sorted(reasons) == ["expired", "limit", "revoked"]


@pytest.mark.parametrize("token", ["A" * 43, "short", "A" * 42 + "!"])
def test_unknown_token_is_404_and_names_no_firm(
    client, attorney, final_document, firm, token, caplog
):
    _link(attorney, final_document)
    with caplog.at_level(logging.INFO):
        response = client.get(_page(token))
    assert response.status_code == 404
    body = response.content.decode()
    assert GONE in body and escape(firm.name) not in body
    assert response["X-Robots-Tag"] == "noindex"
    assert token not in caplog.text


def test_passcode_is_asked_before_the_download_and_remembered_for_a_while(
    client, attorney, final_document
):
    link, token = _link(attorney, final_document, passcode="harbour-42")
    page = client.get(_page(token)).content.decode()
    assert 'name="passcode"' in page and "Download Settlement.pdf" not in page
    # No download without the passcode, by POST or by GET.
    assert client.post(_download(token)).url == _page(token)
    assert client.get(_download(token)).status_code == 303
    link.refresh_from_db()
    assert link.downloads == 0
    wrong = client.post(_page(token), {"passcode": "harbour-41"})
    assert wrong.status_code == 200
    assert "That passcode is not right" in wrong.content.decode()
    assert "4 more tries" in wrong.content.decode()
    right = client.post(_page(token), {"passcode": "harbour-42"})
    assert right.status_code == 303 and right.url == _page(token)
    assert "Download Settlement.pdf" in client.get(_page(token)).content.decode()
    assert _body(client.post(_download(token))) == PDF
    # Another browser (no session) still needs the passcode.
    assert Client().post(_download(token)).status_code == 303
    # The proof in the session lasts fifteen minutes.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=16)):
        assert client.post(_download(token)).status_code == 303
    reasons = [
        e.detail["reason"]
        for e in AuditEvent.objects.filter(
            org=final_document.firm, action="share.refused"
        ).order_by("id")
    ]
    assert reasons == [
        "passcode_missing",
        "passcode",
        "passcode_missing",
        "passcode_missing",
    ]


def test_five_wrong_passcodes_lock_the_page_with_when_to_try_again(
    client, attorney, final_document
):
    _, token = _link(attorney, final_document, passcode="harbour-42")
    for _ in range(4):
        client.post(_page(token), {"passcode": "guess"})
    locked = client.post(_page(token), {"passcode": "guess"})
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 800
    assert "locked until" in locked.content.decode()
    still = client.post(_page(token), {"passcode": "harbour-42"})
    assert still.status_code == 429
    assert "locked until" in client.get(_page(token)).content.decode()
    assert AuditEvent.objects.filter(
        org=final_document.firm, action="share.locked"
    ).exists()


def test_a_signed_in_user_opening_a_link_is_not_sent_to_two_factor(
    client, attorney, final_document, assistant
):
    _, token = _link(attorney, final_document)
    client.force_login(assistant)  # provider staff, two-factor not passed
    assert client.get(_page(token)).status_code == 200


def test_an_attorney_screened_from_the_matter_gets_404_on_its_share_pages(
    client, firm, attorney, firm_admin, final_document, matter
):
    from firmdesk.matters.models import MatterScreen

    link, _ = _link(firm_admin, final_document)
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    f.sign_in(client, attorney)
    args = [firm.slug, final_document.public_id]
    for url in (
        reverse("documents:share_list", args=args),
        reverse("documents:share_new", args=args),
        reverse("documents:share_revoke", args=[*args, link.public_id]),
    ):
        assert client.get(url).status_code == 404
    revoke = reverse("documents:share_revoke", args=[*args, link.public_id])
    assert client.post(revoke).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is None


def test_share_list_queries_do_not_grow_with_links(
    client, attorney, final_document, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    f.sign_in(client, attorney)
    url = reverse(
        "documents:share_list",
        args=[final_document.firm.slug, final_document.public_id],
    )
    _link(attorney, final_document)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(10):
        _link(attorney, final_document)
    with django_assert_max_num_queries(len(one)):
        assert "Dana Reyes" in client.get(url).content.decode()
