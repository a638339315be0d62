"""Tasks and reviews (issue 21): the firm's delegated work as its pages show
it, and every change through ``firmdesk.work.services`` as the task's page
makes it, so roles, audit, notifications and routing stay the same.

A token sees the tasks its person sees (``Task.scope_filter``): firm members
every task not on a matter they are screened from; provider staff the tasks
of their functions given to them, or of their engagement on a matter opened
to them. Someone with task-only access learns that a task belongs to a
matter, never which (``matter`` is null, ``matter_hidden`` true).

Writes lock the task, check ``If-Match`` against its ETag and call the
service in one transaction; a person who may see the task but not take the
action gets 422 with the service's reason, as the page shows it.
"""

import datetime
import enum
import uuid
from typing import Annotated

from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Path, Query, Router
from ninja.responses import Status
from pydantic import AfterValidator, AwareDatetime, Field

from firmdesk.access.selectors import access_object
from firmdesk.billing.time_entries import time_log_on_task
from firmdesk.documents.models import DocumentVersion
from firmdesk.engagements.selectors import live_engagements
from firmdesk.matters.models import Matter
from firmdesk.orgs.models import Function
from firmdesk.work import selectors, services
from firmdesk.work.models import Comment, Playbook, Review, Task

from ..errors import ErrorOut, Unprocessable
from ..etags import check_if_match, etag_of
from ..pagination import ListQuery, Page, in_utc, paginate
from ..reading import PersonOut, audit_read, scope_of
from ..rendering import page_response
from ..schema import Schema

router = Router(tags=["Tasks"])


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Remove the NUL character (\\x00): text cannot hold it.")
    return value


def _plausible(value: datetime.datetime) -> datetime.datetime:
    if not 1970 <= value.year <= 2999:
        raise ValueError("Give a time between the years 1970 and 2999.")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
# With its zone: FirmDesk cannot guess whose 9 o'clock a bare time means.
When = Annotated[AwareDatetime, AfterValidator(in_utc), AfterValidator(_plausible)]


# Named for the API: ninja names an enum after its class, and Task.Status,
# Matter.Status, … are all "Status" (they would collide in the OpenAPI file).
# tests/api/test_tasks_api.py checks they keep the models' values.
class TaskStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskPriority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class ReviewReason(enum.StrEnum):
    FACTUAL_ERROR = "factual_error"
    MISSED_INSTRUCTION = "missed_instruction"
    FORMATTING = "formatting"
    WRONG_TEMPLATE = "wrong_template"
    TYPO = "typo"
    OTHER = "other"


# --- Representations ----------------------------------------------------------


class TaskMatterOut(Schema):
    id: uuid.UUID
    number: str
    title: str


class TaskChecklistItemOut(Schema):
    position: int = Field(description="Its number from 0, as `done` takes it.")
    text: str
    done: bool


class TaskPlaybookOut(Schema):
    title: str
    version: int


