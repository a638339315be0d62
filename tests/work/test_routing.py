"""Who gets a new task (work/routing.py): eligible staff inside their own working
hours, least open work first; the after-hours cover; waiting and routing later;
handing over the work of someone absent or gone; reassigning by hand.

The firm is in New York. November 2026 is EST (UTC-5); Manila is UTC+8 all year;
London is GMT in November and until 29 March 2026, when it moves to BST (UTC+1),
three weeks after New York's own change on 8 March.
"""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.billing.time_entries import time_log_on_task
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Assignment, ConfidentialityAgreement
from firmdesk.notify.models import Notification
from firmdesk.orgs.models import Absence, StaffProfile, TrainingRecord
from firmdesk.work import routing, services
from firmdesk.work.models import Playbook, PlaybookAcknowledgement, Task
from tests import factories as f

from .conftest import give_open_work, utc

# Tuesday 17 November 2026 10:00 EST = 15:00 London = 23:00 Manila.
TUE_10AM_NY = utc(2026, 11, 17, 15, 0)
# Tuesday 17 November 2026 21:00 EST = Wednesday 18 Nov 02:00 London, 10:00 Manila.
TUE_9PM_NY = utc(2026, 11, 18, 2, 0)
# Wednesday 18 November 2026 08:59 and 09:00 EST.
WED_0859_NY = utc(2026, 11, 18, 13, 59)
WED_9AM_NY = utc(2026, 11, 18, 14, 0)
# Friday 20 November 2026 21:00 EST = Saturday 21 Nov 10:00 Manila.
FRI_9PM_NY = utc(2026, 11, 21, 2, 0)
# Saturday 21 November 2026 10:00 EST = Saturday 23:00 Manila.
SAT_10AM_NY = utc(2026, 11, 21, 15, 0)
# Sunday 22 November 2026 21:00 EST = Monday 23 Nov 10:00 Manila.
SUN_9PM_NY = utc(2026, 11, 23, 2, 0)

MANILA = "Asia/Manila"
LONDON = "Europe/London"


def waiting(task):
    task.refresh_from_db()
    return task.assignee is None and task.needs_routing


# --- The least open work -----------------------------------------------------------


def test_the_eligible_assistant_with_the_least_open_work_gets_the_task(
    time_machine, firm, hire, delegate
):
    ann, ben = hire("Ann Lowe"), hire("Ben Osei")
    give_open_work(ann, firm, 1)
    give_open_work(ann, firm, 1, status=Task.Status.SUBMITTED)
    give_open_work(ben, firm, 1)
    # Finished work is not open work.
    give_open_work(ben, firm, 3, status=Task.Status.DONE)
    give_open_work(ben, firm, 1, status=Task.Status.CANCELLED)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    task = delegate()

    assert task.assignee == ben
    assert task.routed_at == TUE_10AM_NY
    assert not task.needs_routing
    assert task.routing_note == (
        "Given to Ben Osei: the least open work (1) of 2 available now."
    )
    told = Notification.objects.get(user=ben, kind="task.assigned")
    assert told.title == "New task: Calendar the hearing"


def test_open_work_counts_tasks_in_every_firm_the_assistant_serves(
    time_machine, firm, other_firm, hire, delegate
):
    ann, ben = hire("Ann Lowe"), hire("Ben Osei")
    # Ann has nothing at Hale & Ortiz but two tasks at Brandt Legal.
    give_open_work(ann, other_firm, 2)
    give_open_work(ben, firm, 1)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == ben


def test_a_tie_goes_to_whoever_was_given_a_task_least_recently(
    time_machine, firm, hire, delegate
):
    ann, ben = hire("Ann Lowe"), hire("Ben Osei")
    for person, when in ((ann, utc(2026, 11, 16, 15)), (ben, utc(2026, 11, 10, 15))):
        f.task(firm, assignee=person, status=Task.Status.DONE, routed_at=when)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == ben


def test_someone_never_given_a_task_comes_before_anyone_who_was(
    time_machine, firm, hire, delegate
):
    ann, ben = hire("Ann Lowe"), hire("Ben Osei")
    f.task(firm, assignee=ann, status=Task.Status.DONE, routed_at=utc(2020, 1, 1))
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == ben


