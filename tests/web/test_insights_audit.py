"""Time-audit pages: starting an audit, the week grid that keeps what was
typed, the results beside the industry figure, importing a file (check,
then import), closing and reopening, and who sees what."""

import base64
import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.insights import time_audit
from firmdesk.insights.models import TimeAudit, TimeAuditEntry
from tests import factories as f

D = Decimal
MON = datetime.date(2026, 3, 2)
TUE = datetime.date(2026, 3, 3)
FRI = datetime.date(2026, 3, 6)


@pytest.fixture
def audit(firm, attorney, firm_staff):
    return time_audit.audit_create(
        scope=resolve_scope(attorney, firm),
        title="First week of March",
        start_date=MON,
        end_date=FRI,
    )


def url(name, audit, **query):
    path = reverse(f"insights:{name}", args=[audit.firm.slug, audit.public_id])
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return path


def cell(day, category):
    return f"h_{day:%Y%m%d}_{category}"


def hours_of(audit, person):
    return time_audit.recorded_hours(audit, person)


def text(response):
    return re.sub(r"\s+", " ", response.content.decode())


# --- The list and starting an audit ---------------------------------------------------


def test_attorney_starts_an_audit_from_the_list(client, firm, attorney):
    f.sign_in(client, attorney)
    page = reverse("insights:audit_list", args=[firm.slug])
    assert "Start the audit" in client.get(page).content.decode()
    response = client.post(
        page,
        {"title": "Two weeks", "start_date": "2026-03-02", "end_date": "2026-03-13"},
    )
    assert response.status_code == 303
    audit = TimeAudit.objects.for_firm(firm).get()
    assert response.url == url("audit_detail", audit)
    assert (audit.start_date, audit.end_date) == (MON, datetime.date(2026, 3, 13))


def test_a_bad_audit_keeps_what_was_typed_and_says_what_to_fix(client, firm, attorney):
    f.sign_in(client, attorney)
    page = reverse("insights:audit_list", args=[firm.slug])
    response = client.post(
        page,
        {"title": "Spring audit", "start_date": "2026-03-02", "end_date": "2026-03-31"},
    )
    assert response.status_code == 200
    body = text(response)
    assert "That is 30 days; an audit runs one or two weeks" in body
    assert 'value="Spring audit"' in body and 'value="2026-03-31"' in body
    assert not TimeAudit.objects.for_firm(firm).exists()


def test_staff_see_open_audits_to_record_in_and_cannot_start_one(
    client, firm, attorney, firm_staff, audit
):
    scope = resolve_scope(attorney, firm)
    closed = time_audit.audit_create(
        scope=scope, title="Last autumn", start_date=MON, end_date=MON
    )
    time_audit.audit_hours_record(
        scope=scope, audit=closed, person=attorney, days={MON: {"billable": D(1)}}
    )
    time_audit.audit_close(scope=scope, audit=closed)
    f.sign_in(client, firm_staff)
    page = reverse("insights:audit_list", args=[firm.slug])
    body = client.get(page).content.decode()
    assert "First week of March" in body and "Last autumn" not in body
    assert url("audit_record", audit) in body
    assert f'href="{url("audit_detail", audit)}"' not in body
    assert "Start the audit" not in body
    response = client.post(
        page, {"title": "Mine", "start_date": "2026-03-02", "end_date": "2026-03-06"}
    )
    assert response.status_code == 404
    assert TimeAudit.objects.for_firm(firm).count() == 2


def test_the_list_marks_the_baseline(client, firm, attorney, audit):
    scope = resolve_scope(attorney, firm)
    time_audit.audit_hours_record(
        scope=scope, audit=audit, person=attorney, days={MON: {"billable": D(1)}}
    )
    time_audit.audit_close(scope=scope, audit=audit)
    f.sign_in(client, attorney)
    body = client.get(reverse("insights:audit_list", args=[firm.slug])).content
    assert "Baseline for hours recovered" in body.decode()


