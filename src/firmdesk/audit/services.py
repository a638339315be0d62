import datetime
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from .models import AuditChainHead, AuditEvent, SealedRead

SEALED = "audit.reads_sealed"
# Reads taken into one seal at most; more wait for the next seal of the run.
SEAL_BATCH = 5000
# Rows looked up per query (SQLite's limit on query variables).
_LOOKUP_CHUNK = 500


def _new_event(org, actor, action, obj, matter, summary, detail) -> AuditEvent:
    known = actor is not None and actor.pk
    return AuditEvent(
        org=org,
        at=timezone.now().replace(microsecond=0),
        actor=actor if known else None,
        actor_label=actor.email if known else "system",
        action=action,
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(getattr(obj, "public_id", getattr(obj, "pk", "")) or "")
        if obj is not None
        else "",
        matter_id=str(matter.public_id) if matter is not None else "",
        summary=summary[:300],
        detail=detail or {},
    )


def _append(head: AuditChainHead, event: AuditEvent) -> AuditEvent:
    """``event`` as the next of the chain whose head is locked, timed now
    (after the wait for the lock) so times follow numbers."""
    event.at = timezone.now().replace(microsecond=0)
    event.seq = head.seq + 1
    event.prev_hash = head.last_hash
    event.hash = event.compute_hash()
    event.save()
    head.seq = event.seq
    head.last_hash = event.hash
    head.save(update_fields=["seq", "last_hash"])
    return event


def _locked_head(org) -> AuditChainHead:
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(org=org)
    return head


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
    transactions already serialise writers). A read of client data goes
    through ``audit_record_read`` instead, which takes no lock.
    """
    event = _new_event(org, actor, action, obj, matter, summary, detail)
    with transaction.atomic():
        return _append(_locked_head(org), event)


def audit_record_read(
    *,
    org,
    actor,
    action: str,
    obj=None,
    matter=None,
    summary: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Record that someone read client data, without waiting for anyone.

    The event has no chain number and does not touch the chain head: one
    insert, hashed over its own content. ``seal_reads`` (every minute, from
    the worker) takes it into the chain. Same arguments as ``audit_record``.
    """
    event = _new_event(org, actor, action, obj, matter, summary, detail)
    event.seq = None
    event.prev_hash = ""
    event.hash = event.compute_hash()
    event.save()
    return event


def reads_digest(pairs) -> str:
    """The digest a seal records over its reads: their ids and hashes, in
    id order."""
    lines = "".join(f"{pk}:{digest}\n" for pk, digest in sorted(pairs))
    return hashlib.sha256(lines.encode()).hexdigest()


