"""The firm admin's audit page: filters by person, matter, action and dates,
paging that keeps them, and the CSV export of what the filters found."""

import csv
import datetime
import io
import time

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from firmdesk.access.selectors import HIDDEN_EVENT
from firmdesk.audit.models import AuditEvent
from firmdesk.audit.services import audit_record
from firmdesk.matters.models import MatterScreen
from firmdesk.web.accounts.reauth import SESSION_KEY
from tests import factories as f


@pytest.fixture
def second_matter(firm, attorney):
    return f.MatterFactory(
        firm=firm,
        number="M-2026-002",
        title="Nguyen estate",
        responsible_attorney=attorney,
    )


@pytest.fixture
def trail(firm, attorney, assistant, matter, second_matter):
    """Three events on two matters by two people, and one by nobody."""
    audit_record(
        org=firm,
        actor=attorney,
        action="matter.viewed",
        obj=matter,
        matter=matter,
        summary="Opened M-2026-001",
    )
    audit_record(
        org=firm,
        actor=assistant,
        action="document.downloaded",
        matter=second_matter,
        summary="Downloaded “will.pdf” from the library",
    )
    audit_record(
        org=firm,
        actor=attorney,
        action="matter.updated",
        obj=second_matter,
        matter=second_matter,
        summary="Changed the Nguyen estate",
    )
    audit_record(org=firm, actor=None, action="task.sla_breached", summary="Late task")


