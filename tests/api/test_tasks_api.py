"""The tasks and reviews routes: the work pages' rules, through a token.

Who may call each route at all is in tests/isolation/api_registry_work.py;
here: what people who see a task but may not act get, task-only access, the
filters a billing system uses, and a task's life from delegation to approval.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from firmdesk.api.routes.tasks import ReviewReason, TaskPriority, TaskStatus
from firmdesk.audit.models import AuditEvent
from firmdesk.billing.models import TimeEntry
from firmdesk.notify.models import Notification
from firmdesk.work.models import Priority, Review, Task
from tests import factories as f

from .helpers import Api, token_for

S = Task.Status


def _url(name, firm, task=None):
    kwargs = {"firm_slug": firm.slug}
    if task is not None:
        kwargs["task_id"] = task.public_id
    return reverse(f"api:{name}", kwargs=kwargs)


def _api(user, firm):
    return Api(token_for(user, firm))


def _submitted(firm, matter, assignee, **fields):
    return f.task(
        firm,
        matter=matter,
        assignee=assignee,
        status=S.SUBMITTED,
        submitted_at=timezone.now() - datetime.timedelta(hours=2),
        **fields,
    )


def test_the_api_enums_keep_the_models_values():
    assert [s.value for s in TaskStatus] == Task.Status.values
    assert [p.value for p in TaskPriority] == Priority.values
    assert [r.value for r in ReviewReason] == Review.Reason.values


def test_task_only_access_lists_the_own_task_without_its_matter(
    firm, matter, assistant, ungranted_assistant
):
    own = f.task(firm, matter=matter, assignee=ungranted_assistant, title="Mail it")
    f.task(firm, matter=matter, assignee=assistant, title="Calendar the hearing")
    api = _api(ungranted_assistant, firm)

    items = api.get(_url("list_tasks", firm)).json()["items"]
    assert [t["title"] for t in items] == ["Mail it"]
    assert items[0]["matter"] is None and items[0]["matter_hidden"] is True
    detail = api.get(_url("get_task", firm, own))
    assert detail.status_code == 200
    assert matter.number not in detail.content.decode()
    # Filtering by the matter's id does not tell them it is the task's.
    by_matter = api.get(_url("list_tasks", firm), {"matter": str(matter.public_id)})
    assert by_matter.json()["items"] == []


def test_filters_by_status_assignee_and_function(
    firm, matter, attorney, assistant, firm_staff
):
    f.task(firm, matter=matter, assignee=assistant, title="Mine, open")
    f.task(firm, assignee=assistant, title="Mine, started", status=S.IN_PROGRESS)
    f.task(firm, assignee=firm_staff, title="Ida's", function="documents")
    api = _api(assistant, firm)

    mine = api.get(_url("list_tasks", firm), {"assignee": "me", "status": "open"})
    assert [t["title"] for t in mine.json()["items"]] == ["Mine, open"]
    attorney_api = _api(attorney, firm)
    docs = attorney_api.get(
        _url("list_tasks", firm),
        {"assignee": str(firm_staff.public_id), "function": "documents"},
    )
    assert [t["title"] for t in docs.json()["items"]] == ["Ida's"]
    bad = attorney_api.get(_url("list_tasks", firm), {"assignee": "Ida"})
    assert bad.status_code == 422 and "assignee" in bad.json()["fields"]
    naive = attorney_api.get(
        _url("list_tasks", firm), {"updated_after": "2026-01-01T09:00"}
    )
    assert naive.status_code == 422 and "updated_after" in naive.json()["fields"]


def test_a_billing_system_pulls_work_approved_since_its_last_pull(
    firm, matter, attorney, assistant
):
    now = timezone.now()
    last_pull = now - datetime.timedelta(days=1)
    for n, (status, hours_ago) in enumerate(
        [(S.APPROVED, 3), (S.DONE, 2), (S.APPROVED, 1), (S.APPROVED, 30)]
    ):
        f.task(
            firm,
            matter=matter,
            assignee=assistant,
            title=f"Work {n}",
            status=status,
            approved_at=now - datetime.timedelta(hours=hours_ago),
            minutes_logged=30,
        )
    f.task(firm, matter=matter, assignee=assistant, title="Still open")
    api = _api(attorney, firm)

    seen, cursor = [], None
    while True:
        params = {
            "approved_after": last_pull.isoformat(),
            "order": "approved",
            "limit": 2,
            **({"cursor": cursor} if cursor else {}),
        }
        body = api.get(_url("list_tasks", firm), params).json()
        seen += [(t["title"], t["minutes_logged"]) for t in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    # Oldest approval first, including work marked done since its approval.
    assert seen == [("Work 0", 30), ("Work 1", 30), ("Work 2", 30)]

    refused = api.get(_url("list_tasks", firm), {"order": "approved"})
    assert refused.status_code == 422
    assert "created" in refused.json()["fields"]["order"][0]


def test_a_task_from_delegation_to_approval(firm, matter, attorney, firm_staff):
    """Delegated in-house with a playbook; handed in with time, returned with
    items to redo, handed in again and approved: each step as on the page."""
    version = f.playbook_version(
        firm, "documents", definition_of_done=("Draft read back", "Filed")
    )
    lawyer, staff = _api(attorney, firm), _api(firm_staff, firm)
    created = lawyer.post(
        _url("create_task", firm),
        {
            "title": "Draft the reply letter",
            "function": "documents",
            "matter": str(matter.public_id),
            "in_house": True,
            "assignee": str(firm_staff.public_id),
            "priority": "high",
        },
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["assignee"]["email"] == firm_staff.email
    assert body["playbook"] == {"title": version.title, "version": 1}
    assert body["review_required"] is True  # the work leaves the firm
    task = Task.unscoped.get(public_id=body["id"])
    one = _url("get_task", firm, task)

    def act(api, action, data=None):
        response = api.post(f"{one}/{action}", data or {})
        assert response.status_code == 200, (action, response.json())
        return response.json()

    assert act(staff, "start")["status"] == "in_progress"
    early = staff.post(f"{one}/submit", {"minutes": 45})
    assert early.status_code == 422 and "checklist" in early.json()["fields"]
    assert not TimeEntry.unscoped.filter(task=task).exists()  # one transaction

    act(staff, "checklist", {"done": [0, 1]})
    handed = act(staff, "submit", {"note": "Ready.", "minutes": 45})
    assert handed["status"] == "submitted" and handed["minutes_logged"] == 45
    assert Notification.objects.filter(user=attorney, kind="task.submitted").exists()

    returned = act(
        lawyer, "return", {"reason": "typo", "comment": "Fix the date.", "redo": [1]}
    )
    assert returned["status"] == "returned"
    assert [i["done"] for i in returned["checklist"]] == [True, False]
    act(staff, "start")
    act(staff, "checklist", {"done": [0, 1]})
    act(staff, "submit")
    approved = act(lawyer, "approve", {"comment": "Good."})
    assert approved["status"] == "approved" and approved["approved_at"]

    reviews = staff.get(f"{one}/reviews").json()["items"]
    assert [(r["decision"], r["reason"], r["redo"]) for r in reviews] == [
        ("returned", "typo", [1]),
        ("approved", "", []),
    ]
    actions = set(
        AuditEvent.objects.filter(org=firm, object_id=str(task.public_id)).values_list(
            "action", flat=True
        )
    )
    assert {"task.created", "task.submitted", "task.returned", "task.approved"} <= (
        actions
    )


def test_delegating_refuses_another_firms_matter_and_outside_staff(
    firm, attorney, assistant, other_matter
):
    response = _api(attorney, firm).post(
        _url("create_task", firm),
        {
            "title": "Calendar it",
            "function": "scheduling",
            "matter": str(other_matter.public_id),
        },
    )
    assert response.status_code == 422
    assert "matter" in response.json()["fields"]
    assert "B-2026-001" not in response.content.decode()
    outside = _api(assistant, firm).post(
        _url("create_task", firm), {"title": "Calendar it", "function": "scheduling"}
    )
    assert outside.status_code == 404
    assert not Task.unscoped.filter(title="Calendar it").exists()


def test_a_stale_if_match_gets_412_and_keeps_the_other_change(
    firm, matter, attorney, firm_admin, assistant
):
    task = f.task(firm, matter=matter, assignee=assistant, title="Book the room")
    one = _url("get_task", firm, task)
    lawyer, admin = _api(attorney, firm), _api(firm_admin, firm)
    etag = lawyer.get(one)["ETag"]
    first = admin.patch(one, {"priority": "urgent"}, {"If-Match": etag})
    assert first.status_code == 200 and first["ETag"] != etag
    stale = lawyer.patch(one, {"title": "Lost"}, {"If-Match": etag})
    assert stale.status_code == 412
    task.refresh_from_db()
    assert (task.title, task.priority) == ("Book the room", "urgent")
    # Actions honour If-Match too.
    start = _api(assistant, firm).post(f"{one}/start", {}, {"If-Match": etag})
    assert start.status_code == 412


def test_changing_the_due_time_needs_a_time_zone_and_null_clears_it(
    firm, matter, attorney, assistant
):
    due = timezone.now() + datetime.timedelta(days=2)
    task = f.task(firm, matter=matter, assignee=assistant, due_at=due)
    one = _url("get_task", firm, task)
    api = _api(attorney, firm)
    naive = api.patch(one, {"due_at": "2030-01-01T09:00:00"})
    assert naive.status_code == 422 and "due_at" in naive.json()["fields"]
    cleared = api.patch(one, {"due_at": None})
    assert cleared.status_code == 200 and cleared.json()["due_at"] is None
    task.refresh_from_db()
    assert task.due_at is None


@pytest.mark.parametrize("who", ["firm_staff", "assistant"])
def test_who_may_see_but_not_review_gets_the_reason(request, firm, matter, who):
    assistant = request.getfixturevalue("assistant")
    task = _submitted(firm, matter, assistant)
    response = _api(request.getfixturevalue(who), firm).post(
        f"{_url('get_task', firm, task)}/approve", {}
    )
    assert response.status_code == 422
    assert "attorney" in response.json()["message"]
    task.refresh_from_db()
    assert task.status == S.SUBMITTED


def test_an_attorney_cannot_start_someone_elses_task(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    response = _api(attorney, firm).post(f"{_url('get_task', firm, task)}/start", {})
    assert response.status_code == 422
    assert "given to" in response.json()["message"]


def test_handing_over_a_task_answers_204_once_it_is_no_longer_yours(
    firm, matter, assistant, firm_staff
):
    task = f.task(firm, assignee=assistant, title="In-house work")
    response = _api(assistant, firm).post(
        f"{_url('get_task', firm, task)}/reassign",
        {"assignee": str(firm_staff.public_id), "note": "Half done."},
    )
    assert response.status_code == 204
    task.refresh_from_db()
    assert (task.assignee, task.handover_note) == (firm_staff, "Half done.")


def test_the_review_queue_is_the_attorneys_own_unless_everyone_is_asked(
    firm, matter, attorney, firm_admin, assistant
):
    on_his_matter = _submitted(firm, matter, assistant, title="On his matter")
    _submitted(firm, None, assistant, title="Asked by the admin", requester=firm_admin)
    f.task(firm, matter=matter, assignee=assistant, title="Not handed in")
    api = _api(attorney, firm)
    mine = api.get(_url("list_review_queue", firm)).json()["items"]
    assert [t["id"] for t in mine] == [str(on_his_matter.public_id)]
    everyone = api.get(_url("list_review_queue", firm), {"everyone": "true"})
    assert {t["title"] for t in everyone.json()["items"]} == {
        "On his matter",
        "Asked by the admin",
    }


def test_a_comment_tells_the_assignee(firm, matter, attorney, assistant):
    task = f.task(firm, matter=matter, assignee=assistant)
    response = _api(attorney, firm).post(
        f"{_url('get_task', firm, task)}/comments", {"body": "Notice is in the file."}
    )
    assert response.status_code == 201
    assert response.json()["author"]["email"] == attorney.email
    assert Notification.objects.filter(user=assistant, kind="task.comment").exists()
    empty = _api(attorney, firm).post(
        f"{_url('get_task', firm, task)}/comments", {"body": "  "}
    )
    assert empty.status_code == 422 and "body" in empty.json()["fields"]


def test_listing_costs_the_same_queries_for_one_task_or_many(
    firm, matter, attorney, assistant
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = _api(attorney, firm)
    f.task(firm, matter=matter, assignee=assistant, checklist=("Read",))
    api.get(_url("list_tasks", firm))  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        assert api.get(_url("list_tasks", firm)).status_code == 200
    for n in range(5):
        f.task(firm, matter=matter, assignee=assistant, requester=attorney)
    with CaptureQueriesContext(connection) as six:
        assert len(api.get(_url("list_tasks", firm)).json()["items"]) == 6
    assert len(six) == len(one)


def test_text_with_a_nul_character_is_refused_not_stored(firm, attorney):
    response = _api(attorney, firm).post(
        _url("create_task", firm), {"title": "Call\x00", "function": "scheduling"}
    )
    assert response.status_code == 422 and "title" in response.json()["fields"]
