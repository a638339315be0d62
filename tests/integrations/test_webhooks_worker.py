"""The real ``firmdesk worker`` sending to a real receiver, killed while a
request is out: every event still arrives, repeats share a delivery id."""

import pytest
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from firmdesk.access.scope import resolve_scope
from firmdesk.integrations import webhooks
from firmdesk.integrations.models import WebhookDelivery
from firmdesk.jobs.models import WorkerHeartbeat
from tests.jobs.test_worker import Workers, wait_for

from .conftest import make_endpoint

EVENTS_SENT = 3


@pytest.fixture
def workers(tmp_path):
    started = Workers(tmp_path)
    yield started
    started.stop_all()


def _holding_worker(processes, firm, delivery_id):
    """The process running the job that sent the held request."""
    delivery = WebhookDelivery.objects.for_firm(firm).get(public_id=delivery_id)
    (job,) = [
        job
        for job in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
        if job.args_kwargs["args"] == [delivery.pk]
    ]
    pid = WorkerHeartbeat.objects.get(worker_id=job.worker_ids[-1]).pid
    (holder,) = [p for p in processes if p.pid == pid]
    return holder


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_delivery_loses_no_event(firm, firm_admin, receiver, workers):
    endpoint, receiver.secret = make_endpoint(
        firm_admin, firm, ["task.approved"], url=receiver.url
    )
    receiver.hold = True
    scope = resolve_scope(firm_admin, firm)
    sent = [
        str(webhooks.endpoint_send_test(scope=scope, endpoint=endpoint).public_id)
        for _ in range(EVENTS_SENT)
    ]

    # Both start at once (a worker takes seconds to start): whichever sends
    # first is held mid-request and killed; the other recovers its job.
    started = [workers.start("one"), workers.start("two")]
    assert receiver.holding.wait(60), "no worker sent anything"
    held = receiver.ids()[0]
    holder = _holding_worker(started, firm, held)
    holder.kill()
    holder.wait()
    receiver.release()

    def all_delivered():
        return (
            WebhookDelivery.objects.for_firm(firm)
            .filter(status=WebhookDelivery.Status.DELIVERED)
            .count()
            == EVENTS_SENT
        )

    wait_for(all_delivered, "every delivery to be marked delivered")
    arrived = receiver.ids()
    assert set(arrived) == set(sent)
    # The one out when the worker died came again, under the same id.
    assert arrived.count(held) == 2
    assert len(arrived) == EVENTS_SENT + 1
    assert all(ok for _, _, ok, _ in receiver.received)
