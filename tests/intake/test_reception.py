"""Reception's services and jobs: numbers in E.164, messages to the right person
(and urgent ones to the on-call attorney at once, day or night), acknowledging,
escalation of what nobody acknowledged, the morning summary, and what reception
staff may see.

The clock is Monday 2 March 2026 in New York (EST, UTC-5).
"""

import datetime

import pytest
import time_machine
from django.core import mail

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.intake import reception
from firmdesk.intake import reception_tasks as jobs
from firmdesk.intake.models import CallLog, ReceptionSettings
from firmdesk.jobs.schedule import Schedule
from firmdesk.jobs.worker import Worker, WorkerSettings
from firmdesk.matters.models import MatterScreen
from firmdesk.notify.models import Notification
from tests import factories as f
from tests.isolation.fixtures_reception import *  # noqa: F403

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Monday 2 March 2026, 10:00 in New York.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
# The same night, 03:00 in New York.
THREE_AM = datetime.datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
# Tuesday 3 March 2026, 07:00 in New York: the morning summary of Monday.
TUESDAY_7AM = datetime.datetime(2026, 3, 3, 12, 0, tzinfo=UTC)

QUICK = WorkerSettings(
    poll_seconds=0.1,
    heartbeat_seconds=1,
    stale_after_seconds=30,
    max_attempts=3,
    backoff_base_seconds=10,
    backoff_max_seconds=60,
)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def on_call(firm):
    return f.member(
        firm, ["attorney"], email="oncall@hale.test", full_name="Nadia Oyelaran"
    )


@pytest.fixture
def routing(firm, firm_admin, on_call):
    """Nadia is on call; Grace (the admin) is the escalation contact, at 30 min."""
    return reception.reception_settings_save(
        scope=resolve_scope(firm_admin, firm),
        actor=firm_admin,
        on_call=on_call,
        escalate_after_minutes=30,
        escalate_to=firm_admin,
    )


def take(who, firm, **fields):
    fields.setdefault("caller_name", "Maria Lopez")
    fields.setdefault("number", "(212) 555-0142")
    fields.setdefault("matter", None)
    fields.setdefault("message", "Asks whether the hearing moved.")
    fields.setdefault("urgency", CallLog.Urgency.NORMAL)
    fields.setdefault("callback_wanted", True)
    fields.setdefault("recipient", None)
    return reception.call_log(scope=resolve_scope(who, firm), actor=who, **fields)


def told(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return rows.filter(kind=kind) if kind else rows


def run_ready_jobs(worker) -> int:
    ran = 0
    while (claimed := worker.claim()) is not None:
        worker.execute(claimed)
        ran += 1
    return ran


# --- Numbers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "jurisdiction", "e164"),
    [
        ("(212) 555-0142", "US-NY", "+12125550142"),
        ("212.555.0142", "US", "+12125550142"),
        ("+44 20 7946 0958", "US-NY", "+442079460958"),
        ("020 7946 0958", "GB", "+442079460958"),
        ("", "US", ""),
        ("   ", "US", ""),
    ],
)
def test_number_is_stored_in_e164_read_in_the_firms_country(
    firm, typed, jurisdiction, e164
):
    firm.jurisdiction = jurisdiction
    assert reception.normalise_number(typed, firm=firm) == (e164, "")


@pytest.mark.parametrize("typed", ["212-55", "555-0142", "call me", "+1 999"])
def test_unreadable_number_says_what_to_type_instead(firm, typed):
    with pytest.raises(ServiceError) as error:
        reception.normalise_number(typed, firm=firm)
    assert error.value.field == "number"
    assert f"“{typed}” is not a phone number we can read" in error.value.message
    assert "area code" in error.value.message
    assert "leave it empty" in error.value.message


def test_extension_is_kept_in_the_message(clock, firm, receptionist, matter):
    call = take(receptionist, firm, number="212 555 0142 ext. 12", matter=matter)
    assert call.number == "+12125550142"
    assert call.message.endswith("Extension: 12")


def test_number_is_shown_nationally_at_home_and_internationally_abroad(firm):
    assert reception.number_display("+12125550142", firm=firm) == "(212) 555-0142"
    assert reception.number_display("+442079460958", firm=firm) == "+44 20 7946 0958"


# --- Taking a message -------------------------------------------------------------


