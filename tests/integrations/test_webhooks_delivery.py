"""Sending deliveries to a real receiver on 127.0.0.1: signed, retried with
backoff, never lost, and an endpoint that keeps failing is disabled and its
people told."""

import datetime

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from firmdesk.access.scope import resolve_scope
from firmdesk.common.errors import ServiceError
from firmdesk.integrations import delivery as sending
from firmdesk.integrations import webhooks
from firmdesk.integrations.models import WebhookAttempt, WebhookDelivery
from firmdesk.integrations.tasks import webhook_deliveries_due
from firmdesk.jobs.schedule import Schedule
from firmdesk.notify.models import Notification
from tests import factories as f

from .conftest import make_endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def hooked(firm, firm_admin, receiver):
    endpoint, secret = make_endpoint(
        firm_admin, firm, ["task.approved"], url=receiver.url
    )
    receiver.secret = secret
    return endpoint


def send_test(endpoint, user):
    return webhooks.endpoint_send_test(
        scope=resolve_scope(user, endpoint.firm), endpoint=endpoint
    )


def fresh(row):
    row.refresh_from_db()
    return row


def wait_passed(delivery):
    """The backoff wait is over (instead of sleeping through it)."""
    WebhookDelivery.objects.for_firm(delivery.firm).filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def delivery_jobs():
    return DBTaskResult.objects.filter(task_path__endswith="deliver_webhook")


def test_a_delivery_arrives_signed_with_its_id_and_event(hooked, firm_admin, receiver):
    delivery = send_test(hooked, firm_admin)

    assert sending.attempt_delivery(delivery.pk) == "delivered"

    ((delivery_id, event, signature_ok, payload),) = receiver.received
    assert signature_ok
    assert (delivery_id, event) == (str(delivery.public_id), "webhook.test")
    assert payload["id"] == delivery_id
    assert payload["data"]["sent_by"] == "admin@hale.test"
    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        "delivered",
        1,
        200,
    )
    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert (attempt.number, attempt.status_code) == (1, 200)
    assert attempt.response_excerpt == '{"ok": true}'


def test_a_signature_made_with_another_secret_does_not_verify(hooked, firm_admin):
    from .conftest import verify

    delivery = send_test(hooked, firm_admin)
    body = webhooks.body_of(delivery)
    header = webhooks.signature(
        "whsec_someone_else", int(timezone.now().timestamp()), body
    )

    assert not verify(hooked.secret, header, body)
    assert not verify(hooked.secret, header.replace("t=", "t=1"), body)


def test_a_500_then_a_200_makes_two_attempts_with_one_delivery_id(
    hooked, firm_admin, receiver, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 200]
    delivery = send_test(hooked, firm_admin)
    hooked.failures_in_a_row = 0

    with django_capture_on_commit_callbacks(execute=True):
        assert sending.attempt_delivery(delivery.pk) == "retrying"

    delivery = fresh(delivery)
    assert delivery.status == "pending"
    wait = delivery.next_attempt_at - timezone.now()
    assert datetime.timedelta(seconds=10) < wait <= datetime.timedelta(seconds=30)
    (retry,) = delivery_jobs()
    assert retry.run_after == delivery.next_attempt_at
    assert fresh(hooked).failures_in_a_row == 1
    # The same job again, early (a worker recovered it): nothing is sent.
    assert sending.attempt_delivery(delivery.pk) == "skipped"

    wait_passed(delivery)
    assert sending.attempt_delivery(delivery.pk) == "delivered"

    assert receiver.ids() == [str(delivery.public_id)] * 2
    assert all(ok for _, _, ok, _ in receiver.received)
    assert list(
        WebhookAttempt.objects.filter(delivery=delivery).values_list(
            "number", "status_code"
        )
    ) == [(1, 500), (2, 200)]
    assert fresh(hooked).failures_in_a_row == 0


def test_waits_double_up_to_the_cap_with_jitter(settings):
    settings.FIRMDESK_WEBHOOK_BACKOFF_SECONDS = 30
    for attempt, ceiling in [
        (1, 30),
        (2, 60),
        (3, 120),
        (12, sending.BACKOFF_CAP_SECONDS),
    ]:
        wait = sending.next_wait(attempt).total_seconds()
        assert ceiling / 2 <= wait <= ceiling


def test_a_delivery_gives_up_after_the_last_attempt(
    hooked, firm_admin, receiver, settings
):
    settings.FIRMDESK_WEBHOOK_MAX_ATTEMPTS = 2
    receiver.answers = [503]
    delivery = send_test(hooked, firm_admin)

    assert sending.attempt_delivery(delivery.pk) == "retrying"
    wait_passed(delivery)
    assert sending.attempt_delivery(delivery.pk) == "failed"

    delivery = fresh(delivery)
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (
        "failed",
        2,
        None,
    )
    assert fresh(hooked).is_active


def test_an_unreachable_receiver_is_logged_as_an_error(firm, firm_admin, receiver):
    endpoint, _ = make_endpoint(firm_admin, firm, ["task.approved"], url=receiver.url)
    receiver.stop()
    delivery = send_test(endpoint, firm_admin)

    assert sending.attempt_delivery(delivery.pk) == "retrying"

    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("Could not reach the receiver")


