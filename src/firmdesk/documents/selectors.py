from dataclasses import dataclass

from django.http import Http404
from django.utils import timezone

from firmdesk.access.selectors import access_object
from firmdesk.access.system import provider_side, rule_facts
from firmdesk.engagements.models import (
    Assignment,
    ConfidentialityAgreement,
    Engagement,
    nda_text,
    nda_text_hash,
)

from .models import Document, Exhibit, ShareLink, SignedAgreement, Submission


def access_document(scope, public_id, *, for_write=False) -> Document:
    return access_object(Document, scope, public_id, for_write=for_write)


def documents_on_matter(scope, matter):
    """The matter's documents the scope may see, newest first, with their
    current version and who made them."""
    return (
        Document.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("current_version__uploaded_by", "created_by")
        .order_by("-updated_at")
    )


def exhibits_on_matter(scope, matter):
    return (
        Exhibit.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("document")
        .order_by("number")
    )


def submissions_of(scope, document):
    return (
        Submission.objects.in_scope(scope)
        .filter(document=document)
        .select_related("version", "submitted_by", "decided_by")
        .order_by("-created_at")
    )


def share_links_of(scope, document):
    return (
        ShareLink.objects.in_scope(scope)
        .filter(document=document)
        .select_related("version", "created_by", "revoked_by")
        .order_by("-created_at")
    )


def signed_agreements_of(scope, engagement):
    """The engagement's signed agreements (confidentiality and master), newest
    first, with the document that holds each one's signed text."""
    return (
        SignedAgreement.objects.in_scope(scope)
        .filter(engagement=engagement)
        .select_related("document__current_version", "signer")
        .order_by("-signed_at")
    )


def nda_by_assignment(*, scope, assignments) -> dict:
    """For each assignment (by id), the newest confidentiality agreement its
    person signed for its engagement, with the signed text kept for it, if
    any (``agreement.signed_document``; none for one recorded before signed
    texts were kept). One query for the whole list."""
    assignments = list(assignments)
    newest: dict[tuple[int, int], ConfidentialityAgreement] = {}
    for agreement in (
        ConfidentialityAgreement.objects.in_scope(scope)
        .filter(
            engagement__in={a.engagement_id for a in assignments},
            signer__in={a.user_id for a in assignments},
        )
        .select_related("signed_document")
        .order_by("signed_at")
    ):
        newest[(agreement.engagement_id, agreement.signer_id)] = agreement
    return {
        a.pk: newest.get((a.engagement_id, a.user_id))
        for a in assignments
        if (a.engagement_id, a.user_id) in newest
    }


def access_signed_agreement(scope, public_id) -> SignedAgreement:
    """One signed agreement, for reading its text: firm members see every one
    of their firm; anyone else acting for the firm only one they signed
    themself. Everything else is 404, like a row that does not exist."""
    queryset = SignedAgreement.objects.in_scope(scope).select_related(
        "document__current_version", "engagement__provider", "signer"
    )
    if not scope.is_firm_member:
        queryset = queryset.filter(signer=scope.user)
    return access_object(SignedAgreement, scope, public_id, queryset=queryset)


def provider_staff_agreement(*, provider, user, public_id) -> SignedAgreement:
    """A confidentiality agreement one of ``provider``'s staff signed, for the
    provider admin's staff roster (any firm the provider serves), or 404.
    Only the staff member's own agreements, never a firm's other documents."""
    found = (
        provider_side(SignedAgreement, provider=provider)
        .filter(kind=SignedAgreement.Kind.NDA, signer=user)
        .select_related("document__current_version", "firm", "engagement")
        .filter(public_id=public_id)
        .first()
    )
    if found is None:
        raise Http404("No agreement here.")
    return found


def provider_staff_agreements(*, provider) -> dict[int, list[SignedAgreement]]:
    """Each staff member's confidentiality agreements with the firms
    ``provider`` serves, newest first, by user id: firm names and dates only."""
    rows: dict[int, list[SignedAgreement]] = {}
    for signed in (
        provider_side(SignedAgreement, provider=provider)
        .filter(kind=SignedAgreement.Kind.NDA, signer__isnull=False)
        .select_related("firm")
        .order_by("-signed_at")
    ):
        rows.setdefault(signed.signer_id, []).append(signed)
    return rows


@dataclass(frozen=True)
class OwnAgreement:
    """One engagement a person is assigned to, for their own agreements page:
    the newest confidentiality agreement they signed for it (and its kept
    text), and whether the current standard text still waits for them."""

    assignment: Assignment
    agreement: ConfidentialityAgreement | None
    kept: SignedAgreement | None
    to_sign: bool


def own_agreements(*, user) -> list[OwnAgreement]:
    """The engagements ``user`` is assigned to in every firm (not ended, not
    removed), each with their own agreement. Firm names and the standard text
    only: no firm's client data. Read as rule facts (access.system): the
    assignment and agreement are what the access rule is made of, and a
    person with no signed agreement has no Scope to read them through."""
    assignments = [
        a
        for a in rule_facts(Assignment)
        .filter(user=user)
        .exclude(engagement__status=Engagement.Status.ENDED)
        .select_related("engagement__firm", "engagement__provider")
        .order_by("engagement__firm__name", "created_at")
        if a.end_date is None
        or a.end_date >= timezone.localdate(timezone=a.engagement.firm.tz)
    ]
    newest: dict[int, ConfidentialityAgreement] = {}
    current: set[int] = set()
    standard = nda_text_hash(nda_text())
    for agreement in (
        rule_facts(ConfidentialityAgreement)
        .filter(signer=user, engagement__in=[a.engagement_id for a in assignments])
        .select_related("signed_document", "engagement__firm")
        .order_by("signed_at")
    ):
        newest[agreement.engagement_id] = agreement
        today = timezone.localdate(timezone=agreement.engagement.firm.tz)
        if agreement.text_sha256 == standard and agreement.is_valid(today):
            current.add(agreement.engagement_id)
    rows = []
    for a in assignments:
        agreement = newest.get(a.engagement_id)
        rows.append(
            OwnAgreement(
                assignment=a,
                agreement=agreement,
                kept=getattr(agreement, "signed_document", None) if agreement else None,
                to_sign=a.engagement_id not in current,
            )
        )
    return rows


def own_assignment(*, user, public_id) -> Assignment:
    """One of ``user``'s own assignments (to sign its agreement), or 404."""
    found = (
        rule_facts(Assignment)
        .filter(user=user, public_id=public_id)
        .select_related("engagement__firm", "engagement__provider")
        .first()
    )
    if found is None:
        raise Http404("Nothing to sign here.")
    return found


def own_signed_agreement(*, user, public_id) -> SignedAgreement:
    """A confidentiality agreement ``user`` signed, to read its text, or 404."""
    found = (
        rule_facts(SignedAgreement)
        .filter(signer=user, kind=SignedAgreement.Kind.NDA, public_id=public_id)
        .select_related("document__current_version", "firm", "engagement")
        .first()
    )
    if found is None:
        raise Http404("No agreement here.")
    return found
