"""The pages of the engagement's confidentiality text (issue 20): publishing a
changed text after seeing who loses access, the staff member told why and
signing again, and the firm's list of who signed what, with its CSV copy."""

import csv
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.documents import signing
from firmdesk.documents.models import SignedAgreement
from firmdesk.documents.storage import read_plaintext
from firmdesk.engagements import agreement_texts as texts
from firmdesk.engagements.models import AgreementText, Assignment, nda_text
from tests import factories as f

NEW_CLAUSE = "5. I will not use personal devices for the firm's work."


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _url(name, firm, engagement, *extra):
    return reverse(
        f"engagements:{name}", args=[firm.slug, engagement.public_id, *extra]
    )


def _fields(body, **extra):
    return {"title": "Confidentiality agreement", "body": body, **extra}


def _publish(firm, firm_admin, engagement, body):
    return texts.text_publish(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        title="Confidentiality agreement",
        body=body,
        valid_months=None,
    )


def test_the_admin_sees_who_loses_access_and_what_changed_before_publishing(
    client, firm, firm_admin, engagement, assistant, provider_admin
):
    f.sign_in(client, firm_admin)
    url = _url("agreement_text_edit", firm, engagement)
    form = client.get(url).content.decode()
    assert "CONFIDENTIALITY AGREEMENT (FirmDesk standard text" in form

    body = nda_text() + NEW_CLAUSE + "\n"
    review = client.post(url, {**_fields(body), "step": "review"}).content.decode()
    assert "1 person will lose access until they sign the new text" in review
    assert "Priya Nair" in review
    assert f"+ {NEW_CLAUSE}".replace("'", "&#x27;") in review
    assert not AgreementText.objects.for_firm(firm).exists()

    response = client.post(
        url, {**_fields(body), "step": "publish", "confirmed": "yes"}
    )
    assert response.status_code == 302
    row = AgreementText.objects.for_firm(firm).get()
    assert (row.version, row.body) == (1, body)
    assert resolve_scope(assistant, firm) is None

    page = client.get(_url("agreement_text", firm, engagement)).content.decode()
    assert "version 1" in page and NEW_CLAUSE.replace("'", "&#x27;") in page
    version = client.get(_url("agreement_text_version", firm, engagement, 1))
    assert f"+ {NEW_CLAUSE}".replace("'", "&#x27;") in version.content.decode()


def test_an_unchanged_text_is_not_published_and_nothing_typed_is_lost(
    client, firm, firm_admin, engagement
):
    f.sign_in(client, firm_admin)
    url = _url("agreement_text_edit", firm, engagement)
    fields = _fields(nda_text(), change_note="typo fixes")
    client.post(url, {**fields, "step": "review"})
    page = client.post(
        url, {**fields, "step": "publish", "confirmed": "yes"}
    ).content.decode()
    assert "Nothing has changed" in page
    assert "typo fixes" in page
    assert not AgreementText.objects.for_firm(firm).exists()


def test_bad_validity_is_explained_next_to_the_field(
    client, firm, firm_admin, engagement
):
    f.sign_in(client, firm_admin)
    url = _url("agreement_text_edit", firm, engagement)
    page = client.post(
        url, {**_fields(nda_text() + "x\n", valid_months="0"), "step": "review"}
    ).content.decode()
    assert "Give at least 1 month, or leave it empty." in page
    assert "nothing you typed was lost" in page


def test_an_attorney_reads_the_text_but_cannot_change_it(
    client, firm, attorney, engagement
):
    f.sign_in(client, attorney)
    page = client.get(_url("agreement_text", firm, engagement)).content.decode()
    assert "Change the text" not in page
    response = client.post(
        _url("agreement_text_edit", firm, engagement),
        {**_fields("Other text\n"), "step": "publish", "confirmed": "yes"},
    )
    assert response.status_code in (403, 404)
    assert not AgreementText.objects.for_firm(firm).exists()


def test_staff_told_the_text_changed_lose_the_matter_until_they_sign_again(
    client, firm, firm_admin, engagement, assistant, matter
):
    detail = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    queue = reverse("work:queue_mine")
    f.sign_in(client, assistant)
    task = f.task(firm, matter=matter, assignee=assistant, engagement=engagement)
    assert client.get(detail).status_code == 200
    assert task.title in client.get(queue).content.decode()

    row = _publish(firm, firm_admin, engagement, nda_text() + NEW_CLAUSE + "\n")

    assert client.get(detail).status_code == 404
    assert task.title not in client.get(queue).content.decode()
    mine = client.get(reverse("engagements:my_agreements")).content.decode()
    day = f"{row.published_at.astimezone(firm.tz):%b}"
    assert "The firm changed the agreement on" in mine and day in mine
    assignment = Assignment.objects.for_firm(firm).get(
        engagement=engagement, user=assistant
    )
    sign_url = reverse("engagements:agreement_sign", args=[assignment.public_id])
    page = client.get(sign_url).content.decode()
    assert "changed the agreement" in page
    assert NEW_CLAUSE.replace("'", "&#x27;") in page

    response = client.post(
        sign_url,
        {"signed_name": "Priya Nair", "confirm": "on", "text_sha256": row.sha256},
    )
    assert response.status_code == 302
    assert client.get(detail).status_code == 200
    assert task.title in client.get(queue).content.decode()


