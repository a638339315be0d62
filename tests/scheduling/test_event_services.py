"""Scheduling services: events in the right zone, edits that cannot overwrite
each other, double bookings, and deadlines computed from rules that move with
their trigger and tell their owners.

Instants are written in UTC and hand-checked against the wall clock in the
comment next to each. US daylight saving time starts on Sunday 8 March 2026.
"""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.notify.models import Notification
from firmdesk.scheduling import services
from firmdesk.scheduling.models import Court, DeadlineRule, Event
from tests import factories as f

UTC = datetime.UTC
# Monday 2 March 2026, 10:00 in New York: before every date used below.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def wall(*args) -> datetime.datetime:
    """A naive wall-clock time, as a person types it into the form."""
    return datetime.datetime(*args)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def scope(attorney, firm):
    return resolve_scope(attorney, firm)


@pytest.fixture
def cand(db):
    """Northern District of California: America/Los_Angeles."""
    return Court.objects.get(code="cand")


def event_start():
    """Tuesday 10 March 2026, 09:00 (EDT in the firm's New York)."""
    return wall(2026, 3, 10, 9, 0)


def data(**fields) -> services.EventData:
    fields.setdefault("kind", Event.Kind.APPOINTMENT)
    fields.setdefault("title", "Meeting with Ms Lopez")
    return services.EventData(**fields)


def create(scope, actor, **fields) -> Event:
    return services.event_create(scope=scope, data=data(**fields), actor=actor)


def update(scope, actor, event, **fields) -> Event:
    return services.event_update(
        scope=scope,
        event=event,
        data=data(**fields),
        actor=actor,
        revision=event.revision,
    )


def rule(code) -> DeadlineRule:
    return DeadlineRule.objects.get(code=code)


def deadline(scope, actor, **kw) -> Event:
    return services.deadline_create(scope=scope, actor=actor, **kw)


def moved_notes():
    return Notification.objects.filter(kind="deadline_moved")


# --- Time zones -----------------------------------------------------------------------


def test_hearing_before_a_court_is_in_the_courts_zone_whatever_zone_was_typed(
    scope, attorney, cand
):
    event = create(
        scope,
        attorney,
        kind=Event.Kind.HEARING,
        title="Motion hearing",
        court=cand,
        time_zone="America/New_York",
        start=wall(2026, 3, 10, 9, 0),
    )

    assert event.time_zone == "America/Los_Angeles"
    assert event.start == utc(2026, 3, 10, 16, 0)  # 09:00 PDT
    assert event.local_start().hour == 9


def test_appointment_keeps_the_zone_typed_even_when_a_court_is_chosen(
    scope, attorney, cand
):
    event = create(
        scope,
        attorney,
        court=cand,
        time_zone="America/Chicago",
        start=wall(2026, 3, 10, 9, 0),
    )

    assert event.time_zone == "America/Chicago"
    assert event.start == utc(2026, 3, 10, 14, 0)  # 09:00 CDT


def test_event_with_no_zone_typed_is_in_the_firms_zone(scope, attorney, firm):
    firm.time_zone = "America/Denver"
    firm.save()

    event = create(scope, attorney, start=wall(2026, 3, 3, 9, 0))

    assert event.time_zone == "America/Denver"
    assert event.start == utc(2026, 3, 3, 16, 0)  # 09:00 MST
    assert event.end == event.start + datetime.timedelta(hours=1)


def test_same_wall_time_either_side_of_the_clock_change_is_an_hour_apart_in_utc(
    scope, attorney
):
    la = "America/Los_Angeles"
    friday = create(scope, attorney, time_zone=la, start=wall(2026, 3, 6, 9, 0))
    monday = create(scope, attorney, time_zone=la, start=wall(2026, 3, 9, 9, 0))
    overnight = create(
        scope,
        attorney,
        title="Overnight document review",
        time_zone=la,
        start=wall(2026, 3, 7, 22, 0),
        end=wall(2026, 3, 8, 6, 0),
    )

    for event in (friday, monday, overnight):
        event.refresh_from_db()  # as stored: UTC
    assert friday.start == utc(2026, 3, 6, 17, 0)  # 09:00 PST, UTC-8
    assert monday.start == utc(2026, 3, 9, 16, 0)  # 09:00 PDT, UTC-7
    # 22:00 to 06:00 across the spring-forward night is 7 hours, not 8.
    assert overnight.end - overnight.start == datetime.timedelta(hours=7)


