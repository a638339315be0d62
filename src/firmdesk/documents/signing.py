"""Signed agreements kept as documents (docs/documents-agreements.md).

A confidentiality agreement (NDA) or an engagement's master services agreement
is kept as the PDF of what was signed, stored encrypted like every file
(``documents.services``), and a ``SignedAgreement`` row points at it:

- typed name: FirmDesk draws the exact text with a signature block (the name
  typed, the signer's e-mail, the time with its zone, the address and browser
  the signature was recorded from, the SHA-256 of the text) to a PDF;
- uploaded: the signed PDF itself (a paper signature scanned, or a copy signed
  elsewhere).

Every write here runs in one transaction with the record it belongs to: the
NDA's ``ConfidentialityAgreement`` (``engagements.services.nda_sign``), the
stored document and the ``SignedAgreement``, so "NDA signed" never exists
without the text that was signed.
"""

import datetime
import hashlib
import io
import ipaddress
from contextlib import contextmanager
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.common.times import when
from firmdesk.engagements import services as engagement_services
from firmdesk.engagements.agreement_texts import CurrentText, current_text
from firmdesk.engagements.models import Engagement

from . import storage
from .models import Document, SignedAgreement
from .services import document_upload
from .validation import check_upload

PDF_TEMPLATE = "web/documents/signed/agreement_pdf.html"
PDF_TYPE = "application/pdf"
USER_AGENT_MAX = SignedAgreement._meta.get_field("user_agent").max_length


@dataclass(frozen=True)
class Origin:
    """Where a typed-name signature was given from: the request's address
    (``common.http.client_address``, which honours the trusted proxy setting)
    and its browser."""

    ip_address: str | None
    user_agent: str

    @classmethod
    def of(cls, *, ip_address: str, user_agent: str) -> "Origin":
        """Anything that is not an address (a proxy's "unknown", nothing at
        all) is kept as not known rather than refusing the signature."""
        try:
            address: str | None = str(ipaddress.ip_address(ip_address.strip()))
        except ValueError:
            address = None
        return cls(ip_address=address, user_agent=(user_agent or "")[:USER_AGENT_MAX])


class _NothingFetched(URLFetcher):
    """The agreement's PDF needs nothing from outside: its style is inline and
    it has no images, so no address is ever fetched (no server runs while it
    is drawn, and a typed name must not make FirmDesk reach the network)."""

    def fetch(self, url, headers=None):
        raise ValueError(f"Nothing is fetched for an agreement: {url}")


def _require_firm_admin(scope) -> None:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can record signed agreements.")


def _pdf_of(context: dict) -> bytes:
    html = render_to_string(PDF_TEMPLATE, context)
    return HTML(string=html, url_fetcher=_NothingFetched()).write_pdf()


def _signature_block(
    *, firm, recorded_by, signed_name, signer, signed_at, origin, text_sha256
):
    """The lines of the signature block, as the PDF prints them."""
    zone = firm.tz
    return {
        "signed_name": signed_name,
        "signer": signer,
        "signed_at_local": when(signed_at, zone),
        "signed_at_utc": when(signed_at, datetime.UTC),
        "ip_address": origin.ip_address or "not known",
        "user_agent": origin.user_agent or "not known",
        "text_sha256": text_sha256,
        "recorded_by": recorded_by,
    }


def _check_pdf(uploaded_file, *, what: str) -> None:
    content_type, _ = check_upload(uploaded_file)
    if content_type != PDF_TYPE:
        raise ServiceError(
            f"Upload {what} as a PDF. Scan the paper copy to PDF, or save the "
            "file as PDF from the program that made it.",
            field="file",
        )


def _as_upload(content: bytes, name: str) -> SimpleUploadedFile:
    """Bytes FirmDesk made, handed to ``document_upload`` in memory: they are
    sealed there like any upload, and never written anywhere in the clear."""
    return SimpleUploadedFile(name, content, content_type=PDF_TYPE)


