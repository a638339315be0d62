"""Delegated work: the firm's task list, delegating, a task's page and the
actions on it, attachments, the review queue, recurring work, and the
cross-firm queues of the people doing the work (issue 4).

Views stay thin: rows come through the Scope (selectors), every change goes
through ``firmdesk.work.services`` with the ``revision`` the person saw, and a
page reached without access answers 404.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.scope import scopes_for_request
from firmdesk.access.selectors import access_object
from firmdesk.billing.selectors import task_entries
from firmdesk.billing.time_entries import time_log_on_task
from firmdesk.common.errors import ServiceError
from firmdesk.common.paginator import CappedPaginator
from firmdesk.documents.models import Document
from firmdesk.documents.selectors import access_document
from firmdesk.documents.services import document_upload
from firmdesk.engagements.selectors import live_engagements
from firmdesk.matters.models import Matter
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Function
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    see_other,
    send_document,
    wants_partial,
)
from firmdesk.work import selectors, services
from firmdesk.work.models import Flag, Playbook, Recurrence, Review, Task

from . import forms as wf
from .forms import WEEKDAYS, RecurrenceForm

S = Task.Status
PAGE_SIZE = 50
_is_reviewer = services.may_review


def _uuids(values) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(str(value)))
        except ValueError:
            continue
    return found


def _page(request, rows):
    return CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _assignable(scope) -> list[tuple]:
    """Who the firm's work can be given to, across its live engagements."""
    return selectors.assignable_people(
        scope=scope, engagements=live_engagements(scope=scope)
    )


def _table_context(request, form, rows, *, scopes, **extra):
    # Rows carry ``matter_visible`` (selectors._matter_visible): with task-only
    # access a row says a matter exists, never which.
    page = _page(request, rows)
    return {
        "form": form,
        "page": page,
        "scopes": scopes,
        "now": timezone.now(),
        "query": request.GET.urlencode(),
        **extra,
    }


# --- The firm's task list ------------------------------------------------------------


def task_list(request, firm_slug):
    scope = request.scope
    now = timezone.now()
    form = wf.TaskFilterForm(request.GET)
    params = form.params()
    rows = selectors.sort_tasks(
        selectors.filter_tasks(
            selectors.task_rows(scope),
            params,
            now=now,
            user=request.user,
            scopes=[scope],
        ),
        params["sort"],
    )
    counts = Task.objects.in_scope(scope).aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=Task.OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=Task.WORKING_STATUSES, due_at__lt=now)),
        review=Count("pk", filter=Q(status=S.SUBMITTED)),
    )
    may_bulk = _is_reviewer(scope)
    context = _table_context(
        request,
        form,
        rows,
        counts=counts,
        may_bulk=may_bulk,
        may_delegate=scope.is_firm_member,
        people=_assignable(scope) if may_bulk else [],
        filtered=form.is_filtered,
        scopes=[scope],
    )
    template = (
        "web/work/_task_list_partial.html"
        if wants_partial(request)
        else "web/work/task_list.html"
    )
    return render(request, template, context)


