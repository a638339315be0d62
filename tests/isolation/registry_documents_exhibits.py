"""Isolation registry entries for documents: a matter's exhibit list and index (format:
registry.py).

Whoever sees the matter reads the list, exports the index and keeps the list:
the firm's people and outside staff the matter is opened to. The ungranted
assistant (task-only access at most) does not see the matter, so every page
answers 404, as for firm B's matter and exhibits under firm A's slug. The index
downloads are audited. POST routes are sent empty: a move, a removal and a
renumbering each change the list (state), an empty status or new-exhibit form
changes nothing; tests/web/test_documents_exhibits.py has the steps with data."""

from firmdesk.documents.models import Exhibit

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, Route, _firm

SEE_THE_MATTER = (*FIRM_MEMBERS, "assistant")
DO_NOT = (*NO_FIRM_ACCESS, "ungranted_assistant")


def _matter(f) -> dict:
    return {**_firm(f), "matter_id": f.matter.public_id}


def _with_exhibits(f) -> dict:
    """Firm A's matter, with its two exhibits made."""
    f.exhibit_three
    return _matter(f)


def _other_matter(f) -> dict:
    return {**_firm(f), "matter_id": f.other_matter.public_id}


def _exhibit(attr: str):
    def kwargs(f) -> dict:
        return {**_matter(f), "exhibit_id": getattr(f, attr).public_id}

    return kwargs


def _other_exhibit(f) -> dict:
    return {**_other_matter(f), "exhibit_id": f.other_exhibit.public_id}


def _numbers(f):
    return list(
        Exhibit.unscoped.filter(matter=f.matter)
        .order_by("number")
        .values_list("description", "number")
    )


def _route(name, kwargs, foreign, **extra) -> Route:
    return Route(
        f"documents:{name}",
        kwargs=kwargs,
        foreign_kwargs=foreign,
        allowed=SEE_THE_MATTER,
        denied=DO_NOT,
        **extra,
    )


ROUTES: list = [
    _route("exhibit_list", _with_exhibits, _other_matter),
    _route(
        "exhibit_index_docx",
        _with_exhibits,
        _other_matter,
        why="a download, audited (exhibits.exported)",
    ),
    _route(
        "exhibit_index_pdf",
        _with_exhibits,
        _other_matter,
        why="a download, audited (exhibits.exported)",
    ),
    _route("exhibit_new", _matter, _other_matter),
    _route("exhibit_edit", _exhibit("exhibit_one"), _other_exhibit),
    _route(
        "exhibit_move",
        lambda f: {**_exhibit("exhibit_three")(f), "direction": "up"},
        lambda f: {**_other_exhibit(f), "direction": "up"},
        method="POST",
        success=303,
        state=_numbers,
        why="exhibit 3 moves up: it and exhibit 1 swap numbers",
    ),
    _route(
        "exhibit_status",
        _exhibit("exhibit_one"),
        _other_exhibit,
        method="POST",
        success=303,
        why="an empty POST changes nothing and says what to choose",
    ),
    _route(
        "exhibit_remove",
        _exhibit("exhibit_one"),
        _other_exhibit,
        method="POST",
        success=303,
        state=lambda f: Exhibit.unscoped.filter(pk=f.exhibit_one.pk).exists(),
        why="an empty POST removes it and keeps the other numbers",
    ),
    _route(
        "exhibits_renumber",
        _with_exhibits,
        _other_matter,
        method="POST",
        success=303,
        state=_numbers,
        why="1 and 3 become 1 and 2",
    ),
]
