"""What the public pages need beyond ``services``: finding a lead or a feedback
request by its secret token, when a visitor held back by the rate limit may try
again, and a consultation asked for by someone the firm does not know yet.

The token is the credential on these pages (there is no sign-in): a lookup by
token answers None for anything malformed, unknown, or of an organisation that
is not a firm, and the page answers 404 for each alike.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from firmdesk.access.system import by_token
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.orgs.models import Organization

from . import services
from .models import (
    Booking,
    FeedbackRequest,
    HeldUpload,
    IntakeForm,
    IntakeQuestion,
    Lead,
)

# ``new_token`` makes 32 URL-safe characters; anything else is not a token.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
BOOKING_DAYS = 14
# A slot shown on the page stays askable for a while after it left the offer
# (slots start two hours out), so a visitor who types slowly is not refused.
ASK_NOT_BEFORE = dt.timedelta(hours=1)


def firm_by_slug(slug: str) -> Organization | None:
    return Organization.objects.filter(slug=slug, kind=Organization.Kind.FIRM).first()


def active_form(firm, slug: str) -> tuple[IntakeForm, list[IntakeQuestion]] | None:
    form = IntakeForm.objects.for_firm(firm).filter(slug=slug, is_active=True).first()
    if form is None:
        return None
    questions = list(IntakeQuestion.objects.for_firm(firm).filter(form=form))
    return form, questions


def lead_by_token(token: str) -> Lead | None:
    if not TOKEN.match(token or ""):
        return None
    lead = by_token(Lead, related=("firm",), token=token)
    return lead if lead is not None and lead.firm.is_firm else None


def feedback_by_token(token: str) -> FeedbackRequest | None:
    if not TOKEN.match(token or ""):
        return None
    request = by_token(FeedbackRequest, related=("firm",), token=token)
    return request if request is not None and request.firm.is_firm else None


def retry_at(firm, address: str, now=None) -> dt.datetime:
    """When ``address`` may send the firm something again: when enough of its
    recent submissions have left the window for it to be under the limit."""
    limit, window = services.rate_limit()
    now = now or timezone.now()
    times = list(
        Lead.objects.for_firm(firm)
        .filter(
            submitter_hash=services.submitter_hash(address),
            received_at__gt=now - window,
        )
        .order_by("received_at")
        .values_list("received_at", flat=True)
    )
    if len(times) < limit:
        return now
    return times[len(times) - limit] + window


def valid_token(token: str | None) -> str | None:
    """``token`` if it has the shape of a token we issue, else None."""
    return token if TOKEN.match(token or "") else None


# --- Files held while the form comes back with an error -------------------------

# Files one address may have held at once, over every form token (a form token
# is anyone's to make up, the address is not).
HELD_PER_ADDRESS = 20
HELD_FOR = dt.timedelta(days=1)


def held_uploads(firm, form_token: str | None) -> dict[str, HeldUpload]:
    """The files held for a rendering of a form, by form field."""
    if not form_token:
        return {}
    return {
        held.field: held
        for held in HeldUpload.objects.for_firm(firm)
        .filter(form_token=form_token)
        .select_related("document__current_version")
    }


def _drop(held: HeldUpload) -> None:
    document = held.document
    versions = list(document.versions.all())
    with transaction.atomic():
        held.delete()
        document.delete()
    for version in versions:
        version.file.delete(save=False)


def upload_release(*, firm, form_token: str, field: str) -> None:
    """The visitor took back a file held for ``field`` (or chose another)."""
    for held in HeldUpload.objects.for_firm(firm).filter(
        form_token=form_token, field=field
    ):
        _drop(held)


def upload_hold(
    *, firm, form_token: str, field: str, uploaded_file, address: str, now=None
) -> HeldUpload | None:
    """Keep a checked file chosen on a form that came back with an error, in
    place of any file held for the same field before. None when the address
    has too many files held already (the visitor then chooses it again)."""
    from firmdesk.documents.services import document_upload

    now = now or timezone.now()
    sender = services.submitter_hash(address)
    held_now = (
        HeldUpload.objects.for_firm(firm)
        .filter(submitter_hash=sender, created_at__gt=now - HELD_FOR)
        .count()
    )
    if held_now >= HELD_PER_ADDRESS:
        return None
    upload_release(firm=firm, form_token=form_token, field=field)
    with transaction.atomic():
        document = document_upload(
            firm=firm, actor=None, uploaded_file=uploaded_file, matter=None
        )
        return HeldUpload.objects.create(
            firm=firm,
            form_token=form_token,
            field=field,
            submitter_hash=sender,
            document=document,
        )


def held_uploads_sweep(*, firm, now=None) -> int:
    """Files held for forms never sent, a day on: deleted."""
    now = now or timezone.now()
    stale = list(
        HeldUpload.objects.for_firm(firm)
        .filter(created_at__lt=now - HELD_FOR)
        .select_related("document")[:500]
    )
    for held in stale:
        _drop(held)
    return len(stale)


# --- Bookings -----------------------------------------------------------------


def live_bookings(lead: Lead) -> list[Booking]:
    return list(
        Booking.objects.for_firm(lead.firm)
        .filter(
            lead=lead,
            status__in=[Booking.Status.REQUESTED, Booking.Status.CONFIRMED],
        )
        .select_related("attorney")
    )


def check_askable(start: dt.datetime, now=None) -> None:
    now = now or timezone.now()
    if start < now + ASK_NOT_BEFORE or start > now + dt.timedelta(
        days=BOOKING_DAYS + 1
    ):
        raise ServiceError(
            "That time is no longer offered. Choose another time below.",
            field="slot",
        )


def booking_lead_create(
    *, firm, submission: services.Submission, address: str, now=None
) -> Lead:
    """A visitor who asks for a consultation before sending any form: a lead
    from the booking page, stored on its own before the slot is asked for, so
    the inquiry is kept even when the slot is gone. Its screen and the team's
    notice come after the commit (``booking_ask``)."""
    now = now or timezone.now()
    fields = services.lead_fields(firm, submission)
    engagement = services.intake_engagement(firm)
    with transaction.atomic():
        lead = Lead.objects.create(
            firm=firm,
            source=Lead.Source.BOOKING,
            engagement=engagement,
            received_at=now,
            response_due_at=services.response_due(firm, engagement, now),
            submitter_hash=services.submitter_hash(address),
            **fields,
        )
        audit_record(
            org=firm,
            actor=None,
            action="intake.lead_received",
            obj=lead,
            summary=f"Consultation request from {lead.name} (booking page)",
            detail={"source": lead.source},
        )
        services.publish_lead(lead, actor=None)
    return lead


@dataclass
class Asked:
    lead: Lead
    booking: Booking | None
    taken: services.SlotTaken | None = None


def booking_ask(
    *,
    firm,
    submission: services.Submission,
    attorney,
    start: dt.datetime,
    visitor_time_zone: str,
    address: str,
) -> Asked:
    """The booking page's request: the lead first, then the slot. When the slot
    went to someone else a moment earlier the lead stays, and the visitor is
    offered the next slot on the lead's own booking page (no second lead). The
    lead is screened and announced after the commit, whatever happens to the
    slot; the visitor is e-mailed the booking link only when they have no
    booking (otherwise the confirmation of the consultation is their e-mail)."""
    check_askable(start)
    lead = booking_lead_create(firm=firm, submission=submission, address=address)
    asked = Asked(lead=lead, booking=None)
    try:
        asked.booking = services.booking_request(
            lead=lead,
            attorney=attorney,
            start=start,
            visitor_time_zone=visitor_time_zone,
        )
    except services.SlotTaken as error:
        asked.taken = error
    finally:
        confirm = asked.booking is None
        transaction.on_commit(lambda: services.after_arrival(lead.pk, confirm=confirm))
    return asked


def booking_ask_for_lead(
    *, lead: Lead, attorney, start: dt.datetime, visitor_time_zone: str
) -> Booking:
    """A known lead (from the link in their e-mail) asks for a slot."""
    if not lead.is_open:
        raise ServiceError(
            "This inquiry is closed, so it cannot be booked here. Call the firm "
            "if you would like to talk to someone."
        )
    if live_bookings(lead):
        raise ServiceError(
            "You have asked for a consultation already. To change it, answer the "
            "firm's e-mail or call the firm."
        )
    check_askable(start)
    return services.booking_request(
        lead=lead, attorney=attorney, start=start, visitor_time_zone=visitor_time_zone
    )


# --- Feedback -------------------------------------------------------------------


def feedback_answer_once(*, request: FeedbackRequest, rating: int, comment: str):
    """``services.feedback_answer`` with the request locked, so two answers
    sent at the same moment (a double click) do not both count."""
    with transaction.atomic():
        locked = (
            FeedbackRequest.objects.for_firm(request.firm)
            .select_for_update()
            .get(pk=request.pk)
        )
        return services.feedback_answer(request=locked, rating=rating, comment=comment)