@require_POST
def task_bulk(request, firm_slug):
    """Cancel or reassign the ticked tasks, each through the services with the
    revision its row showed; the message says what happened to each."""
    scope = request.scope
    forbidden_if(not _is_reviewer(scope))
    back = reverse("work:task_list", args=[firm_slug])
    query = QueryDict(request.POST.get("query", "")).urlencode()
    if query:
        back = f"{back}?{query}"
    ids = _uuids(request.POST.getlist("task"))
    action = request.POST.get("bulk_action", "")
    if not ids:
        messages.error(request, "Tick the tasks first, then choose what to do.")
        return see_other(back)
    reason = request.POST.get("reason", "").strip()
    assignee = None
    if action == "cancel" and not reason:
        messages.error(request, "Say why the tasks are cancelled; nothing changed.")
        return see_other(back)
    if action == "reassign":
        chosen = request.POST.get("assignee", "")
        people = {str(u.public_id): u for u, _ in _assignable(scope)}
        assignee = people.get(chosen)
        if assignee is None:
            messages.error(request, "Choose who gets the tasks; nothing changed.")
            return see_other(back)
    elif action != "cancel":
        messages.error(request, "Choose what to do with the ticked tasks.")
        return see_other(back)
    done, stale, refused = 0, 0, []
    for task in Task.objects.in_scope(scope).filter(public_id__in=ids):
        revision = request.POST.get(f"rev_{task.public_id}") or None
        try:
            if action == "cancel":
                services.task_cancel(
                    scope=scope, task=task, revision=revision, reason=reason
                )
            else:
                services.task_assign(
                    scope=scope, task=task, assignee=assignee, revision=revision
                )
        except services.StaleTask:
            stale += 1
        except ServiceError as error:
            refused.append(f"“{task.title}”: {error.message}")
        else:
            done += 1
    verb = "cancelled" if action == "cancel" else f"reassigned to {assignee}"
    parts = [f"{done} task{'s' if done != 1 else ''} {verb}"]
    if stale:
        parts.append(
            f"{stale} {'was' if stale == 1 else 'were'} changed by someone else "
            "and left alone"
        )
    if refused:
        parts.append(f"{len(refused)} could not be: " + "; ".join(refused[:5]))
    level = messages.success if not (stale or refused) else messages.warning
    level(request, "; ".join(parts) + ".")
    return see_other(back)


# --- Delegate ---------------------------------------------------------------------


def _kept_documents(request, scope) -> list:
    """Files uploaded with an earlier try of the form, still wanted."""
    removed = set(request.POST.getlist("remove_document"))
    ids = _uuids(v for v in request.POST.getlist("kept_document") if v not in removed)
    if not ids:
        return []
    return list(
        Document.objects.in_scope(scope)
        .filter(public_id__in=ids, created_by=request.user, tasks__isnull=True)
        .select_related("current_version")
        .order_by("created_at")
    )


def _matter_from(scope, number: str):
    number = number.strip()
    if not number:
        return None
    return Matter.objects.in_scope(scope).filter(number__iexact=number).first()


@require_http_methods(["GET", "POST"])
def task_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    source = request.POST if request.method == "POST" else request.GET
    function = source.get("function", "")
    if function not in Function.values:
        function = ""
    engagements = live_engagements(scope=scope, function=function)
    playbooks = list(
        Playbook.objects.in_scope(scope)
        .filter(is_active=True, current_version__isnull=False)
        .filter(**({"function": function} if function else {}))
        .select_related("current_version")
        .order_by("function", "created_at")
    )
    # A kind of work with one playbook starts with it, one with none with "No
    # playbook"; with several the firm picks (nothing is chosen for it).
    chosen = source.get("playbook")
    known = {str(p.public_id) for p in playbooks} | {wf.NO_PLAYBOOK}
    if request.method == "GET" and chosen not in known:
        chosen = ""
        if function and len(playbooks) == 1:
            chosen = str(playbooks[0].public_id)
        elif function and not playbooks:
            chosen = wf.NO_PLAYBOOK
    picked = next((p for p in playbooks if str(p.public_id) == chosen), None)
    leaves_firm = bool(picked and picked.current_version.output_leaves_firm)

    initial = {"priority": "normal", "review_required": True}
    if request.method == "GET":
        for name in ("title", "function", "matter", "priority", "instructions"):
            if source.get(name):
                initial[name] = source[name]
        prefill = _uuids([request.GET.get("matter", "")])
        if prefill:
            matter = Matter.objects.in_scope(scope).filter(public_id=prefill[0]).first()
            initial["matter"] = matter.number if matter else ""
        if wants_partial(request):
            initial["review_required"] = "review_required" in source
            initial["team"] = source.get("team")
            initial["assignee"] = source.get("assignee")
    if "team" not in initial or initial["team"] not in {
        *(str(e.public_id) for e in engagements),
        wf.IN_HOUSE,
    }:
        initial["team"] = str(engagements[0].public_id) if engagements else wf.IN_HOUSE
    initial["playbook"] = chosen or ""

    form = wf.DelegateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial=initial,
        tz=request.user.tz,
        engagements=engagements,
        playbooks=playbooks,
        people=selectors.assignable_people(scope=scope, engagements=engagements),
        leaves_firm=leaves_firm,
    )
    kept = []
    if request.method == "POST":
        kept = _kept_documents(request, scope)
        valid = form.is_valid()
        typed = request.POST.get("matter", "")
        matter = _matter_from(scope, typed)
        if typed.strip() and matter is None:
            form.add_error(
                "matter",
                f"There is no matter numbered “{typed.strip()}” that you may see. "
                "Pick one from the list, or leave it empty.",
            )
        for upload in request.FILES.getlist("files"):
            try:
                kept.append(
                    document_upload(
                        firm=scope.firm,
                        actor=request.user,
                        uploaded_file=upload,
                        matter=matter,
                    )
                )
            except ServiceError as error:
                form.add_error("files", error.message)
        if valid and not form.errors:
            task = _delegate(request, scope, form, matter, kept)
            if task is not None:
                return see_other(services.task_url(task))

    context = {
        "form": form,
        "kept": kept,
        "matters": Matter.objects.in_scope(scope)
        .exclude(Matter.closed_q())
        .order_by("number")[:500],
        "picked": picked,
        "leaves_firm": leaves_firm,
    }
    if wants_partial(request) and request.method == "GET":
        return render(request, "web/work/_task_new_dependent.html", context)
    return render(request, "web/work/task_new.html", context)


