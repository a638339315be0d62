"""A document's way from draft to final (documents/workflow.py): who may move
it, what each step records, and that a final document never changes."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_verify
from firmdesk.common.errors import ServiceError
from firmdesk.documents import quality, workflow
from firmdesk.documents.models import (
    Document,
    DocumentTemplate,
    DocumentVersion,
    Exhibit,
    Submission,
)
from firmdesk.documents.services import document_add_version, document_upload
from firmdesk.documents.storage import read_plaintext
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import Function

from .helpers import PDF, stored_files, upload

S = Document.Status
TODAY = datetime.date(2026, 12, 7)


def as_(user, firm):
    return resolve_scope(user, firm)


@pytest.fixture
def draft(firm, assistant, matter):
    """The assistant's draft on the matter opened to them."""
    return document_upload(
        firm=firm,
        actor=assistant,
        uploaded_file=upload("Demand letter.pdf"),
        matter=matter,
    )


def fresh(document) -> Document:
    return Document.unscoped.get(pk=document.pk)


def submit(document, user, firm, explanations=None):
    document = fresh(document)
    return workflow.document_submit(
        scope=as_(user, firm),
        document=document,
        version_number=document.current_version.number,
        explanations=explanations,
        today=TODAY,
    )


def in_review(document, user, firm):
    submit(document, user, firm)
    return fresh(document)


def approved(document, assistant, attorney, firm):
    workflow.document_approve(
        scope=as_(attorney, firm), document=in_review(document, assistant, firm)
    )
    return fresh(document)


def final(document, assistant, attorney, firm):
    workflow.document_finalise(
        scope=as_(attorney, firm),
        document=approved(document, assistant, attorney, firm),
    )
    return fresh(document)


def actions(document) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            object_type="documents.Document", object_id=str(document.public_id)
        )
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def two_findings(monkeypatch):
    """The quality checks (another part writes them) find two things."""
    found = [
        quality.Finding("placeholder", "“[CLIENT NAME]” is still in paragraph 2."),
        quality.Finding("past_date", "The reply date 1 March 2026 has passed."),
    ]
    monkeypatch.setattr(
        quality, "findings", lambda version, *, today, scope=None: found
    )
    return found


# --- The happy path -----------------------------------------------------------


def test_draft_goes_to_review_then_approved_then_final_each_step_audited(
    firm, assistant, attorney, draft
):
    document = final(draft, assistant, attorney, firm)
    assert document.status == S.FINAL
    assert document.finalised_by == attorney and document.finalised_at is not None
    (submission,) = Submission.objects.for_firm(firm).filter(document=document)
    assert submission.version == document.current_version
    assert submission.submitted_by == assistant
    assert submission.decision == Submission.Decision.APPROVED
    assert submission.decided_by == attorney
    assert actions(document) == [
        "document.uploaded",
        "document.submitted",
        "document.approved",
        "document.finalised",
    ]
    assert audit_verify(org=firm).ok


def test_submitting_tells_the_responsible_attorney(firm, assistant, attorney, draft):
    submit(draft, assistant, firm)
    (note,) = Notification.objects.filter(user=attorney, kind="document.submitted")
    assert note.title == "Ready for your review: Demand letter.pdf"
    assert note.url.endswith(f"/documents/{draft.public_id}/")


def test_return_sends_it_back_to_draft_with_the_comment(
    firm, assistant, attorney, draft
):
    document = in_review(draft, assistant, firm)
    workflow.document_return(
        scope=as_(attorney, firm),
        document=document,
        comment="Use the client's full legal name.",
    )
    assert fresh(document).status == S.DRAFT
    (submission,) = Submission.objects.for_firm(firm).filter(document=document)
    assert submission.decision == Submission.Decision.RETURNED
    assert submission.comment == "Use the client's full legal name."
    (note,) = Notification.objects.filter(user=assistant, kind="document.returned")
    assert note.body == "Use the client's full legal name."


def test_a_return_without_a_comment_is_refused(firm, assistant, attorney, draft):
    document = in_review(draft, assistant, firm)
    with pytest.raises(ServiceError) as refused:
        workflow.document_return(
            scope=as_(attorney, firm), document=document, comment="  "
        )
    assert refused.value.field == "comment"
    assert fresh(document).status == S.IN_REVIEW


