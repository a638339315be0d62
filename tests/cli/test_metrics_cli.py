"""``firmdesk metrics``: a month's figures of a firm or one engagement, each
with its numerator and denominator, as JSON of a fixed shape or as aligned
lines; anything typed that cannot be used says what to fix and exits 2."""

import datetime
import json
import uuid
from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from tests.insights.known_month import known_may, known_month

pytestmark = pytest.mark.django_db


@pytest.fixture
def known(firm, other_firm, provider):
    return known_month(firm, other_firm, provider)


def run(*args) -> str:
    out = StringIO()
    call_command("metrics", *args, stdout=out)
    return out.getvalue()


def test_json_of_the_whole_firm_has_each_figure_with_its_counts(firm, known):
    record = json.loads(run("--firm", "hale-ortiz", "--month", "2025-03", "--json"))

    assert record["firm"] == "hale-ortiz" and record["engagement"] is None
    assert (record["month"], record["start"], record["end"]) == (
        "2025-03",
        "2025-03-01",
        "2025-03-31",
    )
    assert record["currency"] == "USD"
    # Worked out by hand in tests/insights/test_figures.py.
    assert record["on_time"] == {"percent": 70.0, "on_time": 7, "with_due_time": 10}
    assert record["rework"] == {
        "percent": 44.4,
        "returned": 4,
        "reviewed": 9,
        "reasons": {"formatting": 1, "typo": 2, "other": 1},
    }
    assert record["cost"] == {
        "estimated": True,
        "outsourced": "1215.50",
        "inhouse": "280.00",
        "tasks": 11,
        "staff_hours": 6.0,
        "outsourced_per_task": "110.50",
        "inhouse_per_task": "25.45",
        "outsourced_per_hour": "202.58",
        "inhouse_per_hour": "46.67",
    }
    assert record["intake_response"] == {
        "median_minutes": 25.0,
        "p90_minutes": 60.0,
        "leads": 6,
    }
    assert record["feedback"] == {"average": 4.0, "answers": 3, "rating_sum": 12}
    # No closed time audit: no baseline, no data.
    assert record["hours_recovered"]["hours"] is None
    assert record["hours_recovered"]["of"] == "firm"


def test_json_of_one_engagement_names_it(firm, known):
    engagement = known.per_task
    record = json.loads(
        run(
            "--firm",
            "hale-ortiz",
            "--engagement",
            str(engagement.public_id),
            "--month",
            "2025-03",
            "--json",
        )
    )

    assert record["engagement"] == {
        "id": str(engagement.public_id),
        "name": "Northstar by the task",
    }
    assert record["cost"]["outsourced"] == "95.50"
    assert record["cost"]["estimated"] is False
    assert record["on_time"] == {"percent": 60.0, "on_time": 3, "with_due_time": 5}


def test_hours_recovered_with_its_baseline(firm, attorney, firm_admin, firm_staff):
    known_may(firm, owen=attorney, grace=firm_admin, ida=firm_staff)

    record = json.loads(run("--firm", "hale-ortiz", "--month", "2025-05", "--json"))

    assert record["hours_recovered"] == {
        "hours": 20.0,
        "attorney_billable_hours": 140.0,
        "baseline_billable_hours": 120.0,
        "working_days": 20,
        "attorneys": 2,
        "of": "firm",
    }


def test_text_is_aligned_lines_in_plain_words(firm, known):
    lines = run("--firm", "hale-ortiz", "--month", "2025-03").splitlines()

    assert (
        lines[0] == "Hale & Ortiz LLP, whole firm: 2025-03 (2025-03-01 to 2025-03-31)"
    )
    figures = {line[:34].strip(): line[34:] for line in lines[1:]}
    assert list(figures) == [
        "Billable hours recovered",
        "On-time completion",
        "Rework rate",
        "Cost per task",
        "Cost per hour",
        "Intake response, median",
        "Intake response, 90th percentile",
        "Client feedback",
    ]
    assert figures["On-time completion"] == (
        "70.0 %        7 of 10 finished tasks with a due time"
    )
    assert figures["Rework rate"].startswith("44.4 %        4 returned of 9 reviews")
    assert "(Formatting 1, Typo 2, Other 1)" in figures["Rework rate"]
    assert figures["Cost per task"].startswith("110.50 USD    in-house 25.45 USD")
    assert "1215.50 USD for 11 tasks, estimated" in figures["Cost per task"]
    assert figures["Intake response, 90th percentile"] == "60 min"
    assert figures["Client feedback"].startswith("4.0 of 5      average of 3")
    assert figures["Billable hours recovered"].startswith("No data")


def test_a_month_with_nothing_says_no_data(firm, known):
    record = json.loads(run("--firm", "hale-ortiz", "--month", "2019-01", "--json"))

    assert record["on_time"]["percent"] is None
    assert record["intake_response"]["median_minutes"] is None
    assert record["cost"]["outsourced_per_task"] is None


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--firm", "nobody", "--month", "2025-03"], "No firm with the slug “nobody”"),
        (["--firm", "hale-ortiz", "--month", "2025-13"], "Write it as YYYY-MM"),
        (["--firm", "hale-ortiz", "--month", "March"], "“March” is not a month"),
        (["--firm", "hale-ortiz"], "Name the month: --month YYYY-MM"),
        (["--month", "2025-03"], "Name the firm: --firm SLUG"),
        (
            ["--firm", "hale-ortiz", "--month", "2025-03", "--engagement", "42"],
            "“42” is not an engagement id",
        ),
        (
            [
                "--firm",
                "hale-ortiz",
                "--month",
                "2025-03",
                "--engagement",
                str(uuid.UUID(int=7)),
            ],
            "Hale & Ortiz LLP has no engagement with the id",
        ),
    ],
)
def test_what_cannot_be_used_says_what_to_fix_and_exits_2(firm, known, args, says):
    with pytest.raises(CommandError, match=says) as failed:
        run(*args)

    assert failed.value.returncode == 2


def test_an_engagement_of_another_firm_is_not_found(firm, other_firm, other_engagement):
    with pytest.raises(CommandError, match="has no engagement with the id") as failed:
        run(
            "--firm",
            "hale-ortiz",
            "--engagement",
            str(other_engagement.public_id),
            "--month",
            "2025-03",
        )

    assert failed.value.returncode == 2


def test_the_full_command_line_exits_2_with_the_message(firm, capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_from_command_line(
            ["firmdesk", "metrics", "--firm", "hale-ortiz", "--month", "2025-99"]
        )

    assert exit_.value.code == 2
    assert "“2025-99” is not a month FirmDesk can show" in capsys.readouterr().err


def test_rebuild_writes_the_roll_up_again_from_the_work(firm, attorney):
    from decimal import Decimal

    from firmdesk.billing.models import TimeEntry
    from firmdesk.insights.models import BillableDay

    TimeEntry.objects.create(
        firm=firm,
        timekeeper=attorney,
        date=datetime.date(2026, 3, 3),
        hours=Decimal("1.50"),
    )
    BillableDay.objects.for_firm(firm).delete()  # lost, say, by a bad restore

    said = run("--rebuild", "--firm", firm.slug)

    assert "1 days of billable time" in said
    day = BillableDay.objects.for_firm(firm).get()
    assert (day.person_id, day.day, day.minutes) == (
        attorney.pk,
        datetime.date(2026, 3, 3),
        90,
    )