SERVICE_FIELDS = {"engagement": "team"}


def _delegate(request, scope, form, matter, documents):
    data = form.cleaned_data
    team = data["team"]
    review = form.fields["review_required"].disabled or data["review_required"]
    try:
        task = services.task_create(
            scope=scope,
            title=data["title"],
            function=data["function"],
            instructions=data["instructions"],
            matter=matter,
            engagement=team,
            in_house=team is None,
            playbook=None if data["playbook"] == wf.NO_PLAYBOOK else data["playbook"],
            no_playbook=data["playbook"] == wf.NO_PLAYBOOK,
            priority=data["priority"],
            due_at=data.get("due_at"),
            review_required=review,
            assignee=data["assignee"],
            documents=documents,
        )
    except ServiceError as error:
        name = SERVICE_FIELDS.get(error.field, error.field)
        form.add_error(name if name in form.fields else None, error.message)
        return None
    if task.assignee is not None:
        text = f"“{task.title}” is delegated to {task.assignee.full_name}."
    elif task.routing_note:
        text = f"“{task.title}” is delegated and waits. {task.routing_note}"
    else:
        text = f"“{task.title}” is on the list; no one is assigned yet."
    messages.success(request, text)
    return task


# --- A task's page ------------------------------------------------------------------


@dataclass
class Failed:
    """An action that did not go through: its form (with what was typed and
    the errors) is shown open again."""

    action: str
    form: object = None
    status: int = 200
    errors: list[str] = field(default_factory=list)


def _metrics(task):
    calendar = BusinessCalendar.for_organization(task.firm)
    start = task.routed_at or task.created_at

    def business(end):
        return calendar.business_time_between(start, end) if end else None

    return {
        "first_response": business(task.first_response_at),
        "approval": business(task.approved_at or task.completed_at),
        "rework": task.rework_count,
        "on_time": task.on_time,
    }


def _timeline(scope, task):
    kinds = {Review: "review", Flag: "flag"}
    return [
        {"kind": kinds.get(type(item), "comment"), "item": item}
        for item in selectors.task_timeline(scope, task)
    ]


def _attachments(scope, task) -> list[Document]:
    return list(
        Document.objects.in_scope(scope)
        .filter(tasks=task)
        .select_related("current_version")
        .order_by("created_at")
    )


