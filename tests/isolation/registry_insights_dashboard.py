"""Isolation registry entries for insights: dashboard (format: registry.py).

The dashboard, its CSV export and the page defining the figures are for the
firm's attorneys and admins (insights.permissions.may_read). In-house staff,
provider staff and everyone without access to the firm get 404; an
engagement of firm B under firm A's slug is not found either."""

from .registry import (
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _engagement,
    _firm,
    _other_engagement,
)

READERS = ("firm_admin", "attorney")
NOT_READERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")

ROUTES: list = [
    Route("insights:dashboard", kwargs=_firm, allowed=READERS, denied=NOT_READERS),
    Route(
        "insights:dashboard_csv",
        kwargs=_firm,
        allowed=READERS,
        denied=NOT_READERS,
        why="the export of the same figures, recorded in the audit trail",
    ),
    Route(
        "insights:engagement_dashboard",
        kwargs=_engagement,
        foreign_kwargs=_other_engagement,
        allowed=READERS,
        denied=NOT_READERS,
    ),
    Route(
        "insights:engagement_dashboard_csv",
        kwargs=_engagement,
        foreign_kwargs=_other_engagement,
        allowed=READERS,
        denied=NOT_READERS,
    ),
    Route(
        "insights:formulas",
        kwargs=_firm,
        allowed=READERS,
        denied=NOT_READERS,
        why="docs/insights.md as a page; no firm data on it",
    ),
]
