"""The incident pages as the people using them meet them: a firm admin works
an incident from record to closing report, an attorney sends a notice, an
assistant reports a problem and sees only their own report."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from firmdesk.compliance.models import Incident, IncidentNotice
from firmdesk.matters.models import Contact, MatterParty, MatterScreen
from firmdesk.notify.models import Notification
from firmdesk.web.accounts.reauth import SESSION_KEY
from firmdesk.work.models import Task
from tests import factories as f

SLUG = "hale-ortiz"


@pytest.fixture
def client_contact(firm, matter):
    contact = Contact.unscoped.create(firm=firm, kind="person", name="Maria Lopez")
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


def _url(name, **kwargs):
    return reverse(f"incidents:{name}", kwargs={"firm_slug": SLUG, **kwargs})


def _record_form(**extra):
    return {
        "title": "Settlement letter e-mailed to the wrong client",
        "kind": "misdirected",
        "severity": "high",
        "description": "The Lopez letter went to another client.",
        "occurred_at": "2026-03-02T09:00",
        "discovered_at": "2026-03-02T11:30",
        **extra,
    }


def _post_ok(client, url, data=None):
    response = client.post(url, data or {})
    assert response.status_code == 303, response.content.decode()[:3000]
    return response


def _incident():
    return Incident.unscoped.get()


def test_the_whole_flow_from_record_to_closing_report(
    client, firm, firm_admin, attorney, matter, client_contact
):
    admin = f.sign_in(client, firm_admin)
    _post_ok(admin, _url("incident_new"), _record_form())
    incident = _incident()
    iid = incident.public_id
    page = admin.get(_url("incident_detail", incident_id=iid))
    assert "Lopez v. Acme" in page.content.decode()  # offered as affected
    _post_ok(
        admin,
        _url("matter_add", incident_id=iid),
        {"matter": matter.public_id, "what_was_exposed": "Address and figure"},
    )
    _post_ok(admin, _url("notices_generate", incident_id=iid), {"days": "30"})
    _post_ok(
        admin,
        _url("notice_add", incident_id=iid),
        {
            "recipient_kind": "insurer",
            "recipient_name": "Lawyers Mutual",
            "due_on": "2026-03-05",
        },
    )
    client_notice = IncidentNotice.unscoped.get(recipient_kind="client")
    insurer = IncidentNotice.unscoped.get(recipient_kind="insurer")
    assert client_notice.recipient_name == "Maria Lopez"
    assert str(client_notice.due_on) == "2026-04-01"
    _post_ok(
        admin,
        _url("notice_task", incident_id=iid, notice_id=client_notice.public_id),
        {"assignee": str(attorney.public_id)},
    )
    task = Task.unscoped.get()
    assert task.assignee == attorney

    lawyer = f.sign_in(client.__class__(), attorney)
    _post_ok(
        lawyer,
        _url("notice_sent", incident_id=iid, notice_id=client_notice.public_id),
        {"sent_on": "2026-03-03", "method": "Certified letter"},
    )
    task.refresh_from_db()
    assert task.status == Task.Status.DONE

    closing = admin.post(_url("incident_close", incident_id=iid), follow=True)
    body = closing.content.decode()
    assert "Not ready to close" in body and "Lawyers Mutual" in body
    _post_ok(
        admin,
        _url("notice_not_needed", incident_id=iid, notice_id=insurer.public_id),
        {"reason": "Below the policy's notice threshold"},
    )
    _post_ok(
        admin,
        _url("incident_findings", incident_id=iid),
        {
            "containment": "The recipient deleted it",
            "root_cause": "Autocomplete chose the wrong address",
            "changes": "Autocomplete off for client e-mail",
        },
    )
    _post_ok(admin, _url("incident_close", incident_id=iid))
    incident.refresh_from_db()
    assert incident.status == Incident.Status.CLOSED
    assert incident.closed_by == firm_admin

    pdf = admin.get(_url("incident_report", incident_id=iid))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(
        " ".join(
            p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages
        ).split()
    )
    for expected in (
        "M-2026-001",
        "Maria Lopez",
        "Certified letter",
        "Below the policy's notice threshold",
        "Autocomplete chose the wrong address",
        "signed off by Grace Hale",
        "Closed and signed off",
    ):
        assert expected in text, expected


def test_a_form_with_a_mistake_keeps_what_was_typed(client, firm_admin):
    admin = f.sign_in(client, firm_admin)
    response = admin.post(_url("incident_new"), _record_form(discovered_at=""))
    assert response.status_code == 400
    body = response.content.decode()
    assert "Fill in “When it was discovered" in body
    assert "The Lopez letter went to another client." in body
    assert not Incident.unscoped.exists()


def test_discovery_before_it_happened_is_refused_next_to_the_field(client, firm_admin):
    admin = f.sign_in(client, firm_admin)
    response = admin.post(
        _url("incident_new"), _record_form(occurred_at="2026-03-03T09:00")
    )
    assert response.status_code == 400
    assert "cannot have happened after it was discovered" in response.content.decode()


def test_screened_matter_is_not_offered_nor_accepted_on_the_page(
    client, firm, firm_admin, attorney, matter
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    lawyer = f.sign_in(client, attorney)
    _post_ok(lawyer, _url("incident_new"), _record_form())
    iid = _incident().public_id
    page = lawyer.get(_url("incident_detail", incident_id=iid)).content.decode()
    assert "M-2026-001" not in page
    response = lawyer.post(
        _url("matter_add", incident_id=iid),
        {"matter": matter.public_id, "what_was_exposed": "address"},
    )
    assert response.status_code == 400
    assert "Choose one of the matters in the list." in response.content.decode()
    assert not _incident().affected.exists()


def test_overdue_notice_stands_out_on_the_list(client, firm_admin):
    admin = f.sign_in(client, firm_admin)
    _post_ok(admin, _url("incident_new"), _record_form())
    _post_ok(
        admin,
        _url("notice_add", incident_id=_incident().public_id),
        {"recipient_kind": "bar", "recipient_name": "State Bar", "days": "1"},
    )
    body = admin.get(_url("incident_list")).content.decode()
    row = re.search(r'<tr class="table-danger">.*?</tr>', body, re.S)
    assert row and "State Bar" in row.group(0) and "Overdue" in row.group(0)


def test_list_page_queries_stay_flat(client, firm_admin, django_assert_max_num_queries):
    admin = f.sign_in(client, firm_admin)
    for n in range(3):
        _post_ok(admin, _url("incident_new"), _record_form(title=f"Incident {n}"))
        _post_ok(
            admin,
            _url("notice_add", incident_id=Incident.unscoped.latest("pk").public_id),
            {"recipient_kind": "bar", "recipient_name": "State Bar", "days": "5"},
        )
    with django_assert_max_num_queries(20):
        assert admin.get(_url("incident_list")).status_code == 200


def test_the_report_asks_for_the_password_again_when_the_confirmation_is_stale(
    client, firm_admin
):
    admin = f.sign_in(client, firm_admin)
    _post_ok(admin, _url("incident_new"), _record_form())
    session = admin.session
    session.pop(SESSION_KEY, None)
    session.save()
    response = admin.get(_url("incident_report", incident_id=_incident().public_id))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:confirm"))


def test_assistant_reports_a_problem_and_sees_only_their_own_reports(
    client, firm, firm_admin, assistant, absent_assistant, ungranted_assistant
):
    other = f.sign_in(client.__class__(), ungranted_assistant)
    _post_ok(other, _url("report_new"), _record_form(title="Gus's report"))
    staff = f.sign_in(client, assistant)
    response = staff.post(_url("report_new"), _record_form(title="Priya's report"))
    assert response.status_code == 303
    mine = Incident.unscoped.get(title="Priya's report")
    assert response.url == _url("report_detail", incident_id=mine.public_id)
    assert (
        Notification.objects.filter(user=firm_admin, kind="incident.recorded").count()
        == 2
    )
    page = staff.get(_url("report_new")).content.decode()
    assert "Priya&#x27;s report" in page and "Gus" not in page
    theirs = Incident.unscoped.get(title="Gus's report")
    assert (
        staff.get(_url("report_detail", incident_id=theirs.public_id)).status_code
        == 404
    )
    assert (
        staff.get(_url("incident_detail", incident_id=mine.public_id)).status_code
        == 404
    )
    status_page = staff.get(_url("report_detail", incident_id=mine.public_id))
    assert "The firm is looking into it." in status_page.content.decode()


def test_nav_shows_incidents_to_the_firm_and_report_to_provider_staff(
    client, firm_admin, attorney, firm_staff, assistant
):
    incidents, report = _url("incident_list"), _url("report_new")
    for user, sees, hides in (
        (firm_admin, incidents, report),
        (attorney, incidents, report),
        (assistant, report, incidents),
    ):
        body = (
            f.sign_in(client.__class__(), user)
            .get(reverse("today:firm_today", args=[SLUG]))
            .content.decode()
        )
        assert f'href="{sees}"' in body and f'href="{hides}"' not in body
    body = (
        f.sign_in(client.__class__(), firm_staff)
        .get(reverse("today:firm_today", args=[SLUG]))
        .content.decode()
    )
    assert f'href="{incidents}"' not in body and f'href="{report}"' not in body


def test_due_days_the_admin_types_are_checked_and_the_law_note_is_shown(
    client, firm_admin, matter, client_contact
):
    admin = f.sign_in(client, firm_admin)
    _post_ok(admin, _url("incident_new"), _record_form())
    iid = _incident().public_id
    page = admin.get(_url("incident_detail", incident_id=iid)).content.decode()
    assert "The law decides the deadline" in page and "FirmDesk does not" in page
    response = admin.post(_url("notices_generate", incident_id=iid), {"days": "400"})
    assert response.status_code == 400
    assert "between 0 and 365" in response.content.decode()
    assert not IncidentNotice.unscoped.exists()


def test_a_notice_task_for_someone_outside_the_list_is_refused(
    client, firm_admin, outsider
):
    admin = f.sign_in(client, firm_admin)
    _post_ok(admin, _url("incident_new"), _record_form())
    iid = _incident().public_id
    _post_ok(
        admin,
        _url("notice_add", incident_id=iid),
        {"recipient_kind": "police", "recipient_name": "City police", "days": "3"},
    )
    notice = IncidentNotice.unscoped.get()
    response = admin.post(
        _url("notice_task", incident_id=iid, notice_id=notice.public_id),
        {"assignee": str(outsider.public_id)},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose someone of the firm from the list." in body
    assert "<details open>" in body  # the notice's forms stay open at the error
    assert not Task.unscoped.exists()
