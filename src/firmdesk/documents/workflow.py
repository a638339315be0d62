"""A document's way from draft to final (docs/documents.md, "Statuses").

    draft ──submit──▶ in review ──approve──▶ approved ──mark final──▶ final
      ▲                  │                      │
      └──── return ──────┘                      │
      └──── a new version (in review or approved) ┘

Who may do what is decided here (``permissions``) and enforced in every write,
not only by the buttons a page shows. Each write runs in one transaction with
its audit event, on the document's row locked, so two people acting at once
cannot both win; the status is read again under the lock. A final document
takes no change at all: no version, no status, no deletion.

A task's review moves its documents too (``approved_with_task``,
``returned_with_task``): approving a task at a named version approves that
document, returning the task sends its documents in review back to draft.
"""

import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.notify.services import notify

from . import quality, storage
from .models import (
    Document,
    DocumentTemplate,
    DocumentVersion,
    Exhibit,
    SignedAgreement,
    Submission,
)

S = Document.Status
REVIEWER_ROLES = ("attorney", "firm_admin")
EXPLANATION_MAX = 1000
COMMENT_MAX = 2000


# --- Who may do what ----------------------------------------------------------


def may_review(scope) -> bool:
    """Approve, return, mark final: the firm's attorneys and admins (the rule
    of ``work.services.may_review``)."""
    return scope.is_firm_member and scope.has_role(*REVIEWER_ROLES)


def kept_elsewhere(document) -> str:
    """Why a document is not the library's to change, or "": the file of a
    template (its page manages it) or a signed agreement (kept as signed)."""
    firm = document.firm
    if DocumentTemplate.objects.for_firm(firm).filter(document=document).exists():
        return "This file is a template's: change it on the template's page, not here."
    if SignedAgreement.objects.for_firm(firm).filter(document=document).exists():
        return "This is a signed agreement: it is kept exactly as it was signed."
    return ""


def may_add_version(scope, document) -> bool:
    """Anyone who sees the document, while it is not final."""
    return not document.is_final


def may_submit(scope, document) -> bool:
    """Anyone who may add a version, from draft; provider staff need the
    documents function (drafting is their work only then)."""
    return (
        document.status == S.DRAFT
        and document.current_version_id is not None
        and (scope.is_firm_member or scope.has_function("documents"))
    )


def may_delete(scope, document) -> bool:
    """A draft, by the person who made it or an attorney or admin of the firm."""
    return document.status == S.DRAFT and (
        document.created_by_id == scope.user.pk or may_review(scope)
    )


def permissions(scope, document) -> dict[str, bool]:
    """What the person of ``scope`` may do on the document's page."""
    if kept_elsewhere(document):
        return dict.fromkeys(
            ("add_version", "submit", "review", "finalise", "delete"), False
        )
    reviewer = may_review(scope)
    return {
        "add_version": may_add_version(scope, document),
        "submit": may_submit(scope, document),
        "review": reviewer and document.status == S.IN_REVIEW,
        "finalise": reviewer and document.status == S.APPROVED,
        "delete": may_delete(scope, document),
    }


# --- Shared steps -------------------------------------------------------------


def _locked(document) -> Document:
    """The document's row, locked, with the status as it stands now."""
    return (
        Document.objects.for_firm(document.firm)
        .select_related("firm", "matter", "current_version")
        .select_for_update(of=("self",))
        .get(pk=document.pk)
    )


def _refuse_unless(document, *statuses: str, doing: str) -> None:
    if document.is_final:
        raise ServiceError(
            "This document is final: nothing about it can change any more."
        )
    if document.status not in statuses:
        raise ServiceError(
            f"The document is {document.get_status_display().lower()} now, so "
            f"it cannot be {doing}. Reload the page to see where it stands."
        )


def _audit(document, actor, action: str, summary: str, **detail) -> None:
    audit_record(
        org=document.firm,
        actor=actor,
        action=f"document.{action}",
        obj=document,
        matter=document.matter,
        summary=summary,
        detail=detail or None,
    )


def _set_status(document, status: str, *fields: str) -> None:
    document.status = status
    document.save(update_fields=["status", *fields, "updated_at"])


def _pending(document):
    return Submission.objects.for_firm(document.firm).filter(
        document=document, decision=Submission.Decision.PENDING
    )


def _decide(submission, *, decision: str, by, comment: str, now) -> None:
    submission.decision = decision
    submission.decided_by = by
    submission.decided_at = now
    submission.comment = comment
    submission.save(
        update_fields=["decision", "decided_by", "decided_at", "comment", "updated_at"]
    )


def document_url(document) -> str:
    return reverse(
        "documents:document_detail", args=[document.firm.slug, document.public_id]
    )


def _tell(user, document, *, actor, kind: str, title: str, body: str = "") -> None:
    if user is None or user.pk == getattr(actor, "pk", None):
        return
    notify(
        user=user,
        firm=document.firm,
        about=document,
        kind=kind,
        title=title,
        body=body,
        url=document_url(document),
    )