def _current_versions(attachments) -> list:
    return [d.current_version for d in attachments if d.current_version is not None]


def _last_review(task, timeline):
    """What the top of the page says about the last review: the return the
    open work answers (reason, category, items to redo), or the approval of
    finished work (the file version approved, and any newer one since)."""
    reviews = [e["item"] for e in timeline if e["kind"] == "review"]
    last = reviews[-1] if reviews else None
    if last is None:
        return {}
    if last.is_return and task.is_open:
        items = task.checklist_items
        return {
            "returned": last,
            "redo": [items[i] for i in last.reset_items if 0 <= i < len(items)],
        }
    if not last.is_return and task.status in (S.APPROVED, S.DONE):
        approved = last.approved_version
        current = approved.document.current_version if approved else None
        newer = current if current and current.number > approved.number else None
        return {"approval": last, "newer_file": newer}
    return {}


def _task_page(request, task, *, failed: Failed | None = None, partial=False):
    scope = request.scope
    user = request.user
    now = timezone.now()
    is_assignee = task.assignee_id == user.pk
    may = services.task_permissions(scope=scope, task=task)
    tz = user.tz
    attachments = _attachments(scope, task)
    blank = {
        "submit": wf.SubmitForm(auto_id="submit_%s"),
        "approve": wf.ApproveForm(
            auto_id="approve_%s", versions=_current_versions(attachments)
        ),
        "return": wf.ReturnForm(auto_id="return_%s", checklist=task.checklist_items),
        "cancel": wf.CancelForm(auto_id="cancel_%s"),
        "log_time": wf.TimeForm(auto_id="log_time_%s"),
        "comment": wf.CommentForm(auto_id="comment_%s"),
        "flag": wf.FlagForm(auto_id="flag_%s"),
        "attach": wf.AttachForm(auto_id="attach_%s", documents=attachments),
    }
    if may["edit"]:
        blank["edit"] = wf.EditForm(
            tz=tz,
            auto_id="edit_%s",
            initial={
                "title": task.title,
                "priority": task.priority,
                "instructions": task.instructions,
                "due_at": task.due_at,
            },
        )
    unavailable = []
    if may["reassign"]:
        people, unavailable = selectors.reassign_choices(
            scope=scope, task=task, now=now
        )
        blank["reassign"] = wf.ReassignForm(people=people, auto_id="reassign_%s")
    if failed is not None and failed.form is not None:
        blank[failed.action] = failed.form
    version = task.playbook_version
    latest = version.playbook.current_version if version else None
    timeline = _timeline(scope, task)
    open_flags = [
        e["item"] for e in timeline if e["kind"] == "flag" and e["item"].is_open
    ]
    last_review = _last_review(task, timeline)
    redo = set(last_review["returned"].reset_items) if "returned" in last_review else ()
    context = {
        **last_review,
        "task": task,
        "now": now,
        "may": may,
        "forms": blank,
        "failed": failed,
        "unavailable": unavailable,
        "attachments": attachments,
        "version": version,
        "newer": latest
        if latest and version and latest.number > version.number
        else None,
        "timeline": timeline,
        "time_entries": task_entries(scope, task),
        "open_flags": open_flags,
        "metrics": _metrics(task),
        "checklist": [
            (index, {**item, "redo": index in redo and not item["done"]})
            for index, item in enumerate(task.checklist)
        ],
        "is_assignee": is_assignee,
        "may_resolve_flags": services.may_resolve_flags(scope, task),
    }
    status = failed.status if failed else 200
    if partial:
        # htmx swaps only successful answers; the error is inside the partial.
        return render(request, "web/work/_task_body.html", context)
    return render(request, "web/work/task_detail.html", context, status=status)


def task_detail(request, firm_slug, task_id):
    scope = request.scope
    task = selectors.task_for_page(scope, task_id)
    audit_opened(
        request,
        task,
        action="task.viewed",
        matter=task.matter,
        summary=f"Opened task “{task.title}”",
    )
    return _task_page(request, task)


