"""A task's review moves the documents attached to it (docs/documents.md, "Tasks
and documents"): approving the task at a named version approves that document;
returning the task sends its documents in review back to draft."""

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.documents import workflow
from firmdesk.documents.models import Document, Submission
from firmdesk.work import services
from firmdesk.work.models import Task
from tests import factories as f

from .helpers import upload

S = Document.Status


def as_(user, firm):
    return resolve_scope(user, firm)


@pytest.fixture
def task(firm, matter, assistant, attorney):
    return f.task(
        firm,
        matter=matter,
        assignee=assistant,
        requester=attorney,
        function="documents",
        title="Draft the demand letter",
    )


def attach(task, user, firm, name="Demand.pdf", new_version_of=None):
    return services.task_attach(
        scope=as_(user, firm),
        task=task,
        uploaded_file=upload(name),
        new_version_of=new_version_of,
    )


def hand_in(task, user, firm) -> Task:
    task = Task.unscoped.get(pk=task.pk)
    return services.task_submit(scope=as_(user, firm), task=task, revision=None)


def review(task, user, firm, *, approve, version=None):
    task = Task.unscoped.get(pk=task.pk)
    return services.task_review(
        scope=as_(user, firm),
        task=task,
        revision=None,
        approve=approve,
        reason="" if approve else "typo",
        comment="" if approve else "Fix the date in paragraph 2.",
        approved_version=version,
        without_file=approve and version is None,
    )


def fresh(document):
    return Document.unscoped.get(pk=document.pk)


def test_approving_the_task_at_the_current_version_approves_the_document(
    firm, task, assistant, attorney
):
    document = attach(task, assistant, firm)
    hand_in(task, assistant, firm)
    review(task, attorney, firm, approve=True, version=document.current_version)
    document = fresh(document)
    assert document.status == S.APPROVED
    event = document_events(document)[-1]
    assert event == (
        "document.approved",
        "Approved version 1 with the task “Draft the demand letter”",
    )


def test_a_document_in_review_is_approved_with_its_submission(
    firm, task, assistant, attorney
):
    document = attach(task, assistant, firm)
    workflow.document_submit(
        scope=as_(assistant, firm), document=fresh(document), version_number=1
    )
    hand_in(task, assistant, firm)
    review(task, attorney, firm, approve=True, version=document.current_version)
    assert fresh(document).status == S.APPROVED
    (submission,) = Submission.objects.for_firm(firm).filter(document=document)
    assert submission.decision == Submission.Decision.APPROVED
    assert submission.decided_by == attorney


def test_approving_an_older_version_leaves_the_document_as_it_is(
    firm, task, assistant, attorney
):
    document = attach(task, assistant, firm)
    first = document.current_version
    attach(task, assistant, firm, "Demand v2.pdf", new_version_of=document)
    hand_in(task, assistant, firm)
    review(task, attorney, firm, approve=True, version=first)
    assert fresh(document).status == S.DRAFT


def test_approving_the_work_without_a_file_moves_no_document(
    firm, task, assistant, attorney
):
    document = attach(task, assistant, firm)
    hand_in(task, assistant, firm)
    review(task, attorney, firm, approve=True)
    assert fresh(document).status == S.DRAFT


def test_returning_the_task_sends_its_documents_in_review_back_to_draft(
    firm, task, assistant, attorney
):
    in_review = attach(task, assistant, firm, "Letter.pdf")
    draft = attach(task, assistant, firm, "Notes.pdf")
    workflow.document_submit(
        scope=as_(assistant, firm), document=fresh(in_review), version_number=1
    )
    hand_in(task, assistant, firm)
    review(task, attorney, firm, approve=False)
    assert fresh(in_review).status == S.DRAFT
    assert fresh(draft).status == S.DRAFT
    (submission,) = Submission.objects.for_firm(firm).filter(document=in_review)
    assert submission.decision == Submission.Decision.RETURNED
    assert submission.comment == (
        "Returned with its task: Fix the date in paragraph 2."
    )
    assert document_events(draft)[-1][0] == "document.uploaded"


def test_a_final_attachment_takes_no_new_version_through_the_task(
    firm, task, assistant, attorney
):
    from firmdesk.common.errors import ServiceError

    document = attach(task, assistant, firm)
    Document.unscoped.filter(pk=document.pk).update(status=S.FINAL)
    with pytest.raises(ServiceError, match="final"):
        attach(task, assistant, firm, "Again.pdf", new_version_of=fresh(document))
    assert fresh(document).versions.count() == 1


def document_events(document):
    from firmdesk.audit.models import AuditEvent

    return list(
        AuditEvent.objects.filter(
            object_type="documents.Document", object_id=str(document.public_id)
        )
        .order_by("pk")
        .values_list("action", "summary")
    )
