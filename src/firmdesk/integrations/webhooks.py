"""Webhooks (issue 21): events recorded with the change, sent at least once.

``on_domain_event`` (subscribed to ``notify.hooks``) runs inside the
transaction of the change: for each live endpoint of the firm that chose the
event, and whose owner may see what it is about, it records a
``WebhookDelivery`` with the payload, then enqueues its sending once the
transaction commits. The sending itself, its retries and the disabling of a
failing endpoint are in ``integrations.delivery`` and ``integrations.tasks``.

Signing: ``FirmDesk-Signature: t=<unix time>,v1=<hex HMAC-SHA256>`` over
``"<t>.<body>"`` with the endpoint's secret, beside ``FirmDesk-Delivery`` (the
delivery id, the same on every retry) and ``FirmDesk-Event``.
"""

import hashlib
import hmac
import json
import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.notify.hooks import DomainEvent

from .models import WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "FirmDesk-Signature"
DELIVERY_HEADER = "FirmDesk-Delivery"
EVENT_HEADER = "FirmDesk-Event"


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def body_of(delivery: WebhookDelivery) -> bytes:
    """The bytes sent: the same on every retry of the delivery."""
    return json.dumps(
        delivery.payload, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")
    ).encode()


def describe(obj) -> dict:
    """What a payload says of the object: its kind, id and a few facts.

    Kept short on purpose: the receiver fetches the rest through the API with
    its own token, where the access rule applies to it.
    """
    data = {
        "type": obj._meta.model_name,
        "id": str(getattr(obj, "public_id", obj.pk)),
    }
    for name in ("title", "status", "number", "name", "kind"):
        value = getattr(obj, name, None)
        if isinstance(value, str | int) and not callable(value):
            data[name] = value
    return data


def _endpoint_may_hear(endpoint: WebhookEndpoint, event: DomainEvent) -> bool:
    """The endpoint's owner must still be an admin of the firm, not screened
    from the event's matter: a payload goes only where its owner may look."""
    scope = resolve_scope(endpoint.created_by, event.firm)
    if scope is None or not scope.is_firm_admin:
        return False
    return event.matter is None or scope.can_see_matter(event.matter)


def on_domain_event(event: DomainEvent) -> list[WebhookDelivery]:
    endpoints = [
        e
        for e in WebhookEndpoint.objects.for_firm(event.firm)
        .filter(is_active=True)
        .select_related("created_by")
        if event.name in e.events
    ]
    made = []
    now = timezone.now()
    for endpoint in endpoints:
        if not _endpoint_may_hear(endpoint, event):
            continue
        delivery = WebhookDelivery(
            firm=event.firm,
            endpoint=endpoint,
            event=event.name,
            matter=event.matter,
            next_attempt_at=now,
            payload={},
        )
        delivery.payload = {
            "id": str(delivery.public_id),
            "event": event.name,
            "created_at": now.isoformat(),
            "firm": event.firm.slug,
            "data": {**describe(event.obj), **event.data},
        }
        delivery.save()
        made.append(delivery)
    if made:
        from .tasks import deliver_webhook

        ids = [d.pk for d in made]
        transaction.on_commit(
            lambda: [deliver_webhook.enqueue(pk) for pk in ids], robust=True
        )
    return made
