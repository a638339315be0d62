"""The review report (issue 18, item 8): what is due when, the figures it
keeps, the PDF read back with pypdf, and delivery to the firm's admins once
however often (or however concurrently) the job runs."""

import datetime
import json
import threading
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.insights import reports, tasks
from firmdesk.insights.models import InsightsSettings, MonthlyReport, WorkDay
from firmdesk.insights.pdf import DataOnly, report_pdf
from firmdesk.jobs.schedule import default_schedule
from firmdesk.notify.models import Notification
from firmdesk.notify.selectors import hidden_ids
from tests import factories as f

from .report_data import (
    FEBRUARY,
    MARCH,
    MARCH_SAYS,
    baseline,
    known_months,
    pdf_text,
)

UTC = datetime.UTC
D = datetime.date
APRIL_1_NOON_NY = datetime.datetime(2026, 4, 1, 16, 0, tzinfo=UTC)


def _cadence(firm, cadence):
    InsightsSettings.unscoped.update_or_create(
        firm=firm, defaults={"report_cadence": cadence}
    )


def _engagement(firm, provider, **fields):
    return f.engagement(firm, provider, **fields)


# --- What is due ---------------------------------------------------------------

MONTHLY, QUARTERLY = "monthly", "quarterly"
JAN_15 = D(2026, 1, 15)


@pytest.mark.parametrize(
    ("fields", "cadence", "month", "due"),
    [
        # The first quarter: every month holding a day of the first three
        # months, whatever the cadence (from 15 January: January to April).
        ({"start_date": JAN_15}, QUARTERLY, D(2026, 1, 1), True),
        ({"start_date": JAN_15}, QUARTERLY, D(2026, 2, 1), True),
        ({"start_date": JAN_15}, QUARTERLY, D(2026, 4, 1), True),
        # Then quarterly: only the month that ends a calendar quarter.
        ({"start_date": JAN_15}, QUARTERLY, D(2026, 5, 1), False),
        ({"start_date": JAN_15}, QUARTERLY, D(2026, 6, 1), True),
        # ... or monthly.
        ({"start_date": JAN_15}, MONTHLY, D(2026, 5, 1), True),
        # From the first of a month, the first quarter is three months.
        ({"start_date": D(2026, 1, 1)}, QUARTERLY, D(2026, 4, 1), False),
        # A pilot counts from its start when the engagement has no start date.
        (
            {"status": "pilot", "start_date": None, "pilot_start": D(2026, 3, 2)},
            QUARTERLY,
            D(2026, 5, 1),
            True,
        ),
        # Not before the engagement began, nor for a proposal.
        ({"start_date": D(2026, 6, 1)}, MONTHLY, D(2026, 5, 1), False),
        ({"status": "proposed", "start_date": JAN_15}, MONTHLY, D(2026, 2, 1), False),
        # An ended engagement: its last month only, on any cadence.
        (
            {
                "status": "ended",
                "start_date": D(2025, 1, 1),
                "end_date": D(2026, 5, 20),
            },
            QUARTERLY,
            D(2026, 5, 1),
            True,
        ),
        (
            {
                "status": "ended",
                "start_date": D(2025, 1, 1),
                "end_date": D(2026, 5, 20),
            },
            MONTHLY,
            D(2026, 4, 1),
            False,
        ),
        (
            {
                "status": "ended",
                "start_date": D(2025, 1, 1),
                "end_date": D(2026, 5, 20),
            },
            MONTHLY,
            D(2026, 6, 1),
            False,
        ),
    ],
)
def test_what_is_due_by_cadence(firm, provider, fields, cadence, month, due):
    _cadence(firm, cadence)
    engagement = _engagement(firm, provider, **fields)
    today = month + datetime.timedelta(days=31)  # some day of the next month
    found = reports.reports_due(firm, today.replace(day=1))
    assert ((engagement, month) in found) is due


def test_only_the_month_just_ended_is_due(firm, engagement):
    assert reports.reports_due(firm, D(2026, 4, 1)) == [(engagement, MARCH)]
    assert reports.reports_due(firm, D(2026, 4, 30)) == [(engagement, MARCH)]


