"""Append-only audit trail, hash-chained per organisation.

Each change event stores the hash of the previous event of the same
organisation, so changing or deleting a row behind the ORM's back breaks the
chain and ``firmdesk audit verify`` reports where.

Reads (a matter opened, a document downloaded) are appended without a number
and without touching the chain head, so readers never wait for each other;
each carries the hash of its own content. A seal event, chained like any
change, later covers a batch of them: it names their ids and a digest over
their hashes, and a ``SealedRead`` row per read records which seal took it
(the unique read id is what seals each read exactly once). See
docs/security-audit.md.
"""

import hashlib
import json

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit events cannot be deleted.")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be changed.")


class AuditChainHead(models.Model):
    """The newest sequence number and hash per organisation, locked on append."""

    org = models.OneToOneField(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="")

    def __str__(self):
        return f"{self.org} at event {self.seq}"


class AuditEvent(models.Model):
    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    # The number in the organisation's chain; None for a read, which is
    # sealed into the chain later (``SealedRead``).
    seq = models.PositiveBigIntegerField(null=True, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    matter_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        # Insertion order: reads have no chain number, and ids follow time.
        ordering = ["org_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "seq"], name="audit_seq_per_org")
        ]
        indexes = [
            models.Index(fields=["org", "matter_id", "at"]),
            # The audit page's filters, each newest first within the firm.
            models.Index(fields=["org", "actor", "id"], name="audit_org_actor_id"),
            models.Index(fields=["org", "action", "id"], name="audit_org_action_id"),
            models.Index(fields=["org", "at"], name="audit_org_at"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events cannot be deleted.")

    @property
    def is_read(self) -> bool:
        """A read: outside the numbered chain until a seal covers it."""
        return self.seq is None

    def payload(self) -> str:
        return json.dumps(
            {
                "org": self.org_id,
                "seq": self.seq,
                "at": self.at.isoformat(),
                "actor": self.actor_id,
                "actor_label": self.actor_label,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "matter_id": self.matter_id,
                "summary": self.summary,
                "detail": self.detail,
            },
            sort_keys=True,
            separators=(",", ":"),
            default=str,
        )

    def compute_hash(self) -> str:
        return hashlib.sha256((self.prev_hash + self.payload()).encode()).hexdigest()


class SealedRead(models.Model):
    """Which seal took a read into the chain, and the read's hash then.

    One row per read (``read`` is unique), written with the seal in one
    transaction, so a read is sealed once however the commits of its writers
    and of the sealer interleave. Both links are plain ids without a database
    constraint: a read or seal deleted behind FirmDesk's back leaves its row
    here for ``audit verify`` to name."""

    org = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    read = models.OneToOneField(
        AuditEvent,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="sealed_by",
    )
    seal = models.ForeignKey(
        AuditEvent, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    def __str__(self):
        return f"read {self.read_id} sealed by {self.seal_id}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Sealed reads cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Sealed reads cannot be deleted.")
