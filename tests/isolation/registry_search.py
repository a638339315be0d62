"""Isolation registry entries for the search page (see registry.py for the
format). test_hidden_matter.py also reads it with the hidden matter's words."""

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

ROUTES = [
    Route(
        "search:search",
        kwargs=_firm,
        allowed=FIRM_MEMBERS + PROVIDER_STAFF_IN_FIRM,
        denied=NO_FIRM_ACCESS,
        why="every result through the viewer's Scope; screened, hidden and "
        "ungranted rows are proved absent by tests/web/test_search.py",
    ),
]