def test_moving_an_event_across_the_clock_change_keeps_its_wall_time(scope, attorney):
    la = "America/Los_Angeles"
    event = create(scope, attorney, time_zone=la, start=wall(2026, 3, 6, 9, 0))

    event = update(scope, attorney, event, time_zone=la, start=wall(2026, 3, 9, 9, 0))

    event.refresh_from_db()
    assert event.start == utc(2026, 3, 9, 16, 0)
    assert event.local_start().strftime("%H:%M %Z") == "09:00 PDT"


def test_all_day_event_runs_from_midnight_to_midnight_in_its_own_zone(scope, attorney):
    event = create(
        scope,
        attorney,
        title="Trial (days 1 and 2)",
        all_day=True,
        start_date=datetime.date(2026, 3, 7),
        end_date=datetime.date(2026, 3, 8),
        time_zone="America/Los_Angeles",
    )

    event.refresh_from_db()
    assert (event.start_date, event.end_date) == (
        datetime.date(2026, 3, 7),
        datetime.date(2026, 3, 8),
    )
    assert event.start == utc(2026, 3, 7, 8, 0)  # midnight PST
    assert event.end == utc(2026, 3, 9, 7, 0)  # midnight PDT after the last day
    assert event.end - event.start == datetime.timedelta(hours=47)


def test_one_day_all_day_event_needs_no_last_day(scope, attorney):
    event = create(scope, attorney, all_day=True, start_date=datetime.date(2026, 3, 12))

    assert event.end_date == datetime.date(2026, 3, 12)
    assert event.start == utc(2026, 3, 12, 4, 0)  # midnight EDT
    assert event.end == utc(2026, 3, 13, 4, 0)


# --- What a person must fix -----------------------------------------------------------


def test_event_that_ends_before_it_starts_is_refused_and_not_saved(scope, attorney):
    with pytest.raises(ServiceError) as refused:
        create(
            scope,
            attorney,
            start=wall(2026, 3, 10, 14, 0),
            end=wall(2026, 3, 10, 13, 0),
        )

    assert refused.value.field == "end"
    assert refused.value.message == "The event ends before it starts."
    assert not Event.objects.for_firm(scope.firm).exists()


def test_event_without_a_title_is_refused(scope, attorney):
    with pytest.raises(ServiceError) as refused:
        create(scope, attorney, title="   ", start=wall(2026, 3, 10, 9, 0))

    assert refused.value.field == "title"
    assert refused.value.message == "Give the event a title."


def test_all_day_event_whose_last_day_is_before_its_first_is_refused(scope, attorney):
    with pytest.raises(ServiceError) as refused:
        create(
            scope,
            attorney,
            all_day=True,
            start_date=datetime.date(2026, 3, 10),
            end_date=datetime.date(2026, 3, 9),
        )

    assert refused.value.field == "end_date"
    assert "last day is before the first day" in refused.value.message


def test_timed_event_without_a_start_is_refused(scope, attorney):
    with pytest.raises(ServiceError) as refused:
        create(scope, attorney)

    assert refused.value.field == "start"
    assert "start date and time" in refused.value.message


# --- Concurrent edits and SEQUENCE ----------------------------------------------------


def test_edit_made_on_an_old_copy_is_refused_and_overwrites_nothing(
    scope, attorney, firm_admin
):
    event = create(scope, attorney, title="Call", start=wall(2026, 3, 10, 9, 0))
    seen_by_both = Event.objects.for_firm(scope.firm).get(pk=event.pk)
    update(
        scope, attorney, event, title="Call with opposing counsel", start=event_start()
    )

    with pytest.raises(services.StaleEvent) as stale:
        update(
            resolve_scope(firm_admin, scope.firm),
            firm_admin,
            seen_by_both,
            title="Call with the client",
            start=wall(2026, 3, 11, 9, 0),
        )

    assert "Someone else changed this event" in stale.value.message
    assert stale.value.event.title == "Call with opposing counsel"
    event.refresh_from_db()
    assert event.title == "Call with opposing counsel"
    assert event.start == utc(2026, 3, 10, 13, 0)
    assert event.revision == 2


