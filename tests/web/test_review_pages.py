"""What to review is clear, on the task page and the Delegate page (issue 16,
item 7): the return's reason and category at the top, the checklist items to
redo, the file version an approval is of, and the playbook chosen when
delegating."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.work import services
from firmdesk.work.models import Review, Task
from tests import factories as f

from .test_task_pages import (
    PDF,
    action_url,
    attach,
    delegate_data,
    onboarded,  # noqa: F401 (a fixture)
    signed_in,
    task_url,
)

CHECKLIST = ("Date entered on the calendar", "Reminders set", "Client told")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def submitted(firm, matter, attorney, assistant):
    return f.task(
        firm,
        matter=matter,
        assignee=assistant,
        requester=attorney,
        status="submitted",
        checklist=CHECKLIST,
        checklist_ticked=[0, 1, 2],
    )


def test_a_returned_task_says_why_at_the_top_and_which_items_to_redo(
    firm, attorney, assistant, submitted
):
    response = signed_in(attorney).post(
        action_url(submitted, "return"),
        {
            "revision": submitted.revision,
            "reason": "factual_error",
            "comment": "The hearing is on the 3rd, not the 4th.",
            "reset_items": ["0", "2"],
        },
        follow=True,
    )
    assert "2 checklist items to redo" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.checklist_ticked == [1]

    for person in (assistant, attorney):
        body = signed_in(person).get(task_url(submitted)).content.decode()
        banner = body.index('id="h-returned"')
        # Above the actions and the task's facts: the first thing read.
        assert banner < body.index('class="row task-facts"')
        assert "Returned for changes: Factual error" in body
        note = body[banner : body.index("</section>", banner)]
        assert "The hearing is on the 3rd, not the 4th." in note
        assert "Date entered on the calendar" in note and "Client told" in note
        assert "Reminders set" not in note
    assert body.count("To redo") == 2


def test_all_of_them_resets_the_whole_checklist(firm, attorney, submitted):
    signed_in(attorney).post(
        action_url(submitted, "return"),
        {
            "revision": submitted.revision,
            "reason": "other",
            "comment": "Start again from the clerk's notice.",
            "reset_items": ["all"],
        },
    )
    submitted.refresh_from_db()
    assert submitted.status == Task.Status.RETURNED
    assert submitted.checklist_ticked == []


def test_the_reviewer_approves_a_named_file_version_and_hears_of_a_newer_one(
    firm, attorney, assistant, submitted
):
    document = attach(submitted, assistant, "draft.pdf")
    staff = signed_in(assistant)
    staff.post(
        action_url(submitted, "attach"),
        {
            "revision": submitted.revision,
            "file": SimpleUploadedFile("draft.pdf", PDF),
            "new_version_of": str(document.public_id),
        },
    )
    document.refresh_from_db()
    assert document.current_version.number == 2
    lawyer = signed_in(attorney)
    page = lawyer.get(task_url(submitted)).content.decode()
    assert "Version 2 of draft.pdf" in page
    assert not re.search(r'name="approved_version"[^>]*checked', page)

    unnamed = lawyer.post(
        action_url(submitted, "approve"),
        {"revision": submitted.revision, "comment": "Good to send."},
    )
    body = unnamed.content.decode()
    assert "Choose the file version you approve" in body
    assert "Good to send." in body  # kept
    submitted.refresh_from_db()
    assert submitted.status == Task.Status.SUBMITTED

    approved = lawyer.post(
        action_url(submitted, "approve"),
        {
            "revision": submitted.revision,
            "approved_version": str(document.current_version.public_id),
        },
        follow=True,
    )
    assert "Approved version 2 of draft.pdf." in approved.content.decode()
    review = Review.objects.for_firm(firm).get(task=submitted)
    assert review.approved_version == document.current_version

    staff.post(
        action_url(submitted, "attach"),
        {
            "file": SimpleUploadedFile("draft.pdf", PDF),
            "new_version_of": str(document.public_id),
        },
    )
    page = lawyer.get(task_url(submitted)).content.decode()
    assert "Approved version 2 of draft.pdf by Owen Ortiz" in page
    assert "Version 3 of draft.pdf was uploaded after this approval" in page


# --- Delegating: one playbook of several, or none ------------------------------------


@pytest.fixture
def two_scheduling_playbooks(firm, firm_admin, onboarded):  # noqa: F811
    playbook = services.playbook_create(
        scope=resolve_scope(firm_admin, firm),
        function="scheduling",
        title="Reschedule a mediation",
        steps="1. Ask both sides for dates.",
        definition_of_done=["Both sides agreed the date"],
        review_required=True,
    )
    services.playbook_acknowledge(
        scope=resolve_scope(onboarded, firm), playbook=playbook
    )
    return playbook


def test_delegate_offers_the_kinds_playbooks_and_none_and_chooses_none_for_you(
    firm, matter, attorney, engagement, two_scheduling_playbooks
):
    client = signed_in(attorney)
    url = reverse("work:task_new", args=[firm.slug])
    part = client.get(
        url, {"function": "scheduling"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    options = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)<', part)
    playbook_options = [
        (label, bool(chosen))
        for value, chosen, label in options
        if label
        in (
            "Choose…",
            "Calendar a court date or deadline",
            "Reschedule a mediation",
            "No playbook: the instructions say it all",
        )
    ]
    assert playbook_options == [
        ("Choose…", True),
        ("Calendar a court date or deadline", False),
        ("Reschedule a mediation", False),
        ("No playbook: the instructions say it all", False),
    ]

    unchosen = client.post(url, delegate_data(engagement))
    assert "The firm has 2 playbooks for this kind of work" in unchosen.content.decode()
    assert not Task.objects.for_firm(firm).exists()

    client.post(
        url,
        delegate_data(engagement, playbook=str(two_scheduling_playbooks.public_id)),
    )
    task = Task.objects.for_firm(firm).get()
    assert task.playbook_version == two_scheduling_playbooks.current_version


def test_delegate_with_no_playbook(firm, matter, attorney, engagement, onboarded):  # noqa: F811
    client = signed_in(attorney)
    response = client.post(
        reverse("work:task_new", args=[firm.slug]),
        delegate_data(engagement, playbook="none", title="Courier the originals"),
    )
    task = Task.objects.for_firm(firm).get()
    assert response.status_code == 303
    assert task.playbook_version is None
    assert "This task has no checklist." in client.get(task_url(task)).content.decode()
