"""API isolation entries of part "work": tasks and reviews (see api_registry.py).

People who may see a task but not take an action on it (firm staff approving,
an attorney starting someone else's task) get 422 with the reason, as the
task page shows it: tests/api/test_tasks_api.py proves those. Task-only access
(the ungranted assistant sees only the task given to them, not its matter) is
proved there too; here the ungranted assistant is refused the assistant's task.
"""

import datetime

from django.utils import timezone

from firmdesk.work.models import Comment, Task
from tests import factories

from .api_registry import (
    API_NO_FIRM_ACCESS,
    EVERYONE_IN_FIRM,
    FIRM_MEMBERS,
    PROVIDER_STAFF_IN_FIRM,
    ApiRoute,
    firm,
)

REVIEWERS = ("firm_admin", "attorney")
NOT_THE_TASK = (*API_NO_FIRM_ACCESS, "ungranted_assistant")


def _made(f, name: str, make):
    """A row these entries need, made once per test and kept on ``f`` (the
    shared fixtures hold none like it)."""
    if name not in f.__dict__:
        f.__dict__[name] = make(f)
    return f.__dict__[name]


def _submitted_task(f):
    return _made(
        f,
        "api_submitted_task",
        lambda f: factories.task(
            f.firm,
            matter=f.matter,
            assignee=f.assistant,
            title="Draft the reply letter",
            status=Task.Status.SUBMITTED,
            submitted_at=timezone.now() - datetime.timedelta(hours=1),
        ),
    )


def _checklist_task(f):
    return _made(
        f,
        "api_checklist_task",
        lambda f: factories.task(
            f.firm,
            matter=f.matter,
            assignee=f.assistant,
            title="Update the case file",
            checklist=("Notes filed", "Index updated"),
        ),
    )


def _queue_query(f) -> dict:
    _submitted_task(f)  # the queue has a row to answer
    return {"everyone": "true"}


def _task(get):
    return lambda f: {**firm(f), "task_id": get(f).public_id}


def _other_task(f) -> dict:
    return {**firm(f), "task_id": f.other_task.public_id}


def _row(get, *fields):
    def state(f):
        row = Task.unscoped.get(pk=get(f).pk)
        return tuple(getattr(row, name) for name in fields)

    return state


_assistant_task = _task(lambda f: f.assistant_task)
_startable = _task(lambda f: f.startable_task)

ROUTES = [
    ApiRoute(
        "GET api:list_tasks",
        allowed=EVERYONE_IN_FIRM,
        why="provider staff list their own tasks and their engagement's on "
        "matters opened to them; the ungranted assistant gets their own only",
    ),
    ApiRoute(
        "GET api:list_review_queue",
        allowed=REVIEWERS,
        denied=(*API_NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff"),
        query=_queue_query,
        why="attorneys and firm admins review, as on the review queue page",
    ),
    ApiRoute(
        "GET api:get_task",
        kwargs=_assistant_task,
        foreign_kwargs=_other_task,
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=NOT_THE_TASK,
        audit="task.viewed",
    ),
    ApiRoute(
        "POST api:create_task",
        body=lambda f: {
            "title": "Send the engagement letter",
            "function": "scheduling",
            "matter": str(f.matter.public_id),
        },
        success=201,
        state=lambda f: Task.unscoped.filter(
            firm=f.firm, title="Send the engagement letter"
        ).count(),
        allowed=FIRM_MEMBERS,
        denied=(*API_NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM),
        why="only the firm's people delegate, as on the delegate page; another "
        "firm's matter in the body is a 422 (tests/api)",
    ),
    ApiRoute(
        "PATCH api:update_task",
        kwargs=_assistant_task,
        foreign_kwargs=_other_task,
        body=lambda f: {"title": "Calendar the Lopez hearing (moved)"},
        state=_row(lambda f: f.assistant_task, "title"),
        allowed=REVIEWERS,
        denied=NOT_THE_TASK,
        why="firm staff and the assignee see it but get 422 (only attorneys, "
        "admins and the requester edit)",
    ),
    ApiRoute(
        "POST api:start_task",
        kwargs=_startable,
        foreign_kwargs=_other_task,
        state=_row(lambda f: f.startable_task, "status"),
        allowed=("assistant",),
        denied=NOT_THE_TASK,
        why="the assignee starts; others who see it get 422",
    ),
    ApiRoute(
        "POST api:tick_task_checklist",
        kwargs=_task(_checklist_task),
        foreign_kwargs=_other_task,
        body=lambda f: {"done": [0]},
        state=_row(_checklist_task, "checklist_ticked"),
        allowed=("assistant",),
        denied=NOT_THE_TASK,
    ),
    ApiRoute(
        "POST api:submit_task",
        kwargs=_startable,
        foreign_kwargs=_other_task,
        body=lambda f: {"note": "Booked for the 14th."},
        state=_row(lambda f: f.startable_task, "status"),
        allowed=("assistant",),
        denied=NOT_THE_TASK,
    ),
    ApiRoute(
        "POST api:approve_task",
        kwargs=_task(_submitted_task),
        foreign_kwargs=_other_task,
        body=lambda f: {"comment": "Good to send."},
        state=_row(_submitted_task, "status"),
        allowed=REVIEWERS,
        denied=NOT_THE_TASK,
        why="firm staff and the assistant see it but get 422",
    ),
    ApiRoute(
        "POST api:return_task",
        kwargs=_task(_submitted_task),
        foreign_kwargs=_other_task,
        body=lambda f: {"reason": "typo", "comment": "The date is wrong."},
        state=_row(_submitted_task, "status"),
        allowed=REVIEWERS,
        denied=NOT_THE_TASK,
    ),
    ApiRoute(
        "POST api:reassign_task",
        kwargs=_startable,
        foreign_kwargs=_other_task,
        body=lambda f: {"assignee": str(f.firm_staff.public_id)},
        state=_row(lambda f: f.startable_task, "assignee_id"),
        allowed=REVIEWERS,
        denied=NOT_THE_TASK,
        why="in-house work goes to someone of the firm; the assignee handing "
        "over gets 204 (the task is no longer theirs to see) and firm staff "
        "who did not ask for it get 422: see tests/api/test_tasks_api.py",
    ),
    ApiRoute(
        "POST api:create_task_comment",
        kwargs=_assistant_task,
        foreign_kwargs=_other_task,
        body=lambda f: {"body": "The notice is in the file."},
        success=201,
        state=lambda f: Comment.unscoped.filter(task=f.assistant_task).count(),
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=NOT_THE_TASK,
    ),
    ApiRoute(
        "GET api:list_task_reviews",
        kwargs=_task(_submitted_task),
        foreign_kwargs=_other_task,
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=NOT_THE_TASK,
    ),
]
