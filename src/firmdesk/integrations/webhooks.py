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

The rest of this module is what the firm's admins do with their endpoints
(the pages in ``web/integrations`` call it): each write checks the role, runs
in one transaction and is audited.
"""

import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.access.selectors import access_object
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.jobs.schedule import Due, enqueue_once
from firmdesk.notify.hooks import EVENTS, DomainEvent

from .models import WebhookDelivery, WebhookEndpoint

SIGNATURE_HEADER = "FirmDesk-Signature"
DELIVERY_HEADER = "FirmDesk-Delivery"
EVENT_HEADER = "FirmDesk-Event"
# The event of the "send a test event" button; no one subscribes to it.
TEST_EVENT = "webhook.test"
# The key under which each attempt of a delivery is enqueued (jobs.schedule):
# the enqueue after the commit, a retry and the sweep that finds a lost one
# share it, so an attempt is enqueued once.
DUE_KIND = "integrations.webhook-delivery"


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


def _plain(data: dict) -> dict:
    """``data`` as JSON keeps it: dates as ISO 8601 text, amounts as decimal
    text (never a float, which would round a sum of money)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def _endpoint_may_hear(endpoint: WebhookEndpoint, event: DomainEvent) -> bool:
    """The endpoint's owner must still be an admin of the firm, not screened
    from the event's matter: a payload goes only where its owner may look."""
    scope = resolve_scope(endpoint.created_by, event.firm)
    if scope is None or not scope.is_firm_admin:
        return False
    return event.matter is None or scope.can_see_matter(event.matter)


def _payload(delivery: WebhookDelivery, now, data: dict) -> dict:
    return {
        "id": str(delivery.public_id),
        "event": delivery.event,
        "created_at": now.isoformat(),
        "firm": delivery.firm.slug,
        "data": data,
    }


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
    data = _plain({**describe(event.obj), **event.data})
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
        delivery.payload = _payload(delivery, now, data)
        delivery.save()
        made.append(delivery)
    enqueue_after_commit(made)
    return made


def due_attempt(delivery: WebhookDelivery) -> Due:
    """The next attempt of ``delivery`` as scheduled work, keyed by its time."""
    from .tasks import deliver_webhook

    due_at = delivery.next_attempt_at or timezone.now()
    return Due(
        DUE_KIND,
        str(delivery.pk),
        due_at,
        deliver_webhook.using(run_after=due_at),
        (delivery.pk,),
    )


def enqueue_after_commit(deliveries: list[WebhookDelivery]) -> None:
    """Enqueue the next attempt of each delivery once the transaction commits.

    If the enqueue is lost (the process dies first, the queue is down), the
    sweep in ``integrations.tasks`` finds the delivery due and enqueues it
    under the same key: late, never lost and never twice.
    """
    due = [due_attempt(d) for d in deliveries]
    if due:
        transaction.on_commit(lambda: [enqueue_once(d) for d in due], robust=True)


# --- Endpoint addresses ------------------------------------------------------


def allows_private_networks() -> bool:
    return bool(getattr(settings, "FIRMDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS", False))


