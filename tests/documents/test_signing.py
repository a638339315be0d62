"""Signed agreements are kept as the text that was signed: a PDF stored
encrypted, pointed at by the agreement (documents/signing.py)."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.documents import signing
from firmdesk.documents.models import Document, SignedAgreement
from firmdesk.documents.storage import read_plaintext
from firmdesk.engagements.models import ConfidentialityAgreement, nda_text

from .helpers import docx_bytes, stored_files, upload

ORIGIN = signing.Origin.of(
    ip_address="203.0.113.7", user_agent="Mozilla/5.0 (X11; Linux) Firefox/140.0"
)


def _pdf_text(content: bytes) -> str:
    pages = PdfReader(io.BytesIO(content)).pages
    # Words the layout broke over lines come back whole once spacing is gone.
    return " ".join(" ".join(page.extract_text().split()) for page in pages)


def _squeezed(text: str) -> str:
    return "".join(text.split())


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


def _typed_nda(admin_scope, engagement, signer, **extra):
    return signing.nda_sign_typed(
        scope=admin_scope,
        engagement=engagement,
        signer=signer,
        signed_name="Nils A. Okafor",
        origin=ORIGIN,
        **extra,
    )


def test_typed_nda_keeps_a_pdf_of_the_text_with_the_signature_block(
    admin_scope, engagement, no_nda_assistant
):
    signed = _typed_nda(admin_scope, engagement, no_nda_assistant)

    agreement = ConfidentialityAgreement.objects.for_firm(engagement.firm).get(
        signer=no_nda_assistant
    )
    assert signed.agreement == agreement
    assert (signed.kind, signed.method) == ("nda", "typed")
    assert signed.signed_at == agreement.signed_at
    assert signed.text_sha256 == agreement.text_sha256
    assert signed.text_sha256 == hashlib.sha256(nda_text().encode()).hexdigest()
    assert (signed.ip_address, signed.user_agent) == (
        "203.0.113.7",
        ORIGIN.user_agent,
    )
    version = signed.document.current_version
    assert version.content_type == "application/pdf"
    text = _pdf_text(read_plaintext(version))
    assert "Nils A. Okafor" in text
    assert "nonda@northstar.test" in text
    assert nda_text().splitlines()[0] in text
    assert signed.text_sha256 in _squeezed(text)
    assert "203.0.113.7" in text and "Firefox/140.0" in text
    assert "EST" in text or "EDT" in text or "UTC" in text


def test_the_signed_text_is_stored_encrypted(
    admin_scope, engagement, no_nda_assistant, media_root
):
    signed = _typed_nda(admin_scope, engagement, no_nda_assistant)
    version = signed.document.current_version
    (stored,) = stored_files(media_root)
    raw = stored.read_bytes()
    assert b"%PDF" not in raw
    assert b"Okafor" not in raw
    assert version.key_id is not None
    assert read_plaintext(version).startswith(b"%PDF")


def test_the_signed_document_is_final_and_belongs_to_no_matter(
    admin_scope, engagement, no_nda_assistant, firm_admin
):
    document = _typed_nda(admin_scope, engagement, no_nda_assistant).document
    assert document.matter is None
    assert document.status == Document.Status.FINAL
    assert document.finalised_by == firm_admin


def test_signing_is_audited_with_the_fingerprint(
    admin_scope, engagement, no_nda_assistant
):
    signed = _typed_nda(admin_scope, engagement, no_nda_assistant)
    actions = set(
        AuditEvent.objects.filter(org=engagement.firm).values_list("action", flat=True)
    )
    assert {"nda.signed", "document.uploaded", "agreement.kept"} <= actions
    kept = AuditEvent.objects.get(org=engagement.firm, action="agreement.kept")
    assert kept.detail["text_sha256"] == signed.text_sha256
    assert kept.detail["ip_address"] == "203.0.113.7"


def test_a_refused_signature_leaves_no_agreement_and_no_file(
    admin_scope, engagement, unassigned_assistant, media_root
):
    with pytest.raises(ServiceError) as refused:
        _typed_nda(admin_scope, engagement, unassigned_assistant)
    assert refused.value.field == "signer"
    assert not SignedAgreement.objects.for_firm(engagement.firm).exists()
    assert not Document.objects.for_firm(engagement.firm).exists()
    assert stored_files(media_root) == []


def test_a_failure_after_the_file_was_stored_removes_it(
    admin_scope, engagement, no_nda_assistant, media_root, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(signing, "audit_record", broken)
    with pytest.raises(RuntimeError):
        _typed_nda(admin_scope, engagement, no_nda_assistant)
    assert stored_files(media_root) == []
    assert not ConfidentialityAgreement.objects.for_firm(engagement.firm).exists()


def test_only_a_firm_admin_records_an_agreement(
    firm, attorney, engagement, no_nda_assistant
):
    with pytest.raises(ServiceError):
        _typed_nda(resolve_scope(attorney, firm), engagement, no_nda_assistant)


def test_an_nda_signed_on_paper_keeps_the_uploaded_pdf(
    admin_scope, engagement, no_nda_assistant
):
    content = _one_page_pdf("Signed on paper by Nils Okafor")
    signed = signing.nda_record_uploaded(
        scope=admin_scope,
        engagement=engagement,
        signer=no_nda_assistant,
        signed_name="Nils Okafor",
        uploaded_file=upload("nda-okafor.pdf", content),
    )
    assert (signed.kind, signed.method) == ("nda", "uploaded")
    assert signed.ip_address is None and signed.user_agent == ""
    assert read_plaintext(signed.document.current_version) == content
    assert signed.agreement.signer == no_nda_assistant


def test_an_nda_on_paper_must_be_a_pdf(admin_scope, engagement, no_nda_assistant):
    with pytest.raises(ServiceError) as refused:
        signing.nda_record_uploaded(
            scope=admin_scope,
            engagement=engagement,
            signer=no_nda_assistant,
            signed_name="Nils Okafor",
            uploaded_file=upload("nda.docx", docx_bytes()),
        )
    assert refused.value.field == "file"
    assert "PDF" in refused.value.message
    assert not ConfidentialityAgreement.objects.for_firm(engagement.firm).exists()


def _one_page_pdf(words: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<p>{words}</p>").write_pdf()


def test_master_agreement_uploaded_signed(admin_scope, engagement):
    content = _one_page_pdf("Master services agreement, signed by both")
    signed = signing.master_record_uploaded(
        scope=admin_scope,
        engagement=engagement,
        signed_name="Grace Hale for Hale & Ortiz; Rosa Quint for Northstar",
        uploaded_file=upload("msa.pdf", content),
    )
    assert (signed.kind, signed.method, signed.agreement) == (
        "master",
        "uploaded",
        None,
    )
    assert signed.text_sha256 == hashlib.sha256(content).hexdigest()
    assert read_plaintext(signed.document.current_version) == content


def test_master_agreement_accepted_by_typed_name_adds_a_signature_page(
    admin_scope, engagement, firm_admin
):
    content = _one_page_pdf("Clause 1. The provider shall keep client data safe.")
    signed = signing.master_accept_typed(
        scope=admin_scope,
        engagement=engagement,
        signed_name="Grace Hale",
        uploaded_file=upload("msa-text.pdf", content),
        origin=ORIGIN,
    )
    assert (signed.kind, signed.method, signed.signer) == (
        "master",
        "typed",
        firm_admin,
    )
    assert signed.text_sha256 == hashlib.sha256(content).hexdigest()
    kept = read_plaintext(signed.document.current_version)
    reader = PdfReader(io.BytesIO(kept))
    assert len(reader.pages) == 2
    assert "Clause 1. The provider shall keep client data safe." in (
        reader.pages[0].extract_text()
    )
    signature_page = " ".join(reader.pages[1].extract_text().split())
    assert "Grace Hale" in signature_page
    assert signed.text_sha256 in _squeezed(signature_page)
    assert "203.0.113.7" in signature_page


def test_master_agreement_text_that_is_not_a_readable_pdf_is_refused(
    admin_scope, engagement
):
    with pytest.raises(ServiceError) as refused:
        signing.master_accept_typed(
            scope=admin_scope,
            engagement=engagement,
            signed_name="Grace Hale",
            uploaded_file=upload("msa.pdf", b"%PDF-1.7\nnot really a pdf\n"),
            origin=ORIGIN,
        )
    assert refused.value.field == "file"
    assert not SignedAgreement.objects.for_firm(engagement.firm).exists()


def test_master_agreement_needs_the_names_of_who_signed(admin_scope, engagement):
    with pytest.raises(ServiceError) as refused:
        signing.master_record_uploaded(
            scope=admin_scope,
            engagement=engagement,
            signed_name="  ",
            uploaded_file=upload("msa.pdf", _one_page_pdf("MSA")),
        )
    assert refused.value.field == "signed_name"


def test_a_long_user_agent_is_cut_to_fit():
    origin = signing.Origin.of(ip_address="", user_agent="x" * 1000)
    assert origin.ip_address is None
    assert len(origin.user_agent) == 300


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("203.0.113.7", "203.0.113.7"),
        (" 2001:db8::1 ", "2001:db8::1"),
        ("unknown", None),
        ("", None),
        ("10.0.0.1, 10.0.0.2", None),
    ],
)
def test_only_a_real_address_is_recorded(given, kept):
    assert signing.Origin.of(ip_address=given, user_agent="").ip_address == kept


def _assignment(engagement, user):
    from firmdesk.engagements.models import Assignment

    return Assignment.objects.for_firm(engagement.firm).get(
        engagement=engagement, user=user
    )


def test_staff_sign_their_own_agreement_and_it_is_recorded_as_theirs(
    engagement, no_nda_assistant
):
    signed = signing.nda_self_sign_typed(
        assignment=_assignment(engagement, no_nda_assistant),
        signer=no_nda_assistant,
        signed_name="Nils Okafor",
        origin=ORIGIN,
    )
    assert signed.agreement.recorded_by == no_nda_assistant
    assert signed.agreement.expires_on is None
    assert signed.document.created_by == no_nda_assistant
    event = AuditEvent.objects.get(org=engagement.firm, action="nda.signed")
    assert event.actor == no_nda_assistant
    assert "typed by themself" in event.summary


def test_nobody_signs_for_an_engagement_that_has_ended(engagement, no_nda_assistant):
    engagement.status = "ended"
    engagement.save(update_fields=["status"])
    with pytest.raises(ServiceError) as refused:
        signing.nda_self_sign_typed(
            assignment=_assignment(engagement, no_nda_assistant),
            signer=no_nda_assistant,
            signed_name="Nils Okafor",
            origin=ORIGIN,
        )
    assert "has ended" in refused.value.message
    assert not SignedAgreement.objects.for_firm(engagement.firm).exists()


def test_only_the_person_assigned_signs_their_agreement(
    engagement, no_nda_assistant, ungranted_assistant
):
    with pytest.raises(ServiceError):
        signing.nda_self_sign_typed(
            assignment=_assignment(engagement, no_nda_assistant),
            signer=ungranted_assistant,
            signed_name="Gus Ferreira",
            origin=ORIGIN,
        )