def _page(client, firm, **params):
    response = client.get(reverse("audit:audit_log", args=[firm.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def _summaries(body):
    return [
        s
        for s in (
            "Opened M-2026-001",
            "Downloaded “will.pdf”",
            "Changed the Nguyen estate",
            "Late task",
        )
        if escape(s) in body
    ]


@pytest.fixture
def admin_client(client, firm_admin):
    return f.sign_in(client, firm_admin)


def test_unfiltered_page_shows_every_event_with_plain_labels_and_matter(
    admin_client, firm, trail
):
    body = _page(admin_client, firm)
    assert len(_summaries(body)) == 4
    assert "Opened a matter" in body and "Downloaded a document" in body
    assert ">M-2026-002</a>" in body


def test_person_filter_shows_only_their_events(admin_client, firm, trail, assistant):
    body = _page(admin_client, firm, person=str(assistant.public_id))
    assert _summaries(body) == ["Downloaded “will.pdf”"]
    body = _page(admin_client, firm, person="system")
    assert _summaries(body) == ["Late task"]


def test_matter_filter_finds_by_number_or_name(admin_client, firm, trail):
    by_name = _page(admin_client, firm, matter="nguyen")
    assert _summaries(by_name) == ["Downloaded “will.pdf”", "Changed the Nguyen estate"]
    by_number = _page(admin_client, firm, matter="M-2026-001")
    assert _summaries(by_number) == ["Opened M-2026-001"]


def test_action_filter_by_action_or_whole_group(admin_client, firm, trail):
    assert _summaries(_page(admin_client, firm, action="matter.updated")) == [
        "Changed the Nguyen estate"
    ]
    assert _summaries(_page(admin_client, firm, action="group:Matters")) == [
        "Opened M-2026-001",
        "Changed the Nguyen estate",
    ]


def test_dates_are_days_in_the_firms_zone(admin_client, firm, attorney):
    # 03:00 UTC on March 10 is still March 9 in New York (the firm's zone).
    with time_machine.travel(datetime.datetime(2026, 3, 10, 3, 0, tzinfo=datetime.UTC)):
        audit_record(org=firm, actor=attorney, action="x.late", summary="Late evening")
    on_9th = _page(admin_client, firm, start="2026-03-09", end="2026-03-09")
    on_10th = _page(admin_client, firm, start="2026-03-10", end="2026-03-10")
    assert "Late evening" in on_9th and "Late evening" not in on_10th


def test_end_before_start_is_explained_and_the_dates_kept(admin_client, firm, trail):
    body = _page(admin_client, firm, start="2026-03-10", end="2026-03-01")
    assert "The end date is before the start date" in body
    assert 'value="2026-03-10"' in body and 'value="2026-03-01"' in body


def test_paging_keeps_the_filters(admin_client, firm, attorney, matter):
    for n in range(105):
        audit_record(
            org=firm,
            actor=attorney,
            action="matter.viewed",
            matter=matter,
            summary=f"{n}",
        )
    body = _page(admin_client, firm, matter="M-2026-001")
    assert "Page 1 of 2" in body
    assert "?matter=M-2026-001&amp;page=2" in body


def test_screened_admin_cannot_find_the_matter_and_reads_no_details(
    admin_client, firm, firm_admin, trail, second_matter
):
    MatterScreen.unscoped.create(firm=firm, matter=second_matter, user=firm_admin)
    body = _page(admin_client, firm, matter="Nguyen")
    assert "No matter you may see matches" in body
    assert _summaries(body) == []
    everything = _page(admin_client, firm)
    assert _summaries(everything) == ["Opened M-2026-001", "Late task"]
    assert everything.count(HIDDEN_EVENT.split(":")[0]) == 2
    assert "M-2026-002" not in everything


# --- The CSV export ---------------------------------------------------------------


def _confirmed(client):
    session = client.session
    session[SESSION_KEY] = int(time.time())
    session.save()
    return client


def _export(client, firm, **params):
    response = client.get(reverse("audit:audit_export", args=[firm.slug]), params)
    assert response.status_code == 200, response.status_code
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_export_asks_for_the_password_again_after_the_window(admin_client, firm, trail):
    session = admin_client.session
    session[SESSION_KEY] = int(time.time()) - 11 * 60  # signed in 11 minutes ago
    session.save()
    url = reverse("audit:audit_export", args=[firm.slug])
    response = admin_client.get(url, {"action": "matter.viewed"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:confirm"))
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


def test_export_holds_the_filtered_events_and_is_audited(
    admin_client, firm, firm_admin, trail
):
    rows = _export(_confirmed(admin_client), firm, matter="nguyen")
    assert [r["Summary"] for r in rows] == [
        "Changed the Nguyen estate",
        "Downloaded “will.pdf” from the library",
    ]
    assert rows[0]["Matter number"] == "M-2026-002"
    assert rows[0]["What happened"] == "Changed a matter"
    assert rows[0]["Object"] == "Matter"
    assert rows[0]["When (firm's time)"].endswith(("EST", "EDT"))
    exported = AuditEvent.objects.get(org=firm, action="audit.exported")
    assert exported.actor == firm_admin
    assert exported.detail == {"filters": {"matter": "nguyen"}, "events": 2}


def test_export_keeps_the_screen(admin_client, firm, firm_admin, trail, second_matter):
    MatterScreen.unscoped.create(firm=firm, matter=second_matter, user=firm_admin)
    rows = _export(_confirmed(admin_client), firm)
    hidden = [r for r in rows if r["Summary"] == HIDDEN_EVENT]
    assert len(hidden) == 2
    assert all(r["Matter number"] == "" and r["Object id"] == "" for r in hidden)
    assert "Nguyen" not in str(rows)


def test_export_quotes_a_summary_a_spreadsheet_would_run(admin_client, firm, attorney):
    audit_record(org=firm, actor=attorney, action="x.y", summary="=HYPERLINK(1)")
    rows = _export(_confirmed(admin_client), firm)
    assert rows[0]["Summary"] == "'=HYPERLINK(1)"


@pytest.mark.slow
def test_export_streams_more_rows_than_one_chunk(admin_client, firm, attorney):
    for n in range(1203):
        audit_record(org=firm, actor=attorney, action="x.y", summary=f"row {n}")
    rows = _export(_confirmed(admin_client), firm, action="x.y")
    assert len(rows) == 1203
    assert rows[0]["Summary"] == "row 1202" and rows[-1]["Summary"] == "row 0"


def test_non_admin_gets_404_for_the_export_even_when_confirmed(
    client, firm, attorney, trail
):
    _confirmed(f.sign_in(client, attorney))
    response = client.get(reverse("audit:audit_export", args=[firm.slug]))
    assert response.status_code == 404


def test_people_and_actions_are_offered_once_each(admin_client, firm, trail, attorney):
    body = _page(admin_client, firm)
    assert body.count(f'value="{attorney.public_id}"') == 1
    assert body.count('value="matter.viewed"') == 1


def test_export_with_unreadable_filters_goes_back_to_the_page(
    admin_client, firm, trail
):
    url = reverse("audit:audit_export", args=[firm.slug])
    response = _confirmed(admin_client).get(
        url, {"start": "2026-03-10", "end": "2026-03-01"}
    )
    assert response.status_code == 302
    assert response.url == (
        f"{reverse('audit:audit_log', args=[firm.slug])}"
        "?start=2026-03-10&end=2026-03-01"
    )
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
