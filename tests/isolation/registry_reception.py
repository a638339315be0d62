"""Isolation registry entries for the reception pages (format: registry.py).

Reception is its own function: the shared provider staff ("assistant",
"ungranted_assistant") are not assigned it and get 404 on every reception page;
"receptionist" (tests/isolation/fixtures_reception.py) is.
"""

from firmdesk.intake.models import CallLog

from .registry import (
    FIRM_MEMBERS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

TAKE_CALLS = (*FIRM_MEMBERS, "receptionist")
NO_RECEPTION = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)


def _call(f) -> dict:
    return {**_firm(f), "call_id": f.call.public_id}


def _other_call(f) -> dict:
    return {**_firm(f), "call_id": f.other_call.public_id}


ROUTES = [
    Route(
        "reception:call_new",
        kwargs=_firm,
        allowed=TAKE_CALLS,
        denied=NO_RECEPTION,
        why="firm members and staff whose engagement covers reception",
    ),
    Route(
        "reception:call_matter_lookup",
        kwargs=_firm,
        allowed=TAKE_CALLS,
        denied=NO_RECEPTION,
        why="matters in the asker's scope only; see tests/web/test_reception_pages.py",
    ),
    Route(
        "reception:call_list",
        kwargs=_firm,
        allowed=TAKE_CALLS,
        denied=NO_RECEPTION,
        why="firm members see the firm's messages, reception staff the ones they took",
    ),
    Route(
        "reception:call_acknowledge",
        kwargs=_call,
        foreign_kwargs=_other_call,
        method="POST",
        success=302,
        state=lambda f: CallLog.unscoped.get(pk=f.call.pk).acknowledged_at,
        allowed=("attorney",),
        denied=(*NO_RECEPTION, "firm_admin", "firm_staff", "receptionist"),
        why="only the message's recipient (or whoever it escalated to) acknowledges it",
    ),
    Route(
        "reception:reception_settings",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=(*NO_RECEPTION, *FIRM_NON_ADMINS, "receptionist"),
    ),
]
