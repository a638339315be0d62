"""The breach-notification workflow through its services (compliance.incidents):
recording, affected matters, notices per client with the firm's due dates,
tasks through the work services, closing, and the closing report as a PDF."""

import datetime
import io

import pytest
from django.http import Http404
from django.utils import timezone
from pypdf import PdfReader

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.compliance import incidents as svc
from firmdesk.compliance.incidents_pdf import incident_report_pdf
from firmdesk.compliance.models import Incident, IncidentNotice
from firmdesk.matters.models import Contact, MatterParty, MatterScreen
from firmdesk.notify.models import Notification
from firmdesk.work.models import Task
from tests import factories as f

DISCOVERED = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


@pytest.fixture
def client_contact(firm, matter):
    contact = Contact.unscoped.create(firm=firm, kind="person", name="Maria Lopez")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


@pytest.fixture
def second_matter(firm, attorney):
    second = f.MatterFactory(
        firm=firm,
        number="M-2026-002",
        title="Lopez estate",
        responsible_attorney=attorney,
    )
    return second


def _record(scope, **extra):
    fields = {
        "title": "Settlement letter e-mailed to the wrong client",
        "kind": Incident.Kind.MISDIRECTED,
        "description": "The letter for Lopez went to another client's address.",
        "discovered_at": DISCOVERED,
        "occurred_at": DISCOVERED - datetime.timedelta(hours=3),
    }
    return svc.incident_record(scope=scope, **{**fields, **extra})


def test_recording_an_incident_tells_every_firm_admin_and_is_audited(
    firm, firm_admin, attorney
):
    incident = _record(resolve_scope(attorney, firm))
    notes = Notification.objects.filter(kind="incident.recorded")
    assert [n.user for n in notes] == [firm_admin]
    assert str(incident.public_id) in notes[0].url
    event = AuditEvent.objects.get(action="incident.recorded")
    assert event.object_id == str(incident.public_id)
    assert event.actor == attorney


def test_discovery_cannot_come_before_it_happened(admin_scope):
    with pytest.raises(ServiceError) as error:
        _record(admin_scope, occurred_at=DISCOVERED + datetime.timedelta(hours=1))
    assert error.value.field == "occurred_at"


def test_in_house_staff_cannot_record_or_open_incidents(firm, firm_staff, admin_scope):
    incident = _record(admin_scope)
    staff = resolve_scope(firm_staff, firm)
    with pytest.raises(ServiceError):
        _record(staff)
    with pytest.raises(Http404):
        svc.access_incident(staff, incident.public_id)


def test_provider_reporter_sees_only_their_own_report(
    firm, assistant, ungranted_assistant, admin_scope, engagement
):
    theirs = _record(resolve_scope(assistant, firm))
    other = _record(admin_scope)
    scope = resolve_scope(assistant, firm)
    assert theirs.engagement == engagement
    assert list(svc.incidents_for(scope)) == [theirs]
    with pytest.raises(Http404):
        svc.access_incident(scope, other.public_id)
    with pytest.raises(Http404):
        svc.access_incident(resolve_scope(ungranted_assistant, firm), theirs.public_id)


def test_screened_matter_is_neither_offered_nor_accepted(
    firm, attorney, matter, second_matter, admin_scope
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    scope = resolve_scope(attorney, firm)
    incident = _record(admin_scope)
    assert list(svc.matters_to_offer(scope, incident)) == [second_matter]
    with pytest.raises(ServiceError) as error:
        svc.incident_matter_add(
            scope=scope, incident=incident, matter=matter, what_was_exposed="letter"
        )
    assert error.value.field == "matter"


def test_one_notice_per_client_contact_due_the_days_the_admin_typed(
    firm, matter, second_matter, client_contact, admin_scope
):
    other_client = Contact.unscoped.create(firm=firm, kind="person", name="Ana Ruiz")
    MatterParty.unscoped.create(
        firm=firm, matter=second_matter, contact=client_contact, role="client"
    )
    MatterParty.unscoped.create(
        firm=firm, matter=second_matter, contact=other_client, role="client"
    )
    adverse = Contact.unscoped.create(firm=firm, kind="person", name="Acme Corp")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=adverse, role="adverse"
    )
    incident = _record(admin_scope)
    for m in (matter, second_matter):
        svc.incident_matter_add(
            scope=admin_scope, incident=incident, matter=m, what_was_exposed="address"
        )
    made = svc.notices_generate(scope=admin_scope, incident=incident, days=30)
    assert sorted(n.recipient_name for n in made) == ["Ana Ruiz", "Maria Lopez"]
    # Discovered 2 March (UTC afternoon is 2 March in New York too): 30 days on.
    assert {n.due_on for n in made} == {datetime.date(2026, 4, 1)}
    assert all(n.recipient_kind == "client" for n in made)
    lopez = next(n for n in made if n.contact == client_contact)
    assert "M-2026-001" in lopez.note and "M-2026-002" in lopez.note
    incident.refresh_from_db()
    assert incident.status == Incident.Status.NOTIFYING
    again = svc.notices_generate(scope=admin_scope, incident=incident, days=10)
    assert again == []


