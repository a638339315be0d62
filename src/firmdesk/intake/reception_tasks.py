"""Reception's background work: messages nobody acknowledged go to the firm's
escalation contact, and each recipient gets a summary of yesterday's messages
in the morning. Both are keyed, so a retry or a second worker changes nothing.

The worker imports each app's ``tasks`` module; ``intake.tasks`` imports this one.
"""

import datetime
import logging

from django.utils import timezone
from django_tasks import task

from firmdesk.access.scope import resolve_scope
from firmdesk.access.system import job_row, sweep
from firmdesk.audit.services import audit_record
from firmdesk.jobs.schedule import Due, due_work
from firmdesk.jobs.services import run_once
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Organization

from . import reception
from .models import CallLog, ReceptionSettings

logger = logging.getLogger(__name__)

# A message found unacknowledged more than this long after it fell due for
# escalation (the worker was down) is left alone: the morning summary lists it.
ESCALATION_LOOK_BACK = datetime.timedelta(days=2)
SUMMARY_AT = datetime.time(7, 0)  # the firm's time
SUMMARY_MAX_LINES = 30

__all__ = [
    "call_escalations",
    "daily_call_summaries",
    "escalate_call",
    "send_call_summaries",
]


# --- Escalation -------------------------------------------------------------------


@due_work
def call_escalations(now):
    """Each unacknowledged message, once, when the firm's escalation time has
    passed since it was received."""
    default_minutes = ReceptionSettings._meta.get_field(
        "escalate_after_minutes"
    ).default
    pending = sweep(CallLog).filter(
        acknowledged_at__isnull=True,
        escalated_at__isnull=True,
        received_at__gt=now
        - ESCALATION_LOOK_BACK
        - datetime.timedelta(minutes=reception.MAX_ESCALATE_AFTER_MINUTES),
    )
    firm_ids = set(pending.values_list("firm_id", flat=True).distinct())
    if not firm_ids:
        return
    minutes_of = dict(
        sweep(ReceptionSettings)
        .filter(firm_id__in=firm_ids)
        .values_list("firm_id", "escalate_after_minutes")
    )
    for firm_id in sorted(firm_ids):
        after = datetime.timedelta(minutes=minutes_of.get(firm_id, default_minutes))
        rows = pending.filter(
            firm_id=firm_id,
            received_at__lte=now - after,
            received_at__gt=now - after - ESCALATION_LOOK_BACK,
        ).values_list("pk", "received_at")
        for pk, received_at in rows.iterator():
            yield Due(
                "intake.call-escalation",
                str(pk),
                received_at + after,
                escalate_call,
                (pk,),
            )


def _escalation_targets(call: CallLog, settings: ReceptionSettings):
    """(the escalation contact, everyone to tell): the contact when one is set
    and may open the message; otherwise the firm's admins (then the contact is
    nobody in particular). The recipient is never escalated to themselves."""
    contact = settings.escalate_to
    if (
        contact is not None
        and contact.pk != call.recipient_id
        and reception.can_open_call(contact, call)
    ):
        return contact, [contact]
    admins = [
        admin
        for admin in reception.firm_admins(call.firm)
        if admin.pk != call.recipient_id and reception.can_open_call(admin, call)
    ]
    return None, admins


@task()
def escalate_call(call_id: int) -> bool:
    with run_once(f"intake.call-escalation:{call_id}") as first_time:
        if not first_time:
            return False
        call = job_row(
            CallLog, call_id, related=("firm", "matter", "recipient"), for_update=True
        )
        if call is None or call.acknowledged_at or call.escalated_at:
            return False
        contact, told = _escalation_targets(
            call, reception.reception_settings(call.firm)
        )
        call.escalated_at = timezone.now()
        call.escalated_to = contact
        call.save(update_fields=["escalated_at", "escalated_to", "updated_at"])
        waited = int((call.escalated_at - call.received_at).total_seconds() // 60)
        recipient = call.recipient.full_name if call.recipient else "its recipient"
        audit_record(
            org=call.firm,
            actor=None,
            action="call.escalated",
            obj=call,
            matter=call.matter,
            summary=f"Message from {call.caller_name} unacknowledged after "
            f"{waited} minutes; escalated to "
            + (", ".join(p.full_name for p in told) or "nobody (no one else to tell)"),
        )
        if not told:
            logger.warning("Call %s escalated with nobody to tell", call.pk)
        for person in told:
            reception.call_notify(
                call,
                person,
                kind="call.escalated",
                title=f"Unacknowledged message from {call.caller_name} "
                f"(for {recipient})",
                lead=f"{recipient} has not acknowledged this message after "
                f"{waited} minutes. Make sure someone calls back, then "
                "acknowledge it in FirmDesk.",
                key=f"call:{call.public_id}:escalated:{person.pk}",
            )
    return True


# --- The morning summary ----------------------------------------------------------


def _local_day_bounds(day: datetime.date, zone) -> tuple:
    start = datetime.datetime.combine(day, datetime.time(0), zone)
    end = datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0), zone
    )
    return start, end


@due_work
def daily_call_summaries(now):
    """At 07:00 each firm's time, one summary job per firm for yesterday."""
    recent = sweep(CallLog).filter(received_at__gte=now - datetime.timedelta(days=3))
    firms = Organization.objects.filter(
        kind=Organization.Kind.FIRM,
        pk__in=recent.values("firm_id"),
    )
    for firm in firms:
        today = timezone.localdate(now, timezone=firm.tz)
        due_at = datetime.datetime.combine(today, SUMMARY_AT, firm.tz)
        if due_at > now:
            continue
        yesterday = today - datetime.timedelta(days=1)
        yield Due(
            "intake.call-summary",
            f"{firm.pk}:{yesterday.isoformat()}",
            due_at,
            send_call_summaries,
            (firm.pk, yesterday.isoformat()),
        )


@task()
def send_call_summaries(firm_id: int, day: str) -> int:
    """One notification per recipient of ``day``'s messages (the firm's date):
    how many, how many urgent, how many still unacknowledged, and the list."""
    firm = Organization.objects.get(pk=firm_id)
    date = datetime.date.fromisoformat(day)
    start, end = _local_day_bounds(date, firm.tz)
    day_calls = CallLog.objects.for_firm(firm).filter(
        received_at__gte=start, received_at__lt=end
    )
    recipient_ids = set(
        day_calls.exclude(recipient=None).values_list("recipient_id", flat=True)
    )
    sent = 0
    for person, _roles in reception.firm_people(firm):
        if person.pk not in recipient_ids:
            continue
        with run_once(f"intake.call-summary:{firm.pk}:{day}:{person.pk}") as first:
            if not first:
                continue
            sent += _summarise_for(firm, person, date, start, end)
    return sent


def _summarise_for(firm, person, date, start, end) -> int:
    scope = resolve_scope(person, firm)
    if scope is None:
        return 0
    calls = list(
        CallLog.objects.in_scope(scope)
        .filter(recipient=person, received_at__gte=start, received_at__lt=end)
        .select_related("matter")
        .order_by("received_at")
    )
    if not calls:
        return 0
    urgent = sum(c.urgency == CallLog.Urgency.URGENT for c in calls)
    waiting = [c for c in calls if c.acknowledged_at is None]
    lines = [
        ("[not acknowledged] " if c.acknowledged_at is None else "")
        + reception.call_summary_line(c, firm=firm, zone=person.tz)
        for c in calls[:SUMMARY_MAX_LINES]
    ]
    if len(calls) > SUMMARY_MAX_LINES:
        lines.append(f"… and {len(calls) - SUMMARY_MAX_LINES} more in FirmDesk.")
    counts = (
        f"{len(calls)} message{'s' if len(calls) != 1 else ''} for you on "
        f"{date:%A} {date.day} {date:%B}: {urgent} urgent, "
        f"{len(waiting)} not acknowledged yet."
    )
    note = notify(
        user=person,
        firm=firm,
        kind="call.summary",
        title=f"Your calls of {date:%a} {date.day} {date:%b}: {len(calls)}"
        + (f", {len(waiting)} waiting" if waiting else ""),
        body="\n".join([counts, "", *lines]),
        url=reception.call_list_url(firm),
        key=f"call-summary:{firm.pk}:{date.isoformat()}:{person.pk}",
    )
    return 1 if note is not None else 0