def _is_public(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def resolve_receiver(url: str) -> list[str]:
    """The IP addresses ``url``'s host resolves to, every one of them allowed.

    Raises ``ServiceError`` (field ``url``) for an address FirmDesk must not
    send to: not https, or a host on a private, loopback, link-local or
    otherwise non-public network, unless the setting allows both. Checked when
    an endpoint is saved and again before every attempt, and the attempt
    connects to an address checked here, so a name that later resolves to an
    inside address (DNS rebinding) is refused too.
    """
    parts = urlsplit(url)
    open_to_private = allows_private_networks()
    allowed_schemes = ("https", "http") if open_to_private else ("https",)
    if parts.scheme not in allowed_schemes or not parts.hostname:
        raise ServiceError(
            "Give an address that starts with https:// (webhooks are sent "
            "encrypted only).",
            field="url",
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ServiceError(
            "The port in the address is not a number from 1 to 65535.", field="url"
        ) from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise ServiceError(
            f"FirmDesk could not find the server “{parts.hostname}”. Check the "
            "address for typos, and that the name is published in DNS.",
            field="url",
        ) from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    if not open_to_private:
        inside = [a for a in addresses if not _is_public(ipaddress.ip_address(a))]
        if inside:
            raise ServiceError(
                f"“{parts.hostname}” is on a private or local network "
                f"({', '.join(inside)}); FirmDesk sends webhooks only to "
                "addresses on the public internet.",
                field="url",
            )
    return addresses


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ServiceError(
            "Give the address FirmDesk should send events to.", field="url"
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ServiceError(
            "That is not a web address; it looks like https://example.com/hooks.",
            field="url",
        ) from None
    if len(url) > WebhookEndpoint._meta.get_field("url").max_length:
        raise ServiceError("The address is longer than 500 characters.", field="url")
    resolve_receiver(url)
    return url


def _clean_events(events) -> list[str]:
    chosen = [e for e in EVENTS if e in set(events or ())]
    unknown = sorted(set(events or ()) - set(EVENTS))
    if unknown:
        raise ServiceError(
            f"Unknown events: {', '.join(unknown)}. Choose from {', '.join(EVENTS)}.",
            field="events",
        )
    if not chosen:
        raise ServiceError("Choose at least one event to send.", field="events")
    return chosen


# --- What the firm's admins do ------------------------------------------------


def may_manage(scope) -> bool:
    return scope is not None and scope.is_firm_admin


def _require_admin(scope) -> None:
    if not may_manage(scope):
        raise ServiceError("Only the firm's admins set up webhooks.")


def access_endpoint(scope, public_id, *, for_write=False) -> WebhookEndpoint:
    return access_object(WebhookEndpoint, scope, public_id, for_write=for_write)


def access_delivery(scope, endpoint, public_id) -> WebhookDelivery:
    return access_object(
        WebhookDelivery,
        scope,
        public_id,
        queryset=WebhookDelivery.objects.in_scope(scope).filter(endpoint=endpoint),
    )


def endpoints_for(scope):
    """The firm's endpoints, each with its last delivery the viewer may see
    (``last_event``, ``last_status``, ``last_at``), in one query."""
    last = (
        WebhookDelivery.objects.in_scope(scope)
        .filter(endpoint=OuterRef("pk"))
        .order_by("-created_at")
    )
    return (
        WebhookEndpoint.objects.in_scope(scope)
        .select_related("created_by")
        .annotate(
            last_event=Subquery(last.values("event")[:1]),
            last_status=Subquery(last.values("status")[:1]),
            last_at=Subquery(last.values("created_at")[:1]),
        )
    )


def deliveries_of(scope, endpoint):
    """The endpoint's log, newest first; events about a matter the viewer is
    screened from are left out (``WebhookDelivery.need_to_know``)."""
    return WebhookDelivery.objects.in_scope(scope).filter(endpoint=endpoint)


def endpoint_url(endpoint: WebhookEndpoint) -> str:
    return reverse(
        "webhooks:endpoint_detail",
        kwargs={"firm_slug": endpoint.firm.slug, "endpoint_id": endpoint.public_id},
    )


def _audit(scope, endpoint, action: str, summary: str, **detail) -> None:
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=f"webhook.{action}",
        obj=endpoint,
        summary=summary[:300],
        detail=detail or None,
    )


def endpoint_create(
    *, scope, url: str, description: str = "", events
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint, owned by the admin who made it; returns it and its
    signing secret, which is shown this once."""
    _require_admin(scope)
    url = _clean_url(url)
    events = _clean_events(events)
    secret = new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.create(
            firm=scope.firm,
            url=url,
            description=(description or "").strip()[:200],
            events=events,
            secret=secret,
            created_by=scope.user,
        )
        _audit(
            scope, endpoint, "endpoint_created", f"Added webhook {url}", events=events
        )
    return endpoint, secret


def endpoint_update(
    *, scope, endpoint: WebhookEndpoint, url: str, description: str = "", events
) -> WebhookEndpoint:
    _require_admin(scope)
    url = _clean_url(url)
    events = _clean_events(events)
    with transaction.atomic():
        endpoint = access_endpoint(scope, endpoint.public_id, for_write=True)
        changed = [
            name
            for name, value in (
                ("address", url),
                ("description", (description or "").strip()[:200]),
                ("events", events),
            )
            if getattr(endpoint, "url" if name == "address" else name) != value
        ]
        endpoint.url = url
        endpoint.description = (description or "").strip()[:200]
        endpoint.events = events
        endpoint.save(update_fields=["url", "description", "events", "updated_at"])
        _audit(
            scope,
            endpoint,
            "endpoint_changed",
            f"Changed webhook {url}: {', '.join(changed) or 'nothing'}",
            changed=changed,
            events=events,
        )
    return endpoint


def _cancel_pending(endpoint: WebhookEndpoint) -> int:
    return (
        WebhookDelivery.objects.for_firm(endpoint.firm)
        .filter(endpoint=endpoint, status=WebhookDelivery.Status.PENDING)
        .update(
            status=WebhookDelivery.Status.CANCELLED,
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
    )


def disable(endpoint: WebhookEndpoint, *, reason: str) -> int:
    """Stop an endpoint and cancel what waits to be sent to it; returns how
    many deliveries were cancelled. Call inside a transaction."""
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = reason[:300]
    endpoint.save(
        update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"]
    )
    return _cancel_pending(endpoint)


def endpoint_disable(*, scope, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    _require_admin(scope)
    with transaction.atomic():
        endpoint = access_endpoint(scope, endpoint.public_id, for_write=True)
        if not endpoint.is_active:
            raise ServiceError("This endpoint is already disabled.")
        cancelled = disable(endpoint, reason=f"Disabled by {scope.user.full_name}")
        _audit(
            scope,
            endpoint,
            "endpoint_disabled",
            f"Disabled webhook {endpoint.url}; {cancelled} waiting deliveries "
            "cancelled",
            cancelled=cancelled,
        )
    return endpoint


def endpoint_enable(*, scope, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Send to the endpoint again, from the next event on. What was cancelled
    while it was off stays cancelled; resend it from the log if needed."""
    _require_admin(scope)
    with transaction.atomic():
        endpoint = access_endpoint(scope, endpoint.public_id, for_write=True)
        if endpoint.is_active:
            raise ServiceError("This endpoint is already enabled.")
        endpoint.is_active = True
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
        endpoint.failures_in_a_row = 0
        endpoint.save(
            update_fields=[
                "is_active",
                "disabled_at",
                "disabled_reason",
                "failures_in_a_row",
                "updated_at",
            ]
        )
        _audit(scope, endpoint, "endpoint_enabled", f"Enabled webhook {endpoint.url}")
    return endpoint


def endpoint_roll_secret(*, scope, endpoint: WebhookEndpoint) -> str:
    """A new signing secret, used from the next attempt on (retries too);
    returns it, to be shown once."""
    _require_admin(scope)
    secret = new_secret()
    with transaction.atomic():
        endpoint = access_endpoint(scope, endpoint.public_id, for_write=True)
        endpoint.secret = secret
        endpoint.save(update_fields=["secret", "updated_at"])
        _audit(
            scope,
            endpoint,
            "secret_rolled",
            f"Made a new signing secret for webhook {endpoint.url}",
        )
    return secret


def endpoint_send_test(*, scope, endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A ``webhook.test`` event for the endpoint, logged and retried like any
    other, so the receiver can be checked before real events flow."""
    _require_admin(scope)
    now = timezone.now()
    with transaction.atomic():
        endpoint = access_endpoint(scope, endpoint.public_id, for_write=True)
        if not endpoint.is_active:
            raise ServiceError("Enable the endpoint before sending it a test event.")
        delivery = WebhookDelivery(
            firm=scope.firm,
            endpoint=endpoint,
            event=TEST_EVENT,
            next_attempt_at=now,
            payload={},
        )
        delivery.payload = _payload(
            delivery,
            now,
            {
                "message": "A test event from FirmDesk: if you can read this, "
                "the endpoint works.",
                "sent_by": scope.user.email,
            },
        )
        delivery.save()
        _audit(
            scope,
            endpoint,
            "test_sent",
            f"Sent a test event to webhook {endpoint.url}",
            delivery=str(delivery.public_id),
        )
        enqueue_after_commit([delivery])
    return delivery


def delivery_redeliver(
    *, scope, endpoint: WebhookEndpoint, delivery: WebhookDelivery
) -> WebhookDelivery:
    """Send a failed or cancelled delivery again, with the same delivery id and
    body (the receiver may have seen it), and a fresh round of attempts."""
    _require_admin(scope)
    with transaction.atomic():
        endpoint = access_endpoint(scope, endpoint.public_id, for_write=True)
        delivery = access_object(
            WebhookDelivery,
            scope,
            delivery.public_id,
            for_write=True,
            queryset=deliveries_of(scope, endpoint),
        )
        if not endpoint.is_active:
            raise ServiceError("Enable the endpoint before sending anything again.")
        if delivery.status not in (
            WebhookDelivery.Status.FAILED,
            WebhookDelivery.Status.CANCELLED,
        ):
            raise ServiceError(
                f"This delivery is {delivery.get_status_display().lower()}; only "
                "failed or cancelled ones are sent again."
            )
        delivery.status = WebhookDelivery.Status.PENDING
        delivery.attempts = 0
        # A new due time, so the attempt gets a schedule key of its own.
        delivery.next_attempt_at = timezone.now()
        delivery.save(
            update_fields=["status", "attempts", "next_attempt_at", "updated_at"]
        )
        _audit(
            scope,
            endpoint,
            "redelivered",
            f"Sent {delivery.event} again to webhook {endpoint.url}",
            delivery=str(delivery.public_id),
        )
        enqueue_after_commit([delivery])
    return delivery
