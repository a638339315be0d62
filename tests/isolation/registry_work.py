"""Isolation registry entries for the work pages (see registry.py for the format)."""

from firmdesk.work.models import Task

from .registry import (
    ANONYMOUS,
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    SIGNED_IN_SAMPLE,
    Route,
    _firm,
)

REVIEWERS = ("firm_admin", "attorney")


def _task(attr: str):
    return lambda f: {**_firm(f), "task_id": getattr(f, attr).public_id}


def _status_of(attr: str):
    return lambda f: Task.unscoped.get(pk=getattr(f, attr).pk).status


ROUTES = [
    Route(
        "work:task_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="provider staff see their own tasks and their engagement's tasks on "
        "matters opened to them",
    ),
    Route(
        "work:task_new",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="only the firm's people delegate work",
    ),
    Route(
        "work:task_bulk",
        kwargs=_firm,
        method="POST",
        success=303,
        allowed=REVIEWERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + ("firm_staff",),
        why="an empty POST changes nothing; denied bulk changes with real rows are "
        "proved by test_bulk_actions_are_for_attorneys_only (tests/web)",
    ),
    Route(
        "work:task_detail",
        kwargs=_task("assistant_task"),
        foreign_kwargs=_task("other_task"),
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=(*NO_FIRM_ACCESS, "ungranted_assistant"),
        why="a task on a granted matter, assigned to the assistant; task-only "
        "access is proved by test_task_only_access_opens_the_task_not_the_matter",
    ),
    Route(
        "work:task_action",
        kwargs=lambda f: {**_task("startable_task")(f), "action": "start"},
        foreign_kwargs=lambda f: {**_task("other_task")(f), "action": "start"},
        method="POST",
        success=303,
        state=_status_of("startable_task"),
        allowed=("assistant",),
        denied=(*NO_FIRM_ACCESS, "ungranted_assistant"),
        why="“start” by the assignee; every action and who may take it is "
        "tested in tests/web/test_task_pages.py",
    ),
    Route(
        "work:task_attachment",
        kwargs=lambda f: {
            **_task("assistant_task")(f),
            "document_id": f.task_document.public_id,
        },
        foreign_kwargs=lambda f: {
            **_task("other_task")(f),
            "document_id": f.other_task_document.public_id,
        },
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=(*NO_FIRM_ACCESS, "ungranted_assistant"),
        why="files of a task, to whoever may see the task",
    ),
    Route(
        "work:review_queue",
        kwargs=_firm,
        allowed=REVIEWERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + ("firm_staff",),
        why="attorneys and firm admins review",
    ),
    # --- Cross-firm pages: each row found through its own firm's Scope --------
    Route(
        "work:queue_mine",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the signed-in person's own tasks, firm by firm; see "
        "test_my_queue_lists_only_what_each_firm_allows",
    ),
    Route(
        "work:queue_start",
        method="POST",
        success=303,
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="starts only the person's own tasks, each in its firm's Scope",
    ),
    Route(
        "work:queue_team",
        allowed=("assistant", "ungranted_assistant", "provider_admin"),
        denied=(ANONYMOUS,),
        why="firm people are sent to their firm's task list (302); see "
        "test_team_queue_sends_firm_people_to_their_task_list",
    ),
]
