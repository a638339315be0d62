from firmdesk.common.paginator import CappedPaginator
from firmdesk.work.models import Task
from tests import factories as f


def test_count_stops_at_the_cap_and_pages_still_work(firm):
    for n in range(7):
        f.task(firm, title=f"Task {n}")
    rows = Task.unscoped.filter(firm=firm).order_by("title")
    capped = CappedPaginator(rows, 2, cap=5)
    assert capped.count == 6 and capped.capped
    assert [t.title for t in capped.page(2).object_list] == ["Task 2", "Task 3"]
    exact = CappedPaginator(rows, 2, cap=10)
    assert exact.count == 7 and not exact.capped
