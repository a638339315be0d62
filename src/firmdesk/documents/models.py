from pathlib import PurePath

from django.apps import apps
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.text import slugify

from firmdesk.common.models import NeedToKnow, TenantModel


class Document(TenantModel):
    """A file the firm keeps, with every version uploaded. Issue 9 adds
    encryption at rest, templates and sharing."""

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

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["firm", "matter"])]

    def __str__(self):
        return self.title

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
    file = models.FileField(upload_to=version_upload_to, max_length=255)
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
