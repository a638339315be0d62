"""Delegated work: every change to a playbook or a task goes through here.

Each change happens in one transaction with its audit event and the
notifications it raises (e-mails leave only after the commit). Changes a person
makes to a task carry the task's ``revision`` as they saw it: if someone else
changed the task in between, ``StaleTask`` says so and nothing is overwritten.
"""

import calendar
import datetime
import zoneinfo
from collections.abc import Collection, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.system import workload
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.documents import workflow as document_workflow
from firmdesk.documents.models import Document, DocumentVersion
from firmdesk.engagements.models import Engagement
from firmdesk.notify.hooks import publish
from firmdesk.notify.services import notify
from firmdesk.orgs.business_hours import BusinessCalendar
from firmdesk.orgs.models import Function

from . import routing
from .models import (
    Comment,
    Flag,
    Playbook,
    PlaybookAcknowledgement,
    PlaybookVersion,
    Priority,
    Recurrence,
    Review,
    Task,
)
from .starter import STARTER_PLAYBOOKS, StarterPlaybook

S = Task.Status
REVIEWER_ROLES = ("attorney", "firm_admin")
# Functions whose output usually leaves the firm when no playbook says otherwise.
OUTWARD_FUNCTIONS = frozenset({Function.DOCUMENTS, Function.BILLING})


class StaleTask(ServiceError):
    """Someone else changed the task since this person loaded it."""

    def __init__(self, task: Task):
        super().__init__(
            "Someone else changed this task while you were looking at it. "
            "Here it is as it stands now; check it and make your change again."
        )
        self.task = task


# --- Playbooks -----------------------------------------------------------------


def _version_fields(data: dict) -> dict:
    dod = [line.strip() for line in data.get("definition_of_done", []) if line.strip()]
    if not dod:
        raise ServiceError(
            "Write at least one item of the definition of done: it becomes the "
            "checklist on every task.",
            field="definition_of_done",
        )
    if not (data.get("title") or "").strip():
        raise ServiceError("Give the playbook a title.", field="title")
    if not (data.get("steps") or "").strip():
        raise ServiceError("Write the steps.", field="steps")
    return {
        "title": data["title"].strip(),
        "summary": (data.get("summary") or "").strip(),
        "steps": data["steps"],
        "definition_of_done": dod,
        "common_mistakes": data.get("common_mistakes", ""),
        "templates": data.get("templates", ""),
        "examples": data.get("examples", ""),
        "output_leaves_firm": bool(data.get("output_leaves_firm")),
        "review_required": bool(data.get("review_required"))
        or bool(data.get("output_leaves_firm")),
        "turnaround_hours": data.get("turnaround_hours") or None,
    }


def _may_edit_playbooks(scope) -> None:
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can change the firm's playbooks.")


