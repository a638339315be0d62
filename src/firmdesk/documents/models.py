from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify

from firmdesk.common.models import NeedToKnow, TenantModel


class Document(TenantModel):
    """A file the firm keeps, with every version uploaded, each stored encrypted
    (crypto.py). A document moves draft → in review → approved → final; a final
    document takes no new version and no change (docs/documents.md)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        FINAL = "final", "Final"

    matter = models.ForeignKey(
        "matters.Matter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
    )
    title = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    current_version = models.ForeignKey(
        "DocumentVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    template = models.ForeignKey(
        "DocumentTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="drafts",
        help_text="The template this document was generated from.",
    )
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    finalised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "matter"])]

    def __str__(self):
        return self.title

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL

    @staticmethod
    def scope_filter(scope) -> Q:
        """Firm members: every document not on a screened matter. Provider
        staff: documents on a matter they may see, or attached to a task they
        were given (task-only access); never on a screened matter."""
        if scope.is_firm_member:
            if not scope.screened_matter_ids:
                return Q()
            # Q() | x is just x in Django, so the screened case is built apart.
            return scope.matter_q("matter") | Q(matter__isnull=True)
        # work sits above documents in the import order, so Task is looked up
        # when the filter is built. EXISTS rather than a join on tasks__: a
        # document attached to two of the user's tasks still comes back once.
        task_model = apps.get_model("work", "Task")
        on_their_task = Exists(
            task_model.objects.in_scope(scope).filter(
                assignee=scope.user, attachments=OuterRef("pk")
            )
        )
        on_their_matter = Q(matter__isnull=False) & scope.matter_q("matter")
        visible = on_their_matter | Q(on_their_task)
        if not scope.screened_matter_ids:
            return visible
        return visible & ~Q(matter_id__in=scope.screened_matter_ids)

    need_to_know = NeedToKnow.by_rule(
        scope_filter,
        why="Firm members see documents not on a matter they are screened "
        "from; provider staff documents of matters they may see, or "
        "attached to a task they were given.",
    )


def documents_storage():
    """The storage versions are sealed into (settings.STORAGES["documents"])."""
    return storages["documents"]


def version_upload_to(version: "DocumentVersion", filename: str) -> str:
    """documents/<firm>/<document>/<number>-<name>: public ids only, and an
    ASCII name that is safe on every file system and object store."""
    path = PurePath(filename)
    stem = slugify(path.stem)[:80] or "file"
    suffix = slugify(path.suffix.lstrip("."))[:10]
    name = f"{stem}.{suffix}" if suffix else stem
    document = version.document
    return (
        f"documents/{document.firm.public_id}/{document.public_id}/"
        f"{version.number}-{name}"
    )


class DocumentVersion(TenantModel):
    """One uploaded file. Versions are never changed after upload: a new file
    is a new version."""

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField()
    file = models.FileField(
        upload_to=version_upload_to, storage=documents_storage, max_length=255
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(help_text="In bytes.")
    sha256 = models.CharField(
        max_length=64,
        validators=[RegexValidator(r"^[0-9a-f]{64}$", "A SHA-256 in hex.")],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Encryption at rest (crypto.py): the firm's data key that sealed the stored
    # bytes. Empty only for a file stored before encryption, until
    # `firmdesk keys encrypt-existing` has sealed it.
    key = models.ForeignKey(
        "FirmKey", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A generated draft (templates.py): the value each merge field got, and the
    # fields that were left empty, which the quality checks report.
    merge_values = models.JSONField(default=dict, blank=True)
    empty_fields = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="one_version_number_per_document"
            )
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    need_to_know = NeedToKnow.through("document")

    def clean(self):
        self.same_firm(self.document)


class FirmKey(TenantModel):
    """A firm's data key, stored only wrapped (AES-256-GCM) by a master key
    that lives outside the database (settings.FIRMDESK_MASTER_KEYS). The
    highest number is the one new files are sealed with; older ones stay to
    read older files. `firmdesk keys rotate` re-wraps every one under the
    current master key."""

    need_to_know = NeedToKnow.whole_firm(
        why="A wrapped key reveals nothing and no page shows it; only the "
        "storage layer reads it, for the firm whose file it opens."
    )

    number = models.PositiveIntegerField()
    master_key_id = models.CharField(max_length=40)
    wrapped = models.BinaryField()

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "number"], name="one_key_number_per_firm"
            )
        ]

    def __str__(self):
        return f"key {self.number} of {self.firm_id}"


class DocumentTemplate(TenantModel):
    """A firm's Word template: ``{{ field }}`` tags (docxtpl) or MERGEFIELD
    fields, filled from the matter, client, parties, attorney, firm and dates
    (templates.FIELDS), plus the questions the person generating answers."""

    need_to_know = NeedToKnow.whole_firm(
        why="A template is the firm's form letter, with no client data in it; "
        "everyone who acts for the firm may generate from it."
    )

    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    # The .docx itself, kept (and encrypted) as a document with no matter.
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="as_template"
    )
    # The fields the template uses, as found by the last check.
    fields = models.JSONField(default=list, blank=True)
    # Fields no record fills, asked of the person generating:
    # {"name": ..., "label": ..., "kind": "text" | "date" | "future_date" | "money"}.
    questions = models.JSONField(default=list, blank=True)
    starter = models.CharField(
        max_length=40,
        blank=True,
        help_text="Which of FirmDesk's starter templates this began as.",
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "name"], name="one_template_name_per_firm"
            )
        ]

    def __str__(self):
        return self.name


class Submission(TenantModel):
    """A version put forward for an attorney's review, with what the quality
    checks found and how each finding was answered, then the decision."""

    class Decision(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        RETURNED = "returned", "Returned"

    need_to_know = NeedToKnow.through("document")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="submissions"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="submissions"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # [{"code": ..., "message": ..., "explanation": ...}] (quality.py)
    findings = models.JSONField(default=list, blank=True)
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
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "decision", "created_at"])]

    def clean(self):
        self.same_firm(self.document, self.version)


class Exhibit(TenantModel):
    """One entry of a matter's numbered exhibit list."""

    class Status(models.TextChoices):
        MARKED = "marked", "Marked for identification"
        OFFERED = "offered", "Offered"
        ADMITTED = "admitted", "Admitted"
        EXCLUDED = "excluded", "Not admitted"
        WITHDRAWN = "withdrawn", "Withdrawn"

    need_to_know = NeedToKnow.through_matter("matter")

    matter = models.ForeignKey(
        "matters.Matter", on_delete=models.CASCADE, related_name="exhibits"
    )
    number = models.PositiveIntegerField()
    description = models.CharField(max_length=300)
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exhibits",
    )
    date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.MARKED
    )
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "number"], name="one_exhibit_number_per_matter"
            )
        ]
        indexes = [models.Index(fields=["firm", "matter", "number"])]

    def __str__(self):
        return f"Exhibit {self.number}"

    def clean(self):
        self.same_firm(self.matter, self.document)