@pytest.mark.parametrize("days", [-1, 366, "thirty"])
def test_due_days_out_of_range_are_refused_in_plain_words(admin_scope, days):
    incident = _record(admin_scope)
    with pytest.raises(ServiceError, match="number of days"):
        svc.notice_add(
            scope=admin_scope,
            incident=incident,
            recipient_kind="insurer",
            recipient_name="Cyber insurer",
            days=days,
        )


def test_overdue_notices_stand_out_in_the_due_list(admin_scope):
    incident = _record(admin_scope)
    late = svc.notice_add(
        scope=admin_scope,
        incident=incident,
        recipient_kind="insurer",
        recipient_name="Cyber insurer",
        days=3,
    )
    later = svc.notice_add(
        scope=admin_scope,
        incident=incident,
        recipient_kind="bar",
        recipient_name="State Bar",
        due_on=datetime.date(2026, 4, 30),
    )
    due = svc.notices_due(admin_scope, today=datetime.date(2026, 3, 10))
    assert [(n.pk, n.overdue) for n in due] == [(late.pk, True), (later.pk, False)]


def _client_notice_with_task(scope, matter, assignee):
    incident = _record(scope)
    svc.incident_matter_add(
        scope=scope, incident=incident, matter=matter, what_was_exposed="letter"
    )
    (notice,) = svc.notices_generate(scope=scope, incident=incident, days=30)
    task = svc.notice_task_create(scope=scope, notice=notice, assignee=assignee)
    return notice, task


def test_notice_task_is_a_real_task_and_sending_completes_it(
    firm, attorney, matter, client_contact, admin_scope
):
    notice, task = _client_notice_with_task(admin_scope, matter, attorney)
    assert task.assignee == attorney and task.engagement is None
    assert task.matter == matter
    notice.refresh_from_db()
    assert notice.task == task
    svc.notice_mark_sent(
        scope=resolve_scope(attorney, firm), notice=notice, method="Letter"
    )
    task.refresh_from_db()
    assert task.status == Task.Status.DONE
    notice.refresh_from_db()
    assert notice.sent_on == svc.firm_today(firm) and notice.sent_by == attorney


def test_sending_by_someone_else_leaves_the_task_open_with_a_comment(
    firm, attorney, matter, client_contact, admin_scope
):
    notice, task = _client_notice_with_task(admin_scope, matter, attorney)
    svc.notice_mark_sent(scope=admin_scope, notice=notice)
    task.refresh_from_db()
    assert task.is_open
    assert "marked the notice sent" in task.comments.get().body


