"""The public pages of a firm: its intake forms, its consultation booking page
(for the firm, one attorney, or a lead who has the link from their e-mail), and
the feedback link sent to clients.

Nobody signs in here. A page is reached through the firm's slug (forms and the
booking page) or a secret token (a lead's booking page, the thanks page, the
feedback link); anything unknown, inactive or malformed answers 404. No URL
here takes ``firm_slug``: that kwarg is the ScopeMiddleware's cue to send
anonymous visitors to sign in.

What a visitor sends is stored in one transaction before anything else
happens (``intake.services``); a refused file, a full rate limit or a slot
taken a moment earlier comes back as a message with everything typed kept.
"""

import datetime as dt
import functools
import math
import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from firmdesk.common.errors import ServiceError
from firmdesk.common.http import client_address
from firmdesk.documents.validation import ACCEPTED, human_size
from firmdesk.intake import public, services
from firmdesk.intake.models import FeedbackRequest, new_token
from firmdesk.orgs.zones import zone_choices
from firmdesk.web.pages import apply_service_error, day_in_range

from .forms import BookingDetailsForm, FeedbackForm, PublicIntakeForm

SLOT_STAMP = "%Y%m%dT%H%MZ"
TAKEN = (
    "Someone booked the time you chose a moment ago. We have your details: "
    "choose another time below."
)
TAKEN_NEXT = (
    "Someone booked the time you chose a moment ago. We have your details; the "
    "next free time is below. Ask for it, or choose another."
)


def _firm_or_404(slug):
    firm = public.firm_by_slug(slug)
    if firm is None:
        raise Http404("No firm here.")
    return firm


