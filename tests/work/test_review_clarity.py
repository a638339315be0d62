"""What to review is clear (issue 16, item 7): a return names the checklist
items to redo and resets exactly those; an approval names the file version it
approves; a kind of work may have several playbooks, and the firm picks one
when delegating, or none."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.documents.services import document_upload
from firmdesk.notify.models import Notification
from firmdesk.work import services
from firmdesk.work.models import Playbook, Review, Task

from .test_task_services import TUE_10AM_NY


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def nora(time_machine, hire):
    user = hire("Nora Quinn")
    time_machine.move_to(TUE_10AM_NY, tick=False)
    return user


def as_(user, firm):
    return resolve_scope(user, firm)


def pdf(name="draft.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n%%EOF\n")


def worked(task, user, firm):
    """Started with every checklist item ticked."""
    scope = as_(user, firm)
    task = services.task_start(scope=scope, task=task, revision=task.revision)
    return services.task_checklist(
        scope=scope,
        task=task,
        revision=task.revision,
        done=set(range(len(task.checklist_items))),
    )


def submit(task, user, firm):
    return services.task_submit(
        scope=as_(user, firm), task=task, revision=task.revision
    )


def handed_in(task, user, firm):
    return submit(worked(task, user, firm), user, firm)


def give_back(task, attorney, firm, **kw):
    return services.task_review(
        scope=as_(attorney, firm),
        task=task,
        revision=task.revision,
        approve=False,
        reason="factual_error",
        comment="The hearing is on the 3rd.",
        **kw,
    )


# --- Returning: the checklist items the reviewer names --------------------------


def test_a_return_resets_only_the_items_the_reviewer_names(
    firm, attorney, nora, delegate
):
    task = handed_in(delegate(), nora, firm)
    items = len(task.checklist_items)
    assert items >= 3

    review = give_back(task, attorney, firm, reset_items={0, 2})

    task.refresh_from_db()
    assert task.status == Task.Status.RETURNED
    assert task.checklist_ticked == [i for i in range(items) if i not in (0, 2)]
    assert review.reset_items == [0, 2]
    (told,) = Notification.objects.filter(user=nora, kind="task.returned")
    assert told.body.endswith("Checklist items to redo: 2.")


def test_a_return_can_reset_the_whole_checklist(firm, attorney, nora, delegate):
    task = handed_in(delegate(), nora, firm)

    give_back(task, attorney, firm, reset_items=set(range(len(task.checklist_items))))

    task.refresh_from_db()
    assert task.checklist_ticked == []
    # Handing in again needs every item ticked again.
    with pytest.raises(ServiceError, match="Tick every item"):
        services.task_submit(scope=as_(nora, firm), task=task, revision=task.revision)


def test_a_return_naming_no_items_keeps_the_checklist(firm, attorney, nora, delegate):
    task = handed_in(delegate(), nora, firm)
    ticked = list(task.checklist_ticked)

    review = give_back(task, attorney, firm)

    task.refresh_from_db()
    assert task.checklist_ticked == ticked
    assert review.reset_items == []


def test_a_return_naming_an_item_the_task_has_not_changes_nothing(
    firm, attorney, nora, delegate
):
    task = handed_in(delegate(), nora, firm)

    with pytest.raises(ServiceError) as refused:
        give_back(task, attorney, firm, reset_items={0, 99})

    assert refused.value.field == "reset_items"
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert len(task.checklist_ticked) == len(task.checklist_items)
    assert not Review.unscoped.filter(task=task).exists()


# --- Approving: the file version approved -----------------------------------------


def test_an_approval_records_the_version_of_the_file_it_approves(
    firm, attorney, nora, delegate
):
    task = worked(delegate(), nora, firm)
    document = services.task_attach(
        scope=as_(nora, firm), task=task, uploaded_file=pdf()
    )
    services.task_attach(
        scope=as_(nora, firm),
        task=task,
        uploaded_file=pdf("draft-fixed.pdf"),
        new_version_of=document,
    )
    document.refresh_from_db()
    second = document.current_version
    assert second.number == 2
    task = submit(task, nora, firm)

    review = services.task_review(
        scope=as_(attorney, firm),
        task=task,
        revision=task.revision,
        approve=True,
        approved_version=second,
    )

    review.refresh_from_db()
    assert review.approved_version == second
    assert services.approved_file_label(second) == "version 2 of draft-fixed.pdf"
    (told,) = Notification.objects.filter(user=nora, kind="task.approved")
    assert "approved version 2 of draft-fixed.pdf" in told.body
    assert task.attachments.count() == 1  # a new version, not a second file


def test_work_with_files_is_approved_with_a_version_named_or_expressly_without(
    firm, attorney, nora, delegate
):
    task = worked(delegate(), nora, firm)
    services.task_attach(scope=as_(nora, firm), task=task, uploaded_file=pdf())
    task = submit(task, nora, firm)
    scope = as_(attorney, firm)

    with pytest.raises(ServiceError) as refused:
        services.task_review(
            scope=scope, task=task, revision=task.revision, approve=True
        )
    assert refused.value.field == "approved_version"
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED

    review = services.task_review(
        scope=scope, task=task, revision=task.revision, approve=True, without_file=True
    )
    assert review.approved_version is None
    task.refresh_from_db()
    assert task.status == Task.Status.APPROVED


def test_a_version_of_a_file_not_on_the_task_is_refused(firm, attorney, nora, delegate):
    task = handed_in(delegate(), nora, firm)
    elsewhere = document_upload(firm=firm, actor=attorney, uploaded_file=pdf())

    with pytest.raises(ServiceError, match="not attached to this task"):
        services.task_review(
            scope=as_(attorney, firm),
            task=task,
            revision=task.revision,
            approve=True,
            approved_version=elsewhere.current_version,
        )
    with pytest.raises(ServiceError, match="not attached to this task"):
        services.task_attach(
            scope=as_(nora, firm),
            task=task,
            uploaded_file=pdf("other.pdf"),
            new_version_of=elsewhere,
        )
    elsewhere.refresh_from_db()
    assert elsewhere.current_version.number == 1


# --- Several playbooks for one kind of work -----------------------------------------


@pytest.fixture
def second_scheduling_playbook(firm, firm_admin, playbooks):
    return services.playbook_create(
        scope=as_(firm_admin, firm),
        function="scheduling",
        title="Reschedule a mediation",
        steps="1. Ask both sides for dates.\n2. Confirm with the mediator.",
        definition_of_done=["Both sides agreed the date", "Mediator confirmed"],
        review_required=True,
    )


def test_the_playbook_the_firm_picks_is_the_one_the_task_follows(
    firm, nora, delegate, second_scheduling_playbook
):
    task = delegate(title="Move the mediation", playbook=second_scheduling_playbook)

    assert task.playbook_version == second_scheduling_playbook.current_version
    assert task.checklist_items == ["Both sides agreed the date", "Mediator confirmed"]


def test_without_a_choice_a_kind_of_work_keeps_its_first_playbook(
    firm, nora, delegate, second_scheduling_playbook
):
    first = Playbook.objects.for_firm(firm).get(key="calendar-court-date")
    # The test clock runs behind the starter library's install: make the
    # firm's own playbook the newer one, as it is in a firm.
    Playbook.objects.for_firm(firm).filter(pk=second_scheduling_playbook.pk).update(
        created_at=first.created_at + datetime.timedelta(days=1)
    )

    task = delegate(title="Calendar the hearing")

    assert task.playbook_version == first.current_version


def test_work_can_be_delegated_with_no_playbook(firm, nora, delegate):
    task = delegate(title="Pick up the courier parcel", no_playbook=True)

    assert task.playbook_version is None
    assert task.checklist_items == []
    assert task.review_required is True
    # With no checklist, the work is handed in as soon as it is done.
    task = services.task_start(scope=as_(nora, firm), task=task, revision=task.revision)
    task = submit(task, nora, firm)
    assert task.status == Task.Status.SUBMITTED


def test_a_playbook_of_another_kind_of_work_is_refused(
    firm, nora, delegate, second_scheduling_playbook
):
    with pytest.raises(ServiceError) as refused:
        delegate(
            title="Prepare the letter",
            function="documents",
            playbook=second_scheduling_playbook,
        )
    assert refused.value.field == "playbook"
    assert not Task.objects.for_firm(firm).exists()
