"""Isolation registry entries for maintaining a matter after it opens: edit,
parties, close and reopen, client consent (format: registry.py).

Firm attorneys and admins maintain matters (``matters.services.may_maintain``);
the firm's support staff and every outside person get 404."""

from firmdesk.matters.models import Matter, MatterParty

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

MAINTAINERS = ("firm_admin", "attorney")
NOT_MAINTAINERS = (
    *NO_FIRM_ACCESS,
    *PROVIDER_STAFF_IN_FIRM,
    *(m for m in FIRM_MEMBERS if m not in MAINTAINERS),
)


def _matter(f) -> dict:
    return {**_firm(f), "matter_id": f.matter.public_id}


def _other_matter(f) -> dict:
    return {**_firm(f), "matter_id": f.other_matter.public_id}


def _party(f) -> dict:
    return {**_matter(f), "party_id": f.party.public_id}


def _other_party(f) -> dict:
    return {**_other_matter(f), "party_id": f.other_party.public_id}


def _matter_state(f):
    return Matter.unscoped.filter(pk=f.matter.pk).values_list("status", "closed_on")[0]


def _closed_state(f):
    return Matter.unscoped.filter(pk=f.closed_matter.pk).values_list(
        "status", "closed_on"
    )[0]


ROUTES: list = [
    Route(
        "matters:matter_edit",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
    Route(
        "matters:matter_party_add",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
    Route(
        "matters:matter_party_edit",
        kwargs=_party,
        foreign_kwargs=_other_party,
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
    Route(
        "matters:matter_party_remove",
        kwargs=_party,
        foreign_kwargs=_other_party,
        method="POST",
        success=302,
        state=lambda f: MatterParty.unscoped.filter(pk=f.party.pk).exists(),
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
    Route(
        "matters:matter_close",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        method="POST",
        success=302,
        state=_matter_state,
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
    Route(
        "matters:matter_reopen",
        kwargs=lambda f: {**_firm(f), "matter_id": f.closed_matter.public_id},
        foreign_kwargs=_other_matter,
        method="POST",
        success=302,
        state=_closed_state,
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
    Route(
        "matters:matter_consent",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
    ),
]
