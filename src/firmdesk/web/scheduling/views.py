"""Events, computed court deadlines, calendar feeds and .ics import.

Rows come through the Scope (``in_scope`` / ``access_*``), writes through
``scheduling.services``; a page a role may not open answers 404. The feed
address is the one page without a sign-in: its secret token stands for the
person, whose access is checked again on every read.
"""

import contextlib
import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.scope import resolve_scope
from firmdesk.access.selectors import access_matter, access_object
from firmdesk.audit.services import audit_record_read
from firmdesk.common import times
from firmdesk.common.errors import ServiceError
from firmdesk.common.http import absolute_url
from firmdesk.common.times import when
from firmdesk.engagements.selectors import live_engagements
from firmdesk.matters.models import Contact, Matter
from firmdesk.scheduling import deadlines, ical, services
from firmdesk.scheduling.models import CalendarFeed, Event
from firmdesk.scheduling.selectors import (
    access_event,
    feed_by_token,
    feed_events,
)
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import (
    apply_service_error,
    day_in_range,
    forbidden_if,
    viewer_zone,
)
from firmdesk.work.selectors import assignable_people

from .forms import (
    DeadlineForm,
    EventForm,
    ImportForm,
    StatusForm,
    TriggerForm,
)

MAX_CHOICES = 500


def _matters(scope):
    return list(
        Matter.objects.in_scope(scope)
        .exclude(Matter.closed_q())
        .order_by("number")[:MAX_CHOICES]
    )


def _matter_by_id(scope, public_id):
    return access_matter(scope, public_id) if public_id else None


def _people_of(scope):
    return assignable_people(scope=scope, engagements=live_engagements(scope=scope))


def _user_by_id(people, public_id):
    for user, _ in people:
        if str(user.public_id) == str(public_id):
            return user
    return None


def _contacts(scope):
    return list(Contact.objects.in_scope(scope).order_by("name")[:MAX_CHOICES])


def _event_form(request, scope, *, data=None, initial=None, event=None):
    people = _people_of(scope)
    return (
        EventForm(
            data,
            initial=initial,
            matters=_matters(scope),
            people=people,
            contacts=_contacts(scope),
            zones=[
                getattr(request.user, "time_zone", ""),
                scope.firm.time_zone,
                event.time_zone if event else "",
            ],
        ),
        people,
    )


def _event_data(form, scope, people) -> services.EventData:
    data = form.cleaned_data
    by_contact = {str(c.public_id): c for c in _contacts(scope)}
    return services.EventData(
        kind=data["kind"],
        title=data["title"],
        start=data.get("start"),
        end=data.get("end"),
        all_day=bool(data.get("all_day")),
        start_date=data.get("start_date"),
        end_date=data.get("end_date"),
        time_zone=data.get("time_zone"),
        matter=_matter_by_id(scope, data.get("matter")),
        court=data.get("court"),
        description=data.get("description", ""),
        location=data.get("location", ""),
        video_url=data.get("video_url", ""),
        owner=_user_by_id(people, data["owner"]),
        reminder_minutes=[int(m) for m in data.get("reminders") or []],
        attendee_users=tuple(
            u for u in (_user_by_id(people, pk) for pk in data["attendees"]) if u
        ),
        attendee_contacts=tuple(
            by_contact[pk] for pk in data.get("contacts", []) if pk in by_contact
        ),
    )


def _clash_key(data: services.EventData, warnings: list[str]) -> str:
    """What "Save anyway" agreed to: these times, these people, these clashes.
    Change any of them and the warning comes back."""
    if not warnings:
        return ""
    people = sorted(
        str(u.public_id) for u in [data.owner, *data.attendee_users] if u is not None
    )
    text = repr((data.start, data.end, data.time_zone, people, warnings))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _clash_warnings(scope, data: services.EventData, exclude_pk=None) -> list[str]:
    if data.all_day or data.kind == Event.Kind.FILING_DEADLINE or not data.start:
        return []
    zone = services.zone_for(
        kind=data.kind, court=data.court, time_zone=data.time_zone, firm=scope.firm
    )
    start = data.start.replace(tzinfo=ZoneInfo(zone))
    end = (
        data.end.replace(tzinfo=ZoneInfo(zone))
        if data.end
        else start + dt.timedelta(hours=1)
    )
    people = [data.owner, *data.attendee_users]
    warnings = []
    for person, other in services.double_bookings(
        firm=scope.firm, users=people, start=start, end=end, exclude_pk=exclude_pk
    ):
        local = other.start.astimezone(ZoneInfo(zone))
        warnings.append(
            f"{person.full_name} is already booked: {other.title}, "
            f"{when(local, local.tzinfo, weekday=True)} ({zone})."
        )
    return warnings


