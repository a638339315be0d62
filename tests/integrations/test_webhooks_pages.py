"""The firm admin's webhook pages: adding an endpoint (its secret shown once),
the delivery log with the receiver's answers, resending, rolling the secret."""

import time

import pytest
from django.urls import reverse

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.integrations import delivery as sending
from firmdesk.integrations import webhooks
from firmdesk.integrations.models import WebhookDelivery, WebhookEndpoint
from firmdesk.matters.models import MatterScreen
from firmdesk.web.accounts.reauth import SESSION_KEY
from tests import factories as f

from .conftest import make_endpoint
from .test_webhooks_events import World, approve

pytestmark = pytest.mark.django_db


def url(name, firm, **kwargs):
    return reverse(f"webhooks:{name}", kwargs={"firm_slug": firm.slug, **kwargs})


@pytest.fixture
def admin_client(client, firm_admin):
    f.sign_in(client, firm_admin)
    return client


def endpoints(firm):
    return list(WebhookEndpoint.objects.for_firm(firm))


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(admin_client, firm):
    response = admin_client.post(
        url("endpoint_new", firm),
        {
            "url": "http://127.0.0.1:8000/in",
            "description": "New leads to our CRM",
            "events": ["lead.created", "task.approved"],
        },
    )

    assert response.status_code == 200
    (endpoint,) = endpoints(firm)
    assert endpoint.events == ["task.approved", "lead.created"]
    assert endpoint.secret in response.content.decode()
    assert "will not show it again" in response.content.decode()
    detail = admin_client.get(
        url("endpoint_detail", firm, endpoint_id=endpoint.public_id)
    )
    assert endpoint.secret not in detail.content.decode()
    assert AuditEvent.objects.filter(
        org=firm, action="webhook.endpoint_created"
    ).exists()


def test_a_private_address_is_refused_next_to_the_field_and_kept(
    admin_client, firm, settings
):
    settings.FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False

    response = admin_client.post(
        url("endpoint_new", firm),
        {"url": "https://10.0.0.5/hooks", "events": ["lead.created"]},
    )

    assert response.status_code == 400
    assert "private or local network" in response.context["form"].errors["url"][0]
    assert 'value="https://10.0.0.5/hooks"' in response.content.decode()
    assert endpoints(firm) == []


def test_the_events_are_offered_with_what_they_mean(admin_client, firm):
    body = admin_client.get(url("endpoint_new", firm)).content.decode()

    assert "task.returned: A reviewer returned a task for changes" in body
    assert "payment.received" in body


def test_the_log_shows_each_attempt_and_the_receivers_answer(
    admin_client, firm, firm_admin, receiver
):
    receiver.answers = [500, 200]
    endpoint, receiver.secret = make_endpoint(
        firm_admin, firm, ["task.approved"], url=receiver.url
    )
    delivery = webhooks.endpoint_send_test(
        scope=resolve_scope(firm_admin, firm), endpoint=endpoint
    )
    sending.attempt_delivery(delivery.pk)
    WebhookDelivery.objects.for_firm(firm).filter(pk=delivery.pk).update(
        next_attempt_at=None
    )
    sending.attempt_delivery(delivery.pk)

    log = admin_client.get(url("endpoint_detail", firm, endpoint_id=endpoint.public_id))
    page = admin_client.get(
        url(
            "delivery_detail",
            firm,
            endpoint_id=endpoint.public_id,
            delivery_id=delivery.public_id,
        )
    )

    assert str(delivery.public_id) in log.content.decode()
    body = page.content.decode()
    assert [a.status_code for a in page.context["attempts"]] == [500, 200]
    assert "{&quot;ok&quot;: false}" in body and "Delivered" in body
    # The payload describes client data: opening it is audited like a task page.
    read = AuditEvent.objects.filter(org=firm, action="webhook.delivery_viewed")
    assert [(e.actor, e.object_id) for e in read] == [
        (firm_admin, str(delivery.public_id))
    ]


def test_a_screened_admin_does_not_see_deliveries_about_the_matter(
    client, firm, firm_admin, matter, attorney, assistant, engagement
):
    endpoint, _ = make_endpoint(firm_admin, firm, ["task.approved"])
    approve(World(firm=firm, matter=matter, attorney=attorney, assistant=assistant))
    other_admin = f.member(firm, ["firm_admin"], email="it@hale.test")
    MatterScreen.objects.create(firm=firm, matter=matter, user=other_admin)
    f.sign_in(client, other_admin)

    response = client.get(url("endpoint_detail", firm, endpoint_id=endpoint.public_id))

    assert response.status_code == 200
    assert response.context["log"] == []


def test_a_failed_delivery_is_resent_from_its_page(admin_client, firm, firm_admin):
    endpoint, _ = make_endpoint(firm_admin, firm, ["task.approved"])
    delivery = webhooks.endpoint_send_test(
        scope=resolve_scope(firm_admin, firm), endpoint=endpoint
    )
    WebhookDelivery.objects.for_firm(firm).filter(pk=delivery.pk).update(
        status="failed", attempts=8
    )

    response = admin_client.post(
        url(
            "delivery_redeliver",
            firm,
            endpoint_id=endpoint.public_id,
            delivery_id=delivery.public_id,
        )
    )

    assert response.status_code == 303
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    assert AuditEvent.objects.filter(org=firm, action="webhook.redelivered").exists()


def test_rolling_the_secret_asks_for_the_password_again(admin_client, firm, firm_admin):
    endpoint, old = make_endpoint(firm_admin, firm, ["task.approved"])
    secret_url = url("endpoint_secret", firm, endpoint_id=endpoint.public_id)
    session = admin_client.session
    del session[SESSION_KEY]
    session.save()

    asked = admin_client.get(secret_url)
    assert asked.status_code == 302
    assert asked.url.startswith(reverse("accounts:confirm"))

    session = admin_client.session
    session[SESSION_KEY] = int(time.time())  # the password typed again
    session.save()
    response = admin_client.post(secret_url)

    endpoint.refresh_from_db()
    assert endpoint.secret != old
    assert endpoint.secret in response.content.decode()


def test_the_side_menu_offers_webhooks_to_admins_only(
    client, admin_client, firm, attorney
):
    today = reverse("today:firm_today", args=[firm.slug])
    assert url("endpoint_list", firm) in admin_client.get(today).content.decode()

    f.sign_in(client, attorney)
    assert url("endpoint_list", firm) not in client.get(today).content.decode()
