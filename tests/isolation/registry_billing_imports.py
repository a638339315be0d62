"""Isolation registry entries for importing time entries (see registry.py for
the format)."""

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

ROUTES = [
    Route(
        "billing:time_import",
        kwargs=_firm,
        allowed=(*FIRM_MEMBERS, "imports_billing_assistant"),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="billing people only (scope.works_on('billing')): the firm's own "
        "and provider staff whose engagement and assignment cover billing; "
        "matters in the file are found among those the importer may see",
    ),
]
