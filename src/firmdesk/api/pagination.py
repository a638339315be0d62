"""Cursor pagination with a choice of ordering (issue 21).

A list answers ``{"items": [...], "next_cursor": "…" | null}``; pass
``cursor=<next_cursor>`` for the next page. The cursor is the last row's sort
value and id (keyset pagination): pages neither skip nor repeat rows when
others are added meanwhile, and a page deep in a million rows costs what the
first does. Orderings are declared per route, on columns that are never null.
"""

import base64
import binascii
import datetime
import json
from collections.abc import Mapping
from typing import Annotated, Generic, TypeVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from pydantic import AfterValidator, AwareDatetime, Field

from .errors import Unprocessable
from .schema import Schema

T = TypeVar("T")


def in_utc(value: datetime.datetime) -> datetime.datetime:
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        raise ValueError("Give a date between the years 1 and 9999.") from None


# A moment to filter by (or to record): ISO 8601 with its offset, so it means
# one instant wherever the client is, taken in UTC. PostgreSQL refuses offsets
# past ±15:59 that ISO 8601 allows (found by tests/api/test_schema.py).
Instant = Annotated[AwareDatetime, AfterValidator(in_utc)]

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class ListQuery(Schema):
    """What every list route takes besides its own filters."""

    order: str | None = Field(
        None, description="One of the route's orderings; a leading “-” reverses it."
    )
    cursor: str | None = Field(
        None,
        description="The previous page's next_cursor; leave it out for the first page.",
    )
    limit: int | None = Field(
        None, description=f"Items a page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT})."
    )


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def _encode(order: str, value, pk: int) -> str:
    if isinstance(value, datetime.datetime):
        # Every microsecond: DjangoJSONEncoder keeps milliseconds, and a row
        # a fraction of a millisecond after its cursor came back again.
        value = value.isoformat()
    raw = json.dumps([order, value, pk], cls=DjangoJSONEncoder)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, object, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        order, value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return str(order), value, int(pk)
    except (ValueError, TypeError, binascii.Error):
        raise Unprocessable(
            "This cursor is not one FirmDesk gave: pass the next_cursor of the "
            "previous page as it was, or leave it out for the first page.",
            fields={"cursor": ["Not a cursor from this list."]},
        ) from None


def paginate(
    queryset: QuerySet,
    query: ListQuery,
    *,
    orderings: Mapping[str, str],
    default: str,
    keys_first: bool = False,
) -> dict:
    """One page of ``queryset``, as ``query`` (the route's filters) asks.

    ``orderings``: what a client may pass as ``order`` (``"due"``,
    ``"-created"``: a leading minus sorts newest or largest first) → the model
    field (never null). ``default``: the order when none is given.
    ``keys_first``: read the page's keys, then its rows with their joins
    (``_joined_rows``), for a list whose joins cost PostgreSQL more to plan
    or to sort than a second query costs this process.
    """
    order = query.order or default
    cursor, limit = query.cursor, query.limit
    name = order.removeprefix("-")
    if name not in orderings:
        allowed = ", ".join(sorted(orderings))
        raise Unprocessable(
            f"Cannot order by “{name}”: choose one of {allowed}, with a leading "
            "“-” for descending.",
            fields={"order": [f"Choose one of {allowed}."]},
        )
    if limit is None:
        limit = DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise Unprocessable(
            f"Ask for 1 to {MAX_LIMIT} items a page.",
            fields={"limit": [f"Between 1 and {MAX_LIMIT}."]},
        )
    field = orderings[name]
    descending = order.startswith("-")
    model_field = queryset.model._meta.get_field(field.split("__")[0])
    if cursor:
        cursor_order, value, pk = _decode(cursor)
        if cursor_order != order:
            raise Unprocessable(
                "This cursor belongs to another ordering: keep the same “order” "
                "for every page, or start again without a cursor.",
                fields={"cursor": ["From a list in another order."]},
            )
        if "__" not in field:
            value = model_field.to_python(value)
        after = "lt" if descending else "gt"
        queryset = queryset.filter(
            Q(**{f"{field}__{after}": value}) | Q(**{field: value, f"pk__{after}": pk})
        )
    sign = "-" if descending else ""
    ordered = queryset.order_by(f"{sign}{field}", f"{sign}pk")
    if keys_first:
        keys = list(ordered.values_list(field, "pk")[: limit + 1])
        rows = _joined_rows(ordered, [pk for _, pk in keys[:limit]])
    else:
        rows = list(ordered[: limit + 1])
        keys = [(_value_of(row, field), row.pk) for row in rows]
        rows = rows[:limit]
    next_cursor = None
    if len(keys) > limit:
        # Keyset: the next page starts after the page's last key.
        value, pk = keys[limit - 1]
        next_cursor = _encode(order, value, pk)
    return {"items": rows, "next_cursor": next_cursor}


def _value_of(row, field: str):
    for part in field.split("__"):
        row = getattr(row, part)
    return row


def _joined_rows(ordered: QuerySet, pks: list) -> list:
    """The rows of ``pks``, in that order, with the rows they join.

    The page's keys are read first, then its rows by key. As one query, with
    the five or six joins of the task and event lists under ``ORDER BY …
    LIMIT``, PostgreSQL took about 3 ms to plan what ran in 0.3, and where no
    index gives the order it joined every row of the firm before sorting (the
    lead list joined all the firm's matters: 13 ms). Found by key, the join
    plans in under 1 ms and touches only the page's rows. The second query
    costs this process about a millisecond, more than it saves on the
    matter and invoice lists, which keep one query (issue 22,
    bench/results/api.md). A row deleted between the two reads is left out,
    as it would be a moment later."""
    if not pks:
        return []
    found = {row.pk: row for row in ordered.order_by().filter(pk__in=pks)}
    return [found[pk] for pk in pks if pk in found]
