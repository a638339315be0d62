"""Background work for tasks: service-level alarms, routing what waits, handing
over the work of people who become unavailable, and e-mail that survives a
failing mail server."""

import datetime
import smtplib
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.jobs.models import JobEffect
from firmdesk.notify.models import Notification
from firmdesk.notify.tasks import send_notification_email
from firmdesk.orgs.models import Absence, StaffProfile
from firmdesk.work import services, tasks
from firmdesk.work.models import SlaBreach, Task

from .test_task_flow import TUESDAY_10AM, onboard

HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def ready(firm, engagement, assistant, attorney, provider_admin):
    services.playbooks_install_starter(firm=firm)
    engagement.turnaround_hours = {"scheduling": 2}
    engagement.firm_primary_contact = attorney
    engagement.provider_primary_contact = provider_admin
    engagement.save()
    onboard(firm, assistant)
    return engagement


@pytest.fixture
def routed_task(ready, firm, matter, attorney):
    with time_machine.travel(TUESDAY_10AM, tick=False):
        return services.task_create(
            scope=resolve_scope(attorney, firm),
            title="Calendar the Lopez hearing",
            function="scheduling",
            matter=matter,
        )


def _due(now):
    return list(tasks.sla_alarms(now))


def test_warning_comes_an_hour_before_the_due_time_and_only_once(
    routed_task, assistant, attorney
):
    assert routed_task.due_at == TUESDAY_10AM + 2 * HOUR
    assert _due(TUESDAY_10AM) == []
    (item,) = _due(TUESDAY_10AM + HOUR)
    assert item.kind == "work.sla-warning"
    assert item.due_at == routed_task.due_at - HOUR
    assert item.task.call(*item.args) is True
    assert item.task.call(*item.args) is False
    titles = set(
        Notification.objects.filter(kind="task.due_soon").values_list(
            "user__email", flat=True
        )
    )
    assert titles == {assistant.email, attorney.email}
    assert _due(TUESDAY_10AM + HOUR) == []


def test_breach_is_recorded_once_and_tells_both_sides(
    routed_task, assistant, attorney, provider_admin
):
    (item,) = _due(TUESDAY_10AM + 3 * HOUR)
    assert item.kind == "work.sla-breach"
    item.task.call(*item.args)
    item.task.call(*item.args)
    breach = SlaBreach.unscoped.get(task=routed_task)
    assert breach.assignee == assistant
    assert breach.due_at == routed_task.due_at
    told = set(
        Notification.objects.filter(kind="task.overdue").values_list(
            "user__email", flat=True
        )
    )
    assert told == {assistant.email, attorney.email, provider_admin.email}
    assert _due(TUESDAY_10AM + 4 * HOUR) == []


def test_alarm_for_a_due_time_that_moved_does_nothing(routed_task, firm, attorney):
    (item,) = _due(TUESDAY_10AM + 3 * HOUR)
    with time_machine.travel(TUESDAY_10AM + HOUR / 2, tick=False):
        services.task_edit(
            scope=resolve_scope(attorney, firm),
            task=routed_task,
            revision=routed_task.revision,
            due_at=TUESDAY_10AM + 24 * HOUR,
        )
    assert item.task.call(*item.args) is False
    assert not SlaBreach.unscoped.exists()


def test_work_handed_in_on_time_raises_no_alarm(routed_task, firm, assistant):
    scope = resolve_scope(assistant, firm, today=datetime.date(2026, 11, 17))
    task = routed_task
    with time_machine.travel(TUESDAY_10AM + HOUR / 2, tick=False):
        task = services.task_checklist(
            scope=scope,
            task=task,
            revision=task.revision,
            done=set(range(len(task.checklist))),
        )
        services.task_submit(scope=scope, task=task, revision=task.revision)
    assert _due(TUESDAY_10AM + 5 * HOUR) == []