@contextmanager
def _stored_file_removed_on_failure(holder: list):
    """``document_upload`` removes its file if its own rows fail; this removes
    it when a later step of the enclosing transaction fails instead, so a
    rolled-back signature leaves no sealed file behind."""
    try:
        yield
    except Exception:
        for document in holder:
            if document.current_version is not None:
                storage.delete_stored(document.current_version)
        raise


def _keep(
    *,
    firm,
    actor,
    engagement: Engagement,
    kind: str,
    method: str,
    title: str,
    uploaded_file,
    signed_name: str,
    signer,
    signed_at: datetime.datetime,
    origin: Origin | None,
    text_sha256: str,
    agreement=None,
    holder: list,
) -> SignedAgreement:
    """Store the PDF as a final document of no matter and point a
    SignedAgreement at it (inside the caller's transaction)."""
    document = document_upload(
        firm=firm, actor=actor, uploaded_file=uploaded_file, title=title
    )
    holder.append(document)
    # What was signed never changes: final takes no version and no status
    # change, and is offered no delete (docs/documents.md).
    document.status = Document.Status.FINAL
    document.finalised_by = actor
    document.finalised_at = signed_at
    document.save(update_fields=["status", "finalised_by", "finalised_at"])
    signed = SignedAgreement(
        firm=firm,
        kind=kind,
        method=method,
        engagement=engagement,
        agreement=agreement,
        document=document,
        signed_name=signed_name,
        signer=signer,
        signed_at=signed_at,
        ip_address=origin.ip_address if origin else None,
        user_agent=origin.user_agent if origin else "",
        text_sha256=text_sha256,
    )
    signed.full_clean()
    signed.save()
    audit_record(
        org=firm,
        actor=actor,
        action="agreement.kept",
        obj=signed,
        summary=f"{signed.get_kind_display()} of {engagement} kept as signed "
        f"({signed.get_method_display().lower()}): “{title}”",
        detail={
            "kind": kind,
            "method": method,
            "document": str(document.public_id),
            "text_sha256": text_sha256,
            "ip_address": signed.ip_address,
        },
    )
    return signed


def _nda_title(signer, engagement: Engagement, signed_at) -> str:
    return (
        f"Confidentiality agreement — {signer.full_name or signer.email} — "
        f"{engagement.provider} ({_firm_day(engagement, signed_at)})"
    )[: Document._meta.get_field("title").max_length]


def _firm_day(engagement: Engagement, moment: datetime.datetime) -> str:
    """The day of ``moment`` where the firm is (a title's date)."""
    return f"{timezone.localtime(moment, engagement.firm.tz):%Y-%m-%d}"


def _file_name(*parts: str) -> str:
    return slugify(" ".join(parts))[:120] + ".pdf"


def _typed_nda_kept(
    *, actor, agreement, text: CurrentText, origin: Origin, holder: list
) -> SignedAgreement:
    """The PDF of ``agreement`` (just recorded, signed by typed name): its text
    and signature block, kept as a document the SignedAgreement points at.
    Drawn inside the caller's transaction so the PDF carries the agreement's
    own time; it takes a few tenths of a second (PITFALLS.md)."""
    engagement = agreement.engagement
    firm = engagement.firm
    signer = agreement.signer
    pdf = _pdf_of(
        {
            "kind": "nda",
            "title": text.title,
            "firm": firm,
            "engagement": engagement,
            "text": text.body,
            "text_version": text.label,
            "expires_on": agreement.expires_on,
            "block": _signature_block(
                firm=firm,
                recorded_by=actor,
                signed_name=agreement.signed_name,
                signer=signer,
                signed_at=agreement.signed_at,
                origin=origin,
                text_sha256=agreement.text_sha256,
            ),
        }
    )
    return _keep(
        firm=firm,
        actor=actor,
        engagement=engagement,
        kind=SignedAgreement.Kind.NDA,
        method=SignedAgreement.Method.TYPED,
        title=_nda_title(signer, engagement, agreement.signed_at),
        uploaded_file=_as_upload(
            pdf, _file_name("confidentiality agreement", signer.full_name)
        ),
        signed_name=agreement.signed_name,
        signer=signer,
        signed_at=agreement.signed_at,
        origin=origin,
        text_sha256=agreement.text_sha256,
        agreement=agreement,
        holder=holder,
    )


