"""``firmdesk deadline``: the FRCP 6 calculator from the command line.

The command reads courts and declared holidays from the database, which the
scheduling migrations fill, so these tests use the (migrated) test database.
Expected dates are worked out by hand in tests/scheduling/test_deadlines.py.
"""

import datetime as dt
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from firmdesk.scheduling.models import Court, CourtClosure, DeclaredHoliday

pytestmark = pytest.mark.django_db


def deadline(*args):
    out = StringIO()
    call_command("deadline", *args, stdout=out)
    return out.getvalue()


def deadline_json(*args):
    return json.loads(deadline(*args, "--json"))


def test_json_has_the_due_date_and_the_steps():
    # 10 days -> Sat 1 Sep 2007; Mon 3 Sep Labor Day; Tue 4 Sep 2007.
    data = deadline_json("--from", "2007-08-22", "--days", "10")

    assert data["due"] == "2007-09-04"
    assert dt.date.fromisoformat(data["due"])
    assert isinstance(data["steps"], list) and data["steps"]
    assert {"rule", "text", "result"} <= data["steps"][0].keys()
    assert "6(a)(1)(C)" in [s["rule"] for s in data["steps"]]
    assert data["court"] == "United States federal courts"
    assert data["last_moment"] == "2007-09-04T23:59:59-04:00"
    assert data["time_zone"] == "America/New_York"


def test_text_output_shows_the_due_date_and_numbered_rules():
    out = deadline("--from", "2007-08-22", "--days", "10")

    assert out.startswith("Due: 2007-09-04  (United States federal courts)")
    assert "1. [FRCP 6(a)(1)(A)]" in out
    assert "[FRCP 6(a)(1)(C)]" in out and "Labor Day" in out
    assert "-> Tuesday 4 September 2007" in out


def test_hours_give_a_date_and_time():
    # Thu 12 Mar 2026 15:00 + 48 h -> Sat 14 Mar 15:00; same time Mon 16 Mar.
    data = deadline_json("--from", "2026-03-12T15:00", "--hours", "48")

    assert data["due"] == "2026-03-16T15:00"
    assert data["last_moment"] == "2026-03-16T15:00:00-04:00"
    assert "6(a)(2)(C)" in [s["rule"] for s in data["steps"]]


def test_before_counts_backward():
    # 10 days before Tue 11 Sep 2007 -> Sat 1 Sep; back to Fri 31 Aug 2007.
    data = deadline_json("--from", "2007-09-11", "--days", "10", "--before")
    assert data["due"] == "2007-08-31"


def test_court_days_leave_out_weekends_and_holidays():
    # From Fri 13 Feb 2026, Presidents Day Mon 16 skipped: Tue 17 ... Mon 23 Feb.
    data = deadline_json("--from", "2026-02-13", "--days", "5", "--court-days")
    assert data["due"] == "2026-02-23"
    assert "court days" in [s["rule"] for s in data["steps"]]


def test_mail_service_adds_three_days():
    # 14 days -> Wed 18 Mar 2026; +3 -> Sat 21 Mar; Mon 23 Mar.
    data = deadline_json("--from", "2026-03-04", "--days", "14", "--service", "mail")
    assert data["due"] == "2026-03-23"
    assert "6(d)" in [s["rule"] for s in data["steps"]]


def test_jurisdiction_adds_the_states_holidays():
    # 7 days -> Thu 12 Feb 2026, Lincoln's Birthday in New York only; Fri 13 Feb.
    args = ("--from", "2026-02-05", "--days", "7")
    assert deadline_json(*args)["due"] == "2026-02-12"
    assert deadline_json(*args, "--jurisdiction", "US-NY")["due"] == "2026-02-13"


def test_court_brings_its_zone_and_state():
    data = deadline_json("--from", "2026-02-05", "--days", "7", "--court", "nysd")

    assert data["court"] == "U.S. District Court for the Southern District of New York"
    assert data["due"] == "2026-02-13"
    assert data["time_zone"] == "America/New_York"
    assert data["last_moment"] == "2026-02-13T23:59:59-05:00"