class TaskOut(Schema):
    id: uuid.UUID
    title: str
    instructions: str
    status: TaskStatus
    priority: TaskPriority
    function: Function
    matter: TaskMatterOut | None = Field(
        description="Null for work not tied to a matter, and for a matter not "
        "opened to this token (then matter_hidden is true)."
    )
    matter_hidden: bool
    team: str | None = Field(description="The outside team; null for in-house work.")
    playbook: TaskPlaybookOut | None
    requester: PersonOut | None
    assignee: PersonOut | None
    due_at: datetime.datetime | None
    review_required: bool
    checklist: list[TaskChecklistItemOut]
    minutes_logged: int
    rework_count: int
    submitted_at: datetime.datetime | None
    approved_at: datetime.datetime | None = Field(
        description="When the work was last approved; kept when it is then marked done."
    )
    completed_at: datetime.datetime | None
    cancel_reason: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def of(task: Task, scope) -> "TaskOut":
        return TaskOut.model_validate(TaskOut.row(task, scope))

    @staticmethod
    def row(task: Task, scope) -> dict:
        """The task as plain values, in the order of the fields above: what
        ``of`` validates, and what the list sends as it is
        (``api.rendering.page_response``). ``task`` comes through ``_tasks``,
        which puts what it shows of its matter, people, team and playbook on
        it as values (``ROW_VALUES``)."""
        has_matter = task.matter_id is not None
        visible = has_matter and scope.may_see_matter(
            task.matter_id,
            firm_id=task.matter_firm_id,
            consent_on=task.matter_consent_on,
        )
        return {
            "id": task.public_id,
            "title": task.title,
            "instructions": task.instructions,
            "status": task.status,
            "priority": task.priority,
            "function": task.function,
            "matter": {
                "id": task.matter_public_id,
                "number": task.matter_number,
                "title": task.matter_title,
            }
            if visible
            else None,
            "matter_hidden": has_matter and not visible,
            "team": task.team_name,
            "playbook": {"title": task.playbook_title, "version": task.playbook_number}
            if task.playbook_version_id is not None
            else None,
            "requester": PersonOut.row_of(task, "requester"),
            "assignee": PersonOut.row_of(task, "assignee"),
            "due_at": task.due_at,
            "review_required": task.review_required,
            "checklist": [
                {"position": i, "text": item["text"], "done": item["done"]}
                for i, item in enumerate(
                    Task.checklist_of(task.playbook_done_means, task.checklist_ticked)
                )
            ],
            "minutes_logged": task.minutes_logged,
            "rework_count": task.rework_count,
            "submitted_at": task.submitted_at,
            "approved_at": task.approved_at,
            "completed_at": task.completed_at,
            "cancel_reason": task.cancel_reason,
            "created_at": task.created_at,
            "updated_at": task.updated_at,
        }


RELATED = ("matter", "assignee", "requester", "engagement", "playbook_version")
# What a task's representation shows of the rows it points to, read as values
# on the task: a list of fifty was three hundred model instances (the task, its
# matter, two people, the team, the playbook version) and a sixth of the
# route's time went to making them (issue 22).
ROW_VALUES = {
    "matter_public_id": F("matter__public_id"),
    "matter_number": F("matter__number"),
    "matter_title": F("matter__title"),
    "matter_firm_id": F("matter__firm_id"),
    "matter_consent_on": F("matter__client_consent_on"),
    **PersonOut.values("assignee"),
    **PersonOut.values("requester"),
    "team_name": F("engagement__name"),
    "playbook_title": F("playbook_version__title"),
    "playbook_number": F("playbook_version__number"),
    "playbook_done_means": F("playbook_version__definition_of_done"),
}


def _tasks(scope):
    """The tasks the token sees, each with ``ROW_VALUES`` (``TaskOut.row``)."""
    return Task.objects.in_scope(scope).annotate(**ROW_VALUES)


def _task(scope, task_id) -> Task:
    """One task, with its related rows too: the services and the audit trail
    read them."""
    return access_object(
        Task, scope, task_id, queryset=_tasks(scope).select_related(*RELATED)
    )


def _locked(scope, task_id) -> Task:
    """The task row locked for a change, found through the Scope. Only the
    task's row: the related rows a Scope joins may be null."""
    return access_object(
        Task,
        scope,
        task_id,
        queryset=Task.objects.in_scope(scope).select_for_update(of=("self",)),
    )


def _answer(scope, task_id, response: HttpResponse) -> TaskOut:
    out = TaskOut.of(_task(scope, task_id), scope)
    response["ETag"] = etag_of(out)
    return out


def _changed(request, task_id, act) -> None:
    """Lock the task, check If-Match, then ``act(task)`` through a service,
    all in one transaction."""
    scope = scope_of(request)
    with transaction.atomic():
        task = _locked(scope, task_id)
        current = TaskOut.of(_task(scope, task_id), scope)
        check_if_match(request, etag_of(current), what="task")
        act(task)


def _change(request, task_id, response: HttpResponse, act) -> TaskOut:
    """``_changed``, answered with the task as it now is and its ETag."""
    _changed(request, task_id, act)
    return _answer(scope_of(request), task_id, response)


