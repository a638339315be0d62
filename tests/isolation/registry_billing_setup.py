"""Isolation registry entries for billing set-up: the firm's billing
settings, timekeepers, a matter's and a client's billing terms (format:
registry.py).

Everyone who does the firm's billing reads them: the firm's people, and
outside staff whose engagement and assignment cover billing (and, for a
matter, who may see it). Firm admins change settings and timekeepers; the
firm's attorneys and admins change terms. Outside staff without billing get
404, like everyone without access to the firm."""

from firmdesk.billing.models import MatterRate, Timekeeper

from .registry import (
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

BILLING_STAFF = "setup_billing_assistant"
READERS = (*FIRM_MEMBERS, BILLING_STAFF)
NOT_READERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
ADMINS = ("firm_admin",)
NOT_ADMINS = (*NOT_READERS, "attorney", "firm_staff", BILLING_STAFF)
TERMS_EDITORS = ("firm_admin", "attorney")
NOT_TERMS_EDITORS = (*NOT_READERS, "firm_staff", BILLING_STAFF)


def _matter(f) -> dict:
    return {**_firm(f), "matter_id": f.matter.public_id}


def _other_matter(f) -> dict:
    return {**_firm(f), "matter_id": f.other_matter.public_id}


def _rate(f) -> dict:
    return {**_matter(f), "rate_id": f.setup_matter_rate.public_id}


def _other_rate(f) -> dict:
    return {**_other_matter(f), "rate_id": f.other_setup_matter_rate.public_id}


ROUTES: list = [
    Route("billing:settings", kwargs=_firm, allowed=READERS, denied=NOT_READERS),
    Route("billing:timekeeper_list", kwargs=_firm, allowed=READERS, denied=NOT_READERS),
    Route(
        "billing:timekeepers_add_missing",
        kwargs=_firm,
        method="POST",
        success=303,
        state=lambda f: Timekeeper.unscoped.filter(firm=f.firm).count(),
        allowed=ADMINS,
        denied=NOT_ADMINS,
    ),
    Route(
        "billing:timekeeper_edit",
        kwargs=lambda f: {
            **_firm(f),
            "timekeeper_id": f.setup_timekeeper.public_id,
        },
        foreign_kwargs=lambda f: {
            **_firm(f),
            "timekeeper_id": f.other_setup_timekeeper.public_id,
        },
        allowed=ADMINS,
        denied=NOT_ADMINS,
    ),
    Route(
        "billing:matter_terms",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=READERS,
        denied=NOT_READERS,
    ),
    Route(
        "billing:matter_rate_add",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        method="POST",
        why="an empty form comes back with what to fix; nothing is written",
        allowed=TERMS_EDITORS,
        denied=NOT_TERMS_EDITORS,
    ),
    Route(
        "billing:matter_rate_remove",
        kwargs=_rate,
        foreign_kwargs=_other_rate,
        method="POST",
        success=302,
        state=lambda f: MatterRate.unscoped.filter(pk=f.setup_matter_rate.pk).exists(),
        allowed=TERMS_EDITORS,
        denied=NOT_TERMS_EDITORS,
    ),
    Route(
        "billing:client_terms",
        kwargs=lambda f: {**_firm(f), "contact_id": f.contact.public_id},
        foreign_kwargs=lambda f: {**_firm(f), "contact_id": f.other_contact.public_id},
        allowed=READERS,
        denied=NOT_READERS,
    ),
]
