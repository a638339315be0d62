"""The roll-up on a small known week, counted by hand.

The firm sits in Auckland (13 hours ahead of UTC in March), so a day of the
firm's calendar is not a day of UTC: work done on a Thursday morning there is
still Wednesday in UTC, and must count on the Thursday.
"""

import datetime
import io
import zoneinfo
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from firmdesk.access.scope import resolve_scope
from firmdesk.billing.importing import time_import
from firmdesk.billing.models import ProviderBill, TimeEntry, Timekeeper
from firmdesk.common.changes import rows_written
from firmdesk.insights import rollup
from firmdesk.insights.models import BillableDay, WorkDay
from firmdesk.intake.models import FeedbackRequest, Lead
from firmdesk.orgs.models import Organization
from firmdesk.work.models import Review, SlaBreach, Task
from tests import factories as f

AKL = zoneinfo.ZoneInfo("Pacific/Auckland")
TIME_FILES = Path(__file__).parent.parent / "imports" / "data" / "time"
MON, TUE, WED, THU, FRI = (datetime.date(2026, 3, d) for d in range(2, 7))


def at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=AKL)


def cell(**columns) -> dict:
    return {**rollup.empty(), **columns}


@pytest.fixture
def akl_firm(firm):
    """The shared firm, moved to Auckland (9 to 5, Monday to Friday)."""
    firm.time_zone = "Pacific/Auckland"
    firm.save()
    return firm


def task(firm, engagement, **fields):
    return f.task(firm, engagement=engagement, **fields)


def review(task, decision, when, reason=""):
    with time_machine.travel(when, tick=False):
        return Review.objects.create(
            firm=task.firm, task=task, decision=decision, reason=reason
        )


def time_entry(firm, user, day, *, minutes=None, hours="0.00", **fields):
    return TimeEntry.objects.create(
        firm=firm,
        timekeeper=user,
        date=day,
        minutes=minutes,
        hours=Decimal(hours),
        **fields,
    )


@pytest.fixture
def week(akl_firm, engagement, attorney, assistant):
    """Monday 2 to Friday 6 March 2026, with work of every kind."""
    firm = akl_firm
    approved = task(
        firm,
        engagement,
        title="Approved on time",
        status=Task.Status.APPROVED,
        created_at=at(MON, 9),
        routed_at=at(MON, 10),
        first_response_at=at(MON, 12, 30),
        submitted_at=at(TUE, 9),
        due_at=at(TUE, 17),
        approved_at=at(TUE, 11),
    )
    task(
        firm,
        engagement,
        title="Done late, no review",
        status=Task.Status.DONE,
        routed_at=at(TUE, 16),
        first_response_at=at(WED, 9, 30),
        due_at=at(WED, 17),
        completed_at=at(WED, 23, 30),
    )
    after_midnight = task(
        firm,
        engagement,
        title="Approved after midnight",
        status=Task.Status.APPROVED,
        routed_at=at(WED, 10),
        first_response_at=at(WED, 10),
        approved_at=at(THU, 0, 30),
    )
    task(
        firm,
        None,
        title="In-house, done",
        status=Task.Status.DONE,
        due_at=at(MON, 17),
        completed_at=at(MON, 12),
    )
    task(
        firm,
        engagement,
        title="Cancelled after an answer",
        status=Task.Status.CANCELLED,
        routed_at=at(MON, 9),
        first_response_at=at(MON, 9),
    )
    task(firm, engagement, title="Still open", due_at=at(TUE, 17))

    review(approved, "returned", at(MON, 15), "factual_error")
    review(approved, "approved", at(TUE, 11))
    review(after_midnight, "returned", at(WED, 20))

    outside = {"outside_staff": True, "engagement": engagement, "billable": False}
    time_entry(firm, assistant, MON, minutes=45, **outside)
    time_entry(firm, assistant, MON, hours="1.25", **outside)
    time_entry(firm, assistant, TUE, minutes=30, outside_staff=True)  # no engagement
    time_entry(firm, attorney, TUE, hours="2.00")
    time_entry(firm, attorney, TUE, minutes=20, hours="0.40")
    time_entry(firm, attorney, TUE, minutes=60, written_off=True)
    time_entry(firm, attorney, WED, minutes=90, billable=False)

    lead = Lead.objects.create(
        firm=firm,
        source="phone",
        name="Dana Cole",
        engagement=engagement,
        received_at=at(MON, 8),
        first_response_at=at(MON, 8, 40),
    )
    Lead.objects.create(
        firm=firm,
        source="web_form",
        name="Ray Oduya",
        received_at=at(THU, 23, 50),
        first_response_at=at(FRI, 0, 20),
    )
    Lead.objects.create(
        firm=firm, source="web_form", name="Not called", received_at=at(FRI, 9)
    )
    FeedbackRequest.objects.create(
        firm=firm,
        kind="consultation",
        lead=lead,
        email="dana@example.com",
        rating=4,
        answered_at=at(FRI, 10),
    )
    FeedbackRequest.objects.create(
        firm=firm,
        kind="matter_opened",
        email="someone@example.com",
        rating=5,
        answered_at=at(FRI, 11),
    )
    FeedbackRequest.objects.create(
        firm=firm, kind="matter_opened", email="silent@example.com"
    )
    SlaBreach.objects.create(
        firm=firm,
        task=approved,
        engagement=engagement,
        function="scheduling",
        due_at=at(TUE, 17),
    )
    ProviderBill.objects.create(
        firm=firm,
        engagement=engagement,
        number="NS-0301",
        period_start=datetime.date(2026, 3, 1),
        period_end=datetime.date(2026, 3, 31),
        total=Decimal("1300.00"),
        reconciled_total=Decimal("1234.56"),
    )
    return firm