# --- Listing --------------------------------------------------------------------


class TaskFilters(ListQuery):
    status: TaskStatus | None = None
    matter: uuid.UUID | None = Field(None, description="A matter's id.")
    assignee: str | None = Field(
        None, description="A person's id, or `me` for the token's own person."
    )
    function: Function | None = None
    due_after: When | None = None
    due_before: When | None = None
    updated_after: When | None = None
    approved_after: When | None = Field(
        None,
        description="Work approved after this time, whether or not it has "
        "been marked done since: what a billing system pulls.",
    )


TASK_ORDERINGS = {
    "created": "created_at",
    "updated": "updated_at",
}


def _person_filter(value: str, request) -> dict:
    if value == "me":
        return {"assignee": request.user}
    try:
        return {"assignee__public_id": uuid.UUID(value)}
    except ValueError:
        raise Unprocessable(
            "assignee takes a person's id or “me”.",
            fields={"assignee": ["A person's id, or “me”."]},
        ) from None


@router.get(
    "tasks",
    response={200: Page[TaskOut], 422: ErrorOut},
    summary="List tasks",
    description="The tasks this token may see, newest first by default. "
    "Filter by status, matter, assignee (an id or `me`), function, due time, "
    "last change and approval time. order: created or updated (prefix “-” "
    "to reverse); with approved_after also approved. To pull approved time "
    "into a billing system: `approved_after=<the last approved_at you "
    "saw>&order=approved`.",
)
def list_tasks(request: HttpRequest, firm_slug: Path[str], filters: Query[TaskFilters]):
    scope = scope_of(request)
    rows = _tasks(scope)
    if filters.status:
        rows = rows.filter(status=filters.status.value)
    if filters.matter:
        # Only a matter the token may see: task-only access cannot probe
        # which matter its task belongs to.
        rows = rows.filter(matter__public_id=filters.matter).filter(
            scope.matter_q("matter")
        )
    if filters.assignee:
        rows = rows.filter(**_person_filter(filters.assignee, request))
    if filters.function:
        rows = rows.filter(function=filters.function.value)
    if filters.due_after:
        rows = rows.filter(due_at__gte=filters.due_after)
    if filters.due_before:
        rows = rows.filter(due_at__lte=filters.due_before)
    if filters.updated_after:
        rows = rows.filter(updated_at__gt=filters.updated_after)
    orderings = dict(TASK_ORDERINGS)
    if filters.approved_after:
        rows = rows.filter(approved_at__gt=filters.approved_after)
        orderings["approved"] = "approved_at"  # never null in these rows
    page = paginate(
        rows,
        filters,
        orderings=orderings,
        default="-created",
        keys_first=True,
    )
    page["items"] = [TaskOut.row(t, scope) for t in page["items"]]
    return page_response(request, page)


class ReviewQueueFilters(ListQuery):
    everyone: bool = Field(
        False,
        description="All work waiting for review in the firm; by default only "
        "yours (you asked for it, or it is on a matter you are responsible for).",
    )


@router.get(
    "review-queue",
    response={200: Page[TaskOut], 404: ErrorOut, 422: ErrorOut},
    summary="Work waiting for review",
    description="For the firm's attorneys and admins, as the review queue "
    "page: tasks handed in and waiting for approval, longest waiting first. "
    "order: submitted (default) or created.",
)
def list_review_queue(
    request: HttpRequest, firm_slug: Path[str], filters: Query[ReviewQueueFilters]
):
    scope = scope_of(request)
    if not services.may_review(scope):
        raise Http404
    rows = (
        selectors.queue_review(scope, user=None if filters.everyone else request.user)
        .defer(None)  # the page's row fields: the API sends the whole task
        .select_related(None)  # the page's joined rows: ROW_VALUES instead
        .annotate(**ROW_VALUES)
    )
    page = paginate(
        rows,
        filters,
        # Waiting for review: submitted_at is set on every one.
        orderings={"submitted": "submitted_at", "created": "created_at"},
        default="submitted",
    )
    page["items"] = [TaskOut.row(t, scope) for t in page["items"]]
    return page_response(request, page)