def test_status_change_on_an_old_copy_is_refused(scope, attorney):
    event = create(scope, attorney, start=event_start())
    old_revision = event.revision
    update(scope, attorney, event, title="Moved", start=wall(2026, 3, 12, 9, 0))

    with pytest.raises(services.StaleEvent):
        services.event_set_status(
            scope=scope,
            event=event,
            status=Event.Status.CANCELLED,
            actor=attorney,
            revision=old_revision,
        )

    event.refresh_from_db()
    assert event.status == Event.Status.SCHEDULED


def test_sequence_grows_with_every_update_and_status_change(scope, attorney):
    event = create(scope, attorney, start=event_start())
    assert event.sequence == 0

    event = update(scope, attorney, event, start=wall(2026, 3, 11, 9, 0))
    assert event.sequence == 1
    event = services.event_set_status(
        scope=scope,
        event=event,
        status=Event.Status.CANCELLED,
        actor=attorney,
        revision=event.revision,
    )
    assert event.sequence == 2
    event = services.event_set_status(
        scope=scope,
        event=event,
        status=Event.Status.SCHEDULED,
        actor=attorney,
        revision=event.revision,
    )

    event.refresh_from_db()
    assert (event.sequence, event.status) == (3, Event.Status.SCHEDULED)


def test_filing_deadline_is_marked_done_only_once_the_filing_is_confirmed(
    scope, attorney, matter, cand
):
    due = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-12a1Ai-answer"),
        trigger_date=datetime.date(2026, 3, 2),
    )

    with pytest.raises(ServiceError) as refused:
        services.event_set_status(
            scope=scope,
            event=due,
            status=Event.Status.DONE,
            actor=attorney,
            revision=due.revision,
        )
    assert refused.value.field == "confirm"
    assert "Confirm that the filing or service was made" in refused.value.message
    due.refresh_from_db()
    assert due.status == Event.Status.SCHEDULED

    done = services.event_set_status(
        scope=scope,
        event=due,
        status=Event.Status.DONE,
        actor=attorney,
        revision=due.revision,
        confirmed=True,
    )
    assert done.status == Event.Status.DONE
    assert (done.completed_by, done.completed_at) == (attorney, NOW)


# --- Double bookings ------------------------------------------------------------------


@pytest.fixture
def busy_morning(scope, attorney, assistant):
    """10:00-11:00 New York on Tuesday 10 March: the attorney owns it, the
    assistant attends."""
    return create(
        scope,
        attorney,
        title="Deposition prep",
        start=wall(2026, 3, 10, 10, 0),
        end=wall(2026, 3, 10, 11, 0),
        owner=attorney,
        attendee_users=(assistant,),
    )


def clashes(firm, users, start, end, **kw):
    return services.double_bookings(firm=firm, users=users, start=start, end=end, **kw)


def test_double_booking_is_found_for_the_owner_and_for_an_attendee(
    firm, attorney, assistant, firm_admin, busy_morning
):
    half_past_ten, half_past_eleven = utc(2026, 3, 10, 14, 30), utc(2026, 3, 10, 15, 30)

    found = clashes(
        firm, [attorney, assistant, firm_admin], half_past_ten, half_past_eleven
    )

    assert sorted((user.email, event.title) for user, event in found) == [
        (assistant.email, "Deposition prep"),
        (attorney.email, "Deposition prep"),
    ]


def test_event_touching_another_end_to_start_is_no_double_booking(
    firm, attorney, busy_morning
):
    eleven, noon = utc(2026, 3, 10, 15, 0), utc(2026, 3, 10, 16, 0)
    nine, ten = utc(2026, 3, 10, 13, 0), utc(2026, 3, 10, 14, 0)

    assert clashes(firm, [attorney], eleven, noon) == []
    assert clashes(firm, [attorney], nine, ten) == []
    assert clashes(firm, [attorney], nine, eleven) != []


def test_cancelled_events_and_deadlines_never_clash(
    scope, firm, attorney, matter, busy_morning
):
    services.event_set_status(
        scope=scope,
        event=busy_morning,
        status=Event.Status.CANCELLED,
        actor=attorney,
        revision=busy_morning.revision,
    )
    # Due on Tuesday 10 March: an all-day marker owned by the attorney.
    deadline(
        scope,
        attorney,
        matter=matter,
        court=None,
        period={"offset": 8, "unit": "days", "direction": "after", "name": "Reply"},
        trigger_date=datetime.date(2026, 3, 2),
    )

    assert clashes(firm, [attorney], utc(2026, 3, 10, 14), utc(2026, 3, 10, 15)) == []


