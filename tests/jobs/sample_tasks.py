"""Jobs the tests enqueue besides ``firmdesk.jobs.tasks.record_effect``."""

from django_tasks import task


@task()
def always_fails():
    raise RuntimeError("the mail server is down")


@task()
def returns_unstorable():
    return object()


@task()
def tick():
    return "tick"