@require_http_methods(["GET", "POST"])
def event_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not services.may_schedule(scope))
    initial = {
        "owner": str(request.user.public_id),
        "time_zone": viewer_zone(request, scope).key,
        "kind": request.GET.get("kind") or Event.Kind.APPOINTMENT,
        "reminders": ["60"],
    }
    if request.GET.get("matter"):
        initial["matter"] = str(_matter_by_id(scope, request.GET["matter"]).public_id)
    if request.GET.get("date"):
        try:
            day = dt.date.fromisoformat(request.GET["date"])
            if not day_in_range(day):
                raise ValueError(day)
            initial["start"] = dt.datetime.combine(day, dt.time(9, 0))
            initial["start_date"] = day
        except ValueError:
            messages.info(
                request, "That date could not be read; choose the date below."
            )
    form, people = _event_form(
        request, scope, data=request.POST or None, initial=initial
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        try:
            data = _event_data(form, scope, people)
            warnings = _clash_warnings(scope, data)
            clash = _clash_key(data, warnings)
            if not warnings or form.cleaned_data.get("confirm_clash") == clash:
                event = services.event_create(
                    scope=scope, data=data, actor=request.user
                )
                messages.success(request, f"Scheduled “{event.title}”.")
                return redirect("scheduling:event_detail", firm_slug, event.public_id)
            form.data = form.data.copy()
            form.data["confirm_clash"] = clash
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "web/scheduling/event_form.html",
        {"form": form, "warnings": warnings, "event": None, "title": "New event"},
    )


@require_http_methods(["GET", "POST"])
def event_edit(request, firm_slug, event_id):
    scope = request.scope
    forbidden_if(not services.may_schedule(scope))
    event = access_event(scope, event_id)
    if event.kind == Event.Kind.FILING_DEADLINE and event.derivation:
        messages.info(
            request,
            "A computed deadline changes through its trigger date, not by hand.",
        )
        return redirect("scheduling:event_detail", firm_slug, event.public_id)
    local_start = event.local_start().replace(tzinfo=None)
    local_end = event.local_end().replace(tzinfo=None)
    initial = {
        "kind": event.kind,
        "title": event.title,
        "matter": str(event.matter.public_id) if event.matter else "",
        "court": event.court,
        "all_day": event.all_day,
        "start": local_start,
        "end": local_end,
        "start_date": event.start_date,
        "end_date": event.end_date,
        "time_zone": event.time_zone,
        "location": event.location,
        "video_url": event.video_url,
        "owner": str(event.owner.public_id) if event.owner else "",
        "attendees": [
            str(a.user.public_id) for a in event.attendees.all() if a.user_id
        ],
        "contacts": [
            str(a.contact.public_id) for a in event.attendees.all() if a.contact_id
        ],
        "reminders": [str(m) for m in event.reminder_minutes],
        "description": event.description,
        "revision": event.revision,
    }
    form, people = _event_form(
        request, scope, data=request.POST or None, initial=initial, event=event
    )
    warnings = []
    if request.method == "POST" and form.is_valid():
        try:
            data = _event_data(form, scope, people)
            warnings = _clash_warnings(scope, data, exclude_pk=event.pk)
            clash = _clash_key(data, warnings)
            if not warnings or form.cleaned_data.get("confirm_clash") == clash:
                event = services.event_update(
                    scope=scope,
                    event=event,
                    data=data,
                    actor=request.user,
                    revision=form.cleaned_data.get("revision"),
                )
                messages.success(request, f"Saved “{event.title}”.")
                return redirect("scheduling:event_detail", firm_slug, event.public_id)
            form.data = form.data.copy()
            form.data["confirm_clash"] = clash
        except services.StaleEvent as error:
            # Keep what this person typed; the next save is against the
            # current version, now that they know.
            form.data = form.data.copy()
            form.data["revision"] = str(error.event.revision)
            form.add_error(
                None,
                "Someone else changed this event while you were editing it. Your "
                "changes are still below: open the event in another tab to see "
                "what changed, then save again to keep yours.",
            )
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request,
        "web/scheduling/event_form.html",
        {"form": form, "warnings": warnings, "event": event, "title": "Change event"},
    )


