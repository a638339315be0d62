"""Task services (work/services.py): extra cost, due times, review, first response,
lost updates, check-ins and playbook versions. Routing has its own file."""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.engagements.models import Assignment
from firmdesk.notify.models import Notification
from firmdesk.work import services
from firmdesk.work.models import Flag, Playbook, Review, Task

from .conftest import utc

# Tuesday 17 November 2026 10:00 EST.
TUE_10AM_NY = utc(2026, 11, 17, 15, 0)
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def nora(time_machine, hire):
    """The one assistant of the engagement, in New York, at work on Tuesday."""
    user = hire("Nora Quinn")
    time_machine.move_to(TUE_10AM_NY, tick=False)
    return user


@pytest.fixture
def ivy(hire):
    """Does intake only, which the engagement's base price does not cover."""
    return hire("Ivy Chen", functions=("intake",))


def as_(user, firm):
    return resolve_scope(user, firm)


def hand_in(task, user, firm):
    """Start, tick every item, submit."""
    scope = as_(user, firm)
    task = services.task_start(scope=scope, task=task, revision=task.revision)
    task = services.task_checklist(
        scope=scope,
        task=task,
        revision=task.revision,
        done=set(range(len(task.checklist))),
    )
    return services.task_submit(scope=scope, task=task, revision=task.revision)


def told(user, kind):
    return list(Notification.objects.filter(user=user, kind=kind))


# --- Extra cost ------------------------------------------------------------------


def test_intake_asked_for_by_an_attorney_waits_for_a_firm_admin(
    time_machine, firm, engagement, attorney, firm_admin, ivy, delegate
):
    engagement.turnaround_hours = {"intake": 2}
    engagement.save()
    time_machine.move_to(TUE_10AM_NY, tick=False)

    task = delegate(title="Qualify the Lopez inquiry", function="intake")

    assert task.assignee is None
    assert task.extra_cost == Task.ExtraCost.PENDING
    assert task.due_at is None  # the clock has not started
    assert not task.needs_routing
    assert task.routing_note.startswith("Outside the engagement's base price")
    (note,) = told(firm_admin, "task.extra_cost")
    assert note.title == "Approve extra cost? “Qualify the Lopez inquiry”"
    assert told(attorney, "task.extra_cost") == []
    assert services.task_route_waiting(firm=firm) == 0

    with pytest.raises(ServiceError, match="Only a firm admin can approve"):
        services.extra_cost_decide(
            scope=as_(attorney, firm), task=task, revision=task.revision, approve=True
        )

    # Approved at 11:00 EST: two business hours from then is 13:00 EST.
    time_machine.move_to(TUE_10AM_NY + 60 * MINUTE, tick=False)
    task = services.extra_cost_decide(
        scope=as_(firm_admin, firm), task=task, revision=task.revision, approve=True
    )

    task.refresh_from_db()
    assert task.extra_cost == Task.ExtraCost.APPROVED
    assert task.extra_cost_decided_by == firm_admin
    assert task.assignee == ivy
    assert task.routed_at == utc(2026, 11, 17, 16, 0)
    assert task.due_at == utc(2026, 11, 17, 18, 0)
    assert task.due_source == Task.DueSource.SERVICE_LEVEL


def test_declined_extra_cost_cancels_the_task_and_tells_the_requester(
    time_machine, firm, attorney, firm_admin, ivy, delegate
):
    time_machine.move_to(TUE_10AM_NY, tick=False)
    task = delegate(title="Qualify the Lopez inquiry", function="intake")

    services.extra_cost_decide(
        scope=as_(firm_admin, firm), task=task, revision=task.revision, approve=False
    )

    task.refresh_from_db()
    assert task.status == Task.Status.CANCELLED
    assert task.closed_at == TUE_10AM_NY
    assert task.extra_cost == Task.ExtraCost.DECLINED
    assert task.cancel_reason == "Extra cost declined by the firm"
    assert task.assignee is None
    (note,) = told(attorney, "task.extra_cost_declined")
    assert note.title == "Extra cost declined: Qualify the Lopez inquiry"
    assert services.task_route_waiting(firm=firm) == 0
    with pytest.raises(ServiceError, match="not waiting for an extra-cost decision"):
        services.extra_cost_decide(
            scope=as_(firm_admin, firm),
            task=task,
            revision=task.revision,
            approve=True,
        )


