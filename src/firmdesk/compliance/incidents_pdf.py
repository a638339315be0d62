"""The closing report of an incident as a PDF (WeasyPrint): what happened,
the matters and clients affected, every notice with its dates, the timeline
from the incident's audit rows, the people involved and who signed it off.

The stylesheet is in the template and nothing else is fetched: the fetcher
refuses every address, so whatever the words typed into the incident say, the
PDF reads no file and reaches no server. Times are in the firm's zone.
"""

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from . import incidents as svc
from .models import Incident

TEMPLATE = "web/incidents/report_pdf.html"


class NothingFetched(URLFetcher):
    """No address at all: the report is made from its own HTML only."""

    def __init__(self):
        super().__init__(allowed_protocols=set(), allow_redirects=False)


def report_context(scope, incident: Incident) -> dict:
    notices = list(svc.notices_of(scope, incident))
    timeline = svc.timeline_of(scope, incident)
    return {
        "firm": scope.firm,
        "incident": incident,
        "affected": list(svc.affected_of(scope, incident)),
        "clients": svc.clients_of(scope, incident),
        "notices": notices,
        "timeline": timeline,
        "people": svc.people_involved(incident, notices, timeline),
        "made_at": timezone.now(),
    }


def incident_report_pdf(scope, incident: Incident) -> bytes:
    with timezone.override(scope.firm.tz):
        html = render_to_string(TEMPLATE, report_context(scope, incident))
    return HTML(string=html, url_fetcher=NothingFetched()).write_pdf()
