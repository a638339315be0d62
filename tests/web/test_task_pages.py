"""The task pages: delegating, a task's page and its actions, the queues, and
who sees what (DESIGN.md, the access rule)."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from firmdesk.access.scope import resolve_scope
from firmdesk.documents.services import document_upload
from firmdesk.matters.models import MatterScreen
from firmdesk.work import services
from firmdesk.work.models import Task
from tests import factories as f

PDF = b"%PDF-1.7\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def signed_in(user, client=None):
    return f.sign_in(client or Client(), user)


def attach(task, actor, name="notice.pdf"):
    document = document_upload(
        firm=task.firm,
        actor=actor,
        uploaded_file=SimpleUploadedFile(name, PDF),
        matter=task.matter,
    )
    task.attachments.add(document)
    return document


def task_url(task):
    return reverse("work:task_detail", args=[task.firm.slug, task.public_id])


def action_url(task, action):
    return reverse("work:task_action", args=[task.firm.slug, task.public_id, action])


def file_url(task, document):
    return reverse(
        "work:task_attachment",
        args=[task.firm.slug, task.public_id, document.public_id],
    )


# --- Need-to-know ------------------------------------------------------------------


def test_task_only_access_shows_the_task_and_its_files_and_nothing_else(
    firm, matter, attorney, ungranted_assistant, outsider
):
    own = f.task(
        firm,
        matter=matter,
        assignee=ungranted_assistant,
        title="Mail the notice",
        instructions="Send it **first class** to the clerk.",
    )
    own_file = attach(own, attorney, "notice-to-mail.pdf")
    other = f.task(
        firm, matter=matter, assignee=attorney, title="Draft the reply brief"
    )
    other_file = attach(other, attorney, "privileged-memo.pdf")
    matter_file = document_upload(
        firm=firm,
        actor=attorney,
        uploaded_file=SimpleUploadedFile("matter-only.pdf", PDF),
        matter=matter,
    )
    client = signed_in(ungranted_assistant)

    page = client.get(task_url(own))
    assert page.status_code == 200
    body = page.content.decode()
    assert "<strong>first class</strong>" in body
    assert "notice-to-mail.pdf" in body
    assert "Not opened to you" in body
    for secret in (matter.number, matter.title, str(matter.public_id)):
        assert escape(secret) not in body, secret
    assert "privileged-memo.pdf" not in body and "Draft the reply" not in body

    download = client.get(file_url(own, own_file))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'filename="notice-to-mail.pdf"' in download["Content-Disposition"]

    matter_page = reverse("matters:matter_detail", args=[firm.slug, matter.public_id])
    assert client.get(matter_page).status_code == 404
    assert client.get(task_url(other)).status_code == 404
    assert client.get(file_url(other, other_file)).status_code == 404
    # Another file of the matter, asked for through their own task.
    assert client.get(file_url(own, other_file)).status_code == 404
    assert client.get(file_url(own, matter_file)).status_code == 404

    listing = client.get(reverse("work:task_list", args=[firm.slug])).content.decode()
    assert "Mail the notice" in listing and "Draft the reply" not in listing
    assert escape(matter.number) not in listing
    # Searching by the matter's number must not confirm it.
    probe = client.get(
        reverse("work:task_list", args=[firm.slug]), {"q": matter.number[:6]}
    ).content.decode()
    assert "Mail the notice" not in probe

    queue = client.get(reverse("work:queue_mine")).content.decode()
    assert "Mail the notice" in queue and escape(matter.number) not in queue

    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    walled = signed_in(attorney)
    assert walled.get(task_url(own)).status_code == 404
    assert walled.get(file_url(own, own_file)).status_code == 404

    charlie = signed_in(outsider)
    assert charlie.get(task_url(own)).status_code == 404
    assert charlie.get(file_url(own, own_file)).status_code == 404


def test_downloading_an_attachment_is_audited(firm, matter, attorney, assistant):
    from firmdesk.audit.models import AuditEvent

    task = f.task(firm, matter=matter, assignee=assistant)
    document = attach(task, attorney)
    signed_in(assistant).get(file_url(task, document))
    event = AuditEvent.objects.filter(action="document.downloaded").get()
    assert event.actor == assistant


# --- Delegating ----------------------------------------------------------------------


@pytest.fixture
def onboarded(firm, engagement, assistant):
    """Starter playbooks, acknowledged; the assistant works around the clock."""
    from firmdesk.orgs.models import StaffProfile, TrainingRecord
    from firmdesk.work.models import Playbook

    services.playbooks_install_starter(firm=firm)
    profile = StaffProfile.objects.get(user=assistant)
    profile.weekly_hours = {str(d): ["00:00", "23:59"] for d in range(7)}
    profile.save()
    TrainingRecord.objects.create(
        profile=profile, title="Confidentiality", completed_on=datetime.date(2025, 1, 5)
    )
    scope = resolve_scope(assistant, firm)
    for playbook in Playbook.objects.for_firm(firm):
        if playbook.function in scope.functions:
            services.playbook_acknowledge(scope=scope, playbook=playbook)
    return assistant


def delegate_data(engagement, **extra):
    return {
        "title": "Calendar the Lopez hearing",
        "function": "scheduling",
        "matter": "M-2026-001",
        "team": str(engagement.public_id),
        "playbook": "",
        "priority": "high",
        "due_at": "",
        "review_required": "on",
        "instructions": "The notice is attached.",
        "assignee": "",
        **extra,
    }


def test_delegate_keeps_everything_typed_and_the_uploaded_files_on_error(
    firm, matter, attorney, engagement, onboarded
):
    client = signed_in(attorney)
    url = reverse("work:task_new", args=[firm.slug])
    assert client.get(url).status_code == 200
    first = client.post(
        url,
        {
            **delegate_data(engagement, title="", matter="NO-SUCH"),
            "files": [
                SimpleUploadedFile("notice.pdf", PDF),
                SimpleUploadedFile("virus.exe", b"MZ\x90\x00"),
            ],
        },
    )
    assert first.status_code == 200
    body = first.content.decode()
    assert "Fill in “What needs doing”" in body
    assert "There is no matter numbered “NO-SUCH”" in body
    assert "is not a kind of file FirmDesk accepts" in body
    assert "The notice is attached." in body  # kept
    kept = re.findall(r'name="kept_document" value="([0-9a-f-]+)"', body)
    assert len(kept) == 1 and "notice.pdf" in body
    assert not Task.objects.for_firm(firm).exists()

    second = client.post(
        url, {**delegate_data(engagement), "kept_document": kept}, follow=True
    )
    task = Task.objects.for_firm(firm).get()
    assert second.redirect_chain[0] == (task_url(task), 303)
    assert task.assignee == onboarded and task.matter == matter
    assert [str(d.public_id) for d in task.attachments.all()] == kept
    assert "is delegated to Priya Nair" in second.content.decode()


def test_delegate_refuses_a_person_who_cannot_take_the_work(
    firm, attorney, engagement, onboarded, ungranted_assistant
):
    client = signed_in(attorney)
    response = client.post(
        reverse("work:task_new", args=[firm.slug]),
        delegate_data(engagement, assignee=str(ungranted_assistant.public_id)),
    )
    assert response.status_code == 200
    assert "Gus Ferreira cannot take this task" in response.content.decode()
    assert not Task.objects.for_firm(firm).exists()


def test_delegate_locks_review_when_the_work_leaves_the_firm(
    firm, attorney, engagement, onboarded
):
    client = signed_in(attorney)
    page = client.get(
        reverse("work:task_new", args=[firm.slug]),
        {"function": "documents"},
        HTTP_HX_REQUEST="true",
    )
    body = page.content.decode()
    assert "<html" not in body
    assert re.search(r'name="review_required"[^>]*disabled', body)
    assert "the result leaves the firm" in body


def test_provider_staff_cannot_delegate(firm, assistant):
    response = signed_in(assistant).get(reverse("work:task_new", args=[firm.slug]))
    assert response.status_code == 404


# --- A task's page and its actions -------------------------------------------------


def test_a_stale_return_shows_the_current_task_and_keeps_the_comment(
    firm, matter, attorney, assistant
):
    task = f.task(
        firm, matter=matter, assignee=assistant, requester=attorney, status="submitted"
    )
    seen = task.revision
    services.task_edit(
        scope=resolve_scope(attorney, firm),
        task=task,
        revision=seen,
        title="Calendar both hearings",
    )
    response = signed_in(attorney).post(
        action_url(task, "return"),
        {"revision": seen, "reason": "typo", "comment": "Fix the date on page 2."},
    )
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this task" in body
    assert "Calendar both hearings" in body
    assert "Fix the date on page 2." in body
    task.refresh_from_db()
    assert task.status == "submitted" and task.rework_count == 0


def test_return_needs_a_reason_and_a_comment(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant, status="submitted")
    response = signed_in(attorney).post(
        action_url(task, "return"), {"revision": task.revision, "comment": "x"}
    )
    assert response.status_code == 200
    assert "Fill in “Why it goes back”" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "submitted"


def test_checklist_saves_through_htmx_without_a_page(firm, matter, assistant):
    task = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        checklist=["On the calendar", "Reminder"],
    )
    response = signed_in(assistant).post(
        action_url(task, "checklist"),
        {"revision": task.revision, "done": ["1"]},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "<html" not in body and 'id="task-body"' in body
    assert "1 of 2 ticked" in body
    task.refresh_from_db()
    assert [i["done"] for i in task.checklist] == [False, True]
    assert task.checklist_ticked == [1]
    assert task.status == "in_progress"


def test_actions_answer_with_303_to_the_task(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant, requester=attorney)
    response = signed_in(assistant).post(
        action_url(task, "comment"), {"revision": task.revision, "body": "On it."}
    )
    assert response.status_code == 303 and response.url == task_url(task)
    page = signed_in(attorney).get(task_url(task)).content.decode()
    assert "On it." in page


def test_someone_who_may_not_act_is_told_and_nothing_changes(
    firm, matter, attorney, assistant
):
    task = f.task(firm, matter=matter, assignee=assistant)
    response = signed_in(attorney).post(
        action_url(task, "start"), {"revision": task.revision}
    )
    assert response.status_code == 200
    assert "Only the person the task is given to" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open"


def test_unknown_action_is_404(firm, matter, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    client = signed_in(assistant)
    assert client.post(action_url(task, "explode")).status_code == 404


def test_flags_are_raised_and_resolved(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant, requester=attorney)
    client = signed_in(assistant)
    client.post(
        action_url(task, "flag"),
        {"revision": task.revision, "kind": "blocked", "note": "Need the date."},
    )
    flag = task.flags.model.objects.for_firm(firm).get()
    body = signed_in(attorney).get(task_url(task)).content.decode()
    assert "Blocked: needs information" in body and "Need the date." in body
    signed_in(attorney).post(action_url(task, "resolve_flag"), {"flag": flag.public_id})
    flag.refresh_from_db()
    assert flag.resolved_by == attorney


def test_task_page_shows_a_newer_playbook_version(firm, matter, attorney, assistant):
    from firmdesk.work.models import Playbook

    services.playbooks_install_starter(firm=firm)
    playbook = Playbook.objects.for_firm(firm).filter(function="scheduling").first()
    task = f.task(
        firm,
        matter=matter,
        assignee=assistant,
        playbook_version=playbook.current_version,
    )
    admin = f.member(firm, ["firm_admin"], email="boss@hale.test")
    version = playbook.current_version
    services.playbook_edit(
        scope=resolve_scope(admin, firm),
        playbook=playbook,
        title=version.title,
        steps=version.steps + "\n\nCall the clerk.",
        definition_of_done=version.definition_of_done,
    )
    body = signed_in(assistant).get(task_url(task)).content.decode()
    assert "Version 1; the firm has since published version 2" in body


# --- Bulk actions --------------------------------------------------------------------


def test_bulk_reassign_leaves_a_task_someone_changed_alone(
    firm, matter, attorney, firm_staff, assistant
):
    tasks = [
        f.task(firm, matter=matter, assignee=assistant, title=f"Task {i}")
        for i in range(3)
    ]
    stale = tasks[0]
    Task.objects.for_firm(firm).filter(pk=stale.pk).update(revision=5)
    data = {
        "bulk_action": "reassign",
        "assignee": str(firm_staff.public_id),
        "task": [str(t.public_id) for t in tasks],
        **{f"rev_{t.public_id}": t.revision for t in tasks},
    }
    response = signed_in(attorney).post(
        reverse("work:task_bulk", args=[firm.slug]), data, follow=True
    )
    assert "2 tasks reassigned to Ida Lane; 1 was changed by someone else" in (
        response.content.decode()
    )
    assignees = dict(
        Task.objects.for_firm(firm).values_list("title", "assignee__full_name")
    )
    assert assignees == {
        "Task 0": "Priya Nair",
        "Task 1": "Ida Lane",
        "Task 2": "Ida Lane",
    }


def test_bulk_actions_are_for_attorneys_only(firm, matter, firm_staff, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    data = {
        "bulk_action": "cancel",
        "reason": "Not needed",
        "task": [str(task.public_id)],
        f"rev_{task.public_id}": task.revision,
    }
    for person in (firm_staff, assistant):
        response = signed_in(person).post(
            reverse("work:task_bulk", args=[firm.slug]), data
        )
        assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == "open"


def test_bulk_cancel_needs_a_reason(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    response = signed_in(attorney).post(
        reverse("work:task_bulk", args=[firm.slug]),
        {"bulk_action": "cancel", "task": [str(task.public_id)]},
        follow=True,
    )
    assert "Say why the tasks are cancelled" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "open"


# --- Queues --------------------------------------------------------------------------


def test_task_list_filters_and_htmx_gets_only_the_table(
    firm, matter, attorney, assistant
):
    past = timezone.now() - datetime.timedelta(hours=3)
    f.task(firm, matter=matter, assignee=assistant, title="Late one", due_at=past)
    f.task(firm, matter=matter, title="Nobody's", priority="urgent")
    client = signed_in(attorney)
    url = reverse("work:task_list", args=[firm.slug])
    overdue = client.get(url, {"status": "overdue"}).content.decode()
    assert "Late one" in overdue and "Nobody&#x27;s" not in overdue
    assert "late by 3 hours" in overdue
    partial = client.get(url, {"assignee": "none"}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "Nobody&#x27;s" in body and "Late one" not in body


def test_finished_work_is_listed_by_when_it_was_finished(
    firm, other_firm, matter, other_matter, attorney, assistant
):
    """Done, approved and cancelled work shows the last 30 days unless asked for
    more; open work is listed whatever its age."""
    now = timezone.now()
    days = datetime.timedelta(days=1)
    for title, status, closed in (
        ("Filed last week", "done", now - 7 * days),
        ("Filed in the spring", "done", now - 200 * days),
        ("Approved two months ago", "approved", now - 60 * days),
        ("Cancelled yesterday", "cancelled", now - days),
    ):
        f.task(
            firm,
            matter=matter,
            assignee=assistant,
            title=title,
            status=status,
            closed_at=closed,
            created_at=closed - days,
        )
    f.task(firm, matter=matter, assignee=assistant, title="Still open from March")
    f.task(
        other_firm,
        matter=other_matter,
        assignee=assistant,
        title="Brandt filing",
        status="done",
        closed_at=now - 3 * days,
    )

    def titles(url, **params):
        body = client.get(url, params).content.decode()
        return {
            t
            for t in (
                "Filed last week",
                "Filed in the spring",
                "Approved two months ago",
                "Cancelled yesterday",
                "Still open from March",
                "Brandt filing",
            )
            if t in body
        }

    client = signed_in(attorney)
    url = reverse("work:task_list", args=[firm.slug])
    assert titles(url, status="done") == {"Filed last week"}
    assert titles(url, status="done", finished="365") == {
        "Filed last week",
        "Filed in the spring",
    }
    assert titles(url, status="approved") == set()
    assert titles(url, status="approved", finished="90") == {"Approved two months ago"}
    assert titles(url, status="all") == {
        "Filed last week",
        "Cancelled yesterday",
        "Still open from March",
    }
    assert titles(url, status="all", finished="any") == {
        "Filed last week",
        "Filed in the spring",
        "Approved two months ago",
        "Cancelled yesterday",
        "Still open from March",
    }
    # A window nobody offers falls back to the default rather than failing.
    assert titles(url, status="done", finished="7000") == {"Filed last week"}
    # The assistant's queue across both firms uses the same window.
    client = signed_in(assistant)
    mine = titles(reverse("work:queue_mine"), status="done")
    assert mine == {"Filed last week", "Brandt filing"}


def test_finishing_a_task_records_when(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant, requester=attorney)
    assert task.closed_at is None
    client = signed_in(attorney)
    response = client.post(
        action_url(task, "cancel"),
        {"reason": "Client settled", "revision": task.revision},
    )
    assert response.status_code == 303
    task.refresh_from_db()
    assert task.status == "cancelled"
    assert abs(timezone.now() - task.closed_at) < datetime.timedelta(minutes=1)


def test_empty_task_list_says_what_to_do(firm, attorney):
    body = signed_in(attorney).get(reverse("work:task_list", args=[firm.slug]))
    assert "No tasks yet" in body.content.decode()
    assert "delegate one" in body.content.decode()


def test_review_queue_shows_mine_by_default_and_everyones_on_request(
    firm, matter, attorney, firm_admin, assistant
):
    f.task(
        firm,
        matter=matter,
        assignee=assistant,
        requester=attorney,
        title="Mine to review",
        status="submitted",
        submitted_at=timezone.now() - datetime.timedelta(hours=5),
    )
    other = f.MatterFactory(firm=firm, responsible_attorney=firm_admin)
    f.task(
        firm,
        matter=other,
        assignee=assistant,
        requester=firm_admin,
        title="Grace's to review",
        status="submitted",
        submitted_at=timezone.now(),
    )
    client = signed_in(attorney)
    url = reverse("work:review_queue", args=[firm.slug])
    mine = client.get(url).content.decode()
    assert "Mine to review" in mine and "Grace" not in mine
    assert "5 hours" in mine
    everyone = client.get(url, {"who": "all"}).content.decode()
    assert everyone.index("Mine to review") < everyone.index("Grace&#x27;s to review")


def test_my_queue_lists_only_what_each_firm_allows(
    firm, other_firm, matter, other_matter, assistant, attorney
):
    f.task(firm, matter=matter, assignee=assistant, title="For Hale")
    f.task(other_firm, matter=other_matter, assignee=assistant, title="For Brandt")
    f.task(firm, matter=matter, assignee=attorney, title="Owen's own")
    f.task(
        other_firm,
        matter=other_matter,
        function="billing",
        assignee=assistant,
        title="Billing for Brandt",
    )
    client = signed_in(assistant)
    body = client.get(reverse("work:queue_mine")).content.decode()
    assert "For Hale" in body and "For Brandt" in body
    assert "Owen" not in body and "Billing for Brandt" not in body
    only = client.get(
        reverse("work:queue_mine"), {"firm": other_firm.slug}
    ).content.decode()
    assert "For Brandt" in only and "For Hale" not in only


def test_queue_rows_name_only_the_matters_each_person_may_see(
    firm, matter, attorney, assistant, ungranted_assistant
):
    """Task-only access: the row says there is a matter, never its number; with
    the grant the number shows. The team queue and the firm's list alike."""
    f.task(firm, matter=matter, assignee=ungranted_assistant, title="Mail it")
    f.task(firm, matter=matter, assignee=assistant, title="Calendar it")
    bare = (
        signed_in(ungranted_assistant).get(reverse("work:queue_mine")).content.decode()
    )
    assert "Mail it" in bare and "Not opened to you" in bare
    assert escape(matter.number) not in bare
    granted = signed_in(assistant)
    for url in (reverse("work:queue_mine"), reverse("work:queue_team")):
        body = granted.get(url).content.decode()
        assert escape(matter.number) in body and "Not opened to you" not in body
    firm_list = signed_in(attorney).get(reverse("work:task_list", args=[firm.slug]))
    assert firm_list.content.decode().count(escape(matter.number)) >= 2


