"""The seed writer's ``new``: the instance ``Model(**values)`` would make,
without ``Model.__init__``'s cost; ``insert_rows``: rows as tuples, read back
as a new instance would have been written."""

import datetime
import uuid

import pytest
from django.db import connection

from firmdesk.demo import seed_database
from firmdesk.demo.seed import INDEXED_LATER
from firmdesk.demo.seed_writer import dict_rows, insert, insert_rows, new, public_ids
from firmdesk.engagements.models import Engagement
from firmdesk.matters.models import Contact
from firmdesk.orgs.models import Organization


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_new_sets_what_model_init_sets_and_makes_callable_defaults_per_row():
    firm = Organization(pk=7, kind="firm", name="A", slug="a")
    values = {"firm": firm, "kind": Contact.Kind.PERSON, "name": "Ann Lee"}
    made, reference = new(Contact, **values), Contact(**values)
    mine, theirs = _fields(made), _fields(reference)
    assert isinstance(mine.pop("public_id"), uuid.UUID)
    theirs.pop("public_id")
    assert mine == theirs
    assert made.firm is firm and made.firm_id == 7
    assert made._state.adding and made._state.db == reference._state.db
    # A default made by a callable (a list, a UUID) is never shared by two rows.
    other = new(Contact, **values)
    assert other.emails is not made.emails
    assert other.public_id != made.public_id


def test_new_takes_pk_and_column_names():
    made = new(Engagement, pk=5, firm_id=3, provider_id=4)
    assert (made.pk, made.firm_id, made.provider_id) == (5, 3, 4)


def test_new_refuses_a_name_the_model_does_not_have():
    with pytest.raises(TypeError, match="Contact has no field nmae"):
        new(Contact, firm_id=1, nmae="Ann")


def _firm() -> Organization:
    return insert(
        "default",
        Organization,
        [new(Organization, kind="firm", name="Lee & Co", slug="lee", time_zone="UTC")],
    )[0]


def test_rows_made_by_new_read_back_as_written(db):
    firm = _firm()
    written = insert(
        "default",
        Contact,
        [
            new(
                Contact,
                firm=firm,
                kind=Contact.Kind.ORGANIZATION,
                name="Acme Corp",
                emails=["info@acme.example"],
            )
        ],
    )[0]
    row = Contact.unscoped.get(pk=written.pk)
    assert (row.firm_id, row.name, row.emails) == (firm.pk, "Acme Corp", written.emails)
    assert row.public_id == written.public_id
    assert row.created_at is not None
    assert abs(row.created_at - written.created_at) < datetime.timedelta(seconds=1)


def test_rows_given_as_tuples_read_back_with_defaults_keys_and_times(db):
    firm = _firm()
    new_york = datetime.timezone(datetime.timedelta(hours=-5))
    met = datetime.datetime(2026, 3, 1, 9, 30, tzinfo=new_york)
    before = datetime.datetime.now(datetime.UTC)
    first = insert_rows(
        "default",
        Contact,
        ("firm_id", "name", "emails", "created_at"),
        [
            (firm.pk, "Ann Lee", ["ann@lee.example"], met),
            (firm.pk, "Bo Chan", [], met),
        ],
    )
    ann, bo = Contact.unscoped.filter(pk__in=[first, first + 1]).order_by("pk")
    assert (ann.name, ann.emails, bo.name, bo.emails) == (
        "Ann Lee",
        ["ann@lee.example"],
        "Bo Chan",
        [],
    )
    # Defaults as on a new instance; the time given kept, the one left out
    # stamped now.
    assert ann.kind == Contact.Kind.PERSON and ann.phones == [] and not ann.notes
    assert ann.created_at == met
    assert ann.updated_at >= before - datetime.timedelta(seconds=1)
    assert ann.public_id != bo.public_id
    assert ann.public_id.version == 4


def test_rows_given_as_tuples_must_match_the_columns(db):
    with pytest.raises(TypeError, match="Contact has no column nmae"):
        insert_rows("default", Contact, ("firm_id", "nmae"), [(1, "Ann")])
    with pytest.raises(ValueError, match="zip"):
        insert_rows("default", Contact, ("firm_id", "name"), [(1, "Ann", "extra")])


def test_public_ids_are_distinct_version_4_uuids():
    ids = public_ids(2000)
    assert len(set(ids)) == 2000
    for value in ids:
        parsed = uuid.UUID(value)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert parsed.hex == value


def test_dict_rows_fill_defaults_and_refuse_names_outside_the_columns():
    row = dict_rows(Contact, ("firm_id", "name", "kind", "is_prospective"))
    assert row({"firm_id": 3, "name": "Acme"}) == (
        3,
        "Acme",
        Contact.Kind.PERSON,
        False,
    )
    with pytest.raises(TypeError, match="Not among the columns written: emails"):
        row({"firm_id": 3, "name": "Acme", "emails": []})


_SCHEMA = """
SELECT c.relname, pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
WHERE i.indrelid = ANY(%(tables)s::regclass[])
UNION ALL
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid = ANY(%(tables)s::regclass[])
ORDER BY 1, 2
"""


def _schema(tables) -> list:
    with connection.cursor() as cursor:
        cursor.execute(_SCHEMA, {"tables": tables})
        return cursor.fetchall()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="indexes are deferred on PostgreSQL"
)
def test_deferred_indexes_and_foreign_keys_come_back_as_the_migrations_made_them(db):
    tables = [m._meta.db_table for m in INDEXED_LATER]
    before = _schema(tables)
    assert any("FOREIGN KEY" in d for _, d in before)
    assert sum("CREATE INDEX" in d for _, d in before) > len(tables)

    deferred = seed_database.drop(connection, INDEXED_LATER)
    during = _schema(tables)
    assert not any("FOREIGN KEY" in d for _, d in during)
    # Only partial indexes (a WHERE) stay: they are few and cheap to keep.
    assert all(" WHERE " in d for _, d in during if d.startswith("CREATE INDEX"))
    assert len(during) < len(before) // 2
    # Primary keys and unique constraints stay while the rows are written.
    assert any("PRIMARY KEY" in d for _, d in during)

    seed_database.rebuild(connection, deferred)
    assert _schema(tables) == before
