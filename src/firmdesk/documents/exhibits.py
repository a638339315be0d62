"""A matter's numbered exhibit list: add, change, move, remove, renumber.

Numbers are unique per matter (a database constraint that is checked row by
row, so ``number = number + 1`` over several rows would trip over itself). Every
change of numbers therefore runs in two phases inside one transaction: the rows
that move first jump above every number in use, then land on their new numbers.
The matter row is locked first, so two people changing one matter's list take
turns, and the list's rows are read under lock before the numbers are worked out.

Who may do what (docs/documents-exhibits.md): whoever sees the matter reads the
list and exports the index; the same people edit it (firm members, and outside
staff the matter is opened to: task-only staff do not see the matter at all),
while the matter is open.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Matter

from .models import Document, Exhibit

DESCRIPTION_MAX = Exhibit._meta.get_field("description").max_length
NOTES_MAX = Exhibit._meta.get_field("notes").max_length
# Wide enough for the 100s and 1000s series some courts give each side.
NUMBER_MAX = 99_999
UP, DOWN = "up", "down"


@dataclass(frozen=True)
class ExhibitFields:
    """What a person fills in for an exhibit (the number is chosen apart)."""

    description: str
    document: Document | None = None
    date: datetime.date | None = None
    status: str = Exhibit.Status.MARKED
    notes: str = ""


def may_edit_exhibits(scope, matter) -> bool:
    """Whoever may see the matter keeps its exhibit list, while it is open."""
    return scope.can_see_matter(matter) and not matter.is_closed


def next_number(numbers: Iterable[int]) -> int:
    return max(numbers, default=0) + 1


def numbers_moved_by_insert(numbers: Iterable[int], at: int) -> list[int]:
    """The numbers that move up by one when an exhibit is put in at ``at``:
    none when ``at`` is free, else ``at`` and every number after it."""
    taken = sorted(numbers)
    return [n for n in taken if n >= at] if at in taken else []


def renumbered(numbers: Iterable[int]) -> dict[int, int]:
    """Old number → new, closing the gaps: 1..n in the same order."""
    return {old: new for new, old in enumerate(sorted(numbers), start=1)}


def neighbour(numbers: Iterable[int], number: int, direction: str) -> int | None:
    """The number just before (up) or after (down) ``number`` in the list,
    whatever the gap between them; None at either end."""
    taken = sorted(numbers)
    at = taken.index(number)
    other = at - 1 if direction == UP else at + 1
    return taken[other] if 0 <= other < len(taken) else None


def _check_open(scope, matter) -> None:
    if not scope.can_see_matter(matter):
        raise ServiceError("Choose one of the matters you work on.")
    if matter.is_closed:
        raise ServiceError(
            f"{matter.number} is closed, so its exhibit list can no longer be "
            "changed. An attorney can reopen the matter on its page."
        )


def _locked_list(scope, matter) -> list[Exhibit]:
    """Lock the matter (writers of one list take turns), then read its
    exhibits under lock, in order."""
    Matter.objects.for_firm(scope.firm).select_for_update().get(pk=matter.pk)
    return list(
        Exhibit.objects.for_firm(scope.firm)
        .filter(matter=matter)
        .select_for_update()
        .order_by("number")
    )


def _locked(scope, exhibit) -> tuple[list[Exhibit], Exhibit]:
    rows = _locked_list(scope, exhibit.matter)
    for row in rows:
        if row.pk == exhibit.pk:
            return rows, row
    raise ServiceError(
        "This exhibit was removed from the list meanwhile. Reload the list."
    )


def _move_numbers(scope, rows: list[Exhibit], new: dict[int, int]) -> None:
    """Give each exhibit in ``new`` (pk → number) its new number, in two
    phases: above every number in use, then the final one. Distinct final
    numbers that no other row of the list holds are the caller's promise."""
    moving = [row for row in rows if row.pk in new and new[row.pk] != row.number]
    if not moving:
        return
    above = max([row.number for row in rows] + list(new.values())) + 1
    firm_rows = Exhibit.objects.for_firm(scope.firm)
    firm_rows.filter(pk__in=[row.pk for row in moving]).update(
        number=F("number") + above
    )
    for row in moving:
        row.number = new[row.pk]
    firm_rows.bulk_update(moving, ["number"])


