import pytest
from django.db import connection

from firmdesk.common.paginator import CappedPaginator
from firmdesk.work.models import Flag, Task
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


def test_a_page_that_reaches_past_a_capped_count_is_full(firm):
    """A list "more than 4" long does not end at 4: the page that crosses the
    cap shows a full page, not the rows up to the cap."""
    for n in range(7):
        f.task(firm, title=f"Task {n}")
    rows = Task.unscoped.filter(firm=firm).order_by("title")
    capped = CappedPaginator(rows, 3, cap=4)
    assert capped.count == 5 and capped.capped
    assert [t.title for t in capped.page(2).object_list] == [
        "Task 3",
        "Task 4",
        "Task 5",
    ]


def test_a_page_read_by_its_keys_has_the_rows_in_order_with_their_related_data(
    firm, matter, assistant, attorney, django_assert_num_queries
):
    """The page is found by keys, then read with select_related and
    annotations: same rows, same order as one query, nothing read row by row."""
    from firmdesk.access.scope import resolve_scope
    from firmdesk.work.selectors import _with_row_data

    for n in range(9):
        f.task(
            firm,
            matter=matter if n % 2 else None,
            assignee=assistant,
            title=f"Task {n % 3}",
            priority=("urgent", "low", "normal")[n % 3],
        )
    scopes = [resolve_scope(attorney, firm)]
    rows = _with_row_data(Task.unscoped.filter(firm=firm), scopes).order_by(
        "priority_rank", "-title", "pk"
    )
    expected = list(rows)
    paginator = CappedPaginator(rows, 4)
    assert paginator.count == 9  # the count is a query of its own
    with django_assert_num_queries(2):  # the keys, then the rows
        first = paginator.page(1).object_list
    got = first + paginator.page(2).object_list + paginator.page(3).object_list
    assert [t.pk for t in got] == [t.pk for t in expected]
    with django_assert_num_queries(0):
        shown = [
            (t.firm.name, t.assignee.email, t.has_open_flag, t.matter_visible)
            for t in got
        ]
        numbers = [t.matter.number for t in got if t.matter_id]
    assert len(shown) == 9 and len(numbers) == 4


def test_a_list_that_fits_on_one_page_is_read_in_one_query(
    firm, django_assert_num_queries
):
    for n in range(3):
        f.task(firm, title=f"Task {n}")
    paginator = CappedPaginator(Task.unscoped.filter(firm=firm).order_by("-title"), 50)
    assert paginator.count == 3
    with django_assert_num_queries(1):
        page = paginator.page(1)
    assert [t.title for t in page.object_list] == ["Task 2", "Task 1", "Task 0"]


def test_the_count_comes_with_the_keys_when_it_is_not_known_yet(
    firm, django_assert_num_queries
):
    for n in range(12):
        f.task(firm, title=f"Task {n:02d}")
    rows = Task.unscoped.filter(firm=firm).order_by("title")
    paginator = CappedPaginator(rows, 5, cap=10)
    with django_assert_num_queries(2):  # keys with the count, then the rows
        page = paginator.get_page(2)
        assert [t.title for t in page.object_list] == [
            f"Task {n:02d}" for n in range(5, 10)
        ]
        # Counted with the keys, so exact: the cap is for a count on its own.
        assert paginator.count == 12 and not paginator.capped
        assert paginator.num_pages == 3
    # Past the end or not a number: the last page and the first, as Django's.
    assert CappedPaginator(rows, 5, cap=4).get_page(9).number == 3
    assert CappedPaginator(rows, 5).get_page("x").number == 1
    last = CappedPaginator(rows, 5).get_page(3)
    assert [t.title for t in last.object_list] == ["Task 10", "Task 11"]
    empty = CappedPaginator(rows.filter(title="Nothing like it"), 5)
    with django_assert_num_queries(1):
        assert list(empty.get_page(1).object_list) == [] and empty.count == 0


def test_every_page_of_a_long_list_can_be_reached(firm):
    """Past the cap a list still pages to its end: the count that comes with
    a page's keys is exact."""
    Task.unscoped.bulk_create(
        Task(firm=firm, function="scheduling", title=f"Task {n:03d}") for n in range(23)
    )
    rows = Task.unscoped.filter(firm=firm).order_by("title")
    page = CappedPaginator(rows, 5, cap=10).get_page(5)
    assert [t.title for t in page.object_list] == ["Task 020", "Task 021", "Task 022"]
    assert not page.has_next() and page.paginator.num_pages == 5
    page = CappedPaginator(rows, 5, cap=10).get_page(3)
    assert page.has_next() and page.next_page_number() == 4