# --- One task --------------------------------------------------------------------


@router.get(
    "tasks/{task_id}",
    response={200: TaskOut, 404: ErrorOut},
    summary="One task",
    description="Sends an ETag: pass it as If-Match when you change the task "
    "or act on it. Reading a task is recorded in the firm's audit trail, as "
    "opening its page is.",
)
def get_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    task = _task(scope, task_id)
    out = TaskOut.of(task, scope)
    audit_read(
        request,
        task,
        action="task.viewed",
        matter=task.matter,
        summary=f"Read task “{task.title}” through the API",
    )
    response["ETag"] = etag_of(out)
    return out


class TaskCreate(Schema):
    title: Text = Field(
        max_length=200, description="A few words the team sees in their queue."
    )
    function: Function = Field(description="The kind of work.")
    instructions: Text = ""
    matter: uuid.UUID | None = Field(None, description="A matter's id.")
    team: uuid.UUID | None = Field(
        None,
        description="The engagement (outside team) that does it; left out: the "
        "firm's live engagement for this kind of work, or in-house if none.",
    )
    in_house: bool = Field(False, description="Someone of the firm does it.")
    playbook: uuid.UUID | None = Field(
        None,
        description="The written procedure; left out: the kind of work's only "
        "playbook (a kind with several needs one named).",
    )
    no_playbook: bool = Field(False, description="The instructions say it all.")
    priority: TaskPriority = TaskPriority.NORMAL
    due_at: When | None = Field(
        None,
        description="With its time zone; left out: the turnaround agreed with "
        "the team, in the firm's business hours.",
    )
    review_required: bool = Field(
        True,
        description="An attorney reviews the work before it is done; always so "
        "when the playbook's result leaves the firm.",
    )
    assignee: uuid.UUID | None = Field(
        None,
        description="Who does it; left out, FirmDesk gives it to the first "
        "available person of the team.",
    )


def _bad(field: str, message: str, short: str) -> Unprocessable:
    return Unprocessable(message, fields={field: [short]})


def _create_arguments(scope, data: TaskCreate) -> dict:
    """The page's choices, from ids: a matter, team, playbook and person the
    token's person could pick on the delegate page."""
    function = data.function.value
    matter = None
    if data.matter is not None:
        matter = Matter.objects.in_scope(scope).filter(public_id=data.matter).first()
        if matter is None:
            raise _bad(
                "matter",
                "No matter with that id that this token may see.",
                "Unknown matter.",
            )
    engagements = live_engagements(scope=scope, function=function)
    engagement = None
    if data.team is not None and not data.in_house:
        engagement = next((e for e in engagements if e.public_id == data.team), None)
        if engagement is None:
            raise _bad(
                "team",
                "That team does not do this kind of work now. Give the id of a "
                "live engagement covering it, or in_house: true.",
                "Not a live team for this kind of work.",
            )
    playbooks = list(
        Playbook.objects.in_scope(scope).filter(
            function=function, is_active=True, current_version__isnull=False
        )
    )
    playbook = None
    if data.playbook is not None and not data.no_playbook:
        playbook = next((p for p in playbooks if p.public_id == data.playbook), None)
        if playbook is None:
            raise _bad(
                "playbook",
                "That playbook is not one of the firm's active playbooks for this "
                "kind of work.",
                "Not a playbook for this kind of work.",
            )
    elif not data.no_playbook and len(playbooks) > 1:
        raise _bad(
            "playbook",
            f"The firm has {len(playbooks)} playbooks for this kind of work: name "
            "the one the work follows, or send no_playbook: true.",
            "Choose one.",
        )
    assignee = None
    if data.assignee is not None:
        if data.in_house:
            engagements = []
        elif engagement is not None:
            engagements = [engagement]
        people = selectors.assignable_people(scope=scope, engagements=engagements)
        assignee = next((u for u, _ in people if u.public_id == data.assignee), None)
        if assignee is None:
            raise _bad(
                "assignee",
                "That person cannot be given this work: give the id of someone of "
                "the firm or of the team, or leave it out.",
                "Not someone this work can go to.",
            )
    return {
        "title": data.title,
        "function": function,
        "instructions": data.instructions,
        "matter": matter,
        "engagement": engagement,
        "in_house": data.in_house,
        "playbook": playbook,
        "no_playbook": data.no_playbook or (data.playbook is None and not playbooks),
        "priority": data.priority.value,
        "due_at": data.due_at,
        "review_required": data.review_required,
        "assignee": assignee,
    }