def back_to_draft(*, document, actor, why: str, now=None) -> None:
    """In review or approved → draft, because ``why`` ("version 3 was
    uploaded"). A submission still waiting is withdrawn: it is marked
    returned, its comment saying so. Call inside the caller's transaction,
    with the document's row locked."""
    now = now or timezone.now()
    was = document.get_status_display().lower()
    for submission in _pending(document):
        _decide(
            submission,
            decision=Submission.Decision.RETURNED,
            by=actor,
            comment=f"Withdrawn before a decision: {why}.",
            now=now,
        )
    _set_status(document, S.DRAFT)
    _audit(
        document,
        actor,
        "back_to_draft",
        f"Back to draft from {was}: {why}",
    )


# --- Submit, with the quality checks -------------------------------------------


@dataclass(frozen=True)
class CheckedFinding:
    """A quality finding as the submit page shows it: ``key`` ties the
    explanation typed for it to the finding, across the two requests."""

    key: str
    code: str
    message: str


class FindingsToAnswer(ServiceError):
    """The checks found things that are neither fixed nor explained yet."""

    def __init__(self, findings: list[CheckedFinding], missing: list[str]):
        count = len(missing)
        super().__init__(
            f"{count} finding{'s' if count != 1 else ''} of the checks "
            f"{'are' if count != 1 else 'is'} not explained yet. Fix "
            f"{'them' if count != 1 else 'it'} (upload a corrected version, then "
            "submit again) or say in a sentence why each is right as it is."
        )
        self.findings = findings
        self.missing = missing


def checked_findings(version, *, today: datetime.date) -> list[CheckedFinding]:
    """What the quality checks find in ``version``, each with a key made of
    its code, its message and its place in the list."""
    found = []
    for place, finding in enumerate(quality.findings(version, today=today)):
        digest = hashlib.sha256(
            f"{place}\0{finding.code}\0{finding.message}".encode()
        ).hexdigest()[:16]
        found.append(CheckedFinding(digest, finding.code, finding.message))
    return found


def document_submit(
    *,
    scope,
    document,
    version_number: int,
    explanations: dict[str, str] | None = None,
    today: datetime.date | None = None,
    now=None,
) -> Submission:
    """Put the current version (the one the person saw: ``version_number``)
    forward for review. The quality checks run on it; every finding needs an
    explanation (``explanations``: finding key → text) or the submission does
    not go through (``FindingsToAnswer``, which carries the findings)."""
    now = now or timezone.now()
    today = today or timezone.localdate()
    explanations = explanations or {}
    if not (scope.is_firm_member or scope.has_function("documents")):
        raise ServiceError(
            "Only people who work on the firm's documents can submit a draft "
            "for review."
        )
    with transaction.atomic():
        document = _locked(document)
        if reason := kept_elsewhere(document):
            raise ServiceError(reason)
        _refuse_unless(document, S.DRAFT, doing="submitted for review")
        version = document.current_version
        if version is None:
            raise ServiceError("Upload a file first: there is nothing to review.")
        if version.number != int(version_number):
            raise ServiceError(
                f"Version {version.number} was uploaded while you were looking "
                "at this page. Check it, then submit again."
            )
        findings = checked_findings(version, today=today)
        answered = {
            f.key: (explanations.get(f.key) or "").strip()[:EXPLANATION_MAX]
            for f in findings
        }
        missing = [key for key, text in answered.items() if not text]
        if missing:
            raise FindingsToAnswer(findings, missing)
        submission = Submission.objects.create(
            firm=document.firm,
            document=document,
            version=version,
            submitted_by=scope.user,
            findings=[
                {"code": f.code, "message": f.message, "explanation": answered[f.key]}
                for f in findings
            ],
        )
        _set_status(document, S.IN_REVIEW)
        explained = f", {len(findings)} finding(s) explained" if findings else ""
        _audit(
            document,
            scope.user,
            "submitted",
            f"Submitted version {version.number} for review{explained}",
            version=version.number,
            findings=[f.code for f in findings],
        )
        matter = document.matter
        _tell(
            matter.responsible_attorney if matter else None,
            document,
            actor=scope.user,
            kind="document.submitted",
            title=f"Ready for your review: {document.title}",
            body=f"{scope.user.full_name} submitted version {version.number}.",
        )
    return submission


# --- Review: approve, return, mark final ---------------------------------------


def _must_review(scope) -> None:
    if not may_review(scope):
        raise ServiceError("Only an attorney of the firm can review documents.")


def document_approve(*, scope, document, comment: str = "", now=None) -> Document:
    """The version in review is approved."""
    now = now or timezone.now()
    _must_review(scope)
    with transaction.atomic():
        document = _locked(document)
        _refuse_unless(document, S.IN_REVIEW, doing="approved")
        version = document.current_version
        submitted = None
        for submission in _pending(document):
            _decide(
                submission,
                decision=Submission.Decision.APPROVED,
                by=scope.user,
                comment=comment.strip()[:COMMENT_MAX],
                now=now,
            )
            submitted = submitted or submission.submitted_by
        _set_status(document, S.APPROVED)
        _audit(
            document,
            scope.user,
            "approved",
            f"Approved version {version.number}" if version else "Approved",
            version=version.number if version else None,
        )
        _tell(
            submitted,
            document,
            actor=scope.user,
            kind="document.approved",
            title=f"Approved: {document.title}",
            body=comment.strip() or "An attorney will mark it final.",
        )
    return document


