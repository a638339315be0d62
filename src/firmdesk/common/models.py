"""Base models every tenant table inherits.

Every row of client data carries a non-null ``firm`` and a public UUID. The default
``objects`` manager refuses to run a query that did not come through a Scope, so a
forgotten filter fails loudly instead of leaking another firm's data quietly.
"""

import uuid

from django.core.exceptions import ValidationError
from django.db import models


class UnscopedQueryError(RuntimeError):
    """Raised when tenant data is queried without a Scope."""


class TenantQuerySet(models.QuerySet):
    pass


class TenantManager(models.Manager):
    """``Model.objects``: usable only through ``in_scope`` / ``for_firm``.

    ``Model.objects.in_scope(scope)`` is what views, API routes, exports and feeds
    use. ``for_firm(firm)`` is for jobs and services acting for one firm with no
    user behind them. ``Model.unscoped`` is for migrations, the admin and the audit
    verifier, and is rejected in views by a test.
    """

    def get_queryset(self):
        raise UnscopedQueryError(
            f"{self.model.__name__} is client data: query it through "
            f"{self.model.__name__}.objects.in_scope(scope) or an access_* helper."
        )

    def _base(self):
        return TenantQuerySet(self.model, using=self._db)

    def for_firm(self, firm):
        return self._base().filter(firm=firm)

    def in_scope(self, scope):
        qs = self.for_firm(scope.firm)
        limit = getattr(self.model, "scope_filter", None)
        if limit is not None:
            qs = qs.filter(limit(scope))
        return qs

    def in_scopes(self, scopes):
        """Rows of several firms in one query, each firm's through its own Scope
        (the cross-firm pages of provider staff: their queue, the team queue)."""
        limit = getattr(self.model, "scope_filter", None)
        combined = None
        for scope in scopes:
            q = models.Q(firm=scope.firm)
            if limit is not None:
                q &= limit(scope)
            combined = q if combined is None else combined | q
        if combined is None:
            return self._base().none()
        # The firms again at the top, outside the OR, so the database can use the
        # indexes that start with firm_id instead of reading each firm's rows.
        return self._base().filter(
            models.Q(firm_id__in=[scope.firm.pk for scope in scopes]) & combined
        )


class TimeStamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TenantModel(TimeStamped):
    """A row of client data: belongs to exactly one firm."""

    firm = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    unscoped = models.Manager()
    objects = TenantManager()

    class Meta:
        abstract = True
        default_manager_name = "unscoped"

    def same_firm(self, *others):
        """Cross-firm links are impossible: call from clean() and services."""
        for other in others:
            if other is not None and getattr(other, "firm_id", None) != self.firm_id:
                raise ValidationError(
                    f"{other._meta.verbose_name} belongs to another firm."
                )
