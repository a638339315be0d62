"""Background work for delegated tasks: service-level alarms, routing tasks that
wait for someone, handing over the work of people who become unavailable, and
recurring tasks. Each job is keyed so a retry or a second worker changes nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from firmdesk.access.system import job_row, sweep
from firmdesk.audit.services import audit_record
from firmdesk.common import times
from firmdesk.common.times import person_zone
from firmdesk.jobs.schedule import Due, due_work, scheduled
from firmdesk.jobs.services import run_once
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Organization, User

from . import services
from .models import Recurrence, SlaBreach, Task

logger = logging.getLogger(__name__)
MINUTE = datetime.timedelta(minutes=1)


def _firms():
    return Organization.objects.filter(kind=Organization.Kind.FIRM)


# --- Service levels ------------------------------------------------------------


@due_work
def sla_alarms(now):
    """A warning some minutes before a task's due time, and the breach at it."""
    warn = datetime.timedelta(minutes=settings.FIRMDESK_SLA_WARNING_MINUTES)
    for firm in _firms():
        late_or_soon = (
            Task.objects.for_firm(firm)
            .filter(status__in=Task.WORKING_STATUSES, due_at__lte=now + warn)
            .filter(
                Q(sla_warned_at__isnull=True)
                | Q(due_at__lte=now, sla_breached_at__isnull=True)
            )
            .only("pk", "due_at", "sla_warned_at", "sla_breached_at")
        )
        for row in late_or_soon.iterator():
            stamp = row.due_at.isoformat()
            if row.due_at <= now and row.sla_breached_at is None:
                yield Due(
                    "work.sla-breach",
                    str(row.pk),
                    row.due_at,
                    sla_breach,
                    (row.pk, stamp),
                )
            elif row.sla_warned_at is None and row.due_at > now:
                yield Due(
                    "work.sla-warning",
                    str(row.pk),
                    row.due_at - warn,
                    sla_warning,
                    (row.pk, stamp),
                )


def _still_due(task_id: int, stamp: str) -> Task | None:
    row = job_row(
        Task,
        task_id,
        related=("firm", "engagement", "assignee", "requester"),
        for_update=True,
    )
    if row is None or row.status not in Task.WORKING_STATUSES:
        return None
    if row.due_at is None or row.due_at.isoformat() != stamp:
        return None  # the due time moved since this alarm was enqueued
    return row


@task()
def sla_warning(task_id: int, stamp: str) -> bool:
    with run_once(f"work.sla-warning:{task_id}:{stamp}") as first_time:
        if not first_time:
            return False
        row = _still_due(task_id, stamp)
        if row is None:
            return False
        row.sla_warned_at = timezone.now()
        row.save(update_fields=["sla_warned_at"])
        for person in {row.assignee, row.requester} - {None}:
            notify(
                user=person,
                firm=row.firm,
                about=row,
                kind="task.due_soon",
                title=f"Due soon: {row.title}",
                body=f"Due {times.when(row.due_at, person_zone(person, row.firm))}.",
                url=services.task_url(row),
                key=f"task.due_soon:{row.pk}:{stamp}:{person.pk}",
            )
    return True


@task()
def sla_breach(task_id: int, stamp: str) -> bool:
    with run_once(f"work.sla-breach:{task_id}:{stamp}") as first_time:
        if not first_time:
            return False
        row = _still_due(task_id, stamp)
        if row is None:
            return False
        row.sla_breached_at = timezone.now()
        row.sla_warned_at = row.sla_warned_at or row.sla_breached_at
        row.save(update_fields=["sla_breached_at", "sla_warned_at"])
        SlaBreach.objects.for_firm(row.firm).get_or_create(
            firm=row.firm,
            task=row,
            due_at=row.due_at,
            defaults={
                "engagement": row.engagement,
                "function": row.function,
                "assignee": row.assignee,
            },
        )
        audit_record(
            org=row.firm,
            actor=None,
            action="task.sla_breached",
            obj=row,
            matter=row.matter,
            summary=f"“{row.title}” passed its due time unfinished",
        )
        people = {row.assignee, row.requester}
        if row.engagement is not None:
            people |= {
                row.engagement.firm_primary_contact,
                row.engagement.provider_primary_contact,
            }
        for person in people - {None}:
            notify(
                user=person,
                firm=row.firm,
                about=row,
                kind="task.overdue",
                title=f"Overdue: {row.title}",
                body="The task passed its due time and is recorded as a "
                "service-level breach.",
                url=services.task_url(row),
                key=f"task.overdue:{row.pk}:{stamp}:{person.pk}",
            )
    return True


# --- Routing and handover ------------------------------------------------------


@scheduled(every=MINUTE)
@task()
def route_waiting_tasks() -> int:
    """Tasks nobody could take when they arrived go to whoever is free now."""
    routed = 0
    for firm in _firms().filter(
        pk__in=sweep(Task).filter(needs_routing=True).values("firm_id")
    ):
        routed += services.task_route_waiting(firm=firm)
    return routed


@scheduled(every=datetime.timedelta(minutes=15))
@task()
def hand_over_unavailable() -> int:
    """Open work of people who are absent, left, or lost access goes to others."""
    moved = 0
    pairs = (
        sweep(Task)
        .filter(
            status__in=Task.WORKING_STATUSES,
            assignee__isnull=False,
            engagement__isnull=False,
        )
        .values_list("firm_id", "assignee_id")
        .distinct()
    )
    firms = {f.pk: f for f in _firms()}
    pairs = list(pairs)
    users = User.objects.in_bulk({user_id for _, user_id in pairs})
    for firm_id, user_id in pairs:
        user = users[user_id]
        reason = services.unavailable_reason(user, firm=firms[firm_id])
        if reason:
            moved += services.tasks_hand_over(
                user=user, reason=reason, firm=firms[firm_id]
            )
    return moved


# --- Recurring work ----------------------------------------------------------------


@scheduled(every=datetime.timedelta(minutes=30))
@task()
def create_recurring_tasks() -> int:
    """Today's occurrence of each recurring task, once (in the firm's own date).

    A day missed while no worker ran is not made up: stale copies of routine
    work help no one, and the recurrence page shows when each last ran."""
    made = 0
    for firm in _firms():
        today = timezone.localdate(timezone=firm.tz)
        for rec in Recurrence.objects.for_firm(firm).filter(
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            is_active=True,
            starts_on__lte=today,
        ):
            made += recurrence_run(rec, today)
    return made


def recurrence_run(rec: Recurrence, today: datetime.date) -> int:
    from .services import recurrence_next_date

    after = rec.last_created_on or rec.starts_on - datetime.timedelta(days=1)
    due_day = None
    day = recurrence_next_date(rec, after)
    while day is not None and day <= today:
        due_day, day = day, recurrence_next_date(rec, day)
    if due_day != today:
        if due_day is not None:
            Recurrence.objects.for_firm(rec.firm).filter(pk=rec.pk).update(
                last_created_on=due_day
            )
        return 0
    with run_once(f"work.recurrence:{rec.pk}:{today.isoformat()}") as first_time:
        if not first_time:
            return 0
        try:
            with transaction.atomic():
                services.recurrence_create_task(rec, today)
        except services.ServiceError as error:
            logger.warning("Recurring task %s not created: %s", rec.pk, error.message)
        Recurrence.objects.for_firm(rec.firm).filter(pk=rec.pk).update(
            last_created_on=today
        )
    return 1
