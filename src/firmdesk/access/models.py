import uuid

from django.db import models


class AccessMark(models.Model):
    """One row whose token changes in the same transaction as every change of
    a fact the access rule is made of (``access.mark``). What a person's
    access resolves to is kept across requests under (their key, this token),
    so every process sees a change of the facts on its next request.

    A random token rather than a counter, as ``insights.RollupVersion``: a
    transaction rolled back, or a database restored, never brings back a token
    that once stood for other facts. No row, nothing is kept: the migration
    creates it, and a database flushed or restored without it resolves every
    request afresh."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return self.token.hex
