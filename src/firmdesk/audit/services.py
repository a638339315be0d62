from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import AuditChainHead, AuditEvent


def audit_record(
    *,
    org,
    actor,
    action: str,
    obj=None,
    matter=None,
    summary: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to the organisation's chain.

    Call inside the service's ``transaction.atomic`` so the event and the change
    commit together or not at all. The chain head row is locked, which
    serialises appends per organisation on PostgreSQL (SQLite's IMMEDIATE
    transactions already serialise writers).
    """
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(org=org)
        event = AuditEvent(
            org=org,
            seq=head.seq + 1,
            at=timezone.now().replace(microsecond=0),
            actor=actor if actor is not None and actor.pk else None,
            actor_label=(actor.email if actor is not None and actor.pk else "system"),
            action=action,
            object_type=obj._meta.label if obj is not None else "",
            object_id=str(getattr(obj, "public_id", getattr(obj, "pk", "")) or "")
            if obj is not None
            else "",
            matter_id=str(matter.public_id) if matter is not None else "",
            summary=summary[:300],
            detail=detail or {},
            prev_hash=head.last_hash,
        )
        event.hash = event.compute_hash()
        event.save()
        head.seq = event.seq
        head.last_hash = event.hash
        head.save(update_fields=["seq", "last_hash"])
    return event


@dataclass
class VerifyResult:
    checked: int
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_verify(*, org) -> VerifyResult:
    """Walk the chain in order; report altered, missing or re-linked events."""
    problems: list[str] = []
    prev_hash = ""
    expected_seq = 1
    checked = 0
    for event in AuditEvent.objects.filter(org=org).order_by("seq").iterator():
        checked += 1
        if event.seq != expected_seq:
            problems.append(
                f"Events {expected_seq}–{event.seq - 1} are missing (deleted)."
            )
        if event.prev_hash != prev_hash:
            problems.append(
                f"Event {event.seq} does not follow the event before it "
                "(an earlier event was changed or removed)."
            )
        if event.compute_hash() != event.hash:
            problems.append(
                f"Event {event.seq} ({event.action}, {event.at:%Y-%m-%d %H:%M} UTC) "
                "was altered after it was written."
            )
        prev_hash = event.hash
        expected_seq = event.seq + 1
    head = AuditChainHead.objects.filter(org=org).first()
    if head is not None and head.seq != expected_seq - 1:
        problems.append(
            f"The newest {head.seq - expected_seq + 1} event(s) after event "
            f"{expected_seq - 1} are missing (deleted)."
        )
    if (
        head is not None
        and head.last_hash != prev_hash
        and head.seq == expected_seq - 1
    ):
        problems.append("The newest event does not match the chain head.")
    return VerifyResult(checked=checked, problems=problems)