# --- Who may ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["assistant", "firm_staff"])
def test_only_attorneys_and_admins_review_and_mark_final(
    request, firm, assistant, attorney, draft, who
):
    user = request.getfixturevalue(who)
    document = in_review(draft, assistant, firm)
    scope = as_(user, firm)
    for step in (workflow.document_approve, workflow.document_finalise):
        with pytest.raises(ServiceError, match="Only an attorney"):
            step(scope=scope, document=document)
    with pytest.raises(ServiceError, match="Only an attorney"):
        workflow.document_return(scope=scope, document=document, comment="No.")
    assert fresh(document).status == S.IN_REVIEW


def test_provider_staff_without_the_documents_function_cannot_submit(
    firm, assistant, draft
):
    from firmdesk.engagements.models import Assignment

    Assignment.unscoped.filter(user=assistant, firm=firm).update(
        functions=[Function.SCHEDULING]
    )
    with pytest.raises(ServiceError, match="work on the firm's documents"):
        submit(draft, assistant, firm)
    assert not workflow.may_submit(as_(assistant, firm), draft)
    assert fresh(draft).status == S.DRAFT


def test_steps_out_of_order_are_refused_and_say_where_it_stands(
    firm, assistant, attorney, draft
):
    scope = as_(attorney, firm)
    with pytest.raises(ServiceError, match="draft now"):
        workflow.document_approve(scope=scope, document=draft)
    with pytest.raises(ServiceError, match="draft now"):
        workflow.document_finalise(scope=scope, document=draft)
    document = in_review(draft, assistant, firm)
    with pytest.raises(ServiceError, match="in review now"):
        submit(document, assistant, firm)


def test_two_reviewers_at_once_one_decision_counts(
    firm, assistant, attorney, firm_admin, draft
):
    """Both loaded the page while it was in review; the second finds it approved."""
    document = in_review(draft, assistant, firm)
    stale_copy = fresh(document)
    workflow.document_approve(scope=as_(attorney, firm), document=document)
    with pytest.raises(ServiceError, match="approved now"):
        workflow.document_return(
            scope=as_(firm_admin, firm), document=stale_copy, comment="Too late."
        )
    assert fresh(document).status == S.APPROVED
    (submission,) = Submission.objects.for_firm(firm).filter(document=document)
    assert submission.decided_by == attorney


def test_attorney_may_approve_a_draft_they_submitted_themselves(firm, attorney, matter):
    """A solo attorney's own letter must be able to reach final (and so a share
    link) without a second attorney."""
    document = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Letter.pdf"), matter=matter
    )
    final_doc = final(document, attorney, attorney, firm)
    assert final_doc.status == S.FINAL


# --- Quality findings ---------------------------------------------------------


def test_findings_stop_the_submission_until_each_is_explained(
    firm, assistant, draft, two_findings
):
    with pytest.raises(workflow.FindingsToAnswer) as stopped:
        submit(draft, assistant, firm)
    found = stopped.value.findings
    assert [f.message for f in found] == [f.message for f in two_findings]
    assert stopped.value.missing == [f.key for f in found]
    assert "2 findings of the checks are not explained yet" in stopped.value.message

    with pytest.raises(workflow.FindingsToAnswer) as still:
        submit(draft, assistant, firm, {found[0].key: "The name is in the caption."})
    assert still.value.missing == [found[1].key]
    assert fresh(draft).status == S.DRAFT
    assert not Submission.objects.for_firm(firm).exists()


def test_explained_findings_go_through_and_the_submission_keeps_them(
    firm, assistant, draft, two_findings
):
    keys = [
        f.key for f in workflow.checked_findings(draft.current_version, today=TODAY)
    ]
    submission = submit(
        draft,
        assistant,
        firm,
        {
            keys[0]: " Left for the attorney to fill. ",
            keys[1]: "Quoted from the lease.",
        },
    )
    assert fresh(draft).status == S.IN_REVIEW
    assert submission.findings == [
        {
            "code": "placeholder",
            "message": "“[CLIENT NAME]” is still in paragraph 2.",
            "explanation": "Left for the attorney to fill.",
        },
        {
            "code": "past_date",
            "message": "The reply date 1 March 2026 has passed.",
            "explanation": "Quoted from the lease.",
        },
    ]


