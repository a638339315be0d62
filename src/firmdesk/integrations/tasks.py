"""Background jobs of the integrations: sending webhook deliveries."""

from django_tasks import task


@task()
def deliver_webhook(delivery_pk: int) -> None:
    """Send one delivery (``integrations.delivery.attempt_delivery``)."""
    from .delivery import attempt_delivery

    attempt_delivery(delivery_pk)
