"""A court closure or a declared holiday recorded after deadlines were computed
moves the open deadlines it touches, and tells their owners; nothing else moves.
Through the service, the job, and the admin pages where the days are kept."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import User
from firmdesk.scheduling import services, tasks
from firmdesk.scheduling.models import (
    Court,
    CourtClosure,
    DeadlineRule,
    DeclaredHoliday,
    Event,
)
from tests import factories as f

UTC = datetime.UTC
# Monday 2 March 2026, 10:00 in New York.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
MON_23 = datetime.date(2026, 3, 23)
TUE_24 = datetime.date(2026, 3, 24)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def answers(firm, attorney, firm_admin, matter):
    """Answers to two complaints served on 2 March, both due Monday 23 March:
    one in N.D. Cal., one in S.D.N.Y.; and one in N.D. Cal. already filed."""
    scope = resolve_scope(attorney, firm)
    rule = DeadlineRule.objects.get(code="frcp-12a1Ai-answer")

    def answer(code, **kw):
        return services.deadline_create(
            scope=scope,
            actor=attorney,
            matter=matter,
            court=Court.objects.get(code=code),
            rule=rule,
            trigger_date=datetime.date(2026, 3, 2),
            owner=firm_admin,
            **kw,
        )

    cand, nysd, filed = answer("cand"), answer("nysd"), answer("cand")
    services.event_set_status(
        scope=scope,
        event=filed,
        status=Event.Status.DONE,
        actor=attorney,
        revision=filed.revision,
        confirmed=True,
    )
    for event in (cand, nysd, filed):
        event.refresh_from_db()
        assert event.start_date == MON_23
    return cand, nysd, filed


def due_dates(*events):
    for event in events:
        event.refresh_from_db()
    return [e.start_date for e in events]


def moved_notes():
    return Notification.objects.filter(kind="deadline_moved")


def test_a_closure_on_the_last_day_moves_that_courts_open_deadlines_only(
    answers, firm_admin, django_capture_on_commit_callbacks
):
    cand, nysd, filed = answers
    court = Court.objects.get(code="cand")
    CourtClosure.objects.create(court=court, day=MON_23, reason="Power outage")

    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadlines_recount(day=MON_23, court_id=court.pk) == 1

    assert due_dates(cand, nysd, filed) == [TUE_24, MON_23, MON_23]
    assert any(
        "clerk's office was closed: Power outage" in s["text"] for s in cand.derivation
    )
    (note,) = moved_notes()
    assert note.user == firm_admin
    assert "The court's calendar changed" in note.body
    assert "Tue, Mar 24, 2026" in note.body
    # Counted again with nothing new: nothing moves, no one is told twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.deadlines_recount(day=MON_23, court_id=court.pk) == 0
    assert moved_notes().count() == 1


def test_a_closure_entered_by_mistake_and_removed_moves_the_deadline_back(answers):
    cand, _, _ = answers
    court = Court.objects.get(code="cand")
    closure = CourtClosure.objects.create(court=court, day=MON_23, reason="Typo")
    assert services.deadlines_recount(day=MON_23, court_id=court.pk) == 1
    closure.delete()
    assert services.deadlines_recount(day=MON_23, court_id=court.pk) == 1
    assert due_dates(cand) == [MON_23]


def test_a_declared_holiday_moves_open_deadlines_in_every_court(answers):
    cand, nysd, filed = answers
    DeclaredHoliday.objects.create(day=MON_23, name="National Day of Mourning")
    assert tasks.recount_deadlines.call(MON_23.isoformat()) == 2
    assert due_dates(cand, nysd, filed) == [TUE_24, TUE_24, MON_23]


def test_a_day_after_the_deadline_changes_nothing(answers):
    cand, nysd, _ = answers
    DeclaredHoliday.objects.create(day=TUE_24, name="Not on the last day")
    assert services.deadlines_recount(day=TUE_24) == 0
    assert due_dates(cand, nysd) == [MON_23, MON_23]


@pytest.fixture
def site_operator(db):
    user = User.objects.create_superuser(
        "root@firmdesk.test", f.PASSWORD, full_name="Site Operator"
    )
    return f.sign_in(Client(), user)


def test_adding_a_closure_in_the_admin_counts_the_deadlines_again(
    answers, site_operator, django_capture_on_commit_callbacks
):
    cand, nysd, _ = answers
    court = Court.objects.get(code="cand")
    url = reverse("admin:scheduling_court_change", args=[court.pk])
    page = site_operator.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | dict)
    }
    data.update(
        {
            "closures-TOTAL_FORMS": "1",
            "closures-INITIAL_FORMS": "0",
            "closures-0-day": "2026-03-23",
            "closures-0-reason": "Flooded courthouse",
            "_continue": "Save",
        }
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = site_operator.post(url, data, follow=True)
    assert response.status_code == 200, response.content[:2000]
    assert CourtClosure.objects.filter(court=court, day=MON_23).exists()
    assert "being counted again" in response.content.decode()
    assert callbacks  # the recount job was enqueued after the commit
    tasks.recount_deadlines.call(MON_23.isoformat(), court.pk)
    assert due_dates(cand, nysd) == [TUE_24, MON_23]


def test_an_owner_who_left_the_firm_is_not_told(answers, firm_admin):
    cand, _, _ = answers
    firm_admin.memberships.update(is_active=False)
    court = Court.objects.get(code="cand")
    CourtClosure.objects.create(court=court, day=MON_23, reason="Storm")
    assert services.deadlines_recount(day=MON_23, court_id=court.pk) == 1
    assert due_dates(cand) == [TUE_24]
    assert not moved_notes().exists()
