"""The seed's bulk writer: rows straight into the table, without ``bulk_create``.

``bulk_create`` compiles an INSERT of a thousand rows for every batch, prepares
every value of every row through the field, and asks the database for the new
keys. For millions of seeded rows that took three quarters of the seed's time.
This writer prepares a model's columns once, takes the values of plain columns
(numbers, text, keys) as they are and prepares only the others (dates, times,
decimals, JSON) through their field, hands out the primary keys itself, and
writes each batch with PostgreSQL's ``COPY`` or, on SQLite, one ``executemany``
of a single-row INSERT. Everything stays in the seed's one transaction.

The largest tables skip the model instance altogether: ``insert_rows`` takes
each row as a tuple of the columns a seeder chooses, and fills in the rest
(keys, defaults, public ids, ``auto_now`` stamps) a batch at a time.

It is for the seed only: nothing else writes to the database while it runs, so
the keys it hands out (a block taken from the table's sequence) are free.
"""

import datetime
import operator
import os
import uuid
from collections.abc import Callable, Sequence
from functools import cache
from itertools import repeat
from typing import Any

from django.db import connections, models
from django.db.models.base import ModelState
from django.utils import timezone

# Rows per write.
WRITE_BATCH = 5000

# Columns whose Python value is what the database driver takes as it is: these
# exact classes (a subclass may prepare its values, e.g. encrypted text).
_PLAIN = {
    models.AutoField,
    models.BigAutoField,
    models.IntegerField,
    models.BigIntegerField,
    models.SmallIntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveBigIntegerField,
    models.CharField,
    models.TextField,
    models.SlugField,
    models.EmailField,
    models.URLField,
    models.BooleanField,
    models.FloatField,
}


@cache
def _columns(model) -> tuple[tuple[models.Field, ...], tuple[str, ...]]:
    if model._meta.parents:
        raise TypeError(f"{model.__name__}: the seed writer takes no inherited models")
    fields = tuple(
        f for f in model._meta.concrete_fields if not getattr(f, "generated", False)
    )
    return fields, tuple(f.column for f in fields)


@cache
def _blueprint(model) -> tuple[dict, tuple, frozenset, frozenset]:
    """What ``new`` needs of ``model``: the defaults that are constants, the
    callables that make the others, the relations' names and every name a
    value may be given under."""
    constants: dict[str, Any] = {}
    factories: list[tuple[str, Callable[[], Any]]] = []
    relations, names = set(), set()
    for f in model._meta.concrete_fields:
        names.add(f.attname)
        if f.is_relation:
            relations.add(f.name)
            names.add(f.name)
        if f.has_default() and callable(f.default):
            factories.append(
                (f.attname, f.default if not f.is_relation else f.get_default)
            )
        else:
            constants[f.attname] = f.get_default()
    names.add("pk")
    return constants, tuple(factories), frozenset(relations), frozenset(names)


