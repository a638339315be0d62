"""The pages of signed agreements: recording an NDA by typed name or signed
PDF, keeping the master agreement, and reading the text signed — audited, and
only for those who may (docs/documents-agreements.md)."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.documents import signing
from firmdesk.documents.models import SignedAgreement
from firmdesk.engagements.models import NDA_TEXT_VERSION, ConfidentialityAgreement
from tests import factories as f

BROWSER = "Mozilla/5.0 (Macintosh) Safari/605.1.15"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _pdf(words: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{words}</p>").write_pdf()


def _file(name: str, content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _nda_url(firm, engagement):
    return reverse("engagements:engagement_nda", args=[firm.slug, engagement.public_id])


def _detail(client, firm, engagement):
    return client.get(
        reverse("engagements:engagement_detail", args=[firm.slug, engagement.public_id])
    ).content.decode()


@pytest.fixture
def kept_nda(firm, firm_admin, engagement, assistant):
    """A typed-name NDA of the assistant, kept as a PDF."""
    return signing.nda_sign_typed(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        signer=assistant,
        signed_name="Priya Nair",
        origin=signing.Origin.of(ip_address="198.51.100.4", user_agent=BROWSER),
    )


def test_recording_a_typed_nda_keeps_the_text_signed_with_the_request_origin(
    client, firm, firm_admin, engagement, no_nda_assistant
):
    client.force_login(firm_admin)
    response = client.post(
        _nda_url(firm, engagement),
        {
            "signer": no_nda_assistant.pk,
            "method": "typed",
            "signed_name": "Nils Okafor",
            "confirm": "on",
        },
        REMOTE_ADDR="192.0.2.10",
        HTTP_USER_AGENT=BROWSER,
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert response.status_code == 302
    signed = SignedAgreement.objects.for_firm(firm).get()
    # No trusted proxy is configured: the header anyone may write is ignored.
    assert (signed.ip_address, signed.user_agent) == ("192.0.2.10", BROWSER)
    page = _detail(client, firm, engagement)
    link = reverse("engagements:signed_agreement", args=[firm.slug, signed.public_id])
    assert "Signed by typed name on" in page and link in page


def test_a_trusted_proxy_gives_the_address_it_saw(
    client, firm, firm_admin, engagement, no_nda_assistant, settings
):
    settings.FIRMDESK_TRUST_X_FORWARDED_FOR = True
    client.force_login(firm_admin)
    client.post(
        _nda_url(firm, engagement),
        {
            "signer": no_nda_assistant.pk,
            "method": "typed",
            "signed_name": "Nils Okafor",
            "confirm": "on",
        },
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="spoofed, 192.0.2.77",
    )
    assert SignedAgreement.objects.for_firm(firm).get().ip_address == "192.0.2.77"


def test_paper_nda_without_a_file_asks_for_it_and_keeps_what_was_typed(
    client, firm, firm_admin, engagement, no_nda_assistant
):
    client.force_login(firm_admin)
    response = client.post(
        _nda_url(firm, engagement),
        {
            "signer": no_nda_assistant.pk,
            "method": "uploaded",
            "signed_name": "Nils Okafor",
            "confirm": "on",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose the signed PDF to upload." in page
    assert 'value="Nils Okafor"' in page
    assert (
        not ConfidentialityAgreement.objects.for_firm(firm)
        .filter(signer=no_nda_assistant)
        .exists()
    )


def test_paper_nda_that_is_not_a_pdf_is_refused_on_the_file_field(
    client, firm, firm_admin, engagement, no_nda_assistant
):
    client.force_login(firm_admin)
    response = client.post(
        _nda_url(firm, engagement),
        {
            "signer": no_nda_assistant.pk,
            "method": "uploaded",
            "signed_name": "Nils Okafor",
            "confirm": "on",
            "file": _file("nda.txt", b"I agree."),
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Upload the signed agreement as a PDF" in page


def test_paper_nda_uploaded_is_linked_from_the_engagement_page(
    client, firm, firm_admin, engagement, no_nda_assistant
):
    client.force_login(firm_admin)
    content = _pdf("Signed on paper")
    response = client.post(
        _nda_url(firm, engagement),
        {
            "signer": no_nda_assistant.pk,
            "method": "uploaded",
            "signed_name": "Nils Okafor",
            "confirm": "on",
            "file": _file("nda-okafor.pdf", content),
        },
    )
    assert response.status_code == 302
    signed = SignedAgreement.objects.for_firm(firm).get()
    assert signed.method == "uploaded"
    assert "Signed on paper (PDF kept)" in _detail(client, firm, engagement)
    download = client.get(
        reverse("engagements:signed_agreement", args=[firm.slug, signed.public_id])
    )
    assert b"".join(download.streaming_content) == content


def test_an_agreement_recorded_before_signed_texts_says_which_text_was_signed(
    client, firm, firm_admin, engagement, assistant
):
    client.force_login(firm_admin)
    page = _detail(client, firm, engagement)
    assert f"the text signed was version {NDA_TEXT_VERSION}" in page
    assert "view the signed text" not in page


def test_firm_members_read_the_signed_text_and_each_read_is_audited(
    client, firm, attorney, kept_nda
):
    client.force_login(attorney)
    url = reverse("engagements:signed_agreement", args=[firm.slug, kept_nda.public_id])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "Priya Nair" in text
    event = AuditEvent.objects.filter(org=firm, action="document.downloaded").get()
    assert event.actor == attorney
    assert event.detail["signed_agreement"] == str(kept_nda.public_id)


def test_the_signer_reads_their_own_signed_text(client, firm, assistant, kept_nda):
    f.sign_in(client, assistant)
    url = reverse("engagements:signed_agreement", args=[firm.slug, kept_nda.public_id])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("who", ["ungranted_assistant", "outsider"])
def test_anyone_else_gets_404_for_a_signed_text(client, firm, kept_nda, who, request):
    f.sign_in(client, request.getfixturevalue(who))
    url = reverse("engagements:signed_agreement", args=[firm.slug, kept_nda.public_id])
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="document.downloaded").exists()


def test_master_agreement_uploaded_shows_on_the_engagement_page(
    client, firm, firm_admin, engagement
):
    client.force_login(firm_admin)
    page = _detail(client, firm, engagement)
    assert "None kept yet" in page
    response = client.post(
        reverse(
            "engagements:engagement_master", args=[firm.slug, engagement.public_id]
        ),
        {
            "method": "uploaded",
            "signed_name": "Grace Hale and Rosa Quint",
            "confirm": "on",
            "file": _file("msa.pdf", _pdf("Master services agreement")),
        },
    )
    assert response.status_code == 302
    signed = SignedAgreement.objects.for_firm(firm).get(kind="master")
    page = _detail(client, firm, engagement)
    assert "Signed by Grace Hale and Rosa Quint on" in page
    assert (
        reverse("engagements:signed_agreement", args=[firm.slug, signed.public_id])
        in page
    )


def test_master_agreement_accepted_by_typed_name_records_the_origin(
    client, firm, firm_admin, engagement
):
    client.force_login(firm_admin)
    response = client.post(
        reverse(
            "engagements:engagement_master", args=[firm.slug, engagement.public_id]
        ),
        {
            "method": "typed",
            "signed_name": "Grace Hale",
            "confirm": "on",
            "file": _file("msa.pdf", _pdf("Master services agreement")),
        },
        REMOTE_ADDR="192.0.2.55",
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 302
    signed = SignedAgreement.objects.for_firm(firm).get(kind="master")
    assert (signed.method, signed.signer, signed.ip_address) == (
        "typed",
        firm_admin,
        "192.0.2.55",
    )
    assert "(accepted by typed name)" in _detail(client, firm, engagement)


def test_provider_admin_reads_their_staff_members_agreement_from_the_roster(
    client, provider, provider_admin, assistant, kept_nda, firm
):
    f.sign_in(client, provider_admin)
    roster = client.get(
        reverse("engagements:provider_staff", args=[provider.slug])
    ).content.decode()
    url = reverse(
        "engagements:provider_staff_agreement",
        args=[provider.slug, assistant.public_id, kept_nda.public_id],
    )
    assert url in roster and "Hale &amp; Ortiz LLP, signed" in roster
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(org=firm, action="document.downloaded")
    assert event.actor == provider_admin


def test_another_providers_admin_gets_404_for_the_agreement(
    client, provider, assistant, kept_nda
):
    other = f.OrganizationFactory(kind="provider", name="Elsewhere", slug="elsewhere")
    admin = f.member(other, ["provider_admin"], email="boss@elsewhere.test")
    f.sign_in(client, admin)
    for slug in (provider.slug, other.slug):
        url = reverse(
            "engagements:provider_staff_agreement",
            args=[slug, assistant.public_id, kept_nda.public_id],
        )
        assert client.get(url).status_code == 404


def test_people_page_points_each_outside_agreement_at_its_signed_text(
    client, firm, attorney, kept_nda, no_nda_assistant
):
    client.force_login(attorney)
    page = client.get(reverse("engagements:people", args=[firm.slug])).content.decode()
    link = reverse("engagements:signed_agreement", args=[firm.slug, kept_nda.public_id])
    assert link in page
    assert "Not recorded" in page  # the assistant who has not signed


# --- Staff sign their own agreement ------------------------------------------


def _own_assignment(engagement, user):
    from firmdesk.engagements.models import Assignment

    return Assignment.objects.for_firm(engagement.firm).get(
        engagement=engagement, user=user
    )


def test_staff_without_an_agreement_find_it_from_today_and_sign_it_themselves(
    client, firm, engagement, no_nda_assistant, matter
):
    f.sign_in(client, no_nda_assistant)
    today = client.get(reverse("today:today")).content.decode()
    assert reverse("engagements:my_agreements") in today
    mine = client.get(reverse("engagements:my_agreements")).content.decode()
    assignment = _own_assignment(engagement, no_nda_assistant)
    sign_url = reverse("engagements:agreement_sign", args=[assignment.public_id])
    assert "Hale &amp; Ortiz LLP" in mine and sign_url in mine
    assert "Not signed yet" in mine

    page = client.get(sign_url).content.decode()
    assert "CONFIDENTIALITY AGREEMENT" in page
    response = client.post(
        sign_url,
        {"signed_name": "Nils Okafor", "confirm": "on"},
        REMOTE_ADDR="203.0.113.99",
        HTTP_USER_AGENT=BROWSER,
    )
    assert response.status_code == 302

    signed = SignedAgreement.objects.for_firm(firm).get()
    assert (signed.signer, signed.method) == (no_nda_assistant, "typed")
    assert (signed.ip_address, signed.user_agent) == ("203.0.113.99", BROWSER)
    assert signed.agreement.recorded_by == no_nda_assistant
    # Signed, they now work for the firm: the matter opened to them shows.
    detail = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    assert client.get(detail).status_code == 200
    mine = client.get(reverse("engagements:my_agreements")).content.decode()
    text_url = reverse("engagements:my_agreement_text", args=[signed.public_id])
    assert text_url in mine and sign_url not in mine
    content = b"".join(client.get(text_url).streaming_content)
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "Nils Okafor" in text and "203.0.113.99" in text
    assert "Recorded in FirmDesk by" not in text


def test_signing_without_agreeing_keeps_the_name_and_says_what_is_missing(
    client, engagement, no_nda_assistant
):
    f.sign_in(client, no_nda_assistant)
    assignment = _own_assignment(engagement, no_nda_assistant)
    response = client.post(
        reverse("engagements:agreement_sign", args=[assignment.public_id]),
        {"signed_name": "Nils Okafor"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="Nils Okafor"' in page
    assert "Tick the box “I have read the agreement above and agree to it”" in page
    assert not SignedAgreement.objects.for_firm(engagement.firm).exists()


def test_nobody_signs_someone_elses_agreement(
    client, engagement, no_nda_assistant, assistant, firm_admin
):
    assignment = _own_assignment(engagement, no_nda_assistant)
    url = reverse("engagements:agreement_sign", args=[assignment.public_id])
    for user in (assistant, firm_admin):
        f.sign_in(client, user)
        assert client.get(url).status_code == 404
        response = client.post(url, {"signed_name": "Nils Okafor", "confirm": "on"})
        assert response.status_code == 404
    assert not SignedAgreement.objects.for_firm(engagement.firm).exists()


def test_an_agreement_already_signed_is_not_signed_twice(
    client, engagement, no_nda_assistant
):
    f.sign_in(client, no_nda_assistant)
    assignment = _own_assignment(engagement, no_nda_assistant)
    url = reverse("engagements:agreement_sign", args=[assignment.public_id])
    client.post(url, {"signed_name": "Nils Okafor", "confirm": "on"})
    again = client.post(url, {"signed_name": "Nils Okafor", "confirm": "on"})
    assert again.status_code == 200
    assert "You signed this agreement on" in again.content.decode()
    assert SignedAgreement.objects.for_firm(engagement.firm).count() == 1


def test_a_removed_staff_member_has_nothing_to_sign(
    client, firm, firm_admin, engagement, no_nda_assistant
):
    from firmdesk.engagements.services import assignment_end

    assignment = _own_assignment(engagement, no_nda_assistant)
    assignment_end(scope=resolve_scope(firm_admin, firm), assignment=assignment)
    f.sign_in(client, no_nda_assistant)
    mine = client.get(reverse("engagements:my_agreements")).content.decode()
    assert "You are not assigned to any firm" in mine
    response = client.post(
        reverse("engagements:agreement_sign", args=[assignment.public_id]),
        {"signed_name": "Nils Okafor", "confirm": "on"},
    )
    assert "no longer assigned" in response.content.decode()
    assert not SignedAgreement.objects.for_firm(firm).exists()
