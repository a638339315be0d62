from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import Error, connections
from django.db.models import Count, QuerySet, Window
from django.db.models.sql.where import WhereNode


class CappedPaginator(Paginator):
    """A paginator that stops counting at ``cap`` rows, and reads a page of a
    query by its keys.

    Counting every finished task of a busy team costs a scan of hundreds of
    thousands of rows for a number nobody reads exactly; past the cap the page
    says "more than 1,000" and still pages through them.

    A page is found by its keys first (the filter and the order on narrow rows,
    so the database keeps only a page's worth while sorting), then its rows with
    everything they are shown with, by those keys. Sorting thousands of wide
    rows joined to their firm, matter and people spilled to disk on PostgreSQL
    and took half a second for a team's finished work. When the count is not
    known yet, it comes with the keys, exact: the sort reads every matching row
    anyway. Only a count asked for on its own stops at the cap.

    The keys and the rows are read in one snapshot of the database where it
    can give one (``_one_snapshot``), and then the rows are read by their keys
    alone: the keys were chosen by the whole query (the person's access to
    each firm, the page's filters) in that same snapshot, so the rows of those
    keys are the rows that query gives, and repeating its conditions would
    only cost the time to build and plan them again — for an assistant who
    serves eleven firms, a fifth of the queue's database statements' cost.
    Where there is no one snapshot to read in (inside a caller's transaction
    of PostgreSQL's default isolation, where each statement takes its own),
    the rows query keeps every condition.
    """

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap
        self._exact = False

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return min(len(rows), self.cap + 1)
        # Only the keys: annotations and joins the rows carry are not needed to
        # count them.
        keys = rows.order_by().values("pk")
        return min(keys[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        """The count stopped at the cap: "more than 1,000"."""
        return not self._exact and self.count > self.cap

    def get_page(self, number):
        uncounted = self._uncounted_query()
        if uncounted is not None:
            try:
                wanted = max(int(number), 1)
            except (TypeError, ValueError):
                wanted = 1
            page = self._page_and_count(uncounted, wanted)
            if page is not None:
                return page
        return super().get_page(number)

    def page(self, number):
        rows = self.object_list
        if not isinstance(rows, QuerySet):
            return super().page(number)
        uncounted = self._uncounted_query()
        if uncounted is not None:
            page = self._page_and_count(uncounted, number)
            if page is not None:
                return page
        number = self.validate_number(number)
        if self.count <= self.per_page + self.orphans:
            # One page in all: nothing to narrow down, one query.
            return Page(list(rows), number, self)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count and not self.capped:
            # A capped count is not where the rows end: a page there is full.
            top = self.count
        with _one_snapshot(rows.db) as alone:
            keys = list(rows.values_list("pk", flat=True)[bottom:top])
            return self._rows_of(rows, keys, number, by_keys_alone=alone)

    def _uncounted_query(self) -> QuerySet[Any] | None:
        """The query, while its count is still to come with a page's keys."""
        rows = self.object_list
        if isinstance(rows, QuerySet) and "count" not in self.__dict__:
            return rows
        return None

    def _page_and_count(self, rows: QuerySet[Any], number):
        """Page ``number`` and the count, in one query for the keys and one for
        the rows; None when ``number`` is not a page there is (then the count
        is known and the usual way answers)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            return None
        if number < 1:
            return None
        bottom = (number - 1) * self.per_page
        with _one_snapshot(rows.db) as alone:
            found = list(
                rows.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[
                    bottom : bottom + self.per_page + self.orphans
                ]
            )
            if found:
                # Counted on the way, so exact: no cap, every page reachable.
                self.__dict__["count"] = total = found[0][1]
                self._exact = True
                top = bottom + self.per_page
                if top + self.orphans >= total:
                    top = total
                keys = [pk for pk, _ in found[: top - bottom]]
                return self._rows_of(rows, keys, number, by_keys_alone=alone)
        if number == 1:
            self.__dict__["count"] = 0
            return self._rows_of(rows, [], self.validate_number(1))
        # Past the end (an old link): the whole count, so the last page shown
        # is the real last page.
        self.__dict__["count"] = rows.order_by().values("pk").count()
        self._exact = True
        return None

    def _rows_of(self, rows: QuerySet[Any], keys, number, *, by_keys_alone=False):
        """The rows of ``keys`` in their order, with what ``rows`` reads with
        them (related rows, annotations). ``by_keys_alone``: the keys were
        read by ``rows`` in the snapshot this reads in, so the keys are the
        only condition needed."""
        if not keys:
            return Page([], number, self)
        found = rows.order_by()
        if by_keys_alone and not _counts_what_it_filters(rows):
            found.query.where = WhereNode()
        by_key = {row.pk: row for row in found.filter(pk__in=keys)}
        return Page([by_key[k] for k in keys if k in by_key], number, self)


def _counts_what_it_filters(rows: QuerySet[Any]) -> bool:
    """An aggregate over a relation the query also filters (``Count("flags")``
    after ``filter(flags__kind=…)``) counts the rows that filter let through:
    without the filter it would count them all, so such a query keeps it."""
    return any(
        getattr(annotation, "contains_aggregate", False)
        for annotation in rows.query.annotations.values()
    )


# A read-only transaction that reads one snapshot (``_one_snapshot``).
# PostgreSQL's default isolation, read committed, takes a snapshot a statement.
# SQLite reads one snapshot in any transaction; a deferred one takes no lock
# for writing (Django's own begin immediately, to write).
BEGIN_ONE_SNAPSHOT = {
    "postgresql": "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
    "sqlite": "BEGIN DEFERRED",
}


@contextmanager
def _one_snapshot(using: str) -> Iterator[bool]:
    """Run the statements inside in one snapshot of the database where that
    can be had, and yield whether it was.

    Outside a transaction: a read-only one, begun and ended here (Django's
    ``atomic`` would begin SQLite's for writing, and cannot set PostgreSQL's
    isolation). Inside a caller's transaction the answer is its isolation's
    (``_one_snapshot_a_transaction``): it cannot be changed there."""
    connection = connections[using]
    begin = BEGIN_ONE_SNAPSHOT.get(connection.vendor)
    in_transaction = connection.in_atomic_block or not connection.get_autocommit()
    if in_transaction or begin is None:
        yield in_transaction and _one_snapshot_a_transaction(connection)
        return
    _send(connection, begin)
    try:
        yield True
    except BaseException:
        # A connection already broken raises its own error, not this one.
        with suppress(Error):
            _send(connection, "ROLLBACK")
        raise
    _send(connection, "COMMIT")


def _one_snapshot_a_transaction(connection) -> bool:
    """Whether a transaction of ``connection`` reads one snapshot: SQLite's
    always; PostgreSQL's at repeatable read or serializable (the connection's
    isolation, ``OPTIONS["isolation_level"]``), not at its default."""
    if connection.vendor == "sqlite":
        return True
    if connection.vendor != "postgresql":
        return False
    from psycopg import IsolationLevel

    return connection.connection.isolation_level in (
        IsolationLevel.REPEATABLE_READ,
        IsolationLevel.SERIALIZABLE,
    )


def _send(connection, statement: str) -> None:
    """A statement that begins or ends ``_one_snapshot``'s transaction."""
    with connection.cursor() as cursor:
        cursor.execute(statement)