def test_intake_asked_for_by_a_firm_admin_is_approved_at_once(
    time_machine, firm_admin, ivy, delegate
):
    time_machine.move_to(TUE_10AM_NY, tick=False)

    task = delegate(by=firm_admin, title="Qualify the inquiry", function="intake")

    assert task.extra_cost == Task.ExtraCost.APPROVED
    assert task.extra_cost_decided_by == firm_admin
    assert task.assignee == ivy
    # The starter intake playbook's one-hour turnaround.
    assert task.due_at == TUE_10AM_NY + 60 * MINUTE
    assert told(firm_admin, "task.extra_cost") == []


@pytest.mark.parametrize("named", ["Ivy Chen", "Iris Park"])
def test_the_person_named_for_extra_cost_work_gets_it_once_approved(
    time_machine, firm, firm_admin, hire, delegate, named
):
    """Found in the soak: the named assignee was dropped while the extra cost
    waited, and routing gave the task to whoever it chose. Either of two
    people routing could choose is kept when named."""
    time_machine.move_to(TUE_10AM_NY, tick=False)
    people = {n: hire(n, functions=("intake",)) for n in ("Ivy Chen", "Iris Park")}
    task = delegate(
        title="Qualify the inquiry", function="intake", assignee=people[named]
    )

    assert task.assignee is None  # not before the firm agrees to pay
    assert task.proposed_assignee == people[named]
    assert task.routing_note.endswith(f"before it goes to {named}, as asked.")

    task = services.extra_cost_decide(
        scope=as_(firm_admin, firm), task=task, revision=task.revision, approve=True
    )
    task.refresh_from_db()
    assert task.assignee == people[named]
    assert task.proposed_assignee is None
    (note,) = told(people[named], "task.assigned")
    assert note.title == "New task: Qualify the inquiry"


def test_extra_cost_work_goes_to_routing_when_the_named_person_cannot_take_it(
    time_machine, firm, firm_admin, hire, ivy, delegate
):
    time_machine.move_to(TUE_10AM_NY, tick=False)
    gone = hire("Iris Park", functions=("intake",))
    task = delegate(title="Qualify the inquiry", function="intake", assignee=gone)
    # Before the approval, Iris's assignment to the engagement ends.
    Assignment.unscoped.filter(user=gone).update(end_date=datetime.date(2026, 11, 16))

    task = services.extra_cost_decide(
        scope=as_(firm_admin, firm), task=task, revision=task.revision, approve=True
    )
    task.refresh_from_db()
    assert task.assignee == ivy
    assert "Iris Park, named when it was delegated, is not assigned" in (
        task.routing_note
    )


def test_work_in_the_base_price_is_not_extra_cost(nora, delegate):
    task = delegate()

    assert task.extra_cost == Task.ExtraCost.NO
    assert task.assignee == nora


# --- Due times ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("created", "hours", "due"),
    [
        # Friday 20 Nov 15:00 EST + 4h: 2h on Friday, 2h on Monday → Mon 11:00 EST.
        pytest.param(
            utc(2026, 11, 20, 20, 0), 4, utc(2026, 11, 23, 16, 0), id="weekend"
        ),
        # Wednesday 25 Nov 15:00 EST + 4h: Thursday is Thanksgiving → Fri 11:00.
        pytest.param(
            utc(2026, 11, 25, 20, 0), 4, utc(2026, 11, 27, 16, 0), id="thanksgiving"
        ),
        # Wednesday 25 Nov 15:00 EST + 8h: 2h Wed, 6h Fri → Fri 15:00 EST.
        pytest.param(
            utc(2026, 11, 25, 20, 0),
            8,
            utc(2026, 11, 27, 20, 0),
            id="thanksgiving-8h",
        ),
        # Tuesday 17 Nov 21:00 EST: the clock starts Wednesday 09:00 → 13:00 EST.
        pytest.param(
            utc(2026, 11, 18, 2, 0), 4, utc(2026, 11, 18, 18, 0), id="evening"
        ),
        # Friday 30 Oct 16:00 EDT + 3h: 1h Friday, then Monday 2 Nov (EST since
        # Sunday) 09:00–11:00 → 16:00 UTC.
        pytest.param(
            utc(2026, 10, 30, 20, 0), 3, utc(2026, 11, 2, 16, 0), id="fall-back"
        ),
    ],
)
def test_due_time_counts_the_engagement_turnaround_in_the_firms_hours(
    time_machine, engagement, playbooks, delegate, created, hours, due
):
    engagement.turnaround_hours = {"scheduling": hours}
    engagement.save()
    time_machine.move_to(created, tick=False)

    task = delegate()

    assert task.due_at == due
    assert task.due_source == Task.DueSource.SERVICE_LEVEL