def test_a_full_tie_goes_by_name_and_the_next_task_to_the_other(
    time_machine, hire, delegate
):
    zoe = hire("Zoe Adams")
    amir = hire("Amir Zaman")
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate(title="First").assignee == amir
    assert delegate(title="Second").assignee == zoe
    # Both now have one task, given at the same instant: by name again.
    assert delegate(title="Third").assignee == amir


# --- Working hours in the assistant's own time zone --------------------------------


def test_manila_assistant_gets_the_task_at_nine_pm_new_york_ten_am_manila(
    time_machine, firm, engagement, hire, delegate
):
    engagement.turnaround_hours = {"scheduling": 4}
    engagement.save()
    hire("Nora Quinn")
    rico = hire("Rico Santos", time_zone=MANILA)
    give_open_work(rico, firm, 2)
    time_machine.move_to(TUE_9PM_NY, tick=False)

    task = delegate()

    # Nora has less work but it is 9 pm for her; Rico's Wednesday has begun.
    assert task.assignee == rico
    # The due time counts the FIRM's hours: 4 hours from Wednesday 9:00 EST.
    assert task.due_at == utc(2026, 11, 18, 18, 0)


@pytest.mark.parametrize(
    ("now", "rico_clock"),
    [
        pytest.param(TUE_10AM_NY, "11:00 PM PHT", id="november-est"),
        # Wednesday 14 October 2026 10:00 EDT = 14:00 UTC = 22:00 Manila.
        pytest.param(utc(2026, 10, 14, 14, 0), "10:00 PM PHT", id="october-edt"),
        # Friday evening in New York is Saturday morning in Manila: a day off.
        pytest.param(FRI_9PM_NY, "10:00 AM PHT", id="manila-saturday"),
    ],
)
def test_manila_assistant_is_not_given_work_outside_manila_hours(
    time_machine, hire, delegate, now, rico_clock
):
    hire("Rico Santos", time_zone=MANILA)
    time_machine.move_to(now, tick=False)

    task = delegate()

    assert waiting(task)
    assert task.routing_note == (
        "Waiting: no one is inside their working hours now — "
        f"Rico Santos (it is {rico_clock}). It goes to the first whose hours begin."
    )


def test_sunday_evening_in_new_york_is_monday_morning_in_manila(
    time_machine, hire, delegate
):
    rico = hire("Rico Santos", time_zone=MANILA)
    time_machine.move_to(SUN_9PM_NY, tick=False)

    assert delegate().assignee == rico


def test_during_new_york_hours_the_new_york_assistant_gets_it_not_manila(
    time_machine, firm, hire, delegate
):
    nora = hire("Nora Quinn")
    rico = hire("Rico Santos", time_zone=MANILA)
    give_open_work(nora, firm, 3)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == nora
    assert rico.assigned_tasks.count() == 0


@pytest.mark.parametrize(
    ("now", "routed"),
    [
        # Tuesday 17 Nov 10:00 EST = 15:00 GMT: London afternoon.
        pytest.param(TUE_10AM_NY, True, id="nov-10am-ny-is-3pm-london"),
        # Tuesday 17 Nov 12:30 EST = 17:30 GMT: London has gone home.
        pytest.param(utc(2026, 11, 17, 17, 30), False, id="nov-1230-ny-is-1730"),
        # Tuesday 3 March 12:30 EST = 17:30 GMT: still five hours apart.
        pytest.param(utc(2026, 3, 3, 17, 30), False, id="mar-3-five-hours-apart"),
        # Tuesday 10 March 12:30 EDT = 16:30 GMT: New York sprang forward on the
        # 8th, London not until the 29th, so for three weeks 12:30 in New York
        # is inside London's day.
        pytest.param(utc(2026, 3, 10, 16, 30), True, id="mar-10-four-hours-apart"),
        # Monday 23 March 08:30 UTC = 08:30 GMT: not yet.
        pytest.param(utc(2026, 3, 23, 8, 30), False, id="mar-23-0830-gmt"),
        # Monday 30 March 08:30 UTC = 09:30 BST, the day after London's change.
        pytest.param(utc(2026, 3, 30, 8, 30), True, id="mar-30-0930-bst"),
    ],
)
def test_london_assistant_across_the_clock_changes(
    time_machine, hire, delegate, now, routed
):
    hana = hire("Hana Price", time_zone=LONDON)
    time_machine.move_to(now, tick=False)

    task = delegate()

    assert task.assignee == (hana if routed else None)
    assert task.needs_routing is not routed


