"""The incident pages: the firm's list and detail (admins and attorneys), the
report page of the provider's staff, and the closing report as a PDF.

Every rule lives in ``compliance.incidents``; these views read through its
selectors and answer 404 to anyone the rules leave out.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.common.errors import ServiceError
from firmdesk.compliance import incidents as svc
from firmdesk.compliance.incidents_pdf import incident_report_pdf
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other, viewer_zone

from . import forms

DETAIL = "web/incidents/incident_detail.html"


def _worker_scope(request):
    scope = request.scope
    forbidden_if(not svc.may_work(scope))
    return scope


# --- The firm's pages -----------------------------------------------------------


def incident_list(request, firm_slug):
    scope = _worker_scope(request)
    today = svc.firm_today(scope.firm)
    incidents = list(svc.incidents_for(scope))
    return render(
        request,
        "web/incidents/incident_list.html",
        {
            "open_incidents": [i for i in incidents if i.status != "closed"],
            "closed_incidents": [i for i in incidents if i.status == "closed"],
            "due": svc.notices_due(scope, today=today),
            "today": today,
        },
    )


def _record(
    request, scope, form, *, template: str, done_message: str, done_url, extra=None
):
    """Record (or report) an incident from a bound ``IncidentForm``."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = svc.incident_record(
                scope=scope,
                title=data["title"],
                kind=data["kind"],
                severity=data["severity"],
                description=data["description"],
                occurred_at=data["occurred_at"],
                discovered_at=data["discovered_at"],
                engagement=data.get("engagement"),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, done_message)
            return see_other(done_url(incident))
    context = {"form": form, **(extra or {})}
    return render(request, template, context, status=_status(form))


def _status(form) -> int:
    return 400 if form.is_bound and form.errors else 200


@require_http_methods(["GET", "POST"])
def incident_new(request, firm_slug):
    scope = _worker_scope(request)
    form = forms.IncidentForm(
        request.POST or None,
        tz=viewer_zone(request, scope),
        engagements=svc.engagements_to_offer(scope),
    )
    return _record(
        request,
        scope,
        form,
        template="web/incidents/incident_new.html",
        done_message="Incident recorded; the firm's admins have been told. Now "
        "name the matters affected.",
        done_url=svc.incident_url,
    )


def incident_detail(request, firm_slug, incident_id):
    scope = _worker_scope(request)
    incident = svc.access_incident(scope, incident_id)
    return _detail(request, scope, incident)


def _detail(request, scope, incident, *, bound=None, bound_notice=None, status=200):
    """The incident page; ``bound`` is the one form that came back with an
    error (by name), so what was typed stays on the page next to its message."""
    bound = bound or {}
    tz = viewer_zone(request, scope)
    today = svc.firm_today(scope.firm)
    notices = list(svc.notices_of(scope, incident))
    people = svc.firm_people(scope.firm) if svc.may_manage(scope) else []
    rows = []
    for index, notice in enumerate(notices):
        mine = bound_notice is not None and bound_notice.pk == notice.pk
        auto_id = f"n{index}_%s"

        def form_for(name, make, mine=mine, auto_id=auto_id):
            return bound[name] if mine and name in bound else make(auto_id=auto_id)

        rows.append(
            {
                "notice": notice,
                "overdue": notice.is_overdue(today),
                "sent_form": form_for("sent", lambda **kw: forms.SentForm(**kw)),
                "not_needed_form": form_for(
                    "not_needed", lambda **kw: forms.NotNeededForm(**kw)
                ),
                "task_form": form_for(
                    "task", lambda **kw: forms.TaskForm(people=people, **kw)
                ),
                "open_form": mine,
            }
        )
    context = {
        "incident": incident,
        "may_manage": svc.may_manage(scope),
        "is_open": incident.status != "closed",
        "affected": list(svc.affected_of(scope, incident)),
        "clients": svc.clients_of(scope, incident),
        "notices": rows,
        "timeline": svc.timeline_of(scope, incident),
        "close_problems": svc.close_problems(incident, notices),
        "findings_form": bound.get("findings")
        or forms.FindingsForm(
            initial={
                "containment": incident.containment,
                "root_cause": incident.root_cause,
                "changes": incident.closing_summary,
            }
        ),
        "matter_form": bound.get("matter")
        or forms.MatterForm(matters=svc.matters_to_offer(scope, incident)),
        "generate_form": bound.get("generate") or forms.GenerateForm(),
        "notice_form": bound.get("notice") or forms.NoticeForm(),
        "zone": tz,
    }
    return render(request, DETAIL, context, status=status)


def _act(request, scope, incident, name, form, do, *, notice=None, done: str):
    """Run ``do(**cleaned_data)`` for a valid ``form`` (its fields are named as
    the service's arguments); back to the page with a message, or the page
    again with the form and its error."""
    if form.is_valid():
        try:
            do(**form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, done)
            return see_other(svc.incident_url(incident))
    return _detail(
        request, scope, incident, bound={name: form}, bound_notice=notice, status=400
    )


