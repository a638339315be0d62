"""The pilot's evaluation date must not pass unnoticed: the firm's primary
contact for the engagement and its firm admins are told 7 days before it and
on the day, at 08:00 the firm's time, each once.

Once means: the schedule enqueues each reminder once per engagement, kind and
due time (``jobs.schedule``), and each notification has a key naming the
engagement, the evaluation date, the reminder and the person, so a retry, a
second worker or a job enqueued twice tells no one twice. Moving the
evaluation date makes the reminders of the new date due.

The worker imports each app's ``tasks`` module; ``insights.tasks`` imports
this one.
"""

import datetime

from django.urls import reverse
from django_tasks import task

from firmdesk.access.scope import resolve_scope
from firmdesk.access.system import job_row, sweep
from firmdesk.engagements.models import Engagement
from firmdesk.jobs.schedule import Due, due_work
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Function

from . import permissions, pilots

REMIND_AT = datetime.time(8, 0)  # the firm's time
# Days before the evaluation date → which reminder.
REMINDERS = {7: "week", 0: "day"}
# A reminder found later than this (no worker ran) is dropped: the other one,
# or the pilot page, still says when the evaluation is due.
LOOK_BACK = datetime.timedelta(days=2)

__all__ = ["pilot_evaluation_reminders", "send_pilot_reminder"]


def reminder_due_at(
    evaluation_date: datetime.date, days_before: int, zone
) -> datetime.datetime:
    day = evaluation_date - datetime.timedelta(days=days_before)
    return datetime.datetime.combine(day, REMIND_AT, zone)


@due_work
def pilot_evaluation_reminders(now):
    """Each pilot's reminders whose moment has come in the last two days."""
    today = now.date()
    pilots_running = (
        sweep(Engagement)
        .filter(
            status=Engagement.Status.PILOT,
            pilot_evaluation__gte=today - LOOK_BACK - datetime.timedelta(days=1),
            pilot_evaluation__lte=today + datetime.timedelta(days=max(REMINDERS) + 1),
        )
        .select_related("firm")
    )
    for engagement in pilots_running:
        evaluation_date = engagement.pilot_evaluation
        assert evaluation_date is not None  # filtered on above
        for days_before, which in REMINDERS.items():
            due_at = reminder_due_at(evaluation_date, days_before, engagement.firm.tz)
            if now - LOOK_BACK < due_at <= now:
                yield Due(
                    "insights.pilot-reminder",
                    f"{engagement.pk}:{which}",
                    due_at,
                    send_pilot_reminder,
                    (engagement.pk, which, evaluation_date.isoformat()),
                )


@task()
def send_pilot_reminder(engagement_id: int, which: str, evaluation_date: str) -> int:
    """Tell each recipient once; returns how many were told this time."""
    engagement = job_row(
        Engagement,
        engagement_id,
        related=("firm", "provider", "firm_primary_contact"),
    )
    if (
        engagement is None
        or engagement.status != Engagement.Status.PILOT
        or engagement.pilot_evaluation is None
        or engagement.pilot_evaluation.isoformat() != evaluation_date
    ):
        return 0  # ended, decided or moved: the new date has its own reminders
    firm = engagement.firm
    day = engagement.pilot_evaluation
    function = (
        Function(engagement.pilot_function).label.lower()
        if engagement.pilot_function in Function.values
        else "its function"
    )
    when = "today" if which == "day" else f"in 7 days, on {day:%A} {day.day} {day:%B}"
    title = (
        f"Pilot evaluation due today: {engagement}"
        if which == "day"
        else f"Pilot evaluation in 7 days: {engagement}"
    )
    told = 0
    for person in pilots.reminder_recipients(engagement):
        scope = resolve_scope(person, firm)
        if scope is None:
            continue
        may_read = permissions.may_read(scope)
        url = (
            pilots.pilot_url(engagement)
            if may_read
            else reverse(
                "engagements:engagement_detail", args=[firm.slug, engagement.public_id]
            )
        )
        body = (
            f"The pilot of {engagement.provider} for {function} is evaluated "
            f"{when}. "
            + (
                "Open the pilot to see its figures against the targets, record "
                "the evaluation and decide: go, adjust or stop."
                if may_read
                else "Ask an attorney or a firm admin to record the evaluation."
            )
        )
        note = notify(
            user=person,
            firm=firm,
            about=engagement,
            kind="pilot.evaluation_due",
            title=title,
            body=body,
            url=url,
            key=f"pilot:{engagement.public_id}:{evaluation_date}:{which}:{person.pk}",
        )
        told += note is not None
    return told
