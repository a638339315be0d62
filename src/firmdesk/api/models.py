"""What the API keeps of its own: the answers to POSTs sent with an
``Idempotency-Key`` (``api.idempotency``)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from firmdesk.common.models import NeedToKnow, TenantModel


class IdempotencyKey(TenantModel):
    """A POST's key, the hash of what was sent, and the answer it got, so a
    retry with the same key and body gets the same answer and changes nothing
    again. Kept 24 hours (``api.idempotency.KEEP``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=500)
    request_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.TextField()
    content_type = models.CharField(max_length=100, default="application/json")

    need_to_know = NeedToKnow.by_rule(
        lambda scope: Q(user=scope.user),
        why="a stored answer is replayed only to the person who sent the request",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["firm", "user", "key"], name="api_idempotency_key_unique"
            )
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self):
        return self.key