def nda_sign_typed(
    *,
    scope,
    engagement: Engagement,
    signer,
    signed_name: str,
    origin: Origin,
    expires_on: datetime.date | None = None,
) -> SignedAgreement:
    """The firm admin records a confidentiality agreement signed by typed
    name; the text and its signature block are kept as a PDF, which names
    the admin as the one who recorded it."""
    _require_firm_admin(scope)
    text = current_text(engagement)
    holder: list = []
    with _stored_file_removed_on_failure(holder), transaction.atomic():
        agreement = engagement_services.nda_sign(
            scope=scope,
            engagement=engagement,
            signer=signer,
            signed_name=signed_name,
            expires_on=expires_on,
            text=text,
        )
        return _typed_nda_kept(
            actor=scope.user,
            agreement=agreement,
            text=text,
            origin=origin,
            holder=holder,
        )


def nda_self_sign_typed(
    *,
    assignment,
    signer,
    signed_name: str,
    origin: Origin,
    read_sha256: str | None = None,
) -> SignedAgreement:
    """The assigned staff member signs the confidentiality agreement themself
    by typing their name, from their own browser: the address and browser in
    the signature block are theirs. ``read_sha256``: the text they were shown
    (``engagements.services.nda_self_sign``)."""
    text = current_text(assignment.engagement)
    holder: list = []
    with _stored_file_removed_on_failure(holder), transaction.atomic():
        agreement = engagement_services.nda_self_sign(
            assignment=assignment,
            signer=signer,
            signed_name=signed_name,
            text=text,
            read_sha256=read_sha256,
        )
        return _typed_nda_kept(
            actor=signer, agreement=agreement, text=text, origin=origin, holder=holder
        )


def nda_record_uploaded(
    *,
    scope,
    engagement: Engagement,
    signer,
    signed_name: str,
    uploaded_file,
    expires_on: datetime.date | None = None,
) -> SignedAgreement:
    """Record a confidentiality agreement signed on paper (or elsewhere): the
    signed PDF is kept as it was uploaded. The agreement records the current
    text's SHA-256, which the firm admin confirms the paper matches."""
    _require_firm_admin(scope)
    _check_pdf(uploaded_file, what="the signed agreement")
    holder: list = []
    with _stored_file_removed_on_failure(holder), transaction.atomic():
        agreement = engagement_services.nda_sign(
            scope=scope,
            engagement=engagement,
            signer=signer,
            signed_name=signed_name,
            expires_on=expires_on,
        )
        return _keep(
            firm=scope.firm,
            actor=scope.user,
            engagement=engagement,
            kind=SignedAgreement.Kind.NDA,
            method=SignedAgreement.Method.UPLOADED,
            title=_nda_title(signer, engagement, agreement.signed_at),
            uploaded_file=uploaded_file,
            signed_name=agreement.signed_name,
            signer=signer,
            signed_at=agreement.signed_at,
            origin=None,
            text_sha256=agreement.text_sha256,
            agreement=agreement,
            holder=holder,
        )


def _master_title(engagement: Engagement, signed_at) -> str:
    return (
        f"Master services agreement — {engagement.provider} "
        f"({_firm_day(engagement, signed_at)})"
    )[: Document._meta.get_field("title").max_length]


def _master_checks(*, scope, engagement: Engagement, signed_name: str) -> str:
    _require_firm_admin(scope)
    if engagement.firm_id != scope.firm.pk:
        raise ServiceError("That engagement belongs to another firm.")
    signed_name = signed_name.strip()
    if not signed_name:
        raise ServiceError("Type the name as it was signed.", field="signed_name")
    return signed_name


