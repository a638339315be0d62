"""Base models every tenant table inherits.

Every row of client data carries a non-null ``firm`` and a public UUID. The default
``objects`` manager refuses to run a query that did not come through a Scope, so a
forgotten filter fails loudly instead of leaking another firm's data quietly.
"""

import sys
import threading
import uuid
from collections import OrderedDict
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models


class UnscopedQueryError(RuntimeError):
    """Raised when tenant data is queried without a Scope."""


class TenantQuerySet(models.QuerySet):
    pass


class NeedToKnow:
    """How need-to-know narrows a tenant model's rows inside a firm.

    Every concrete ``TenantModel`` declares one as ``need_to_know``; a system
    check (``common.checks``) refuses a model that declares nothing, so a new
    table cannot be read firm-wide by forgetting a filter. The kinds:

    - ``the_matter()``: the row is a matter (``Matter`` itself);
    - ``through_matter("matter")``: visible when its matter is;
    - ``through_task("task")``: visible when its task is;
    - ``through("lead")``: visible when that other tenant row is;
    - ``by_rule(rule, why=...)``: a rule of its own, ``rule(scope) -> Q``, a
      function of the Scope's fields alone (its firm, person and engagement by
      key only, never another of their attributes): no clock, and what it needs
      of the database as a subquery, read when the query runs, never while the
      rule builds (built filters are kept for equal Scopes: ``_KeptFilters``);
    - ``whole_firm(why=...)``: everyone who may act for the firm sees every row
      (the reason is written down, and reviewed like code).
    """

    MATTER = "the matter"
    THROUGH_MATTER = "through its matter"
    THROUGH_TASK = "through its task"
    THROUGH = "through another row"
    RULE = "a rule of its own"
    WHOLE_FIRM = "the whole firm sees it"

    def __init__(self, kind: str, *, path: str = "", rule=None, why: str = ""):
        self.kind = kind
        self.path = path
        self.rule = rule
        self.why = why

    def __repr__(self):
        detail = self.path or self.why
        return f"NeedToKnow({self.kind}{': ' + detail if detail else ''})"

    @classmethod
    def the_matter(cls) -> "NeedToKnow":
        return cls(cls.MATTER)

    @classmethod
    def through_matter(cls, path: str = "matter") -> "NeedToKnow":
        return cls(cls.THROUGH_MATTER, path=path)

    @classmethod
    def through_task(cls, path: str = "task") -> "NeedToKnow":
        return cls(cls.THROUGH_TASK, path=path)

    @classmethod
    def through(cls, path: str) -> "NeedToKnow":
        return cls(cls.THROUGH, path=path)

    @classmethod
    def by_rule(cls, rule, *, why: str) -> "NeedToKnow":
        return cls(cls.RULE, rule=rule, why=why)

    @classmethod
    def whole_firm(cls, *, why: str) -> "NeedToKnow":
        return cls(cls.WHOLE_FIRM, why=why)

    def q(self, model, scope) -> models.Q | None:
        """The filter that keeps the rows ``scope`` may see (None: all of the
        firm's)."""
        if self.kind == self.MATTER:
            return scope.matter_q()
        if self.kind == self.THROUGH_MATTER:
            return scope.matter_q(self.path)
        if self.kind == self.THROUGH_TASK:
            task_model = model._meta.get_field(self.path).related_model
            return task_model.scope_filter(scope, prefix=f"{self.path}__")
        if self.kind == self.THROUGH:
            other = model._meta.get_field(self.path).related_model
            return models.Q(
                **{f"{self.path}__in": other.objects.in_scope(scope).values("pk")}
            )
        if self.kind == self.RULE:
            return self.rule(scope)
        return None


# How many built filters each thread keeps (``_KeptFilters``): a server thread
# serves a few hundred people a day, each with one Scope a firm; an entry is a
# few kilobytes, ten times that for someone who serves a dozen firms.
KEPT_FILTERS = 512


def _os_thread_local() -> type:
    """``threading.local`` as the operating system's threads have it.

    gunicorn's gevent workers (the shipped configuration) patch
    ``threading.local`` into one per greenlet, that is one per client
    connection, which would drop what is kept when the request ends. A worker's
    greenlets take turns on one thread and switch only while they wait for the
    network or the database, never while a query is being built or compiled,
    so they can share what their thread keeps. A process gevent has not
    patched has not loaded ``gevent.monkey`` either, and keeps Python's own
    (importing gevent here would cost every command 20–40 ms to start)."""
    monkey = sys.modules.get("gevent.monkey")
    if monkey is None:
        return threading.local
    return monkey.get_original("threading", "local")