def test_repeated_failures_disable_the_endpoint_and_tell_its_admins(
    hooked, firm, firm_admin, receiver, settings
):
    settings.FIRMDESK_WEBHOOK_DISABLE_AFTER = 3
    settings.FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS = 0
    receiver.answers = [500]
    other_admin = f.member(firm, ["firm_admin"], email="it@hale.test")
    first, second = send_test(hooked, firm_admin), send_test(hooked, firm_admin)
    waiting = send_test(hooked, firm_admin)
    WebhookDelivery.objects.for_firm(firm).filter(pk=waiting.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(hours=1)
    )

    assert sending.attempt_delivery(first.pk) == "retrying"
    assert sending.attempt_delivery(second.pk) == "retrying"
    wait_passed(first)
    assert sending.attempt_delivery(first.pk) == "disabled"

    hooked = fresh(hooked)
    assert not hooked.is_active
    assert "3 failed attempts in a row" in hooked.disabled_reason
    assert "answered 500" in hooked.disabled_reason
    statuses = {fresh(d).status for d in (first, second, waiting)}
    assert statuses == {"cancelled"}
    told = Notification.objects.filter(kind="webhook.disabled")
    assert {n.user for n in told} == {firm_admin, other_admin}
    assert all(n.email for n in told)
    assert hooked.url in told[0].body
    # Nothing more goes out to a disabled endpoint.
    assert sending.attempt_delivery(second.pk) == "skipped"
    assert len(receiver.received) == 3


def test_a_receiver_that_answered_lately_is_not_disabled_by_a_burst_of_failures(
    hooked, firm, firm_admin, receiver, settings
):
    """A night's maintenance with a busy queue: many failures in a row, but
    the receiver worked an hour ago, so its deliveries keep their retries."""
    settings.FIRMDESK_WEBHOOK_DISABLE_AFTER = 2
    settings.FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS = 24
    receiver.answers = [200, 500]
    assert sending.attempt_delivery(send_test(hooked, firm_admin).pk) == "delivered"
    WebhookAttempt.objects.filter(delivery__endpoint=hooked).update(
        created_at=timezone.now() - datetime.timedelta(hours=1)
    )
    receiver.answers = [500]
    first, second = send_test(hooked, firm_admin), send_test(hooked, firm_admin)

    assert sending.attempt_delivery(first.pk) == "retrying"
    assert sending.attempt_delivery(second.pk) == "retrying"

    hooked = fresh(hooked)
    assert hooked.is_active and hooked.failures_in_a_row == 2
    WebhookAttempt.objects.filter(delivery__endpoint=hooked).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )
    wait_passed(first)
    assert sending.attempt_delivery(first.pk) == "disabled"


def test_a_lost_enqueue_is_found_by_the_sweep_once(hooked, firm_admin):
    delivery = send_test(hooked, firm_admin)  # its on_commit enqueue never ran
    schedule = Schedule()
    schedule.due_work(webhook_deliveries_due)

    assert schedule.enqueue_due() == 1
    assert schedule.enqueue_due() == 0
    (job,) = delivery_jobs()
    assert job.args_kwargs["args"] == [delivery.pk]


def test_the_sweep_skips_what_the_commit_already_enqueued(
    hooked, firm_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_test(hooked, firm_admin)
    schedule = Schedule()
    schedule.due_work(webhook_deliveries_due)

    assert schedule.enqueue_due() == 0
    assert delivery_jobs().count() == 1


def test_a_failed_delivery_is_sent_again_with_the_same_id(
    hooked, firm_admin, receiver, settings
):
    settings.FIRMDESK_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.answers = [500, 200]
    delivery = send_test(hooked, firm_admin)
    assert sending.attempt_delivery(delivery.pk) == "failed"

    webhooks.delivery_redeliver(
        scope=resolve_scope(firm_admin, hooked.firm), endpoint=hooked, delivery=delivery
    )
    assert sending.attempt_delivery(delivery.pk) == "delivered"

    assert receiver.ids() == [str(delivery.public_id)] * 2
    assert fresh(delivery).status == "delivered"


# --- Where FirmDesk refuses to send -------------------------------------------


@pytest.mark.parametrize(
    "url, words",
    [
        ("http://hooks.example.com/in", "https://"),
        ("https://127.0.0.1/in", "private or local network"),
        ("https://169.254.169.254/latest/meta-data", "private or local network"),
        ("https://10.1.2.3:8443/in", "private or local network"),
        ("https://[::1]/in", "private or local network"),
        ("ftp://files.example.com/", "web address"),
    ],
)
def test_private_addresses_and_plain_http_are_refused(
    firm, firm_admin, settings, url, words
):
    settings.FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(ServiceError, match=words) as refused:
        make_endpoint(firm_admin, firm, ["task.approved"], url=url)

    assert refused.value.field == "url"


def test_an_address_that_turned_private_is_not_sent_to(
    hooked, firm_admin, receiver, settings
):
    delivery = send_test(hooked, firm_admin)
    settings.FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    assert sending.attempt_delivery(delivery.pk) == "retrying"

    assert receiver.received == []
    (attempt,) = WebhookAttempt.objects.filter(delivery=delivery)
    assert "https://" in attempt.error