def test_screened_person_cannot_be_given_the_notice_task(
    firm, attorney, matter, client_contact, admin_scope
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    incident = _record(admin_scope)
    svc.incident_matter_add(
        scope=admin_scope, incident=incident, matter=matter, what_was_exposed="letter"
    )
    (notice,) = svc.notices_generate(scope=admin_scope, incident=incident, days=30)
    with pytest.raises(ServiceError, match="may not see M-2026-001"):
        svc.notice_task_create(scope=admin_scope, notice=notice, assignee=attorney)


def test_close_is_refused_while_a_notice_is_open_and_says_which(admin_scope):
    incident = _record(admin_scope)
    svc.incident_findings_save(
        scope=admin_scope,
        incident=incident,
        containment="Recipient deleted it",
        root_cause="Autocomplete",
        changes="Autocomplete off",
    )
    svc.notice_add(
        scope=admin_scope,
        incident=incident,
        recipient_kind="insurer",
        recipient_name="Lawyers Mutual",
        due_on=datetime.date(2026, 3, 20),
    )
    with pytest.raises(ServiceError) as error:
        svc.incident_close(scope=admin_scope, incident=incident)
    assert "Lawyers Mutual" in error.value.message
    assert "20 Mar 2026" in error.value.message
    incident.refresh_from_db()
    assert incident.status != Incident.Status.CLOSED


def test_close_is_refused_without_findings(admin_scope):
    incident = _record(admin_scope)
    with pytest.raises(ServiceError, match="the root cause"):
        svc.incident_close(scope=admin_scope, incident=incident)


def test_not_needed_needs_a_reason_and_cancels_the_task(firm, attorney, admin_scope):
    incident = _record(admin_scope)
    notice = svc.notice_add(
        scope=admin_scope,
        incident=incident,
        recipient_kind="police",
        recipient_name="City police",
        days=5,
    )
    task = svc.notice_task_create(scope=admin_scope, notice=notice, assignee=attorney)
    with pytest.raises(ServiceError) as error:
        svc.notice_not_needed(scope=admin_scope, notice=notice, reason=" ")
    assert error.value.field == "reason"
    svc.notice_not_needed(scope=admin_scope, notice=notice, reason="Nothing stolen")
    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED


def test_attorney_cannot_close_or_set_notices(firm, attorney, admin_scope):
    incident = _record(admin_scope)
    scope = resolve_scope(attorney, firm)
    with pytest.raises(ServiceError):
        svc.incident_close(scope=scope, incident=incident)
    with pytest.raises(ServiceError):
        svc.notices_generate(scope=scope, incident=incident, days=30)


def _closed(scope, matter):
    incident = _record(scope)
    svc.incident_matter_add(
        scope=scope,
        incident=incident,
        matter=matter,
        what_was_exposed="Client address and settlement figure",
    )
    (client_notice,) = svc.notices_generate(scope=scope, incident=incident, days=30)
    svc.notice_mark_sent(
        scope=scope,
        notice=client_notice,
        sent_on=datetime.date(2026, 3, 4),
        method="Certified letter",
    )
    insurer = svc.notice_add(
        scope=scope,
        incident=incident,
        recipient_kind="insurer",
        recipient_name="Lawyers Mutual",
        days=2,
    )
    svc.notice_not_needed(scope=scope, notice=insurer, reason="Below the deductible")
    svc.incident_findings_save(
        scope=scope,
        incident=incident,
        containment="The recipient confirmed deleting the e-mail",
        root_cause="E-mail autocomplete picked the wrong Lopez",
        changes="Autocomplete switched off for client addresses",
    )
    return svc.incident_close(scope=scope, incident=incident)


def test_closing_report_pdf_holds_matters_notices_timeline_and_sign_off(
    firm, firm_admin, matter, client_contact, admin_scope
):
    incident = _closed(admin_scope, matter)
    assert incident.status == Incident.Status.CLOSED
    reader = PdfReader(io.BytesIO(incident_report_pdf(admin_scope, incident)))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = " ".join(text.split())
    for expected in (
        "Incident closing report",
        "Settlement letter e-mailed to the wrong client",
        "M-2026-001",
        "Client address and settlement figure",
        "Maria Lopez",
        "Certified letter",
        "Lawyers Mutual",
        "Below the deductible",
        "E-mail autocomplete picked the wrong Lopez",
        "signed off by Grace Hale",
        "Named M-2026-001 as affected",
        "admin@hale.test",
    ):
        assert expected in text, expected
    assert "Draft" not in text


def test_closed_incident_cannot_change(
    firm, attorney, matter, client_contact, admin_scope
):
    incident = _closed(admin_scope, matter)
    notice = IncidentNotice.objects.for_firm(firm).get(recipient_kind="insurer")
    with pytest.raises(ServiceError, match="closed"):
        svc.notice_task_create(scope=admin_scope, notice=notice, assignee=attorney)
    with pytest.raises(ServiceError, match="closed"):
        svc.notice_add(
            scope=admin_scope,
            incident=incident,
            recipient_kind="bar",
            recipient_name="Bar",
            days=1,
        )


def test_sent_date_in_the_future_is_refused(admin_scope):
    incident = _record(admin_scope)
    notice = svc.notice_add(
        scope=admin_scope,
        incident=incident,
        recipient_kind="bar",
        recipient_name="State Bar",
        days=1,
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    with pytest.raises(ServiceError) as error:
        svc.notice_mark_sent(scope=admin_scope, notice=notice, sent_on=tomorrow)
    assert error.value.field == "sent_on"
    assert IncidentNotice.objects.for_firm(notice.firm).get().sent_on is None