def test_a_quarterly_report_covers_the_calendar_quarter(firm, provider):
    engagement = _engagement(firm, provider, start_date=JAN_15)
    period = reports.report_period(engagement, D(2026, 6, 1), QUARTERLY, firm.tz)
    assert (period.kind, period.start, period.end) == (
        "quarter",
        D(2026, 4, 1),
        D(2026, 6, 30),
    )
    assert period.label == "April to June 2026"
    # Still in the first quarter: a month.
    first = reports.report_period(engagement, D(2026, 3, 1), QUARTERLY, firm.tz)
    assert (first.kind, first.start) == ("month", D(2026, 3, 1))


def test_an_engagements_last_month_ends_its_last_quarter_early(firm, provider):
    engagement = _engagement(
        firm,
        provider,
        status="ended",
        start_date=D(2025, 1, 1),
        end_date=D(2026, 5, 20),
    )
    period = reports.report_period(engagement, D(2026, 5, 1), QUARTERLY, firm.tz)
    assert (period.kind, period.start, period.end) == (
        "quarter",
        D(2026, 4, 1),
        D(2026, 5, 31),
    )


# --- The figures a report keeps -------------------------------------------------


@pytest.fixture
def known(firm, engagement, attorney):
    known_months(firm, engagement)
    baseline(firm, attorney)
    return engagement


def test_the_report_keeps_the_months_figures_worked_out_by_hand(firm, known):
    report = reports.report_build(firm=firm, engagement=known, month=MARCH)
    stored = json.loads(json.dumps(report.figures))  # plain JSON, nothing else
    period = stored["period"]
    assert stored["kind"] == "month"
    assert (period["start"], period["end"]) == ("2026-03-01", "2026-03-31")
    assert period["tasks"] == 20
    assert (period["finished_on_time"], period["finished_with_due"]) == (13, 16)
    assert period["on_time_percent"] == "81.3"
    assert period["rework_percent"] == "20.0"
    assert period["cost"] == "1125.00"
    assert period["cost_estimated"] is True
    assert period["cost_per_task"] == "56.25"
    assert period["cost_per_hour"] == "45.00"
    assert period["inhouse_per_task"] == "87.50"
    assert period["saving"] == "625.00"
    assert period["lead_response_median_minutes"] == 37
    assert period["lead_response_p90_minutes"] == 90
    assert period["returned_by_reason"] == [
        ["Factual error", 2],
        ["Missed instruction", 1],
        ["Formatting", 1],
    ]
    assert period["breaches"] == 1


def test_the_report_keeps_six_months_for_its_charts(firm, known):
    months = reports.report_build(firm=firm, engagement=known, month=MARCH).figures[
        "months"
    ]
    assert [m["start"] for m in months] == [
        "2025-10-01",
        "2025-11-01",
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
        "2026-03-01",
    ]
    assert [m["tasks"] for m in months] == [0, 0, 0, 0, 5, 20]
    assert months[4]["on_time_percent"] == "100.0"
    assert months[3]["on_time_percent"] is None  # no data, not 0 %


def test_hours_recovered_against_the_time_audit_baseline(firm, known):
    period = reports.report_build(firm=firm, engagement=known, month=MARCH).figures[
        "period"
    ]
    days = period["recovered_working_days"]
    assert days > 0
    # 100 billable hours in March against 3 hours a day at the baseline.
    assert Decimal(period["hours_recovered"]) == Decimal(100 - 3 * days)


def test_a_quarterly_report_works_the_quarter_out_whole(firm, known):
    """Not an average of three months' percentages: the quarter's counts."""
    _cadence(firm, QUARTERLY)
    report = reports.report_build(firm=firm, engagement=known, month=MARCH)
    period = report.figures["period"]
    assert report.figures["kind"] == "quarter"
    assert (period["start"], period["end"]) == ("2026-01-01", "2026-03-31")
    assert period["tasks"] == 25
    assert period["on_time_percent"] == "85.7"  # 18 of 21
    assert reports.report_label(report) == "January to March 2026"


