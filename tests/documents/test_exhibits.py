"""A matter's exhibit list (documents/exhibits.py): numbering, inserting,
moving, removing and renumbering, who may change it, and the audit trail."""

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.models import AuditEvent
from firmdesk.common.errors import ServiceError
from firmdesk.documents import exhibits as ex
from firmdesk.documents.models import Exhibit
from firmdesk.documents.services import document_upload
from tests import factories as f

from .helpers import upload


@pytest.fixture
def scope(firm, attorney):
    return resolve_scope(attorney, firm)


def _add(scope, matter, description, number=None, insert=False, **fields):
    return ex.exhibit_add(
        scope=scope,
        matter=matter,
        fields=ex.ExhibitFields(description=description, **fields),
        number=number,
        insert=insert,
    )


def _listed(matter) -> list[tuple[int, str]]:
    return list(
        Exhibit.unscoped.filter(matter=matter)
        .order_by("number")
        .values_list("number", "description")
    )


def _actions(firm) -> list[str]:
    return list(
        AuditEvent.objects.filter(org=firm, action__startswith="exhibit")
        .order_by("id")
        .values_list("action", flat=True)
    )


# --- Pure rules ------------------------------------------------------------------

unique_numbers = st.lists(
    st.integers(min_value=1, max_value=60), unique=True, max_size=25
)


@given(unique_numbers)
def test_renumbering_gives_1_to_n_in_the_same_order(numbers):
    new = ex.renumbered(numbers)
    assert sorted(new.values()) == list(range(1, len(numbers) + 1))
    assert [new[n] for n in sorted(numbers)] == sorted(new.values())


@given(unique_numbers, st.integers(min_value=1, max_value=61))
def test_an_insert_moves_the_taken_number_and_everything_after_it(numbers, at):
    moved = ex.numbers_moved_by_insert(numbers, at)
    if at not in numbers:
        assert moved == []
    else:
        assert moved == sorted(n for n in numbers if n >= at)
        after = [n for n in numbers if n not in moved] + [n + 1 for n in moved] + [at]
        assert len(set(after)) == len(after)


def test_next_number_follows_the_last_even_after_a_gap():
    assert ex.next_number([]) == 1
    assert ex.next_number([1, 2, 5]) == 6


# --- Adding ------------------------------------------------------------------------


def test_exhibits_get_the_next_number_by_default(scope, matter):
    _add(scope, matter, "Lease")
    _add(scope, matter, "Letter")
    assert _listed(matter) == [(1, "Lease"), (2, "Letter")]


def test_a_taken_number_is_refused_unless_the_person_chose_to_insert(scope, matter):
    for name in ("A", "B", "C"):
        _add(scope, matter, name)
    with pytest.raises(ServiceError) as refused:
        _add(scope, matter, "New", number=2)
    assert refused.value.field == "number"
    assert "Exhibit 2 already exists" in refused.value.message
    assert _listed(matter) == [(1, "A"), (2, "B"), (3, "C")]

    _add(scope, matter, "New", number=2, insert=True)
    assert _listed(matter) == [(1, "A"), (2, "New"), (3, "B"), (4, "C")]


def test_inserting_keeps_gaps_after_the_insert(scope, matter):
    for number, name in ((1, "A"), (2, "B"), (5, "E")):
        _add(scope, matter, name, number=number)
    _add(scope, matter, "New", number=2, insert=True)
    assert _listed(matter) == [(1, "A"), (2, "New"), (3, "B"), (6, "E")]


def test_a_free_number_leaves_a_gap_and_asks_nothing(scope, matter):
    _add(scope, matter, "A")
    _add(scope, matter, "Defence series", number=101)
    assert _listed(matter) == [(1, "A"), (101, "Defence series")]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"description": "  "}, "description", "Describe the exhibit"),
        ({"description": "x" * 301}, "description", "300 characters"),
        ({"description": "ok", "notes": "n" * 301}, "notes", "300 characters"),
        ({"description": "ok", "status": "lost"}, "status", "statuses"),
    ],
)
def test_what_is_wrong_with_the_fields_is_said_on_the_field(
    scope, matter, fields, field, words
):
    with pytest.raises(ServiceError) as refused:
        ex.exhibit_add(scope=scope, matter=matter, fields=ex.ExhibitFields(**fields))
    assert refused.value.field == field and words in refused.value.message


def test_number_must_be_from_1(scope, matter):
    with pytest.raises(ServiceError) as refused:
        _add(scope, matter, "A", number=0)
    assert refused.value.field == "number"


