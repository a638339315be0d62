"""Intake, the staff side: the firm's intake forms, its leads and their
pipeline, a lead's page (first-response clock, conflict screen, conversion),
client feedback, and the intake specialist's lead queue across the firms they
serve.

Rows come through the Scope (``in_scope``, ``in_scopes``, ``access_object``),
every change goes through ``firmdesk.intake.services`` with the ``revision``
the person saw, and a page a role may not open answers 404.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.db.models import Case, Count, F, IntegerField, Q, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.scope import scopes_for_request
from firmdesk.access.selectors import access_object
from firmdesk.common.errors import ServiceError
from firmdesk.common.http import absolute_url
from firmdesk.common.paginator import CappedPaginator
from firmdesk.common.times import when
from firmdesk.conflicts.selectors import check_hits_for
from firmdesk.intake import services
from firmdesk.intake.models import (
    Booking,
    FeedbackRequest,
    IntakeForm,
    IntakeQuestion,
    Lead,
    LeadNote,
)
from firmdesk.intake.selectors import (
    firm_attorneys,
    first_response_overdue,
    lead_owner_choices,
)
from firmdesk.web.auditing import audit_opened
from firmdesk.web.pages import (
    apply_service_error,
    forbidden_if,
    see_other,
    send_document,
    wants_partial,
)
from firmdesk.web.templatetags.links import page_href, row_href
from firmdesk.web.work.rows import duration_words
from firmdesk.work.models import Task

from . import forms as fi

PAGE_SIZE = 50
OPEN = Lead.OPEN_STATUSES
# Lead statuses on the colours the other status badges use (app.css).
BADGES = {
    Lead.Status.NEW: "status-pending",
    Lead.Status.CONTACTED: "status-in_progress",
    Lead.Status.QUALIFIED: "status-in_progress",
    Lead.Status.CONSULTATION: "status-in_progress",
    Lead.Status.RETAINED: "status-done",
    Lead.Status.DECLINED: "status-cancelled",
    Lead.Status.NO_RESPONSE: "status-closed",
}


def _may_work(scope) -> bool:
    return services.may_work_leads(scope)


def _lead_url(lead) -> str:
    return reverse("intake:lead_detail", args=[lead.firm.slug, lead.public_id])


# --- The first-response clock ---------------------------------------------------------


@dataclass
class Clock:
    """Where a lead stands against the agreed first-response time, with the
    moments the clock shows already written in the viewer's zone (``_shown``):
    a queue draws fifty clocks, and a date filter in each was a good part of
    its template's time."""

    state: str  # answered, overdue, due, closed, none
    words: str = ""
    soon: bool = False
    # The first response's moment and the due moment: ISO 8601 for the
    # ``<time>`` element and "Dec 6, 2026, 3:05 PM EST" for people.
    answered_iso: str = ""
    answered: str = ""
    due_iso: str = ""
    due: str = ""


def _shown(moment) -> tuple[str, str]:
    """A moment as ``<time datetime="…">…</time>`` shows it: ISO 8601 and
    ``|when``, both in the zone the page is drawn in."""
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return local.isoformat(), when(local, local.tzinfo)


def _clock(lead, now) -> Clock:
    if lead.first_response_at is not None:
        answered_iso, answered = _shown(lead.first_response_at)
        return Clock(
            "answered",
            duration_words(lead.first_response_at - lead.received_at),
            answered_iso=answered_iso,
            answered=answered,
        )
    if not lead.is_open:
        return Clock("closed")
    due = lead.response_due_at
    if due is None:
        return Clock("none")
    due_iso, due_text = _shown(due)
    if due <= now:
        return Clock(
            "overdue", duration_words(now - due), due_iso=due_iso, due=due_text
        )
    warn_at = services.lead_warning_at(lead)
    return Clock(
        "due",
        duration_words(due - now),
        soon=now >= warn_at,
        due_iso=due_iso,
        due=due_text,
    )


def _overdue_q(now) -> Q:
    return first_response_overdue(now)


# --- Lead tables ----------------------------------------------------------------------


def _sorted(rows, sort: str):
    waiting = Case(
        When(status__in=OPEN, first_response_at__isnull=True, then=0),
        When(status__in=OPEN, then=1),
        default=2,
        output_field=IntegerField(),
    )
    by_due = ("waiting", F("response_due_at").asc(nulls_last=True), "-received_at")
    orders = {
        "due": by_due,
        "newest": ("-received_at",),
        "oldest": ("received_at",),
        "name": ("name",),
        "firm": ("firm__name", *by_due),
    }
    return rows.annotate(waiting=waiting).order_by(*orders.get(sort, by_due), "pk")


