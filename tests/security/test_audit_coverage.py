"""Every read of client data that matters writes an audit event (issue 20,
Build 4; DESIGN.md: "Reads and changes of client data write an AuditEvent").

``READS`` declares the routes that read a client's data in a way a firm must
be able to show later (a matter page, a document download, an export, a feed):
each is requested as someone allowed to, in the isolation test's world
(tests/isolation), and must leave exactly the event named here, with the
person who asked and the matter it was about. List pages are deliberately not
here: an audit row on every read is a write on every GET (PITFALLS.md), so the
trail records the opening of a row, not the scrolling past it.

``test_every_download_export_or_feed_route_is_declared`` fails when a route
whose name says it hands out a file (…_download, …_export, …_csv, …_pdf,
…_ledes, …_ics, …feed, …_document, …_attachment, …_receipt, …_letter,
…_agreement) is neither in ``READS`` nor in ``NOT_READS`` with a reason: a new
export cannot ship unaudited without someone writing down why."""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from firmdesk.audit.models import AuditEvent
from tests.isolation.conftest import *  # noqa: F403 (the isolation world's fixtures)
from tests.isolation.registry import ANONYMOUS, ROUTES, walk


@dataclass(frozen=True)
class Read:
    route: str
    who: str
    action: str
    matter: str | None = "matter"  # fixture of the matter it is about, or None
    actor: str | None = ""  # who the event names, when not ``who``


READS = [
    # Matters, contacts, conflict checks
    Read("matters:matter_detail", "assistant", "matter.viewed"),
    Read("matters:contact_detail", "attorney", "contact.viewed", matter=None),
    Read("matters:contact_export", "firm_admin", "contacts.exported", matter=None),
    Read(
        "matters:conflict_check_detail",
        "firm_admin",
        "conflict.check_viewed",
        matter=None,
    ),
    # Tasks and calendar
    Read("work:task_detail", "assistant", "task.viewed"),
    Read("work:task_attachment", "assistant", "document.downloaded"),
    Read("scheduling:event_detail", "assistant", "event.viewed"),
    Read("scheduling:matter_calendar", "assistant", "matter.calendar_viewed"),
    Read(
        "scheduling:calendar_feed",
        ANONYMOUS,
        "feed.read",
        matter=None,
        actor="attorney",  # the calendar app reading the attorney's own feed
    ),
    # Documents
    Read("documents:document_detail", "assistant", "document.viewed"),
    Read("documents:version_download", "assistant", "document.downloaded"),
    Read(
        "documents:template_download",
        "firm_admin",
        "document.downloaded",
        matter=None,
    ),
    Read("documents:exhibit_index_pdf", "attorney", "exhibits.exported"),
    Read("documents:exhibit_index_docx", "attorney", "exhibits.exported"),
    Read("shared:share_download", ANONYMOUS, "share.downloaded"),
    # Signed agreements (the firm holds them; read from three places)
    Read("engagements:signed_agreement", "firm_admin", "document.downloaded", None),
    Read("engagements:my_agreement_text", "assistant", "document.downloaded", None),
    Read(
        "engagements:provider_staff_agreement",
        "provider_admin",
        "document.downloaded",
        matter=None,
    ),
    # Intake
    Read("intake:lead_detail", "firm_admin", "intake.lead_viewed", matter=None),
    Read("intake:lead_document", "firm_admin", "document.downloaded", matter=None),
    # Billing
    Read("billing:invoice_detail", "firm_admin", "invoice.viewed"),
    Read("billing:invoice_pdf", "firm_admin", "invoice.pdf_downloaded"),
    Read("billing:invoice_ledes", "firm_admin", "invoice.ledes_exported"),
    Read(
        "billing:receivables_csv", "firm_admin", "billing.ageing_exported", matter=None
    ),
    Read(
        "billing:receivables_invoice",
        "firm_admin",
        "billing.invoice_collection_viewed",
    ),
    Read("billing:receivables_letter", "firm_admin", "document.downloaded"),
    Read("billing:review_row", "firm_admin", "billing.time_viewed"),
    Read("billing:expense_receipt", "firm_admin", "document.downloaded"),
    Read(
        "billing:provider_bill_document",
        "firm_admin",
        "document.downloaded",
        matter=None,
    ),
    # Insights and the audit trail itself
    Read("insights:dashboard_csv", "firm_admin", "insights.export", matter=None),
    Read(
        "insights:engagement_dashboard_csv",
        "firm_admin",
        "insights.export",
        matter=None,
    ),
    Read("insights:report_pdf", "firm_admin", "insights.report.downloaded", None),
    Read("audit:audit_export", "firm_admin", "audit.exported", matter=None),
    # Issue 20: the engagement's end, its signatures, incidents
    Read(
        "engagements:engagement_export_download",
        "firm_admin",
        "engagement.export_downloaded",
        matter=None,
    ),
    Read(
        "engagements:engagement_return_certificate",
        "firm_admin",
        "engagement.return_certificate_downloaded",
        matter=None,
    ),
    Read(
        "engagements:provider_return_pdf",
        "provider_admin",
        "engagement.return_certificate_downloaded",
        matter=None,
    ),
    Read(
        "engagements:agreement_signatures_csv",
        "firm_admin",
        "agreement_signatures.exported",
        matter=None,
    ),
    Read(
        "incidents:incident_report",
        "firm_admin",
        "incident.report_downloaded",
        matter=None,
    ),
]