def test_a_text_changed_while_reading_is_not_signed(
    client, firm, firm_admin, engagement, assistant
):
    shown = texts.current_text(engagement).sha256
    _publish(firm, firm_admin, engagement, nda_text() + NEW_CLAUSE + "\n")
    f.sign_in(client, assistant)
    assignment = Assignment.objects.for_firm(firm).get(
        engagement=engagement, user=assistant
    )
    page = client.post(
        reverse("engagements:agreement_sign", args=[assignment.public_id]),
        {"signed_name": "Priya Nair", "confirm": "on", "text_sha256": shown},
    ).content.decode()
    assert "changed the agreement while you were reading it" in page
    assert resolve_scope(assistant, firm) is None


def test_the_engagement_page_says_the_text_changed(
    client, firm, firm_admin, engagement, assistant
):
    _publish(firm, firm_admin, engagement, nda_text() + NEW_CLAUSE + "\n")
    f.sign_in(client, firm_admin)
    page = client.get(_url("engagement_detail", firm, engagement)).content.decode()
    assert "Priya Nair signed an earlier text of the confidentiality agreement" in page
    assert "must read and sign it again (changed on " in page


def test_the_pdf_of_a_signature_carries_the_versions_text(
    firm, firm_admin, engagement, no_nda_assistant
):
    _publish(firm, firm_admin, engagement, nda_text() + NEW_CLAUSE + "\n")
    signed = signing.nda_sign_typed(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        signer=no_nda_assistant,
        signed_name="Nils Okafor",
        origin=signing.Origin.of(ip_address="192.0.2.5", user_agent="test"),
    )
    content = read_plaintext(signed.document.current_version)
    pages = PdfReader(io.BytesIO(content)).pages
    text = " ".join(" ".join(p.extract_text().split()) for p in pages)
    assert "personal devices" in text and "version 1" in text
    assert signed.text_sha256 == texts.current_text(engagement).sha256
    assert signed.agreement.text_version == "v1"


def test_the_list_of_signatures_and_its_csv_say_who_signed_what(
    client, firm, firm_admin, engagement, assistant, no_nda_assistant
):
    row = _publish(firm, firm_admin, engagement, nda_text() + NEW_CLAUSE + "\n")
    signing.nda_record_uploaded(
        scope=resolve_scope(firm_admin, firm),
        engagement=engagement,
        signer=no_nda_assistant,
        signed_name="=HYPERLINK(1)",
        uploaded_file=_signed_pdf(),
    )
    f.sign_in(client, firm_admin)
    page = client.get(_url("agreement_signatures", firm, engagement)).content.decode()
    assert _url("agreement_text_version", firm, engagement, row.version) in page
    assert "Uploaded signed copy" in page
    assert "signed an earlier text" in page

    response = client.get(_url("agreement_signatures_csv", firm, engagement))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_person = {r["Person"]: r for r in rows}
    assert by_person["Nils Okafor"]["Text version"] == "version 1"
    assert by_person["Nils Okafor"]["How"] == "uploaded signed copy"
    assert by_person["Nils Okafor"]["Valid now"] == "yes"
    # A typed name never becomes a spreadsheet formula.
    assert by_person["Nils Okafor"]["Name as signed"] == "'=HYPERLINK(1)"
    assert by_person["Priya Nair"]["Valid now"] == "no (earlier text)"
    assert by_person["Priya Nair"]["Text version"].startswith("FirmDesk standard")
    event = AuditEvent.objects.get(org=firm, action="agreement_signatures.exported")
    assert event.actor == firm_admin and event.detail == {"rows": 2}


def _signed_pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from weasyprint import HTML

    content = HTML(string="<p>Signed on paper</p>").write_pdf()
    return SimpleUploadedFile("signed.pdf", content, content_type="application/pdf")


def test_provider_staff_cannot_read_the_firms_list_of_signatures(
    client, firm, engagement, assistant
):
    f.sign_in(client, assistant)
    for name in ("agreement_signatures", "agreement_signatures_csv", "agreement_text"):
        assert client.get(_url(name, firm, engagement)).status_code == 404
    assert not AuditEvent.objects.filter(
        action="agreement_signatures.exported"
    ).exists()
    assert SignedAgreement.objects.for_firm(firm).count() == 0


def test_the_provider_admin_sees_their_staffs_signatures_firm_by_firm(
    client,
    firm,
    other_firm,
    firm_admin,
    engagement,
    assistant,
    provider_admin,
    provider,
):
    _publish(firm, firm_admin, engagement, nda_text() + NEW_CLAUSE + "\n")
    f.sign_in(client, provider_admin)
    url = reverse("engagements:provider_agreement_signatures", args=[provider.slug])
    page = client.get(url).content.decode()
    rows = page.split("<tbody>")[1].split("</tr>")
    hale = next(r for r in rows if "Hale &amp; Ortiz" in r)
    other = next(r for r in rows if other_firm.name.replace("&", "&amp;") in r)
    assert "Priya Nair" in hale and "must sign again" in hale
    assert "Valid" in other


@pytest.mark.parametrize("version", [7, 2**31, 10**30])
def test_a_version_that_does_not_exist_is_not_found(
    client, firm, firm_admin, engagement, version
):
    f.sign_in(client, firm_admin)
    url = _url("agreement_text_version", firm, engagement, version)
    assert client.get(url).status_code == 404