def test_pilot_targets_are_set_against_the_month(firm, known):
    known.pilot_targets = {"on_time_percent": 85, "cost_per_task": "60"}
    known.save(update_fields=["pilot_targets"])
    targets = reports.report_build(firm=firm, engagement=known, month=MARCH).figures[
        "targets"
    ]
    assert [(t["key"], t["target"], t["actual"], t["met"]) for t in targets] == [
        ("on_time_percent", "85", "81.3", False),
        ("cost_per_task", "60", "56.25", True),
    ]


def test_a_report_is_made_once_and_reads_the_same_later(firm, known):
    first = reports.report_build(firm=firm, engagement=known, month=MARCH)
    WorkDay.unscoped.filter(engagement=known).update(finished_on_time=0)
    second = reports.report_build(firm=firm, engagement=known, month=D(2026, 3, 17))
    assert second.pk == first.pk
    assert second.figures["period"]["on_time_percent"] == "81.3"
    assert MonthlyReport.unscoped.filter(engagement=known).count() == 1
    assert (
        AuditEvent.objects.filter(org=firm, action="insights.report.produced").count()
        == 1
    )


def test_producing_again_takes_todays_figures(firm, known, firm_admin):
    reports.report_build(firm=firm, engagement=known, month=MARCH)
    WorkDay.unscoped.filter(engagement=known).update(finished_on_time=0)
    with time_machine.travel(APRIL_1_NOON_NY, tick=False):
        again = reports.report_produce(
            scope=resolve_scope(firm_admin, firm), engagement=known, month=MARCH
        )
    assert again.figures["period"]["on_time_percent"] == "0.0"
    assert AuditEvent.objects.filter(
        org=firm, action="insights.report.produced_again", actor=firm_admin
    ).exists()


@pytest.mark.parametrize(
    ("month", "message"),
    [
        (D(2026, 4, 1), "April 2026 has not ended yet"),
        (D(2019, 12, 1), "did not run in December 2019; it ran from January 2020"),
    ],
)
def test_produce_now_only_for_a_month_the_engagement_ran_and_that_ended(
    firm, engagement, firm_admin, month, message
):
    scope = resolve_scope(firm_admin, firm)
    with (
        time_machine.travel(APRIL_1_NOON_NY, tick=False),
        pytest.raises(ServiceError) as error,
    ):
        reports.report_produce(scope=scope, engagement=engagement, month=month)
    assert message in error.value.message
    assert error.value.field == "month"
    assert not MonthlyReport.unscoped.exists()


def test_only_a_firm_admin_may_produce_a_report(firm, engagement, attorney):
    with pytest.raises(ServiceError):
        reports.report_produce(
            scope=resolve_scope(attorney, firm), engagement=engagement, month=MARCH
        )


def test_only_a_firm_admin_may_change_the_cadence(firm, attorney, firm_admin):
    with pytest.raises(ServiceError):
        reports.cadence_set(scope=resolve_scope(attorney, firm), cadence=QUARTERLY)
    reports.cadence_set(scope=resolve_scope(firm_admin, firm), cadence=QUARTERLY)
    assert reports.insights_settings(firm).report_cadence == QUARTERLY
    assert AuditEvent.objects.filter(
        org=firm, action="insights.settings.updated", actor=firm_admin
    ).exists()


# --- The PDF -------------------------------------------------------------------


def test_the_pdf_renders_with_the_months_figures(firm, known):
    report = reports.report_build(firm=firm, engagement=known, month=MARCH)
    pdf = report_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert "Monthly review: Northstar Support for Hale & Ortiz LLP" in text
    assert "March 2026" in text
    assert [words for words in MARCH_SAYS if words not in text] == []
    # The charts are in it, drawn from the stored series (their titles and
    # axis labels are text in the PDF).
    assert "Work on time and work returned (%)" in text
    assert "Intake first response (minutes)" in text