def test_without_an_engagement_turnaround_the_playbooks_applies(nora, delegate):
    task = delegate(title="Demand letter", function="documents")

    # 16 business hours from Tue 10:00 EST: 7 on Tuesday, 8 on Wednesday, 1 on
    # Thursday → Thursday 19 Nov 10:00 EST.
    assert task.due_at == utc(2026, 11, 19, 15, 0)


def test_a_due_time_set_by_hand_is_kept(nora, delegate):
    by_hand = utc(2026, 11, 17, 16, 30)

    task = delegate(due_at=by_hand)

    assert task.due_at == by_hand
    assert task.due_source == Task.DueSource.MANUAL
    task.refresh_from_db()
    assert task.due_at == by_hand


def test_a_due_time_set_by_hand_survives_the_extra_cost_approval(
    time_machine, firm, firm_admin, ivy, delegate
):
    time_machine.move_to(TUE_10AM_NY, tick=False)
    by_hand = utc(2026, 11, 20, 20, 0)
    task = delegate(function="intake", due_at=by_hand)

    services.extra_cost_decide(
        scope=as_(firm_admin, firm), task=task, revision=task.revision, approve=True
    )

    task.refresh_from_db()
    assert (task.due_at, task.due_source) == (by_hand, Task.DueSource.MANUAL)


@pytest.mark.parametrize("before", [MINUTE, datetime.timedelta(0)])
def test_a_due_time_that_has_passed_is_refused(firm, nora, delegate, before):
    with pytest.raises(ServiceError) as refused:
        delegate(due_at=TUE_10AM_NY - before)

    assert refused.value.field == "due_at"
    assert refused.value.message.startswith("The due time has already passed.")
    assert not Task.unscoped.filter(firm=firm).exists()


def test_delegating_straight_to_someone_still_sets_the_due_time(
    engagement, nora, delegate
):
    engagement.turnaround_hours = {"scheduling": 4}
    engagement.save()

    task = delegate(assignee=nora)

    assert task.assignee == nora
    assert task.due_at == utc(2026, 11, 17, 19, 0)  # 14:00 EST
    assert task.due_source == Task.DueSource.SERVICE_LEVEL


# --- Review -----------------------------------------------------------------------


def test_review_is_forced_when_the_playbooks_output_leaves_the_firm(
    firm, attorney, nora, delegate
):
    task = delegate(title="Demand letter", function="documents", review_required=False)

    assert task.review_required and task.output_leaves_firm
    task = hand_in(task, nora, firm)
    assert task.status == Task.Status.SUBMITTED
    assert task.submitted_at == TUE_10AM_NY
    (note,) = told(attorney, "task.submitted")
    assert note.title == "Ready for your review: Demand letter"


def test_internal_work_without_review_is_done_when_handed_in(
    firm, attorney, nora, delegate
):
    task = delegate(review_required=False)
    assert not task.review_required and not task.output_leaves_firm

    task = hand_in(task, nora, firm)

    assert task.status == Task.Status.DONE
    assert task.completed_at == task.closed_at == TUE_10AM_NY
    assert task.on_time is True
    assert told(attorney, "task.submitted") == []


def test_the_checklist_keeps_only_items_the_task_has(firm, nora, delegate):
    task = delegate()
    items = len(task.checklist)
    scope = as_(nora, firm)
    task = services.task_checklist(
        scope=scope, task=task, revision=task.revision, done={1, items, 99}
    )
    assert task.checklist_ticked == [1]
    assert [i["done"] for i in task.checklist] == [i == 1 for i in range(items)]
    with pytest.raises(ServiceError, match=f"1 of {items} ticked"):
        services.task_submit(scope=scope, task=task, revision=task.revision)


