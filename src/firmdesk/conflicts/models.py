from django.conf import settings
from django.db import models

from firmdesk.common.models import NeedToKnow, TenantModel


class ConflictKey(models.Model):
    """The conflict index: blocking keys per firm and contact.

    Rows are rewritten in the same transaction as the contact, its aliases and
    relationships, so every process searches the same index. A search looks up
    the keys of the searched name and scores only the contacts found here.
    """

    # The primary key (firm, key, contact) is the one index every lookup
    # reads, and a search reads only it (an index-only scan); there is no
    # separate id column or unique constraint. ``key`` is the 8-byte hash of
    # the key text (keys.key_hash). The index on contact serves rewriting
    # and deleting one contact's keys. The rows are derived (``firmdesk
    # conflicts reindex`` rebuilds them) and written only by
    # conflicts.services, so the database does not check the foreign keys:
    # checking 20 million of them made a full rebuild minutes longer.
    # Deleting a contact or firm through Django still deletes its keys.
    pk = models.CompositePrimaryKey("firm", "key", "contact")
    firm = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    key = models.BigIntegerField()
    contact = models.ForeignKey(
        "matters.Contact",
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )

    def __str__(self):
        return f"{self.key:016x}"


class ConflictCheck(TenantModel):
    """One search and the decision a person made about it."""

    need_to_know = NeedToKnow.whole_firm(
        why="A conflict check searches the whole firm and stays visible to "
        "everyone who may run checks (conflicts.services.may_run_checks), but "
        "conflicts.selectors.check_for_viewer shows a matter the viewer may "
        "not see, and its names and parties, as 'a matter you cannot open'."
    )

    class Kind(models.TextChoices):
        OPENING = "opening", "Opening a matter"
        PARTY = "party", "A party added to a matter"

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for an attorney"
        CLEAR = "clear", "Clear"
        CONFLICT = "conflict", "Conflict"
        WAIVED = "waived", "Waived with consent"

    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_at = models.DateTimeField()
    names = models.JSONField(default=list)
    hits = models.JSONField(default=list)
    purpose = models.CharField(max_length=200, blank=True)
    decision = models.CharField(
        max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(
        blank=True, help_text="Why; for a waiver, the consent obtained and how."
    )
    # An opening check names the matter it opened; a party check the matter
    # the party joined (it is decided while the matter is open).
    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conflict_checks",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OPENING)

    class Meta:
        ordering = ["-run_at"]
        indexes = [models.Index(fields=["firm", "decision"])]

    def __str__(self):
        return f"Check of {', '.join(self.names)} ({self.get_decision_display()})"

    @property
    def opened_matter(self) -> bool:
        """A matter was opened on this check (its decision is final)."""
        return self.matter_id is not None and self.kind == self.Kind.OPENING

    @property
    def allows_opening(self) -> bool:
        return self.decision in (self.Decision.CLEAR, self.Decision.WAIVED)