def test_the_pdf_fetches_data_uris_and_nothing_else():
    fetcher = DataOnly()
    response = fetcher.fetch("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"
    for url in ("https://example.com/x.png", "file:///etc/passwd", "ftp://e.com/x"):
        with pytest.raises(ValueError, match="disallowed protocol"):
            fetcher.fetch(url)


# --- The job and delivery ------------------------------------------------------


def test_the_job_is_on_the_schedule():
    assert tasks.send_monthly_reports.module_path in default_schedule._sources


def _notes(report):
    return Notification.objects.filter(kind="insights.report", subject_id=report.pk)


def test_the_job_sends_each_report_to_the_firms_admins_once(
    firm, known, firm_admin, attorney
):
    second_admin = f.member(firm, ["firm_admin"], email="ops@hale.test")
    assert tasks.monthly_reports_run(APRIL_1_NOON_NY) == 1
    report = MonthlyReport.unscoped.get(engagement=known, month=MARCH)
    assert report.delivered_at is not None
    notes = _notes(report)
    assert {n.user for n in notes} == {firm_admin, second_admin}
    note = notes.get(user=firm_admin)
    assert note.url == f"/f/hale-ortiz/insights/reports/{report.public_id}/"
    assert note.title == (
        "Monthly review ready: Northstar Support for Hale & Ortiz LLP, March 2026"
    )
    assert "on time 81.3 %" in note.body
    assert hidden_ids(firm_admin, [note]) == set()  # shown, and e-mailed
    # A second run (a retry, the next hour) sends nothing again.
    assert tasks.monthly_reports_run(APRIL_1_NOON_NY) == 0
    assert tasks.monthly_reports_run(APRIL_1_NOON_NY + datetime.timedelta(days=3)) == 0
    assert _notes(report).count() == 2
    assert not Notification.objects.filter(user=attorney).exists()
    assert (
        AuditEvent.objects.filter(org=firm, action="insights.report.delivered").count()
        == 1
    )


def test_nothing_is_due_before_the_firms_own_month_ends(firm, known, firm_admin):
    # 03:00 UTC on 1 April is still 31 March in New York: February's is due.
    assert tasks.monthly_reports_run(datetime.datetime(2026, 4, 1, 3, tzinfo=UTC)) == 1
    assert list(MonthlyReport.unscoped.values_list("month", flat=True)) == [FEBRUARY]


def test_a_report_produced_on_request_is_sent_when_it_falls_due(
    firm, known, firm_admin
):
    report = reports.report_build(firm=firm, engagement=known, month=MARCH)
    assert report.delivered_at is None
    assert tasks.monthly_reports_run(APRIL_1_NOON_NY) == 1
    assert _notes(report).count() == 1
    assert MonthlyReport.unscoped.count() == 1


def test_a_month_not_due_is_not_produced(firm, known, firm_admin):
    _cadence(firm, QUARTERLY)
    may_1 = datetime.datetime(2026, 5, 1, 16, tzinfo=UTC)  # April: no quarter end
    assert tasks.monthly_reports_run(may_1) == 0
    assert not MonthlyReport.unscoped.exists()


def test_one_failing_report_does_not_hold_up_the_others(
    firm, known, firm_admin, provider, monkeypatch, caplog
):
    other = _engagement(firm, provider, name="Second team")
    real = reports.report_figures

    def broken_for_known(firm_, engagement, period, **kwargs):
        if engagement.pk == known.pk:
            raise RuntimeError("boom")
        return real(firm_, engagement, period, **kwargs)

    monkeypatch.setattr(reports, "report_figures", broken_for_known)
    assert tasks.monthly_reports_run(APRIL_1_NOON_NY) == 1
    assert list(MonthlyReport.unscoped.values_list("engagement", flat=True)) == [
        other.pk
    ]
    assert "Review report of engagement" in caplog.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_two_concurrent_runs_send_once_on_postgresql(firm, known, firm_admin):
    barrier = threading.Barrier(2)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(tasks.monthly_reports_run(APRIL_1_NOON_NY))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    report = MonthlyReport.unscoped.get(engagement=known, month=MARCH)
    assert _notes(report).count() == 1
    assert (
        AuditEvent.objects.filter(org=firm, action="insights.report.delivered").count()
        == 1
    )


def test_february_is_in_the_charts_not_the_summary(firm, known):
    view = reports.report_view(
        reports.report_build(firm=firm, engagement=known, month=MARCH)
    )
    assert view.period["tasks"] == 20
    assert view.months[-2]["start"] == FEBRUARY
    assert len(view.charts) == 5
    assert all(c.data_uri.startswith("data:image/svg+xml;base64,") for c in view.charts)
    assert "Feb 2026: 5" in view.charts[-1].alt
