"""Rows of firm A (and firm B) that registry_integrations_webhooks.py points
at: an endpoint of firm A with a failed delivery, a disabled one, and an
endpoint with a delivery in firm B for the foreign cases."""

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.integrations import webhooks
from firmdesk.integrations.models import WebhookDelivery

__all__ = [
    "webhooks_endpoint",
    "webhooks_delivery",
    "webhooks_disabled_endpoint",
    "webhooks_other_endpoint",
    "webhooks_other_delivery",
]


def _endpoint(admin, firm):
    endpoint, _ = webhooks.endpoint_create(
        scope=resolve_scope(admin, firm),
        url="http://127.0.0.1:9/hooks",
        events=["task.approved"],
    )
    return endpoint


def _failed_delivery(admin, endpoint):
    delivery = webhooks.endpoint_send_test(
        scope=resolve_scope(admin, endpoint.firm), endpoint=endpoint
    )
    WebhookDelivery.objects.for_firm(endpoint.firm).filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED, attempts=8, next_attempt_at=None
    )
    return delivery


@pytest.fixture
def webhooks_endpoint(firm, firm_admin):
    return _endpoint(firm_admin, firm)


@pytest.fixture
def webhooks_delivery(firm_admin, webhooks_endpoint):
    return _failed_delivery(firm_admin, webhooks_endpoint)


@pytest.fixture
def webhooks_disabled_endpoint(firm, firm_admin):
    endpoint = _endpoint(firm_admin, firm)
    return webhooks.endpoint_disable(
        scope=resolve_scope(firm_admin, firm), endpoint=endpoint
    )


@pytest.fixture
def webhooks_other_endpoint(other_firm, outsider):
    return _endpoint(outsider, other_firm)


@pytest.fixture
def webhooks_other_delivery(outsider, webhooks_other_endpoint):
    return _failed_delivery(outsider, webhooks_other_endpoint)