def test_bulk_start_from_my_queue(firm, other_firm, matter, other_matter, assistant):
    tasks = [
        f.task(firm, matter=matter, assignee=assistant, title="A"),
        f.task(other_firm, matter=other_matter, assignee=assistant, title="B"),
    ]
    data = {
        "task": [str(t.public_id) for t in tasks],
        **{f"rev_{t.public_id}": t.revision for t in tasks},
    }
    response = signed_in(assistant).post(reverse("work:queue_start"), data, follow=True)
    assert "2 tasks started" in response.content.decode()
    for task in tasks:
        task.refresh_from_db()
        assert task.status == "in_progress"


def test_bulk_start_ignores_tasks_of_others(firm, matter, assistant, attorney):
    theirs = f.task(firm, matter=matter, assignee=attorney)
    signed_in(assistant).post(reverse("work:queue_start"), {"task": [theirs.public_id]})
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_team_queue_sends_firm_people_to_their_task_list(firm, attorney):
    response = signed_in(attorney).get(reverse("work:queue_team"))
    assert response.status_code == 302
    assert response.url == reverse("work:task_list", args=[firm.slug])


def test_team_queue_shows_the_engagements_work_on_opened_matters(
    firm, matter, assistant, ungranted_assistant, attorney
):
    f.task(firm, matter=matter, assignee=ungranted_assistant, title="Gus's task")
    engagement = assistant.assignments.first().engagement
    f.task(firm, matter=matter, engagement=engagement, title="Team task")
    body = signed_in(assistant).get(reverse("work:queue_team")).content.decode()
    assert "Gus&#x27;s task" not in body
    assert "Team task" in body
    gus = (
        signed_in(ungranted_assistant).get(reverse("work:queue_team")).content.decode()
    )
    assert "Team task" not in gus and escape(matter.number) not in gus