def expected_cells(engagement):
    e = engagement.pk
    return {
        # Responses in business minutes from when the task was given out:
        # 9:00→9:00 is 0, Monday 10:00→12:30 is 150.
        (e, MON): cell(
            task_response_minutes=[0, 150],
            reviewed=1,
            returned=1,
            returned_reasons={"factual_error": 1},
            staff_minutes=45 + 75,  # 1.25 hours typed, no minutes: 75
            lead_response_minutes=[40],
        ),
        # Approved 11:00, given out Monday 10:00: 7 h Monday + 2 h Tuesday.
        (e, TUE): cell(
            finished=1,
            finished_with_due=1,
            finished_on_time=1,
            approval_minutes=[540],
            reviewed=1,
            breaches=1,
        ),
        # Done at 23:30, after its due time of 17:00; first answered 9:30,
        # given out Tuesday 16:00: 60 + 30 minutes. The after-midnight task
        # was answered the moment it came in. The reason-less return is
        # "other".
        (e, WED): cell(
            finished=1,
            finished_with_due=1,
            task_response_minutes=[0, 90],
            reviewed=1,
            returned=1,
            returned_reasons={"other": 1},
        ),
        # Approved at 00:30 Thursday (Wednesday 11:30 in UTC): Wednesday
        # 10:00 to 17:00 of business time.
        (e, THU): cell(finished=1, approval_minutes=[420]),
        (e, FRI): cell(feedback_answers=1, feedback_rating_sum=4),
        (None, MON): cell(finished=1, finished_with_due=1, finished_on_time=1),
        (None, FRI): cell(
            lead_response_minutes=[30], feedback_answers=1, feedback_rating_sum=5
        ),
        (e, datetime.date(2026, 3, 31)): cell(bills=1, billed_cost=Decimal("1234.56")),
    }


def test_the_week_is_counted_by_the_firms_day(week, engagement, attorney):
    work, billable = rollup.stored(week)
    assert work == expected_cells(engagement)
    # Hours as billed: 2 hours typed (120) and 0.40 h billed for 20 minutes
    # timed (24); written off and not billable left out.
    assert billable == {(attorney.pk, TUE): 144}


def test_compute_from_the_raw_rows_gives_the_same_cells(week, engagement, attorney):
    assert rollup.compute(week) == expected_cells(engagement)
    assert rollup.compute_billable(week) == {(attorney.pk, TUE): 144}
    e = engagement.pk
    assert rollup.compute(week, [(e, THU), (None, TUE)]) == {
        (e, THU): cell(finished=1, approval_minutes=[420])
    }