def test_the_list_reads_a_fixed_number_of_queries(
    client, firm, attorney, audit, django_assert_max_num_queries
):
    scope = resolve_scope(attorney, firm)
    for n in range(5):
        time_audit.audit_create(
            scope=scope, title=f"A{n}", start_date=MON, end_date=FRI
        )
    f.sign_in(client, attorney)
    with django_assert_max_num_queries(20):
        client.get(reverse("insights:audit_list", args=[firm.slug]))


# --- The week grid --------------------------------------------------------------------


def test_staff_record_their_own_week(client, firm_staff, audit):
    f.sign_in(client, firm_staff)
    page = url("audit_record", audit)
    body = client.get(page).content.decode()
    assert "Record my hours" in body and "Mon" in body and "Fri" in body
    response = client.post(
        page,
        {
            cell(MON, "reception"): "4",
            cell(MON, "crm"): "3:30",
            cell(TUE, "billable"): ".5",
        },
    )
    assert response.status_code == 303 and response.url == page
    assert hours_of(audit, firm_staff) == {
        (MON, "reception"): D("4"),
        (MON, "crm"): D("3.5"),
        (TUE, "billable"): D("0.5"),
    }
    body = text(client.get(page))
    assert "Your hours are saved (3 changes)." in body
    assert f'name="{cell(MON, "crm")}" value="3.5"' in body
    assert "7.5 h" in body  # Monday's total
    assert "8 h" in body  # the week's


def test_the_grid_keeps_what_was_typed_and_says_what_to_fix(client, firm_staff, audit):
    f.sign_in(client, firm_staff)
    response = client.post(
        url("audit_record", audit),
        {
            cell(MON, "reception"): "4",
            cell(MON, "crm"): "three",
            cell(TUE, "billable"): "-2",
        },
    )
    assert response.status_code == 200
    body = text(response)
    assert "nothing you typed was lost" in body
    assert f'name="{cell(MON, "reception")}" value="4"' in body
    assert f'name="{cell(MON, "crm")}" value="three"' in body
    assert "The hours “three” are not a number; write them like 1.5 or 1:30." in body
    assert "Hours cannot be below zero (“-2”)." in body
    assert f'aria-describedby="id_{cell(MON, "crm")}_error"' in body
    assert hours_of(audit, firm_staff) == {}


def test_a_day_over_24_hours_is_refused_with_the_day_named(client, firm_staff, audit):
    f.sign_in(client, firm_staff)
    response = client.post(
        url("audit_record", audit),
        {cell(TUE, "reception"): "20", cell(TUE, "crm"): "5"},
    )
    body = text(response)
    assert response.status_code == 200
    assert "Tue 3/3/2026 adds up to 25 h; a day holds 24 hours at most." in body
    assert f'name="{cell(TUE, "crm")}" value="5"' in body
    assert hours_of(audit, firm_staff) == {}


def test_staff_cannot_open_someone_elses_hours(client, attorney, firm_staff, audit):
    f.sign_in(client, firm_staff)
    page = url("audit_record", audit, person=attorney.public_id)
    assert client.get(page).status_code == 404
    assert client.post(page, {cell(MON, "billable"): "8"}).status_code == 404
    assert hours_of(audit, attorney) == {}


def test_an_attorney_records_for_staff_and_the_page_says_so(
    client, attorney, firm_staff, audit
):
    f.sign_in(client, attorney)
    page = url("audit_record", audit, person=firm_staff.public_id)
    body = text(client.get(page))
    assert "You are recording for <strong>Ida Lane</strong>, not for yourself." in body
    response = client.post(page, {cell(MON, "reception"): "6"})
    assert response.status_code == 303
    assert hours_of(audit, firm_staff) == {(MON, "reception"): D("6")}
    assert hours_of(audit, attorney) == {}
    assert "The hours of Ida Lane are saved (1 change)." in text(client.get(page))


