"""Event reminders: one per person per offset, kept in step with the event, sent
by the worker exactly once (in the app and by e-mail), never to someone who can
no longer see the event, and dropped when hopelessly late."""

import datetime

import pytest
import time_machine
from django.core import mail

from firmdesk.access.scope import resolve_scope
from firmdesk.engagements.models import Engagement, MatterGrant
from firmdesk.jobs.models import WorkerHeartbeat
from firmdesk.jobs.schedule import Schedule
from firmdesk.jobs.worker import Worker, WorkerSettings
from firmdesk.notify.models import Notification
from firmdesk.scheduling import services, tasks
from firmdesk.scheduling.models import Event, Reminder

UTC = datetime.UTC
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
# Monday 2 March 2026, 10:00 in New York.
NOW = datetime.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
# Wednesday 4 March 2026, 10:00 in New York.
HEARING_AT = datetime.datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scope(attorney, firm):
    return resolve_scope(attorney, firm)


def event_data(start, **fields):
    fields.setdefault("kind", Event.Kind.HEARING)
    fields.setdefault("title", "Status conference")
    fields.setdefault("reminder_minutes", [24 * 60, 60])
    return services.EventData(
        start=start.astimezone(UTC).replace(tzinfo=None), time_zone="UTC", **fields
    )


@pytest.fixture
def make_event(scope, attorney, matter, assistant):
    """A hearing on the matter owned by the attorney, the assistant attending."""

    def make(start=HEARING_AT, **fields):
        fields.setdefault("owner", attorney)
        fields.setdefault("attendee_users", (assistant,))
        return services.event_create(
            scope=scope, data=event_data(start, matter=matter, **fields), actor=attorney
        )

    return make


def move(scope, actor, event, start, **fields):
    fields.setdefault("owner", event.owner)
    fields.setdefault("attendee_users", tuple(a.user for a in event.attendees.all()))
    fields.setdefault("matter", event.matter)
    return services.event_update(
        scope=scope,
        event=event,
        data=event_data(start, **fields),
        actor=actor,
        revision=event.revision,
    )


def pending(event):
    return Reminder.objects.for_firm(event.firm).filter(event=event, sent_at=None)


def planned(event):
    return sorted(
        (r.user.email, r.minutes_before, r.fire_at)
        for r in Reminder.objects.for_firm(event.firm).filter(event=event)
    )


def reminders_told(user=None):
    rows = Notification.objects.filter(kind__startswith="event.reminder.")
    return rows.filter(user=user) if user is not None else rows


QUICK = WorkerSettings(
    poll_seconds=0.1,
    heartbeat_seconds=1,
    stale_after_seconds=30,
    max_attempts=3,
    backoff_base_seconds=10,
    backoff_max_seconds=60,
)


def run_ready_jobs(worker) -> int:
    ran = 0
    while (claimed := worker.claim()) is not None:
        worker.execute(claimed)
        ran += 1
    return ran


def dead_worker(worker_id):
    """A worker whose heartbeat stopped an hour ago."""
    WorkerHeartbeat.objects.create(
        worker_id=worker_id,
        hostname="test",
        pid=1,
        started_at=NOW - 2 * HOUR,
        beat_at=NOW - HOUR,
    )
    return Worker(worker_id=worker_id, config=QUICK, schedule=Schedule())


# --- Keeping reminders in step with the event -----------------------------------------


def test_everyone_on_the_event_gets_one_reminder_per_offset(
    clock, make_event, attorney, assistant
):
    event = make_event()

    assert planned(event) == sorted(
        [
            (attorney.email, 1440, HEARING_AT - DAY),
            (attorney.email, 60, HEARING_AT - HOUR),
            (assistant.email, 1440, HEARING_AT - DAY),
            (assistant.email, 60, HEARING_AT - HOUR),
        ]
    )
    keys = [r.key for r in pending(event)]
    assert len(set(keys)) == 4


def test_reminders_whose_moment_has_passed_are_not_made(
    clock, make_event, attorney, assistant
):
    event = make_event(start=NOW + 2 * HOUR)

    assert planned(event) == sorted(
        [
            (attorney.email, 60, NOW + HOUR),
            (assistant.email, 60, NOW + HOUR),
        ]
    )


def test_moving_an_event_replaces_its_reminders_and_moving_it_back_restores_the_keys(
    clock, scope, attorney, make_event
):
    event = make_event()
    first_keys = set(pending(event).values_list("key", flat=True))

    event = move(scope, attorney, event, HEARING_AT + DAY)
    moved_keys = set(pending(event).values_list("key", flat=True))
    assert moved_keys.isdisjoint(first_keys)
    assert {r.fire_at for r in pending(event)} == {HEARING_AT, HEARING_AT + DAY - HOUR}

    event = move(scope, attorney, event, HEARING_AT)
    assert set(pending(event).values_list("key", flat=True)) == first_keys
    assert pending(event).count() == 4


def test_reminder_already_sent_is_not_made_again_when_the_event_comes_back(
    clock, scope, attorney, assistant, make_event, django_capture_on_commit_callbacks
):
    event = make_event()
    day_before = pending(event).get(user=assistant, minutes_before=1440)
    clock.move_to(day_before.fire_at)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminder.call(day_before.pk) is True

    event = move(scope, attorney, event, HEARING_AT + 2 * HOUR)
    event = move(scope, attorney, event, HEARING_AT)

    rows = Reminder.objects.for_firm(event.firm).filter(key=day_before.key)
    assert [r.sent_at for r in rows] == [day_before.fire_at]
    assert day_before.key not in set(pending(event).values_list("key", flat=True))
    assert reminders_told(assistant).count() == 1