def test_a_fixed_version_has_nothing_to_explain(firm, assistant, draft, monkeypatch):
    """Fixing means a new version the checks no longer object to."""
    monkeypatch.setattr(
        quality,
        "findings",
        lambda version, *, today, scope=None: (
            [quality.Finding("placeholder", "“[DATE]” is still there.")]
            if version.number == 1
            else []
        ),
    )
    with pytest.raises(workflow.FindingsToAnswer):
        submit(draft, assistant, firm)
    document_add_version(
        document=fresh(draft), actor=assistant, uploaded_file=upload("Fixed.pdf")
    )
    submission = submit(draft, assistant, firm)
    assert submission.version.number == 2 and submission.findings == []


def test_the_checks_get_the_current_version_and_the_day(
    firm, assistant, draft, monkeypatch
):
    seen = []
    monkeypatch.setattr(
        quality,
        "findings",
        lambda version, *, today, scope=None: seen.append((version, today)) or [],
    )
    submit(draft, assistant, firm)
    assert seen == [(draft.current_version, TODAY)]


def test_submitting_a_version_other_than_the_one_seen_is_refused(
    firm, assistant, draft
):
    document_add_version(
        document=fresh(draft), actor=assistant, uploaded_file=upload("v2.pdf")
    )
    with pytest.raises(ServiceError, match="Version 2 was uploaded while you"):
        workflow.document_submit(
            scope=as_(assistant, firm), document=fresh(draft), version_number=1
        )


# --- New versions -------------------------------------------------------------


def test_a_new_version_in_review_withdraws_the_submission_and_goes_back_to_draft(
    firm, assistant, draft
):
    document = in_review(draft, assistant, firm)
    document_add_version(
        document=document, actor=assistant, uploaded_file=upload("v2.pdf")
    )
    assert fresh(document).status == S.DRAFT
    (submission,) = Submission.objects.for_firm(firm).filter(document=document)
    assert submission.decision == Submission.Decision.RETURNED
    assert submission.comment == "Withdrawn before a decision: version 2 was uploaded."
    assert actions(document)[-2:] == [
        "document.back_to_draft",
        "document.version_added",
    ]


def test_a_new_version_of_an_approved_document_needs_approval_again(
    firm, assistant, attorney, draft
):
    document = approved(draft, assistant, attorney, firm)
    document_add_version(
        document=document, actor=assistant, uploaded_file=upload("v2.pdf")
    )
    assert fresh(document).status == S.DRAFT
    (submission,) = Submission.objects.for_firm(firm).filter(document=document)
    assert submission.decision == Submission.Decision.APPROVED  # history stays


# --- Final is final -----------------------------------------------------------


def test_a_final_document_takes_no_version_no_change_and_no_deletion(
    firm, assistant, attorney, firm_admin, draft, media_root
):
    document = final(draft, assistant, attorney, firm)
    before = (list(stored_files(media_root)), read_plaintext(document.current_version))
    with pytest.raises(ServiceError, match="final: it takes no new version"):
        document_add_version(
            document=document, actor=attorney, uploaded_file=upload("v2.pdf")
        )
    admin = as_(firm_admin, firm)
    for step in (
        workflow.document_approve,
        workflow.document_finalise,
        workflow.document_delete,
    ):
        with pytest.raises(ServiceError, match="final"):
            step(scope=admin, document=document)
    with pytest.raises(ServiceError, match="final"):
        workflow.document_return(scope=admin, document=document, comment="Undo")
    with pytest.raises(ServiceError, match="final"):
        submit(document, attorney, firm)
    assert fresh(document).status == S.FINAL
    assert DocumentVersion.objects.for_firm(firm).filter(document=document).count() == 1
    assert (
        list(stored_files(media_root)),
        read_plaintext(document.current_version),
    ) == before
    assert workflow.permissions(admin, document) == dict.fromkeys(
        ("add_version", "submit", "review", "finalise", "delete"), False
    )


def test_a_stale_copy_cannot_sneak_a_version_past_final(
    firm, assistant, attorney, draft
):
    """The page was loaded while it was approved; it became final since."""
    stale_copy = fresh(draft)
    final(draft, assistant, attorney, firm)
    with pytest.raises(ServiceError, match="final"):
        document_add_version(
            document=stale_copy, actor=assistant, uploaded_file=upload("v2.pdf")
        )
    assert DocumentVersion.objects.for_firm(firm).filter(document=draft).count() == 1


# --- Delete -------------------------------------------------------------------