@pytest.mark.parametrize(
    ("reason", "comment", "field"),
    [
        ("", "The date is wrong.", "reason"),
        ("sloppy", "The date is wrong.", "reason"),
        ("factual_error", "   ", "comment"),
    ],
)
def test_returning_work_needs_a_reason_and_a_comment(
    firm, attorney, nora, delegate, reason, comment, field
):
    task = hand_in(delegate(), nora, firm)

    with pytest.raises(ServiceError) as refused:
        services.task_review(
            scope=as_(attorney, firm),
            task=task,
            revision=task.revision,
            approve=False,
            reason=reason,
            comment=comment,
        )

    assert refused.value.field == field
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED
    assert task.rework_count == 0
    assert not Review.unscoped.filter(task=task).exists()


def test_rework_count_counts_every_return(firm, attorney, nora, delegate):
    task = delegate()
    scope = as_(attorney, firm)
    for reason in ("factual_error", "typo"):
        task = hand_in(task, nora, firm)
        services.task_review(
            scope=scope,
            task=task,
            revision=task.revision,
            approve=False,
            reason=reason,
            comment="The hearing is on the 3rd.",
        )
        task.refresh_from_db()
        assert task.status == Task.Status.RETURNED
        assert task.submitted_at is None

    task = hand_in(task, nora, firm)
    services.task_review(scope=scope, task=task, revision=task.revision, approve=True)

    task.refresh_from_db()
    assert task.status == Task.Status.APPROVED
    assert task.rework_count == 2
    assert [r.decision for r in task.reviews.all()] == ["returned"] * 2 + ["approved"]
    returned = told(nora, "task.returned")
    assert {n.body for n in returned} == {
        "Factual error: The hearing is on the 3rd.",
        "Typo: The hearing is on the 3rd.",
    }


@pytest.mark.parametrize(
    ("handed_in", "on_time"),
    [
        pytest.param(utc(2026, 11, 17, 16, 59), True, id="a-minute-early"),
        pytest.param(utc(2026, 11, 17, 17, 0), True, id="at-the-due-time"),
        pytest.param(utc(2026, 11, 17, 17, 1), False, id="a-minute-late"),
    ],
)
def test_on_time_compares_the_approved_hand_in_with_the_due_time(
    time_machine, firm, attorney, nora, delegate, handed_in, on_time
):
    task = delegate(due_at=utc(2026, 11, 17, 17, 0))  # 12:00 EST
    assert task.on_time is None
    time_machine.move_to(handed_in, tick=False)
    task = hand_in(task, nora, firm)
    assert task.on_time is None  # not accepted yet
    # The attorney's own review time does not count against the team.
    time_machine.move_to(utc(2026, 11, 17, 20, 0), tick=False)

    services.task_review(
        scope=as_(attorney, firm), task=task, revision=task.revision, approve=True
    )

    task.refresh_from_db()
    assert task.approved_at == task.closed_at == utc(2026, 11, 17, 20, 0)
    assert task.on_time is on_time


def test_work_returned_and_handed_in_again_after_the_due_time_is_late(
    time_machine, firm, attorney, nora, delegate
):
    task = hand_in(delegate(due_at=utc(2026, 11, 17, 17, 0)), nora, firm)
    scope = as_(attorney, firm)
    services.task_review(
        scope=scope,
        task=task,
        revision=task.revision,
        approve=False,
        reason="missed_instruction",
        comment="Add the reminder a week before.",
    )
    task.refresh_from_db()
    time_machine.move_to(utc(2026, 11, 17, 18, 0), tick=False)
    task = hand_in(task, nora, firm)
    services.task_review(scope=scope, task=task, revision=task.revision, approve=True)

    task.refresh_from_db()
    assert task.rework_count == 1
    assert task.on_time is False


def test_nobody_reviews_their_own_work(
    time_machine, firm, attorney, firm_admin, playbooks, delegate
):
    time_machine.move_to(TUE_10AM_NY, tick=False)
    task = delegate(by=firm_admin, in_house=True, assignee=attorney)
    task = hand_in(task, attorney, firm)

    with pytest.raises(ServiceError, match="You cannot review your own work."):
        services.task_review(
            scope=as_(attorney, firm), task=task, revision=task.revision, approve=True
        )

    services.task_review(
        scope=as_(firm_admin, firm), task=task, revision=task.revision, approve=True
    )
    task.refresh_from_db()
    assert task.status == Task.Status.APPROVED


