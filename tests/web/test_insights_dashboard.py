"""The dashboard pages and their CSV export: the known month's figures with
what they are worked out from, "No data" rather than 0 %, charts as images
with a text description, the month chosen and a month that cannot be read,
and the export recorded in the audit trail."""

import csv
import datetime
import io
import re

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from firmdesk.access.scope import resolved_for
from firmdesk.audit.models import AuditEvent
from firmdesk.engagements.models import Engagement
from firmdesk.insights.models import WorkDay
from firmdesk.work.models import Task
from tests import factories as f
from tests.insights.known_month import known_may, known_month

pytestmark = pytest.mark.django_db

# The firm's "now" for these tests: June 2025, so March is in the year shown.
NOW = datetime.datetime(2025, 6, 10, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def known(firm, other_firm, provider):
    return known_month(firm, other_firm, provider)


def page(client, user, name, *args, **params):
    f.sign_in(client, user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    return response.content.decode()


def engagement_page(client, user, engagement, month: str) -> str:
    return page(
        client,
        user,
        "insights:engagement_dashboard",
        engagement.firm.slug,
        engagement.public_id,
        month=month,
    )


def figure(body: str, key: str) -> str:
    """One figure's name and what it shows: tags dropped, spaces squeezed."""
    found = re.search(rf'<div id="fig-{key}">(.*?)</div>', body, re.DOTALL)
    assert found, key
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def shown(body: str, key: str) -> str:
    """What one figure shows, without its name."""
    found = re.search(rf'<div id="fig-{key}">.*?<dd>(.*?)</dd>', body, re.DOTALL)
    assert found, key
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_the_firm_page_shows_the_months_figures_with_their_counts(
    client, firm, attorney, known
):
    body = page(client, attorney, "insights:dashboard", firm.slug, month="2025-03")

    assert "Dashboard: Hale &amp; Ortiz LLP, whole firm" in body
    assert "7 of 10 finished tasks with a due time" in figure(body, "on-time")
    assert "70.0 %" in figure(body, "on-time")
    rework = figure(body, "rework")
    assert "44.4 %" in rework
    assert "4 returned of 9 reviews: Formatting 1, Typo 2, Other 1" in rework
    cost = figure(body, "cost-per-task")
    assert "$110.50 outsourced" in cost
    assert "against $25.45 in-house: $1,215.50 for 11 finished tasks" in cost
    assert "estimated" in cost
    assert "$202.58 outsourced" in figure(body, "cost-per-hour")
    intake = figure(body, "intake-response")
    assert "25 min median" in intake
    assert "90th percentile 60 min, of 6 leads answered" in intake
    assert "4.0 of 5 average of 3 answers" in figure(body, "feedback")
    assert shown(body, "breaches").startswith("3 tasks that missed")


def test_each_figure_links_to_its_definition(client, firm, attorney, known):
    body = page(client, attorney, "insights:dashboard", firm.slug)
    how = reverse("insights:formulas", args=[firm.slug])
    # The project's own docs/insights.md, as the page shows it.
    formulas = page(client, attorney, "insights:formulas", firm.slug)

    for anchor in (
        "hours-recovered",
        "on-time",
        "rework",
        "cost",
        "intake-response",
        "feedback",
        "turnover",
        "breaches",
        "open-flags",
    ):
        assert f'href="{how}#{anchor}"' in body, anchor
        assert f'<h2 id="{anchor}">' in formulas, anchor


def test_a_figure_with_nothing_to_count_says_no_data_never_zero_percent(
    client, firm, attorney, known
):
    body = page(client, attorney, "insights:dashboard", firm.slug, month="2025-06")

    for key in ("hours-recovered", "on-time", "rework", "intake-response"):
        assert shown(body, key).startswith("No data"), key
    cards = body.split('id="h-month"')[1].split('id="h-charts"')[0]
    assert "0.0 %" not in cards
    june = body.split('?month=2025-06">June 2025</a></th>')[1].split("</tr>")[0]
    assert june.count("No data") == 8  # every column but the breaches (0)


def test_the_engagement_page_shows_its_own_work_and_the_firms_hours(
    client, firm, attorney, firm_admin, firm_staff, known
):
    march = engagement_page(client, attorney, known.hourly, "2025-03")
    # May's set closes a day of the firm's, and a firm's calendar changing
    # rebuilds its roll-up from the real work: March's hand-made rows go.
    known_may(firm, owen=attorney, grace=firm_admin, ida=firm_staff)
    body = engagement_page(client, attorney, known.hourly, "2025-05")

    hours = figure(body, "hours-recovered")
    assert "Billable hours recovered (the firm's)" in hours
    assert "20.0 h" in hours
    assert "the whole firm's figure, not this engagement's alone" in hours
    assert "4 of 5 finished tasks with a due time" in figure(march, "on-time")
    assert "$20.00 outsourced" in figure(march, "cost-per-task")
    assert "Estimated from the engagement's price" in figure(march, "cost-per-task")


def test_a_billed_month_is_not_labelled_estimated(client, firm, attorney, known):
    body = engagement_page(client, attorney, known.per_task, "2025-03")

    cost = figure(body, "cost-per-task")
    assert "$19.10 outsourced" in cost
    assert "From the reconciled provider bills." in cost
    assert "estimated" not in cost


def test_the_firm_page_lists_each_engagement_with_a_link(client, firm, attorney, known):
    body = page(client, attorney, "insights:dashboard", firm.slug, month="2025-03")

    for one in (known.hourly, known.per_task, known.monthly):
        url = reverse("insights:engagement_dashboard", args=[firm.slug, one.public_id])
        assert f'href="{url}?month=2025-03">{one.name}</a>' in body
    assert "Brandt&#x27;s own" not in body


def test_twelve_months_in_the_table_and_four_charts_as_images(
    client, firm, attorney, known
):
    body = page(client, attorney, "insights:dashboard", firm.slug, month="2025-03")

    rows = re.findall(r'<th scope="row"[^>]*><a href="[^"]*">([^<]+)</a>', body)
    assert rows[0] == "April 2024" and rows[-1] == "March 2025"
    assert len(rows) == 12
    images = re.findall(
        r'<img [^>]*src="data:image/svg\+xml;base64,[^"]+" alt="([^"]+)"', body
    )
    assert len(images) == 4
    assert images[0].startswith("On-time completion and rework, % by month.")
    assert "Mar 25: 70" in images[0]
    assert images[1].startswith("Cost per task in USD, outsourced against in-house.")
    assert "Mar 25: 110.5" in images[1]
    assert "<script" not in body.split("</nav>", 1)[1].split("</main>")[0]


def test_the_month_nav_stops_at_this_month(client, firm, attorney, known):
    this = page(client, attorney, "insights:dashboard", firm.slug)
    earlier = page(client, attorney, "insights:dashboard", firm.slug, month="2025-03")

    assert "June 2025 so far" in this
    assert "Next month" not in this
    assert "?month=2025-05" in this
    assert '?month=2025-04">Next month' in earlier


@pytest.mark.parametrize("typed", ["2025-13", "March", "1900-05", "9999-01"])
def test_a_month_that_cannot_be_read_shows_this_month_and_says_why(
    client, firm, attorney, known, typed
):
    body = page(client, attorney, "insights:dashboard", firm.slug, month=typed)

    assert f"“{typed}” is not a month FirmDesk can show" in body
    assert "Write it as YYYY-MM, such as 2026-05" in body
    assert "June 2025 so far" in body
    assert 'value="2025-06"' in body


def test_the_page_reads_a_fixed_number_of_queries(
    client, firm, attorney, known, django_assert_max_num_queries
):
    f.sign_in(client, attorney)
    url = reverse("insights:dashboard", args=[firm.slug])
    client.get(url)  # the session and the firm's caches
    with django_assert_max_num_queries(45):
        client.get(url, {"month": "2025-03"})


def test_more_engagements_and_months_of_work_add_no_queries(
    client, firm, provider, attorney, known
):
    f.sign_in(client, attorney)
    url = reverse("insights:dashboard", args=[firm.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url, {"month": "2025-03"})
    for n in range(8):
        more = f.engagement(firm, provider, name=f"More help {n}")
        for month in range(1, 4):
            WorkDay.objects.create(
                firm=firm,
                engagement=more,
                day=datetime.date(2025, month, 3),
                finished=1,
            )
    # New engagements are access facts: the attorney's access is worked out
    # again on the next request, whatever the page. Counted here: the page's own.
    resolved_for(attorney)
    with CaptureQueriesContext(connection) as after:
        body = client.get(url, {"month": "2025-03"}).content.decode()

    assert "More help 7" in body
    assert len(after) <= len(before)


def test_in_house_staff_cannot_open_the_dashboard(client, firm, firm_staff, known):
    f.sign_in(client, firm_staff)
    for url in (
        reverse("insights:dashboard", args=[firm.slug]),
        reverse("insights:dashboard_csv", args=[firm.slug]),
        reverse("insights:formulas", args=[firm.slug]),
    ):
        assert client.get(url).status_code == 404


# --- CSV ---------------------------------------------------------------------------


def download(client, user, name, *args, **params):
    f.sign_in(client, user)
    response = client.get(reverse(name, args=args), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    return response, rows


def test_the_csv_has_a_row_per_month_and_each_figure_with_its_counts(
    client, firm, attorney, known
):
    response, rows = download(
        client, attorney, "insights:dashboard_csv", firm.slug, month="2025-03"
    )

    assert response["Content-Disposition"] == (
        'attachment; filename="hale-ortiz-whole-firm-figures-2024-04-to-2025-03.csv"'
    )
    assert [row["month"] for row in rows][:2] == ["2024-04", "2024-05"]
    assert len(rows) == 12
    march = rows[-1]
    assert march["month"] == "2025-03"
    assert (march["on_time_percent"], march["tasks_on_time"]) == ("70.0", "7")
    assert march["tasks_with_due_time"] == "10"
    assert (march["rework_percent"], march["reviews_returned"]) == ("44.4", "4")
    assert (march["returned_typo"], march["returned_formatting"]) == ("2", "1")
    assert (march["cost"], march["cost_estimated"]) == ("1215.50", "yes")
    assert (march["cost_per_task"], march["inhouse_per_task"]) == ("110.50", "25.45")
    assert march["intake_response_median_minutes"] == "25"
    assert march["intake_response_p90_minutes"] == "60"
    assert (march["feedback_average"], march["feedback_answers"]) == ("4.0", "3")
    assert march["currency"] == "USD"
    # No data is an empty cell, never 0.
    assert rows[0]["on_time_percent"] == "" and rows[0]["tasks_with_due_time"] == "0"


def test_the_engagement_csv_is_named_for_it_and_holds_its_figures(
    client, firm, attorney, known
):
    response, rows = download(
        client,
        attorney,
        "insights:engagement_dashboard_csv",
        firm.slug,
        known.per_task.public_id,
        month="2025-03",
    )

    assert (
        "hale-ortiz-northstar-by-the-task-figures-2024-04-to-2025-03.csv"
        in (response["Content-Disposition"])
    )
    assert (rows[-1]["cost"], rows[-1]["cost_estimated"]) == ("95.50", "no")


def test_an_export_is_recorded_in_the_audit_trail(client, firm, firm_admin, known):
    download(
        client,
        firm_admin,
        "insights:engagement_dashboard_csv",
        firm.slug,
        known.hourly.public_id,
        month="2025-03",
    )

    event = AuditEvent.objects.get(action="insights.export")
    assert event.org == firm and event.actor == firm_admin
    assert event.object_id == str(known.hourly.public_id)
    assert event.summary == (
        "Exported the figures of “Northstar by the hour”, April 2024 to March "
        "2025, as CSV"
    )
    assert event.detail["first_month"] == "2024-04"


# --- How the figures are worked out ---------------------------------------------------


def test_the_formulas_page_shows_the_document_with_an_anchor_per_heading(
    client, firm, attorney, tmp_path
):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "insights.md").write_text(
        "# The figures\n\n## On-time\n\nOf the tasks <b>finished</b>…\n\n"
        "## Intake response\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        encoding="utf-8",
    )
    with override_settings(PROJECT_DIR=tmp_path):
        body = page(client, attorney, "insights:formulas", firm.slug)

    assert '<h2 id="on-time">On-time</h2>' in body
    assert '<h2 id="intake-response">Intake response</h2>' in body
    assert "&lt;b&gt;finished&lt;/b&gt;" in body  # raw HTML shown, not run
    assert "<table>" in body


def test_the_formulas_page_says_so_when_the_document_is_missing(
    client, firm, attorney, tmp_path
):
    with override_settings(PROJECT_DIR=tmp_path):
        body = page(client, attorney, "insights:formulas", firm.slug)

    assert "are not installed with this copy of FirmDesk" in body


def test_finished_tasks_with_no_cost_yet_say_so_not_that_none_finished(
    client, firm, attorney, provider
):
    from decimal import Decimal

    hourly = f.engagement(firm, provider, pricing_model="hourly", price=Decimal("30"))
    WorkDay.objects.create(
        firm=firm, engagement=hourly, day=datetime.date(2025, 3, 4), finished=2
    )

    cost = shown(engagement_page(client, attorney, hourly, "2025-03"), "cost-per-task")

    assert cost.startswith("No data")
    assert "no provider bill and no outside time logged for 2 finished tasks" in cost
    assert "No task was finished" not in cost


def _approved_in_march(firm, engagement, day: int):
    """A task of ``engagement`` handed in and approved on time on ``day``
    March (saved as a service saves it: the roll-up counts it at once)."""
    noon = datetime.datetime(2025, 3, day, 17, 0, tzinfo=datetime.UTC)
    return f.task(
        firm,
        engagement=engagement,
        status=Task.Status.APPROVED,
        routed_at=noon - datetime.timedelta(hours=6),
        submitted_at=noon - datetime.timedelta(hours=1),
        due_at=noon,
        approved_at=noon,
    )


def _reads_the_roll_up(client, url) -> tuple[str, bool]:
    with CaptureQueriesContext(connection) as sent:
        body = client.get(url, {"month": "2025-03"}).content.decode()
    return body, any("insights_workday" in q["sql"] for q in sent.captured_queries)


def test_a_change_of_the_roll_up_shows_on_the_next_request(
    client, firm, attorney, known
):
    f.sign_in(client, attorney)
    url = reverse("insights:dashboard", args=[firm.slug])
    _approved_in_march(firm, known.hourly, 12)

    body, read = _reads_the_roll_up(client, url)
    assert "8 of 11 finished tasks with a due time" in figure(body, "on-time")
    assert read
    body, read = _reads_the_roll_up(client, url)
    assert "8 of 11 finished tasks with a due time" in figure(body, "on-time")
    assert not read  # kept from the request before

    _approved_in_march(firm, known.per_task, 13)
    body, read = _reads_the_roll_up(client, url)
    assert "9 of 12 finished tasks with a due time" in figure(body, "on-time")
    assert read


def test_what_is_kept_is_each_firms_and_each_engagements_own(
    client, firm, other_firm, attorney, outsider, known
):
    _approved_in_march(firm, known.hourly, 12)
    brandts = Engagement.objects.for_firm(other_firm).get(name="Brandt's own")
    _approved_in_march(other_firm, brandts, 12)
    whole = page(client, attorney, "insights:dashboard", firm.slug, month="2025-03")
    one = engagement_page(client, attorney, known.hourly, "2025-03")
    theirs = page(
        client, outsider, "insights:dashboard", other_firm.slug, month="2025-03"
    )

    assert "8 of 11 finished tasks" in figure(whole, "on-time")
    assert "5 of 6 finished tasks" in figure(one, "on-time")
    assert "1 of 51 finished tasks" in figure(theirs, "on-time")
