"""Event reminders, in the app and by e-mail, each exactly once.

A reminder row is made when an event is saved (``services.sync_reminders``); the
schedule enqueues each one when its moment comes, under its own key, and the
job records it sent in the same transaction as the notification, whose key is
the reminder's. A worker that dies half-way leaves neither, and the next run
sends it; a second run finds the key and does nothing.
"""

import datetime

from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from firmdesk.access.scope import resolve_scope
from firmdesk.access.system import job_row
from firmdesk.common import times
from firmdesk.common.times import person_zone
from firmdesk.jobs.schedule import Due, due_work
from firmdesk.jobs.services import run_once
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Organization

from .models import Event, Reminder

# A reminder found more than a day late (the worker was down) is dropped: a
# reminder of a hearing that is over helps no one.
STALE_AFTER = datetime.timedelta(days=1)


@due_work
def event_reminders(now):
    for firm in Organization.objects.filter(kind=Organization.Kind.FIRM):
        rows = (
            Reminder.objects.for_firm(firm)
            .filter(
                sent_at__isnull=True, fire_at__lte=now, fire_at__gt=now - STALE_AFTER
            )
            .values_list("pk", "fire_at")
        )
        for pk, fire_at in rows.iterator():
            yield Due("scheduling.reminder", str(pk), fire_at, send_reminder, (pk,))


@task()
def send_reminder(reminder_id: int) -> bool:
    row = job_row(
        Reminder, reminder_id, related=("event", "user", "firm", "event__matter")
    )
    if row is None:
        return False
    with run_once(f"scheduling.reminder:{row.key}") as first_time:
        if not first_time:
            return False
        row = (
            Reminder.objects.for_firm(row.firm)
            .select_for_update(of=("self",))
            .select_related("event", "user", "firm")
            .get(pk=reminder_id)
        )
        event = row.event
        if row.sent_at is not None or event.status != Event.Status.SCHEDULED:
            return False
        if row.fire_at < timezone.now() - STALE_AFTER:
            # The job waited too long in the queue (workers were down).
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
            return False
        # The person must still be allowed to see the event: access that ended
        # (engagement over, staff member left) ends the reminders too.
        scope = resolve_scope(row.user, row.firm)
        if (
            scope is None
            or not Event.objects.in_scope(scope).filter(pk=event.pk).exists()
        ):
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
            return False
        zone = person_zone(row.user, row.firm)
        if event.all_day and event.start_date:
            when = f"{event.start_date:%a}, {times.day(event.start_date)}"
        else:
            when = times.when(event.start, zone, weekday=True)
        notify(
            user=row.user,
            firm=row.firm,
            about=event,
            kind=f"event.reminder.{event.kind}",
            title=f"Reminder: {event.title}",
            body=f"{event.get_kind_display()} on {when}.",
            url=reverse(
                "scheduling:event_detail",
                kwargs={"firm_slug": row.firm.slug, "event_id": event.public_id},
            ),
            key=f"reminder:{row.key}",
        )
        row.sent_at = timezone.now()
        row.save(update_fields=["sent_at"])
    return True


@task()
def recount_deadlines(day: str, court_id: int | None = None) -> int:
    """A closure or declared holiday changed on ``day`` (ISO date): deadlines
    that fall on or after it are counted again (services.deadlines_recount).
    Safe to run twice: a deadline already where it belongs does not move."""
    from .services import deadlines_recount

    return deadlines_recount(day=datetime.date.fromisoformat(day), court_id=court_id)