def test_someone_of_another_firm_cannot_be_picked(client, attorney, outsider, audit):
    f.sign_in(client, attorney)
    page = url("audit_record", audit, person=outsider.public_id)
    assert client.get(page).status_code == 404


def test_a_closed_audit_shows_the_hours_and_takes_none(
    client, firm, attorney, firm_staff, audit
):
    scope = resolve_scope(attorney, firm)
    time_audit.audit_hours_record(
        scope=scope, audit=audit, person=firm_staff, days={MON: {"crm": D(2)}}
    )
    time_audit.audit_close(scope=scope, audit=audit)
    f.sign_in(client, firm_staff)
    page = url("audit_record", audit)
    body = text(client.get(page))
    assert "This audit is closed" in body and "Save my hours" not in body
    response = client.post(page, {cell(MON, "crm"): "5"})
    assert response.status_code == 200
    assert "Ask an attorney or firm admin to reopen it." in text(response)
    assert hours_of(audit, firm_staff) == {(MON, "crm"): D("2")}


# --- Results --------------------------------------------------------------------------


@pytest.fixture
def recorded(firm, attorney, firm_staff, audit):
    """Owen bills 3 of 8 hours both days; Ida spends hers on calls and data."""
    scope = resolve_scope(attorney, firm)
    for day in (MON, TUE):
        time_audit.audit_hours_record(
            scope=scope,
            audit=audit,
            person=attorney,
            days={day: {"billable": D(3), "crm": D(2), "other": D(3)}},
        )
        time_audit.audit_hours_record(
            scope=scope,
            audit=audit,
            person=firm_staff,
            days={day: {"reception": D(5), "crm": D(3)}},
        )
    return audit


def test_results_show_the_firms_day_beside_the_industry_figure(
    client, attorney, recorded
):
    f.sign_in(client, attorney)
    body = text(client.get(url("audit_detail", recorded)))
    # Firm: 4 person-days, 6 billable hours of 32: 1.5 a day, 18.8 %.
    assert '1.5 h <span class="small">of 8 h recorded</span>' in body
    assert "18.8 %" in body and "1.5 of every 8 hours" in body
    assert "Clio Legal Trends Report 2023" in body
    assert "about 3.0 of 8 hours billed" in body
    # Owen alone is the industry's picture: 3 of 8 hours, 37.5 %.
    assert "(37.5 %, 3.0 of 8 hours)" in body
    assert '<img src="data:image/svg+xml;base64,' in body
    assert "Hours in an average recorded day, by category" in body  # the alt text


def test_results_point_the_largest_work_to_the_fit_assessment(
    client, attorney, recorded
):
    f.sign_in(client, attorney)
    body = text(client.get(url("audit_detail", recorded)))
    # Calls 10 h, data entry 10 h, other 6 h of 26 non-billable hours.
    assert "Calls and messages: 10 h (38.5 % of non-billable time)" in body
    assert (
        "calls and messages, data entry and records — are candidates to hand off"
        in (body)
    )
    assert "Assess them in the fit assessment" in body


def test_results_with_no_hours_say_what_to_do(client, attorney, audit):
    f.sign_in(client, attorney)
    body = text(client.get(url("audit_detail", audit)))
    assert "Nobody has recorded any hours yet." in body
    assert "<img" not in body


def test_the_results_read_a_fixed_number_of_queries(
    client, attorney, recorded, django_assert_max_num_queries
):
    f.sign_in(client, attorney)
    with django_assert_max_num_queries(20):
        client.get(url("audit_detail", recorded))


# --- Closing and reopening ------------------------------------------------------------


def test_closing_and_reopening_from_the_page(client, firm, attorney, recorded):
    f.sign_in(client, attorney)
    response = client.post(url("audit_close", recorded))
    assert response.status_code == 303 and response.url == url("audit_detail", recorded)
    recorded.refresh_from_db()
    assert recorded.closed_at is not None
    body = text(client.get(url("audit_detail", recorded)))
    assert "it is the baseline hours recovered are measured against" in body
    assert "Baseline for hours recovered" in body
    client.post(url("audit_reopen", recorded))
    recorded.refresh_from_db()
    assert recorded.closed_at is None


