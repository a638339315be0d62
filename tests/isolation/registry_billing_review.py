"""Isolation registry entries for the pre-bill review (see registry.py for the
format). Only people who do billing review: the firm's members and provider
staff whose assignment covers billing ("reviewing_assistant"); the shared
provider staff in firm A do scheduling and documents and get 404."""

from firmdesk.billing.models import TimeEntry

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

REVIEWERS = (*FIRM_MEMBERS, "reviewing_assistant")
NOT_BILLING = NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM


def _row(fixture: str):
    return lambda f: {
        **_firm(f),
        "kind": "time",
        "row_id": getattr(f, fixture).public_id,
    }


def _status_of(fixture: str):
    return lambda f: TimeEntry.unscoped.get(pk=getattr(f, fixture).pk).status


ROUTES = [
    Route(
        "billing:review_queue",
        kwargs=_firm,
        allowed=REVIEWERS,
        denied=NOT_BILLING,
        why="submitted time and expenses through the reviewer's Scope; people "
        "without billing are refused by tests/web/test_billing_review.py too",
    ),
    Route(
        "billing:review_bulk_approve",
        kwargs=_firm,
        method="POST",
        success=303,
        allowed=REVIEWERS,
        denied=NOT_BILLING,
        why="an empty POST names no matter and changes nothing; approving with a "
        "real matter is tested in tests/web/test_billing_review.py and "
        "tests/billing/test_review.py",
    ),
    Route(
        "billing:review_row",
        kwargs=_row("review_entry"),
        foreign_kwargs=_row("other_review_entry"),
        allowed=REVIEWERS,
        denied=NOT_BILLING,
        why="a submitted time entry of firm A, to the people who do its billing",
    ),
    Route(
        "billing:review_action",
        kwargs=lambda f: {**_row("review_entry")(f), "action": "approve"},
        foreign_kwargs=lambda f: {**_row("other_review_entry")(f), "action": "approve"},
        method="POST",
        success=303,
        state=_status_of("review_entry"),
        allowed=REVIEWERS,
        denied=NOT_BILLING,
        why="approving an unflagged entry (no note needed); every action is "
        "tested in tests/web/test_billing_review.py",
    ),
]