def test_the_event_being_edited_does_not_clash_with_itself(
    firm, attorney, busy_morning
):
    start, end = busy_morning.start, busy_morning.end

    assert clashes(firm, [attorney], start, end) != []
    assert clashes(firm, [attorney], start, end, exclude_pk=busy_morning.pk) == []


# --- Deadlines from rules -------------------------------------------------------------


def test_answer_deadline_is_computed_from_the_rule_with_its_derivation(
    scope, attorney, matter, cand
):
    served = datetime.date(2026, 3, 7)  # a Saturday

    due = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-12a1Ai-answer"),
        trigger_date=served,
    )

    due.refresh_from_db()
    # 21 days after 7 March is Saturday 28 March; the period runs on to Monday.
    assert (due.start_date, due.end_date) == (
        datetime.date(2026, 3, 30),
        datetime.date(2026, 3, 30),
    )
    assert due.all_day and due.kind == Event.Kind.FILING_DEADLINE
    assert due.time_zone == "America/Los_Angeles"
    assert due.title == "Answer to the complaint"
    assert due.owner == attorney
    assert due.trigger_date == served
    assert [step["rule"] for step in due.derivation] == [
        "6(a)(1)(A)",
        "6(a)(1)(B)",
        "6(a)(1)(C)",
        "6(a)(4)",
    ]
    assert "Saturday 28 March 2026 is a Saturday" in due.derivation[2]["text"]
    assert due.derivation[2]["result"] == "Monday 30 March 2026"
    # 23:59:59 PDT on Monday 30 March.
    assert due.last_moment == utc(2026, 3, 31, 6, 59, 59)
    assert due.period["citation"] == "FRCP 12(a)(1)(A)(i)"


@pytest.mark.parametrize(
    ("code", "service", "due_on"),
    [
        # 30 days after Monday 2 March: Wednesday 1 April; by mail 3 more days
        # reach Saturday 4 April, so Monday 6 April.
        ("frcp-33b2-interrogatories", "personal", datetime.date(2026, 4, 1)),
        ("frcp-33b2-interrogatories", "mail", datetime.date(2026, 4, 6)),
        # The answer period earns no added days however the papers came.
        ("frcp-12a1Ai-answer", "mail", datetime.date(2026, 3, 23)),
        ("frcp-12a1Ai-answer", "personal", datetime.date(2026, 3, 23)),
    ],
)
def test_service_by_mail_adds_three_days_only_where_the_rule_allows_it(
    scope, attorney, matter, cand, code, service, due_on
):
    due = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule(code),
        trigger_date=datetime.date(2026, 3, 2),
        service=service,
    )

    assert due.start_date == due_on
    assert any(step["rule"] == "6(d)" for step in due.derivation) == (
        due_on == datetime.date(2026, 4, 6)
    )


def test_deadline_without_a_trigger_says_what_is_missing(scope, attorney, matter, cand):
    with pytest.raises(ServiceError) as refused:
        deadline(
            scope, attorney, matter=matter, court=cand, rule=rule("frcp-12a1Ai-answer")
        )

    assert refused.value.field == "trigger_date"
    assert "Give the date of the trigger" in refused.value.message


def test_deadline_cannot_be_put_on_another_firms_matter(
    scope, attorney, firm, other_firm, other_matter, cand
):
    with pytest.raises(ServiceError, match="belongs to another firm"):
        deadline(
            scope,
            attorney,
            matter=other_matter,
            court=cand,
            rule=rule("frcp-12a1Ai-answer"),
            trigger_date=datetime.date(2026, 3, 2),
        )

    assert not Event.objects.for_firm(firm).exists()
    assert not Event.objects.for_firm(other_firm).exists()


