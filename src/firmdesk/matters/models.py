from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from firmdesk.common.encrypted import EncryptedDateField, EncryptedTextField
from firmdesk.common.models import NeedToKnow, TenantModel


class TaxIdKind(models.TextChoices):
    SSN = "ssn", "Social Security number (SSN)"
    EIN = "ein", "Employer Identification Number (EIN)"
    ITIN = "itin", "Individual Taxpayer Identification Number (ITIN)"
    OTHER = "other", "Other tax number"


class GovIdKind(models.TextChoices):
    DRIVERS_LICENSE = "drivers_license", "Driver's license"
    STATE_ID = "state_id", "State ID card"
    PASSPORT = "passport", "Passport"
    OTHER = "other", "Other government ID"


class Contact(TenantModel):
    """A person or organisation the firm has dealt with in any role.

    Every contact, alias and party feeds the conflict index (``conflicts``), so
    contacts are written through ``conflicts.services`` which keep the index in
    the same transaction.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organisation"

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PERSON)
    name = models.CharField(max_length=300, help_text="The name as written.")
    emails = models.JSONField(default=list, blank=True)
    phones = models.JSONField(default=list, blank=True, help_text="E.164 numbers.")
    address = models.TextField(blank=True)
    # Sensitive fields (issue 20): the columns hold only ciphertext
    # (common/encrypted.py); who sees, unmasks and changes them is in
    # matters/sensitive.py. The kinds say what a number is and stay plain.
    date_of_birth = EncryptedDateField("date of birth")
    tax_id_kind = models.CharField(max_length=8, choices=TaxIdKind.choices, blank=True)
    tax_id = EncryptedTextField("tax ID number", max_length=40)
    gov_id_kind = models.CharField(max_length=16, choices=GovIdKind.choices, blank=True)
    gov_id_number = EncryptedTextField("government ID number", max_length=40)
    bank_name = EncryptedTextField("bank name", max_length=100)
    bank_routing = EncryptedTextField("routing number", max_length=9)
    bank_account = EncryptedTextField("account number", max_length=17)
    is_prospective = models.BooleanField(
        default=False,
        help_text="Inquired but never retained the firm (Rule 1.18): still searched.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["firm", "name"])]

    def __str__(self):
        return self.name

    @staticmethod
    def scope_filter(scope) -> Q:
        """Provider staff see a contact only through a matter they may see.
        Firm members see every contact but those the firm knows only through
        matters they are screened from (a screen walls off the matter's people
        too, not only its number)."""
        through_visible = Q(
            pk__in=MatterParty.objects.in_scope(scope).values("contact_id")
        )
        if not scope.is_firm_member:
            return through_visible
        if not scope.screened_matter_ids:
            return Q()
        screened = MatterParty.objects.for_firm(scope.firm).filter(
            matter_id__in=scope.screened_matter_ids
        )
        return ~Q(pk__in=screened.values("contact_id")) | through_visible

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="A contact is known through the matters it is a party to: provider "
        "staff see those of matters they may see, firm members every contact "
        "but those only in matters they are screened from.",
    )


class ContactAlias(TenantModel):
    class Kind(models.TextChoices):
        FORMER = "former", "Former name"
        MAIDEN = "maiden", "Maiden name"
        TRADE = "trade", "Trade name (DBA)"
        ACRONYM = "acronym", "Acronym"
        PREDECESSOR = "predecessor", "Predecessor entity"
        AKA = "aka", "Also known as"

    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.AKA)

    need_to_know = NeedToKnow.through("contact")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class ContactRelationship(TenantModel):
    """``from_contact`` is <kind> of ``to_contact`` (Globex is parent of Acme)."""

    class Kind(models.TextChoices):
        PARENT = "parent", "parent of"
        SUBSIDIARY = "subsidiary", "subsidiary of"
        AFFILIATE = "affiliate", "affiliate of"
        SPOUSE = "spouse", "spouse of"
        FAMILY = "family", "family member of"
        OFFICER = "officer", "officer or director of"
        OWNER = "owner", "owner of"
        INSURER = "insurer", "insurer of"
        GUARANTOR = "guarantor", "guarantor of"
        PAYER = "payer", "payer for"
        EMPLOYER = "employer", "employer of"

    from_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships_out"
    )
    to_contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="relationships_in"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["from_contact", "to_contact", "kind"], name="one_relationship"
            )
        ]

    @staticmethod
    def scope_filter(scope) -> Q:
        contacts = Contact.scope_filter(scope)
        if contacts == Q():
            return Q()
        visible = Contact.objects.in_scope(scope).values("pk")
        return Q(from_contact__in=visible) & Q(to_contact__in=visible)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="A link between two contacts shows only when both contacts do.",
    )

    def __str__(self):
        return f"{self.from_contact} {self.get_kind_display()} {self.to_contact}"

    def clean(self):
        if self.from_contact_id == self.to_contact_id:
            raise ValidationError("A contact cannot be related to itself.")
        self.same_firm(self.from_contact, self.to_contact)


class Matter(TenantModel):
    """A client matter. Grows with contacts, parties and conflicts (issue 3)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        PENDING = "pending", "Pending"
        CLOSED = "closed", "Closed"
        PRE_EXISTING = "pre_existing", "Pre-existing"

    number = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    practice_area = models.CharField(max_length=80, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN
    )
    responsible_attorney = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    description = models.TextField(blank=True)
    key_facts = models.TextField(blank=True)
    client_consent_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the client agreed to outside help on this matter.",
    )
    client_consent_note = models.CharField(
        max_length=300,
        blank=True,
        help_text="How the consent was given (engagement letter, e-mail, call).",
    )
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "number"], name="matter_number_per_firm"
            )
        ]
        indexes = [models.Index(fields=["firm", "status"])]

    def __str__(self):
        return f"{self.number} {self.title}"

    need_to_know = NeedToKnow.the_matter()

    @staticmethod
    def closed_q() -> Q:
        """Closed matters: closed in FirmDesk, or imported with a closing date."""
        return Q(status=Matter.Status.CLOSED) | Q(closed_on__isnull=False)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED or self.closed_on is not None

    # A page draws HIDDEN_MATTER (access.guard) for a matter its viewer may
    # not open; both answer is_hidden.
    is_hidden = False


class MatterParty(TenantModel):
    class Role(models.TextChoices):
        CLIENT = "client", "Client"
        ADVERSE = "adverse", "Adverse party"
        CO_PARTY = "co_party", "Co-party"
        OPPOSING_COUNSEL = "opposing_counsel", "Opposing counsel"
        RELATED = "related", "Related party"
        WITNESS = "witness", "Witness"
        EXPERT = "expert", "Expert"

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="parties")
    contact = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "contact", "role"], name="one_role_per_contact"
            )
        ]
        indexes = [models.Index(fields=["firm", "contact"])]

    def __str__(self):
        return f"{self.contact} ({self.get_role_display()}) in {self.matter.number}"

    need_to_know = NeedToKnow.through_matter("matter")

    def clean(self):
        self.same_firm(self.matter, self.contact)


class MatterScreen(TenantModel):
    """An ethical screen: the user is walled off the matter entirely."""

    matter = models.ForeignKey(Matter, on_delete=models.CASCADE, related_name="screens")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=200, blank=True)

    # The screened person cannot open the matter, so not its screens either;
    # the Scope itself reads screens through access.system.
    need_to_know = NeedToKnow.through_matter("matter")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "user"], name="one_screen_per_user"
            )
        ]