def playbook_create(*, scope, function: str, key: str = "", **data) -> Playbook:
    _may_edit_playbooks(scope)
    if function not in Function.values:
        raise ServiceError("Choose the kind of work.", field="function")
    fields = _version_fields(data)
    with transaction.atomic():
        playbook = Playbook.objects.for_firm(scope.firm).create(
            firm=scope.firm, function=function, key=key
        )
        version = PlaybookVersion.objects.for_firm(scope.firm).create(
            firm=scope.firm,
            playbook=playbook,
            number=1,
            edited_by=scope.user,
            change_note=data.get("change_note", "") or "First version",
            **fields,
        )
        playbook.current_version = version
        playbook.save(update_fields=["current_version", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="playbook.created",
            obj=playbook,
            summary=f"Wrote the playbook “{version.title}”",
        )
    return playbook


def playbook_edit(*, scope, playbook: Playbook, **data) -> PlaybookVersion:
    """A new version; tasks made from earlier ones keep theirs."""
    _may_edit_playbooks(scope)
    fields = _version_fields(data)
    with transaction.atomic():
        playbook = (
            Playbook.objects.for_firm(scope.firm)
            .select_for_update()
            .get(pk=playbook.pk)
        )
        last = (
            PlaybookVersion.objects.for_firm(scope.firm)
            .filter(playbook=playbook)
            .aggregate(n=Max("number"))["n"]
            or 0
        )
        version = PlaybookVersion.objects.for_firm(scope.firm).create(
            firm=scope.firm,
            playbook=playbook,
            number=last + 1,
            edited_by=scope.user,
            change_note=(data.get("change_note") or "").strip(),
            **fields,
        )
        playbook.current_version = version
        playbook.is_active = data.get("is_active", playbook.is_active)
        playbook.save(update_fields=["current_version", "is_active", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="playbook.edited",
            obj=playbook,
            summary=f"Playbook “{version.title}” is now version {version.number}",
        )
    return version


def playbooks_install_starter(
    *, firm, actor=None, library: Sequence[StarterPlaybook] = STARTER_PLAYBOOKS
) -> int:
    """Give a firm the starter library, or another ``library`` of procedures
    (once per procedure); returns how many."""
    have = set(
        Playbook.objects.for_firm(firm).exclude(key="").values_list("key", flat=True)
    )
    made = 0
    with transaction.atomic():
        for starter in library:
            if starter.key in have:
                continue
            playbook = Playbook.objects.for_firm(firm).create(
                firm=firm, function=starter.function, key=starter.key
            )
            version = PlaybookVersion.objects.for_firm(firm).create(
                firm=firm,
                playbook=playbook,
                number=1,
                title=starter.title,
                summary=starter.summary,
                steps=starter.steps,
                definition_of_done=list(starter.definition_of_done),
                common_mistakes=starter.common_mistakes,
                templates=starter.templates,
                examples=starter.examples,
                output_leaves_firm=starter.output_leaves_firm,
                review_required=starter.review_required or starter.output_leaves_firm,
                turnaround_hours=starter.turnaround_hours,
                edited_by=actor,
                change_note="FirmDesk starter procedure",
            )
            playbook.current_version = version
            playbook.save(update_fields=["current_version"])
            made += 1
        if made:
            audit_record(
                org=firm,
                actor=actor,
                action="playbook.starter_installed",
                summary=f"Added {made} starter playbooks",
            )
    return made


def playbook_acknowledge(*, scope, playbook: Playbook) -> PlaybookAcknowledgement:
    version = playbook.current_version
    with transaction.atomic():
        ack, created = PlaybookAcknowledgement.objects.for_firm(
            scope.firm
        ).get_or_create(
            firm=scope.firm, version=version, user=scope.user, playbook=playbook
        )
        if created:
            audit_record(
                org=scope.firm,
                actor=scope.user,
                action="playbook.acknowledged",
                obj=playbook,
                summary=f"Read and acknowledged “{version.title}” "
                f"(version {version.number})",
            )
    return ack


# --- Due times -------------------------------------------------------------------


def turnaround_hours(engagement: Engagement | None, version, function) -> int | None:
    if engagement is not None:
        hours = (engagement.turnaround_hours or {}).get(function)
        if hours:
            return int(hours)
    if version is not None and version.turnaround_hours:
        return version.turnaround_hours
    return None


def service_level_due(*, firm, engagement, version, function, start):
    """The due time from the turnaround, in the firm's business hours, or None."""
    hours = turnaround_hours(engagement, version, function)
    if not hours:
        return None
    return BusinessCalendar.for_organization(firm).add_hours(start, Decimal(hours))


# --- Tasks: helpers ------------------------------------------------------------


def task_url(task: Task) -> str:
    return reverse(
        "work:task_detail",
        kwargs={"firm_slug": task.firm.slug, "task_id": task.public_id},
    )


def _tell(user, task: Task, kind: str, title: str, body: str = "") -> None:
    if user is None:
        return
    notify(
        user=user,
        firm=task.firm,
        about=task,
        kind=kind,
        title=title,
        body=body,
        url=task_url(task),
        key=f"{kind}:{task.pk}:{task.revision}:{user.pk}",
    )


def _firm_contact(task: Task):
    engagement = task.engagement
    if engagement is not None:
        return engagement.firm_primary_contact or engagement.firm_backup_contact
    return None


def _locked(task: Task, revision: int | None) -> Task:
    """The task row, locked, checked against the revision the person saw.

    Read with the rows every service then uses (the firm, its engagement, the
    playbook version whose checklist it counts), so none costs a query of its
    own; only the task's row is locked."""
    current = (
        Task.objects.for_firm(task.firm)
        .select_related("firm", "engagement__firm", "playbook_version")
        .select_for_update(of=("self",))
        .get(pk=task.pk)
    )
    if revision is not None and current.revision != int(revision):
        raise StaleTask(current)
    return current


def _save(task: Task, *fields: str) -> None:
    task.revision += 1
    task.save(update_fields=[*fields, "revision", "updated_at"])


def _audit(scope_or_firm, actor, task: Task, action: str, summary: str, **detail):
    firm = getattr(scope_or_firm, "firm", scope_or_firm)
    audit_record(
        org=firm,
        actor=actor,
        action=f"task.{action}",
        obj=task,
        matter=task.matter,
        summary=summary,
        detail=detail or None,
    )


def _first_name(user) -> str:
    return (user.full_name or user.email).split()[0]


def may_review(scope) -> bool:
    """Approve or return work: the firm's attorneys and admins."""
    return _is_reviewer(scope)


def may_manage(scope, task: Task) -> bool:
    """Edit, reassign, cancel: the firm's attorneys and admins, and the requester."""
    return _may_manage(scope, task)


def may_resolve_flags(scope, task: Task) -> bool:
    return scope.is_firm_member or task.assignee_id == scope.user.pk


def task_permissions(*, scope, task: Task) -> dict[str, bool]:
    """What the person of ``scope`` may do on the task's page, action by action."""
    is_assignee = task.assignee_id == scope.user.pk
    manage = _may_manage(scope, task)
    reviewer = _is_reviewer(scope) and not is_assignee
    working = task.status in Task.WORKING_STATUSES
    return {
        "start": is_assignee and task.status in (S.OPEN, S.RETURNED),
        "checklist": is_assignee and working,
        "log_time": is_assignee and (task.is_open or task.status == S.APPROVED),
        "submit": is_assignee and working,
        "review": reviewer and task.status == S.SUBMITTED,
        "complete": task.status == S.APPROVED and (is_assignee or manage),
        "cancel": manage and task.is_open,
        "reassign": (manage or is_assignee) and task.is_open,
        "extra_cost": scope.is_firm_admin and task.extra_cost == Task.ExtraCost.PENDING,
        "edit": manage and task.is_open,
        "attach": is_assignee or scope.is_firm_member,
    }


def may_acknowledge_playbooks(*, scope) -> bool:
    """The people who do the work: outside staff and the firm's in-house staff."""
    return scope.is_provider_staff or scope.has_role("firm_staff")


def _is_reviewer(scope) -> bool:
    return scope.is_firm_member and scope.has_role(*REVIEWER_ROLES)


def _may_manage(scope, task: Task) -> bool:
    """Edit, reassign, cancel: the firm's attorneys and admins, and the requester."""
    return scope.is_firm_member and (
        scope.has_role(*REVIEWER_ROLES) or task.requester_id == scope.user.pk
    )


def _must_be_assignee(scope, task: Task, doing: str) -> None:
    if task.assignee_id != scope.user.pk:
        raise ServiceError(f"Only the person the task is given to can {doing}.")


def _first_response(task: Task, user, now) -> list[str]:
    if task.first_response_at is None and task.assignee_id == user.pk:
        task.first_response_at = now
        return ["first_response_at"]
    return []


# --- Tasks: creating and routing ---------------------------------------------------


def live_engagement_for(firm, function: str, today=None):
    today = today or timezone.localdate(timezone=firm.tz)
    for engagement in (
        Engagement.objects.for_firm(firm)
        .filter(status__in=[Engagement.Status.PILOT, Engagement.Status.ACTIVE])
        .order_by("created_at")
    ):
        if engagement.is_live(today) and function in engagement.functions:
            return engagement
    return None


def active_playbook(firm, function: str) -> Playbook | None:
    """The firm's playbook for a kind of work when nobody chose one: with
    several, the oldest active one (work made without a person choosing, such
    as recurring work and a retained lead's letter, keeps what it always had)."""
    return (
        Playbook.objects.for_firm(firm)
        .filter(function=function, is_active=True, current_version__isnull=False)
        .select_related("current_version")
        .order_by("created_at")
        .first()
    )


def task_create(
    *,
    scope,
    title: str,
    function: str,
    instructions: str = "",
    matter=None,
    engagement=None,
    in_house: bool = False,
    playbook: Playbook | None = None,
    no_playbook: bool = False,
    priority: str = "normal",
    due_at: datetime.datetime | None = None,
    review_required: bool | None = None,
    assignee=None,
    files=(),
    documents=(),
    now: datetime.datetime | None = None,
) -> Task:
    """Delegate a piece of work. Firm members only; the matter must be theirs.

    ``playbook`` is the procedure the firm chose (one of the kind of work);
    without one, the firm's playbook for that kind (``active_playbook``), unless
    ``no_playbook`` says the work has none. ``files`` are new uploads;
    ``documents`` are Documents uploaded already (a form that came back with an
    error keeps what was uploaded)."""
    if not scope.is_firm_member:
        raise ServiceError("Only the firm's people can delegate work.")
    if matter is not None and not scope.can_see_matter(matter):
        raise ServiceError("Choose a matter of this firm.", field="matter")
    if matter is not None and matter.is_closed:
        raise ServiceError(
            f"Matter {matter.number} is closed. Reopen it on its page first, or "
            "choose an open matter.",
            field="matter",
        )
    return _task_create(
        firm=scope.firm,
        requester=scope.user,
        requester_is_admin=scope.is_firm_admin,
        title=title,
        function=function,
        instructions=instructions,
        matter=matter,
        engagement=engagement,
        in_house=in_house,
        playbook=playbook,
        no_playbook=no_playbook,
        priority=priority,
        due_at=due_at,
        review_required=review_required,
        assignee=assignee,
        files=files,
        documents=documents,
        now=now,
    )


def _task_create(
    *,
    firm,
    requester,
    requester_is_admin: bool,
    title,
    function,
    instructions="",
    matter=None,
    engagement=None,
    in_house=False,
    playbook=None,
    no_playbook=False,
    priority="normal",
    due_at=None,
    review_required=None,
    assignee=None,
    files=(),
    documents=(),
    now=None,
    recurrence=None,
    recurrence_date=None,
) -> Task:
    from firmdesk.documents.services import document_upload

    now = now or timezone.now()
    title = (title or "").strip()
    if not title:
        raise ServiceError("Say in a few words what needs doing.", field="title")
    if function not in Function.values:
        raise ServiceError("Choose the kind of work.", field="function")
    if due_at is not None and due_at <= now:
        raise ServiceError(
            "The due time has already passed. Choose a time in the future, or "
            "leave it empty to use the agreed turnaround.",
            field="due_at",
        )
    if in_house:
        engagement = None
    elif engagement is None:
        engagement = live_engagement_for(firm, function)
    elif not engagement.is_live(timezone.localdate(now, firm.tz)):
        raise ServiceError(
            f"{engagement.name} is not active. Choose another team or in-house.",
            field="engagement",
        )
    elif function not in engagement.functions:
        raise ServiceError(
            f"{engagement.name} does not cover "
            f"{Function(function).label.lower()}. Choose another team or in-house.",
            field="engagement",
        )
    if (
        engagement is not None
        and matter is not None
        and firm.require_client_consent
        and matter.client_consent_on is None
    ):
        raise ServiceError(
            f"The client's consent to outside help is not recorded on "
            f"{matter.number}. Record it on the matter first, or do this in-house.",
            field="engagement",
        )
    if no_playbook:
        playbook = None
    elif playbook is None:
        playbook = active_playbook(firm, function)
    elif (
        playbook.firm_id != firm.pk
        or playbook.function != function
        or not playbook.is_active
        or playbook.current_version_id is None
    ):
        raise ServiceError(
            f"That playbook is not one of the firm's playbooks for "
            f"{Function(function).label.lower()}. Choose one of the list, or none.",
            field="playbook",
        )
    version = playbook.current_version if playbook else None
    leaves_firm = (
        version.output_leaves_firm if version else function in (OUTWARD_FUNCTIONS)
    )
    if review_required is None:
        review_required = version.needs_review if version else True
    review_required = bool(review_required) or leaves_firm
    if assignee is not None:
        _check_assignee(firm, engagement, function, assignee, now)
    with transaction.atomic():
        task = Task(
            firm=firm,
            matter=matter,
            engagement=engagement,
            function=function,
            playbook_version=version,
            title=title[:200],
            instructions=instructions,
            priority=priority,
            requester=requester,
            review_required=review_required,
            output_leaves_firm=leaves_firm,
            recurrence=recurrence,
            recurrence_date=recurrence_date,
        )
        if engagement is not None and engagement.costs_extra(function):
            task.extra_cost = (
                Task.ExtraCost.APPROVED
                if requester_is_admin
                else Task.ExtraCost.PENDING
            )
            if requester_is_admin:
                task.extra_cost_decided_by = requester
        if due_at is not None:
            task.due_at, task.due_source = due_at, Task.DueSource.MANUAL
        task.save()
        for upload in files:
            document = document_upload(
                firm=firm, actor=requester, uploaded_file=upload, matter=matter
            )
            task.attachments.add(document)
        for document in documents:
            if document.firm_id != firm.pk:
                raise ServiceError("That file belongs to another firm.")
            task.attachments.add(document)
        _audit(
            firm,
            requester,
            task,
            "created",
            f"Delegated “{task.title}”",
            function=function,
            engagement=str(engagement.public_id) if engagement else "",
            playbook_version=version.number if version else None,
        )
        if task.extra_cost == Task.ExtraCost.PENDING:
            task.proposed_assignee = assignee
            task.routing_note = (
                "Outside the engagement's base price: waiting for a firm admin to "
                "approve the extra cost before it goes to "
                + (f"{assignee.full_name}, as asked." if assignee else "the team.")
            )
            task.save(update_fields=["routing_note", "proposed_assignee"])
            for admin in _firm_admins(firm):
                _tell(
                    admin,
                    task,
                    "task.extra_cost",
                    f"Approve extra cost? “{task.title}”",
                    "This work is outside the engagement's base price.",
                )
        else:
            _start_clock(task, now)
            if assignee is not None:
                _assign(task, assignee, now=now, actor=requester, manual=True)
            elif engagement is not None:
                _route(task, now=now)
    return task


def _check_assignee(firm, engagement, function, assignee, now) -> None:
    """A person chosen by hand when delegating must be able to take the work."""
    if engagement is None:
        if not _is_firm_person(firm, assignee):
            raise ServiceError(
                "In-house work goes to someone of the firm.", field="assignee"
            )
        return
    probe = Task(firm=firm, engagement=engagement, function=function)
    problems = routing.eligibility_problems(probe, assignee, now)
    if problems:
        raise ServiceError(
            f"{assignee.full_name} cannot take this task: "
            f"{_first_name(assignee)} {' and '.join(problems)}.",
            field="assignee",
        )


def _firm_admins(firm):
    from firmdesk.orgs.models import Membership

    # Roles are a JSON list, which SQLite cannot search with __contains.
    return [
        m.user
        for m in Membership.objects.filter(
            organization=firm, is_active=True, user__is_active=True
        ).select_related("user")
        if "firm_admin" in m.roles
    ]


def _start_clock(task: Task, now) -> None:
    """Set the due time from the turnaround unless someone set it by hand."""
    if task.due_source == Task.DueSource.MANUAL:
        return
    due = service_level_due(
        firm=task.firm,
        engagement=task.engagement,
        version=task.playbook_version,
        function=task.function,
        start=now,
    )
    if due is not None:
        task.due_at, task.due_source = due, Task.DueSource.SERVICE_LEVEL
        task.save(update_fields=["due_at", "due_source"])


def _route(task: Task, *, now, exclude=None) -> bool:
    """Try to give the task to someone now; True if it found someone."""
    user, note = routing.choose(task, now, exclude=exclude)
    if user is None:
        task.needs_routing = True
        task.routing_note = note
        task.save(update_fields=["needs_routing", "routing_note", "updated_at"])
        return False
    _assign(task, user, now=now, actor=None, note=note)
    return True


def _assign(task: Task, user, *, now, actor, note: str = "", manual=False) -> None:
    previous = task.assignee
    task.assignee = user
    task.routed_at = now
    task.needs_routing = False
    task.routing_note = note or (
        f"Given to {user.full_name} by {actor.full_name}." if actor else ""
    )
    _save(task, "assignee", "routed_at", "needs_routing", "routing_note")
    _audit(
        task.firm,
        actor,
        task,
        "assigned",
        f"“{task.title}” given to {user.full_name}"
        + (f" (was {previous.full_name})" if previous else ""),
        manual=manual,
    )
    body = task.handover_note and f"Handover note: {task.handover_note}"
    _tell(user, task, "task.assigned", f"New task: {task.title}", body or "")


def task_route_waiting(*, firm, now=None) -> int:
    """Route every task of ``firm`` that is waiting for someone; returns how many."""
    now = now or timezone.now()
    routed = 0
    waiting = (
        Task.objects.for_firm(firm)
        # A returned task handed over while nobody was free waits as returned.
        .filter(
            needs_routing=True, status__in=[S.OPEN, S.RETURNED], assignee__isnull=True
        )
        .exclude(extra_cost__in=[Task.ExtraCost.PENDING, Task.ExtraCost.DECLINED])
        .select_related("engagement", "firm")
    )
    for task in waiting:
        with transaction.atomic():
            task = _locked(task, None)
            if task.needs_routing and task.assignee_id is None:
                routed += _route(task, now=now)
    return routed


def task_assign(*, scope, task: Task, assignee, revision, note: str = "", now=None):
    """Give the task to someone by hand: the firm, or the assignee handing over."""
    now = now or timezone.now()
    if not (_may_manage(scope, task) or task.assignee_id == scope.user.pk):
        raise ServiceError("You cannot reassign this task.")
    with transaction.atomic():
        task = _locked(task, revision)
        if not task.is_open:
            raise ServiceError("This task is finished; it cannot be reassigned.")
        if task.engagement is not None:
            problems = routing.eligibility_problems(task, assignee, now)
            if problems:
                raise ServiceError(
                    f"{assignee.full_name} cannot take this task: "
                    f"{_first_name(assignee)} {' and '.join(problems)}.",
                    field="assignee",
                )
        elif not _is_firm_person(task.firm, assignee):
            raise ServiceError(
                "In-house work goes to someone of the firm.", field="assignee"
            )
        if note.strip():
            task.handover_note = note.strip()
            task.save(update_fields=["handover_note"])
        _assign(task, assignee, now=now, actor=scope.user, manual=True)
    return task


def _is_firm_person(firm, user) -> bool:
    return user.memberships.filter(organization=firm, is_active=True).exists()


def _give_to_proposed(task: Task, proposed, *, now) -> None:
    """The approved task goes to the person named when it was delegated if
    they can still take it (the approval may come days later), else to
    whoever routing finds, with a note saying why."""
    if proposed is None:
        _route(task, now=now)
        return
    if task.engagement is not None:
        problems = routing.eligibility_problems(task, proposed, now)
    else:
        problems = [] if _is_firm_person(task.firm, proposed) else ["left the firm"]
    if not problems:
        _assign(task, proposed, now=now, actor=task.requester, manual=True)
        return
    _route(task, now=now)
    why = (
        f"{proposed.full_name}, named when it was delegated, {' and '.join(problems)}."
    )
    task.routing_note = f"{task.routing_note} {why}".strip()[:500]
    task.save(update_fields=["routing_note"])


def extra_cost_decide(*, scope, task: Task, revision, approve: bool, now=None):
    now = now or timezone.now()
    if not scope.is_firm_admin:
        raise ServiceError("Only a firm admin can approve extra cost.")
    with transaction.atomic():
        task = _locked(task, revision)
        if task.extra_cost != Task.ExtraCost.PENDING:
            raise ServiceError("This task is not waiting for an extra-cost decision.")
        task.extra_cost_decided_by = scope.user
        proposed, task.proposed_assignee = task.proposed_assignee, None
        if approve:
            task.extra_cost = Task.ExtraCost.APPROVED
            task.routing_note = ""
            _save(
                task,
                "extra_cost",
                "extra_cost_decided_by",
                "routing_note",
                "proposed_assignee",
            )
            _audit(scope, scope.user, task, "extra_cost_approved", "Approved")
            _start_clock(task, now)
            _give_to_proposed(task, proposed, now=now)
        else:
            task.extra_cost = Task.ExtraCost.DECLINED
            task.status = S.CANCELLED
            task.closed_at = now
            task.cancel_reason = "Extra cost declined by the firm"
            _save(
                task,
                "extra_cost",
                "extra_cost_decided_by",
                "status",
                "closed_at",
                "proposed_assignee",
            )
            task.save(update_fields=["cancel_reason"])
            _audit(scope, scope.user, task, "extra_cost_declined", "Declined")
            _tell(
                task.requester,
                task,
                "task.extra_cost_declined",
                f"Extra cost declined: {task.title}",
                "The task was cancelled; do it in-house or change its scope.",
            )
    return task


# --- Tasks: doing the work -------------------------------------------------------


def task_start(*, scope, task: Task, revision, now=None) -> Task:
    now = now or timezone.now()
    _must_be_assignee(scope, task, "start it")
    with transaction.atomic():
        task = _locked(task, revision)
        if task.status not in (S.OPEN, S.RETURNED):
            raise ServiceError(
                f"The task is {task.get_status_display().lower()}; "
                "it cannot be started."
            )
        was = task.status
        task.status = S.IN_PROGRESS
        _save(task, "status", *_first_response(task, scope.user, now))
        _audit(
            scope,
            scope.user,
            task,
            "started",
            "Started the corrections" if was == S.RETURNED else "Started work",
        )
    return task


def task_checklist(*, scope, task: Task, revision, done: set[int], now=None) -> Task:
    now = now or timezone.now()
    _must_be_assignee(scope, task, "tick its checklist")
    with transaction.atomic():
        task = _locked(task, revision)
        if task.status not in Task.WORKING_STATUSES:
            raise ServiceError("The checklist can change only while work is going on.")
        items = len(task.checklist_items)
        task.checklist_ticked = sorted(i for i in done if 0 <= i < items)
        fields = ["checklist_ticked", *_first_response(task, scope.user, now)]
        if task.status != S.IN_PROGRESS:
            task.status = S.IN_PROGRESS
            fields.append("status")
        _save(task, *fields)
        _audit(
            scope,
            scope.user,
            task,
            "checklist_ticked",
            f"Checklist: {len(task.checklist_ticked)} of {items} ticked",
        )
    return task


def task_for_logging(*, scope, task: Task, revision) -> Task:
    """The task locked for its assignee to log time on, checked against the
    revision they saw. Time logged is a billing time entry: billing's
    ``time_log_on_task`` calls this inside its transaction, then
    ``task_minutes_logged_set``."""
    _must_be_assignee(scope, task, "log time on it")
    return _locked(task, revision)


def task_minutes_logged_set(*, task: Task, total: int, actor=None, summary="") -> Task:
    """Keep ``minutes_logged`` as the total of the task's time entries (billing
    knows them; work does not). Called inside the transaction that changed
    them; ``summary`` also writes it in the task's history."""
    task = _locked(task, None)
    if task.minutes_logged != total:
        task.minutes_logged = total
        _save(task, "minutes_logged")
    if summary:
        _audit(task.firm, actor, task, "time_logged", summary)
    return task


def task_submit(*, scope, task: Task, revision, note: str = "", now=None) -> Task:
    """Hand the work in: to review, or straight to done when none is needed."""
    now = now or timezone.now()
    _must_be_assignee(scope, task, "hand it in")
    with transaction.atomic():
        task = _locked(task, revision)
        if task.status not in Task.WORKING_STATUSES:
            raise ServiceError(
                f"The task is {task.get_status_display().lower()}; "
                "there is nothing to hand in."
            )
        items = len(task.checklist_items)
        if task.checklist_done < items:
            raise ServiceError(
                f"Tick every item of the definition of done before you hand the "
                f"work in ({task.checklist_done} of {items} ticked).",
                field="checklist",
            )
        fields = ["status", *_first_response(task, scope.user, now)]
        if task.review_required:
            task.status = S.SUBMITTED
            task.submitted_at = now
            fields.append("submitted_at")
        else:
            task.status = S.DONE
            task.completed_at = task.closed_at = now
            fields += ["completed_at", "closed_at"]
        _save(task, *fields)
        if note.strip():
            Comment.objects.for_firm(task.firm).create(
                firm=task.firm, task=task, author=scope.user, body=note.strip()
            )
        _audit(
            scope,
            scope.user,
            task,
            "submitted" if task.review_required else "completed",
            "Handed in for review" if task.review_required else "Marked done",
        )
        reviewer = task.requester or (
            task.matter.responsible_attorney if task.matter else None
        )
        if task.review_required:
            publish(
                "task.submitted",
                firm=task.firm,
                obj=task,
                actor=scope.user,
                matter=task.matter,
                note=note.strip(),
            )
            _tell(
                reviewer,
                task,
                "task.submitted",
                f"Ready for your review: {task.title}",
                f"{scope.user.full_name} handed the work in.",
            )
    return task


def task_review(
    *,
    scope,
    task: Task,
    revision,
    approve: bool,
    reason: str = "",
    comment: str = "",
    reset_items: Collection[int] = (),
    approved_version: DocumentVersion | None = None,
    without_file: bool = False,
    now=None,
) -> Review:
    """Approve the work or return it for changes.

    Returning names why (``reason``), what to change (``comment``) and which
    checklist items to redo (``reset_items``, positions from 0; their ticks are
    removed, the others stay). Approving work that has files attached names the
    version approved (``approved_version``), or says with ``without_file`` that
    the approval is of the work, not of a file; it is recorded on the review."""
    now = now or timezone.now()
    if not _is_reviewer(scope):
        raise ServiceError("Only an attorney of the firm can review work.")
    if task.assignee_id == scope.user.pk:
        raise ServiceError("You cannot review your own work.")
    if not approve:
        if reason not in Review.Reason.values:
            raise ServiceError(
                "Choose why the work goes back: it tells the team what to fix and "
                "shows up in the weekly review.",
                field="reason",
            )
        if not comment.strip():
            raise ServiceError(
                "Say what needs to change, so the assistant can fix it in one go.",
                field="comment",
            )
    with transaction.atomic():
        task = _locked(task, revision)
        if task.status != S.SUBMITTED:
            raise ServiceError(
                f"The task is {task.get_status_display().lower()}; "
                "only work waiting for review can be approved or returned."
            )
        if approve:
            version = _approved_version(task, approved_version, without_file)
            reset: list[int] = []
        else:
            version, reset = None, _reset_positions(task, reset_items)
        review = Review.objects.for_firm(task.firm).create(
            firm=task.firm,
            task=task,
            reviewer=scope.user,
            decision=Review.Decision.APPROVED if approve else Review.Decision.RETURNED,
            reason="" if approve else reason,
            comment=comment.strip(),
            reset_items=reset,
            approved_version=version,
        )
        if approve:
            task.status = S.APPROVED
            task.approved_at = task.closed_at = now
            _save(task, "status", "approved_at", "closed_at")
            if version is not None:
                # The file approved is approved as a document too (docs/documents.md).
                document_workflow.approved_with_task(
                    version=version, reviewer=scope.user, task_title=task.title, now=now
                )
            what = approved_file_label(version) if version else ""
            _audit(
                scope,
                scope.user,
                task,
                "approved",
                f"Approved {what}" if what else "Approved the work",
                **(
                    {"document_version": str(version.public_id)}
                    if version is not None
                    else {}
                ),
            )
            publish(
                "task.approved",
                firm=task.firm,
                obj=task,
                actor=scope.user,
                matter=task.matter,
                review=str(review.public_id),
                comment=comment.strip(),
            )
            _tell(
                task.assignee,
                task,
                "task.approved",
                f"Approved: {task.title}",
                " ".join(
                    part
                    for part in (
                        f"{scope.user.full_name} approved {what}." if what else "",
                        comment.strip()
                        or "Send or file it as the playbook says, then mark it done.",
                    )
                    if part
                ),
            )
        else:
            task.status = S.RETURNED
            task.rework_count += 1
            task.submitted_at = None
            task.checklist_ticked = [i for i in task.checklist_ticked if i not in reset]
            _save(task, "status", "rework_count", "submitted_at", "checklist_ticked")
            document_workflow.returned_with_task(
                documents=Document.objects.for_firm(task.firm).filter(tasks=task),
                reviewer=scope.user,
                task_title=task.title,
                comment=comment.strip(),
                now=now,
            )
            _audit(
                scope,
                scope.user,
                task,
                "returned",
                f"Returned: {review.get_reason_display()}",
                reason=reason,
                **({"reset_items": reset} if reset else {}),
            )
            publish(
                "task.returned",
                firm=task.firm,
                obj=task,
                actor=scope.user,
                matter=task.matter,
                review=str(review.public_id),
                reason=reason,
                reason_text=review.get_reason_display(),
                comment=comment.strip(),
            )
            redo = ""
            if reset:
                redo = f" Checklist items to redo: {len(reset)}."
            _tell(
                task.assignee,
                task,
                "task.returned",
                f"Returned for changes: {task.title}",
                f"{review.get_reason_display()}: {comment.strip()}{redo}",
            )
    return review


def approved_file_label(version: DocumentVersion) -> str:
    """“version 2 of draft.docx”: what an approval approved, in words."""
    return f"version {version.number} of {version.original_name}"


def _approved_version(
    task: Task, version: DocumentVersion | None, without_file: bool
) -> DocumentVersion | None:
    """The file version an approval is of, checked to be one of the task's
    files; work with files attached is approved with one named, or expressly
    without."""
    attached = Document.objects.for_firm(task.firm).filter(tasks=task)
    if version is not None:
        if (
            version.firm_id != task.firm_id
            or not attached.filter(pk=version.document_id).exists()
        ):
            raise ServiceError(
                "That file is not attached to this task. Choose one of the "
                "task's files.",
                field="approved_version",
            )
        return version
    if not without_file and attached.exists():
        raise ServiceError(
            "Choose the file you approve (the version you read), or say that "
            "you approve the work without a file.",
            field="approved_version",
        )
    return None


def _reset_positions(task: Task, positions: Collection[int]) -> list[int]:
    """The checklist items a return names to redo, as sorted positions."""
    items = len(task.checklist_items)
    reset = sorted({int(i) for i in positions})
    if any(not 0 <= i < items for i in reset):
        raise ServiceError(
            "Name the items to redo from this task's checklist.",
            field="reset_items",
        )
    return reset


def task_complete(*, scope, task: Task, revision, now=None) -> Task:
    """Approved work sent or filed: done."""
    now = now or timezone.now()
    if not (task.assignee_id == scope.user.pk or _may_manage(scope, task)):
        raise ServiceError("You cannot close this task.")
    with transaction.atomic():
        task = _locked(task, revision)
        if task.status != S.APPROVED:
            raise ServiceError("Only approved work can be marked done.")
        task.status = S.DONE
        task.completed_at = task.closed_at = now
        _save(task, "status", "completed_at", "closed_at")
        _audit(scope, scope.user, task, "completed", "Marked done")
    return task


def task_cancel(*, scope, task: Task, revision, reason: str, now=None) -> Task:
    now = now or timezone.now()
    if not _may_manage(scope, task):
        raise ServiceError("Only the firm's attorneys and the requester can cancel.")
    if not reason.strip():
        raise ServiceError("Say why the task is cancelled.", field="reason")
    with transaction.atomic():
        task = _locked(task, revision)
        if not task.is_open:
            raise ServiceError("This task is already finished.")
        task.status = S.CANCELLED
        task.cancel_reason = reason.strip()[:300]
        task.needs_routing = False
        task.closed_at = now
        _save(task, "status", "cancel_reason", "needs_routing", "closed_at")
        _audit(scope, scope.user, task, "cancelled", f"Cancelled: {reason.strip()}")
        if task.assignee_id and task.assignee_id != scope.user.pk:
            _tell(task.assignee, task, "task.cancelled", f"Cancelled: {task.title}")
    return task


def task_edit(*, scope, task: Task, revision, **changes) -> Task:
    """Title, instructions, priority, due time: the firm's to change."""
    if not _may_manage(scope, task):
        raise ServiceError("Only the firm's attorneys and the requester can edit.")
    allowed = {"title", "instructions", "priority", "due_at"}
    with transaction.atomic():
        task = _locked(task, revision)
        changed = []
        for name, value in changes.items():
            if name not in allowed or getattr(task, name) == value:
                continue
            setattr(task, name, value)
            changed.append(name)
        if "title" in changed and not task.title.strip():
            raise ServiceError("Say in a few words what needs doing.", field="title")
        if "due_at" in changed and task.due_at and task.due_at <= timezone.now():
            raise ServiceError(
                "The due time has already passed. Choose a time in the future.",
                field="due_at",
            )
        if "due_at" in changed:
            task.due_source = Task.DueSource.MANUAL if task.due_at else ""
            task.sla_warned_at = task.sla_breached_at = None
            changed += ["due_source", "sla_warned_at", "sla_breached_at"]
        if changed:
            _save(task, *changed)
            _audit(
                scope,
                scope.user,
                task,
                "edited",
                f"Changed {', '.join(c for c in changed if not c.startswith('sla'))}",
            )
            if task.assignee_id and task.assignee_id != scope.user.pk:
                _tell(task.assignee, task, "task.edited", f"Changed: {task.title}")
    return task


def task_attach(*, scope, task: Task, uploaded_file, new_version_of=None, title=""):
    """A file added to the task: a new attachment (named ``title``, else after
    the file), or (``new_version_of`` one of its attachments) that file's next
    version, such as a corrected draft."""
    from firmdesk.documents.services import document_add_version, document_upload

    if not (task.assignee_id == scope.user.pk or scope.is_firm_member):
        raise ServiceError("You cannot add files to this task.")
    with transaction.atomic():
        if new_version_of is not None:
            document = new_version_of
            if not (
                Document.objects.for_firm(task.firm)
                .filter(tasks=task, pk=document.pk)
                .exists()
            ):
                raise ServiceError(
                    "That file is not attached to this task. Choose one of its "
                    "files, or add the file as a new one.",
                    field="new_version_of",
                )
            version = document_add_version(
                document=document, actor=scope.user, uploaded_file=uploaded_file
            )
            _audit(
                scope,
                scope.user,
                task,
                "attached",
                f"Uploaded version {version.number} of “{document.title}”",
            )
            return document
        document = document_upload(
            firm=task.firm,
            actor=scope.user,
            uploaded_file=uploaded_file,
            title=title,
            matter=task.matter,
        )
        task.attachments.add(document)
        _audit(scope, scope.user, task, "attached", f"Attached “{document.title}”")
    return document


def recurrence_create_task(rec, day: datetime.date) -> Task:
    """The occurrence of a recurring task for ``day`` (called by the worker)."""
    requester = rec.requester
    return _task_create(
        firm=rec.firm,
        requester=requester,
        requester_is_admin=requester in _firm_admins(rec.firm),
        title=f"{rec.title} ({day:%b %-d})",
        function=rec.function,
        instructions=rec.instructions,
        matter=rec.matter,
        engagement=rec.engagement,
        in_house=False,
        priority=rec.priority,
        recurrence=rec,
        recurrence_date=day,
    )


# --- Check-ins ---------------------------------------------------------------------


def _others(task: Task, actor) -> list:
    people = [task.assignee, task.requester]
    seen, result = set(), []
    for person in people:
        if person is not None and person.pk != actor.pk and person.pk not in seen:
            seen.add(person.pk)
            result.append(person)
    return result


def task_comment(*, scope, task: Task, body: str, now=None) -> Comment:
    now = now or timezone.now()
    body = body.strip()
    if not body:
        raise ServiceError("Write the comment first.", field="body")
    with transaction.atomic():
        comment = Comment.objects.for_firm(task.firm).create(
            firm=task.firm, task=task, author=scope.user, body=body
        )
        fields = _first_response(task, scope.user, now)
        if fields:
            task.save(update_fields=fields)
        _audit(scope, scope.user, task, "commented", "Commented")
        for person in _others(task, scope.user):
            notify(
                user=person,
                firm=task.firm,
                about=task,
                kind="task.comment",
                title=f"{scope.user.full_name} commented on “{task.title}”",
                body=body[:500],
                url=task_url(task),
                key=f"task.comment:{comment.pk}:{person.pk}",
            )
    return comment


def task_flag(*, scope, task: Task, kind: str, note: str = "", now=None) -> Flag:
    now = now or timezone.now()
    if kind not in Flag.Kind.values:
        raise ServiceError("Choose the kind of flag.", field="kind")
    with transaction.atomic():
        flag = Flag.objects.for_firm(task.firm).create(
            firm=task.firm,
            task=task,
            kind=kind,
            note=note.strip(),
            raised_by=scope.user,
        )
        fields = _first_response(task, scope.user, now)
        if fields:
            task.save(update_fields=fields)
        _audit(scope, scope.user, task, "flagged", flag.get_kind_display())
        recipients = _others(task, scope.user)
        if (
            kind == Flag.Kind.QUESTION
            and task.matter
            and (task.matter.responsible_attorney_id)
        ):
            attorney = task.matter.responsible_attorney
            if attorney.pk != scope.user.pk and attorney not in recipients:
                recipients.append(attorney)
        for person in recipients:
            notify(
                user=person,
                firm=task.firm,
                about=task,
                kind="task.flag",
                title=f"{flag.get_kind_display()}: {task.title}",
                body=note.strip()[:500],
                url=task_url(task),
                key=f"task.flag:{flag.pk}:{person.pk}",
            )
    return flag


def flag_resolve(*, scope, flag: Flag, now=None) -> Flag:
    now = now or timezone.now()
    if not may_resolve_flags(scope, flag.task):
        raise ServiceError("Only the firm's people and the assignee resolve flags.")
    with transaction.atomic():
        flag = Flag.objects.for_firm(flag.firm).select_for_update().get(pk=flag.pk)
        if flag.resolved_at is not None:
            return flag
        flag.resolved_at = now
        flag.resolved_by = scope.user
        flag.save(update_fields=["resolved_at", "resolved_by", "updated_at"])
        _audit(
            scope,
            scope.user,
            flag.task,
            "flag_resolved",
            f"Resolved “{flag.get_kind_display()}”",
        )
    return flag


# --- Absences and departures ------------------------------------------------------


def unavailable_reason(user, *, firm=None) -> str | None:
    """Why ``user`` cannot work a firm's tasks now, or None: left, absent on
    their own date today, or (with ``firm``) no longer allowed in its data."""
    from firmdesk.access.scope import resolve_scope
    from firmdesk.orgs.models import Absence, StaffProfile

    profile = StaffProfile.objects.filter(user=user).first()
    if profile is None:
        return None if firm is None or resolve_scope(user, firm) else "no access"
    if not profile.is_active or not user.is_active:
        return "left the provider"
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(profile.time_zone))
    if Absence.objects.filter(user=user, start__lte=today, end__gte=today).exists():
        return "absent"
    if firm is not None and resolve_scope(user, firm) is None:
        return "no longer has access to the firm's work"
    return None


def tasks_hand_over_if_unavailable(user, *, now=None) -> int:
    """Called when an absence or a departure is recorded: hand over at once
    rather than at the worker's next sweep."""
    reason = unavailable_reason(user)
    if reason is None:
        return 0
    return tasks_hand_over(user=user, reason=reason, now=now)


def tasks_hand_over(*, user, reason: str, now=None, firm=None) -> int:
    """Give a departing or absent person's open tasks to someone else.

    Each task is routed afresh (without them); its handover note says why, and
    the firm's contact for the engagement is told. Work already handed in for
    review stays put: the review does not need them.
    """
    now = now or timezone.now()
    tasks = (
        workload(Task, assignees=[user])
        .filter(status__in=Task.WORKING_STATUSES)
        .select_related("engagement", "firm")
    )
    if firm is not None:
        tasks = tasks.filter(firm=firm)
    moved = 0
    for task in tasks:
        with transaction.atomic():
            task = _locked(task, None)
            if task.assignee_id != user.pk or task.status not in Task.WORKING_STATUSES:
                continue
            done = task.checklist_done
            task.handover_note = (
                f"Handed over from {user.full_name} ({reason}). Status was "
                f"“{task.get_status_display()}”, {done} of {len(task.checklist_items)} "
                f"checklist items ticked, {task.minutes_logged} minutes logged."
            )
            task.assignee = None
            task.status = S.OPEN if task.status != S.RETURNED else S.RETURNED
            _save(task, "handover_note", "assignee", "status")
            _audit(
                task.firm,
                None,
                task,
                "handed_over",
                f"Taken from {user.full_name}: {reason}",
            )
            if task.engagement is not None:
                _route(task, now=now, exclude={user.pk})
            else:
                task.needs_routing = False
                task.save(update_fields=["needs_routing"])
            contact = _firm_contact(task) or task.requester
            _tell(
                contact,
                task,
                "task.handed_over",
                f"Handed over: {task.title}",
                task.handover_note
                + (
                    f" Now with {task.assignee.full_name}."
                    if task.assignee
                    else " No one could take it yet; it waits for the next person."
                ),
            )
            moved += 1
    return moved


# --- Recurring work ---


def _month_day(year: int, month: int, day: int) -> datetime.date:
    """``day`` of the month, or its last day when the month is shorter."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def recurrence_next_date(recurrence, after: datetime.date) -> datetime.date | None:
    """The first date strictly after ``after`` on which the work comes back, or
    None: stopped, ended, or its rule is incomplete.

    Pure: reads the recurrence's fields only, so the worker, the pages and the
    property tests agree on every date."""
    if not recurrence.is_active:
        return None
    day = max(after + datetime.timedelta(days=1), recurrence.starts_on)
    frequency = recurrence.frequency
    if frequency == Recurrence.Frequency.WEEKDAYS:
        while day.weekday() >= 5:
            day += datetime.timedelta(days=1)
    elif frequency == Recurrence.Frequency.WEEKLY:
        if recurrence.weekday is None:
            return None
        day += datetime.timedelta(days=(recurrence.weekday - day.weekday()) % 7)
    elif frequency == Recurrence.Frequency.MONTHLY:
        if not recurrence.day_of_month:
            return None
        candidate = _month_day(day.year, day.month, recurrence.day_of_month)
        if candidate < day:
            year, month = (
                (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
            )
            candidate = _month_day(year, month, recurrence.day_of_month)
        day = candidate
    else:
        return None
    if recurrence.ends_on is not None and day > recurrence.ends_on:
        return None
    return day


def recurrence_create(
    *,
    scope,
    title: str,
    function: str,
    frequency: str,
    starts_on: datetime.date,
    instructions: str = "",
    matter=None,
    priority: str = "normal",
    weekday: int | None = None,
    day_of_month: int | None = None,
    ends_on: datetime.date | None = None,
) -> Recurrence:
    """Work that comes back on a schedule; the worker creates each task."""
    if not scope.is_firm_member:
        raise ServiceError("Only the firm's people can set up recurring work.")
    title = (title or "").strip()
    if not title:
        raise ServiceError("Say in a few words what needs doing.", field="title")
    if function not in Function.values:
        raise ServiceError("Choose the kind of work.", field="function")
    if priority not in Priority.values:
        raise ServiceError("Choose a priority.", field="priority")
    if matter is not None and not scope.can_see_matter(matter):
        raise ServiceError("Choose a matter of this firm.", field="matter")
    F = Recurrence.Frequency
    if frequency not in F.values:
        raise ServiceError("Choose how often the work comes back.", field="frequency")
    if frequency == F.WEEKLY:
        if weekday is None or not 0 <= int(weekday) <= 6:
            raise ServiceError(
                "Choose the day of the week the work comes back on.", field="weekday"
            )
    else:
        weekday = None
    if frequency == F.MONTHLY:
        if day_of_month is None or not 1 <= int(day_of_month) <= 31:
            raise ServiceError(
                "Choose the day of the month, from 1 to 31.", field="day_of_month"
            )
    else:
        day_of_month = None
    if starts_on is None:
        raise ServiceError(
            "Say from which date the work comes back.", field="starts_on"
        )
    if ends_on is not None and ends_on < starts_on:
        raise ServiceError(
            "The end date is before the start date. Choose a later end date, or "
            "leave it empty to keep the work coming back.",
            field="ends_on",
        )
    with transaction.atomic():
        recurrence = Recurrence.objects.for_firm(scope.firm).create(
            firm=scope.firm,
            title=title,
            instructions=instructions,
            function=function,
            matter=matter,
            priority=priority,
            requester=scope.user,
            frequency=frequency,
            weekday=weekday,
            day_of_month=day_of_month,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="recurrence.created",
            obj=recurrence,
            matter=matter,
            summary=f"Set up recurring work “{title}”",
        )
    return recurrence


def recurrence_may_stop(scope, recurrence: Recurrence) -> bool:
    """The firm's attorneys and admins, and whoever set it up."""
    return scope.is_firm_member and (
        scope.has_role(*REVIEWER_ROLES) or recurrence.requester_id == scope.user.pk
    )


def recurrence_stop(*, scope, recurrence: Recurrence) -> Recurrence:
    """No more tasks from it; tasks already created stay as they are."""
    if not recurrence_may_stop(scope, recurrence):
        raise ServiceError(
            "Only an attorney, a firm admin or the person who set it up can stop it."
        )
    with transaction.atomic():
        recurrence = (
            Recurrence.objects.for_firm(scope.firm)
            .select_for_update()
            .get(pk=recurrence.pk)
        )
        if not recurrence.is_active:
            return recurrence
        recurrence.is_active = False
        recurrence.save(update_fields=["is_active", "updated_at"])
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="recurrence.stopped",
            obj=recurrence,
            matter=recurrence.matter,
            summary=f"Stopped recurring work “{recurrence.title}”",
        )
    return recurrence