@pytest.mark.parametrize(
    ("now", "routed"),
    [
        # Monday 2 March 13:30 UTC = 08:30 EST: before hours.
        pytest.param(utc(2026, 3, 2, 13, 30), False, id="mon-2-mar-0830-est"),
        # Monday 9 March 13:30 UTC = 09:30 EDT, the day after spring forward.
        pytest.param(utc(2026, 3, 9, 13, 30), True, id="mon-9-mar-0930-edt"),
        # Monday 26 October 21:30 UTC = 17:30 EDT: after hours.
        pytest.param(utc(2026, 10, 26, 21, 30), False, id="mon-26-oct-1730-edt"),
        # Monday 2 November 21:30 UTC = 16:30 EST, the day after fall back.
        pytest.param(utc(2026, 11, 2, 21, 30), True, id="mon-2-nov-1630-est"),
    ],
)
def test_new_york_assistant_across_new_yorks_own_clock_changes(
    time_machine, hire, delegate, now, routed
):
    nora = hire("Nora Quinn")
    time_machine.move_to(now, tick=False)

    assert delegate().assignee == (nora if routed else None)


def test_a_staff_members_own_weekly_hours_are_used(time_machine, hire, delegate):
    # Works Saturdays 10–14 London and nothing else.
    hana = hire("Hana Price", time_zone=LONDON, weekly_hours={"5": ["10:00", "14:00"]})
    # Saturday 21 Nov 2026 11:00 GMT = 06:00 EST.
    time_machine.move_to(utc(2026, 11, 21, 11, 0), tick=False)
    assert delegate(title="Saturday").assignee == hana

    time_machine.move_to(TUE_10AM_NY, tick=False)
    assert waiting(delegate(title="Tuesday"))


# --- After-hours cover, waiting, routing later --------------------------------------


def test_outside_everyones_hours_the_after_hours_cover_gets_the_task(
    time_machine, firm, engagement, hire, delegate
):
    nora = hire("Nora Quinn")
    cole = hire("Cole Mercer")
    engagement.after_hours_staff = cole
    engagement.save()
    give_open_work(cole, firm, 2)

    time_machine.move_to(TUE_10AM_NY, tick=False)
    # In hours the cover is just one of the team: Nora has less work.
    assert delegate(title="Morning").assignee == nora

    time_machine.move_to(TUE_9PM_NY, tick=False)
    evening = delegate(title="Evening")
    assert evening.assignee == cole
    assert evening.routing_note == (
        "Given to Cole Mercer, the after-hours cover: no one else is inside "
        "their working hours now."
    )


def test_a_cover_who_cannot_take_it_leaves_the_task_waiting(
    time_machine, firm, engagement, hire, delegate
):
    hire("Nora Quinn")
    cole = hire("Cole Mercer")
    engagement.after_hours_staff = cole
    engagement.save()
    # Cole's assignment covers documents only.
    Assignment.unscoped.filter(user=cole).update(functions=["documents"])
    time_machine.move_to(TUE_9PM_NY, tick=False)

    task = delegate()

    assert waiting(task)
    assert task.routing_note.startswith("Waiting: no one is inside their working")
    assert "Nora Quinn (it is 9:00 PM EST)" in task.routing_note
    assert "Cole" not in task.routing_note


