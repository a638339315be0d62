"""Pilots: each target judged against the pilot period's figures from the
roll-up, the recommendation's rule, the evaluation and decision services,
and the reminders before the evaluation date (once each)."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Engagement
from firmdesk.insights import pilot_tasks, pilots
from firmdesk.insights.models import (
    BillableDay,
    PilotEvaluation,
    Recommendation,
    TimeAudit,
    TimeAuditEntry,
    WorkDay,
)
from firmdesk.jobs.schedule import Schedule
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import Membership
from tests.insights import pilot_rows

UTC = datetime.UTC
START = datetime.date(2026, 3, 2)  # a Monday
DUE = datetime.date(2026, 5, 16)  # 75 days later
DURING = datetime.date(2026, 3, 13)  # day 12, the second Friday


@pytest.fixture
def pilot(firm, provider, attorney):
    return pilot_rows.pilot(
        firm,
        provider,
        start=START,
        pilot_targets={
            "on_time_percent": 90,
            "rework_percent": 10,
            "lead_response_median_minutes": 60,
        },
        firm_primary_contact=attorney,
    )


def work_day(engagement, day, **counts):
    return WorkDay.unscoped.create(
        firm=engagement.firm, engagement=engagement, day=day, **counts
    )


@pytest.fixture
def month_of_work(pilot, engagement):
    """In the pilot: 10 tasks with a due time, 9 on time; 10 reviews, 2
    returned. Before it, and on another engagement: work that must not count."""
    work_day(
        pilot,
        datetime.date(2026, 3, 5),
        finished=10,
        finished_with_due=10,
        finished_on_time=9,
        reviewed=10,
        returned=2,
    )
    work_day(
        pilot,
        datetime.date(2026, 2, 27),
        finished=10,
        finished_with_due=10,
        reviewed=10,
        returned=10,
    )
    work_day(
        engagement,
        datetime.date(2026, 3, 5),
        finished=5,
        finished_with_due=5,
        reviewed=5,
        returned=5,
    )


# --- Pure rules --------------------------------------------------------------------


def test_judge_min_and_max_targets():
    assert pilots.judge("min", Decimal(90), Decimal("90.0")) is True
    assert pilots.judge("min", Decimal(90), Decimal("89.9")) is False
    assert pilots.judge("max", Decimal(10), Decimal("10.0")) is True
    assert pilots.judge("max", Decimal(10), Decimal("10.1")) is False
    assert pilots.judge("max", Decimal(10), None) is None


def test_per_month_uses_months_of_365_25_over_12_days():
    # 20 hours in 12 days: 20 × 30.4375 ÷ 12 = 50.729…
    assert pilots.per_month(Decimal(20), START, DURING) == Decimal("50.7")
    assert pilots.per_month(None, START, DURING) is None


outcomes = st.lists(st.sampled_from([True, False, None]), max_size=5)


@given(outcomes)
def test_the_recommendation_follows_the_documented_rule(results):
    met, missed = results.count(True), results.count(False)
    recommendation, reason = pilots.recommend(results)
    if met + missed and not missed:
        assert recommendation == Recommendation.GO
    elif missed > met:
        assert recommendation == Recommendation.STOP
    else:
        assert recommendation == Recommendation.ADJUST
    assert reason.endswith(".")


def test_no_figures_at_all_is_adjust_and_says_why():
    recommendation, reason = pilots.recommend([None, None])
    assert recommendation == Recommendation.ADJUST
    assert reason.startswith("No target has figures yet")


def test_shown_figures_read_as_on_the_page():
    assert pilots.shown(Decimal("90.0"), "%") == "90 %"
    assert pilots.shown(Decimal("12.5"), "hours") == "12.5 hours"
    assert pilots.shown(Decimal("1234.5"), "$") == "$1,234.50"
    assert pilots.shown(Decimal("20"), "$", "EUR") == "EUR 20.00"
    assert pilots.shown(None, "%") == "no data"


# --- The evaluation --------------------------------------------------------------


def test_progress_reads_the_pilot_period_only(pilot, month_of_work):
    found = pilots.evaluate(pilot, DURING)

    assert (found.start, found.end, found.final) == (START, DURING, False)
    assert (found.day, found.days) == (12, 76)
    by_key = {r.key: r for r in found.results}
    assert list(by_key) == [
        "on_time_percent",
        "rework_percent",
        "lead_response_median_minutes",
    ]
    assert (by_key["on_time_percent"].actual, by_key["on_time_percent"].met) == (
        Decimal("90.0"),
        True,
    )
    assert (by_key["rework_percent"].actual, by_key["rework_percent"].met) == (
        Decimal("20.0"),
        False,
    )
    assert by_key["lead_response_median_minutes"].met is None
    assert by_key["lead_response_median_minutes"].actual_text == "no data"
    assert found.recommendation == Recommendation.ADJUST


def test_the_evaluation_stops_at_the_evaluation_date(pilot, month_of_work):
    work_day(pilot, DUE + datetime.timedelta(days=1), finished_with_due=50)
    found = pilots.evaluate(pilot, DUE + datetime.timedelta(days=10))
    assert (found.end, found.final, found.day) == (DUE, True, 76)
    assert found.results[0].actual == Decimal("90.0")


def test_nothing_to_evaluate_before_the_start_or_without_dates(pilot):
    assert pilots.evaluate(pilot, START - datetime.timedelta(days=1)) is None
    pilot.pilot_start = None
    assert pilots.evaluate(pilot, DURING) is None


def test_hours_recovered_a_month_from_the_time_audit_baseline(firm, pilot, attorney):
    """The attorney billed 3 hours a day in the time audit and 5 a day in the
    pilot's first 10 working days: 50 − 3 × 10 = 20 hours in 12 days, that is
    20 × 30.4375 ÷ 12 = 50.7 hours a month."""
    audit = TimeAudit.unscoped.create(
        firm=firm,
        title="February",
        start_date=datetime.date(2026, 2, 2),
        end_date=datetime.date(2026, 2, 3),
        closed_at=datetime.datetime(2026, 2, 4, tzinfo=UTC),
    )
    for day in (datetime.date(2026, 2, 2), datetime.date(2026, 2, 3)):
        for category, hours in (("billable", 3), ("scheduling", 5)):
            TimeAuditEntry.unscoped.create(
                firm=firm,
                audit=audit,
                person=attorney,
                date=day,
                category=category,
                hours=hours,
            )
    day = START
    while day <= DURING:
        if day.weekday() < 5:
            BillableDay.unscoped.create(
                firm=firm, person=attorney, day=day, minutes=300
            )
        day += datetime.timedelta(days=1)
    pilot.pilot_targets = {"hours_recovered": 40}

    (result,) = pilots.evaluate(pilot, DURING).results

    assert result.actual == Decimal("50.7")
    assert result.met is True
    assert result.note == "20.0 hours in 12 days, per month of 30.44 days"
    assert pilots.evaluate(pilot, DURING).recommendation == Recommendation.GO


# --- Recording and deciding ------------------------------------------------------


@pytest.fixture
def admin_scope(firm, firm_admin):
    return resolve_scope(firm_admin, firm)


@pytest.fixture
def attorney_scope(firm, attorney):
    return resolve_scope(attorney, firm)


def test_recording_keeps_the_results_as_they_stand(
    pilot, month_of_work, attorney_scope
):
    evaluation = pilots.evaluation_record(
        scope=attorney_scope, engagement=pilot, today=DURING
    )

    evaluation.refresh_from_db()
    assert (evaluation.period_start, evaluation.period_end) == (START, DURING)
    assert evaluation.recommendation == Recommendation.ADJUST
    assert evaluation.results[0] == {
        "key": "on_time_percent",
        "label": "On-time completion, at least",
        "unit": "%",
        "direction": "min",
        "target": "90",
        "actual": "90.0",
        "met": True,
        "target_text": "90 %",
        "actual_text": "90 %",
        "note": "",
    }
    event = AuditEvent.objects.get(action="pilot.evaluated")
    assert event.detail["early"] is True


def test_no_evaluation_before_the_pilot_starts(pilot, attorney_scope):
    with pytest.raises(ServiceError, match="has not started"):
        pilots.evaluation_record(
            scope=attorney_scope, engagement=pilot, today=START - datetime.timedelta(1)
        )


def test_in_house_staff_cannot_record(firm, pilot, firm_staff):
    with pytest.raises(ServiceError):
        pilots.evaluation_record(
            scope=resolve_scope(firm_staff, firm), engagement=pilot, today=DURING
        )
    assert not PilotEvaluation.objects.for_firm(firm).exists()


@pytest.fixture
def recorded(pilot, attorney_scope):
    return pilots.evaluation_record(scope=attorney_scope, engagement=pilot, today=DUE)


def test_go_by_a_firm_admin_makes_the_engagement_active(recorded, admin_scope):
    pilots.evaluation_decide(
        scope=admin_scope, evaluation=recorded, decision="go", note="Worth it."
    )

    recorded.refresh_from_db()
    engagement = Engagement.objects.for_firm(admin_scope.firm).get(
        pk=recorded.engagement_id
    )
    assert (recorded.decision, recorded.note) == ("go", "Worth it.")
    assert recorded.decided_by == admin_scope.user
    assert engagement.status == Engagement.Status.ACTIVE
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"pilot.decided", "engagement.updated"} <= actions


def test_go_by_an_attorney_is_refused_and_changes_nothing(recorded, attorney_scope):
    with pytest.raises(ServiceError) as error:
        pilots.evaluation_decide(
            scope=attorney_scope, evaluation=recorded, decision="go"
        )
    assert error.value.field == "decision"
    recorded.refresh_from_db()
    assert recorded.decision == ""
    assert recorded.engagement.status == Engagement.Status.PILOT


def test_an_attorney_may_decide_to_adjust_once(recorded, attorney_scope):
    pilots.evaluation_decide(
        scope=attorney_scope, evaluation=recorded, decision="adjust", note="Cheaper."
    )
    recorded.refresh_from_db()
    assert recorded.decision == "adjust"
    assert recorded.engagement.status == Engagement.Status.PILOT
    with pytest.raises(ServiceError, match="decided already"):
        pilots.evaluation_decide(
            scope=attorney_scope, evaluation=recorded, decision="stop"
        )


def test_an_unknown_decision_is_refused(recorded, attorney_scope):
    with pytest.raises(ServiceError) as error:
        pilots.evaluation_decide(
            scope=attorney_scope, evaluation=recorded, decision="maybe"
        )
    assert error.value.field == "decision"


# --- Reminders ---------------------------------------------------------------------

# 08:00 in New York (EDT) on the day seven days before, and on the day.
WEEK_BEFORE = datetime.datetime(2026, 5, 9, 12, 0, tzinfo=UTC)
ON_THE_DAY = datetime.datetime(2026, 5, 16, 12, 0, tzinfo=UTC)
MINUTE = datetime.timedelta(minutes=1)


def test_the_week_reminder_falls_due_at_eight_the_firms_time(pilot):
    assert list(pilot_tasks.pilot_evaluation_reminders(WEEK_BEFORE - MINUTE)) == []
    (due,) = pilot_tasks.pilot_evaluation_reminders(WEEK_BEFORE)
    assert due.kind == "insights.pilot-reminder"
    assert due.object_key == f"{pilot.pk}:week"
    assert due.due_at == WEEK_BEFORE
    assert due.task is pilot_tasks.send_pilot_reminder
    assert due.args == (pilot.pk, "week", "2026-05-16")


def test_on_the_day_only_the_days_reminder_is_due(pilot):
    (due,) = pilot_tasks.pilot_evaluation_reminders(ON_THE_DAY + MINUTE)
    assert due.object_key == f"{pilot.pk}:day" and due.due_at == ON_THE_DAY


def test_a_reminder_found_more_than_two_days_late_is_dropped(pilot):
    late = WEEK_BEFORE + datetime.timedelta(days=2, minutes=1)
    assert list(pilot_tasks.pilot_evaluation_reminders(late)) == []


def test_no_reminder_once_the_pilot_is_decided(pilot):
    pilot.status = Engagement.Status.ACTIVE
    pilot.save()
    assert list(pilot_tasks.pilot_evaluation_reminders(WEEK_BEFORE)) == []


def test_the_schedule_enqueues_each_reminder_once(pilot):
    schedule = Schedule()
    schedule.due_work(pilot_tasks.pilot_evaluation_reminders)
    assert schedule.enqueue_due(WEEK_BEFORE) == 1
    assert schedule.enqueue_due(WEEK_BEFORE + MINUTE) == 0
    assert schedule.enqueue_due(ON_THE_DAY) == 1
    assert schedule.enqueue_due(ON_THE_DAY + MINUTE) == 0


def test_the_contact_and_the_firm_admins_are_told_once(
    pilot, firm, firm_admin, attorney, firm_staff
):
    assert pilot_tasks.send_pilot_reminder.call(pilot.pk, "week", "2026-05-16") == 2
    assert pilot_tasks.send_pilot_reminder.call(pilot.pk, "week", "2026-05-16") == 0

    told = Notification.objects.filter(kind="pilot.evaluation_due").order_by("user")
    assert {n.user for n in told} == {firm_admin, attorney}
    note = told.first()
    assert note.title == "Pilot evaluation in 7 days: Scheduling pilot"
    assert "evaluated in 7 days, on Saturday 16 May" in note.body
    assert note.url == f"/f/{firm.slug}/insights/pilots/{pilot.public_id}/"
    assert note.firm == firm

    assert pilot_tasks.send_pilot_reminder.call(pilot.pk, "day", "2026-05-16") == 2
    assert Notification.objects.filter(kind="pilot.evaluation_due").count() == 4


def test_a_contact_who_cannot_read_insights_is_sent_to_the_engagement(
    pilot, firm, firm_staff
):
    pilot.firm_primary_contact = firm_staff
    pilot.save()
    pilot_tasks.send_pilot_reminder.call(pilot.pk, "day", "2026-05-16")
    note = Notification.objects.get(user=firm_staff)
    assert note.url == f"/f/{firm.slug}/engagements/{pilot.public_id}/"
    assert "Ask an attorney or a firm admin" in note.body


def test_a_moved_evaluation_date_tells_no_one_about_the_old_one(pilot, firm_admin):
    pilot.pilot_evaluation = DUE + datetime.timedelta(days=7)
    pilot.save()
    assert pilot_tasks.send_pilot_reminder.call(pilot.pk, "week", "2026-05-16") == 0
    assert not Notification.objects.exists()


def test_people_who_left_the_firm_are_not_reminded(pilot, firm, firm_admin, attorney):
    Membership.objects.filter(user=attorney, organization=firm).update(is_active=False)
    assert pilots.reminder_recipients(pilot) == [firm_admin]
