"""Sending a webhook delivery, its retries with backoff, and disabling an
endpoint that keeps failing (issue 21).

One job (``tasks.deliver_webhook``) is one attempt, in three steps:

1. a short transaction reads the delivery: still waiting, its endpoint still
   on, its time come (a job left over from an earlier attempt finds a later
   time and stops);
2. the POST, outside any transaction: a receiver that takes ten seconds must
   not hold a database lock (on SQLite, every writer) for ten seconds;
3. a second transaction records the attempt and decides: delivered; another
   attempt after a growing wait, enqueued with ``run_after`` under its
   schedule key; failed for good after ``FIRMDESK_WEBHOOK_MAX_ATTEMPTS``; and
   after ``FIRMDESK_WEBHOOK_DISABLE_AFTER`` failed attempts in a row, with no
   success for ``FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS``, the endpoint is
   disabled and its owner and the firm's other admins are told.

At least once: a worker killed between 2 and 3 leaves the delivery waiting and
its job RUNNING; the worker that recovers the job sends it again, with the
same ``FirmDesk-Delivery`` id and body. The receiver drops the repeat.
"""

import datetime
import http.client
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from firmdesk.access.system import job_row
from firmdesk.common.errors import ServiceError
from firmdesk.jobs.schedule import enqueue_once
from firmdesk.jobs.worker import retry_delay
from firmdesk.notify.services import notify
from firmdesk.orgs.models import Membership

from . import webhooks
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# The longest wait between two attempts of one delivery.
BACKOFF_CAP_SECONDS = 6 * 3600
# What the log keeps of a receiver's answer.
EXCERPT_BYTES = 2048
USER_AGENT = "FirmDesk-Webhooks/1"

Status = WebhookDelivery.Status


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    excerpt: str = ""
    error: str = ""
    duration_ms: int = 0

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class _Send:
    """What step 2 needs, read in step 1 so the POST holds no row."""

    delivery_pk: int
    endpoint_pk: int
    url: str
    secret: str
    event: str
    delivery_id: str
    body: bytes


def attempt_delivery(delivery_pk: int) -> str:
    """One attempt at sending a delivery; returns what happened, in a word."""
    send = _ready(delivery_pk)
    if send is None:
        return "skipped"
    outcome = post(send)
    return _record(send, outcome)


def _ready(delivery_pk: int) -> _Send | None:
    with transaction.atomic():
        delivery = job_row(WebhookDelivery, delivery_pk, related=("endpoint",))
        if delivery is None or delivery.status != Status.PENDING:
            return None
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            return None
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
            # A job of an attempt that was already made: the next one waits
            # for its own time, under its own key.
            return None
        return _Send(
            delivery_pk=delivery.pk,
            endpoint_pk=endpoint.pk,
            url=endpoint.url,
            secret=endpoint.secret,
            event=delivery.event,
            delivery_id=str(delivery.public_id),
            body=webhooks.body_of(delivery),
        )


