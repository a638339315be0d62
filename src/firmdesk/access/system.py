"""System reads: the few ways to reach client data with no person's Scope.

Pages, API routes, exports and feeds read through ``Model.objects.in_scope(scope)``
or an ``access_*`` helper. Some code has no person behind it: a background job
loads the row it was enqueued for, a public link finds its row by a secret, a
scheduled sweep looks for due work in every firm, the Scope resolver reads the
facts the rule is made of, and the demo and seed loaders write generated data.
Each of those goes through one of the functions here, so that every read around
the rule is named, documented and easy to find. ``tests/access/test_system_reads.py``
fails on a ``.unscoped`` (or ``_default_manager``, ``_base_manager``, raw SQL on
client tables) anywhere else in ``src/`` that its allowlist does not name.

Writing a row needs none of this: ``Model.objects.create(firm=..., ...)`` and
``Model.objects.bulk_create(rows)`` take rows that name their firm.
"""

from django.db import models


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


def rule_facts(model) -> models.QuerySet:
    """The rows the access rule is made of (assignments, agreements, grants,
    screens), read to decide a Scope (``access.scope``) or to route work to
    people who have access (``work.routing``)."""
    return model.unscoped.all()


def loader(model) -> models.Manager:
    """The manager the demo, seed and import loaders write generated data
    with, across firms and databases (``.using(alias)``), from the command
    line only."""
    return model.unscoped