def _filtered(rows, params, *, user, now):
    status = params["status"]
    if status == "open":
        rows = rows.filter(status__in=OPEN)
    elif status in Lead.Status.values:
        rows = rows.filter(status=status)
    if params.get("source"):
        rows = rows.filter(source=params["source"])
    owner = params.get("owner")
    if owner == "me":
        rows = rows.filter(owner=user)
    elif owner == "none":
        rows = rows.filter(owner__isnull=True)
    elif owner:
        rows = rows.filter(owner__public_id=owner)
    if params.get("firm"):
        rows = rows.filter(firm__slug=params["firm"])
    if params.get("overdue"):
        rows = rows.filter(_overdue_q(now))
    text = (params.get("q") or "").strip()
    if text:
        match = Q(name__icontains=text) | Q(email__icontains=text)
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) >= 3:
            match |= Q(phone__contains=digits)
        rows = rows.filter(match)
    return _sorted(rows, params["sort"])


def _table(request, rows, now) -> dict:
    # The table reads none of these lists (JSON, decoded row by row) nor the
    # long texts: fifty rows of them were a tenth of the page's time.
    rows = rows.select_related("firm", "owner", "conflict_check", "engagement").defer(
        "answers",
        "description",
        "adverse_parties",
        "checklist_done",
        "conflict_check__hits",
        "conflict_check__names",
        "firm__working_hours",
        "firm__closure_days",
        "engagement__functions",
        "engagement__base_functions",
        "engagement__pilot_targets",
        "engagement__turnaround_hours",
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "rows": [_row(lead, now) for lead in page.object_list],
        "now": now,
        "query": request.GET.urlencode(),
    }


def _row(lead, now) -> dict:
    """What a lead table (``lead_table.html``) draws of one lead, worked out
    once here: in the template, each value looked up through the lead and its
    firm, owner and conflict check, each link reversed and each date filtered,
    row by row, were most of a fifty-row queue's time."""
    check = lead.conflict_check
    received_iso, received = _shown(lead.received_at)
    return {
        "url": row_href("intake:lead_detail", lead.firm.slug, lead.public_id),
        "name": lead.name,
        "source": lead.get_source_display(),
        "practice_area": lead.practice_area,
        "firm": lead.firm.name,
        "firm_url": page_href("intake:lead_list", lead.firm.slug),
        "status": lead.get_status_display(),
        "badge": BADGES.get(lead.status, ""),
        "clock": _clock(lead, now),
        "decision": check.decision if check else "",
        "decision_label": check.get_decision_display() if check else "",
        "owner": str(lead.owner) if lead.owner else "",
        "received_iso": received_iso,
        "received": received,
    }


def lead_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not _may_work(scope))
    now = timezone.now()
    form = fi.LeadFilterForm(request.GET, people=lead_owner_choices(scope=scope))
    params = form.params()
    everything = Lead.objects.in_scope(scope)
    counts = everything.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status__in=OPEN)),
        waiting=Count("pk", filter=Q(status__in=OPEN, first_response_at__isnull=True)),
        overdue=Count("pk", filter=_overdue_q(now)),
        unassigned=Count("pk", filter=Q(status__in=OPEN, owner__isnull=True)),
    )
    context = {
        **_table(
            request, _filtered(everything, params, user=request.user, now=now), now
        ),
        "form": form,
        "filtered": form.is_filtered,
        "counts": counts,
    }
    template = (
        "web/intake/lead_list_partial.html"
        if wants_partial(request)
        else "web/intake/lead_list.html"
    )
    return render(request, template, context)


def lead_queue(request):
    """The intake queue across every firm the person works leads for: each
    firm's rows through that firm's Scope, open and unanswered first."""
    scopes = [s for s in scopes_for_request(request) if _may_work(s)]
    forbidden_if(not scopes)
    now = timezone.now()
    form = fi.LeadFilterForm(
        request.GET,
        firms=[s.firm for s in scopes] if len(scopes) > 1 else None,
        queue=True,
    )
    params = form.params()
    rows = _filtered(Lead.objects.in_scopes(scopes), params, user=request.user, now=now)
    context = {
        **_table(request, rows, now),
        "form": form,
        "filtered": form.is_filtered,
        "scopes": scopes,
    }
    template = (
        "web/intake/lead_queue_partial.html"
        if wants_partial(request)
        else "web/intake/lead_queue.html"
    )
    return render(request, template, context)