def test_only_the_firms_attorneys_review(firm, firm_staff, nora, delegate):
    task = hand_in(delegate(), nora, firm)

    for person in (firm_staff, nora):
        with pytest.raises(ServiceError, match="Only an attorney of the firm"):
            services.task_review(
                scope=as_(person, firm),
                task=task,
                revision=task.revision,
                approve=True,
            )
    task.refresh_from_db()
    assert task.status == Task.Status.SUBMITTED


# --- First response ------------------------------------------------------------------


def _start(scope, task):
    services.task_start(scope=scope, task=task, revision=task.revision)


def _tick(scope, task):
    services.task_checklist(scope=scope, task=task, revision=task.revision, done={0})


def _comment(scope, task):
    services.task_comment(scope=scope, task=task, body="On it.")


def _flag(scope, task):
    services.task_flag(scope=scope, task=task, kind="blocked", note="Which court?")


@pytest.mark.parametrize("respond", [_start, _tick, _comment, _flag])
def test_first_response_is_the_assignees_first_move_not_anyone_elses(
    time_machine, firm, attorney, nora, delegate, respond
):
    task = delegate()
    firm_scope = as_(attorney, firm)
    time_machine.move_to(TUE_10AM_NY + 5 * MINUTE, tick=False)
    services.task_comment(scope=firm_scope, task=task, body="Any news?")
    services.task_flag(scope=firm_scope, task=task, kind="urgent")
    task.refresh_from_db()
    assert task.first_response_at is None

    time_machine.move_to(TUE_10AM_NY + 20 * MINUTE, tick=False)
    respond(as_(nora, firm), task)
    task.refresh_from_db()
    assert task.first_response_at == TUE_10AM_NY + 20 * MINUTE

    time_machine.move_to(TUE_10AM_NY + 40 * MINUTE, tick=False)
    services.task_comment(scope=as_(nora, firm), task=task, body="Done soon.")
    task.refresh_from_db()
    assert task.first_response_at == TUE_10AM_NY + 20 * MINUTE


# --- No lost updates -----------------------------------------------------------------


def test_a_stale_submit_is_refused_and_nothing_is_overwritten(
    firm, attorney, nora, delegate
):
    task = delegate()
    nora_scope = as_(nora, firm)
    task = services.task_start(scope=nora_scope, task=task, revision=task.revision)
    task = services.task_checklist(
        scope=nora_scope,
        task=task,
        revision=task.revision,
        done=set(range(len(task.checklist))),
    )
    seen = task.revision
    services.task_edit(
        scope=as_(attorney, firm),
        task=task,
        revision=seen,
        instructions="The hearing moved to the 3rd.",
    )

    with pytest.raises(services.StaleTask) as caught:
        services.task_submit(scope=nora_scope, task=task, revision=seen)

    assert caught.value.message.startswith("Someone else changed this task")
    assert caught.value.task.instructions == "The hearing moved to the 3rd."
    task.refresh_from_db()
    assert task.status == Task.Status.IN_PROGRESS
    assert task.submitted_at is None


def test_a_stale_review_is_refused_and_the_first_decision_stands(
    firm, attorney, firm_admin, nora, delegate
):
    task = hand_in(delegate(), nora, firm)
    seen = task.revision
    services.task_review(
        scope=as_(attorney, firm), task=task, revision=seen, approve=True
    )

    with pytest.raises(services.StaleTask) as caught:
        services.task_review(
            scope=as_(firm_admin, firm),
            task=task,
            revision=seen,
            approve=False,
            reason="typo",
            comment="Spelling.",
        )

    assert caught.value.task.status == Task.Status.APPROVED
    task.refresh_from_db()
    assert task.status == Task.Status.APPROVED
    assert task.rework_count == 0
    assert task.reviews.count() == 1