def test_new_trigger_date_moves_the_deadline_and_tells_its_owner_after_commit(
    scope, attorney, firm_admin, matter, cand, django_capture_on_commit_callbacks
):
    due = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-12a1Ai-answer"),
        trigger_date=datetime.date(2026, 3, 2),
        owner=firm_admin,
    )
    assert due.start_date == datetime.date(2026, 3, 23)

    with django_capture_on_commit_callbacks() as callbacks:
        moved = services.deadline_set_trigger(
            scope=scope,
            event=due,
            trigger_date=datetime.date(2026, 3, 9),
            actor=attorney,
            revision=due.revision,
        )
        assert not moved_notes().exists()
    for callback in callbacks:
        callback()

    moved.refresh_from_db()
    assert moved.start_date == datetime.date(2026, 3, 30)
    assert moved.trigger_date == datetime.date(2026, 3, 9)
    assert moved.last_moment == utc(2026, 3, 31, 6, 59, 59)
    assert moved.sequence == 1
    (note,) = moved_notes()
    assert note.user == firm_admin
    assert note.title == "Deadline moved: Answer to the complaint"
    assert "now due Mon, Mar 30, 2026" in note.body


def test_same_trigger_date_again_tells_no_one(
    scope, attorney, matter, cand, django_capture_on_commit_callbacks
):
    due = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-12a1Ai-answer"),
        trigger_date=datetime.date(2026, 3, 2),
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.deadline_set_trigger(
            scope=scope,
            event=due,
            trigger_date=datetime.date(2026, 3, 2),
            actor=attorney,
            revision=due.revision,
        )

    assert not moved_notes().exists()


def test_deadline_already_done_is_not_moved_by_a_new_trigger_date(
    scope, attorney, matter, cand, django_capture_on_commit_callbacks
):
    due = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-12a1Ai-answer"),
        trigger_date=datetime.date(2026, 3, 2),
    )
    due = services.event_set_status(
        scope=scope,
        event=due,
        status=Event.Status.DONE,
        actor=attorney,
        revision=due.revision,
        confirmed=True,
    )

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ServiceError, match="marked done"),
    ):
        services.deadline_set_trigger(
            scope=scope,
            event=due,
            trigger_date=datetime.date(2026, 3, 9),
            actor=attorney,
            revision=due.revision,
        )

    due.refresh_from_db()
    assert (due.start_date, due.trigger_date) == (
        datetime.date(2026, 3, 23),
        datetime.date(2026, 3, 2),
    )
    assert not moved_notes().exists()


@pytest.fixture
def hearing_with_deadlines(scope, attorney, firm_admin, matter, cand):
    """A hearing on Wednesday 15 April 2026, 10:00 in San Francisco, with:
    the motion (14 days before: 1 April), owned by the attorney;
    a draft for the partner 7 days before the motion (25 March), counted from
    the motion and owned by the firm admin; and the opposing affidavit (7 days
    before: 8 April), already done."""
    hearing = create(
        scope,
        attorney,
        kind=Event.Kind.HEARING,
        title="Hearing on the motion to dismiss",
        matter=matter,
        court=cand,
        start=wall(2026, 4, 15, 10, 0),
    )
    motion = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-6c1-motion-notice"),
        trigger_event=hearing,
    )
    draft = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        period={
            "offset": 7,
            "unit": "days",
            "direction": "before",
            "citation": "Firm practice",
            "name": "Draft motion to the partner",
            "trigger": "the motion deadline",
        },
        trigger_event=motion,
        owner=firm_admin,
    )
    affidavit = deadline(
        scope,
        attorney,
        matter=matter,
        court=cand,
        rule=rule("frcp-6c2-opposing-affidavit"),
        trigger_event=hearing,
    )
    affidavit = services.event_set_status(
        scope=scope,
        event=affidavit,
        status=Event.Status.DONE,
        actor=attorney,
        revision=affidavit.revision,
        confirmed=True,
    )
    assert [motion.start_date, draft.start_date, affidavit.start_date] == [
        datetime.date(2026, 4, 1),
        datetime.date(2026, 3, 25),
        datetime.date(2026, 4, 8),
    ]
    return hearing, motion, draft, affidavit