def _rate_limited(request, template, context, *, firm, address):
    """The page again, with what was typed, a 429 and when to try again."""
    wait = public.retry_at(firm, address) - timezone.now()
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    response = render(
        request,
        template,
        {**context, "rate_limited": True, "retry_minutes": minutes},
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    return response


# --- Intake form ----------------------------------------------------------------


def _thanks(firm, intake, lead):
    """The thank-you page of the lead, under the form it was sent from."""
    return redirect(
        "public_intake:public_intake_thanks",
        firm=firm.slug,
        form_slug=(lead.form or intake).slug,
        token=lead.token,
    )


def _hold_files(form, *, firm, form_token, address) -> None:
    """Files the visitor chose that passed their own check, kept for the
    form's next try: the form came back with an error elsewhere."""
    for name in form.file_fields():
        upload = form.cleaned_data.get(name)
        if not upload or form.errors.get(name):
            continue
        held = public.upload_hold(
            firm=firm,
            form_token=form_token,
            field=name,
            uploaded_file=upload,
            address=address,
        )
        if held is not None:
            form.held[name] = held
            form.fields[name].held = held


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def intake_form(request, firm, form_slug):
    firm = _firm_or_404(firm)
    found = public.active_form(firm, form_slug)
    if found is None:
        raise Http404("No form here.")
    intake, questions = found
    context = {
        "firm": firm,
        "intake": intake,
        "promise": services.response_promise(services.intake_engagement(firm)),
        "max_size": human_size(settings.FIRMDESK_UPLOAD_MAX_BYTES),
        "accepted": ACCEPTED,
    }
    template = "web/public_intake/public_intake_form.html"
    if request.method != "POST":
        form = PublicIntakeForm(
            firm=firm, questions=questions, initial={"form_token": new_token()}
        )
        return render(request, template, {**context, "form": form})
    # A page sent without a token (one rendered before tokens existed) still
    # makes its lead; from here on it has one, so a second try is known.
    form_token = public.valid_token(request.POST.get("form_token"))
    if form_token is not None:
        earlier = services.lead_by_form_token(firm, form_token)
        if earlier is not None:
            return _thanks(firm, intake, earlier)
    data = request.POST.copy()
    data["form_token"] = form_token = form_token or new_token()
    for name in request.POST.getlist("remove_held"):
        public.upload_release(firm=firm, form_token=form_token, field=name)
    form = PublicIntakeForm(
        data,
        request.FILES,
        firm=firm,
        questions=questions,
        held=public.held_uploads(firm, form_token),
    )
    context["form"] = form
    if form.is_bot:
        return render(request, "web/public_intake/public_intake_thanks.html", context)
    address = client_address(request)
    if not form.is_valid():
        _hold_files(form, firm=firm, form_token=form_token, address=address)
        return render(request, template, context)
    if services.is_rate_limited(firm, address):
        _hold_files(form, firm=firm, form_token=form_token, address=address)
        return _rate_limited(request, template, context, firm=firm, address=address)
    for name in form.replaced():
        public.upload_release(firm=firm, form_token=form_token, field=name)
    try:
        lead = services.lead_submit(
            form=intake,
            submission=form.submission(
                answers=form.answers(), files=form.uploads(), held=form.kept()
            ),
            address=address,
            form_token=form_token,
        )
    except ServiceError as error:
        apply_service_error(form, error)
        _hold_files(form, firm=firm, form_token=form_token, address=address)
        return render(request, template, context)
    return _thanks(firm, intake, lead)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def intake_thanks(request, firm, form_slug, token):
    lead = public.lead_by_token(token)
    if (
        lead is None
        or lead.firm.slug != firm
        or lead.form is None
        or lead.form.slug != form_slug
    ):
        raise Http404("Nothing here.")
    return render(
        request,
        "web/public_intake/public_intake_thanks.html",
        {
            "firm": lead.firm,
            "intake": lead.form,
            "lead": lead,
            "promise": services.response_promise(lead.engagement),
        },
    )


# --- Booking --------------------------------------------------------------------


@functools.cache
def _zones() -> frozenset[str]:
    # available_timezones() reads the zone files on every call.
    return frozenset(zoneinfo.available_timezones())


def _zone(request, default: str) -> str:
    name = request.POST.get("tz") or request.GET.get("tz") or default
    return name if name in _zones() else default


def _chosen(request, attorneys):
    """The attorney and start the visitor chose (``with`` and ``at``), if
    they name an attorney of this page and a time."""
    params = request.POST if request.method == "POST" else request.GET
    who, at = params.get("with", ""), params.get("at", "")
    attorney = next((a for a in attorneys if str(a.public_id) == who), None)
    try:
        start = dt.datetime.strptime(at, SLOT_STAMP).replace(tzinfo=dt.UTC)
    except ValueError:
        return None
    if not day_in_range(start.date()):
        return None  # no slot is there, and the visitor's zone would overflow
    return (attorney, start) if attorney is not None else None


def _slot_link(zone: str, attorney, start: dt.datetime) -> str:
    stamp = start.astimezone(dt.UTC).strftime(SLOT_STAMP)
    return "?" + urlencode({"tz": zone, "with": attorney.public_id, "at": stamp})


def _days(slots, zone: str, *, one_per_time: bool):
    """Slots grouped by the visitor's day. On a page for several attorneys one
    link per time (the first free attorney's), to keep the page short."""
    tz = zoneinfo.ZoneInfo(zone)
    days: dict[dt.date, list[dict]] = {}
    seen = set()
    for attorney, slot in slots:
        if one_per_time and slot.start in seen:
            continue
        seen.add(slot.start)
        local = slot.start.astimezone(tz)
        days.setdefault(local.date(), []).append(
            {
                "start": local,
                "attorney": attorney,
                "url": _slot_link(zone, attorney, slot.start),
            }
        )
    return [{"date": day, "slots": rows} for day, rows in days.items()]


def _booking_context(*, firm, attorneys, zone, attorney_page, practice_area=""):
    now = timezone.now()
    everyone = services.booking_attorneys(firm, practice_area=practice_area)
    return {
        "firm": firm,
        "attorneys": attorneys,
        "all_attorneys": everyone,
        "practice_area": practice_area,
        "area_attorneys": services.attorneys_of_area(firm, practice_area, everyone),
        "attorney_page": attorney_page,
        "zone": zone,
        "zones": zone_choices(zone, firm.time_zone),
        "now": now,
    }


def _offer(context, attorneys, zone, *, one_per_time):
    slots = services.booking_slots(
        context["firm"],
        attorneys=attorneys,
        start=context["now"],
        days=public.BOOKING_DAYS,
    )
    context["days"] = _days(slots, zone, one_per_time=one_per_time)
    return context


def _chosen_context(zone, attorney, start):
    return {
        "attorney": attorney,
        "start": start.astimezone(zoneinfo.ZoneInfo(zone)),
        "stamp": start.astimezone(dt.UTC).strftime(SLOT_STAMP),
    }


def _booking(request, *, firm, attorneys, attorney_page):
    zone = _zone(request, firm.time_zone)
    context = _booking_context(
        firm=firm, attorneys=attorneys, zone=zone, attorney_page=attorney_page
    )
    template = "web/public_intake/public_booking.html"
    chosen = _chosen(request, attorneys)
    if chosen is None:
        if request.method == "POST":
            context["error"] = "Choose a time from the list."
        _offer(context, attorneys, zone, one_per_time=len(attorneys) > 1)
        return render(request, template, context)
    attorney, start = chosen
    context["chosen"] = _chosen_context(zone, attorney, start)
    if request.method != "POST":
        context["form"] = BookingDetailsForm(firm=firm)
        return render(request, template, context)
    form = BookingDetailsForm(request.POST, firm=firm)
    context["form"] = form
    if form.is_bot:
        return render(
            request, "web/public_intake/public_booking_requested.html", context
        )
    if not form.is_valid():
        return render(request, template, context)
    address = client_address(request)
    if services.is_rate_limited(firm, address):
        return _rate_limited(request, template, context, firm=firm, address=address)
    try:
        asked = public.booking_ask(
            firm=firm,
            submission=form.submission(),
            attorney=attorney,
            start=start,
            visitor_time_zone=zone,
            address=address,
        )
    except ServiceError as error:
        if error.field == "slot":
            context.pop("chosen")
            context["error"] = error.message
            _offer(context, attorneys, zone, one_per_time=len(attorneys) > 1)
        else:
            apply_service_error(form, error)
        return render(request, template, context)
    url = reverse(
        "public_intake:public_booking_for_lead", kwargs={"token": asked.lead.token}
    )
    if asked.taken is not None:
        params = {"tz": zone, "taken": "1"}
        if asked.taken.next_slot is not None:
            params["with"] = attorney.public_id
            params["at"] = asked.taken.next_slot.start.strftime(SLOT_STAMP)
        return redirect(f"{url}?{urlencode(params)}")
    return redirect(f"{url}?{urlencode({'tz': zone})}")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking(request, firm):
    firm = _firm_or_404(firm)
    attorneys = services.booking_attorneys(firm)
    return _booking(request, firm=firm, attorneys=attorneys, attorney_page=False)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking_attorney(request, firm, attorney):
    firm = _firm_or_404(firm)
    attorneys = services.booking_attorneys(firm, attorney)
    if not attorneys:
        raise Http404("No attorney here.")
    return _booking(request, firm=firm, attorneys=attorneys, attorney_page=True)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking_for_lead(request, token):
    """The booking page of a known lead: their request and its state once
    asked, else the slots, and one button to ask (they told us who they are)."""
    lead = public.lead_by_token(token)
    if lead is None:
        raise Http404("Nothing here.")
    firm = lead.firm
    live = public.live_bookings(lead)
    default_zone = live[0].visitor_time_zone if live else firm.time_zone
    zone = _zone(request, default_zone or firm.time_zone)
    # Attorneys of the inquiry's practice area first: at each time the page
    # offers, and in the list of attorneys.
    attorneys = services.booking_attorneys(firm, practice_area=lead.practice_area)
    context = _booking_context(
        firm=firm,
        attorneys=attorneys,
        zone=zone,
        attorney_page=False,
        practice_area=lead.practice_area,
    )
    context["lead"] = lead
    template = "web/public_intake/public_booking.html"
    if live or not lead.is_open:
        tz = zoneinfo.ZoneInfo(zone)
        context["requests"] = [
            {"booking": b, "start": b.start.astimezone(tz)} for b in live
        ]
        return render(
            request, "web/public_intake/public_booking_requested.html", context
        )
    if request.GET.get("taken"):
        context["error"] = TAKEN_NEXT if request.GET.get("at") else TAKEN
    chosen = _chosen(request, attorneys)
    if chosen is None:
        if request.method == "POST":
            context["error"] = "Choose a time from the list."
        _offer(context, attorneys, zone, one_per_time=len(attorneys) > 1)
        return render(request, template, context)
    attorney, start = chosen
    context["chosen"] = _chosen_context(zone, attorney, start)
    if request.method != "POST":
        return render(request, template, context)
    try:
        public.booking_ask_for_lead(
            lead=lead, attorney=attorney, start=start, visitor_time_zone=zone
        )
    except services.SlotTaken as error:
        context["error"] = error.message
        if error.next_slot is None:
            context.pop("chosen")
            _offer(context, attorneys, zone, one_per_time=len(attorneys) > 1)
        else:
            context["chosen"] = _chosen_context(zone, attorney, error.next_slot.start)
        return render(request, template, context)
    except ServiceError as error:
        context.pop("chosen")
        context["error"] = error.message
        _offer(context, attorneys, zone, one_per_time=len(attorneys) > 1)
        return render(request, template, context)
    return redirect(f"{request.path}?{urlencode({'tz': zone})}")


# --- Feedback -------------------------------------------------------------------


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def feedback(request, token):
    feedback_request = public.feedback_by_token(token)
    if feedback_request is None:
        raise Http404("Nothing here.")
    context = {
        "firm": feedback_request.firm,
        "about": (
            "your consultation"
            if feedback_request.kind == FeedbackRequest.Kind.CONSULTATION
            else "how we opened your matter"
        ),
        "answered": feedback_request.answered_at is not None,
    }
    template = "web/public_intake/public_feedback.html"
    if context["answered"] or request.method != "POST":
        return render(request, template, {**context, "form": FeedbackForm()})
    form = FeedbackForm(request.POST)
    context["form"] = form
    if not form.is_valid():
        return render(request, template, context)
    try:
        public.feedback_answer_once(
            request=feedback_request,
            rating=form.cleaned_data["rating"],
            comment=form.cleaned_data["comment"],
        )
    except ServiceError as error:
        if error.field is None:
            context["answered"] = True
        apply_service_error(form, error)
        return render(request, template, context)
    return redirect(request.path)
