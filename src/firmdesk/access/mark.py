"""The access mark: a token that changes with every fact the access rule is
made of, so what a person's access resolves to can be kept across requests
(``access.scope.scopes_for_request``) and never outlive the facts it came from.

Every write of an access fact changes the mark inside the writer's own
transaction, not on commit: the facts and the mark change together or not at
all, so a request that reads the mark and then the facts never keeps a result
under a mark older than what it read. Saves and deletes (a queryset's delete
and cascades too) are heard by the receivers below; a ``.update()``, a
``bulk_create`` or a raw write of these tables must call ``bump`` itself
(the demo and seed loaders do, once at the end). Whoever writes these tables
outside FirmDesk runs ``firmdesk access-changed`` (docs/access.md).
"""

import uuid

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models.signals import post_delete, post_migrate, post_save

from firmdesk.engagements.models import (
    AgreementText,
    Assignment,
    ConfidentialityAgreement,
    Engagement,
)
from firmdesk.matters.models import MatterScreen
from firmdesk.orgs.models import Absence, Membership, Organization, StaffProfile

from .models import AccessMark

# The models whose rows decide what a person's access resolves to
# (``access.scope``); tests/access/test_scope_cache.py finds them from the SQL
# the resolution runs and fails when one is missing here. MatterGrant is not
# one: a Scope reads the grants when its queries run, never keeps them.
FACT_MODELS = (
    Organization,
    Membership,
    StaffProfile,
    Absence,
    Engagement,
    Assignment,
    ConfidentialityAgreement,
    AgreementText,
    MatterScreen,
)

MARK_ID = 1


def bump(*, using: str = DEFAULT_DB_ALIAS) -> None:
    """Give the access mark a new token, inside the caller's transaction. One
    statement that inserts the row where it is missing, so a database whose
    row was lost starts keeping results again from a token never seen. It
    locks the row until the transaction ends: writers of access facts (rare
    next to reads) queue behind each other, never behind readers."""
    AccessMark.objects.db_manager(using).bulk_create(
        [AccessMark(id=MARK_ID, token=uuid.uuid4())],
        update_conflicts=True,
        unique_fields=["id"],
        update_fields=["token"],
    )


def current(*, using: str = DEFAULT_DB_ALIAS) -> str:
    """The mark's token as it stands ("": no row, keep nothing). Read it
    before the facts: facts read after it are as new as it, or newer."""
    found = (
        AccessMark.objects.db_manager(using)
        .filter(pk=MARK_ID)
        .values_list("token", flat=True)
        .first()
    )
    return found.hex if found else ""


def _fact_changed(sender, *, using, **kwargs) -> None:
    bump(using=using)


def _migrated(sender, *, using, **kwargs) -> None:
    """A data migration writes facts through historical models, which no
    receiver hears: every ``migrate`` ends with a new mark (where its table
    exists: a partial migrate may stop before it)."""
    if AccessMark._meta.db_table in connections[using].introspection.table_names():
        with transaction.atomic(using=using):
            bump(using=using)


def connect_receivers(app_config) -> None:
    """Bump the mark on every save and delete of an access fact, and after
    every ``migrate`` (the app's ``ready``). ``raw`` saves (fixtures being
    loaded) bump too: the facts change all the same."""
    for model in FACT_MODELS:
        uid = f"access-mark-{model._meta.label_lower}"
        post_save.connect(_fact_changed, sender=model, dispatch_uid=uid)
        post_delete.connect(_fact_changed, sender=model, dispatch_uid=uid)
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="access-mark")
