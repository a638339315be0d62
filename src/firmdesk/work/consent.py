"""Withdrawing a client's consent to outside help, and what it takes away
(issue 20, ABA Formal Opinion 08-451).

The access rule reads the matter's consent on every request, so outside staff
lose a matter the moment consent is withdrawn where the firm requires it
(``access.scope.Scope.matter_q``, ``work.models.Task.scope_filter``). What the
rule cannot do by itself is put their unfinished work somewhere: a task they
can no longer open would sit with them unseen, and routing would hand it to
the next outside person, who cannot open it either. So withdrawing consent
here also takes the matter's unfinished outside tasks back to the firm: they
become in-house work, unassigned, with a note saying why, and the people of
the firm who own that work (the engagement's firm contact and whoever asked
for the task) are told. Work already handed in for review stays with its
reviewer.

The consent itself is written by ``matters.services``; this module sits above
it (``work`` may import ``matters``, not the other way round), so the pages
call these functions and the withdrawal and its consequences share one
transaction.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.access.selectors import engagement_roster
from firmdesk.audit.services import audit_record
from firmdesk.engagements.selectors import live_engagements
from firmdesk.matters import services as matter_services
from firmdesk.matters.models import Matter
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Membership

from .models import Task
from .services import task_url


@dataclass
class LosingAccess:
    """One outside person who sees some of the matters now, and what of it."""

    user: object
    engagement: object
    matters: list = field(default_factory=list)
    open_tasks: list = field(default_factory=list)


def outside_staff_losing(*, scope, matters) -> list[LosingAccess]:
    """The provider staff who reach any of ``matters`` now (by grant, by an
    all-matters engagement, or through a task given to them), each with those
    matters and their unfinished tasks on them: who loses what if the client
    withdraws consent at a firm that requires it. For the withdrawal pages,
    read with the rule itself (each person's own Scope), not a copy of it."""
    ids = [m.pk for m in matters]
    if not ids or not scope.is_firm_member:
        return []
    by_pk = {m.pk: m for m in matters}
    today = timezone.localdate(timezone=scope.firm.tz)
    losing: dict[int, LosingAccess] = {}
    for engagement in live_engagements(scope=scope):
        for row in engagement_roster(scope=scope, engagement=engagement, today=today):
            user = row["assignment"].user
            if not row["has_access"] or user.pk in losing:
                continue
            theirs = resolve_scope(user, scope.firm)
            if theirs is None or theirs.is_firm_member:
                continue
            seen = set(
                Matter.objects.in_scope(theirs)
                .filter(pk__in=ids)
                .values_list("pk", flat=True)
            )
            tasks = list(
                Task.objects.in_scope(theirs)
                .filter(matter_id__in=ids)
                .order_by("created_at")
            )
            seen |= {t.matter_id for t in tasks}
            if not seen:
                continue
            losing[user.pk] = LosingAccess(
                user=user,
                engagement=engagement,
                matters=[by_pk[pk] for pk in ids if pk in seen],
                open_tasks=[
                    t
                    for t in tasks
                    if t.assignee_id == user.pk and t.status in Task.WORKING_STATUSES
                ],
            )
    return sorted(losing.values(), key=lambda x: (x.user.full_name, x.user.pk))


def outside_tasks_back_to_firm(*, scope, matters, why: str) -> list[Task]:
    """Make the unfinished outside tasks on ``matters`` in-house work of the
    firm, unassigned, each with a handover note and an audit row; tell the
    firm's people who own them. Call inside the withdrawal's transaction."""
    firm_people = Membership.objects.filter(
        organization=scope.firm, is_active=True
    ).values("user_id")
    # Outside work: delegated through an engagement, or (however it came to
    # be) in the hands of someone who is not of the firm.
    outside = Q(engagement__isnull=False) | (
        Q(assignee__isnull=False) & ~Q(assignee__in=firm_people)
    )
    tasks = list(
        Task.objects.for_firm(scope.firm)
        .filter(outside, matter__in=matters, status__in=Task.WORKING_STATUSES)
        .select_related("engagement", "assignee", "requester", "matter")
        .select_for_update(of=("self",))
        .order_by("created_at")
    )
    for task in tasks:
        engagement, assignee = task.engagement, task.assignee
        through = f" through {engagement.name}" if engagement else ""
        task.handover_note = (
            f"Back with the firm: {why}. It was with "
            f"{assignee.full_name if assignee else 'no one yet'}{through}; "
            f"{task.checklist_done} of "
            f"{len(task.checklist_items)} checklist items ticked, "
            f"{task.minutes_logged} minutes logged. Give it to someone of the firm."
        )
        task.engagement = None
        task.assignee = None
        task.needs_routing = False
        task.routing_note = ""
        if task.status == Task.Status.IN_PROGRESS:
            task.status = Task.Status.OPEN
        task.revision += 1
        task.save(
            update_fields=[
                "handover_note",
                "engagement",
                "assignee",
                "needs_routing",
                "routing_note",
                "status",
                "revision",
                "updated_at",
            ]
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="task.back_to_firm",
            obj=task,
            matter=task.matter,
            summary=f"“{task.title}” taken back from "
            f"{assignee.full_name if assignee else engagement.name}: {why}",
        )
        contact = engagement and (
            engagement.firm_primary_contact or engagement.firm_backup_contact
        )
        owners = {
            u.pk: u
            for u in (contact, task.requester)
            if u is not None and u.pk != scope.user.pk
        }
        for owner in owners.values():
            transaction.on_commit(
                lambda owner=owner, task=task: notify(
                    user=owner,
                    firm=task.firm,
                    about=task,
                    kind="task.back_to_firm",
                    title=f"Back with the firm: {task.title}",
                    body=task.handover_note,
                    url=task_url(task),
                    key=f"task.back_to_firm:{task.pk}:{task.revision}:{owner.pk}",
                )
            )
    return tasks


@dataclass
class Withdrawal:
    matters: list
    tasks_back: list


WITHDRAWN = "the client withdrew consent to outside help"


def consent_withdraw_matter(*, scope, matter, reason: str) -> Withdrawal:
    """Withdraw the client's consent on one matter; where the firm requires
    consent, its unfinished outside tasks come back to the firm."""
    with transaction.atomic():
        matter_services.matter_consent_withdraw(
            scope=scope, matter=matter, reason=reason
        )
        back = []
        if scope.firm.require_client_consent:
            back = outside_tasks_back_to_firm(
                scope=scope, matters=[matter], why=WITHDRAWN
            )
    return Withdrawal(matters=[matter], tasks_back=back)


def consent_withdraw_client(*, scope, contact, reason: str) -> Withdrawal:
    """Withdraw the client's consent on every matter of the client that has
    it; where the firm requires consent, their unfinished outside tasks come
    back to the firm. One transaction."""
    with transaction.atomic():
        matters = matter_services.client_consent_withdraw(
            scope=scope, contact=contact, reason=reason
        )
        back = []
        if scope.firm.require_client_consent:
            back = outside_tasks_back_to_firm(
                scope=scope, matters=matters, why=WITHDRAWN
            )
    return Withdrawal(matters=matters, tasks_back=back)