class _Invalid(Exception):
    def __init__(self, form):
        self.form = form


def _valid(form):
    if not form.is_valid():
        raise _Invalid(form)
    return form.cleaned_data


@dataclass
class _Call:
    request: object
    scope: object
    task: Task
    revision: str | None
    action: str
    form: object = None

    @property
    def post(self):
        return self.request.POST

    def bind(self, form_class, *args, **kwargs):
        """The action's form, bound to what was posted, ids as on the page."""
        files = self.request.FILES if form_class is wf.AttachForm else None
        self.form = form_class(
            self.post, files, *args, auto_id=f"{self.action}_%s", **kwargs
        )
        return _valid(self.form)


def _start(c: _Call) -> str:
    was = c.task.status
    services.task_start(scope=c.scope, task=c.task, revision=c.revision)
    return "Corrections started." if was == S.RETURNED else "Work started."


def _checklist(c: _Call) -> str:
    done = set()
    for value in c.post.getlist("done"):
        if value.isdigit():
            done.add(int(value))
    task = services.task_checklist(
        scope=c.scope, task=c.task, revision=c.revision, done=done
    )
    return (
        f"Checklist saved: {task.checklist_done} of {len(task.checklist_items)} done."
    )


def _log_time(c: _Call) -> str:
    data = c.bind(wf.TimeForm)
    # Time logged on a task is a billing time entry (issue 17, 1a).
    time_log_on_task(
        scope=c.scope,
        task=c.task,
        revision=c.revision,
        minutes=data["minutes"],
        narrative=data["narrative"],
    )
    return f"{data['minutes']} minutes logged."


def _submit(c: _Call) -> str:
    data = c.bind(wf.SubmitForm)
    task = services.task_submit(
        scope=c.scope, task=c.task, revision=c.revision, note=data["note"]
    )
    if task.status == S.SUBMITTED:
        return "Handed in. The attorney has been told it is ready for review."
    return "Handed in and done: this task needs no review."


def _approve(c: _Call) -> str:
    versions = _current_versions(_attachments(c.scope, c.task))
    data = c.bind(wf.ApproveForm, versions=versions)
    approved = data.get("approved_version")
    services.task_review(
        scope=c.scope,
        task=c.task,
        revision=c.revision,
        approve=True,
        comment=data["comment"],
        approved_version=approved,
        without_file="approved_version" in data and approved is None,
    )
    if approved is not None:
        what = services.approved_file_label(approved)
        return f"Approved {what}. The assistant has been told."
    return "Approved. The assistant has been told."


def _return(c: _Call) -> str:
    data = c.bind(wf.ReturnForm, checklist=c.task.checklist_items)
    services.task_review(
        scope=c.scope,
        task=c.task,
        revision=c.revision,
        approve=False,
        reason=data["reason"],
        comment=data["comment"],
        reset_items=data["reset_items"],
    )
    redo = len(data["reset_items"])
    items = f" {redo} checklist item{'s' if redo != 1 else ''} to redo." if redo else ""
    return (
        "Returned for changes, with your reason. The assistant has been told." + items
    )


def _complete(c: _Call) -> str:
    services.task_complete(scope=c.scope, task=c.task, revision=c.revision)
    return "Marked done."


def _cancel(c: _Call) -> str:
    data = c.bind(wf.CancelForm)
    services.task_cancel(
        scope=c.scope, task=c.task, revision=c.revision, reason=data["reason"]
    )
    return "Task cancelled."


def _reassign(c: _Call) -> str:
    people, _ = selectors.reassign_choices(
        scope=c.scope, task=c.task, now=timezone.now()
    )
    data = c.bind(wf.ReassignForm, people=people)
    task = services.task_assign(
        scope=c.scope,
        task=c.task,
        assignee=data["assignee"],
        revision=c.revision,
        note=data["note"],
    )
    return f"Now with {task.assignee.full_name}; they have been told."