def new(model, /, **values):
    """An unsaved ``model(**values)`` for the writer, made for a fraction of
    the cost of ``Model.__init__`` (a quarter of the seed's time when every
    row went through it): defaults are worked out once per model, not once
    per field of every row. Values are given by field name (a related object)
    or column attribute (``firm_id``), as to the model; nothing else."""
    constants, factories, relations, names = _blueprint(model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    obj = model.__new__(model)
    obj._state = ModelState()
    state = obj.__dict__
    state.update(constants)
    for attname, make in factories:
        state[attname] = make()
    for name, value in values.items():
        if name == "pk":
            name = model._meta.pk.attname
        if name in relations:
            # The descriptor sets the key and caches the object, as __init__.
            setattr(obj, name, value)
        else:
            state[name] = value
    return obj


def _plain(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        return _plain(field.target_field)
    return type(field) in _PLAIN


def _sqlite_datetime(value):
    # What SQLite's adapt_datetimefield_value writes: naive UTC, str().
    if value is None or isinstance(value, str):
        return value
    if value.tzinfo is None:
        return str(value)
    if value.tzinfo is not datetime.UTC:
        value = value.astimezone(datetime.UTC)
    # str() of the naive value is isoformat(" ") without the "+00:00".
    return value.isoformat(" ")[:-6]


def _sqlite_date(value):
    return None if value is None else str(value)


def _sqlite_uuid(value):
    return None if value is None else value.hex


# Exact field classes whose values SQLite needs as text; PostgreSQL's driver
# takes them as they are.
_SQLITE_TEXT = {
    models.DateTimeField: _sqlite_datetime,
    models.DateField: _sqlite_date,
    models.UUIDField: _sqlite_uuid,
}


def _stamps(model) -> tuple[tuple[str, Callable[[], Any]], ...]:
    """The model's ``auto_now``/``auto_now_add`` columns and what stamps them
    (not cached: ``historical_timestamps`` turns them off for a while)."""
    return tuple(
        (f.attname, timezone.now if isinstance(f, models.DateTimeField) else _today)
        for f in _columns(model)[0]
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    )


def _today() -> datetime.date:
    # What DateField.pre_save stamps.
    return datetime.date.today()  # noqa: DTZ011


def _prepare(field: models.Field, connection) -> Callable[[Any], Any] | None:
    """How a value of ``field`` is made ready for the driver; None: as it is."""
    kind = type(field)
    if _plain(field) or kind is models.DecimalField:
        return None
    if kind in _SQLITE_TEXT:
        return _SQLITE_TEXT[kind] if connection.vendor == "sqlite" else None
    return lambda value: field.get_db_prep_save(value, connection)


def _row_maker(model, connection) -> Callable[[Any], Sequence]:
    """How to turn an instance into its row: every column's value read from
    the instance's ``__dict__`` at once, and only the few columns that need it
    converted (dates and UUIDs on SQLite, JSON, encrypted text…)."""
    fields, _ = _columns(model)
    convert = [
        (i, prepare)
        for i, f in enumerate(fields)
        if (prepare := _prepare(f, connection)) is not None
    ]
    names = [f.attname for f in fields]
    get = operator.itemgetter(*names) if len(names) > 1 else lambda d: (d[names[0]],)
    if not convert:
        return lambda obj: get(obj.__dict__)

    def row(obj) -> list:
        values = list(get(obj.__dict__))
        for i, prepare in convert:
            values[i] = prepare(values[i])
        return values

    return row


def _take_keys(connection, model, count: int) -> int:
    """The first of ``count`` new primary keys for ``model``'s table.

    Table and column names come from the model, never from input.
    """
    table = model._meta.db_table
    pk = model._meta.pk.column
    highest = (
        f"SELECT COALESCE(MAX({connection.ops.quote_name(pk)}), 0) "  # noqa: S608
        f"FROM {connection.ops.quote_name(table)}"
    )
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(highest)
            return cursor.fetchone()[0] + 1
        # Past both the sequence and the highest key, so the app's own inserts
        # after the seed carry on from there.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
        (sequence,) = cursor.fetchone()
        cursor.execute(
            f"SELECT setval(%s, GREATEST(nextval(%s) + %s - 1, ({highest}) + %s))",
            [sequence, sequence, count, count],
        )
        return cursor.fetchone()[0] - count + 1


def insert(alias: str, model, objs: Sequence) -> Sequence:
    """Write ``objs`` (unsaved instances of ``model``) and give each its key."""
    if not objs:
        return objs
    connection = connections[alias]
    fields, columns = _columns(model)
    pk_field = model._meta.pk
    if isinstance(pk_field, models.AutoField) and any(o.pk is None for o in objs):
        first = _take_keys(connection, model, len(objs))
        for n, obj in enumerate(objs):
            if obj.pk is None:
                obj.pk = first + n
    for obj in objs:
        # A related object saved since it was assigned lends its key, as in
        # bulk_create.
        obj._prepare_related_fields_for_save(operation_name="seed")
    # One stamp for the batch rather than a clock reading per row and column,
    # as pre_save would.
    for attname, stamp in _stamps(model):
        value = stamp()
        for obj in objs:
            obj.__dict__[attname] = value
    row = _row_maker(model, connection)
    rows = [row(obj) for obj in objs]
    write_rows(alias, model._meta.db_table, columns, rows)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias
    return objs


# The hex digit that carries a version 4 UUID's variant bits (10xx), by the
# random digit it replaces.
_VARIANT = {f"{n:x}": f"{8 | n & 3:x}" for n in range(16)}


def public_ids(count: int) -> list[str]:
    """``count`` random version 4 UUIDs as 32 hex digits, the form SQLite
    stores and PostgreSQL reads: what ``uuid4().hex`` gives, from one read of
    the system's random source rather than one per row (``uuid4`` and the
    ``UUID`` object it builds were a tenth of the seed's time)."""
    digits = os.urandom(16 * count).hex()
    return [
        f"{digits[i : i + 12]}4{digits[i + 13 : i + 16]}"
        f"{_VARIANT[digits[i + 16]]}{digits[i + 17 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


# Callable defaults whose value is the same every time: made and prepared
# once per batch rather than once per row.
_SAME_EVERY_TIME = (list, dict, tuple, str)


def insert_rows(
    alias: str, model, columns: Sequence[str], rows: Sequence[tuple]
) -> int | None:
    """Write ``rows``, tuples of values for ``columns`` (attribute names, e.g.
    ``firm_id``, in that order), with no model instance per row.

    Every other column gets what a new instance would: its default (a fresh
    public id per row), ``auto_now`` stamps for the batch, and, when
    ``columns`` leaves out an auto-increment primary key, consecutive new keys
    in the order of ``rows``; the first of them is returned (None when the
    rows carry their keys or there are none). Values are as on the model:
    dates, times, decimals and JSON are prepared here for the database.
    """
    if not rows:
        return None
    connection = connections[alias]
    fields, _ = _columns(model)
    by_name = {f.attname: f for f in fields}
    unknown = set(columns) - by_name.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    given = [by_name[name] for name in columns]
    prepares = [_prepare(f, connection) for f in given]
    stamped = dict(_stamps(model))
    pk = model._meta.pk
    first = None
    if pk.attname not in columns and isinstance(pk, models.AutoField):
        first = _take_keys(connection, model, len(rows))
    # The columns not given: (field, value for every row, or a maker per row).
    rest = [f for f in fields if f.attname not in columns and f is not pk]
    for start in range(0, len(rows), WRITE_BATCH):
        batch = rows[start : start + WRITE_BATCH]
        count = len(batch)
        # Column by column: each value conversion is one map over a column.
        values: list = [
            column if prepare is None else map(prepare, column)
            for column, prepare in zip(zip(*batch, strict=True), prepares, strict=True)
        ]
        names = list(columns)
        if first is not None:
            values.insert(0, range(first + start, first + start + count))
            names.insert(0, pk.attname)
        for f in rest:
            names.append(f.attname)
            values.append(_filled(f, count, stamped, connection))
        write_rows(
            alias,
            model._meta.db_table,
            [by_name[name].column for name in names],
            list(zip(*values, strict=True)),
        )
    return first


def dict_rows(model, columns: Sequence[str]) -> Callable[[dict], tuple]:
    """For a planner that gathers a row's values in a dict: the function that
    makes it the row of ``columns`` for ``insert_rows``, a column the dict
    leaves out taking its default, as on a new instance. A name outside
    ``columns`` is refused rather than dropped."""
    fields = {f.attname: f for f in _columns(model)[0]}
    unknown = set(columns) - fields.keys()
    if unknown:
        raise TypeError(f"{model.__name__} has no column {', '.join(sorted(unknown))}")
    defaults = {name: fields[name].get_default() for name in columns}
    get = operator.itemgetter(*columns)

    def row(values: dict) -> tuple:
        merged = {**defaults, **values}
        if len(merged) != len(defaults):
            extra = ", ".join(sorted(merged.keys() - defaults.keys()))
            raise TypeError(f"Not among the columns written: {extra}")
        return get(merged)

    return row


def _filled(field: models.Field, count: int, stamped: dict, connection):
    """The values of a column a caller left out, for ``count`` new rows."""
    if field.attname in stamped:
        value = stamped[field.attname]()
    elif isinstance(field, models.UUIDField) and field.default is uuid.uuid4:
        return public_ids(count)
    elif not callable(field.default) or field.default in _SAME_EVERY_TIME:
        value = field.get_default()
    else:
        made = [field.get_default() for _ in range(count)]
        prepare = _prepare(field, connection)
        return made if prepare is None else map(prepare, made)
    prepare = _prepare(field, connection)
    return repeat(value if prepare is None else prepare(value), count)


def write_rows(alias: str, table: str, columns: Sequence[str], rows: list) -> None:
    """Write prepared rows (tuples in the order of ``columns``) into ``table``."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as wrapper:
            raw = wrapper.cursor
            with raw.copy(
                f"COPY {quote(table)} ({names}) FROM STDIN"  # noqa: S608
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        return
    marks = ", ".join("?" * len(columns))
    raw = connection.connection.cursor()
    try:
        raw.executemany(
            f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})",  # noqa: S608
            rows,
        )
    finally:
        raw.close()