def test_with_the_cover_absent_the_task_waits_then_goes_to_whoever_starts_first(
    time_machine, firm, engagement, hire, delegate
):
    hire("Nora Quinn")
    rico = hire("Rico Santos", time_zone=MANILA)
    cole = hire("Cole Mercer")
    engagement.after_hours_staff = cole
    engagement.save()
    Absence.objects.create(
        user=cole, start=datetime.date(2026, 11, 20), end=datetime.date(2026, 11, 27)
    )
    time_machine.move_to(FRI_9PM_NY, tick=False)

    task = delegate()

    assert waiting(task)
    assert task.routing_note == (
        "Waiting: no one is inside their working hours now — "
        "Nora Quinn (it is 9:00 PM EST); Rico Santos (it is 10:00 AM PHT). "
        "It goes to the first whose hours begin."
    )

    time_machine.move_to(SAT_10AM_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 0
    assert waiting(task)

    # Monday 10:00 in Manila comes eleven hours before Monday 09:00 in New York.
    time_machine.move_to(SUN_9PM_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 1
    task.refresh_from_db()
    assert task.assignee == rico
    assert task.routed_at == SUN_9PM_NY
    assert not task.needs_routing
    assert Notification.objects.filter(user=rico, kind="task.assigned").exists()


def test_a_waiting_task_is_routed_when_the_first_working_hours_begin(
    time_machine, firm, hire, delegate
):
    nora = hire("Nora Quinn")
    time_machine.move_to(TUE_9PM_NY, tick=False)
    task = delegate()
    assert waiting(task)

    time_machine.move_to(WED_0859_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 0

    time_machine.move_to(WED_9AM_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 1
    task.refresh_from_db()
    assert (task.assignee, task.routed_at) == (nora, WED_9AM_NY)
    assert services.task_route_waiting(firm=firm) == 0


def test_a_waiting_task_is_not_routed_once_the_engagement_has_ended(
    time_machine, firm, engagement, hire, delegate
):
    hire("Nora Quinn")
    time_machine.move_to(TUE_9PM_NY, tick=False)
    task = delegate()
    engagement.end_date = datetime.date(2026, 11, 17)
    engagement.save()

    time_machine.move_to(WED_9AM_NY, tick=False)

    assert services.task_route_waiting(firm=firm) == 0
    assert waiting(task)
    assert "engagement that is not active" in task.routing_note


# --- Never routed ---------------------------------------------------------------


def _left(user, engagement):
    StaffProfile.objects.filter(user=user).update(status="left")


def _account_closed(user, engagement):
    user.is_active = False
    user.save()


def _no_nda(user, engagement):
    ConfidentialityAgreement.unscoped.filter(signer=user).delete()


def _nda_expired(user, engagement):
    ConfidentialityAgreement.unscoped.filter(signer=user).update(
        expires_on=datetime.date(2026, 11, 16)
    )


def _assignment_ended(user, engagement):
    Assignment.unscoped.filter(user=user).update(end_date=datetime.date(2026, 11, 16))


def _assignment_not_started(user, engagement):
    Assignment.unscoped.filter(user=user).update(start_date=datetime.date(2026, 11, 18))


def _other_function(user, engagement):
    Assignment.unscoped.filter(user=user).update(functions=["documents"])


def _absent_today(user, engagement):
    day = datetime.date(2026, 11, 17)
    Absence.objects.create(user=user, kind="sick", start=day, end=day)


@pytest.mark.parametrize(
    ("make_ineligible", "why"),
    [
        pytest.param(_left, "has left the provider", id="left"),
        pytest.param(_account_closed, "has left the provider", id="account-closed"),
        pytest.param(
            _no_nda, "has not signed the confidentiality agreement", id="no-nda"
        ),
        pytest.param(
            _nda_expired,
            "has a confidentiality agreement that has expired",
            id="nda-expired",
        ),
        pytest.param(
            _assignment_ended,
            "is not assigned to the engagement now",
            id="assignment-ended",
        ),
        pytest.param(
            _assignment_not_started,
            "is not assigned to the engagement now",
            id="assignment-not-started",
        ),
        pytest.param(_other_function, "does not do scheduling", id="other-function"),
        pytest.param(_absent_today, "is absent today", id="absent"),
    ],
)
def test_an_ineligible_assistant_is_never_routed_and_the_note_says_why(
    time_machine, firm, engagement, hire, delegate, make_ineligible, why
):
    nora = hire("Nora Quinn")
    make_ineligible(nora, engagement)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    task = delegate()

    assert waiting(task)
    assert task.routing_note == f"Waiting: no one can take it — Nora Quinn {why}."
    # Even as the after-hours cover, and later in the day.
    engagement.after_hours_staff = nora
    engagement.save()
    time_machine.move_to(TUE_9PM_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 0
    assert waiting(task)


def test_an_ineligible_assistant_with_no_work_is_passed_over_for_a_busy_one(
    time_machine, firm, engagement, hire, delegate
):
    nora = hire("Nora Quinn")
    ben = hire("Ben Osei", sign_nda=False)
    give_open_work(nora, firm, 5)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == nora
    assert ben.assigned_tasks.count() == 0


@pytest.mark.parametrize(
    ("absent_on", "routed"),
    [
        # At 21:00 on Tuesday in New York it is already Wednesday in Manila.
        pytest.param(datetime.date(2026, 11, 18), False, id="manila-today"),
        pytest.param(datetime.date(2026, 11, 17), True, id="new-york-today"),
    ],
)
def test_an_absence_counts_on_the_assistants_own_date(
    time_machine, hire, delegate, absent_on, routed
):
    rico = hire("Rico Santos", time_zone=MANILA)
    Absence.objects.create(user=rico, start=absent_on, end=absent_on)
    time_machine.move_to(TUE_9PM_NY, tick=False)

    task = delegate()

    if routed:
        assert task.assignee == rico
    else:
        assert waiting(task)
        assert task.routing_note.endswith("Rico Santos is absent today.")


# --- Onboarding -----------------------------------------------------------------


def test_a_missing_playbook_acknowledgement_holds_work_back_until_acknowledged(
    time_machine, firm, hire, delegate
):
    nora = hire("Nora Quinn", onboarded=False)
    TrainingRecord.objects.create(
        profile=StaffProfile.objects.get(user=nora),
        title="Confidentiality and data handling",
        completed_on=datetime.date(2026, 1, 5),
    )
    scheduling = Playbook.unscoped.get(firm=firm, key="calendar-court-date")
    letter = Playbook.unscoped.get(firm=firm, key="prepare-demand-letter")
    PlaybookAcknowledgement.unscoped.create(
        firm=firm, playbook=scheduling, version=scheduling.current_version, user=nora
    )
    time_machine.move_to(TUE_10AM_NY, tick=False)

    task = delegate()

    assert waiting(task)
    assert task.routing_note == (
        "Waiting: no one can take it — Nora Quinn has not acknowledged the "
        "playbooks “Prepare a demand letter from the template”."
    )

    services.playbook_acknowledge(scope=resolve_scope(nora, firm), playbook=letter)

    assert services.task_route_waiting(firm=firm) == 1
    task.refresh_from_db()
    assert task.assignee == nora


def test_only_the_playbooks_of_the_assistants_functions_are_required(
    time_machine, hire, delegate
):
    # Acknowledged the scheduling playbook only; documents is not theirs.
    nora = hire("Nora Quinn", functions=("scheduling",))
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == nora


@pytest.mark.parametrize(
    ("expires_on", "why"),
    [
        pytest.param(None, "has no training record", id="no-record"),
        pytest.param(
            datetime.date(2026, 11, 16),
            "training “Confidentiality and data handling” expired on Nov 16, 2026",
            id="expired",
        ),
    ],
)
def test_without_current_training_no_work_is_routed(
    time_machine, firm, hire, delegate, expires_on, why
):
    nora = hire("Nora Quinn")
    records = TrainingRecord.objects.filter(profile__user=nora)
    if expires_on is None:
        records.delete()
    else:
        records.update(expires_on=expires_on)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    task = delegate()

    assert waiting(task)
    assert task.routing_note == f"Waiting: no one can take it — Nora Quinn {why}."


def test_training_that_expires_today_on_the_assistants_date_is_still_current(
    time_machine, firm, hire, delegate
):
    rico = hire("Rico Santos", time_zone=MANILA)
    # Tuesday 21:00 in New York is Wednesday 18 November in Manila.
    TrainingRecord.objects.filter(profile__user=rico).update(
        expires_on=datetime.date(2026, 11, 18)
    )
    time_machine.move_to(TUE_9PM_NY, tick=False)

    assert delegate().assignee == rico


def test_renewed_training_puts_the_assistant_back_in_the_queue(
    time_machine, firm, hire, delegate
):
    nora = hire("Nora Quinn")
    profile = StaffProfile.objects.get(user=nora)
    profile.training_records.update(
        completed_on=datetime.date(2025, 6, 1), expires_on=datetime.date(2026, 6, 1)
    )
    TrainingRecord.objects.create(
        profile=profile,
        title="Confidentiality and data handling",
        completed_on=datetime.date(2026, 5, 20),
        expires_on=datetime.date(2027, 5, 20),
    )
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate().assignee == nora


# --- Handing over -----------------------------------------------------------------


@pytest.fixture
def handover(time_machine, firm, engagement, firm_admin, hire, delegate):
    """Nora holds three tasks: one started (1 item ticked, 25 minutes logged),
    one untouched, one handed in for review. Ben is her colleague."""
    engagement.firm_primary_contact = firm_admin
    engagement.save()
    nora = hire("Nora Quinn")
    ben = hire("Ben Osei")
    give_open_work(ben, firm, 5)
    time_machine.move_to(TUE_10AM_NY, tick=False)
    started, untouched, submitted = (
        delegate(title=title) for title in ("Started", "Untouched", "Submitted")
    )
    assert {t.assignee for t in (started, untouched, submitted)} == {nora}
    nora_scope = resolve_scope(nora, firm)
    started = services.task_checklist(
        scope=nora_scope, task=started, revision=started.revision, done={0}
    )
    time_log_on_task(
        scope=nora_scope, task=started, revision=started.revision, minutes=25
    )
    started.refresh_from_db()
    submitted = services.task_checklist(
        scope=nora_scope,
        task=submitted,
        revision=submitted.revision,
        done=set(range(len(submitted.checklist))),
    )
    services.task_submit(scope=nora_scope, task=submitted, revision=submitted.revision)
    return nora, ben, started, untouched, submitted


def test_an_absent_assistants_open_work_is_handed_over_with_a_note(
    time_machine, firm, firm_admin, handover
):
    nora, ben, started, untouched, submitted = handover
    Absence.objects.create(
        user=nora, start=datetime.date(2026, 11, 18), end=datetime.date(2026, 11, 20)
    )
    time_machine.move_to(WED_9AM_NY, tick=False)

    assert services.tasks_hand_over(user=nora, reason="on leave") == 2

    for task in (started, untouched, submitted):
        task.refresh_from_db()
    assert started.assignee == ben and untouched.assignee == ben
    assert started.status == Task.Status.OPEN
    assert started.routed_at == WED_9AM_NY
    items = len(started.checklist)
    assert started.handover_note == (
        "Handed over from Nora Quinn (on leave). Status was “In progress”, "
        f"1 of {items} checklist items ticked, 25 minutes logged."
    )
    assert untouched.handover_note == (
        "Handed over from Nora Quinn (on leave). Status was “Open”, "
        f"0 of {items} checklist items ticked, 0 minutes logged."
    )
    # The work done so far travels with the task.
    assert started.minutes_logged == 25
    assert started.checklist[0]["done"] is True
    # Handed in for review: the review does not need Nora.
    assert submitted.assignee == nora
    assert submitted.status == Task.Status.SUBMITTED

    told = Notification.objects.filter(user=firm_admin, kind="task.handed_over")
    assert told.count() == 2
    note = told.get(title="Handed over: Started")
    assert note.body == started.handover_note + " Now with Ben Osei."
    new_work = Notification.objects.get(user=ben, title="New task: Started")
    assert new_work.body == f"Handover note: {started.handover_note}"


def test_a_departing_assistants_work_goes_to_the_after_hours_cover_at_night(
    time_machine, firm, engagement, firm_admin, hire, handover
):
    nora, ben, started, untouched, submitted = handover
    cole = hire("Cole Mercer")
    engagement.after_hours_staff = cole
    engagement.save()
    StaffProfile.objects.filter(user=nora).update(
        status="left", left_on=datetime.date(2026, 11, 17)
    )
    time_machine.move_to(TUE_9PM_NY, tick=False)

    assert services.tasks_hand_over(user=nora, reason="left the provider") == 2

    started.refresh_from_db()
    assert started.assignee == cole
    assert started.handover_note.startswith(
        "Handed over from Nora Quinn (left the provider)."
    )
    submitted.refresh_from_db()
    assert submitted.assignee == nora


def test_handing_over_reads_each_tasks_firm_engagement_and_playbook_with_its_lock(
    time_machine, firm, handover, django_assert_max_num_queries
):
    """The job locks each task and writes its note, audit entry, routing and
    notices: a fixed number of queries a task (30 when this was written; up to
    35 since the insights roll-up reads each saved task's stored row and counts
    its day again when the routing moves its response time), and the rows the
    note and the routing read come with the locked task, not one query each."""
    nora, *_ = handover
    time_machine.move_to(WED_9AM_NY, tick=False)

    with django_assert_max_num_queries(2 * 35 + 1) as ran:
        assert services.tasks_hand_over(user=nora, reason="on leave") == 2

    read_again = [
        q["sql"]
        for q in ran.captured_queries
        if q["sql"].startswith("SELECT")
        and any(
            f'FROM "{table}"' in q["sql"]
            for table in (
                "work_playbookversion",
                "engagements_engagement",
                "orgs_organization",
            )
        )
    ]
    assert read_again == []


def test_with_nobody_available_handed_over_work_waits_for_the_next_person(
    time_machine, firm, firm_admin, handover
):
    nora, ben, started, untouched, submitted = handover
    StaffProfile.objects.filter(user=nora).update(status="left")
    Absence.objects.create(
        user=ben, start=datetime.date(2026, 11, 17), end=datetime.date(2026, 11, 17)
    )

    assert services.tasks_hand_over(user=nora, reason="left the provider") == 2

    started.refresh_from_db()
    assert waiting(started)
    assert started.status == Task.Status.OPEN
    assert "Ben Osei is absent today" in started.routing_note
    note = Notification.objects.get(user=firm_admin, title="Handed over: Started")
    assert note.body.endswith(
        " No one could take it yet; it waits for the next person."
    )

    # Ben is back on Wednesday.
    time_machine.move_to(WED_9AM_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 2
    started.refresh_from_db()
    assert started.assignee == ben


def test_returned_work_handed_over_to_nobody_is_routed_once_someone_is_back(
    time_machine, firm, attorney, handover
):
    nora, ben, started, untouched, submitted = handover
    submitted.refresh_from_db()
    services.task_review(
        scope=resolve_scope(attorney, firm),
        task=submitted,
        revision=submitted.revision,
        approve=False,
        reason="typo",
        comment="The hearing date is misspelt.",
    )
    Absence.objects.create(
        user=ben, start=datetime.date(2026, 11, 17), end=datetime.date(2026, 11, 17)
    )
    StaffProfile.objects.filter(user=nora).update(status="left")

    assert services.tasks_hand_over(user=nora, reason="left the provider") == 3
    submitted.refresh_from_db()
    assert waiting(submitted)
    assert submitted.status == Task.Status.RETURNED

    time_machine.move_to(WED_9AM_NY, tick=False)
    assert services.task_route_waiting(firm=firm) == 3
    submitted.refresh_from_db()
    assert submitted.assignee == ben
    assert submitted.status == Task.Status.RETURNED
    assert submitted.rework_count == 1


def test_hand_over_without_a_firm_contact_tells_the_requester(
    time_machine, firm, engagement, attorney, handover
):
    nora, ben, started, untouched, submitted = handover
    engagement.firm_primary_contact = None
    engagement.save()

    services.tasks_hand_over(user=nora, reason="on leave")

    assert (
        Notification.objects.filter(user=attorney, kind="task.handed_over").count() == 2
    )


# --- By hand -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_ineligible", "why"),
    [
        pytest.param(_left, "has left the provider", id="left"),
        pytest.param(
            _no_nda, "has not signed the confidentiality agreement", id="no-nda"
        ),
        pytest.param(_absent_today, "is absent today", id="absent"),
        pytest.param(_other_function, "does not do scheduling", id="other-function"),
    ],
)
def test_reassigning_by_hand_refuses_an_ineligible_person_and_says_why(
    time_machine, firm, engagement, attorney, hire, delegate, make_ineligible, why
):
    nora, ben = hire("Nora Quinn"), hire("Ben Osei")
    make_ineligible(ben, engagement)
    time_machine.move_to(TUE_10AM_NY, tick=False)
    task = delegate()
    assert task.assignee == nora

    with pytest.raises(ServiceError) as refused:
        services.task_assign(
            scope=resolve_scope(attorney, firm),
            task=task,
            assignee=ben,
            revision=task.revision,
        )

    assert refused.value.message == f"Ben Osei cannot take this task: Ben {why}."
    assert refused.value.field == "assignee"
    task.refresh_from_db()
    assert task.assignee == nora


def test_reassigning_by_hand_names_onboarding_gaps_and_outsiders(
    time_machine, firm, attorney, hire, delegate, unassigned_assistant
):
    hire("Nora Quinn")
    ben = hire("Ben Osei", onboarded=False)
    time_machine.move_to(TUE_10AM_NY, tick=False)
    task = delegate()
    scope = resolve_scope(attorney, firm)

    with pytest.raises(
        ServiceError, match="Ben Osei cannot take this task: Ben has not"
    ):
        services.task_assign(
            scope=scope, task=task, assignee=ben, revision=task.revision
        )
    with pytest.raises(ServiceError) as refused:
        services.task_assign(
            scope=scope,
            task=task,
            assignee=unassigned_assistant,
            revision=task.revision,
        )
    assert refused.value.message == (
        "Uma Reyes cannot take this task: Uma is not assigned to this engagement."
    )


def test_reassigning_by_hand_accepts_an_eligible_person_outside_their_hours(
    time_machine, firm, attorney, hire, delegate
):
    hire("Nora Quinn")
    rico = hire("Rico Santos", time_zone=MANILA)
    time_machine.move_to(TUE_10AM_NY, tick=False)
    task = delegate()
    assert not next(
        c.in_hours for c in routing.candidates(task, TUE_10AM_NY) if c.user == rico
    )

    task = services.task_assign(
        scope=resolve_scope(attorney, firm),
        task=task,
        assignee=rico,
        revision=task.revision,
        note="Rico knows this court.",
    )

    assert task.assignee == rico
    assert task.routing_note == "Given to Rico Santos by Owen Ortiz."
    assert task.handover_note == "Rico knows this court."
    told = Notification.objects.get(user=rico, kind="task.assigned")
    assert told.body == "Handover note: Rico knows this court."


def test_delegating_straight_to_an_ineligible_person_is_refused(
    time_machine, firm, engagement, hire, delegate
):
    hire("Nora Quinn")
    ben = hire("Ben Osei", sign_nda=False)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    with pytest.raises(ServiceError) as refused:
        delegate(assignee=ben)

    assert refused.value.message == (
        "Ben Osei cannot take this task: "
        "Ben has not signed the confidentiality agreement."
    )
    assert not Task.unscoped.filter(firm=firm, title="Calendar the hearing").exists()
    assert not Notification.objects.filter(user=ben).exists()


def test_delegating_straight_to_an_eligible_person_outside_their_hours_works(
    time_machine, hire, delegate
):
    hire("Nora Quinn")
    rico = hire("Rico Santos", time_zone=MANILA)
    time_machine.move_to(TUE_10AM_NY, tick=False)

    assert delegate(assignee=rico).assignee == rico