def _extra_cost(approve: bool):
    def act(c: _Call) -> str:
        services.extra_cost_decide(
            scope=c.scope, task=c.task, revision=c.revision, approve=approve
        )
        if approve:
            return "Extra cost approved; the task goes to the team."
        return "Extra cost declined; the task is cancelled and the requester told."

    return act


def _edit(c: _Call) -> str:
    data = c.bind(wf.EditForm, tz=c.request.user.tz)
    due = data.get("due_at")
    if due is not None and due != c.task.due_at and due <= timezone.now():
        c.form.add_error("due_at", "That time has passed. Choose a time ahead.")
        raise _Invalid(c.form)
    services.task_edit(
        scope=c.scope,
        task=c.task,
        revision=c.revision,
        title=data["title"],
        instructions=data["instructions"],
        priority=data["priority"],
        due_at=due,
    )
    return "Changes saved."


def _comment(c: _Call) -> str:
    data = c.bind(wf.CommentForm)
    services.task_comment(scope=c.scope, task=c.task, body=data["body"])
    return "Comment added."


def _flag(c: _Call) -> str:
    data = c.bind(wf.FlagForm)
    flag = services.task_flag(
        scope=c.scope, task=c.task, kind=data["kind"], note=data["note"]
    )
    return f"Flag raised: {flag.get_kind_display()}."


def _resolve_flag(c: _Call) -> str:
    ids = _uuids([c.post.get("flag", "")])
    if not ids:
        raise Http404("No flag here.")
    flag = selectors.access_flag(c.scope, c.task, ids[0])
    services.flag_resolve(scope=c.scope, flag=flag)
    return "Flag resolved."


def _attach(c: _Call) -> str:
    data = c.bind(wf.AttachForm, documents=_attachments(c.scope, c.task))
    replaces = data.get("new_version_of")
    document = services.task_attach(
        scope=c.scope,
        task=c.task,
        uploaded_file=data["file"],
        new_version_of=replaces,
    )
    if replaces is not None:
        version = document.current_version
        return f"Version {version.number} of “{document.title}” uploaded."
    return f"“{document.title}” attached."


ACTIONS = {
    "start": _start,
    "checklist": _checklist,
    "log_time": _log_time,
    "submit": _submit,
    "approve": _approve,
    "return": _return,
    "complete": _complete,
    "cancel": _cancel,
    "reassign": _reassign,
    "approve_extra_cost": _extra_cost(True),
    "decline_extra_cost": _extra_cost(False),
    "edit": _edit,
    "comment": _comment,
    "flag": _flag,
    "resolve_flag": _resolve_flag,
    "attach": _attach,
}


@require_POST
def task_action(request, firm_slug, task_id, action):
    """Every change to a task from its page. The hidden ``revision`` is the
    task as the person saw it; pages always send it (a request without one
    acts on the task as it stands, as the services allow)."""
    act = ACTIONS.get(action)
    if act is None:
        raise Http404("No such action.")
    scope = request.scope
    task = selectors.task_for_page(scope, task_id)
    call = _Call(request, scope, task, request.POST.get("revision") or None, action)
    try:
        text = act(call)
    except services.StaleTask as stale:
        current = selectors.task_for_page(scope, stale.task.public_id)
        failed = Failed(action, call.form, status=409, errors=[stale.message])
        return _task_page(request, current, failed=failed, partial=request.htmx)
    except _Invalid as invalid:
        failed = Failed(action, invalid.form, status=200)
        return _task_page(request, task, failed=failed, partial=request.htmx)
    except ServiceError as error:
        failed = Failed(action, call.form)
        if call.form is not None and error.field in call.form.fields:
            call.form.add_error(error.field, error.message)
        else:
            failed.errors.append(error.message)
        current = selectors.task_for_page(scope, task.public_id)
        return _task_page(request, current, failed=failed, partial=request.htmx)
    messages.success(request, text)
    if request.htmx:
        current = selectors.task_for_page(scope, task.public_id)
        return _task_page(request, current, partial=True)
    return see_other(services.task_url(task))


