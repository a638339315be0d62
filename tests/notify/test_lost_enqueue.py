"""A notification's e-mail is never lost between the commit and its enqueue
(found by ``make soak``: a gunicorn worker killed, or PostgreSQL gone, right
after a change committed left its e-mail without a job, for good)."""

import pytest
from django_tasks_db.models import DBTaskResult

from firmdesk.jobs.schedule import Schedule
from firmdesk.notify.services import notify
from firmdesk.notify.tasks import notification_emails_due

pytestmark = pytest.mark.django_db


def email_jobs():
    return DBTaskResult.objects.filter(task_path__endswith="send_notification_email")


def sweep() -> Schedule:
    schedule = Schedule()
    schedule.due_work(notification_emails_due)
    return schedule


def test_an_email_whose_enqueue_was_lost_is_enqueued_by_the_sweep_once(firm, attorney):
    # Inside the test's transaction no commit comes: as if the process died
    # right after it, before its on_commit enqueue ran.
    note = notify(user=attorney, firm=firm, kind="test", title="Hearing moved")
    assert not email_jobs().exists()

    assert sweep().enqueue_due() == 1
    assert sweep().enqueue_due() == 0
    (job,) = email_jobs()
    assert job.args_kwargs["args"] == [note.pk]


def test_the_sweep_skips_an_email_the_commit_enqueued(
    firm, attorney, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=attorney, firm=firm, kind="test", title="Hearing moved")

    assert sweep().enqueue_due() == 0
    assert email_jobs().count() == 1


def test_a_failed_enqueue_after_the_commit_does_not_fail_the_change(
    firm, attorney, django_capture_on_commit_callbacks, monkeypatch
):
    def database_gone(*args, **kwargs):
        raise ConnectionError("the database went away")

    monkeypatch.setattr("firmdesk.notify.services.enqueue_once", database_gone)
    with django_capture_on_commit_callbacks(execute=True):
        note = notify(user=attorney, firm=firm, kind="test", title="Hearing moved")
    monkeypatch.undo()

    assert note.pk is not None
    assert sweep().enqueue_due() == 1


def test_a_notification_not_to_be_emailed_is_not_swept(firm, attorney):
    notify(user=attorney, firm=firm, kind="test", title="Seen", email=False)

    assert sweep().enqueue_due() == 0