def test_message_is_recorded_audited_and_told_to_its_recipient(
    clock, firm, receptionist, attorney, matter
):
    call = take(receptionist, firm, matter=matter)

    assert call.number == "+12125550142"
    assert call.received_at == NOW
    assert call.taken_by == receptionist
    assert call.recipient == attorney  # the matter's responsible attorney
    event = AuditEvent.objects.get(org=firm, action="call.logged")
    assert event.object_id == str(call.public_id)
    assert event.matter_id == str(matter.public_id)
    (note,) = told(attorney)
    assert note.kind == "call.message"
    assert note.title == "Message from Maria Lopez"
    assert "10:00 AM EST – Maria Lopez, (212) 555-0142, matter M-2026-001" in note.body
    assert "Asks whether the hearing moved." in note.body
    assert note.url.endswith(f"/calls/#call-{call.public_id}")
    assert note.key == f"call:{call.public_id}:recipient"


def test_urgent_message_tells_the_on_call_attorney_at_once_even_at_3_am(
    routing,
    firm,
    receptionist,
    attorney,
    on_call,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(THREE_AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            call = take(
                receptionist,
                firm,
                caller_name="Ken Adams",
                recipient=attorney,
                urgency=CallLog.Urgency.URGENT,
                message="Client arrested tonight; needs counsel now.",
            )
        run_ready_jobs(Worker(config=QUICK, schedule=Schedule()))

    (page,) = told(on_call)
    assert page.kind == "call.urgent_on_call"
    assert page.title == "Urgent message from Ken Adams (for Owen Ortiz)"
    assert page.created_at == THREE_AM
    assert "3:00 AM EST – Ken Adams" in page.body and "URGENT" in page.body
    assert told(attorney, "call.urgent").count() == 1
    assert len(callbacks) == 2  # both e-mails leave once the message is saved
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [attorney.email, on_call.email]
    )
    assert call.acknowledged_at is None


def test_normal_message_does_not_wake_the_on_call_attorney(
    clock, routing, firm, receptionist, attorney, on_call
):
    take(receptionist, firm, recipient=attorney)
    assert not told(on_call).exists()


def test_urgent_message_for_the_on_call_attorney_tells_them_once(
    clock, routing, firm, receptionist, on_call
):
    take(receptionist, firm, recipient=on_call, urgency=CallLog.Urgency.URGENT)
    assert told(on_call).count() == 1


def test_on_call_attorney_screened_off_the_matter_is_not_told_of_it(
    clock, routing, firm, receptionist, matter, on_call
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=on_call)
    take(receptionist, firm, matter=matter, urgency=CallLog.Urgency.URGENT)
    assert not told(on_call).exists()


def test_matter_outside_the_receptionists_scope_is_refused(
    clock, firm, ungranted_receptionist, matter, attorney
):
    with pytest.raises(ServiceError) as error:
        take(ungranted_receptionist, firm, matter=matter, recipient=attorney)
    assert error.value.field == "matter"
    assert not CallLog.objects.for_firm(firm).exists()


def test_message_needs_a_recipient_of_the_firm(
    clock, firm, receptionist, outsider, attorney
):
    with pytest.raises(ServiceError) as error:
        take(receptionist, firm)
    assert error.value.message == "Choose who the message is for."
    with pytest.raises(ServiceError) as error:
        take(receptionist, firm, recipient=outsider)
    assert "not an active member of the firm" in error.value.message
    with pytest.raises(ServiceError) as error:
        take(receptionist, firm, recipient=attorney, message="  ")
    assert error.value.field == "message"
    assert not CallLog.objects.for_firm(firm).exists()


def test_recipient_screened_off_the_matter_is_refused(
    clock, firm, receptionist, matter, attorney
):
    MatterScreen.unscoped.create(firm=firm, matter=matter, user=attorney)
    with pytest.raises(ServiceError) as error:
        take(receptionist, firm, matter=matter)
    assert error.value.field == "recipient"
    assert "screened off this matter" in error.value.message
    assert not told(attorney).exists()


def test_staff_without_reception_in_their_engagement_cannot_take_calls(
    clock, firm, assistant, attorney
):
    scope = resolve_scope(assistant, firm)
    assert not reception.may_take_calls(scope)
    with pytest.raises(ServiceError):
        take(assistant, firm, recipient=attorney)


# --- Acknowledging ----------------------------------------------------------------


def test_recipient_acknowledges_once_and_again_changes_nothing(
    clock, firm, receptionist, attorney, matter
):
    call = take(receptionist, firm, matter=matter)
    scope = resolve_scope(attorney, firm)

    first = reception.call_acknowledge(scope=scope, call=call, actor=attorney)
    clock.shift(HOUR)
    again = reception.call_acknowledge(scope=scope, call=call, actor=attorney)

    assert first.acknowledged_at == again.acknowledged_at == NOW
    assert AuditEvent.objects.filter(org=firm, action="call.acknowledged").count() == 1


@pytest.mark.parametrize("who", ["firm_admin", "firm_staff", "receptionist"])
def test_nobody_but_the_recipient_acknowledges(
    request, clock, firm, receptionist, attorney, matter, who
):
    call = take(receptionist, firm, matter=matter)
    someone = request.getfixturevalue(who)
    with pytest.raises(ServiceError):
        reception.call_acknowledge(
            scope=resolve_scope(someone, firm), call=call, actor=someone
        )
    call.refresh_from_db()
    assert call.acknowledged_at is None


# --- Escalation -------------------------------------------------------------------


def test_unacknowledged_message_escalates_once_after_the_set_time(
    clock, routing, firm, firm_admin, receptionist, attorney, matter
):
    call = take(receptionist, firm, matter=matter)
    schedule = Schedule()
    schedule.due_work(jobs.call_escalations)

    clock.move_to(NOW + 30 * MINUTE - datetime.timedelta(seconds=1))
    assert list(jobs.call_escalations(NOW + 29 * MINUTE)) == []
    assert schedule.enqueue_due() == 0
    clock.move_to(NOW + 30 * MINUTE)
    (due,) = jobs.call_escalations(NOW + 30 * MINUTE)
    assert (due.kind, due.object_key, due.due_at) == (
        "intake.call-escalation",
        str(call.pk),
        NOW + 30 * MINUTE,
    )
    assert schedule.enqueue_due() == 1
    assert schedule.enqueue_due() == 0  # the next minute's run finds it enqueued

    worker = Worker(config=QUICK, schedule=Schedule())
    assert run_ready_jobs(worker) == 1
    # Someone enqueues it again by hand, or a worker retries it.
    assert jobs.escalate_call.call(call.pk) is False

    call.refresh_from_db()
    assert call.escalated_at == NOW + 30 * MINUTE
    assert call.escalated_to == firm_admin
    (note,) = told(firm_admin, "call.escalated")
    assert note.title == "Unacknowledged message from Maria Lopez (for Owen Ortiz)"
    assert "has not acknowledged this message after 30 minutes" in note.body
    assert AuditEvent.objects.filter(org=firm, action="call.escalated").count() == 1
    assert list(jobs.call_escalations(NOW + HOUR)) == []

    # Whoever it escalated to may acknowledge it now.
    reception.call_acknowledge(
        scope=resolve_scope(firm_admin, firm), call=call, actor=firm_admin
    )
    call.refresh_from_db()
    assert call.acknowledged_at == NOW + 30 * MINUTE


def test_acknowledged_message_does_not_escalate(
    clock, routing, firm, receptionist, attorney, matter
):
    call = take(receptionist, firm, matter=matter)
    reception.call_acknowledge(
        scope=resolve_scope(attorney, firm), call=call, actor=attorney
    )
    assert list(jobs.call_escalations(NOW + HOUR)) == []
    assert jobs.escalate_call.call(call.pk) is False


def test_without_an_escalation_contact_the_firms_admins_are_told(
    clock, firm, firm_admin, receptionist, attorney, matter
):
    second_admin = f.member(firm, ["firm_admin"], email="ops@hale.test")
    call = take(receptionist, firm, matter=matter)

    (due,) = jobs.call_escalations(NOW + HOUR)  # the default: an hour
    assert due.due_at == NOW + HOUR
    clock.move_to(NOW + HOUR)
    assert jobs.escalate_call.call(call.pk) is True

    call.refresh_from_db()
    assert call.escalated_to is None
    assert told(firm_admin, "call.escalated").count() == 1
    assert told(second_admin, "call.escalated").count() == 1
    # Any admin may acknowledge a message escalated to the admins.
    reception.call_acknowledge(
        scope=resolve_scope(second_admin, firm), call=call, actor=second_admin
    )


def test_a_changed_escalation_time_applies_to_waiting_messages(
    clock, routing, firm, firm_admin, receptionist, matter
):
    call = take(receptionist, firm, matter=matter)
    ReceptionSettings.objects.for_firm(firm).update(escalate_after_minutes=5)
    (due,) = jobs.call_escalations(NOW + 5 * MINUTE)
    assert due.object_key == str(call.pk)


# --- The morning summary ----------------------------------------------------------


def test_each_recipient_gets_one_summary_of_yesterdays_calls(
    firm, receptionist, attorney, firm_admin, matter
):
    with time_machine.travel(NOW, tick=False):
        take(receptionist, firm, matter=matter)
        urgent = take(
            receptionist,
            firm,
            caller_name="Ken Adams",
            recipient=attorney,
            urgency=CallLog.Urgency.URGENT,
        )
        take(receptionist, firm, caller_name="Lee Chu", recipient=firm_admin)
        reception.call_acknowledge(
            scope=resolve_scope(attorney, firm), call=urgent, actor=attorney
        )
    # Sunday's call is not Monday's.
    with time_machine.travel(NOW - DAY, tick=False):
        take(receptionist, firm, caller_name="Old caller", recipient=attorney)

    assert list(jobs.daily_call_summaries(TUESDAY_7AM - MINUTE)) == []
    (due,) = jobs.daily_call_summaries(TUESDAY_7AM)
    assert (due.kind, due.object_key, due.due_at, due.args) == (
        "intake.call-summary",
        f"{firm.pk}:2026-03-02",
        TUESDAY_7AM,
        (firm.pk, "2026-03-02"),
    )
    with time_machine.travel(TUESDAY_7AM, tick=False):
        assert jobs.send_call_summaries.call(firm.pk, "2026-03-02") == 2
        assert jobs.send_call_summaries.call(firm.pk, "2026-03-02") == 0

    (note,) = told(attorney, "call.summary")
    assert note.title == "Your calls of Mon 2 Mar: 2, 1 waiting"
    assert note.body.startswith(
        "2 messages for you on Monday 2 March: 1 urgent, 1 not acknowledged yet."
    )
    assert "[not acknowledged] 10:00 AM EST – Maria Lopez" in note.body
    assert "10:00 AM EST – Ken Adams, (212) 555-0142, URGENT" in note.body
    assert "Old caller" not in note.body
    assert told(firm_admin, "call.summary").count() == 1
    assert not told(receptionist, "call.summary").exists()


def test_summary_is_due_once_a_day_in_the_firms_morning(
    clock, firm, receptionist, attorney
):
    take(receptionist, firm, recipient=attorney)
    schedule = Schedule()
    schedule.due_work(jobs.daily_call_summaries)
    clock.move_to(TUESDAY_7AM)
    assert schedule.enqueue_due() == 1
    clock.move_to(TUESDAY_7AM + 3 * HOUR)
    assert schedule.enqueue_due() == 0
    clock.move_to(TUESDAY_7AM + DAY)
    assert schedule.enqueue_due() == 1  # Tuesday's summary


# --- What reception staff see -----------------------------------------------------


def test_receptionist_sees_only_the_calls_they_took(
    clock, firm, receptionist, ungranted_receptionist, attorney, matter
):
    mine = take(receptionist, firm, matter=matter)
    theirs = take(ungranted_receptionist, firm, recipient=attorney)
    with time_machine.travel(NOW - DAY, tick=False):
        yesterday = take(receptionist, firm, recipient=attorney)

    scope = resolve_scope(receptionist, firm)
    assert set(CallLog.objects.in_scope(scope)) == {mine, yesterday}
    assert list(reception.calls_taken_today(scope)) == [mine]
    assert theirs not in CallLog.objects.in_scope(scope)
    everyone = resolve_scope(attorney, firm)
    assert set(reception.calls_for_me(everyone)) == {mine, theirs, yesterday}


def test_messages_for_me_list_the_waiting_ones_first(
    clock, firm, receptionist, attorney
):
    first = take(receptionist, firm, recipient=attorney)
    clock.shift(MINUTE)
    second = take(receptionist, firm, recipient=attorney)
    scope = resolve_scope(attorney, firm)
    reception.call_acknowledge(scope=scope, call=second, actor=attorney)
    clock.shift(MINUTE)
    third = take(receptionist, firm, recipient=attorney)

    assert list(reception.calls_for_me(scope)) == [third, first, second]


# --- Settings ---------------------------------------------------------------------


def test_only_a_firm_admin_sets_the_routing(firm, attorney, firm_admin, firm_staff):
    with pytest.raises(ServiceError):
        reception.reception_settings_save(
            scope=resolve_scope(attorney, firm),
            actor=attorney,
            on_call=attorney,
            escalate_after_minutes=30,
            escalate_to=None,
        )
    with pytest.raises(ServiceError) as error:
        reception.reception_settings_save(
            scope=resolve_scope(firm_admin, firm),
            actor=firm_admin,
            on_call=firm_staff,
            escalate_after_minutes=30,
            escalate_to=None,
        )
    assert error.value.field == "on_call"
    assert reception.reception_settings(firm).pk is None
    assert reception.reception_settings(firm).escalate_after_minutes == 60