# --- A lead taken by phone, e-mail or referral ---------------------------------------


def _practice_areas(scope) -> list[str]:
    return sorted(
        set(
            IntakeForm.objects.in_scope(scope)
            .exclude(practice_area="")
            .values_list("practice_area", flat=True)
        )
    )


def _when(moment, tz) -> str:
    return when(moment, tz, weekday=True)


@require_http_methods(["GET", "POST"])
def lead_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not _may_work(scope))
    form = fi.LeadNewForm(request.POST or None, initial={"source": "phone"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lead = services.lead_create(
                scope=scope,
                actor=request.user,
                source=data["source"],
                practice_area=data["practice_area"],
                submission=services.Submission(
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    description=data["description"],
                    adverse_parties=tuple(fi.lines(data["adverse_parties"])),
                ),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            due = ""
            if lead.response_due_at:
                when = _when(lead.response_due_at, request.user.tz)
                due = f" The first response is due {when}."
            messages.success(
                request,
                f"Lead from {lead.name} recorded and given to you. The conflict "
                f"screen runs now.{due}",
            )
            return redirect("intake:lead_detail", firm_slug, lead.public_id)
    return render(
        request,
        "web/intake/lead_new.html",
        {"form": form, "practice_areas": _practice_areas(scope)},
    )


# --- A lead's page --------------------------------------------------------------------


def _lead(scope, lead_id) -> Lead:
    return access_object(
        Lead,
        scope,
        lead_id,
        queryset=Lead.objects.in_scope(scope).select_related(
            "firm", "form", "owner", "conflict_check", "matter", "engagement"
        ),
    )


@dataclass
class Failed:
    """An action that did not go through: its form, with what was typed and
    the errors, is shown open again."""

    action: str
    form: object = None
    errors: list[str] = field(default_factory=list)


def _sla_terms(lead) -> str:
    engagement = lead.engagement
    minutes = services.agreed_minutes(engagement)
    clock = (
        "around the clock"
        if services.round_the_clock(engagement)
        else "of the firm's business hours"
    )
    who = f"agreed with {engagement.name}" if engagement else "the firm's default"
    return f"{minutes} minutes {clock} ({who})"


def _answers(lead) -> list[tuple[str, str]]:
    """The form's answers as asked, in words (lists joined, yes/no spelt)."""
    out = []
    for item in lead.answers or []:
        if not isinstance(item, dict):
            continue
        answer = item.get("answer")
        if isinstance(answer, bool):
            answer = "Yes" if answer else "No"
        elif isinstance(answer, list | tuple):
            answer = ", ".join(str(a) for a in answer)
        out.append((str(item.get("question", "")), str(answer) if answer else "—"))
    return out


def _lead_page(request, lead, *, failed: Failed | None = None, status=200):
    scope = request.scope
    user = request.user
    now = timezone.now()
    check = lead.conflict_check
    may = services.lead_permissions(scope=scope, lead=lead)
    people = lead_owner_choices(scope=scope)
    attorneys = firm_attorneys(firm=scope.firm)
    default_attorney = user if user in attorneys else None
    title = f"{lead.name}: {lead.practice_area}" if lead.practice_area else lead.name
    blank = {
        "log_contact": fi.LogContactForm(auto_id="log_contact_%s"),
        "status": fi.StatusForm(current=lead.status, auto_id="status_%s"),
        "assign": fi.AssignForm(
            people=people,
            auto_id="assign_%s",
            initial={"owner": str(lead.owner.public_id) if lead.owner else ""},
        ),
        "decide_conflict": fi.DecideForm(
            auto_id="decide_conflict_%s", hits=len(check.hits) if check else 0
        ),
        "retain": fi.RetainForm(
            attorneys=attorneys,
            matches=services.contacts_like_lead(scope=scope, lead=lead)
            if may["retain"]
            else (),
            lead_name=lead.name,
            auto_id="retain_%s",
            initial={
                "title": title[:200],
                "practice_area": lead.practice_area,
                "responsible_attorney": str(default_attorney.public_id)
                if default_attorney
                else "",
            },
        ),
        "decline": fi.DeclineForm(auto_id="decline_%s"),
    }
    if failed is not None and failed.form is not None:
        blank[failed.action] = failed.form
    done = set(lead.checklist_done)
    checklist = [(item, item in done) for item in services.checklist_for(lead)]
    context = {
        "lead": lead,
        "badge": BADGES.get(lead.status, ""),
        "now": now,
        "clock": _clock(lead, now),
        "sla_terms": _sla_terms(lead),
        "check": check,
        "hits": check_hits_for(scope=scope, check=check) if check else [],
        "may": may,
        "forms": blank,
        "failed": failed,
        "checklist": checklist,
        "answers": _answers(lead),
        "checklist_done": sum(1 for _, ticked in checklist if ticked),
        "notes": list(
            LeadNote.objects.in_scope(scope)
            .filter(lead=lead)
            .select_related("author")
            .order_by("created_at", "pk")
        ),
        "bookings": list(
            Booking.objects.in_scope(scope)
            .filter(lead=lead)
            .select_related("attorney")
            .order_by("start")
        ),
        # The lead reached through the Scope carries its files (lead_document).
        "documents": list(
            lead.documents.select_related("current_version").order_by("created_at")
        ),
    }
    return render(request, "web/intake/lead_detail.html", context, status=status)


def lead_detail(request, firm_slug, lead_id):
    scope = request.scope
    forbidden_if(not _may_work(scope))
    lead = _lead(scope, lead_id)
    audit_opened(
        request,
        lead,
        action="intake.lead_viewed",
        summary=f"Opened the lead of {lead.name}",
    )
    return _lead_page(request, lead)


def lead_document(request, firm_slug, lead_id, document_id):
    """A file the inquirer sent with the lead, to whoever may work the lead:
    reached through the lead, as a task's files are through the task."""
    scope = request.scope
    forbidden_if(not _may_work(scope))
    lead = _lead(scope, lead_id)
    document = (
        lead.documents.filter(public_id=document_id)
        .select_related("current_version")
        .first()
    )
    version = document.current_version if document else None
    if version is None:
        raise Http404("No such file on this lead.")
    return send_document(
        request,
        scope,
        document,
        version,
        where=f"the lead of {lead.name}",
        detail={"lead": str(lead.public_id)},
    )


class _Invalid(Exception):
    def __init__(self, form):
        self.form = form


@dataclass
class _Call:
    request: object
    scope: object
    lead: Lead
    revision: str | None
    action: str
    form: object = None

    @property
    def user(self):
        return self.request.user

    def bind(self, form_class, **kwargs):
        """The action's form, bound to what was posted, ids as on the page."""
        self.form = form_class(self.request.POST, auto_id=f"{self.action}_%s", **kwargs)
        if not self.form.is_valid():
            raise _Invalid(self.form)
        return self.form.cleaned_data


def _log_contact(c: _Call) -> str:
    data = c.bind(fi.LogContactForm)
    first = c.lead.first_response_at is None and data["kind"] != LeadNote.Kind.NOTE
    services.lead_log_contact(
        scope=c.scope, lead=c.lead, actor=c.user, kind=data["kind"], text=data["text"]
    )
    if first:
        return "Contact logged. That was the first response: the clock has stopped."
    return "Logged."


def _status(c: _Call) -> str:
    data = c.bind(fi.StatusForm, current=c.lead.status)
    lead = services.lead_set_status(
        scope=c.scope,
        lead=c.lead,
        actor=c.user,
        status=data["status"],
        revision=c.revision,
        reason=data["reason"],
    )
    return f"Moved to “{lead.get_status_display()}”."


def _checklist(c: _Call) -> str:
    lead = services.lead_checklist(
        scope=c.scope,
        lead=c.lead,
        actor=c.user,
        done=c.request.POST.getlist("done"),
        revision=c.revision,
    )
    items = services.checklist_for(lead)
    return f"Checklist saved: {len(lead.checklist_done)} of {len(items)} ticked."


def _assign(c: _Call) -> str:
    data = c.bind(fi.AssignForm, people=lead_owner_choices(scope=c.scope))
    owner = data["owner"]
    services.lead_assign(scope=c.scope, lead=c.lead, actor=c.user, owner=owner)
    return f"Now owned by {owner.full_name}." if owner else "No one owns it now."


def _decide_conflict(c: _Call) -> str:
    check = c.lead.conflict_check
    data = c.bind(fi.DecideForm, hits=len(check.hits) if check else 0)
    check = services.lead_decide_conflict(
        scope=c.scope, lead=c.lead, decision=data["decision"], note=data["note"]
    )
    if check.allows_opening:
        return (
            f"Screen {check.get_decision_display().lower()}. Consultations asked "
            "for are confirmed and on the attorney's calendar; the firm may now "
            "retain the client."
        )
    return "Conflict recorded. Decline the lead so the non-engagement letter goes out."


def _retain(c: _Call) -> str:
    data = c.bind(
        fi.RetainForm,
        attorneys=firm_attorneys(firm=c.scope.firm),
        matches=services.contacts_like_lead(scope=c.scope, lead=c.lead),
        lead_name=c.lead.name,
    )
    chosen = data.get("client")
    matter, task = services.lead_retain(
        scope=c.scope,
        lead=c.lead,
        actor=c.user,
        title=data["title"],
        responsible_attorney=data["responsible_attorney"],
        practice_area=data["practice_area"],
        revision=c.revision,
        existing_contact=None if chosen in (None, fi.NEW_CONTACT) else chosen,
        as_new_contact=chosen == fi.NEW_CONTACT,
    )
    slug = c.scope.firm.slug
    if c.scope.can_see_matter(matter):
        made = format_html(
            'matter <a href="{}">{}</a> is open',
            reverse("matters:matter_detail", args=[slug, matter.public_id]),
            matter.number,
        )
    else:
        made = "the matter is open (it is not opened to you)"
    if Task.objects.in_scope(c.scope).filter(pk=task.pk).exists():
        letter = format_html(
            'the task <a href="{}">{}</a> is on the list',
            reverse("work:task_detail", args=[slug, task.public_id]),
            task.title,
        )
    else:
        letter = format_html("the task “{}” is on the team's list", task.title)
    return format_html(
        "{} retained the firm: {}, with the conflict check attached, and {}.",
        c.lead.name,
        made,
        letter,
    )


def _decline(c: _Call) -> str:
    data = c.bind(fi.DeclineForm)
    task = services.lead_decline(
        scope=c.scope,
        lead=c.lead,
        actor=c.user,
        reason=data["reason"],
        revision=c.revision,
    )
    return (
        f"Declined. “{task.title}” is on the team's list; {c.lead.name} stays in "
        "the conflict index as a prospective client."
    )


ACTIONS = {
    "log_contact": _log_contact,
    "status": _status,
    "checklist": _checklist,
    "assign": _assign,
    "decide_conflict": _decide_conflict,
    "retain": _retain,
    "decline": _decline,
}


@require_POST
def lead_action(request, firm_slug, lead_id):
    """Every change to a lead from its page, named by the posted ``action``;
    ``revision`` is the lead as the person saw it."""
    scope = request.scope
    forbidden_if(not _may_work(scope))
    lead = _lead(scope, lead_id)
    action = request.POST.get("action", "")
    act = ACTIONS.get(action)
    if act is None:
        messages.error(request, "Choose what to do with the lead; nothing changed.")
        return see_other(_lead_url(lead))
    call = _Call(request, scope, lead, request.POST.get("revision") or None, action)
    try:
        text = act(call)
    except services.StaleLead as stale:
        failed = Failed(action, call.form, errors=[stale.message])
        return _lead_page(request, _lead(scope, lead_id), failed=failed, status=409)
    except _Invalid as invalid:
        return _lead_page(request, lead, failed=Failed(action, invalid.form))
    except ServiceError as error:
        failed = Failed(action, call.form)
        if call.form is not None and error.field in call.form.fields:
            call.form.add_error(error.field, error.message)
        else:
            failed.errors.append(error.message)
        return _lead_page(request, _lead(scope, lead_id), failed=failed)
    messages.success(request, text)
    return see_other(_lead_url(lead))


# --- Intake forms ---------------------------------------------------------------------


def _public_url(request, firm, form) -> str:
    """The form's public address, once the public pages are installed."""
    try:
        path = reverse(
            "public_intake:public_intake_form",
            kwargs={"firm": firm.slug, "form_slug": form.slug},
        )
    except NoReverseMatch:
        return ""
    return absolute_url(path, request)


def intake_form_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    forms = list(
        IntakeForm.objects.in_scope(scope)
        .annotate(question_count=Count("questions"))
        .order_by("-is_active", "title")
    )
    leads = dict(
        Lead.objects.in_scope(scope)
        .filter(form__in=[f.pk for f in forms])
        .values("form")
        .annotate(n=Count("pk"))
        .values_list("form", "n")
    )
    for form in forms:
        form.public_url = _public_url(request, scope.firm, form)
        form.lead_count = leads.get(form.pk, 0)
    return render(request, "web/intake/intake_form_list.html", {"forms": forms})


NEW_FORM = {
    "is_active": True,
    "intro": "Tell us briefly what happened and who is on the other side, so we "
    "can check that we are free to help you. Sending this form does not make us "
    "your lawyers.",
    "confirmation": "Thank you. We have your inquiry and will contact you soon. "
    "This message is not legal advice, and contacting us does not make us your "
    "lawyers.",
}
BLANK_QUESTION = {"kind": IntakeQuestion.Kind.SHORT_TEXT}


def _builder(request, scope, form: IntakeForm | None):
    """New and edit: the form's texts and its questions as rows; "Add a
    question" shows the page again with one more row, keeping what was typed."""
    question_errors = []
    prefix = fi.QUESTIONS_PREFIX
    if request.method == "POST" and "add_question" in request.POST:
        typed = {
            name: request.POST.get(name, "") for name in fi.IntakeFormForm.base_fields
        }
        typed["is_active"] = bool(request.POST.get("is_active"))
        main = fi.IntakeFormForm(initial=typed)
        rows = fi.question_rows_from_post(request.POST)
        rows.append({**BLANK_QUESTION, "ORDER": len(rows) + 1})
        questions = fi.QuestionFormSet(initial=rows, prefix=prefix)
    elif request.method == "POST":
        main = fi.IntakeFormForm(request.POST)
        questions = fi.QuestionFormSet(request.POST, prefix=prefix)
        if main.is_valid() and questions.is_valid():
            rows = [
                q.row() for q in questions.ordered_forms if q.cleaned_data.get("label")
            ]
            try:
                saved = services.form_save(
                    scope=scope,
                    actor=request.user,
                    form=form,
                    data=main.service_data(),
                    questions=rows,
                )
            except ServiceError as error:
                if error.field in main.fields:
                    apply_service_error(main, error)
                else:
                    question_errors.append(error.message)
            else:
                messages.success(
                    request,
                    f"“{saved.title}” saved with {len(rows)} question"
                    f"{'s' if len(rows) != 1 else ''} of your own.",
                )
                return redirect("intake:intake_form_list", scope.firm.slug)
    else:
        if form is None:
            main = fi.IntakeFormForm(initial=NEW_FORM)
            rows = [BLANK_QUESTION]
        else:
            main = fi.IntakeFormForm(initial=fi.IntakeFormForm.initial_from(form))
            rows = fi.question_rows_from(
                IntakeQuestion.objects.in_scope(scope)
                .filter(form=form)
                .order_by("position", "pk")
            ) or [BLANK_QUESTION]
        questions = fi.QuestionFormSet(initial=rows, prefix=prefix)
    return render(
        request,
        "web/intake/intake_form_edit.html",
        {
            "form": main,
            "questions": questions,
            "question_errors": question_errors,
            "intake_form": form,
            "public_url": _public_url(request, scope.firm, form) if form else "",
        },
    )


@require_http_methods(["GET", "POST"])
def intake_form_new(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    return _builder(request, scope, None)


@require_http_methods(["GET", "POST"])
def intake_form_edit(request, firm_slug, form_id):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    return _builder(request, scope, access_object(IntakeForm, scope, form_id))


# --- Client feedback ----------------------------------------------------------------


def feedback_list(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_member)
    summary = services.feedback_summary(scope.firm)
    kinds = [
        {"label": label, **summary.get(value, {"answers": 0, "average": None})}
        for value, label in FeedbackRequest.Kind.choices
    ]
    rows = (
        FeedbackRequest.objects.in_scope(scope)
        .filter(answered_at__isnull=False)
        .select_related("lead", "matter")
        .order_by("-answered_at", "-pk")
    )
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/intake/intake_feedback.html",
        {"kinds": kinds, "sent": summary.get("requests_sent", 0), "page": page},
    )
