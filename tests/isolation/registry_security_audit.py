"""Isolation registry entries for issue 20 (audit): the CSV export of the firm's
audit trail (format: registry.py).

Firm admins only, like the audit page. The export asks for the password again
(``@sensitive``); signing in counts as typing it, so the registry's freshly
signed-in firm admin gets the CSV. Everyone else gets 404 before any password
is asked for. The export with a confirmed session, its rows and
the screened-matter rule are proved in tests/audit/test_audit_page.py."""

from .registry import (
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

ROUTES: list = [
    Route(
        "audit:audit_export",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM + FIRM_NON_ADMINS,
        why="the audit page's filters as CSV; confirm the password first",
    ),
]
