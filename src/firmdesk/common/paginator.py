from functools import cached_property
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window


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
        keys = list(rows.values_list("pk", flat=True)[bottom:top])
        return self._rows_of(rows, keys, number)

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
        found = list(
            rows.annotate(_total=Window(Count("pk"))).values_list("pk", "_total")[
                bottom : bottom + self.per_page + self.orphans
            ]
        )
        if not found:
            if number == 1:
                self.__dict__["count"] = 0
                return self._rows_of(rows, [], self.validate_number(1))
            # Past the end (an old link): the whole count, so the last page
            # shown is the real last page.
            self.__dict__["count"] = rows.order_by().values("pk").count()
            self._exact = True
            return None
        # Counted on the way, so exact: no cap, and every page can be reached.
        self.__dict__["count"] = total = found[0][1]
        self._exact = True
        top = bottom + self.per_page
        if top + self.orphans >= total:
            top = total
        return self._rows_of(rows, [pk for pk, _ in found[: top - bottom]], number)

    def _rows_of(self, rows: QuerySet[Any], keys, number):
        found = rows.order_by().filter(pk__in=keys) if keys else []
        by_key = {row.pk: row for row in found}
        return Page([by_key[k] for k in keys if k in by_key], number, self)
