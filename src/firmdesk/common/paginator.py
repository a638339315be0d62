from functools import cached_property

from django.core.paginator import Paginator


class CappedPaginator(Paginator):
    """A paginator that stops counting at ``cap`` rows.

    Counting every finished task of a busy team costs a scan of hundreds of
    thousands of rows for a number nobody reads exactly; past the cap the page
    says "more than 1,000" and still pages through them.
    """

    def __init__(self, object_list, per_page, *, cap: int = 1000, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        return min(self.object_list.order_by()[: self.cap + 1].count(), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap
