"""Background work of intake: telling the team about a new lead, e-mails to
visitors (each at least once, with a stable Message-ID), screening leads whose
screen did not run at arrival, the first-response alarm, confirming bookings
whose screen was cleared on the conflicts page, and feedback requests after
consultations. Every job is keyed, so a retry or a second worker changes
nothing.
"""

import datetime
import logging

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from firmdesk.access.system import job_row, sweep
from firmdesk.audit.services import audit_record
from firmdesk.common.http import absolute_url
from firmdesk.common.times import person_zone, when
from firmdesk.engagements.models import Assignment
from firmdesk.jobs.schedule import Due, due_work, scheduled
from firmdesk.jobs.services import deliver_at_least_once, run_once
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Membership, Organization

from . import services
from .models import Booking, FeedbackRequest, Lead

MINUTE = datetime.timedelta(minutes=1)
logger = logging.getLogger(__name__)


def _firms():
    return Organization.objects.filter(kind=Organization.Kind.FIRM)


def lead_url(lead: Lead) -> str:
    return reverse(
        "intake:lead_detail",
        kwargs={"firm_slug": lead.firm.slug, "lead_id": lead.public_id},
    )


def intake_people(lead: Lead) -> set:
    """Who answers the lead: its owner, else the engagement's current intake
    staff, else the firm's admins."""
    if lead.owner_id:
        return {lead.owner}
    people = set()
    if lead.engagement_id:
        today = timezone.localdate(timezone=lead.firm.tz)
        for a in (
            Assignment.objects.for_firm(lead.firm)
            .filter(engagement_id=lead.engagement_id)
            .select_related("user")
        ):
            if "intake" in (a.functions or []) and a.is_current(today):
                people.add(a.user)
    if not people:
        people = {
            m.user
            for m in Membership.objects.filter(
                organization=lead.firm, is_active=True
            ).select_related("user")
            if "firm_admin" in (m.roles or [])
        }
    return people


# The schedule key of a lead's announcement, and how far back the sweep that
# mends a lost enqueue looks (a lost one is found at the next sweep, a minute).
ANNOUNCE_KIND = "intake.announce"
ANNOUNCE_LOOKBACK = datetime.timedelta(hours=1)


def announce_due(lead: Lead) -> Due:
    return Due(ANNOUNCE_KIND, str(lead.pk), lead.received_at, announce_lead, (lead.pk,))


@due_work
def leads_to_announce(now):
    """Every lead of the last hour under the key its announcement was
    enqueued with (``services.after_arrival``): one whose enqueue was lost
    is announced now, the others are skipped."""
    recent = (
        sweep(Lead)
        .filter(received_at__gte=now - ANNOUNCE_LOOKBACK, received_at__lte=now)
        .only("pk", "received_at")
    )
    for lead in recent.iterator():
        yield announce_due(lead)


@task()
def announce_lead(lead_id: int) -> int:
    lead = job_row(Lead, lead_id, related=("firm", "owner"))
    if lead is None:
        return 0
    told = 0
    for person in intake_people(lead):
        zone = person_zone(person, lead.firm)
        if notify(
            user=person,
            firm=lead.firm,
            about=lead,
            kind="intake.lead",
            title=f"New inquiry: {lead.name}",
            body=f"{lead.get_source_display()}. "
            + (
                f"Answer by {when(lead.response_due_at, zone)}."
                if lead.response_due_at
                else ""
            ),
            url=lead_url(lead),
            key=f"intake.lead:{lead.pk}:{person.pk}",
        ):
            told += 1
    return told


# The schedule key of the e-mail that tells a visitor their inquiry arrived.
CONFIRMATION_KIND = "intake.confirmation"


def confirmation_due(lead: Lead) -> Due:
    return Due(
        CONFIRMATION_KIND,
        str(lead.pk),
        lead.received_at,
        send_submission_confirmation,
        (lead.pk,),
    )


@due_work
def confirmations_due(now):
    """Every lead of the last hour that the visitor is told of by e-mail
    (``services.after_arrival``): one whose enqueue was lost (the process
    killed after the commit, the database gone at that moment) is confirmed
    now, the others are skipped under their key. Who is told: a visitor of the
    public form, and one of the booking page whose slot was taken (a booked
    visitor gets the booking's confirmation instead)."""
    recent = (
        sweep(Lead)
        .filter(received_at__gte=now - ANNOUNCE_LOOKBACK, received_at__lte=now)
        .exclude(email="")
        .filter(
            Q(source=Lead.Source.WEB_FORM)
            | Q(source=Lead.Source.BOOKING, bookings__isnull=True)
        )
        .only("pk", "received_at")
    )
    for lead in recent.iterator():
        yield confirmation_due(lead)