def task_attachment(request, firm_slug, task_id, document_id):
    """A file attached to the task, to whoever may see the task: task-only
    access reaches exactly these files."""
    scope = request.scope
    task = access_object(Task, scope, task_id)
    document = access_document(scope, document_id)
    attached = Task.attachments.through.objects.filter(
        task_id=task.pk, document_id=document.pk
    ).exists()
    version = document.current_version
    if not attached or version is None:
        raise Http404("No such file on this task.")
    return send_document(
        request,
        scope,
        document,
        version,
        where=f"task “{task.title}”",
        detail={"task": str(task.public_id)},
    )


# --- Review queue --------------------------------------------------------------------


def review_queue(request, firm_slug):
    scope = request.scope
    forbidden_if(not _is_reviewer(scope))
    everyone = request.GET.get("who") == "all"
    rows = selectors.queue_review(
        scope, user=None if everyone else request.user
    ).order_by("submitted_at", "created_at")
    context = {
        "page": _page(request, rows),
        "everyone": everyone,
        "now": timezone.now(),
        "query": request.GET.urlencode(),
    }
    template = (
        "web/work/_review_queue_partial.html"
        if wants_partial(request)
        else "web/work/review_queue.html"
    )
    return render(request, template, context)


# --- Recurring work ------------------------------------------------------------------


def _rule(recurrence) -> str:
    """How often, in words: "Every Tuesday, from Mar 3, 2026"."""
    F = Recurrence.Frequency
    if recurrence.frequency == F.WEEKDAYS:
        text = "Every working day"
    elif recurrence.frequency == F.WEEKLY:
        text = f"Every {dict(WEEKDAYS).get(recurrence.weekday, '?')}"
    else:
        day = recurrence.day_of_month
        text = f"Monthly on day {day}"
        if day and day > 28:
            text += " (the last day in shorter months)"
    text += f", from {recurrence.starts_on:%b %-d, %Y}"
    if recurrence.ends_on:
        text += f" to {recurrence.ends_on:%b %-d, %Y}"
    return text