def event_detail(request, firm_slug, event_id):
    scope = request.scope
    event = access_event(scope, event_id)
    audit_opened(
        request,
        event,
        action="event.viewed",
        matter=event.matter,
        summary=f"Opened {event.title}",
    )
    viewer = viewer_zone(request, scope)
    dependents = list(
        Event.objects.in_scope(scope).filter(trigger_event=event).order_by("start")
    )
    trigger_visible = (
        event.trigger_event
        if event.trigger_event_id
        and Event.objects.in_scope(scope).filter(pk=event.trigger_event_id).exists()
        else None
    )
    may_change = services.may_schedule(scope)
    return render(
        request,
        "web/scheduling/event_detail.html",
        {
            "event": event,
            "viewer_zone": viewer,
            "local_start": event.start.astimezone(viewer),
            "local_end": event.end.astimezone(viewer),
            "own_start": event.local_start(),
            "own_end": event.local_end(),
            "zones_differ": viewer.key != event.time_zone,
            "last_moment": event.last_moment.astimezone(event.zone)
            if event.last_moment
            else None,
            "last_moment_viewer": event.last_moment.astimezone(viewer)
            if event.last_moment
            else None,
            "attendees": list(event.attendees.select_related("user", "contact")),
            "dependents": dependents,
            "trigger_visible": trigger_visible,
            "may_change": may_change,
            "trigger_form": TriggerForm(
                initial={"trigger_date": event.trigger_date, "revision": event.revision}
            )
            if may_change and event.derivation and not event.trigger_event_id
            else None,
        },
    )


