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


@dataclass(frozen=True)
class Finding:
    """One break in the chain, naming the events it concerns: ``event_ids``
    are their database ids (rows still there), ``seqs`` their numbers in the
    chain (a deleted event has a number but no row any more)."""

    kind: str  # altered | missing | relinked | head
    message: str
    seqs: tuple[int, ...]
    event_ids: tuple[int, ...] = ()

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "message": self.message,
            "seqs": list(self.seqs),
            "event_ids": list(self.event_ids),
        }


@dataclass
class VerifyResult:
    checked: int
    findings: list[Finding]

    @property
    def problems(self) -> list[str]:
        return [finding.message for finding in self.findings]

    @property
    def ok(self) -> bool:
        return not self.findings


def describe_event(event: AuditEvent) -> str:
    """The event as it reads in the database now: number, row id, time,
    action, who and what it was about, enough to find it on the audit page."""
    about = f", on {event.object_type} {event.object_id}" if event.object_id else ""
    matter = f", matter {event.matter_id}" if event.matter_id else ""
    who = event.actor_label or "system"
    return (
        f"event {event.seq} (database id {event.pk}; "
        f"{event.at:%Y-%m-%d %H:%M:%S} UTC, {event.action} by {who}{about}{matter})"
    )


def _seq_range(first: int, last: int) -> str:
    return f"event {first}" if first == last else f"events {first}–{last}"


def audit_verify(*, org) -> VerifyResult:
    """Walk the organisation's chain in the order it was written and name
    every event that was altered, removed or re-linked.

    Each event's hash covers its content and the previous event's hash, so:

    - an event whose content no longer gives its stored hash was changed
      (any field, its ``prev_hash`` and ``hash`` included);
    - an event whose ``prev_hash`` is not the stored hash of the event before
      it follows a removed event, unless an event already named as altered
      explains the break (its stored hash was overwritten, or its own
      ``prev_hash`` was);
    - the chain head keeps the newest number and hash, so removing the newest
      events shows too.

    Events are walked in insertion order (their database ids, which follow
    their numbers: appends are serialised per organisation), so a changed
    number is named as an altered event rather than reordering the chain.
    """
    findings: list[Finding] = []
    previous: AuditEvent | None = None
    previous_altered = False
    # The number the chain has reached: an altered event's own number is not
    # trusted (it may be the field that was changed), so it counts as one on.
    reached = 0
    checked = 0
    for event in AuditEvent.objects.filter(org=org).order_by("pk").iterator():
        checked += 1
        altered = event.compute_hash() != event.hash
        if altered:
            findings.append(
                Finding(
                    kind="altered",
                    message=f"{_cap(describe_event(event))} was altered after it "
                    "was written: its content no longer matches its hash.",
                    seqs=(event.seq,),
                    event_ids=(event.pk,),
                )
            )
        if event.prev_hash != (previous.hash if previous is not None else ""):
            # Explained by the event before: its stored hash was overwritten.
            overwritten = (
                previous is not None
                and previous_altered
                and previous.compute_hash() == event.prev_hash
            )
            if not overwritten and event.seq > reached + 1:
                findings.append(_missing(reached + 1, event.seq - 1, previous, event))
            elif not overwritten and not altered:
                findings.append(_relinked(previous, event))
        reached = reached + 1 if altered else event.seq
        previous, previous_altered = event, altered
    findings.extend(_head_findings(org, previous, previous_altered, reached))
    return VerifyResult(checked=checked, findings=findings)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _missing(first: int, last: int, before, after) -> Finding:
    where = f"after {describe_event(before)}" if before is not None else "at the start"
    verb = "is" if first == last else "are"
    return Finding(
        kind="missing",
        message=f"{_cap(_seq_range(first, last))} {verb} missing (deleted), "
        f"{where} and before {describe_event(after)}.",
        seqs=tuple(range(first, last + 1)),
    )


def _relinked(before, event) -> Finding:
    if before is None:
        return Finding(
            kind="relinked",
            message=f"{_cap(describe_event(event))} claims an earlier event, but "
            "it is the first event of the trail: the events before it were "
            "removed and the rest renumbered.",
            seqs=(event.seq,),
            event_ids=(event.pk,),
        )
    return Finding(
        kind="relinked",
        message=f"{_cap(describe_event(event))} does not follow "
        f"{describe_event(before)}: the earlier one was rewritten together with "
        "its hash, or events between them were removed and the rest renumbered.",
        seqs=(before.seq, event.seq),
        event_ids=(before.pk, event.pk),
    )


def _head_findings(org, newest, newest_altered: bool, reached: int) -> list:
    head = AuditChainHead.objects.filter(org=org).first()
    if head is None:
        return []
    if head.seq > reached:
        after = f" after {describe_event(newest)}" if newest is not None else ""
        verb = "is" if head.seq == reached + 1 else "are"
        return [
            Finding(
                kind="missing",
                message=f"The newest {_seq_range(reached + 1, head.seq)} {verb} "
                f"missing (deleted){after}.",
                seqs=tuple(range(reached + 1, head.seq + 1)),
            )
        ]
    explained = newest_altered and newest.compute_hash() == head.last_hash
    if newest is not None and head.last_hash != newest.hash and not explained:
        return [
            Finding(
                kind="head",
                message=f"The newest event, {describe_event(newest)}, does not "
                "match the chain head: it was rewritten together with its hash.",
                seqs=(newest.seq,),
                event_ids=(newest.pk,),
            )
        ]
    return []