def document_return(*, scope, document, comment: str, now=None) -> Document:
    """The version in review goes back to draft, with what to change."""
    now = now or timezone.now()
    _must_review(scope)
    comment = comment.strip()
    if not comment:
        raise ServiceError(
            "Say what needs to change, so it can be fixed in one go.",
            field="comment",
        )
    with transaction.atomic():
        document = _locked(document)
        _refuse_unless(document, S.IN_REVIEW, doing="returned")
        submitted = None
        for submission in _pending(document):
            _decide(
                submission,
                decision=Submission.Decision.RETURNED,
                by=scope.user,
                comment=comment[:COMMENT_MAX],
                now=now,
            )
            submitted = submitted or submission.submitted_by
        _set_status(document, S.DRAFT)
        _audit(document, scope.user, "returned", f"Returned to draft: {comment}"[:300])
        _tell(
            submitted,
            document,
            actor=scope.user,
            kind="document.returned",
            title=f"Returned for changes: {document.title}",
            body=comment,
        )
    return document


def document_finalise(*, scope, document, now=None) -> Document:
    """Approved → final: from now on the document never changes."""
    now = now or timezone.now()
    _must_review(scope)
    with transaction.atomic():
        document = _locked(document)
        _refuse_unless(document, S.APPROVED, doing="marked final")
        document.finalised_by = scope.user
        document.finalised_at = now
        _set_status(document, S.FINAL, "finalised_by", "finalised_at")
        version = document.current_version
        _audit(
            document,
            scope.user,
            "finalised",
            f"Marked final at version {version.number}" if version else "Marked final",
            version=version.number if version else None,
        )
    return document


# --- Delete ---------------------------------------------------------------------


def document_delete(*, scope, document) -> None:
    """A draft deleted with every version; the stored files go once the
    deletion has committed (a rollback keeps them)."""
    with transaction.atomic():
        document = _locked(document)
        if reason := kept_elsewhere(document):
            raise ServiceError(reason)
        _refuse_unless(document, S.DRAFT, doing="deleted")
        if not may_delete(scope, document):
            raise ServiceError(
                "Only the person who added this document, or an attorney of the "
                "firm, can delete it."
            )
        exhibit = (
            Exhibit.objects.for_firm(document.firm)
            .filter(document=document)
            .order_by("number")
            .first()
        )
        if exhibit is not None:
            raise ServiceError(
                f"Exhibit {exhibit.number} of the matter's exhibit list is this "
                "document. Choose another file for the exhibit (or remove it) first."
            )
        versions = list(
            DocumentVersion.objects.for_firm(document.firm).filter(document=document)
        )
        _audit(
            document,
            scope.user,
            "deleted",
            f"Deleted “{document.title}” with {len(versions)} version(s)",
            title=document.title,
            versions=[
                {"number": v.number, "name": v.original_name, "sha256": v.sha256}
                for v in versions
            ],
        )
        document.delete()
        transaction.on_commit(lambda: _remove_files(versions))


def _remove_files(versions) -> None:
    for version in versions:
        storage.delete_stored(version)


# --- The task review link --------------------------------------------------------


def approved_with_task(*, version, reviewer, task_title: str, now=None) -> bool:
    """A task approved at ``version``: its document becomes approved at that
    version, if it is a draft or in review and the version is its current one.
    Runs inside the task review's transaction. True when the document moved."""
    now = now or timezone.now()
    document = _locked(version.document)
    if document.status not in (S.DRAFT, S.IN_REVIEW):
        return False
    if document.current_version_id != version.pk:
        return False
    # The submission is shown to whoever sees the document, who may not see
    # the task: its title stays in the audit event only.
    why = "Approved with its task."
    for submission in _pending(document):
        _decide(
            submission,
            decision=Submission.Decision.APPROVED,
            by=reviewer,
            comment=why,
            now=now,
        )
    _set_status(document, S.APPROVED)
    _audit(
        document,
        reviewer,
        "approved",
        f"Approved version {version.number} with the task “{task_title}”"[:300],
        version=version.number,
        task=task_title,
    )
    return True


def returned_with_task(*, documents, reviewer, task_title: str, comment: str, now=None):
    """A task returned: its documents in review go back to draft, with the
    reviewer's comment on their submissions. Runs inside the task review's
    transaction. Returns the documents that moved."""
    now = now or timezone.now()
    moved = []
    for candidate in documents:
        document = _locked(candidate)
        if document.status != S.IN_REVIEW:
            continue
        for submission in _pending(document):
            _decide(
                submission,
                decision=Submission.Decision.RETURNED,
                by=reviewer,
                comment=f"Returned with its task: {comment}"[:COMMENT_MAX],
                now=now,
            )
        _set_status(document, S.DRAFT)
        _audit(
            document,
            reviewer,
            "returned",
            f"Returned to draft with the task “{task_title}”"[:300],
            task=task_title,
        )
        moved.append(document)
    return moved
