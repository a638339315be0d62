"""System reads: the few ways to reach client data with no person's Scope.

Pages, API routes, exports and feeds read through ``Model.objects.in_scope(scope)``
or an ``access_*`` helper. Some code has no person behind it: a background job
loads the row it was enqueued for, a public link finds its row by a secret, a
scheduled sweep looks for due work in every firm, routing weighs a person's
work in every firm they serve, a provider's staff page says where its people
work, a scoped query prefetches what hangs off its rows, the Scope resolver
reads the facts the rule is made of, and the demo and seed loaders write
generated data.
Each of those goes through one of the functions here, so that every read around
the rule is named, documented and easy to find. ``tests/access/test_system_reads.py``
fails on a ``.unscoped`` (or ``_default_manager``, ``_base_manager``, raw SQL on
client tables) anywhere else in ``src/`` that its allowlist does not name.

Writing a row needs none of this: ``Model.objects.create(firm=..., ...)`` and
``Model.objects.bulk_create(rows)`` take rows that name their firm.
"""

from django.db import models

from firmdesk.common.models import TenantModel


def job_row(model, pk, *, related=(), for_update=False):
    """The row a background job was enqueued for, by primary key, or None if it
    is gone. The job was enqueued by a service acting within a Scope; whatever
    the job then tells a person is checked again at delivery (``notify``)."""
    qs = model.unscoped.select_related(*related)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return qs.filter(pk=pk).first()


def by_token(model, *, related=(), **secret):
    """The one row whose secret (a token in a public link or a feed address)
    was presented, or None. Whoever holds the secret reads that row only."""
    ((field, value),) = secret.items()
    return model.unscoped.select_related(*related).filter(**{field: value}).first()


def sweep(model) -> models.QuerySet:
    """Every firm's rows of ``model`` for a scheduled job that looks for due
    work across firms (reminders, service-level clocks, routing, call
    follow-ups). Never for a page: a sweep has no viewer."""
    return model.unscoped.all()


def workload(model, *, assignees) -> models.QuerySet:
    """The rows of ``model`` assigned to ``assignees`` in every firm they
    serve. Routing gives a task to whoever has the least open work across all
    their firms (and counts it, and when each was last given one, for the
    routing page: numbers, never rows), and a handover moves an absent or
    departing person's open work wherever it is. Neither a sweep (the routing
    page has a viewer) nor a rule fact (a task is not part of the rule)."""
    return model.unscoped.filter(assignee__in=assignees)


def provider_side(model, *, provider) -> models.QuerySet:
    """``provider``'s own rows of ``model`` (its staff's assignments) in every
    firm it serves, for the provider admin's staff page: where each person
    works, by firm name, no client data. A provider is not a firm, so no
    Scope covers it; ``engagements`` sits below ``access`` and cannot call
    this, so the selector lives in ``access.selectors``."""
    return model.unscoped.filter(engagement__provider=provider)


def through_scoped(model) -> models.QuerySet:
    """Rows of ``model`` reached only through rows a Scope already gave: the
    queryset of a ``Prefetch`` on a scoped query (Django adds ``<fk> IN`` the
    scoped rows' keys: an event's attendees) or a subquery correlated on
    ``OuterRef("pk")`` of one (a task's open flags). The outer rows decide
    what is seen, and what hangs off them is of their firm by construction.

    Not ``Model.objects.for_firm(...)``, on purpose: on SQLite without table
    statistics (an install that never ran ANALYZE) a ``firm_id`` term makes
    the planner take the index that starts with the firm and read every row
    of the firm instead of the outer rows' own (seen by hand on a calendar's
    attendees and a queue's open flags; no benchmark keeps the figure)."""
    return model.unscoped.all()


def rule_facts(model) -> models.QuerySet:
    """The rows the access rule is made of (assignments, agreements, grants,
    screens), read to decide a Scope (``access.scope``), to route work to
    people who have access (``work.routing``), or to show a person their own
    assignments and the agreements they signed, so they can sign theirs
    (``documents.selectors.own_agreements``): before signing they have no
    Scope to read them through."""
    return model.unscoped.all()


def loader(model) -> models.Manager:
    """The manager the demo, seed and import loaders write generated data
    with, across firms and databases (``.using(alias)``), from the command
    line only: a tenant model's unscoped manager, any other model's default
    one (organisations, users), so a loader needs no bypass of its own."""
    if issubclass(model, TenantModel):
        return model.unscoped
    return model._default_manager