def test_waiting_task_is_routed_once_someone_is_available(
    ready, firm, matter, attorney, assistant
):
    profile = StaffProfile.objects.get(user=assistant)
    profile.weekly_hours = {str(d): ["09:00", "17:00"] for d in range(5)}
    profile.save()
    night = datetime.datetime(2026, 11, 18, 3, 0, tzinfo=datetime.UTC)  # 22:00 NY
    with time_machine.travel(night, tick=False):
        task = services.task_create(
            scope=resolve_scope(attorney, firm),
            title="Book the deposition room",
            function="scheduling",
            matter=matter,
        )
        assert task.assignee is None and task.needs_routing
        assert "Priya Nair" in task.routing_note
        assert tasks.route_waiting_tasks.call() == 0
    with time_machine.travel(night + 11 * HOUR, tick=False):  # 09:00 NY
        assert tasks.route_waiting_tasks.call() == 1
    task.refresh_from_db()
    assert task.assignee == assistant and not task.needs_routing


def test_sweep_hands_over_the_work_of_someone_absent_today(
    ready, firm, matter, attorney, assistant, provider
):
    from tests import factories as f

    colleague = f.member(
        provider, ["assistant"], email="mo@northstar.test", full_name="Mo Chen"
    )
    f.assign(ready, colleague)
    onboard(firm, colleague)
    for user in (assistant, colleague):
        StaffProfile.objects.filter(user=user).update(
            weekly_hours={str(d): ["00:00", "23:59"] for d in range(7)}
        )
    task = services.task_create(
        scope=resolve_scope(attorney, firm),
        title="Calendar the hearing",
        function="scheduling",
        matter=matter,
        assignee=assistant,
    )
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo("America/New_York"))
    Absence.objects.create(user=assistant, start=today, end=today)
    assert tasks.hand_over_unavailable.call() == 1
    task.refresh_from_db()
    assert task.assignee == colleague
    assert "Handed over from Priya Nair (absent)" in task.handover_note
    assert Notification.objects.filter(user=attorney, kind="task.handed_over").exists()
    assert tasks.hand_over_unavailable.call() == 0


def test_notification_survives_a_failing_mail_server_and_is_sent_on_retry(
    routed_task, assistant, monkeypatch, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    note = Notification.objects.get(user=assistant, kind="task.assigned")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        send_notification_email.call(note.pk)
    assert Notification.objects.filter(pk=note.pk, emailed_at__isnull=True).exists()
    assert not JobEffect.objects.filter(key=f"notify.email:{note.pk}").exists()
    monkeypatch.undo()
    assert send_notification_email.call(note.pk) is True
    assert send_notification_email.call(note.pk) is False
    (message,) = mail.outbox
    assert message.to == [assistant.email]
    assert "Calendar the Lopez hearing" in message.subject
    assert message.extra_headers["Message-ID"].endswith("@firmdesk>")
    assert Task.unscoped.get(pk=routed_task.pk).assignee == assistant


def test_recurring_task_is_created_once_on_its_day_in_the_firms_date(
    ready, firm, attorney, assistant
):
    rec = services.recurrence_create(
        scope=resolve_scope(attorney, firm),
        title="Check the court's calendar for new settings",
        function="scheduling",
        frequency="weekly",
        weekday=1,  # Tuesday
        starts_on=datetime.date(2026, 11, 1),
    )
    # Monday 23:30 in New York is already Tuesday in UTC: not yet the day.
    with time_machine.travel(
        datetime.datetime(2026, 11, 17, 4, 30, tzinfo=datetime.UTC), tick=False
    ):
        assert tasks.create_recurring_tasks.call() == 0
    with time_machine.travel(TUESDAY_10AM, tick=False):
        assert tasks.create_recurring_tasks.call() == 1
        assert tasks.create_recurring_tasks.call() == 0
    with time_machine.travel(TUESDAY_10AM + 24 * HOUR, tick=False):
        assert tasks.create_recurring_tasks.call() == 0
    with time_machine.travel(TUESDAY_10AM + 7 * 24 * HOUR, tick=False):
        assert tasks.create_recurring_tasks.call() == 1
    made = Task.unscoped.filter(recurrence=rec).order_by("recurrence_date")
    assert [t.recurrence_date for t in made] == [
        datetime.date(2026, 11, 17),
        datetime.date(2026, 11, 24),
    ]
    assert made[0].title == "Check the court's calendar for new settings (Nov 17)"
    assert made[0].assignee == assistant