def test_a_cross_firm_queue_pages_by_keys_with_its_flags_and_matter_visibility(
    firm, other_firm, matter, other_matter, assistant, django_assert_num_queries
):
    """A queue across firms, paged by its keys, gives the same rows in the same
    order, with the same open flags and matter visibility, as the whole list;
    a task of a firm the person does not serve never appears."""
    from firmdesk.access.scope import firms_for_user
    from firmdesk.work import selectors

    hidden = f.MatterFactory(firm=firm, number="M-2026-099", title="Not granted")
    # Granted matters, a matter not opened to the assistant (task-only), none.
    places = [
        (firm, matter),
        (other_firm, other_matter),
        (firm, hidden),
        (other_firm, None),
        (firm, None),
        (other_firm, other_matter),
        (firm, hidden),
    ]
    for n, (org, on) in enumerate(places):
        task = f.task(org, matter=on, assignee=assistant, title=f"Task {n}")
        if n == 3:
            Flag.unscoped.create(
                firm=org, task=task, raised_by=assistant, kind="blocked", note="?"
            )
    f.task(f.OrganizationFactory(name="Elsewhere LLP", slug="elsewhere"), title="No")
    scopes = firms_for_user(assistant)
    assert {s.firm.pk for s in scopes} == {firm.pk, other_firm.pk}
    rows = selectors.sort_tasks(selectors.queue_mine(scopes, assistant), "title")
    expected = [(t.pk, t.has_open_flag, t.matter_visible) for t in rows]
    assert any(flagged for _, flagged, _ in expected)
    assert {visible for _, _, visible in expected} == {True, False}
    paginator = CappedPaginator(rows, 3)
    got = []
    for number in (1, 2, 3):
        with django_assert_num_queries(2):  # the keys, then the rows
            got += [
                (t.pk, t.has_open_flag, t.matter_visible, t.firm.name)
                for t in paginator.get_page(number).object_list
            ]
    assert [row[:3] for row in got] == expected
    assert "Elsewhere LLP" not in {row[3] for row in got}


def _statements_of(run):
    """The SQL ``run()`` sends, in order."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result = run()
    return result, [q["sql"] for q in captured.captured_queries]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_page_reads_its_rows_by_their_keys_in_one_snapshot(
    firm, other_firm, assistant
):
    """Not inside a caller's transaction (a page as the server draws it), the
    keys and the rows are read in one read-only snapshot, and the rows query
    carries the keys as its only condition, with the same rows, order and
    row data as the whole list."""
    from firmdesk.access.scope import firms_for_user
    from firmdesk.work import selectors

    for n in range(7):
        f.task((firm, other_firm)[n % 2], assignee=assistant, title=f"Task {n}")
    f.task(f.OrganizationFactory(name="Elsewhere LLP", slug="elsewhere"), title="No")
    scopes = firms_for_user(assistant)
    rows = selectors.sort_tasks(selectors.queue_mine(scopes, assistant), "title")
    expected = [(t.pk, t.firm.name, t.matter_visible) for t in rows]
    page, sql = _statements_of(lambda: CappedPaginator(rows, 3).get_page(2))
    assert [(t.pk, t.firm.name, t.matter_visible) for t in page.object_list] == (
        expected[3:6]
    )
    begin, keys, by_keys, end = sql
    assert begin.startswith("BEGIN") and end == "COMMIT"
    if connection.vendor == "postgresql":
        assert "REPEATABLE READ READ ONLY" in begin
    assert "assignee_id" in keys  # the query's own conditions choose the keys
    where = by_keys.rsplit(" WHERE ", 1)[1]
    assert where.startswith('"work_task"."id" IN (') and " AND " not in where
    assert not connection.in_atomic_block and connection.get_autocommit()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="a second connection to the test database (SQLite's is in memory)",
)
@pytest.mark.django_db(transaction=True)
def test_a_row_changed_between_its_key_and_its_row_is_shown_as_the_keys_saw_it(
    firm, assistant
):
    """Someone hands a task in and renames it after the page chose its keys
    and before it read their rows: the page shows the row as it was when it
    matched (one snapshot), never the changed row the query would not have
    chosen."""
    import psycopg

    for n in range(4):
        f.task(firm, assignee=assistant, title=f"Task {n}")
    moved = Task.unscoped.get(firm=firm, title="Task 1")
    rows = Task.unscoped.filter(firm=firm, status="open").order_by("title")
    settings = connection.settings_dict
    other = psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"],
        dbname=settings["NAME"],
        autocommit=True,
    )
    changed = []

    def change_after_the_keys(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "_total" in sql and not changed:
            other.execute(
                "UPDATE work_task SET status = 'done', title = 'Renamed' WHERE id = %s",
                [moved.pk],
            )
            changed.append(moved.pk)
        return result

    try:
        with connection.execute_wrapper(change_after_the_keys):
            page = CappedPaginator(rows, 10).get_page(1)
    finally:
        other.close()
    assert changed
    assert [(t.title, t.status) for t in page.object_list] == [
        (f"Task {n}", "open") for n in range(4)
    ]
    assert Task.unscoped.get(pk=moved.pk).title == "Renamed"


def test_inside_a_transaction_on_postgresql_the_rows_keep_every_condition(firm):
    """In a caller's transaction at PostgreSQL's default isolation each
    statement reads its own snapshot, so the rows are read with the whole
    query's conditions; SQLite's transaction is one snapshot already."""
    for n in range(5):
        f.task(firm, title=f"Task {n}")
    rows = Task.unscoped.filter(firm=firm).order_by("title")
    page, sql = _statements_of(lambda: CappedPaginator(rows, 2).get_page(1))
    assert [t.title for t in page.object_list] == ["Task 0", "Task 1"]
    keys, by_keys = sql
    where = by_keys.rsplit(" WHERE ", 1)[1]
    assert ("firm_id" in where) == (connection.vendor == "postgresql")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's transaction isolation"
)
@pytest.mark.django_db(transaction=True)
def test_inside_a_repeatable_read_transaction_the_rows_are_read_by_their_keys(firm):
    """A caller's transaction at repeatable read (OPTIONS["isolation_level"],
    or the bench's capture) is one snapshot: the rows are read by their keys."""
    from django.db import transaction
    from psycopg import IsolationLevel

    for n in range(5):
        f.task(firm, title=f"Task {n}")
    rows = Task.unscoped.filter(firm=firm).order_by("title")
    connection.ensure_connection()
    raw = connection.connection
    kept = raw.isolation_level
    raw.isolation_level = IsolationLevel.REPEATABLE_READ
    try:
        with transaction.atomic():
            page, sql = _statements_of(lambda: CappedPaginator(rows, 2).get_page(1))
    finally:
        raw.isolation_level = kept
    assert [t.title for t in page.object_list] == ["Task 0", "Task 1"]
    keys, by_keys = sql
    assert "firm_id" not in by_keys.rsplit(" WHERE ", 1)[1]