class ShareLink(TenantModel):
    """A link that lets someone outside FirmDesk download one final version:
    it expires, counts its downloads, may ask for a passcode and may be
    revoked. Only the token's SHA-256 is kept; the link is shown once."""

    need_to_know = NeedToKnow.through("document")

    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="share_links"
    )
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.CASCADE, related_name="share_links"
    )
    token_sha256 = models.CharField(max_length=64, unique=True)
    recipient = models.CharField(
        max_length=200, help_text="Who the link is for, as the firm knows them."
    )
    expires_at = models.DateTimeField()
    max_downloads = models.PositiveIntegerField()
    downloads = models.PositiveIntegerField(default=0)
    passcode_hash = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "document"])]

    def clean(self):
        self.same_firm(self.document, self.version)


class SignedAgreement(TenantModel):
    """The text someone signed, kept as a document: a confidentiality agreement
    (one per ConfidentialityAgreement) or the provider's master agreement with
    the firm. Signed by typing one's name (time, address and browser recorded,
    and the text with its signature block rendered to PDF) or by uploading the
    signed PDF."""

    class Kind(models.TextChoices):
        NDA = "nda", "Confidentiality agreement"
        MASTER = "master", "Master services agreement"

    class Method(models.TextChoices):
        TYPED = "typed", "Typed name"
        UPLOADED = "uploaded", "Uploaded signed PDF"

    need_to_know = NeedToKnow.whole_firm(
        why="A signed agreement names the signer and the engagement, no client "
        "or matter; the firm sees every one it holds."
    )

    kind = models.CharField(max_length=10, choices=Kind.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    engagement = models.ForeignKey(
        "engagements.Engagement", on_delete=models.CASCADE, related_name="+"
    )
    agreement = models.OneToOneField(
        "engagements.ConfidentialityAgreement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signed_document",
    )
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="signatures"
    )
    signed_name = models.CharField(max_length=200)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_at = models.DateTimeField()
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-signed_at"]
        indexes = [models.Index(fields=["firm", "engagement", "kind"])]

    def clean(self):
        self.same_firm(self.engagement, self.agreement, self.document)