def test_rebuild_writes_the_same_cells_and_no_empty_ones(
    week, engagement, attorney, other_firm
):
    WorkDay.objects.for_firm(week).update(finished=99)
    WorkDay.objects.create(firm=week, engagement=None, day=THU)
    BillableDay.objects.create(firm=week, person=attorney, day=WED, minutes=7)
    done = rollup.rebuild(week)
    assert (done.firms, done.work_days, done.billable_days) == (1, 8, 1)
    assert rollup.stored(week) == (
        expected_cells(engagement),
        {(attorney.pk, TUE): 144},
    )
    assert WorkDay.objects.for_firm(week).count() == 8
    assert rollup.rebuild().firms == 2  # every firm: ours and the other


def test_a_task_that_moves_leaves_its_old_day(week, engagement):
    late = Task.objects.for_firm(week).get(title="Done late, no review")
    late.completed_at = at(FRI, 10)
    late.save()
    work, _ = rollup.stored(week)
    assert work[(engagement.pk, WED)]["finished"] == 0
    assert work[(engagement.pk, FRI)]["finished"] == 1
    assert work == rollup.compute(week)


def test_a_task_moved_to_another_engagement_takes_its_reviews(
    week, engagement, provider
):
    other = f.engagement(week, provider, name="Second team")
    approved = Task.objects.for_firm(week).get(title="Approved on time")
    approved.engagement = other
    approved.save()
    work, _ = rollup.stored(week)
    assert work[(other.pk, TUE)]["reviewed"] == 1
    assert work[(other.pk, MON)]["returned_reasons"] == {"factual_error": 1}
    assert work[(engagement.pk, MON)]["reviewed"] == 0
    assert work == rollup.compute(week)


def test_a_save_naming_only_uncounted_fields_costs_no_query(week):
    open_task = Task.objects.for_firm(week).get(title="Still open")
    open_task.routing_note = "Waiting for someone free"
    with CaptureQueriesContext(connection) as saved:
        open_task.save(update_fields=["routing_note"])
    assert len(saved.captured_queries) == 1


def test_a_save_that_changes_nothing_counted_reads_one_row_and_writes_no_cell(
    week,
):
    done = Task.objects.for_firm(week).get(title="Approved on time")
    done.title = "Approved on time (renamed)"
    with CaptureQueriesContext(connection) as saved:
        done.save()
    assert [q["sql"].split()[0] for q in saved.captured_queries] == [
        "SELECT",
        "UPDATE",
    ]


def test_a_deleted_review_and_its_task_leave_the_counts(week, engagement):
    Task.objects.for_firm(week).get(title="Approved on time").delete()
    work, _ = rollup.stored(week)
    assert work == rollup.compute(week)
    # Tuesday held only that task's approval, review and breach.
    assert (engagement.pk, TUE) not in work
    assert work[(engagement.pk, MON)]["reviewed"] == 0
    assert work[(engagement.pk, MON)]["task_response_minutes"] == [0]


def test_a_time_entry_moved_to_another_day_and_person(week, attorney, firm_admin):
    entry = TimeEntry.objects.for_firm(week).get(hours=Decimal("2.00"))
    entry.date = WED
    entry.timekeeper = firm_admin
    entry.save(update_fields=["date", "timekeeper"])
    assert rollup.stored(week)[1] == {
        (attorney.pk, TUE): 24,
        (firm_admin.pk, WED): 120,
    }


def test_a_deleted_lead_leaves_its_feedback_with_no_engagement(week, engagement):
    Lead.objects.for_firm(week).get(name="Dana Cole").delete()
    work, _ = rollup.stored(week)
    assert work == rollup.compute(week)
    assert work[(None, FRI)]["feedback_answers"] == 2
    assert work[(engagement.pk, MON)]["lead_response_minutes"] == []


def test_moving_the_firm_to_another_zone_counts_every_day_again(week, engagement):
    week.time_zone = "UTC"
    week.save()
    work, _ = rollup.stored(week)
    # Approved 00:30 Thursday in Auckland is Wednesday 11:30 in UTC.
    assert work[(engagement.pk, WED)]["finished"] == 2
    assert work == rollup.compute(week)


