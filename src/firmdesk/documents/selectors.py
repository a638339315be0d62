from django.http import Http404

from firmdesk.access.selectors import access_object
from firmdesk.access.system import provider_side
from firmdesk.engagements.models import ConfidentialityAgreement

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