def headers_for(send: _Send, *, now: float | None = None) -> dict[str, str]:
    timestamp = int(now if now is not None else time.time())
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        webhooks.SIGNATURE_HEADER: webhooks.signature(
            send.secret, timestamp, send.body
        ),
        webhooks.DELIVERY_HEADER: send.delivery_id,
        webhooks.EVENT_HEADER: send.event,
    }


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address checked by ``webhooks.resolve_receiver``, not to
    whatever the name resolves to a moment later."""

    def __init__(self, host, *, address: str, **kwargs):
        super().__init__(host, **kwargs)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection(
            (self._address, self.port), self.timeout, self.source_address
        )


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host, *, address: str, **kwargs):
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self):
        sock = socket.create_connection(
            (self._address, self.port), self.timeout, self.source_address
        )
        # The certificate is checked against the name in the address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(send: _Send) -> Outcome:
    """POST the delivery to its endpoint; never raises for the receiver's sake.

    Redirects are not followed: the endpoint's address is the one its admin
    gave and FirmDesk checked.
    """
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        addresses = webhooks.resolve_receiver(send.url)
    except ServiceError as error:
        return Outcome(None, error=error.message[:500], duration_ms=took())
    parts = urlsplit(send.url)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    connection_class = (
        _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    )
    host = parts.hostname or ""
    connection = connection_class(
        # http.client takes an IPv6 literal in brackets, as in the address.
        f"[{host}]" if ":" in host else host,
        address=addresses[0],
        port=parts.port,
        timeout=settings.FIRMDESK_WEBHOOK_TIMEOUT_SECONDS,
    )
    try:
        connection.request("POST", path, body=send.body, headers=headers_for(send))
        response = connection.getresponse()
        excerpt = response.read(EXCERPT_BYTES)
        return Outcome(
            response.status,
            excerpt=excerpt.decode("utf-8", errors="replace"),
            duration_ms=took(),
        )
    except TimeoutError:
        return Outcome(
            None,
            error=f"No answer within {settings.FIRMDESK_WEBHOOK_TIMEOUT_SECONDS:g} "
            "seconds.",
            duration_ms=took(),
        )
    except (OSError, http.client.HTTPException) as error:
        return Outcome(
            None,
            error=f"Could not reach the receiver: {error}"[:500],
            duration_ms=took(),
        )
    finally:
        connection.close()


def next_wait(attempts: int) -> datetime.timedelta:
    """The wait after failed attempt number ``attempts``: the base doubled each
    time, capped, half of it random so a receiver's outage does not bring
    every delivery back in the same second."""
    return datetime.timedelta(
        seconds=retry_delay(
            attempts,
            base=settings.FIRMDESK_WEBHOOK_BACKOFF_SECONDS,
            cap=BACKOFF_CAP_SECONDS,
        )
    )


def _record(send: _Send, outcome: Outcome) -> str:
    now = timezone.now()
    with transaction.atomic():
        delivery = job_row(WebhookDelivery, send.delivery_pk, for_update=True)
        endpoint = job_row(WebhookEndpoint, send.endpoint_pk, for_update=True)
        if delivery is None or endpoint is None:
            return "gone"
        number = WebhookAttempt.objects.filter(delivery=delivery).count() + 1
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=number,
            status_code=outcome.status_code,
            response_excerpt=outcome.excerpt,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
        )
        if delivery.status != Status.PENDING:
            # Cancelled (the endpoint was disabled) while the POST was out:
            # the attempt is logged, nothing else changes.
            return "logged"
        delivery.attempts += 1
        delivery.last_status_code = outcome.status_code
        if outcome.succeeded:
            delivery.status = Status.DELIVERED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            endpoint.failures_in_a_row = 0
            result = "delivered"
        else:
            endpoint.failures_in_a_row += 1
            if delivery.attempts >= settings.FIRMDESK_WEBHOOK_MAX_ATTEMPTS:
                delivery.status = Status.FAILED
                delivery.next_attempt_at = None
                result = "failed"
            else:
                delivery.next_attempt_at = now + next_wait(delivery.attempts)
                result = "retrying"
        delivery.save(
            update_fields=[
                "status",
                "attempts",
                "last_status_code",
                "delivered_at",
                "next_attempt_at",
                "updated_at",
            ]
        )
        endpoint.save(update_fields=["failures_in_a_row", "updated_at"])
        if result == "retrying":
            retry = webhooks.due_attempt(delivery)
            transaction.on_commit(lambda: enqueue_once(retry), robust=True)
        if (
            not outcome.succeeded
            and endpoint.is_active
            and endpoint.failures_in_a_row >= settings.FIRMDESK_WEBHOOK_DISABLE_AFTER
            and _failing_for_long(endpoint, now)
        ):
            _disable_for_failures(endpoint, outcome)
            result = "disabled"
    logger.info(
        "Webhook delivery %s (%s) attempt %d to %s: %s",
        send.delivery_id,
        send.event,
        number,
        send.url,
        result,
    )
    return result


def _failing_for_long(endpoint: WebhookEndpoint, now) -> bool:
    """Nothing reached the receiver for ``FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS``
    (counted from its last success, or from when it was added): a receiver
    down for a night's maintenance with a busy queue piles up failures fast,
    and must not lose its deliveries for that."""
    last_success = WebhookAttempt.objects.filter(
        delivery__endpoint=endpoint, status_code__gte=200, status_code__lt=300
    ).aggregate(at=Max("created_at"))["at"]
    since = last_success or endpoint.created_at
    hours = settings.FIRMDESK_WEBHOOK_DISABLE_AFTER_HOURS
    return now - since >= datetime.timedelta(hours=hours)


def _why(outcome: Outcome) -> str:
    if outcome.status_code is not None:
        return f"it answered {outcome.status_code}"
    return outcome.error.rstrip(".")


def _disable_for_failures(endpoint: WebhookEndpoint, outcome: Outcome) -> None:
    from firmdesk.audit.services import audit_record

    reason = (
        f"Disabled after {endpoint.failures_in_a_row} failed attempts in a row; "
        f"the last: {_why(outcome)}"
    )
    cancelled = webhooks.disable(endpoint, reason=reason)
    audit_record(
        org=endpoint.firm,
        actor=None,
        action="webhook.endpoint_disabled",
        obj=endpoint,
        summary=f"Disabled webhook {endpoint.url} after "
        f"{endpoint.failures_in_a_row} failed attempts in a row"[:300],
        detail={"cancelled": cancelled, "last": _why(outcome)[:200]},
    )
    url = webhooks.endpoint_url(endpoint)
    stamp = f"{endpoint.disabled_at:%Y%m%dT%H%M%S%f}"
    for user in _owner_and_admins(endpoint):
        notify(
            user=user,
            firm=endpoint.firm,
            kind="webhook.disabled",
            title=f"Webhook disabled: {endpoint.url}"[:200],
            body=(
                f"FirmDesk stopped sending events to {endpoint.url} after "
                f"{endpoint.failures_in_a_row} failed attempts in a row (the last: "
                f"{_why(outcome)}). {cancelled} waiting deliveries were cancelled. "
                "Fix the receiver, then enable the endpoint again and resend "
                "what it missed from its delivery log."
            ),
            url=url,
            about=endpoint,
            key=f"webhook-disabled:{endpoint.pk}:{user.pk}:{stamp}",
        )


def _owner_and_admins(endpoint: WebhookEndpoint) -> list:
    admins = [
        m.user
        for m in Membership.objects.filter(
            organization=endpoint.firm, is_active=True, user__is_active=True
        ).select_related("user")
        if "firm_admin" in m.roles
    ]
    people = {endpoint.created_by_id: endpoint.created_by}
    people.update({u.pk: u for u in admins})
    return list(people.values())