@router.post(
    "tasks",
    response={201: TaskOut, 404: ErrorOut, 422: ErrorOut},
    summary="Delegate a task",
    description="For the firm's people, as the delegate page: FirmDesk gives "
    "the task to someone available unless you name them, sets the due time "
    "from the agreed turnaround unless you give one, and tells whoever gets "
    "it. Send an Idempotency-Key so a retry makes no second task.",
)
def create_task(
    request: HttpRequest,
    firm_slug: Path[str],
    payload: TaskCreate,
    response: HttpResponse,
):
    scope = scope_of(request)
    if not scope.is_firm_member:
        raise Http404  # as the delegate page: not there for outside staff
    task = services.task_create(scope=scope, **_create_arguments(scope, payload))
    out = _answer(scope, task.public_id, response)
    return Status(201, out)


class TaskChange(Schema):
    title: Text | None = Field(None, max_length=200)
    instructions: Text | None = None
    priority: TaskPriority | None = None
    due_at: When | None = Field(
        None, description="With its time zone; null clears the due time."
    )


@router.patch(
    "tasks/{task_id}",
    response={200: TaskOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut},
    summary="Change a task",
    description="Title, instructions, priority, due time: what the task "
    "page's edit changes, for the firm's attorneys and admins and whoever "
    "asked for the work, while it is open. Send only what changes; If-Match "
    "with the ETag you read answers 412 if someone changed it since.",
)
def update_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskChange,
    response: HttpResponse,
):
    sent = payload.model_fields_set
    changes: dict = {}
    for name in ("title", "instructions"):
        if name in sent:
            value = getattr(payload, name)
            if value is None:
                raise _bad(name, f"{name} cannot be null.", "Give text.")
            changes[name] = value
    if "priority" in sent:
        if payload.priority is None:
            raise _bad("priority", "priority cannot be null.", "Choose one.")
        changes["priority"] = payload.priority.value
    if "due_at" in sent:
        changes["due_at"] = payload.due_at

    scope = scope_of(request)

    def act(task):
        if services.may_manage(scope, task) and not task.is_open:
            raise Unprocessable(
                f"The task is {task.get_status_display().lower()}; only open "
                "work can be changed."
            )
        services.task_edit(scope=scope, task=task, revision=None, **changes)

    return _change(request, task_id, response, act)


# --- Actions ---------------------------------------------------------------------

ACTION_RESPONSES = {200: TaskOut, 404: ErrorOut, 412: ErrorOut, 422: ErrorOut}
IF_MATCH = " If-Match with the task's ETag answers 412 if it changed since."


@router.post(
    "tasks/{task_id}/start",
    response=ACTION_RESPONSES,
    summary="Start a task",
    description="The person the task is given to starts it (or the "
    "corrections of returned work)." + IF_MATCH,
)
def start_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    response: HttpResponse,
):
    scope = scope_of(request)
    return _change(
        request,
        task_id,
        response,
        lambda task: services.task_start(scope=scope, task=task, revision=None),
    )


class TaskChecklistIn(Schema):
    done: list[int] = Field(
        description="Positions (from 0) of the items that are done; the others "
        "are unticked."
    )


