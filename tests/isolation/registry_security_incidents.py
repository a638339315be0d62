"""Isolation registry entries for the incident (breach) workflow (format:
registry.py).

The firm's incident pages are for its admins and attorneys
(``compliance.incidents.may_work``); setting notices, their tasks and closing
for its admins only. In-house staff and provider staff get 404. The provider's
staff have the report page, and the status page of their OWN reports only:
another person's report, or the assistant's own report to firm B under firm
A's slug, is a 404. POST routes are sent empty: those that need typed fields
come back as the page with the form's error (400) and change nothing."""

from firmdesk.compliance.models import Incident, IncidentNotice

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

WORKERS = ("firm_admin", "attorney")
NOT_WORKERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")
NOT_MANAGERS = (*NOT_WORKERS, "attorney")


def _incident(f) -> dict:
    return {**_firm(f), "incident_id": f.incidents_incident.public_id}


def _other_incident(f) -> dict:
    return {**_firm(f), "incident_id": f.incidents_other_incident.public_id}


def _notice(f) -> dict:
    return {**_incident(f), "notice_id": f.incidents_notice.public_id}


def _other_notice(f) -> dict:
    return {**_other_incident(f), "notice_id": f.incidents_other_notice.public_id}


def _closable(f) -> dict:
    return {**_firm(f), "incident_id": f.incidents_closable.public_id}


def _report(f) -> dict:
    return {**_firm(f), "incident_id": f.incidents_report.public_id}


def _other_report(f) -> dict:
    return {**_firm(f), "incident_id": f.incidents_other_report.public_id}


def _containment(f) -> str:
    return Incident.unscoped.get(pk=f.incidents_incident.pk).containment


def _sent(f):
    return IncidentNotice.unscoped.get(pk=f.incidents_notice.pk).sent_on


def _closed(f) -> str:
    return Incident.unscoped.get(pk=f.incidents_closable.pk).status


def _worker_page(name, kwargs=_incident, foreign=_other_incident, **extra):
    return Route(
        name,
        kwargs=kwargs,
        foreign_kwargs=foreign,
        allowed=WORKERS,
        denied=NOT_WORKERS,
        **extra,
    )


def _manager_form(name, kwargs=_incident, foreign=_other_incident):
    return Route(
        name,
        kwargs=kwargs,
        foreign_kwargs=foreign,
        method="POST",
        success=400,
        allowed=("firm_admin",),
        denied=NOT_MANAGERS,
        why="sent empty: the page again with the form's error, nothing made",
    )


ROUTES: list = [
    Route(
        "incidents:incident_list",
        kwargs=_firm,
        allowed=WORKERS,
        denied=NOT_WORKERS,
        why="the firm's incidents and the notices due: its admins and attorneys",
    ),
    Route(
        "incidents:incident_new",
        kwargs=_firm,
        allowed=WORKERS,
        denied=NOT_WORKERS,
        why="provider staff report through incidents:report_new instead",
    ),
    _worker_page("incidents:incident_detail"),
    _worker_page(
        "incidents:incident_findings",
        method="POST",
        success=303,
        state=_containment,
        why="sent empty, the findings are saved empty (the fixture had some)",
    ),
    _worker_page(
        "incidents:matter_add",
        method="POST",
        success=400,
        why="sent empty: the page again with “Fill in Matter affected”",
    ),
    _worker_page(
        "incidents:notice_sent",
        kwargs=_notice,
        foreign=_other_notice,
        method="POST",
        success=303,
        state=_sent,
        why="sent empty, the notice is marked sent today",
    ),
    _manager_form("incidents:notices_generate"),
    _manager_form("incidents:notice_add"),
    _manager_form("incidents:notice_task", kwargs=_notice, foreign=_other_notice),
    _manager_form("incidents:notice_not_needed", kwargs=_notice, foreign=_other_notice),
    Route(
        "incidents:incident_close",
        kwargs=_closable,
        foreign_kwargs=_other_incident,
        method="POST",
        success=303,
        state=_closed,
        allowed=("firm_admin",),
        denied=NOT_MANAGERS,
        why="closing signs the report off: the firm's admins only",
    ),
    _worker_page(
        "incidents:incident_report",
        why="client data leaving FirmDesk: behind web.accounts.reauth (signing "
        "in counts as confirming); the prompt for a stale confirmation and the "
        "PDF's text are checked in tests/web/test_incidents.py",
    ),
    Route(
        "incidents:report_new",
        kwargs=_firm,
        allowed=PROVIDER_STAFF_IN_FIRM,
        denied=(*NO_FIRM_ACCESS, *FIRM_MEMBERS),
        why="the provider's staff tell the firm here; the firm has its own pages",
    ),
    Route(
        "incidents:report_detail",
        kwargs=_report,
        foreign_kwargs=_other_report,
        allowed=("assistant",),
        denied=(*NO_FIRM_ACCESS, *FIRM_MEMBERS, "ungranted_assistant"),
        why="the reporter's own report only: another member of the same team, "
        "and the firm's people (who have the full page), get 404",
    ),
]