# Routes whose name sounds like a file handed out but that read no client data.
NOT_READS = {
    "scheduling:feed_list": "the person's own feed addresses, no events",
    "engagements:agreement_text": "the confidentiality wording, no client data",
}

FILE_LIKE = re.compile(
    r"(download|export|csv|pdf|docx|ledes|ics|zip|feed|document|attachment"
    r"|receipt|letter|agreement|agreement_text)$"
)


def test_every_download_export_or_feed_route_is_declared():
    declared = {read.route for read in READS} | set(NOT_READS)
    file_like = {
        p.name
        for p in walk()
        if p.name
        and not p.name.startswith(("admin:", "api:"))  # api: api_registry.py
        and FILE_LIKE.search(p.name.split(":")[-1])
    }
    assert file_like, "the pattern must match today's downloads"
    missing = sorted(file_like - declared)
    assert not missing, (
        "These routes hand out files but are not in tests/security/"
        "test_audit_coverage.py: add each to READS with the audit action it writes "
        "(or to NOT_READS with why it reads no client data):\n" + "\n".join(missing)
    )


def test_declared_routes_exist_and_are_registered():
    names = {p.name for p in walk()}
    stale = [r.route for r in READS if r.route not in names or r.route not in ROUTES]
    assert stale == []
    assert [n for n in NOT_READS if n not in names] == []


def test_declared_readers_are_allowed_by_the_registry():
    wrong = [r.route for r in READS if r.who not in ROUTES[r.route].allowed]
    assert wrong == []


def _body(response):
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("read", READS, ids=[r.route for r in READS])
def test_allowed_read_writes_its_audit_event(client, fixtures, sign_in, read):
    route = ROUTES[read.route]
    fixtures.other_task  # firm B exists, as in the isolation matrix
    url = reverse(route.name, kwargs=route.url_kwargs(fixtures))
    who = fixtures.user(read.who)
    actor = fixtures.user(read.actor) if read.actor else who
    matter = getattr(fixtures, read.matter) if read.matter else None
    sign_in(client, who)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()

    response = client.post(url) if route.method == "POST" else client.get(url)
    assert response.status_code == route.success, response.status_code
    _body(response)

    new = AuditEvent.objects.filter(pk__gt=before or 0, action=read.action)
    assert [(e.actor_id, e.matter_id) for e in new] == [
        (actor.pk if actor else None, str(matter.public_id) if matter else "")
    ], [(e.action, e.actor_label, e.matter_id) for e in AuditEvent.objects.all()]


# --- Changes: the write paths found unaudited in review, now audited ---------------


def test_ticking_a_tasks_checklist_is_audited(assistant, assistant_task):
    from firmdesk.access.scope import resolve_scope
    from firmdesk.work.services import task_checklist

    scope = resolve_scope(assistant, assistant_task.firm)
    task_checklist(
        scope=scope, task=assistant_task, revision=assistant_task.revision, done=set()
    )
    event = AuditEvent.objects.get(action="task.checklist_ticked")
    assert (event.actor, event.object_id, event.matter_id) == (
        assistant,
        str(assistant_task.public_id),
        str(assistant_task.matter.public_id),
    )


def test_ticking_a_leads_checklist_is_audited(firm, firm_admin, lead):
    from firmdesk.access.scope import resolve_scope
    from firmdesk.intake.services import lead_checklist

    scope = resolve_scope(firm_admin, firm)
    lead_checklist(scope=scope, lead=lead, actor=firm_admin, done=[])
    event = AuditEvent.objects.get(action="intake.lead_checklist")
    assert (event.actor, event.object_id) == (firm_admin, str(lead.public_id))