@router.post(
    "tasks/{task_id}/checklist",
    response=ACTION_RESPONSES,
    summary="Tick a task's checklist",
    description="The definition of done of the task's playbook: the person "
    "the task is given to says which items are done (every item must be "
    "before the work is handed in)." + IF_MATCH,
)
def tick_task_checklist(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskChecklistIn,
    response: HttpResponse,
):
    scope = scope_of(request)

    def act(task):
        items = len(task.checklist_items)
        wrong = [i for i in payload.done if not 0 <= i < items]
        if wrong:
            raise _bad(
                "done",
                f"This task's checklist has {items} items, numbered 0 to "
                f"{items - 1}; {wrong[0]} is not one of them.",
                f"Positions from 0 to {items - 1}.",
            )
        services.task_checklist(
            scope=scope, task=task, revision=None, done=set(payload.done)
        )

    return _change(request, task_id, response, act)


class TaskSubmitIn(Schema):
    note: Text = Field("", description="For the reviewer; added as a comment.")
    minutes: int | None = Field(
        None,
        description="Time spent, logged as a time entry on the task before it "
        "is handed in (1 to 1440), as the task page's “log time”.",
    )
    narrative: Text = Field(
        "", max_length=500, description="What the time was spent on."
    )


@router.post(
    "tasks/{task_id}/submit",
    response=ACTION_RESPONSES,
    summary="Hand a task in for review",
    description="The person the task is given to hands the work in, with "
    "every checklist item ticked: it waits for an attorney's review, or is "
    "done when it needs none; the reviewer is told." + IF_MATCH,
)
def submit_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskSubmitIn,
    response: HttpResponse,
):
    scope = scope_of(request)

    def act(task):
        if payload.minutes is not None:
            time_log_on_task(
                scope=scope,
                task=task,
                revision=None,
                minutes=payload.minutes,
                narrative=payload.narrative,
            )
        services.task_submit(scope=scope, task=task, revision=None, note=payload.note)

    return _change(request, task_id, response, act)


class TaskApproveIn(Schema):
    comment: Text = Field("", description="A note to the person who did it.")
    approved_version: uuid.UUID | None = Field(
        None,
        description="The id of the file version you read, when files are "
        "attached (it is recorded with the approval and the file approved).",
    )
    without_file: bool = Field(
        False, description="With files attached: you approve the work, no file."
    )


@router.post(
    "tasks/{task_id}/approve",
    response=ACTION_RESPONSES,
    summary="Approve handed-in work",
    description="The firm's attorneys and admins approve work waiting for "
    "review (not their own); the assistant is told." + IF_MATCH,
)
def approve_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskApproveIn,
    response: HttpResponse,
):
    scope = scope_of(request)

    def act(task):
        version = None
        if payload.approved_version is not None:
            version = (
                DocumentVersion.objects.in_scope(scope)
                .filter(public_id=payload.approved_version, document__tasks=task)
                .first()
            )
            if version is None:
                raise _bad(
                    "approved_version",
                    "That file version is not one of this task's files.",
                    "Not a version of the task's files.",
                )
        services.task_review(
            scope=scope,
            task=task,
            revision=None,
            approve=True,
            comment=payload.comment,
            approved_version=version,
            without_file=payload.without_file,
        )

    return _change(request, task_id, response, act)


class TaskReturnIn(Schema):
    reason: ReviewReason = Field(description="Why the work goes back.")
    comment: Text = Field(description="What needs to change.")
    redo: list[int] = Field(
        [],
        description="Positions (from 0) of the checklist items to redo: their "
        "ticks are removed, the others stay.",
    )


@router.post(
    "tasks/{task_id}/return",
    response=ACTION_RESPONSES,
    summary="Return work for changes",
    description="The firm's attorneys and admins send work waiting for review "
    "back, with a reason and what to change; the assistant is told and it "
    "counts in the weekly review." + IF_MATCH,
)
def return_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskReturnIn,
    response: HttpResponse,
):
    scope = scope_of(request)
    return _change(
        request,
        task_id,
        response,
        lambda task: services.task_review(
            scope=scope,
            task=task,
            revision=None,
            approve=False,
            reason=payload.reason.value,
            comment=payload.comment,
            reset_items=payload.redo,
        ),
    )


class TaskReassignIn(Schema):
    assignee: uuid.UUID = Field(description="The id of who gets the task.")
    note: Text = Field("", description="Where things stand, for the next person.")