@require_POST
def event_status(request, firm_slug, event_id):
    scope = request.scope
    forbidden_if(not services.may_schedule(scope))
    event = access_event(scope, event_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose what happened to the event and try again.")
        return redirect("scheduling:event_detail", firm_slug, event.public_id)
    try:
        event = services.event_set_status(
            scope=scope,
            event=event,
            status=form.cleaned_data["status"],
            actor=request.user,
            revision=form.cleaned_data["revision"],
            confirmed=form.cleaned_data["confirm"],
        )
        messages.success(
            request, f"“{event.title}” is now {event.get_status_display().lower()}."
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("scheduling:event_detail", firm_slug, event.public_id)


def _trigger_events(scope):
    """Events a deadline may count from: not deadlines, within two years."""
    now = timezone.now()
    rows = (
        Event.objects.in_scope(scope)
        .exclude(kind=Event.Kind.FILING_DEADLINE)
        .exclude(status=Event.Status.CANCELLED)
        .filter(
            start__gte=now - dt.timedelta(days=366),
            start__lte=now + dt.timedelta(days=731),
        )
        .select_related("matter")
        .order_by("start")[:MAX_CHOICES]
    )
    return [
        (
            e,
            f"{e.local_start():%Y-%m-%d} {e.title}"
            + (f" ({e.matter.number})" if e.matter else ""),
        )
        for e in rows
    ]


@require_http_methods(["GET", "POST"])
def deadline_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not services.may_schedule(scope))
    people = _people_of(scope)
    triggers = _trigger_events(scope)
    initial = {"owner": str(request.user.public_id)}
    if request.GET.get("date"):
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(request.GET["date"])
            if day_in_range(day):
                initial["trigger_date"] = day
    if request.GET.get("matter"):
        initial["matter"] = str(_matter_by_id(scope, request.GET["matter"]).public_id)
    form = DeadlineForm(
        request.POST or None,
        initial=initial,
        matters=_matters(scope),
        people=people,
        trigger_events=triggers,
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rule = data.get("rule")
        period = form.period() if rule is None else services.period_of(rule)
        trigger_event = next(
            (e for e, _ in triggers if str(e.public_id) == data.get("trigger_event")),
            None,
        )
        trigger = (
            services.trigger_of(trigger_event)
            if trigger_event
            else data["trigger_date"]
        )
        try:
            if request.POST.get("action") == "preview":
                preview = services.compute(
                    period,
                    trigger=trigger,
                    service=data["service"],
                    calendar=services.calendar_for(data.get("court"), scope.firm),
                )
            else:
                event = services.deadline_create(
                    scope=scope,
                    actor=request.user,
                    matter=_matter_by_id(scope, data.get("matter")),
                    court=data.get("court"),
                    rule=rule,
                    period=None if rule else period,
                    trigger_date=None if trigger_event else data["trigger_date"],
                    trigger_event=trigger_event,
                    service=data["service"],
                    title=data.get("title", ""),
                    owner=_user_by_id(people, data["owner"]),
                )
                due = event.start_date or event.last_moment.astimezone(event.zone)
                messages.success(
                    request, f"“{event.title}” is due {due:%a}, {times.day(due)}."
                )
                return redirect("scheduling:event_detail", firm_slug, event.public_id)
        except deadlines.DeadlineError as error:
            form.add_error(None, str(error))
        except ServiceError as error:
            apply_service_error(form, error)
    return render(
        request, "web/scheduling/deadline_form.html", {"form": form, "preview": preview}
    )


@require_POST
def deadline_trigger(request, firm_slug, event_id):
    scope = request.scope
    forbidden_if(not services.may_schedule(scope))
    event = access_event(scope, event_id)
    form = TriggerForm(request.POST)
    if not event.derivation or event.trigger_event_id:
        messages.error(
            request,
            "This deadline counts from another event: change that event's date.",
        )
        return redirect("scheduling:event_detail", firm_slug, event.public_id)
    if not form.is_valid():
        messages.error(request, "Enter the new trigger date as a date.")
        return redirect("scheduling:event_detail", firm_slug, event.public_id)
    try:
        event = services.deadline_set_trigger(
            scope=scope,
            event=event,
            trigger_date=form.cleaned_data["trigger_date"],
            actor=request.user,
            revision=form.cleaned_data["revision"],
        )
        messages.success(
            request, "Recomputed from the new trigger date; the steps are below."
        )
    except ServiceError as error:
        messages.error(request, error.message)
    return redirect("scheduling:event_detail", firm_slug, event.public_id)


# --- Feeds ------------------------------------------------------------------------


def _feed_url(request, feed) -> str:
    path = reverse("scheduling:calendar_feed", kwargs={"token": feed.token})
    return absolute_url(path, request)


@require_http_methods(["GET", "POST"])
def feed_list(request, firm_slug):
    scope = request.scope
    if request.method == "POST":
        matter = _matter_by_id(scope, request.POST.get("matter"))
        services.feed_create(scope=scope, actor=request.user, matter=matter)
        messages.success(
            request,
            "New calendar address made. Copy it into Outlook, Google Calendar or "
            "Apple Calendar as a subscription (“from the internet”).",
        )
        return redirect("scheduling:feed_list", firm_slug)
    feeds = list(
        CalendarFeed.objects.in_scope(scope)
        .select_related("matter")
        .order_by("revoked_at", "-created_at")
    )
    for feed in feeds:
        feed.url = _feed_url(request, feed)
        feed.webcal = feed.url.replace("https://", "webcal://").replace(
            "http://", "webcal://"
        )
    return render(
        request,
        "web/scheduling/feed_list.html",
        {"feeds": feeds, "matters": _matters(scope)},
    )


@require_POST
def feed_revoke(request, firm_slug, feed_id):
    scope = request.scope
    feed = access_object(CalendarFeed, scope, feed_id)
    services.feed_revoke(scope=scope, actor=request.user, feed=feed)
    messages.success(
        request,
        "That address no longer works. Remove the subscription from your "
        "calendar program.",
    )
    return redirect("scheduling:feed_list", firm_slug)


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, token):
    """The .ics at a secret address. Unknown, revoked, or whose owner lost
    access: 404, the same answer for each."""
    feed = feed_by_token(token)
    if feed is None:
        raise Http404("No calendar here.")
    scope = resolve_scope(feed.user, feed.firm)
    if scope is None:
        raise Http404("No calendar here.")
    if feed.matter is not None and not scope.can_see_matter(feed.matter):
        raise Http404("No calendar here.")
    events = list(feed_events(feed, scope))
    name = (
        f"{feed.firm.name}: {feed.matter.number}"
        if feed.matter
        else f"{feed.firm.name}: {feed.user.full_name}"
    )
    with transaction.atomic():
        services.feed_mark_read(feed)
        audit_record_read(
            org=feed.firm,
            actor=feed.user,
            action="feed.read",
            obj=feed,
            matter=feed.matter,
            summary=f"Calendar feed read ({len(events)} events)",
        )
    body = ical.build_calendar(events, name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="firmdesk.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


# --- Import -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def event_import(request, firm_slug, matter_id):
    scope = request.scope
    forbidden_if(not services.may_schedule(scope))
    matter = access_matter(scope, matter_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > ical.MAX_IMPORT_BYTES:
            form.add_error(
                "file",
                "The file is larger than 5 MB. Export a shorter date range and "
                "try again.",
            )
        else:
            try:
                result = services.ics_import(
                    scope=scope, actor=request.user, matter=matter, data=upload.read()
                )
                messages.success(
                    request,
                    f"Imported {result.created} new and updated {result.updated} "
                    f"events; {result.unchanged} were already up to date.",
                )
                return redirect(
                    "scheduling:matter_calendar", firm_slug, matter.public_id
                )
            except ical.ImportProblem as error:
                form.add_error("file", str(error))
            except ServiceError as error:
                apply_service_error(form, error)
    return render(
        request, "web/scheduling/event_import.html", {"form": form, "matter": matter}
    )