class _KeptFilters(_os_thread_local()):  # type: ignore[misc]
    """The access filters this thread has built, by what they were built from.

    Building the filter of a Scope is Django resolving every condition of the
    rule to its columns and joins: for an assistant who serves eleven firms
    that was 3 ms a query, and Today asks it of tasks and of leads, each
    request anew, of Scopes equal to the last request's. A rule is a function
    of its Scope's fields alone (``NeedToKnow``: no clock, nothing read while
    building; what it depends on in the database it reads as a subquery when
    the query runs), so equal Scopes build the same filter, and the one built
    first is kept and copied.

    Kept per thread (an operating system's thread: ``_os_thread_local``), so
    no two requests ever touch one built query at once;
    kept by equality of every field of every Scope (the person, the firm, the
    roles, functions, engagement, matters, screens and consent), so a Scope
    that changed in any way builds anew; the oldest dropped past
    ``KEPT_FILTERS``. What is handed out is always a copy (``Query.chain``):
    nothing a caller adds reaches the kept one.

    Used by ``TenantManager.in_scope`` / ``in_scopes`` and by
    ``access.scope.matter_q_across`` (the grants the queues' matter column
    reads); ``query(key, build)`` takes any key that names every input of
    ``build``."""

    def __init__(self):
        self.entries: OrderedDict = OrderedDict()

    def query(self, key, build):
        entries = self.entries
        kept = entries.get(key)
        if kept is None:
            kept = entries[key] = build().query
            if len(entries) > KEPT_FILTERS:
                entries.popitem(last=False)
        else:
            entries.move_to_end(key)
        return kept.chain()

    def clear(self):
        self.entries.clear()


kept_filters = _KeptFilters()


class TenantManager(models.Manager["TenantModel"]):
    """``Model.objects``: usable only through ``in_scope`` / ``for_firm``.

    ``Model.objects.in_scope(scope)`` is what views, API routes, exports and feeds
    use. ``for_firm(firm)`` is for jobs and services acting for one firm with no
    user behind them. ``create`` and ``bulk_create`` write rows that name their
    firm. ``Model.unscoped`` is for migrations and the admin; any other read
    around a Scope goes through a named helper in ``access.system``, and a test
    (tests/access/test_system_reads.py) rejects it anywhere else.

    Which rows of its firm a Scope sees is the model's ``need_to_know``
    declaration (``NeedToKnow``), which every tenant model must make.
    """

    def get_queryset(self):
        raise UnscopedQueryError(
            f"{self.model.__name__} is client data: query it through "
            f"{self.model.__name__}.objects.in_scope(scope) or an access_* helper."
        )

    def _base(self):
        return TenantQuerySet(self.model, using=self._db)

    def create(self, **fields):
        """Writing a row is not reading one: a row that names its firm is made
        without a Scope (services check who may write before they call this)."""
        if fields.get("firm") is None and fields.get("firm_id") is None:
            raise UnscopedQueryError(
                f"A {self.model._meta.verbose_name} belongs to a firm: pass firm=."
            )
        return self._base().create(**fields)

    def bulk_create(self, objs, *args: Any, **options: Any):
        objs = list(objs)
        if any(obj.firm_id is None for obj in objs):
            raise UnscopedQueryError(
                f"Every {self.model._meta.verbose_name} belongs to a firm: set firm."
            )
        return self._base().bulk_create(objs, *args, **options)

    def for_firm(self, firm):
        return self._base().filter(firm=firm)

    def _limit(self, scope):
        return self.model.need_to_know.q(self.model, scope)

    def in_scope(self, scope):
        return self._kept(("one", scope), lambda: self._in_scope(scope))

    def _in_scope(self, scope):
        qs = self.for_firm(scope.firm)
        limit = self._limit(scope)
        if limit is not None:
            qs = qs.filter(limit)
        return qs

    def in_scopes(self, scopes):
        """Rows of several firms in one query, each firm's through its own Scope
        (the cross-firm pages of provider staff: their queue, the team queue)."""
        scopes = tuple(scopes)
        return self._kept(("many", scopes), lambda: self._in_scopes(scopes))

    def _kept(self, key, build):
        """The filter ``build`` makes, built once a thread for equal Scopes
        (``_KeptFilters``)."""
        query = kept_filters.query((self.model, self._db, *key), build)
        return TenantQuerySet(self.model, query=query, using=self._db)

    def _in_scopes(self, scopes):
        combined = None
        for scope in scopes:
            q = models.Q(firm=scope.firm)
            limit = self._limit(scope)
            if limit is not None:
                q &= limit
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
    # Declared by every concrete model (the system check in common.checks).
    need_to_know: ClassVar[NeedToKnow]

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