def test_creator_deletes_a_draft_and_its_files_go_after_commit(
    firm, assistant, draft, media_root, django_capture_on_commit_callbacks
):
    document_add_version(document=draft, actor=assistant, uploaded_file=upload("b.pdf"))
    assert len(stored_files(media_root)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        workflow.document_delete(scope=as_(assistant, firm), document=draft)
    assert not Document.unscoped.filter(pk=draft.pk).exists()
    assert stored_files(media_root) == []
    (event,) = AuditEvent.objects.filter(action="document.deleted")
    assert event.actor == assistant
    assert [v["number"] for v in event.detail["versions"]] == [2, 1]


def test_a_rolled_back_deletion_keeps_the_files(
    firm, assistant, draft, media_root, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        workflow.document_delete(scope=as_(assistant, firm), document=draft)
        raise RuntimeError("the request failed after the delete")
    assert callbacks == []
    assert Document.unscoped.filter(pk=draft.pk).exists()
    assert len(stored_files(media_root)) == 1


def test_an_attorney_may_delete_anyones_draft_others_may_not(
    firm, assistant, attorney, firm_staff, draft
):
    for user in (firm_staff,):
        assert not workflow.may_delete(as_(user, firm), draft)
        with pytest.raises(ServiceError, match="Only the person who added"):
            workflow.document_delete(scope=as_(user, firm), document=draft)
    workflow.document_delete(scope=as_(attorney, firm), document=draft)
    assert not Document.unscoped.filter(pk=draft.pk).exists()


def test_only_drafts_are_deleted(firm, assistant, attorney, draft):
    document = in_review(draft, assistant, firm)
    with pytest.raises(ServiceError, match="in review now, so it cannot be deleted"):
        workflow.document_delete(scope=as_(attorney, firm), document=document)


def test_a_draft_on_the_exhibit_list_is_not_deleted(firm, assistant, matter, draft):
    Exhibit.objects.create(
        firm=firm, matter=matter, number=3, description="Demand", document=draft
    )
    with pytest.raises(ServiceError, match="Exhibit 3"):
        workflow.document_delete(scope=as_(assistant, firm), document=draft)
    assert Document.unscoped.filter(pk=draft.pk).exists()


def test_a_templates_file_is_not_the_librarys_to_change(firm, attorney):
    body = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Engagement.pdf", PDF)
    )
    DocumentTemplate.objects.create(firm=firm, name="Engagement letter", document=body)
    scope = as_(attorney, firm)
    assert not any(workflow.permissions(scope, body).values())
    with pytest.raises(ServiceError, match="template"):
        workflow.document_delete(scope=scope, document=body)
    with pytest.raises(ServiceError, match="template"):
        workflow.document_submit(scope=scope, document=body, version_number=1)


# --- Every path keeps to the arrows -------------------------------------------

ALLOWED = {
    (S.DRAFT, "submit"): S.IN_REVIEW,
    (S.IN_REVIEW, "approve"): S.APPROVED,
    (S.IN_REVIEW, "return"): S.DRAFT,
    (S.APPROVED, "finalise"): S.FINAL,
    (S.DRAFT, "version"): S.DRAFT,
    (S.IN_REVIEW, "version"): S.DRAFT,
    (S.APPROVED, "version"): S.DRAFT,
}


@settings(
    max_examples=15,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    steps=st.lists(
        st.sampled_from(["submit", "approve", "return", "finalise", "version"]),
        max_size=7,
    )
)
def test_any_sequence_of_steps_moves_only_along_the_arrows(
    firm, assistant, attorney, matter, steps
):
    """Whatever is tried in whatever order, a step either follows an arrow of
    the diagram or is refused and changes nothing; final stays final."""
    document = document_upload(
        firm=firm, actor=assistant, uploaded_file=upload("a.pdf"), matter=matter
    )
    reviewer = as_(attorney, firm)
    for step in steps:
        before = fresh(document)
        versions = before.versions.count()
        try:
            if step == "submit":
                submit(before, assistant, firm)
            elif step == "approve":
                workflow.document_approve(scope=reviewer, document=before)
            elif step == "return":
                workflow.document_return(scope=reviewer, document=before, comment="x")
            elif step == "finalise":
                workflow.document_finalise(scope=reviewer, document=before)
            else:
                document_add_version(
                    document=before, actor=assistant, uploaded_file=upload("b.pdf")
                )
        except ServiceError:
            assert (before.status, step) not in ALLOWED
            assert fresh(document).status == before.status
            assert fresh(document).versions.count() == versions
        else:
            assert ALLOWED[(before.status, step)] == fresh(document).status