def test_moving_a_hearing_moves_every_deadline_counted_from_it_and_tells_owners(
    scope,
    attorney,
    firm_admin,
    matter,
    cand,
    hearing_with_deadlines,
    django_capture_on_commit_callbacks,
):
    hearing, motion, draft, affidavit = hearing_with_deadlines

    with django_capture_on_commit_callbacks(execute=True):
        update(
            scope,
            attorney,
            hearing,
            kind=Event.Kind.HEARING,
            title=hearing.title,
            matter=matter,
            court=cand,
            start=wall(2026, 4, 29, 10, 0),
        )

    for event in (motion, draft, affidavit):
        event.refresh_from_db()
    assert motion.start_date == datetime.date(2026, 4, 15)
    assert motion.trigger_date == datetime.date(2026, 4, 29)
    assert draft.start_date == datetime.date(2026, 4, 8)
    assert draft.trigger_date == datetime.date(2026, 4, 15)
    # Already filed: a later hearing does not reopen it.
    assert affidavit.start_date == datetime.date(2026, 4, 8)
    assert affidavit.status == Event.Status.DONE
    told = sorted((n.user.email, n.title) for n in moved_notes())
    assert told == [
        (firm_admin.email, "Deadline moved: Draft motion to the partner"),
        (
            attorney.email,
            "Deadline moved: Serve a written motion and notice of hearing",
        ),
    ]


def test_editing_a_hearing_without_moving_it_leaves_its_deadlines_alone(
    scope,
    attorney,
    matter,
    cand,
    hearing_with_deadlines,
    django_capture_on_commit_callbacks,
):
    hearing, motion, _, _ = hearing_with_deadlines

    with django_capture_on_commit_callbacks(execute=True):
        update(
            scope,
            attorney,
            hearing,
            kind=Event.Kind.HEARING,
            title="Hearing on the motion to dismiss (Courtroom 4)",
            matter=matter,
            court=cand,
            start=wall(2026, 4, 15, 10, 0),
        )

    motion.refresh_from_db()
    assert (motion.start_date, motion.sequence) == (datetime.date(2026, 4, 1), 0)
    assert not moved_notes().exists()


# --- Who may schedule -----------------------------------------------------------------


@pytest.fixture
def documents_only_assistant(provider, engagement, matter):
    """Assigned to the firm's engagement for documents, not for scheduling."""
    user = f.member(
        provider, ["assistant"], email="docs@northstar.test", full_name="Dora Voss"
    )
    f.assign(engagement, user, functions=("documents",))
    f.grant(engagement, matter, user)
    return user


def test_assistant_whose_engagement_lacks_scheduling_cannot_change_the_calendar(
    firm, attorney, matter, cand, documents_only_assistant
):
    their_scope = resolve_scope(documents_only_assistant, firm)
    assert their_scope is not None  # they work for the firm, on documents
    event = create(resolve_scope(attorney, firm), attorney, start=event_start())

    refusals = [
        lambda: create(
            their_scope, documents_only_assistant, matter=matter, start=event_start()
        ),
        lambda: update(their_scope, documents_only_assistant, event, title="Moved"),
        lambda: deadline(
            their_scope,
            documents_only_assistant,
            matter=matter,
            court=cand,
            rule=rule("frcp-12a1Ai-answer"),
            trigger_date=datetime.date(2026, 3, 2),
        ),
    ]
    for attempt in refusals:
        with pytest.raises(ServiceError, match="does not include scheduling"):
            attempt()

    assert Event.objects.for_firm(firm).count() == 1


def test_assistant_whose_engagement_covers_scheduling_may_schedule(
    firm, assistant, matter
):
    event = create(
        resolve_scope(assistant, firm),
        assistant,
        matter=matter,
        start=event_start(),
    )

    assert event.created_by == assistant


# --- Audit ----------------------------------------------------------------------------


def test_every_change_to_the_calendar_is_audited(
    scope, attorney, matter, cand, hearing_with_deadlines
):
    hearing, motion, _, _ = hearing_with_deadlines
    update(
        scope,
        attorney,
        hearing,
        kind=Event.Kind.HEARING,
        title=hearing.title,
        matter=matter,
        court=cand,
        start=wall(2026, 4, 22, 10, 0),
    )

    rows = AuditEvent.objects.filter(org=scope.firm)
    actions = [row.action for row in rows]
    assert actions == [
        "event.create",
        "event.deadline",
        "event.deadline",
        "event.deadline",
        "event.done",
        "event.update",
        "event.recompute",
        "event.recompute",
    ]
    motion_rows = rows.filter(object_id=str(motion.public_id))
    assert [row.summary for row in motion_rows] == [
        "Computed Serve a written motion and notice of hearing: due 2026-04-01",
        "Recomputed Serve a written motion and notice of hearing: due 2026-04-08",
    ]
    assert all(row.matter_id == str(matter.public_id) for row in rows)
    assert {row.actor for row in rows} == {attorney}