@pytest.mark.django_db(transaction=True)
def test_a_page_that_fails_half_way_leaves_no_transaction_open(firm, monkeypatch):
    """An error between the keys and the rows ends the read-only transaction:
    the connection's next statements run and commit as before."""
    for n in range(3):
        f.task(firm, title=f"Task {n}")
    rows = Task.unscoped.filter(firm=firm).order_by("title")

    def broken(*args, **kwargs):
        raise RuntimeError("drawing the rows failed")

    monkeypatch.setattr(CappedPaginator, "_rows_of", broken)
    with pytest.raises(RuntimeError, match="drawing the rows failed"):
        CappedPaginator(rows, 2).get_page(1)
    raw = connection.connection
    if connection.vendor == "postgresql":
        from psycopg.pq import TransactionStatus

        assert raw.info.transaction_status == TransactionStatus.IDLE
    else:
        assert not raw.in_transaction
    f.task(firm, title="Written after")
    assert Task.unscoped.filter(title="Written after").exists()


@pytest.mark.django_db(transaction=True)
def test_a_count_over_what_the_query_filters_is_the_same_on_every_page(firm, assistant):
    """A list that counts the rows of a relation it also filters (open flags
    of a kind) shows the same counts paged as whole: such a query keeps its
    conditions on the rows."""
    from django.db.models import Count

    for n in range(4):
        task = f.task(firm, title=f"Task {n}")
        for kind in ("blocked", "blocked", "question")[: n + 1]:
            Flag.unscoped.create(
                firm=firm, task=task, raised_by=assistant, kind=kind, note="?"
            )
    rows = (
        Task.unscoped.filter(firm=firm, flags__kind="blocked")
        .annotate(blocked=Count("flags"))
        .order_by("title")
    )
    expected = [(t.title, t.blocked) for t in rows]
    assert expected == [("Task 0", 1), ("Task 1", 2), ("Task 2", 2), ("Task 3", 2)]
    paginator = CappedPaginator(rows, 2)
    got = [(t.title, t.blocked) for n in (1, 2) for t in paginator.get_page(n)]
    assert got == expected
