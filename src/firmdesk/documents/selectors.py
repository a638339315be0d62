import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.utils import timezone

from firmdesk.access.selectors import access_object
from firmdesk.access.system import provider_side, rule_facts
from firmdesk.audit.models import AuditEvent
from firmdesk.engagements.agreement_texts import standard_sha256
from firmdesk.engagements.models import (
    AgreementText,
    Assignment,
    ConfidentialityAgreement,
    Engagement,
)
from firmdesk.orgs.models import User

from .models import (
    Document,
    DocumentVersion,
    Exhibit,
    ShareLink,
    SignedAgreement,
    Submission,
)


def access_document(scope, public_id, *, for_write=False) -> Document:
    return access_object(Document, scope, public_id, for_write=for_write)


def documents_on_matter(scope, matter):
    """The matter's documents the scope may see, newest first, with their
    current version and who made them."""
    return (
        Document.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("matter", "current_version__uploaded_by", "created_by")
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


def library_documents(scope, *, q="", matter="", status="", who=None):
    """The documents of the firm's library the scope may see, newest change
    first, with what a list row shows; narrowed by words of the title (``q``),
    the matter's number or words of its title (``matter``), a status, and who
    uploaded a version (``who``). A template's file and a signed agreement
    have pages of their own and stay out."""
    rows = (
        Document.objects.in_scope(scope)
        .filter(as_template__isnull=True, signatures__isnull=True)
        .select_related("matter", "created_by", "current_version__uploaded_by")
        .order_by("-updated_at", "-pk")
    )
    for word in q.split():
        rows = rows.filter(title__icontains=word)
    if matter.split():
        # Only matters the scope may open: a document seen through a task on a
        # hidden matter must not let its matter's words be guessed.
        rows = rows.filter(Q(matter__isnull=False) & scope.matter_q("matter"))
    for word in matter.split():
        rows = rows.filter(
            Q(matter__number__icontains=word) | Q(matter__title__icontains=word)
        )
    if status in Document.Status.values:
        rows = rows.filter(status=status)
    if who is not None:
        rows = rows.filter(
            Exists(
                DocumentVersion.objects.in_scope(scope).filter(
                    document=OuterRef("pk"), uploaded_by=who
                )
            )
        )
    return rows


def library_uploaders(scope):
    """Everyone who uploaded a version the scope may see, by name: the
    choices of the list's "who" filter."""
    ids = (
        DocumentVersion.objects.in_scope(scope)
        .exclude(uploaded_by=None)
        .values("uploaded_by")
    )
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


def versions_of(scope, document):
    return (
        DocumentVersion.objects.in_scope(scope)
        .filter(document=document)
        .select_related("uploaded_by")
        .order_by("-number")
    )


def access_version(scope, document, number) -> DocumentVersion:
    """Version ``number`` of a document the scope sees (404 otherwise)."""
    try:
        return versions_of(scope, document).get(number=int(number))
    except (DocumentVersion.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.") from None


HISTORY_LIMIT = 200

# What each event of a document is, in words, where its own summary may not be
# shown (below).
HISTORY_LABELS = {
    "document.uploaded": "Uploaded",
    "document.version_added": "Uploaded a new version",
    "document.submitted": "Submitted for review",
    "document.approved": "Approved",
    "document.returned": "Returned to draft",
    "document.back_to_draft": "Back to draft",
    "document.finalised": "Marked final",
    "document.downloaded": "Downloaded",
}
# Events whose summary is made only of the document's own facts (its title,
# versions, the reviewer's comment).
OWN_SUMMARIES = frozenset(HISTORY_LABELS) - {"document.downloaded"}


@dataclass(frozen=True)
class HistoryRow:
    at: object
    who: str
    what: str


def _history_line(scope, event) -> str:
    """The event as the viewer may read it. A summary that names a task (a
    download from a task's page, a review that came with a task's) is shown
    in general words, since the viewer may not see that task; outside staff
    read only the library's own events, in the words of its summaries."""
    detail = event.detail or {}
    through_task = "task" in detail
    if not through_task and (
        event.action in OWN_SUMMARIES
        or (scope.is_firm_member and event.action != "document.downloaded")
    ):
        return event.summary or HISTORY_LABELS.get(event.action, event.action)
    words = HISTORY_LABELS.get(event.action, "Changed")
    if detail.get("version"):
        words += f" version {detail['version']}"
    if through_task:
        words += (
            " from a task's page"
            if event.action == "document.downloaded"
            else " with its task's review"
        )
    return words


def document_history(scope, document) -> list[HistoryRow]:
    """Who did what to the document, newest first: its events on the firm's
    audit trail (the page's own openings left out: they are in the audit
    trail). Only for a document the scope sees, so the caller passes one
    reached through ``access_document``."""
    events = (
        AuditEvent.objects.filter(
            org=scope.firm,
            matter_id=str(document.matter.public_id) if document.matter_id else "",
            object_type=Document._meta.label,
            object_id=str(document.public_id),
        )
        .exclude(action="document.viewed")
        .select_related("actor")
        .order_by("-pk")[:HISTORY_LIMIT]
    )
    return [
        HistoryRow(
            at=event.at,
            who=str(event.actor) if event.actor else event.actor_label,
            what=_history_line(scope, event),
        )
        for event in events
    ]


# Reading a document is in the trail too, but it is not a change to it.
NOT_CHANGES = ("document.viewed", "document.downloaded")


def with_last_change(scope, documents) -> list:
    """``documents`` (already seen through ``scope``) as a list, each with
    ``last_change``: the newest audit event that changed it (who and when),
    or None. One query for the lot, through the trail's (firm, matter) index."""
    documents = list(documents)
    if not documents:
        return documents
    matters = {str(d.matter.public_id) if d.matter_id else "" for d in documents}
    events = (
        AuditEvent.objects.filter(
            org=scope.firm,
            matter_id__in=matters,
            object_type=Document._meta.label,
            object_id__in=[str(d.public_id) for d in documents],
        )
        .exclude(action__in=NOT_CHANGES)
        .select_related("actor")
        .order_by("-pk")
    )
    last: dict[str, AuditEvent] = {}
    for event in events:
        last.setdefault(event.object_id, event)
    for document in documents:
        document.last_change = last.get(str(document.public_id))
    return documents


def documents_for_matter_page(scope, matter) -> list:
    """The matter page's Documents section: ``documents_on_matter`` with who
    changed each last, and when."""
    return with_last_change(scope, documents_on_matter(scope, matter))


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
    text), whether the engagement's current text still waits for them, and
    why: ``changed_at`` when the firm changed the text they signed, or
    ``expired`` when their signature ran out."""

    assignment: Assignment
    agreement: ConfidentialityAgreement | None
    kept: SignedAgreement | None
    to_sign: bool
    changed: bool = False
    changed_at: datetime.datetime | None = None
    expired: bool = False


def _current_texts(engagement_ids) -> dict[int, AgreementText]:
    """The latest published text of each engagement that has one."""
    latest: dict[int, AgreementText] = {}
    for row in (
        rule_facts(AgreementText)
        .filter(engagement__in=engagement_ids)
        .only("engagement_id", "version", "sha256", "published_at")
        .order_by("version")
    ):
        latest[row.engagement_id] = row
    return latest


def own_agreements(*, user) -> list[OwnAgreement]:
    """The engagements ``user`` is assigned to in every firm (not ended, not
    removed), each with their own agreement. Firm names and the agreement
    texts only: no firm's client data. Read as rule facts (access.system): the
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
    engagement_ids = [a.engagement_id for a in assignments]
    texts = _current_texts(engagement_ids)
    standard = standard_sha256()
    newest: dict[int, ConfidentialityAgreement] = {}
    current: set[int] = set()
    for agreement in (
        rule_facts(ConfidentialityAgreement)
        .filter(signer=user, engagement__in=engagement_ids)
        .select_related("signed_document", "engagement__firm")
        .order_by("signed_at")
    ):
        newest[agreement.engagement_id] = agreement
        today = timezone.localdate(timezone=agreement.engagement.firm.tz)
        text = texts.get(agreement.engagement_id)
        if agreement.text_sha256 == (
            text.sha256 if text else standard
        ) and agreement.is_valid(today):
            current.add(agreement.engagement_id)
    rows = []
    for a in assignments:
        agreement = newest.get(a.engagement_id)
        text = texts.get(a.engagement_id)
        to_sign = a.engagement_id not in current
        changed = (
            to_sign
            and agreement is not None
            and agreement.text_sha256 != (text.sha256 if text else standard)
        )
        rows.append(
            OwnAgreement(
                assignment=a,
                agreement=agreement,
                kept=getattr(agreement, "signed_document", None) if agreement else None,
                to_sign=to_sign,
                changed=changed,
                changed_at=text.published_at if changed and text else None,
                expired=to_sign and agreement is not None and not changed,
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
