"""Background jobs of the integrations: sending webhook deliveries."""

from django_tasks import task

from firmdesk.access.system import sweep
from firmdesk.jobs.schedule import due_work

from .models import WebhookDelivery


@task()
def deliver_webhook(delivery_pk: int) -> str:
    """One attempt at sending a delivery (``integrations.delivery``)."""
    from .delivery import attempt_delivery

    return attempt_delivery(delivery_pk)


@due_work
def webhook_deliveries_due(now):
    """Every waiting delivery whose attempt is due, under the key its enqueue
    used (``webhooks.due_attempt``): an attempt whose enqueue was lost is
    found here within a minute, one already enqueued is skipped."""
    from .webhooks import due_attempt

    waiting = (
        sweep(WebhookDelivery)
        .filter(
            status=WebhookDelivery.Status.PENDING,
            endpoint__is_active=True,
            next_attempt_at__lte=now,
        )
        .only("pk", "next_attempt_at")
        .order_by("next_attempt_at")
    )
    for delivery in waiting.iterator():
        yield due_attempt(delivery)