@task()
def send_submission_confirmation(lead_id: int) -> bool:
    lead = job_row(Lead, lead_id, related=("firm", "form", "engagement"))
    if lead is None or not lead.email:
        return False

    def send(delivery_id: str) -> None:
        text = (lead.form.confirmation if lead.form else "") or (
            "Thank you for contacting us. We have your inquiry. This message is "
            "not legal advice, and contacting us does not make us your lawyers."
        )
        promise = services.response_promise(lead.engagement)
        path = reverse(
            "public_intake:public_booking_for_lead", kwargs={"token": lead.token}
        )
        book = absolute_url(path)
        services.send_mail_to_visitor(
            firm=lead.firm,
            to=lead.email,
            subject=f"{lead.firm.name}: we have your inquiry",
            body=f"Dear {lead.name},\n\n{promise}\n\n{text}\n\n"
            f"To book a consultation: {book}\n\n"
            f"— {lead.firm.name}",
            key=delivery_id,
        )

    return deliver_at_least_once(f"intake.confirmation:{lead.pk}", send=send)


@task()
def send_booking_confirmation(booking_id: int) -> bool:
    booking = job_row(Booking, booking_id, related=("lead", "attorney", "firm"))
    if (
        booking is None
        or booking.status != Booking.Status.CONFIRMED
        or not booking.lead.email
    ):
        return False
    zone_name = booking.visitor_time_zone or booking.firm.time_zone
    try:
        zone = timezone.zoneinfo.ZoneInfo(zone_name)
    except Exception:
        zone, zone_name = booking.firm.tz, booking.firm.time_zone
    local = booking.start.astimezone(zone)

    def send(delivery_id: str) -> None:
        services.send_mail_to_visitor(
            firm=booking.firm,
            to=booking.lead.email,
            subject=f"{booking.firm.name}: your consultation is confirmed",
            body=(
                f"Dear {booking.lead.name},\n\nYour consultation with "
                f"{booking.attorney.full_name} is confirmed for "
                f"{when(local, zone, weekday=True)} ({zone_name}).\n\n"
                f"— {booking.firm.name}"
            ),
            key=delivery_id,
        )

    return deliver_at_least_once(f"intake.booking:{booking.pk}", send=send)


@task()
def send_feedback_request(request_id: int) -> bool:
    request = job_row(FeedbackRequest, request_id, related=("firm",))
    if request is None or request.answered_at is not None:
        return False
    path = reverse("public_intake:public_feedback", kwargs={"token": request.token})
    link = absolute_url(path)
    what = (
        "your consultation"
        if request.kind == FeedbackRequest.Kind.CONSULTATION
        else "how we opened your matter"
    )

    def send(delivery_id: str) -> None:
        services.send_mail_to_visitor(
            firm=request.firm,
            to=request.email,
            subject=f"{request.firm.name}: how did we do?",
            body=(
                f"Dear {request.name or 'client'},\n\nCould you tell us, in a minute, "
                f"how you found {what}? One rating and a comment if you like:\n\n"
                f"{link}\n\n— {request.firm.name}"
            ),
            key=delivery_id,
        )

    sent = deliver_at_least_once(f"intake.feedback:{request.pk}", send=send)
    if sent:
        FeedbackRequest.objects.for_firm(request.firm).filter(pk=request.pk).update(
            sent_at=timezone.now()
        )
    return sent


@scheduled(every=MINUTE)
@task()
def screen_waiting_leads() -> int:
    """Leads whose screen did not run at arrival (the search failed, the
    process died) are screened now."""
    done = 0
    cutoff = timezone.now() - MINUTE
    for firm in _firms():
        for lead in Lead.objects.for_firm(firm).filter(
            conflict_check__isnull=True, received_at__lte=cutoff
        )[:200]:
            try:
                services.lead_screen(lead)
                done += 1
            except Exception:
                # One lead that cannot be screened must not hold up the rest;
                # it is tried again on the next run, and the log says why.
                logger.exception("Screening lead %s failed", lead.pk)
    return done


@scheduled(every=MINUTE)
@task()
def confirm_cleared_bookings() -> int:
    """Requests whose lead's screen an attorney cleared on the conflicts page."""
    done = 0
    for firm in _firms():
        leads = (
            Lead.objects.for_firm(firm)
            .filter(
                bookings__status=Booking.Status.REQUESTED,
                conflict_check__decision__in=["clear", "waived"],
            )
            .distinct()
        )
        for lead in leads:
            done += services.bookings_confirm(lead=lead, actor=None)
    return done


