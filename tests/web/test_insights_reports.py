"""Review report pages: a managing partner reads the month's figures on the
page and in the PDF; a firm admin produces a report now and sets the cadence;
forms keep what was typed and say what to fix."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from firmdesk.audit.models import AuditEvent
from firmdesk.insights.models import InsightsSettings, MonthlyReport
from firmdesk.insights.reports import report_build
from tests import factories as f
from tests.insights.report_data import MARCH, MARCH_SAYS, known_months, pdf_text

APRIL_1_NOON_NY = datetime.datetime(2026, 4, 1, 16, 0, tzinfo=datetime.UTC)


@pytest.fixture
def report(firm, engagement):
    known_months(firm, engagement)
    return report_build(firm=firm, engagement=engagement, month=MARCH)


def _url(name, firm, *args):
    return reverse(f"insights:{name}", args=[firm.slug, *args])


def _page(client, user, url):
    f.sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_report_page_shows_the_months_figures_and_charts(
    client, firm, attorney, report
):
    body = _page(client, attorney, _url("report_detail", firm, report.public_id))
    assert "Monthly review: Northstar Support for Hale &amp; Ortiz LLP, March 2026" in (
        body
    )
    text = re.sub(r"<[^>]+>", " ", body)
    text = " ".join(text.split())
    assert [words for words in MARCH_SAYS if words not in text] == []
    assert "estimated from the engagement" in text
    images = re.findall(r'<img [^>]*src="(data:image/svg\+xml;base64,[^"]+)"', body)
    assert len(images) == 5
    assert escape("Tasks finished. Tasks finished — Oct 2025: 0") in body
    # The attorney reads; only an admin may produce it again.
    assert "Produce this report again" not in body


def test_the_pdf_download_has_the_figures_and_is_audited(
    client, firm, attorney, report
):
    f.sign_in(client, attorney)
    response = client.get(_url("report_pdf", firm, report.public_id))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        "review-Northstar-Support-for-Hale---Ortiz-LLP-2026-03.pdf"
        in (response["Content-Disposition"])
    )
    text = pdf_text(response.content)
    assert [words for words in MARCH_SAYS if words not in text] == []
    assert AuditEvent.objects.filter(
        org=firm, action="insights.report.downloaded", actor=attorney
    ).exists()


def test_the_list_shows_each_report_with_what_it_covers(
    client, firm, firm_admin, report
):
    body = _page(client, firm_admin, _url("report_list", firm))
    assert _url("report_detail", firm, report.public_id) in body
    assert "March 2026" in body
    assert "Not sent" in body
    assert "Produce a report now" in body


def test_an_empty_list_says_what_comes_next(client, firm, attorney):
    body = _page(client, attorney, _url("report_list", firm))
    assert "No reports yet" in body
    assert "Produce a report now" not in body


def test_the_list_page_reads_a_fixed_number_of_queries(
    client, firm, firm_admin, engagement, django_assert_max_num_queries
):
    f.sign_in(client, firm_admin)
    client.get(_url("report_list", firm))
    for n in range(30):
        MonthlyReport.unscoped.create(
            firm=firm,
            engagement=engagement,
            month=datetime.date(2020 + n // 12, n % 12 + 1, 1),
        )
    with django_assert_max_num_queries(25):
        assert client.get(_url("report_list", firm)).status_code == 200


def _produce(client, firm, **data):
    with time_machine.travel(APRIL_1_NOON_NY, tick=False):
        return client.post(_url("report_build", firm), data)


def test_an_admin_produces_a_report_now(client, firm, firm_admin, engagement):
    known_months(firm, engagement)
    f.sign_in(client, firm_admin)
    response = _produce(
        client, firm, engagement=str(engagement.public_id), month="2026-03"
    )
    assert response.status_code == 303
    made = MonthlyReport.unscoped.get(engagement=engagement)
    assert made.month == MARCH
    assert response.url == _url("report_detail", firm, made.public_id)
    assert made.delivered_at is None  # produced on request: not sent
    assert made.figures["period"]["on_time_percent"] == "81.3"


@pytest.mark.parametrize(
    ("month", "message"),
    [
        ("2026-04", "April 2026 has not ended yet. Choose a month before April 2026."),
        ("March", "“March” is not a month. Write the year and month as YYYY-MM"),
        ("", "Fill in “Month”."),
    ],
)
def test_producing_a_month_that_cannot_be_reported_says_what_to_fix(
    client, firm, firm_admin, engagement, month, message
):
    f.sign_in(client, firm_admin)
    response = _produce(client, firm, engagement=str(engagement.public_id), month=month)
    assert response.status_code == 200
    body = response.content.decode()
    assert escape(message) in body
    if month:
        assert f'value="{month}"' in body  # what was typed is kept
    assert f'value="{engagement.public_id}" selected' in body
    assert not MonthlyReport.unscoped.exists()


def test_producing_needs_an_engagement_from_the_list(
    client, firm, firm_admin, other_engagement
):
    f.sign_in(client, firm_admin)
    response = _produce(
        client, firm, engagement=str(other_engagement.public_id), month="2026-03"
    )
    assert response.status_code == 200
    assert "Choose an engagement from the list." in response.content.decode()
    assert not MonthlyReport.unscoped.exists()


def test_an_attorney_cannot_produce_a_report(client, firm, attorney, engagement):
    f.sign_in(client, attorney)
    response = _produce(
        client, firm, engagement=str(engagement.public_id), month="2026-03"
    )
    assert response.status_code == 404
    assert not MonthlyReport.unscoped.exists()


def test_an_admin_may_produce_a_report_again_from_its_page(
    client, firm, firm_admin, report
):
    body = _page(client, firm_admin, _url("report_detail", firm, report.public_id))
    assert "Produce this report again" in body
    assert f'name="engagement" value="{report.engagement.public_id}"' in body
    assert 'name="month" value="2026-03"' in body


def test_an_admin_sets_the_cadence(client, firm, firm_admin):
    body = _page(client, firm_admin, _url("settings", firm))
    assert re.search(r'value="monthly"[^>]* checked', body)
    response = client.post(_url("settings", firm), {"report_cadence": "quarterly"})
    assert response.status_code == 303
    assert InsightsSettings.unscoped.get(firm=firm).report_cadence == "quarterly"
    assert AuditEvent.objects.filter(
        org=firm, action="insights.settings.updated"
    ).exists()


def test_a_cadence_that_is_not_offered_is_refused_plainly(client, firm, firm_admin):
    f.sign_in(client, firm_admin)
    response = client.post(_url("settings", firm), {"report_cadence": "weekly"})
    assert response.status_code == 200
    assert "Choose every month or every quarter." in response.content.decode()
    assert not InsightsSettings.unscoped.exists()


def test_an_attorney_reads_the_cadence_but_cannot_change_it(client, firm, attorney):
    body = _page(client, attorney, _url("settings", firm))
    assert "every month" in body
    assert "Only a firm admin can change this." in body
    assert "<form" not in body.split("<main", 1)[-1]
    response = client.post(_url("settings", firm), {"report_cadence": "quarterly"})
    assert response.status_code == 404
    assert not InsightsSettings.unscoped.exists()


def test_in_house_staff_get_404(client, firm, firm_staff, report):
    f.sign_in(client, firm_staff)
    for url in (
        _url("report_list", firm),
        _url("report_detail", firm, report.public_id),
        _url("report_pdf", firm, report.public_id),
        _url("settings", firm),
    ):
        assert client.get(url).status_code == 404


def test_the_insights_home_links_the_reports(client, firm, attorney):
    body = _page(client, attorney, reverse("insights:home", args=[firm.slug]))
    assert _url("report_list", firm) in body
    assert _url("settings", firm) in body