def test_someone_taken_off_the_event_is_no_longer_reminded(
    clock, scope, attorney, make_event
):
    event = make_event()

    event = move(scope, attorney, event, HEARING_AT, attendee_users=())

    assert {r.user for r in pending(event)} == {attorney}


def test_cancelling_an_event_removes_its_pending_reminders(
    clock, scope, attorney, make_event
):
    event = make_event()

    services.event_set_status(
        scope=scope,
        event=event,
        status=Event.Status.CANCELLED,
        actor=attorney,
        revision=event.revision,
    )

    assert not pending(event).exists()


# --- Falling due ----------------------------------------------------------------------


def test_due_work_lists_the_reminders_whose_moment_has_come(clock, make_event):
    event = make_event()
    day_before = list(pending(event).filter(minutes_before=1440))

    assert list(tasks.event_reminders(HEARING_AT - DAY - MINUTE)) == []
    found = list(tasks.event_reminders(HEARING_AT - DAY))

    assert sorted(d.object_key for d in found) == sorted(str(r.pk) for r in day_before)
    assert {d.kind for d in found} == {"scheduling.reminder"}
    assert {d.due_at for d in found} == {HEARING_AT - DAY}
    assert {d.task for d in found} == {tasks.send_reminder}
    assert sorted(d.args for d in found) == sorted((r.pk,) for r in day_before)


def test_reminder_more_than_a_day_late_is_dropped(clock, make_event):
    event = make_event(reminder_minutes=[24 * 60])

    late_but_useful = list(tasks.event_reminders(HEARING_AT - MINUTE))
    too_late = list(tasks.event_reminders(HEARING_AT + MINUTE))

    assert len(late_but_useful) == 2
    assert too_late == []
    assert pending(event).count() == 2  # never sent


def test_reminder_is_told_once_in_the_app_and_once_by_email_even_when_run_twice(
    clock, make_event, assistant, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    event = make_event()
    reminder = pending(event).get(user=assistant, minutes_before=60)
    clock.move_to(reminder.fire_at)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminder.call(reminder.pk) is True
        assert tasks.send_reminder.call(reminder.pk) is False
    run_ready_jobs(Worker(config=QUICK, schedule=Schedule()))

    (note,) = reminders_told()
    assert note.user == assistant
    assert note.kind == "event.reminder.hearing"
    assert note.title == "Reminder: Status conference"
    # The assistant's own zone (New York): 10:00 EST.
    assert "Wed, Mar 4, 2026, 10:00 AM EST" in note.body
    assert note.url.endswith(f"/events/{event.public_id}/")
    (message,) = mail.outbox
    assert message.to == [assistant.email]
    assert message.subject == "[FirmDesk] Reminder: Status conference"
    reminder.refresh_from_db()
    assert reminder.sent_at == reminder.fire_at


# --- The worker dies ------------------------------------------------------------------


def test_reminder_whose_worker_was_killed_mid_send_is_sent_once_on_the_rerun(
    clock,
    make_event,
    firm,
    attorney,
    assistant,
    monkeypatch,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    schedule = Schedule()
    schedule.due_work(tasks.event_reminders)
    make_event(reminder_minutes=[60])
    clock.move_to(HEARING_AT - HOUR + MINUTE)
    assert schedule.enqueue_due() == 2  # the attorney's and the assistant's

    real_notify = tasks.notify

    def notify_then_die(**kwargs):
        real_notify(**kwargs)
        raise SystemExit("killed")  # passes the worker's error handling, as a kill

    monkeypatch.setattr(tasks, "notify", notify_then_die)
    doomed = dead_worker("doomed")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(SystemExit):
        doomed.execute(doomed.claim())
    assert not reminders_told().exists()
    assert Reminder.objects.for_firm(firm).filter(sent_at=None).count() == 2
    monkeypatch.setattr(tasks, "notify", real_notify)

    rescuer = Worker(worker_id="rescuer", config=QUICK, schedule=Schedule())
    assert rescuer.requeue_stale() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert run_ready_jobs(rescuer) == 2  # the two reminders
    assert run_ready_jobs(rescuer) == 2  # their two e-mails
    # The schedule comes round again, and someone enqueues the jobs by hand.
    assert schedule.enqueue_due() == 0
    for reminder in Reminder.objects.for_firm(firm):
        tasks.send_reminder.enqueue(reminder.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_ready_jobs(rescuer) == 2
    assert run_ready_jobs(rescuer) == 0

    assert sorted(n.user.email for n in reminders_told()) == sorted(
        [attorney.email, assistant.email]
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [attorney.email, assistant.email]
    )


# --- Access ended ---------------------------------------------------------------------


def end_engagement(assistant, firm, matter):
    Engagement.unscoped.filter(firm=firm).update(status=Engagement.Status.ENDED)


def revoke_grant(assistant, firm, matter):
    MatterGrant.unscoped.filter(firm=firm, matter=matter, user=assistant).delete()


@pytest.mark.parametrize("lose_access", [end_engagement, revoke_grant])
def test_reminder_of_someone_who_lost_access_to_the_event_is_not_sent(
    clock,
    make_event,
    firm,
    matter,
    attorney,
    assistant,
    lose_access,
    django_capture_on_commit_callbacks,
):
    event = make_event(reminder_minutes=[60])
    theirs = pending(event).get(user=assistant)
    clock.move_to(theirs.fire_at)
    lose_access(assistant, firm, matter)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_reminder.call(theirs.pk) is False
        assert tasks.send_reminder.call(pending(event).get(user=attorney).pk) is True

    assert [n.user for n in reminders_told()] == [attorney]
    theirs.refresh_from_db()
    assert theirs.sent_at is not None  # settled: not tried again every minute
    assert list(tasks.event_reminders(theirs.fire_at + MINUTE)) == []