def test_a_stale_edit_is_refused_and_the_first_edit_stands(
    firm, attorney, firm_admin, nora, delegate
):
    task = delegate()
    seen = task.revision
    services.task_edit(
        scope=as_(attorney, firm), task=task, revision=seen, priority="urgent"
    )

    with pytest.raises(services.StaleTask) as caught:
        services.task_edit(
            scope=as_(firm_admin, firm),
            task=task,
            revision=seen,
            priority="low",
            title="Something else",
        )

    assert caught.value.task.priority == "urgent"
    task.refresh_from_db()
    assert (task.priority, task.title) == ("urgent", "Calendar the hearing")
    assert task.revision == seen + 1


# --- Comments and flags ---------------------------------------------------------------


def test_a_comment_tells_the_other_side_and_not_its_author(
    firm, attorney, firm_admin, nora, delegate
):
    task = delegate()

    services.task_comment(scope=as_(nora, firm), task=task, body="Which judge?")
    assert [n.title for n in told(attorney, "task.comment")] == [
        "Nora Quinn commented on “Calendar the hearing”"
    ]
    assert told(nora, "task.comment") == []

    services.task_comment(scope=as_(attorney, firm), task=task, body="Judge Ruiz.")
    assert [n.body for n in told(nora, "task.comment")] == ["Judge Ruiz."]
    assert len(told(attorney, "task.comment")) == 1

    # Someone on neither side tells both.
    services.task_comment(scope=as_(firm_admin, firm), task=task, body="Thanks.")
    assert len(told(nora, "task.comment")) == 2
    assert len(told(attorney, "task.comment")) == 2
    assert told(firm_admin, "task.comment") == []


@pytest.mark.parametrize(
    ("kind", "attorney_told"),
    [(Flag.Kind.QUESTION, True), (Flag.Kind.BLOCKED, False), (Flag.Kind.URGENT, False)],
)
def test_a_flag_tells_the_requester_and_a_question_also_the_matters_attorney(
    firm, matter, attorney, firm_admin, nora, delegate, kind, attorney_told
):
    # Grace asks; Owen is responsible for the matter.
    task = delegate(by=firm_admin, matter=matter)

    flag = services.task_flag(
        scope=as_(nora, firm), task=task, kind=kind, note="Which court?"
    )

    assert [n.body for n in told(firm_admin, "task.flag")] == ["Which court?"]
    assert len(told(attorney, "task.flag")) == (1 if attorney_told else 0)
    assert told(nora, "task.flag") == []
    assert flag.is_open


def test_a_question_from_the_requester_who_is_the_matters_attorney_tells_once(
    firm, matter, attorney, nora, delegate
):
    task = delegate(matter=matter)

    services.task_flag(scope=as_(nora, firm), task=task, kind=Flag.Kind.QUESTION)
    assert len(told(attorney, "task.flag")) == 1

    # The attorney's own question goes to the assistant, not back to him.
    services.task_flag(scope=as_(attorney, firm), task=task, kind=Flag.Kind.QUESTION)
    assert len(told(attorney, "task.flag")) == 1
    assert len(told(nora, "task.flag")) == 1


# --- Playbook versions ----------------------------------------------------------------


def test_editing_a_playbook_makes_a_new_version_and_tasks_keep_theirs(
    firm, attorney, firm_admin, nora, delegate
):
    playbook = Playbook.unscoped.get(firm=firm, key="calendar-court-date")
    first = playbook.current_version
    before = delegate(title="Before the edit")
    changes = {
        "title": first.title,
        "steps": first.steps + "\n\nAlso put it in the court's own e-filing diary.",
        "definition_of_done": ["Entered in the calendar", "Entered in e-filing"],
        "review_required": True,
        "change_note": "E-filing diary too",
    }

    with pytest.raises(ServiceError, match="Only a firm admin"):
        services.playbook_edit(scope=as_(attorney, firm), playbook=playbook, **changes)
    second = services.playbook_edit(
        scope=as_(firm_admin, firm), playbook=playbook, **changes
    )
    after = delegate(title="After the edit")

    assert (first.number, second.number) == (1, 2)
    playbook.refresh_from_db()
    assert playbook.current_version == second
    before.refresh_from_db()
    assert before.playbook_version == first
    assert [i["text"] for i in before.checklist] == first.definition_of_done
    assert after.playbook_version == second
    assert after.checklist == [
        {"text": "Entered in the calendar", "done": False},
        {"text": "Entered in e-filing", "done": False},
    ]