def _fields_checked(scope, matter, fields: ExhibitFields) -> ExhibitFields:
    description = fields.description.strip()
    if not description:
        raise ServiceError(
            "Describe the exhibit, as it will read on the index "
            "(for example “Letter from Acme to M. Lopez, March 3”).",
            field="description",
        )
    if len(description) > DESCRIPTION_MAX:
        raise ServiceError(
            f"Keep the description to {DESCRIPTION_MAX} characters; this one has "
            f"{len(description)}. Put the rest in the notes.",
            field="description",
        )
    notes = fields.notes.strip()
    if len(notes) > NOTES_MAX:
        raise ServiceError(
            f"Keep the notes to {NOTES_MAX} characters; these have {len(notes)}.",
            field="notes",
        )
    if fields.status not in Exhibit.Status.values:
        raise ServiceError("Choose one of the statuses listed.", field="status")
    document = fields.document
    if document is not None and not (
        document.matter_id == matter.pk
        and Document.objects.in_scope(scope).filter(pk=document.pk).exists()
    ):
        raise ServiceError(
            "Choose one of this matter's documents, or none.", field="document"
        )
    return ExhibitFields(
        description=description,
        document=document,
        date=fields.date,
        status=fields.status,
        notes=notes,
    )


def _check_number(number: int) -> None:
    if not 1 <= number <= NUMBER_MAX:
        raise ServiceError(
            f"Give a number from 1 to {NUMBER_MAX}, or leave it empty for the next.",
            field="number",
        )


def _shown(numbers: list[int], step: int) -> str:
    """“3→4, 5→6” for the audit trail and messages; long lists cut short."""
    pairs = [f"{n}→{n + step}" for n in numbers[:10]]
    more = f" and {len(numbers) - 10} more" if len(numbers) > 10 else ""
    return ", ".join(pairs) + more


def exhibit_add(
    *,
    scope,
    matter,
    fields: ExhibitFields,
    number: int | None = None,
    insert: bool = False,
) -> Exhibit:
    """A new exhibit on ``matter``: the next number when none is given; at a
    number already taken only with ``insert``, which moves that exhibit and
    every later one up by one."""
    _check_open(scope, matter)
    fields = _fields_checked(scope, matter, fields)
    if number is not None:
        _check_number(number)
    with transaction.atomic():
        rows = _locked_list(scope, matter)
        numbers = [row.number for row in rows]
        if number is None:
            number = next_number(numbers)
            _check_number(number)
        moved = numbers_moved_by_insert(numbers, number)
        if moved and not insert:
            raise ServiceError(
                f"Exhibit {number} already exists. Put the new one in at "
                f"{number} and move the later exhibits up, or choose another "
                "number.",
                field="number",
            )
        if moved and moved[-1] + 1 > NUMBER_MAX:
            raise ServiceError(
                f"Exhibit {moved[-1]} cannot move up past {NUMBER_MAX}. Renumber "
                "the list first.",
                field="number",
            )
        _move_numbers(
            scope, rows, {row.pk: row.number + 1 for row in rows if row.number in moved}
        )
        exhibit = Exhibit.objects.create(
            firm=scope.firm,
            matter=matter,
            number=number,
            description=fields.description,
            document=fields.document,
            date=fields.date,
            status=fields.status,
            notes=fields.notes,
        )
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="exhibit.added",
            obj=exhibit,
            matter=matter,
            summary=f"Added exhibit {number}: {fields.description}"
            + (f" (moved up {_shown(moved, 1)})" if moved else ""),
            detail={"number": number, "moved_up": moved},
        )
    return exhibit


def _values(exhibit: Exhibit) -> dict:
    return {
        "description": exhibit.description,
        "document": str(exhibit.document.public_id) if exhibit.document else "",
        "date": exhibit.date.isoformat() if exhibit.date else "",
        "status": exhibit.status,
        "notes": exhibit.notes,
    }