def test_a_document_must_be_on_the_same_matter(scope, firm, attorney, matter):
    elsewhere = f.MatterFactory(firm=firm, number="M-2026-002", title="Other")
    lease = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Lease.pdf"), matter=matter
    )
    stray = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Stray.pdf"), matter=elsewhere
    )
    exhibit = _add(scope, matter, "Lease", document=lease)
    assert exhibit.document == lease
    with pytest.raises(ServiceError) as refused:
        _add(scope, matter, "Stray", document=stray)
    assert refused.value.field == "document"


def test_a_document_the_person_may_not_see_cannot_be_linked(
    firm, attorney, matter, assistant
):
    """The assistant sees the matter, but a document of another matter is
    not theirs to link even when its id is known."""
    hidden = f.MatterFactory(firm=firm, number="M-2026-003", title="Sealed")
    secret = document_upload(
        firm=firm, actor=attorney, uploaded_file=upload("Secret.pdf"), matter=hidden
    )
    with pytest.raises(ServiceError):
        _add(resolve_scope(assistant, firm), matter, "Secret", document=secret)


# --- Changing, moving, removing, renumbering -----------------------------------------


def test_changing_an_exhibit_records_what_changed(scope, firm, matter):
    exhibit = _add(scope, matter, "Lease")
    ex.exhibit_change(
        scope=scope,
        exhibit=exhibit,
        fields=ex.ExhibitFields(
            description="Lease, signed",
            date=datetime.date(2026, 3, 3),
            status=Exhibit.Status.OFFERED,
        ),
    )
    exhibit.refresh_from_db()
    assert (exhibit.description, exhibit.status) == ("Lease, signed", "offered")
    event = AuditEvent.objects.filter(org=firm, action="exhibit.changed").get()
    assert set(event.detail["changed"]) == {"description", "date", "status"}
    assert event.matter_id == str(matter.public_id)


def test_saving_without_a_change_writes_no_event(scope, firm, matter):
    exhibit = _add(scope, matter, "Lease")
    ex.exhibit_set_status(scope=scope, exhibit=exhibit, status="marked")
    assert _actions(firm) == ["exhibit.added"]


def test_moving_swaps_with_the_neighbour_across_a_gap(scope, matter):
    _add(scope, matter, "A")
    b = _add(scope, matter, "B", number=4)
    ex.exhibit_move(scope=scope, exhibit=b, direction=ex.UP)
    assert _listed(matter) == [(1, "B"), (4, "A")]


def test_the_first_cannot_move_up_nor_the_last_down(scope, matter):
    a = _add(scope, matter, "A")
    b = _add(scope, matter, "B")
    with pytest.raises(ServiceError, match="already the first"):
        ex.exhibit_move(scope=scope, exhibit=a, direction=ex.UP)
    with pytest.raises(ServiceError, match="already the last"):
        ex.exhibit_move(scope=scope, exhibit=b, direction=ex.DOWN)


def test_removing_keeps_the_numbers_unless_asked_to_close_the_gap(scope, matter):
    exhibits = [_add(scope, matter, name) for name in "ABCD"]
    assert ex.exhibit_remove(scope=scope, exhibit=exhibits[1]) == []
    assert _listed(matter) == [(1, "A"), (3, "C"), (4, "D")]
    moved = ex.exhibit_remove(scope=scope, exhibit=exhibits[0], close_gap=True)
    assert moved == [3, 4]
    assert _listed(matter) == [(2, "C"), (3, "D")]


def test_renumbering_closes_every_gap_and_keeps_the_order(scope, firm, matter):
    for number, name in ((2, "A"), (5, "B"), (9, "C")):
        _add(scope, matter, name, number=number)
    changes = ex.exhibits_renumber(scope=scope, matter=matter)
    assert changes == {2: 1, 5: 2, 9: 3}
    assert _listed(matter) == [(1, "A"), (2, "B"), (3, "C")]
    assert ex.exhibits_renumber(scope=scope, matter=matter) == {}
    assert _actions(firm).count("exhibit.renumbered") == 1