@scheduled(every=datetime.timedelta(hours=1))
@task()
def sweep_held_uploads() -> int:
    """Files held for public forms that were never sent, a day on."""
    from . import public

    return sum(public.held_uploads_sweep(firm=firm) for firm in _firms())


@due_work
def lead_response_alarms(now):
    """The warning before a lead's first response is due (its lead clamped to
    half the agreed time: ``services.warning_lead``) and the breach at it."""
    warn = datetime.timedelta(minutes=max(0, settings.FIRMDESK_SLA_WARNING_MINUTES))
    for firm in _firms():
        rows = (
            Lead.objects.for_firm(firm)
            .filter(
                first_response_at__isnull=True,
                status=Lead.Status.NEW,
                response_due_at__isnull=False,
                response_due_at__lte=now + warn,
            )
            .filter(
                Q(sla_warned_at__isnull=True)
                | Q(response_due_at__lte=now, sla_breached_at__isnull=True)
            )
            .values_list(
                "pk",
                "response_due_at",
                "sla_warned_at",
                "sla_breached_at",
                "engagement__first_response_minutes",
            )
        )
        for pk, due, warned, breached, agreed in rows:
            stamp = due.isoformat()
            if due <= now and breached is None:
                yield Due(
                    "intake.lead-breach", str(pk), due, lead_alarm, (pk, stamp, True)
                )
            elif warned is None and due > now:
                lead = services.warning_lead(
                    agreed if agreed is not None else services.agreed_minutes(None)
                )
                if due - lead > now:
                    continue
                yield Due(
                    "intake.lead-warning",
                    str(pk),
                    due - lead,
                    lead_alarm,
                    (pk, stamp, False),
                )


@task()
def lead_alarm(lead_id: int, stamp: str, breach: bool) -> bool:
    kind = "breach" if breach else "warning"
    with run_once(f"intake.lead-{kind}:{lead_id}:{stamp}") as first_time:
        if not first_time:
            return False
        lead = job_row(Lead, lead_id, related=("firm", "owner"), for_update=True)
        if (
            lead is None
            or lead.first_response_at is not None
            or lead.response_due_at is None
            or lead.response_due_at.isoformat() != stamp
        ):
            return False
        now = timezone.now()
        if breach:
            lead.sla_breached_at = now
            lead.sla_warned_at = lead.sla_warned_at or now
        else:
            lead.sla_warned_at = now
        lead.save(update_fields=["sla_warned_at", "sla_breached_at"])
        if breach:
            audit_record(
                org=lead.firm,
                actor=None,
                action="intake.first_response_breached",
                obj=lead,
                summary=f"No first response to {lead.name} by the agreed time",
            )
        people = intake_people(lead)
        if breach and lead.engagement_id:
            engagement = lead.engagement
            people |= {engagement.firm_primary_contact} - {None}
        for person in people:
            notify(
                user=person,
                firm=lead.firm,
                about=lead,
                kind=f"intake.first_response_{kind}",
                title=(
                    f"Not answered in time: {lead.name}"
                    if breach
                    else f"Answer soon: {lead.name}"
                ),
                body="First response due "
                f"{when(lead.response_due_at, person_zone(person, lead.firm))}.",
                url=lead_url(lead),
                key=f"intake.lead-{kind}:{lead.pk}:{stamp}:{person.pk}",
            )
    return True


@due_work
def consultation_feedback(now):
    """Once a confirmed consultation is over, ask the visitor how it went."""
    for firm in _firms():
        rows = (
            Booking.objects.for_firm(firm)
            .filter(
                status=Booking.Status.CONFIRMED,
                end__lte=now,
                end__gt=now - datetime.timedelta(days=3),
            )
            .exclude(lead__email="")
            .values_list("pk", "end")
        )
        for pk, end in rows:
            yield Due("intake.consultation-feedback", str(pk), end, ask_feedback, (pk,))


@task()
def ask_feedback(booking_id: int) -> bool:
    booking = job_row(Booking, booking_id, related=("lead", "firm"))
    if booking is None or booking.status != Booking.Status.CONFIRMED:
        return False
    made = services.feedback_request(
        firm=booking.firm,
        kind=FeedbackRequest.Kind.CONSULTATION,
        email=booking.lead.email,
        name=booking.lead.name,
        lead=booking.lead,
        booking=booking,
    )
    return made is not None


# Reception's due work (escalations, the morning summary) lives in its own module;
# importing it here registers it with the schedule the worker runs.
from . import reception_tasks  # noqa: E402, F401
