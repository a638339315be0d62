"""Playbooks (the firm's written procedures) and onboarding, the weekly review of
an engagement, recurring work, and the user's notifications.

Rows come through the Scope (``in_scope`` / ``access_*``), writes through the
work services; a page a role may not open answers 404."""

import datetime
import uuid

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.scope import scopes_for_request
from firmdesk.access.selectors import access_engagement, access_object
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Assignment
from firmdesk.matters.models import Matter
from firmdesk.notify.models import Notification
from firmdesk.notify.services import notifications_mark_read
from firmdesk.notify.services import visible as notify_visible
from firmdesk.orgs.models import Function
from firmdesk.work import services
from firmdesk.work.models import PlaybookVersion, Recurrence
from firmdesk.work.routing import onboarding_gaps
from firmdesk.work.selectors import (
    access_playbook,
    acknowledged_versions,
    engagement_week_review,
    playbooks_for_scope,
)

from .forms_playbooks import WEEKDAYS, PlaybookForm, RecurrenceForm
from .views import _apply_service_error, _forbidden_if


def _may_acknowledge(scope) -> bool:
    """The people who do the work: outside staff and the firm's in-house staff."""
    return scope.is_provider_staff or scope.has_role("firm_staff")


def _in_your_words(gap: str) -> str:
    """``onboarding_gaps`` speaks about the person to a firm admin; the staff
    member reads it about themselves."""
    if gap.startswith("has "):
        return "You have " + gap.removeprefix("has ")
    return "Your " + gap


# --- Playbooks -------------------------------------------------------------------


def playbook_list(request, firm_slug):
    scope = request.scope
    playbooks = playbooks_for_scope(scope).select_related("current_version__edited_by")
    if not scope.is_firm_member:
        playbooks = playbooks.filter(is_active=True)
    playbooks = list(playbooks)
    acknowledged = (
        acknowledged_versions(scope, request.user) if _may_acknowledge(scope) else {}
    )
    by_function: dict[str, list] = {}
    for playbook in playbooks:
        if playbook.current_version is None:
            continue
        playbook.acknowledged_number = acknowledged.get(playbook.pk)
        by_function.setdefault(playbook.function, []).append(playbook)
    groups = [
        (label, by_function[value])
        for value, label in Function.choices
        if value in by_function
    ]
    context = {
        "groups": groups,
        "count": sum(len(rows) for _, rows in groups),
        "may_acknowledge": _may_acknowledge(scope),
        "gaps": None,
    }
    if scope.is_provider_staff:
        assignment = (
            Assignment.objects.in_scope(scope)
            .filter(engagement=scope.engagement, user=request.user)
            .first()
        )
        gaps = onboarding_gaps(
            engagement=scope.engagement,
            user=request.user,
            functions=assignment.functions if assignment else [],
            today=timezone.localdate(timezone=scope.firm.tz),
        )
        context["gaps"] = [_in_your_words(gap) for gap in gaps]
    return render(request, "web/playbook_list.html", context)


@require_POST
def playbook_install_starter(request, firm_slug):
    scope = request.scope
    _forbidden_if(not scope.is_firm_admin)
    made = services.playbooks_install_starter(firm=scope.firm, actor=request.user)
    if made:
        messages.success(
            request,
            f"Added {made} starter playbooks. Read each one and change it to the "
            "way your firm works: outside staff follow them to the letter.",
        )
    else:
        messages.info(request, "The starter playbooks are here already.")
    return redirect("playbook_list", firm_slug)


def playbook_detail(request, firm_slug, playbook_id):
    scope = request.scope
    playbook = access_playbook(scope, playbook_id)
    versions = list(
        PlaybookVersion.objects.in_scope(scope)
        .filter(playbook=playbook)
        .select_related("edited_by")
        .order_by("-number")
    )
    if not versions:
        raise Http404("No playbook here.")
    current = next(
        (v for v in versions if v.pk == playbook.current_version_id), versions[0]
    )
    shown = current
    requested = request.GET.get("version")
    if requested:
        shown = next((v for v in versions if str(v.number) == requested), None)
        if shown is None:
            raise Http404("No such version.")
    may_acknowledge = _may_acknowledge(scope)
    acknowledged = (
        acknowledged_versions(scope, request.user).get(playbook.pk)
        if may_acknowledge
        else None
    )
    return render(
        request,
        "web/playbook_detail.html",
        {
            "playbook": playbook,
            "version": shown,
            "current": current,
            "is_old": shown.pk != current.pk,
            "versions": versions,
            "may_acknowledge": may_acknowledge,
            "acknowledged": acknowledged,
        },
    )