@router.post(
    "tasks/{task_id}/reassign",
    response={**ACTION_RESPONSES, 204: None},
    summary="Give a task to someone else",
    description="The firm's attorneys and admins, whoever asked for the work, "
    "or the person it is given to hand an open task to someone of its team "
    "(or of the firm, for in-house work) who can take it now; they are "
    "told. Someone who hands over a task they then may no longer see gets "
    "204 and no body." + IF_MATCH,
)
def reassign_task(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskReassignIn,
    response: HttpResponse,
):
    scope = scope_of(request)

    def act(task):
        eligible, others = selectors.reassign_choices(
            scope=scope, task=task, now=timezone.now()
        )
        person = next((u for u, _ in eligible if u.public_id == payload.assignee), None)
        if person is None:
            reason = next(
                (why for u, why in others if u.public_id == payload.assignee), None
            )
            raise _bad(
                "assignee",
                f"{reason}: choose someone who can take it now."
                if reason
                else "That person cannot be given this task: choose someone of "
                "its team who can take it now.",
                "Cannot take this task.",
            )
        services.task_assign(
            scope=scope, task=task, assignee=person, revision=None, note=payload.note
        )

    _changed(request, task_id, act)
    if not Task.objects.in_scope(scope).filter(public_id=task_id).exists():
        return Status(204, None)  # handed over: no longer theirs to see
    return _answer(scope, task_id, response)


# --- Comments and reviews --------------------------------------------------------


class TaskCommentIn(Schema):
    body: Text = Field(max_length=5000)


class TaskCommentOut(Schema):
    id: uuid.UUID
    author: PersonOut | None
    body: str
    created_at: datetime.datetime


@router.post(
    "tasks/{task_id}/comments",
    response={201: TaskCommentOut, 404: ErrorOut, 422: ErrorOut},
    summary="Comment on a task",
    description="Anyone who may see the task; the person it is given to and "
    "whoever asked for it are told.",
)
def create_task_comment(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    payload: TaskCommentIn,
):
    scope = scope_of(request)
    task = _task(scope, task_id)
    comment: Comment = services.task_comment(scope=scope, task=task, body=payload.body)
    return Status(
        201,
        TaskCommentOut(
            id=comment.public_id,
            author=PersonOut.of(comment.author),
            body=comment.body,
            created_at=comment.created_at,
        ),
    )


class TaskReviewOut(Schema):
    id: uuid.UUID
    decision: str = Field(description="approved or returned")
    reason: str = Field(description="Why it was returned; empty on an approval.")
    comment: str
    redo: list[int] = Field(
        description="Checklist positions named to redo on a return."
    )
    approved_version: uuid.UUID | None = Field(
        description="The file version approved, if the approval named one."
    )
    reviewer: PersonOut | None
    created_at: datetime.datetime

    @staticmethod
    def of(review: Review) -> "TaskReviewOut":
        version = review.approved_version
        return TaskReviewOut(
            id=review.public_id,
            decision=review.decision,
            reason=review.reason,
            comment=review.comment,
            redo=list(review.reset_items),
            approved_version=version.public_id if version else None,
            reviewer=PersonOut.of(review.reviewer),
            created_at=review.created_at,
        )


class TaskReviewFilters(ListQuery):
    """Only what every list takes; the one order is by date (oldest first)."""


@router.get(
    "tasks/{task_id}/reviews",
    response={200: Page[TaskReviewOut], 404: ErrorOut, 422: ErrorOut},
    summary="A task's reviews",
    description="Every approval and return of the task, oldest first.",
)
def list_task_reviews(
    request: HttpRequest,
    firm_slug: Path[str],
    task_id: uuid.UUID,
    filters: Query[TaskReviewFilters],
):
    scope = scope_of(request)
    task = _task(scope, task_id)
    rows = (
        Review.objects.in_scope(scope)
        .filter(task=task)
        .select_related("reviewer", "approved_version")
    )
    page = paginate(
        rows,
        filters,
        orderings={"created": "created_at"},
        default="created",
    )
    page["items"] = [TaskReviewOut.of(r) for r in page["items"]]
    return page
