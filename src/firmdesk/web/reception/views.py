"""Reception: the call entry page (taken while the caller is on the line), the
matter look-up it types into, the message list, acknowledging, and the firm's
routing settings.

Rows come through the Scope (``in_scope`` / ``access_*``), writes through
``intake.reception``; a page a role may not open answers 404.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from firmdesk.access.selectors import access_matter
from firmdesk.common.errors import ServiceError
from firmdesk.common.paginator import CappedPaginator
from firmdesk.intake import reception
from firmdesk.matters.models import Matter
from firmdesk.web.pages import apply_service_error, forbidden_if

from .forms import CallForm, ReceptionSettingsForm

PAGE_SIZE = 50
SHOWS = ("mine", "all", "taken")


def _matter_from(scope, form):
    """The matter chosen from the look-up (its id), else one typed by its exact
    number; None when the field is empty."""
    chosen = form.cleaned_data.get("matter")
    typed = (form.cleaned_data.get("matter_query") or "").strip()
    if chosen:
        try:
            return access_matter(scope, chosen)
        except Http404:
            raise ServiceError(
                "That matter is not one you can see; choose it again from the list.",
                field="matter_query",
            ) from None
    if not typed:
        return None
    exact = list(Matter.objects.in_scope(scope).filter(number__iexact=typed)[:2])
    if len(exact) == 1:
        return exact[0]
    raise ServiceError(
        f"No matter is numbered “{typed}”. Choose the matter from the list as you "
        "type, or leave the field empty.",
        field="matter_query",
    )


@require_http_methods(["GET", "POST"])
def call_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not reception.may_take_calls(scope))
    people = reception.firm_people(scope.firm)
    form = CallForm(request.POST or None, people=people)
    form.fields["matter_query"].widget.attrs.update(
        {
            "hx-get": reverse("reception:call_matter_lookup", args=[firm_slug]),
            "hx-trigger": "input changed delay:150ms",
            "hx-target": "#matter-results",
            "hx-sync": "this:replace",
        }
    )
    if request.method == "POST" and form.is_valid():
        try:
            matter = _matter_from(scope, form)
            call = reception.call_log(
                scope=scope,
                actor=request.user,
                caller_name=form.cleaned_data["caller_name"],
                number=form.cleaned_data["number"],
                matter=matter,
                message=form.cleaned_data["message"],
                urgency=form.urgency,
                callback_wanted=form.cleaned_data["callback_wanted"],
                recipient=form.recipient_user(),
            )
            messages.success(
                request,
                f"{'Urgent message' if form.urgency == 'urgent' else 'Message'} "
                f"from {call.caller_name} sent to {call.recipient.full_name}.",
            )
            return redirect("reception:call_new", firm_slug)
        except ServiceError as error:
            if error.field == "matter":
                error.field = "matter_query"
            apply_service_error(form, error)
    return render(
        request,
        "web/reception/call_new.html",
        {"form": form, "taken_today": reception.calls_taken_today(scope).count()},
    )


@require_GET
def call_matter_lookup(request, firm_slug):
    """The look-up list under the matter field (htmx), matters in scope only."""
    scope = request.scope
    forbidden_if(not reception.may_take_calls(scope))
    text = request.GET.get("matter_query", "")
    return render(
        request,
        "web/reception/_call_matter_results.html",
        {
            "matters": reception.matters_matching(scope=scope, text=text),
            "searched": len(text.strip()) >= reception.LOOKUP_MIN_CHARS,
        },
    )


def call_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not reception.may_take_calls(scope))
    shows = SHOWS if scope.is_firm_member else ("taken",)
    show = request.GET.get("show")
    if show not in shows:
        show = shows[0]
    rows = {
        "mine": reception.calls_for_me,
        "all": reception.calls_all,
        "taken": reception.calls_taken_today,
    }[show](scope)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    calls = list(page.object_list)
    for call in calls:
        call.number_shown = reception.number_display(call.number, firm=scope.firm)
        call.matter_shown = (
            call.matter
            if call.matter_id and scope.can_see_matter(call.matter)
            else None
        )
        call.may_acknowledge = call.acknowledged_at is None and (
            reception.may_acknowledge(scope, call)
        )
    return render(
        request,
        "web/reception/call_list.html",
        {
            "calls": calls,
            "page": page,
            "show": show,
            "shows": shows,
            "may_set_up": scope.is_firm_admin,
        },
    )


@require_POST
def call_acknowledge(request, firm_slug, call_id):
    scope = request.scope
    forbidden_if(not reception.may_take_calls(scope))
    call = reception.access_call(scope, call_id, acknowledgeable=True)
    try:
        call = reception.call_acknowledge(scope=scope, call=call, actor=request.user)
        messages.success(request, f"Acknowledged the message from {call.caller_name}.")
    except ServiceError as error:
        messages.error(request, error.message)
    show = request.POST.get("show")
    url = reception.call_list_url(scope.firm)
    return redirect(f"{url}?show={show}" if show in SHOWS else url)


@require_http_methods(["GET", "POST"])
def reception_settings(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    people = reception.firm_people(scope.firm)
    current = reception.reception_settings(scope.firm)
    form = ReceptionSettingsForm(
        request.POST or None,
        people=people,
        initial={
            "on_call": str(current.on_call.public_id) if current.on_call else "",
            "escalate_after_minutes": current.escalate_after_minutes,
            "escalate_to": str(current.escalate_to.public_id)
            if current.escalate_to
            else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            reception.reception_settings_save(
                scope=scope,
                actor=request.user,
                on_call=form.user("on_call"),
                escalate_after_minutes=form.cleaned_data["escalate_after_minutes"],
                escalate_to=form.user("escalate_to"),
            )
            messages.success(request, "Saved how reception routes messages.")
            return redirect("reception:reception_settings", firm_slug)
        except ServiceError as error:
            apply_service_error(form, error)
    return render(request, "web/reception/call_settings.html", {"form": form})