def exhibit_change(*, scope, exhibit, fields: ExhibitFields) -> Exhibit:
    """Change what an exhibit says (its number changes by moving it)."""
    matter = exhibit.matter
    _check_open(scope, matter)
    fields = _fields_checked(scope, matter, fields)
    with transaction.atomic():
        _, row = _locked(scope, exhibit)
        before = _values(row)
        row.description = fields.description
        row.document = fields.document
        row.date = fields.date
        row.status = fields.status
        row.notes = fields.notes
        after = _values(row)
        changed = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
        if not changed:
            return row
        row.save()
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="exhibit.changed",
            obj=row,
            matter=matter,
            summary=f"Changed exhibit {row.number}: {', '.join(changed)}",
            detail={"number": row.number, "changed": changed},
        )
    return row


def exhibit_set_status(*, scope, exhibit, status: str) -> Exhibit:
    """Only the status: marked, offered, admitted, not admitted, withdrawn."""
    return exhibit_change(
        scope=scope,
        exhibit=exhibit,
        fields=ExhibitFields(
            description=exhibit.description,
            document=exhibit.document,
            date=exhibit.date,
            status=status,
            notes=exhibit.notes,
        ),
    )


def exhibit_move(*, scope, exhibit, direction: str) -> Exhibit:
    """Swap places with the exhibit just before (up) or after (down): the two
    swap numbers, every other number stays. Up then down is no change."""
    if direction not in (UP, DOWN):
        raise ServiceError("Choose up or down.")
    matter = exhibit.matter
    _check_open(scope, matter)
    with transaction.atomic():
        rows, row = _locked(scope, exhibit)
        numbers = [r.number for r in rows]
        other_number = neighbour(numbers, row.number, direction)
        if other_number is None:
            where = "first" if direction == UP else "last"
            raise ServiceError(f"Exhibit {row.number} is already the {where}.")
        other = next(r for r in rows if r.number == other_number)
        was = row.number
        _move_numbers(scope, rows, {row.pk: other.number, other.pk: row.number})
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="exhibit.moved",
            obj=row,
            matter=matter,
            summary=f"Moved exhibit {was} {direction} to {row.number} "
            f"(exhibit {other_number} became {other.number})",
            detail={"from": was, "to": row.number, "other_from": other_number},
        )
    return row


def exhibit_remove(*, scope, exhibit, close_gap: bool = False) -> list[int]:
    """Take the exhibit off the list. The later exhibits keep their numbers
    (the gap shows where it was) unless ``close_gap``: then each moves down
    by one. Returns the numbers that moved."""
    matter = exhibit.matter
    _check_open(scope, matter)
    with transaction.atomic():
        rows, row = _locked(scope, exhibit)
        number, description = row.number, row.description
        later = [r for r in rows if r.number > number] if close_gap else []
        moved = [r.number for r in later]
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="exhibit.removed",
            obj=row,
            matter=matter,
            summary=f"Removed exhibit {number}: {description}"
            + (f" (moved down {_shown(moved, -1)})" if moved else ""),
            detail={"number": number, "moved_down": moved},
        )
        row.delete()
        rest = [r for r in rows if r.pk != row.pk]
        _move_numbers(scope, rest, {r.pk: r.number - 1 for r in later})
    return moved


def exhibits_renumber(*, scope, matter) -> dict[int, int]:
    """1..n in the list's order, closing every gap. Returns old → new for the
    exhibits whose number changed."""
    _check_open(scope, matter)
    with transaction.atomic():
        rows = _locked_list(scope, matter)
        new = renumbered(row.number for row in rows)
        changes = {old: n for old, n in new.items() if old != n}
        if not changes:
            return {}
        _move_numbers(scope, rows, {row.pk: new[row.number] for row in rows})
        audit_record(
            org=scope.firm,
            actor=scope.user,
            action="exhibit.renumbered",
            obj=matter,
            matter=matter,
            summary=f"Renumbered the exhibits 1 to {len(rows)} "
            f"({len(changes)} changed number)",
            detail={"changes": {str(old): n for old, n in changes.items()}},
        )
    return changes