@require_POST
def playbook_acknowledge(request, firm_slug, playbook_id):
    scope = request.scope
    _forbidden_if(not _may_acknowledge(scope))
    playbook = access_playbook(scope, playbook_id)
    if playbook.current_version is None:
        raise Http404("No playbook here.")
    services.playbook_acknowledge(scope=scope, playbook=playbook)
    version = playbook.current_version
    messages.success(
        request,
        f"Recorded: you have read “{version.title}” (version {version.number}) "
        "and will follow it.",
    )
    return redirect("playbook_detail", firm_slug, playbook.public_id)


@require_http_methods(["GET", "POST"])
def playbook_new(request, firm_slug):
    scope = request.scope
    _forbidden_if(not scope.is_firm_admin)
    form = PlaybookForm(
        request.POST or None,
        editing=False,
        initial={"review_required": True, "function": request.GET.get("function")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            playbook = services.playbook_create(scope=scope, **form.service_fields())
        except ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request, f"Playbook “{playbook.current_version.title}” published."
            )
            return redirect("playbook_detail", firm_slug, playbook.public_id)
    return render(request, "web/playbook_form.html", {"form": form, "playbook": None})


@require_http_methods(["GET", "POST"])
def playbook_edit(request, firm_slug, playbook_id):
    scope = request.scope
    _forbidden_if(not scope.is_firm_admin)
    playbook = access_playbook(scope, playbook_id)
    if playbook.current_version is None:
        raise Http404("No playbook here.")
    form = PlaybookForm(
        request.POST or None,
        editing=True,
        initial=PlaybookForm.initial_from(playbook),
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.playbook_edit(
                scope=scope, playbook=playbook, **form.service_fields()
            )
        except ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Version {version.number} published. Tasks already created keep "
                "the version they were made with.",
            )
            return redirect("playbook_detail", firm_slug, playbook.public_id)
    return render(
        request,
        "web/playbook_form.html",
        {
            "form": form,
            "playbook": playbook,
            "next_number": playbook.current_version.number + 1,
        },
    )


# --- Weekly review -----------------------------------------------------------------


def _week_monday(value: str | None, today: datetime.date) -> datetime.date:
    """``2026-W47`` → that week's Monday; anything else → this week's."""
    if value:
        try:
            year, week = value.upper().split("-W")
            return datetime.date.fromisocalendar(int(year), int(week), 1)
        except ValueError:
            pass
    return today - datetime.timedelta(days=today.weekday())


def _week_param(monday: datetime.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def engagement_weekly(request, firm_slug, engagement_id):
    scope = request.scope
    _forbidden_if(not scope.is_firm_member)
    engagement = access_engagement(scope, engagement_id)
    tz = scope.firm.tz
    today = timezone.localdate(timezone=tz)
    monday = _week_monday(request.GET.get("week"), today)
    start = datetime.datetime.combine(monday, datetime.time.min, tzinfo=tz)
    next_monday = monday + datetime.timedelta(days=7)
    end = datetime.datetime.combine(next_monday, datetime.time.min, tzinfo=tz)
    review = engagement_week_review(
        scope, engagement, start=start, end=end, now=timezone.now()
    )
    this_monday = today - datetime.timedelta(days=today.weekday())
    return render(
        request,
        "web/weekly_review.html",
        {
            "engagement": engagement,
            "r": review,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "week": _week_param(monday),
            "previous_week": _week_param(monday - datetime.timedelta(days=7)),
            "next_week": _week_param(next_monday) if monday < this_monday else None,
            "is_this_week": monday == this_monday,
            "firm_tz": tz,
        },
    )


# --- Recurring work ----------------------------------------------------------------


def _rule(recurrence) -> str:
    """How often, in words: "Every Tuesday, from Mar 3, 2026"."""
    F = Recurrence.Frequency
    if recurrence.frequency == F.WEEKDAYS:
        text = "Every working day"
    elif recurrence.frequency == F.WEEKLY:
        text = f"Every {dict(WEEKDAYS).get(recurrence.weekday, '?')}"
    else:
        day = recurrence.day_of_month
        text = f"Monthly on day {day}"
        if day and day > 28:
            text += " (the last day in shorter months)"
    text += f", from {recurrence.starts_on:%b %-d, %Y}"
    if recurrence.ends_on:
        text += f" to {recurrence.ends_on:%b %-d, %Y}"
    return text


@require_http_methods(["GET", "POST"])
def recurring_list(request, firm_slug):
    scope = request.scope
    _forbidden_if(not scope.is_firm_member)
    form = RecurrenceForm(
        request.POST or None,
        matters=Matter.objects.in_scope(scope),
        initial={"starts_on": timezone.localdate(timezone=scope.firm.tz)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            recurrence = services.recurrence_create(scope=scope, **form.cleaned_data)
        except ServiceError as error:
            _apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"“{recurrence.title}” set up. A task is created for it on each "
                "date it comes back.",
            )
            return redirect("recurring_list", firm_slug)
    yesterday = timezone.localdate(timezone=scope.firm.tz) - datetime.timedelta(1)
    rows = []
    for recurrence in (
        Recurrence.objects.in_scope(scope)
        .select_related("matter", "requester")
        .order_by("-is_active", "title")
    ):
        after = max(yesterday, recurrence.last_created_on or yesterday)
        rows.append(
            {
                "recurrence": recurrence,
                "next": services.recurrence_next_date(recurrence, after),
                "rule": _rule(recurrence),
                "may_stop": recurrence.is_active
                and services.recurrence_may_stop(scope, recurrence),
            }
        )
    return render(request, "web/recurring_list.html", {"form": form, "rows": rows})


@require_http_methods(["GET", "POST"])
def recurring_stop(request, firm_slug, recurrence_id):
    scope = request.scope
    _forbidden_if(not scope.is_firm_member)
    recurrence = access_object(Recurrence, scope, recurrence_id)
    _forbidden_if(not services.recurrence_may_stop(scope, recurrence))
    back = reverse("recurring_list", args=[firm_slug])
    if request.method == "POST":
        services.recurrence_stop(scope=scope, recurrence=recurrence)
        messages.success(
            request,
            f"“{recurrence.title}” stopped. No more tasks will be created from it; "
            "tasks already created stay as they are.",
        )
        return redirect(back)
    return render(
        request,
        "web/confirm.html",
        {
            "title": f"Stop “{recurrence.title}”?",
            "body": "No more tasks will be created from it. Tasks already created "
            "stay as they are. To start it again, set it up anew.",
            "button": "Stop recurring work",
            "cancel": back,
        },
    )


# --- Notifications -----------------------------------------------------------------


def _visible_notifications(request):
    """The user's own, of no firm or of a firm they may act for now, and about
    nothing they may no longer see: a notification about a firm they lost
    access to, or a matter they were screened from since, stays hidden."""
    firm_ids = [scope.firm.pk for scope in scopes_for_request(request)]
    return notify_visible(
        request.user,
        Notification.objects.filter(user=request.user).filter(
            Q(firm__isnull=True) | Q(firm_id__in=firm_ids)
        ),
        scopes=scopes_for_request(request),
    )


def notifications(request):
    visible = _visible_notifications(request).select_related("firm")
    page = Paginator(visible.order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    host = {request.get_host()}
    for note in page:
        note.safe_url = (
            note.url
            if note.url.startswith("/")
            and url_has_allowed_host_and_scheme(note.url, host)
            else ""
        )
    return render(
        request,
        "web/notifications.html",
        {"page": page, "unread": visible.filter(read_at__isnull=True).count()},
    )


@require_POST
def notifications_read(request):
    ids = []
    for value in request.POST.getlist("id"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    visible = _visible_notifications(request).filter(read_at__isnull=True)
    if ids:
        visible = visible.filter(public_id__in=ids)
    marked = notifications_mark_read(
        user=request.user, public_ids=list(visible.values_list("public_id", flat=True))
    )
    if not ids:
        messages.success(
            request,
            f"{marked} notification{'s' if marked != 1 else ''} marked as read."
            if marked
            else "Nothing new to mark as read.",
        )
    target = reverse("notifications")
    page = request.POST.get("page", "")
    if page.isdigit():
        target += f"?page={page}"
    return redirect(target)