@require_http_methods(["GET", "POST"])
def recurring_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    form = RecurrenceForm(
        request.POST or None,
        matters=Matter.objects.in_scope(scope),
        initial={"starts_on": timezone.localdate(timezone=scope.firm.tz)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            recurrence = services.recurrence_create(scope=scope, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"“{recurrence.title}” set up. A task is created for it on each "
                "date it comes back.",
            )
            return redirect("work:recurring_list", firm_slug)
    yesterday = timezone.localdate(timezone=scope.firm.tz) - datetime.timedelta(1)
    rows = []
    for recurrence in (
        Recurrence.objects.in_scope(scope)
        .select_related("matter", "requester")
        .order_by("-is_active", "title")
    ):
        after = max(yesterday, recurrence.last_created_on or yesterday)
        rows.append(
            {
                "recurrence": recurrence,
                "next": services.recurrence_next_date(recurrence, after),
                "rule": _rule(recurrence),
                "may_stop": recurrence.is_active
                and services.recurrence_may_stop(scope, recurrence),
            }
        )
    return render(request, "web/work/recurring_list.html", {"form": form, "rows": rows})


@require_http_methods(["GET", "POST"])
def recurring_stop(request, firm_slug, recurrence_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    recurrence = access_object(Recurrence, scope, recurrence_id)
    forbidden_if(not services.recurrence_may_stop(scope, recurrence))
    back = reverse("work:recurring_list", args=[firm_slug])
    if request.method == "POST":
        services.recurrence_stop(scope=scope, recurrence=recurrence)
        messages.success(
            request,
            f"“{recurrence.title}” stopped. No more tasks will be created from it; "
            "tasks already created stay as they are.",
        )
        return redirect(back)
    return render(
        request,
        "web/confirm.html",
        {
            "title": f"Stop “{recurrence.title}”?",
            "body": "No more tasks will be created from it. Tasks already created "
            "stay as they are. To start it again, set it up anew.",
            "button": "Stop recurring work",
            "cancel": back,
        },
    )


# --- Cross-firm queues ---------------------------------------------------------------

QUEUE_SORTS = [*wf.SORT_CHOICES, ("firm", "Firm")]


def queue_mine(request):
    """Everything given to me, in every firm I may act for right now."""
    scopes = scopes_for_request(request)
    now = timezone.now()
    form = wf.TaskFilterForm(
        request.GET, firms=[s.firm for s in scopes], assignee=False, sorts=QUEUE_SORTS
    )
    params = form.params()
    rows = selectors.sort_tasks(
        selectors.filter_tasks(
            selectors.queue_mine(scopes, request.user),
            params,
            now=now,
            user=request.user,
            scopes=scopes,
        ),
        params["sort"],
    )
    context = _table_context(
        request, form, rows, scopes=scopes, filtered=form.is_filtered
    )
    template = (
        "web/work/_queue_partial.html"
        if wants_partial(request)
        else "web/work/queue.html"
    )
    return render(request, template, context)


@require_POST
def queue_start(request):
    """Start the ticked tasks of my queue, each in its own firm's Scope."""
    scopes = {s.firm.pk: s for s in scopes_for_request(request)}
    back = reverse("work:queue_mine")
    query = QueryDict(request.POST.get("query", "")).urlencode()
    if query:
        back = f"{back}?{query}"
    ids = _uuids(request.POST.getlist("task"))
    if not ids:
        messages.error(request, "Tick the tasks to start first.")
        return see_other(back)
    started, stale, refused = 0, 0, []
    rows = Task.objects.in_scopes(list(scopes.values())).filter(
        public_id__in=ids, assignee=request.user
    )
    for task in rows:
        revision = request.POST.get(f"rev_{task.public_id}") or None
        try:
            services.task_start(
                scope=scopes[task.firm_id], task=task, revision=revision
            )
        except services.StaleTask:
            stale += 1
        except ServiceError as error:
            refused.append(f"“{task.title}”: {error.message}")
        else:
            started += 1
    parts = [f"{started} task{'s' if started != 1 else ''} started"]
    if stale:
        parts.append(
            f"{stale} {'was' if stale == 1 else 'were'} changed by someone else "
            "and left alone"
        )
    if refused:
        parts.append(f"{len(refused)} could not be: " + "; ".join(refused[:5]))
    level = messages.success if not (stale or refused) else messages.warning
    level(request, "; ".join(parts) + ".")
    return see_other(back)


def queue_team(request):
    """The team's work across the firms a provider's staff member serves. Firm
    people have their firm's task list instead."""
    scopes = scopes_for_request(request)
    staff_scopes = [s for s in scopes if s.is_provider_staff]
    if not staff_scopes:
        firm_scopes = [s for s in scopes if s.is_firm_member]
        if len(firm_scopes) == 1:
            return redirect("work:task_list", firm_scopes[0].firm.slug)
        return render(
            request, "web/work/queue_team_pick.html", {"firm_scopes": firm_scopes}
        )
    now = timezone.now()
    form = wf.TaskFilterForm(
        request.GET, firms=[s.firm for s in staff_scopes], sorts=QUEUE_SORTS
    )
    params = form.params()
    rows = selectors.sort_tasks(
        selectors.filter_tasks(
            selectors.queue_team(staff_scopes),
            params,
            now=now,
            user=request.user,
            scopes=staff_scopes,
        ),
        params["sort"],
    )
    context = _table_context(
        request, form, rows, scopes=staff_scopes, filtered=form.is_filtered, team=True
    )
    template = (
        "web/work/_queue_partial.html"
        if wants_partial(request)
        else "web/work/queue_team.html"
    )
    return render(request, template, context)