def master_record_uploaded(
    *, scope, engagement: Engagement, signed_name: str, uploaded_file
) -> SignedAgreement:
    """Keep the provider's master services agreement, signed by both sides
    elsewhere, as the PDF uploaded. ``signed_name`` says who signed it, as the
    paper shows (both signatories)."""
    signed_name = _master_checks(
        scope=scope, engagement=engagement, signed_name=signed_name
    )
    _check_pdf(uploaded_file, what="the signed master agreement")
    digest = hashlib.sha256()
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
    uploaded_file.seek(0)
    signed_at = timezone.now()
    holder: list = []
    with _stored_file_removed_on_failure(holder), transaction.atomic():
        return _keep(
            firm=scope.firm,
            actor=scope.user,
            engagement=engagement,
            kind=SignedAgreement.Kind.MASTER,
            method=SignedAgreement.Method.UPLOADED,
            title=_master_title(engagement, signed_at),
            uploaded_file=uploaded_file,
            signed_name=signed_name,
            signer=None,
            signed_at=signed_at,
            origin=None,
            text_sha256=digest.hexdigest(),
            holder=holder,
        )


def _text_with_signature_page(text_pdf: bytes, signature_page: bytes) -> bytes:
    """The agreement's own pages, unchanged, followed by the signature page."""
    try:
        reader = PdfReader(io.BytesIO(text_pdf))
        if reader.is_encrypted:
            raise ServiceError(
                "This PDF is protected with a password, so FirmDesk cannot add "
                "a signature page to it. Save it again without protection, or "
                "upload the copy both sides signed instead.",
                field="file",
            )
        writer = PdfWriter()
        writer.append(reader)
        writer.append(PdfReader(io.BytesIO(signature_page)))
        out = io.BytesIO()
        writer.write(out)
    except (PyPdfError, ValueError, KeyError, TypeError) as error:
        raise ServiceError(
            "FirmDesk could not read the pages of this PDF to add a signature "
            "page. Save it again as PDF from the program that made it, or upload "
            "the copy both sides signed instead.",
            field="file",
        ) from error
    return out.getvalue()


def master_accept_typed(
    *,
    scope,
    engagement: Engagement,
    signed_name: str,
    uploaded_file,
    origin: Origin,
) -> SignedAgreement:
    """The firm admin accepts the master agreement's text (the uploaded PDF)
    by typing their name: the PDF kept is the text, page for page, followed by
    a signature page with the name, time, address, browser and the SHA-256 of
    the text as uploaded."""
    signed_name = _master_checks(
        scope=scope, engagement=engagement, signed_name=signed_name
    )
    _check_pdf(uploaded_file, what="the master agreement's text")
    text_pdf = b"".join(uploaded_file.chunks())
    text_sha256 = hashlib.sha256(text_pdf).hexdigest()
    signed_at = timezone.now()
    page = _pdf_of(
        {
            "kind": "master",
            "title": "Master services agreement — signature page",
            "firm": scope.firm,
            "engagement": engagement,
            "text_name": uploaded_file.name,
            "block": _signature_block(
                firm=scope.firm,
                recorded_by=scope.user,
                signed_name=signed_name,
                signer=scope.user,
                signed_at=signed_at,
                origin=origin,
                text_sha256=text_sha256,
            ),
        }
    )
    combined = _text_with_signature_page(text_pdf, page)
    holder: list = []
    with _stored_file_removed_on_failure(holder), transaction.atomic():
        return _keep(
            firm=scope.firm,
            actor=scope.user,
            engagement=engagement,
            kind=SignedAgreement.Kind.MASTER,
            method=SignedAgreement.Method.TYPED,
            title=_master_title(engagement, signed_at),
            uploaded_file=_as_upload(
                combined, _file_name("master agreement", str(engagement.provider))
            ),
            signed_name=signed_name,
            signer=scope.user,
            signed_at=signed_at,
            origin=origin,
            text_sha256=text_sha256,
            holder=holder,
        )