def test_court_in_another_zone():
    # Cesar Chavez Day, Tue 31 Mar 2026, counts in California: Wed 1 Apr.
    data = deadline_json("--from", "2026-03-21", "--days", "10", "--court", "CAND")

    assert data["due"] == "2026-04-01"
    assert data["time_zone"] == "America/Los_Angeles"
    assert data["last_moment"] == "2026-04-01T23:59:59-07:00"


def test_court_closure_from_the_database_moves_the_last_day():
    court = Court.objects.get(code="nysd")
    CourtClosure.objects.create(court=court, day=dt.date(2026, 3, 11), reason="Snow")
    # 7 days -> Wed 11 Mar 2026, closed; Thu 12 Mar.
    data = deadline_json("--from", "2026-03-04", "--days", "7", "--court", "nysd")
    assert data["due"] == "2026-03-12"
    assert any("Snow" in s["text"] for s in data["steps"])


def test_declared_holidays_come_from_the_database():
    # Loaded by the migration: Thu 9 Jan 2025 (Carter); 7 days -> Fri 10 Jan.
    assert DeclaredHoliday.objects.filter(day=dt.date(2025, 1, 9)).exists()
    assert deadline_json("--from", "2025-01-02", "--days", "7")["due"] == "2025-01-10"
    # One added by an administrator counts too: Wed 11 Mar 2026 -> Thu 12 Mar.
    DeclaredHoliday.objects.create(day=dt.date(2026, 3, 11), name="Test closure")
    assert deadline_json("--from", "2026-03-04", "--days", "7")["due"] == "2026-03-12"


def test_no_observed_treats_the_observed_friday_as_open():
    # 21 days -> Fri 3 Jul 2026, Independence Day observed; Mon 6 Jul, or
    # Fri 3 Jul when observed days are not holidays.
    args = ("--from", "2026-06-12", "--days", "21")
    assert deadline_json(*args)["due"] == "2026-07-06"
    assert deadline_json(*args, "--no-observed")["due"] == "2026-07-03"
    assert deadline_json(*args, "--no-observed", "--court", "nysd")["due"] == (
        "2026-07-03"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ("--from", "2026-03-04", "--days", "7", "--court", "zzz"),
            "No court 'zzz'. Known court codes: ",
            id="unknown-court",
        ),
        pytest.param(
            ("--from", "2026-13-01", "--days", "7"),
            "--from '2026-13-01' is not a date; write it as YYYY-MM-DD.",
            id="bad-date",
        ),
        pytest.param(
            ("--from", "next tuesday", "--hours", "7"),
            "write it as YYYY-MM-DDTHH:MM",
            id="bad-date-time",
        ),
        pytest.param(
            ("--from", "2026-03-04", "--days", "7", "--jurisdiction", "NY"),
            "US-XX",
            id="bad-jurisdiction",
        ),
        pytest.param(
            ("--from", "2026-03-04", "--days", "0"),
            "between 1 and",
            id="zero-days",
        ),
        pytest.param(
            ("--from", "2026-03-04T09:00", "--hours", "5", "--court-days"),
            "--court-days counts days; leave it out with --hours.",
            id="court-days-with-hours",
        ),
        pytest.param(
            ("--from", "2026-03-04", "--days", "7", "--service", "fax"),
            # argparse's own wording (its quoting of the choices varies by
            # Python version).
            "invalid choice: 'fax' (choose from ",
            id="bad-service",
        ),
    ],
)
def test_bad_input_says_what_to_fix(args, message):
    with pytest.raises(CommandError) as raised:
        deadline(*args)
    assert message in str(raised.value)


def test_unknown_court_lists_real_codes():
    with pytest.raises(CommandError) as raised:
        deadline("--from", "2026-03-04", "--days", "7", "--court", "zzz")
    assert "nysd" in str(raised.value)


@pytest.mark.slow
def test_the_console_script_prints_json(tmp_path):
    firmdesk = Path(sys.executable).with_name("firmdesk")
    assert firmdesk.exists(), f"{firmdesk} is not installed"
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["FIRMDESK_VAR"] = str(tmp_path)

    def run(*args):
        result = subprocess.run(
            [str(firmdesk), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run("migrate", "--noinput", "--verbosity", "0")
    data = json.loads(run("deadline", "--from", "2007-08-22", "--days", "10", "--json"))

    assert data["due"] == "2007-09-04"
    assert data["steps"]
    assert (tmp_path / "firmdesk.sqlite3").exists()
