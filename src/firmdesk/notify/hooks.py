"""Domain events for the outside world (issue 21): what happened, told once.

A service that does something an integration may want to hear about (a task
approved, a lead received, an invoice sent) calls ``publish`` inside its own
transaction. Subscribers (the webhooks, in ``integrations``) record what they
will send in that same transaction, so an event is never lost when the change
commits and never sent when it rolls back. This module imports no app: apps
above register their subscriber from ``AppConfig.ready``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The events an integration may subscribe to: name → what it means, in words
# a firm admin reads when choosing them.
EVENTS: dict[str, str] = {
    "task.submitted": "A task was handed in for review",
    "task.approved": "A reviewer approved a task",
    "task.returned": "A reviewer returned a task for changes",
    "lead.created": "A new lead came in (web form, call or typed in)",
    "matter.opened": "A matter was opened after its conflict check",
    "deadline.created": "A court deadline was added to the calendar",
    "invoice.sent": "An invoice was sent to the client",
    "payment.received": "A payment was recorded against an invoice",
    "engagement.ended": "An engagement with a support provider ended",
}


@dataclass(frozen=True)
class DomainEvent:
    """``name`` (one of ``EVENTS``) happened to ``obj`` in ``firm``.

    ``matter``: the matter it concerns, if any (ethical screens decide who
    may hear of it); ``data``: extra facts the object does not carry (the
    review's reason, the amount paid).
    """

    name: str
    firm: Any
    obj: Any
    actor: Any = None
    matter: Any = None
    data: dict = field(default_factory=dict)


_SUBSCRIBERS: list[Callable[[DomainEvent], None]] = []


def subscribe(subscriber: Callable[[DomainEvent], None]) -> None:
    if subscriber not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(subscriber)


def publish(name: str, *, firm, obj, actor=None, matter=None, **data) -> None:
    """Tell every subscriber; call inside the transaction of the change."""
    if name not in EVENTS:
        raise ValueError(f"Unknown event {name!r}: add it to notify.hooks.EVENTS.")
    event = DomainEvent(name, firm, obj, actor=actor, matter=matter, data=data)
    for subscriber in _SUBSCRIBERS:
        subscriber(event)