# --- Query counts: a fixed number however many tasks -----------------------------


def _add_tasks(firm, matter, engagement, assignee, requester, n):
    past = timezone.now() - datetime.timedelta(days=1)
    for i in range(n):
        f.task(
            firm,
            matter=matter,
            engagement=engagement,
            assignee=assignee,
            requester=requester,
            due_at=past,
            status="submitted" if i % 2 else "open",
            submitted_at=past,
        )


LIST_BOUND = 40


@pytest.mark.parametrize(
    ("viewer", "url_of"),
    [
        ("attorney", lambda firm: reverse("work:task_list", args=[firm.slug])),
        ("assistant", lambda firm: reverse("work:task_list", args=[firm.slug])),
        ("attorney", lambda firm: reverse("work:review_queue", args=[firm.slug])),
        ("assistant", lambda firm: reverse("work:queue_mine")),
        ("assistant", lambda firm: reverse("work:queue_team")),
    ],
    ids=["task_list-attorney", "task_list-assistant", "review", "mine", "team"],
)
def test_list_pages_keep_a_fixed_number_of_queries(
    request,
    django_assert_max_num_queries,
    firm,
    matter,
    engagement,
    attorney,
    assistant,
    viewer,
    url_of,
):
    client = signed_in(request.getfixturevalue(viewer))
    url = url_of(firm)
    client.get(url)
    counts = []
    # 5 tasks: one page; 115 and 225 (half waiting for review): several, and a
    # page is then found by its keys first, one query more. None grows with rows.
    for n in (5, 110, 110):
        _add_tasks(firm, matter, engagement, assistant, attorney, n)
        with django_assert_max_num_queries(LIST_BOUND) as captured:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[1] == counts[2], counts
    assert counts[0] in (counts[1], counts[1] - 1), counts


def test_htmx_history_restore_gets_the_whole_page(firm, attorney):
    response = signed_in(attorney).get(
        reverse("work:task_list", args=[firm.slug]),
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in response.content.decode()
