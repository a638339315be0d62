"""Isolation registry entries for the insights home page (format: registry.py).

Every member of the firm opens it (in-house staff see only the time audit);
provider staff and everyone without access to the firm get 404."""

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

ROUTES: list = [
    Route(
        "insights:home",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=(*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM),
    ),
]