def test_rows_written_in_bulk_are_counted_when_announced(akl_firm, attorney):
    rows = TimeEntry.objects.bulk_create(
        [
            TimeEntry(
                firm=akl_firm, timekeeper=attorney, date=MON, hours=Decimal("1.5")
            ),
            TimeEntry(
                firm=akl_firm,
                timekeeper=attorney,
                date=TUE,
                minutes=10,
                hours=Decimal("0.20"),
            ),
        ]
    )
    assert rollup.stored(akl_firm)[1] == {}
    rows_written.send(sender=TimeEntry, firm=akl_firm, rows=rows)
    assert rollup.stored(akl_firm)[1] == {
        (attorney.pk, MON): 90,
        (attorney.pk, TUE): 12,  # as billed, not the 10 minutes worked
    }


def test_imported_time_is_counted_by_the_import_itself(
    firm, attorney, firm_staff, matter
):
    """The time import writes in bulk; its announcement counts the days."""
    Timekeeper.objects.create(
        firm=firm, user=attorney, code="OO", default_rate=Decimal("300.00")
    )
    name = "clio_activities.csv"
    result = time_import(
        scope=resolve_scope(attorney, firm),
        actor=attorney,
        file=(TIME_FILES / name).read_bytes(),
        filename=name,
    )
    assert result.ok, result.errors
    _, billable = rollup.stored(firm)
    assert billable
    assert billable == rollup.compute_billable(firm)


def test_an_empty_cell_is_kept_and_reads_as_nothing(week, engagement):
    Task.objects.for_firm(week).get(title="Approved after midnight").delete()
    row = WorkDay.objects.for_firm(week).get(engagement=engagement, day=THU)
    assert rollup.is_empty({c: getattr(row, c) for c in rollup.COLUMNS})
    assert (engagement.pk, THU) not in rollup.stored(week)[0]


def test_a_seeded_firm_has_its_roll_up(db):
    """The seed writes in bulk, without signals, then counts each firm."""
    call_command("seed", scale="small", firms=1, seed=11, stdout=io.StringIO())
    firm = Organization.objects.get(kind="firm", slug__startswith="s11-")
    work, billable = rollup.stored(firm)
    assert sum(cell["finished"] for cell in work.values()) > 0
    assert sum(cell["staff_minutes"] for cell in work.values()) > 0
    assert billable
    assert (work, billable) == (rollup.compute(firm), rollup.compute_billable(firm))


@pytest.mark.parametrize("n", [5000])
def test_a_firm_of_5000_tasks_rebuilds_with_every_task_counted(
    akl_firm, engagement, assistant, n
):
    """How fast is bench/rollup.py's to say (a timed test fails in a slow
    hour); this holds that a bulk rebuild of a firm that size counts all."""
    start = at(MON, 9)
    Task.objects.bulk_create(
        [
            Task(
                firm=akl_firm,
                engagement=engagement if i % 5 else None,
                function="scheduling",
                title=f"Task {i}",
                status=Task.Status.APPROVED,
                created_at=start,
                routed_at=start + datetime.timedelta(hours=i % 48),
                first_response_at=start + datetime.timedelta(hours=i % 48, minutes=40),
                submitted_at=start + datetime.timedelta(hours=i % 48 + 5),
                due_at=start + datetime.timedelta(hours=i % 48 + 8),
                approved_at=start + datetime.timedelta(hours=i % 48 + 26),
            )
            for i in range(n)
        ]
    )
    done = rollup.rebuild(akl_firm)
    assert done.work_days > 0
    assert sum(c["finished"] for c in rollup.stored(akl_firm)[0].values()) == n


def test_the_version_mark_changes_with_every_counted_change_and_only_then(
    week, engagement
):
    before = rollup.version(week)
    assert before  # the week's work was counted

    done = Task.objects.for_firm(week).get(title="Approved on time")
    done.title = "Approved on time (renamed)"
    done.save()
    assert rollup.version(week) == before

    done.approved_at = at(WED, 11)
    done.save()
    moved = rollup.version(week)
    assert moved != before

    rollup.rebuild(week)
    assert rollup.version(week) not in (before, moved, "")


def test_a_firm_whose_roll_up_was_never_counted_has_no_mark(other_firm):
    assert rollup.version(other_firm) == ""