@require_POST
def incident_findings(request, firm_slug, incident_id):
    scope = _worker_scope(request)
    incident = svc.access_incident(scope, incident_id)
    return _act(
        request,
        scope,
        incident,
        "findings",
        forms.FindingsForm(request.POST),
        partial(svc.incident_findings_save, scope=scope, incident=incident),
        done="Findings saved.",
    )


@require_POST
def incident_matter_add(request, firm_slug, incident_id):
    scope = _worker_scope(request)
    incident = svc.access_incident(scope, incident_id)
    return _act(
        request,
        scope,
        incident,
        "matter",
        forms.MatterForm(request.POST, matters=svc.matters_to_offer(scope, incident)),
        partial(svc.incident_matter_add, scope=scope, incident=incident),
        done="Matter added. Its clients are listed under “Who must be told”.",
    )


def _manager_scope(request):
    scope = _worker_scope(request)
    forbidden_if(not svc.may_manage(scope))
    return scope


@require_POST
def notices_generate(request, firm_slug, incident_id):
    scope = _manager_scope(request)
    incident = svc.access_incident(scope, incident_id)
    made: list = []
    response = _act(
        request,
        scope,
        incident,
        "generate",
        forms.GenerateForm(request.POST),
        lambda **d: made.extend(
            svc.notices_generate(scope=scope, incident=incident, **d)
        ),
        done="Client notices listed.",
    )
    if response.status_code == 303 and not made:
        messages.info(request, "Every client was on the list already.")
    return response


@require_POST
def notice_add(request, firm_slug, incident_id):
    scope = _manager_scope(request)
    incident = svc.access_incident(scope, incident_id)
    return _act(
        request,
        scope,
        incident,
        "notice",
        forms.NoticeForm(request.POST),
        partial(svc.notice_add, scope=scope, incident=incident),
        done="Notice added.",
    )


def _notice(scope, incident_id, notice_id):
    incident = svc.access_incident(scope, incident_id)
    return incident, svc.access_notice(scope, incident, notice_id)


def _notice_action(name: str, *, admins_only: bool, form, service, done: str):
    """A POST on one notice: ``form(data, scope)`` checked, then ``service``
    called with its fields; ``done`` names the recipient."""

    @require_POST
    def view(request, firm_slug, incident_id, notice_id):
        scope = _manager_scope(request) if admins_only else _worker_scope(request)
        incident, notice = _notice(scope, incident_id, notice_id)
        return _act(
            request,
            scope,
            incident,
            name,
            form(request.POST, scope),
            partial(service, scope=scope, notice=notice),
            notice=notice,
            done=done.format(notice.recipient_name),
        )

    return view


notice_task = _notice_action(
    "task",
    admins_only=True,
    form=lambda data, scope: forms.TaskForm(data, people=svc.firm_people(scope.firm)),
    service=svc.notice_task_create,
    done="Task created for the notice to {}.",
)
notice_sent = _notice_action(
    "sent",
    admins_only=False,
    form=lambda data, scope: forms.SentForm(data),
    service=svc.notice_mark_sent,
    done="Notice to {} marked sent.",
)
notice_not_needed = _notice_action(
    "not_needed",
    admins_only=True,
    form=lambda data, scope: forms.NotNeededForm(data),
    service=svc.notice_not_needed,
    done="Notice to {} marked not needed.",
)


@require_POST
def incident_close(request, firm_slug, incident_id):
    scope = _manager_scope(request)
    incident = svc.access_incident(scope, incident_id)
    try:
        svc.incident_close(scope=scope, incident=incident)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, "Incident closed. Download the closing report for your file."
        )
    return see_other(svc.incident_url(incident))


def incident_report(request, firm_slug, incident_id):
    """The closing report: client data leaving FirmDesk, so the person confirms
    who they are first (``sensitive``), after the access check, so someone
    without access still gets a 404 and not a password prompt."""
    scope = _worker_scope(request)
    incident = svc.access_incident(scope, incident_id)
    return _report_download(request, scope, incident)


@sensitive
def _report_download(request, scope, incident):
    data = incident_report_pdf(scope, incident)
    svc.incident_report_downloaded(scope=scope, incident=incident)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"incident-report-{incident.discovered_at:%Y-%m-%d}.pdf"
    )
    return response


# --- The provider staff's report page -------------------------------------------


def _reporter_scope(request):
    scope = request.scope
    forbidden_if(not svc.may_report(scope))
    return scope


@require_http_methods(["GET", "POST"])
def report_new(request, firm_slug):
    scope = _reporter_scope(request)
    form = forms.IncidentForm(request.POST or None, tz=viewer_zone(request, scope))
    return _record(
        request,
        scope,
        form,
        template="web/incidents/report_new.html",
        done_message="Thank you. The firm has been told and will follow it up.",
        done_url=lambda incident: _report_url(scope, incident),
        extra={"reports": svc.incidents_for(scope)},
    )


def _report_url(scope, incident) -> str:
    return reverse(
        "incidents:report_detail",
        kwargs={"firm_slug": scope.firm.slug, "incident_id": incident.public_id},
    )


def report_detail(request, firm_slug, incident_id):
    scope = _reporter_scope(request)
    incident = svc.access_incident(scope, incident_id)
    return render(request, "web/incidents/report_detail.html", {"incident": incident})
