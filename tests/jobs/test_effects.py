import uuid

import pytest

from firmdesk.jobs.models import JobEffect
from firmdesk.jobs.services import (
    deliver_at_least_once,
    delivery_id,
    job_context,
    run_once,
)
from firmdesk.jobs.tasks import record_effect

pytestmark = pytest.mark.django_db


def test_run_once_runs_the_block_the_first_time_only():
    with run_once("invoice-reminder:42") as first_time:
        assert first_time is True
    with run_once("invoice-reminder:42") as first_time:
        assert first_time is False

    assert JobEffect.objects.filter(key="invoice-reminder:42").count() == 1


def test_block_that_raises_leaves_nothing_recorded():
    with pytest.raises(ZeroDivisionError), run_once("ledger:7"):
        1 / 0  # noqa: B018

    assert not JobEffect.objects.exists()
    with run_once("ledger:7") as first_time:
        assert first_time is True


def test_effect_names_the_job_that_recorded_it():
    job = record_effect.enqueue("unused")

    with job_context(uuid.UUID(job.id)), run_once("with-job"):
        pass

    assert JobEffect.objects.get(key="with-job").job_id == uuid.UUID(job.id)


def test_key_too_long_is_refused():
    with pytest.raises(ValueError, match="1 to 255 characters"), run_once("x" * 256):
        pass


def test_delivery_is_sent_until_recorded_with_the_same_id_every_time():
    sent = []

    def flaky_send(message_id):
        sent.append(message_id)
        if len(sent) == 1:
            raise ConnectionError("SMTP timeout")

    with pytest.raises(ConnectionError):
        deliver_at_least_once("welcome-mail:9", send=flaky_send)
    assert deliver_at_least_once("welcome-mail:9", send=flaky_send) is True
    assert deliver_at_least_once("welcome-mail:9", send=flaky_send) is False

    assert sent == [delivery_id("welcome-mail:9")] * 2
    assert delivery_id("welcome-mail:9") != delivery_id("welcome-mail:10")