def id_ranges(ids) -> list[list[int]]:
    """Sorted ids as [first, last] runs: [1, 2, 3, 7] → [[1, 3], [7, 7]]."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def ids_of(ranges) -> list[int]:
    return [pk for first, last in ranges for pk in range(first, last + 1)]


def unsealed_reads(*, org=None, since: datetime.datetime | None = None):
    """The organisation's reads no seal has taken yet (every organisation's
    without ``org``; ``since``: written from then on), oldest first."""
    reads = AuditEvent.objects.filter(seq__isnull=True)
    if org is not None:
        reads = reads.filter(org=org)
    if since is not None:
        reads = reads.filter(at__gte=since)
    return reads.filter(
        ~Exists(SealedRead.objects.filter(read_id=OuterRef("pk")))
    ).order_by("pk")


def seal_reads(*, org, since: datetime.datetime | None = None) -> list[AuditEvent]:
    """Take the organisation's unsealed reads into its chain, in seals of at
    most ``SEAL_BATCH`` reads; the seals made, oldest first.

    Each seal runs in one transaction under the chain head's lock, so two
    sealers take turns, and the reads are looked up after the lock is
    taken: a read that committed after an earlier seal, even with a lower
    id than reads that seal took, is found and sealed by the next one.
    ``SealedRead``'s unique read id refuses a read sealed twice.
    """
    seals: list[AuditEvent] = []
    while True:
        with transaction.atomic():
            head = _locked_head(org)
            reads = list(
                unsealed_reads(org=org, since=since).values_list("pk", "hash")[
                    :SEAL_BATCH
                ]
            )
            if not reads:
                return seals
            seal = _append(head, _seal_event(org, reads))
            SealedRead.objects.bulk_create(
                SealedRead(org=org, read_id=pk, seal_id=seal.pk, hash=digest)
                for pk, digest in reads
            )
        seals.append(seal)
        if len(reads) < SEAL_BATCH:
            return seals


def _seal_event(org, reads) -> AuditEvent:
    """A seal over ``reads`` ((id, hash) pairs in id order), by FirmDesk."""
    ids = [pk for pk, _ in reads]
    detail = {
        "reads": len(reads),
        "first": ids[0],
        "last": ids[-1],
        "ids": id_ranges(ids),
        "digest": reads_digest(reads),
    }
    summary = f"Sealed {len(reads)} read(s) into the audit chain"
    return _new_event(org, None, SEALED, None, None, summary, detail)


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
    # Reads no seal has taken yet: checked against their own hash only, so
    # not yet proof against deletion. Not a problem by itself.
    unsealed: int = 0

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
    number = "read event" if event.is_read else f"event {event.seq}"
    return (
        f"{number} (database id {event.pk}; "
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
    chain = AuditEvent.objects.filter(org=org, seq__isnull=False).order_by("pk")
    seals: list[AuditEvent] = []
    for event in chain.iterator():
        checked += 1
        seq: int = event.seq or 0  # never None here: only chained events
        altered = event.compute_hash() != event.hash
        if altered:
            findings.append(_altered(event))
        if event.prev_hash != (previous.hash if previous is not None else ""):
            # Explained by the event before: its stored hash was overwritten.
            overwritten = (
                previous is not None
                and previous_altered
                and previous.compute_hash() == event.prev_hash
            )
            if not overwritten and seq > reached + 1:
                findings.append(_missing(reached + 1, seq - 1, previous, event))
            elif not overwritten and not altered:
                findings.append(_relinked(previous, event))
        reached = reached + 1 if altered else seq
        previous, previous_altered = event, altered
        if event.action == SEALED:
            seals.append(event)
    findings.extend(_head_findings(org, previous, previous_altered, reached))
    reads = _verify_reads(org, seals, findings)
    unsealed = 0
    for read in unsealed_reads(org=org).iterator():
        reads += 1
        unsealed += 1
        if read.compute_hash() != read.hash:
            findings.append(_altered(read))
    return VerifyResult(checked=checked + reads, findings=findings, unsealed=unsealed)


def _altered(event: AuditEvent) -> Finding:
    return Finding(
        kind="altered",
        message=f"{_cap(describe_event(event))} was altered after it "
        "was written: its content no longer matches its hash.",
        seqs=(event.seq,) if event.seq is not None else (),
        event_ids=(event.pk,),
    )


def _seal_batches(seals: list[AuditEvent]):
    """The seals in groups covering about ``SEAL_BATCH`` reads between them."""
    batch: list[AuditEvent] = []
    size = 0
    for seal in seals:
        batch.append(seal)
        size += int(seal.detail.get("reads", 0) or 0)
        if size >= SEAL_BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _chunks(ids):
    ids = sorted(ids)
    for start in range(0, len(ids), _LOOKUP_CHUNK):
        yield ids[start : start + _LOOKUP_CHUNK]


def _verify_reads(org, seals: list[AuditEvent], findings: list[Finding]) -> int:
    """Check each seal against the reads it covers (a read deleted, altered,
    or rewritten together with its hash) and every sealing record against a
    seal still in the chain; the number of reads checked."""
    checked = 0
    for batch in _seal_batches(seals):
        covered = {seal.pk: ids_of(seal.detail.get("ids", [])) for seal in batch}
        links: dict[int, dict[int, str]] = {seal.pk: {} for seal in batch}
        for chunk in _chunks(covered):
            for link in SealedRead.objects.filter(org=org, seal_id__in=chunk):
                links[link.seal_id][link.read_id] = link.hash
        wanted = {pk for ids in covered.values() for pk in ids}
        wanted |= {pk for sealed in links.values() for pk in sealed}
        reads = {
            read.pk: read
            for chunk in _chunks(wanted)
            for read in AuditEvent.objects.filter(org=org, pk__in=chunk)
        }
        checked += len(reads)
        for seal in batch:
            findings.extend(
                _seal_findings(seal, covered[seal.pk], links[seal.pk], reads)
            )
    findings.extend(_orphans(org))
    return checked


def _seal_findings(seal, covered: list[int], links: dict, reads: dict) -> list:
    found = []
    named = False
    for pk in covered:
        read = reads.get(pk)
        if read is None or not read.is_read:
            found.append(
                Finding(
                    kind="missing",
                    message=f"The read event with database id {pk}, sealed by "
                    f"{describe_event(seal)}, is missing (deleted).",
                    seqs=(),
                )
            )
        elif read.compute_hash() != read.hash:
            found.append(_altered(read))
        elif links.get(pk) != read.hash:
            found.append(
                Finding(
                    kind="relinked",
                    message=f"{_cap(describe_event(read))} does not match what "
                    f"{describe_event(seal)} sealed: it was rewritten together "
                    "with its hash, or its sealing record was removed.",
                    seqs=(seal.seq,),
                    event_ids=(read.pk, seal.pk),
                )
            )
        else:
            continue
        named = True
    for pk in sorted(links.keys() - set(covered)):
        named = True
        found.append(
            Finding(
                kind="relinked",
                message=f"The read event with database id {pk} is recorded as "
                f"sealed by {describe_event(seal)}, which does not cover it.",
                seqs=(seal.seq,),
                event_ids=(seal.pk,),
            )
        )
    present = [(pk, reads[pk].hash) for pk in covered if pk in reads]
    if not named and reads_digest(present) != seal.detail.get("digest"):
        found.append(
            Finding(
                kind="altered",
                message=f"The reads {describe_event(seal)} covers no longer "
                "match its digest: one was rewritten together with its hash "
                "and its sealing record.",
                seqs=(seal.seq,),
                event_ids=(seal.pk,),
            )
        )
    return found


def _orphans(org) -> list[Finding]:
    """Sealing records whose seal is no longer in the chain (deleted)."""
    gone = SealedRead.objects.filter(org=org).filter(
        ~Exists(
            AuditEvent.objects.filter(
                pk=OuterRef("seal_id"), org=org, seq__isnull=False, action=SEALED
            )
        )
    )
    by_seal: dict[int, list[int]] = {}
    for seal_id, read_id in gone.values_list("seal_id", "read_id"):
        by_seal.setdefault(seal_id, []).append(read_id)
    return [
        Finding(
            kind="missing",
            message=f"The seal event with database id {seal_id} is missing "
            f"(deleted): it sealed {len(read_ids)} read event(s), database ids "
            f"{_id_list(read_ids)}.",
            seqs=(),
            event_ids=tuple(sorted(read_ids)),
        )
        for seal_id, read_ids in sorted(by_seal.items())
    ]


def _id_list(ids) -> str:
    return ", ".join(
        str(first) if first == last else f"{first}–{last}"
        for first, last in id_ranges(ids)
    )


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