def test_closing_an_empty_audit_says_why_not(client, attorney, audit):
    f.sign_in(client, attorney)
    response = client.post(url("audit_close", audit), follow=True)
    assert "Nobody has recorded any hours in this audit yet." in text(response)
    audit.refresh_from_db()
    assert audit.closed_at is None


# --- Import ---------------------------------------------------------------------------

FILE = (
    "person e-mail,date,category,hours,note\n"
    "attorney@hale.test,3/2/2026,Billable client work,5.5,\n"
    "staff@hale.test,3/2/2026,crm,1:30,Café intake forms\n"
)


def upload(content: bytes, name="week.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_import_checks_first_then_imports_the_same_file(
    client, attorney, firm_staff, audit
):
    f.sign_in(client, attorney)
    page = url("audit_import", audit)
    checked = client.post(
        page, {"action": "check", "file": upload(FILE.encode("cp1252"))}
    )
    body = text(checked)
    assert checked.status_code == 200
    assert "“week.csv” is ready (2 rows): importing it would add 2 rows (7 h)" in body
    assert "Café intake forms" in body
    assert not TimeAuditEntry.objects.for_firm(audit.firm).exists()
    content = re.search(r'name="content" value="([^"]+)"', body).group(1)
    assert base64.b64decode(content) == FILE.encode("cp1252")

    done = client.post(
        page, {"action": "import", "content": content, "filename": "week.csv"}
    )
    assert done.status_code == 303 and done.url == url("audit_detail", audit)
    assert hours_of(audit, firm_staff) == {(MON, "crm"): D("1.5")}
    assert TimeAuditEntry.objects.for_firm(audit.firm).get(person=firm_staff).note == (
        "Café intake forms"
    )
    again = client.post(
        page, {"action": "import", "content": content, "filename": "week.csv"}
    )
    assert again.status_code == 303
    assert TimeAuditEntry.objects.for_firm(audit.firm).count() == 2


def test_a_file_with_problems_is_listed_line_by_line_and_not_offered(
    client, attorney, audit
):
    f.sign_in(client, attorney)
    bad = FILE + "nobody@hale.test,3/2/2026,crm,1,\n"
    body = text(
        client.post(
            url("audit_import", audit),
            {"action": "check", "file": upload(bad.encode())},
        )
    )
    assert "The file needs fixing" in body
    assert "Line 4: nobody among the firm&#x27;s own people" in body
    assert 'value="import"' not in body


def test_import_without_a_checked_file_asks_to_check_first(client, attorney, audit):
    f.sign_in(client, attorney)
    response = client.post(
        url("audit_import", audit), {"action": "import"}, follow=True
    )
    assert "Check the file first, then import it." in text(response)


def test_staff_cannot_import(client, firm_staff, audit):
    f.sign_in(client, firm_staff)
    content = base64.b64encode(FILE.encode()).decode()
    response = client.post(
        url("audit_import", audit), {"action": "import", "content": content}
    )
    assert response.status_code == 404
    assert not TimeAuditEntry.objects.for_firm(audit.firm).exists()


# --- The insights home ----------------------------------------------------------------


def test_home_leads_attorneys_to_the_audit_and_staff_to_their_hours(
    client, firm, attorney, firm_staff
):
    home = reverse("insights:home", args=[firm.slug])
    audits = reverse("insights:audit_list", args=[firm.slug])
    f.sign_in(client, attorney)
    assert f'<a href="{audits}">Time audit</a>' in client.get(home).content.decode()
    f.sign_in(client, firm_staff)
    body = client.get(home).content.decode()
    assert f'<a href="{audits}">Time audits: record my hours</a>' in body