def test_every_change_is_in_the_audit_trail_with_the_matter(scope, firm, matter):
    a = _add(scope, matter, "A")
    b = _add(scope, matter, "B", number=3)
    ex.exhibit_move(scope=scope, exhibit=b, direction=ex.UP)
    ex.exhibit_set_status(scope=scope, exhibit=a, status="admitted")
    ex.exhibits_renumber(scope=scope, matter=matter)
    ex.exhibit_remove(scope=scope, exhibit=a)
    assert _actions(firm) == [
        "exhibit.added",
        "exhibit.added",
        "exhibit.moved",
        "exhibit.changed",
        "exhibit.renumbered",
        "exhibit.removed",
    ]
    events = AuditEvent.objects.filter(org=firm, action__startswith="exhibit")
    assert {e.matter_id for e in events} == {str(matter.public_id)}


# --- Who may change the list ----------------------------------------------------------


def test_a_closed_matter_keeps_its_list_as_it_is(scope, matter):
    exhibit = _add(scope, matter, "A")
    matter.status = "closed"
    matter.save()
    assert not ex.may_edit_exhibits(scope, matter)
    with pytest.raises(ServiceError, match="is closed"):
        _add(scope, matter, "B")
    with pytest.raises(ServiceError, match="is closed"):
        ex.exhibit_remove(scope=scope, exhibit=exhibit)


def test_granted_outside_staff_keep_the_list(firm, matter, assistant):
    staff = resolve_scope(assistant, firm)
    assert ex.may_edit_exhibits(staff, matter)
    _add(staff, matter, "Photo of the site")
    assert _listed(matter) == [(1, "Photo of the site")]


def test_staff_who_do_not_see_the_matter_may_not_change_its_list(
    firm, matter, ungranted_assistant, ungranted_own_task
):
    staff = resolve_scope(ungranted_assistant, firm)
    assert not ex.may_edit_exhibits(staff, matter)
    with pytest.raises(ServiceError):
        _add(staff, matter, "Anything")
    assert _listed(matter) == []


@pytest.fixture
def ungranted_own_task(firm, matter, ungranted_assistant):
    return f.task(firm, matter=matter, assignee=ungranted_assistant)


# --- The property: any sequence of changes keeps the list sound -----------------------

operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(min_value=1, max_value=12)),
        st.tuples(st.just("add_end"), st.just(0)),
        st.tuples(st.just("up"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("down"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("remove"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("remove_close"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("renumber"), st.just(0)),
    ),
    max_size=12,
)


def _apply(scope, matter, op, arg, counter):
    """One change, and what the order of descriptions must become."""
    rows = list(
        Exhibit.objects.in_scope(scope).filter(matter=matter).order_by("number")
    )
    order = [r.description for r in rows]
    if op in ("add", "add_end"):
        name = f"E{counter}"
        number = arg if op == "add" else None
        _add(scope, matter, name, number=number, insert=True)
        if number is None:
            return [*order, name]
        before = [r.description for r in rows if r.number < number]
        return [*before, name, *order[len(before) :]]
    if op == "renumber":
        ex.exhibits_renumber(scope=scope, matter=matter)
        return order
    if not rows:
        return order
    at = arg % len(rows)
    row = rows[at]
    if op in ("up", "down"):
        other = at - 1 if op == "up" else at + 1
        if not 0 <= other < len(rows):
            with pytest.raises(ServiceError):
                ex.exhibit_move(scope=scope, exhibit=row, direction=op)
            return order
        numbers_before = [r.number for r in rows]
        ex.exhibit_move(scope=scope, exhibit=row, direction=op)
        swapped = order[:]
        swapped[at], swapped[other] = swapped[other], swapped[at]
        # Reversible: back and forth again gives the same list, same numbers.
        back = ex.UP if op == "down" else ex.DOWN
        ex.exhibit_move(scope=scope, exhibit=row, direction=back)
        assert _listed(matter) == list(zip(numbers_before, order, strict=True))
        ex.exhibit_move(scope=scope, exhibit=row, direction=op)
        return swapped
    ex.exhibit_remove(scope=scope, exhibit=row, close_gap=op == "remove_close")
    return order[:at] + order[at + 1 :]


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=operations)
def test_any_sequence_of_changes_keeps_numbers_unique_and_the_order_expected(
    scope, firm, ops
):
    # A matter per example: the database is not rolled back between examples.
    matter = f.MatterFactory(firm=firm)
    expected: list[str] = []
    for counter, (op, arg) in enumerate(ops):
        expected = _apply(scope, matter, op, arg, counter)
        listed = _listed(matter)
        numbers = [n for n, _ in listed]
        assert len(set(numbers)) == len(numbers) and all(n >= 1 for n in numbers)
        assert [d for _, d in listed] == expected
        if op == "renumber":
            assert numbers == list(range(1, len(listed) + 1))
