"""Isolation registry entries for a contact's sensitive fields (issue 20)
(format: registry.py).

Only the firm's own people reach these pages: every firm member may change
the fields (the form shows masks, never values) and unmask bank details;
provider staff get 404 even for a contact they may see. Which firm role may
unmask which field is proved in tests/matters/test_sensitive_fields.py."""

from firmdesk.audit.models import AuditEvent

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm


def _contact(f) -> dict:
    return {**_firm(f), "contact_id": f.sensitive_contact.public_id}


def _other_contact(f) -> dict:
    return {**_firm(f), "contact_id": f.sensitive_other_contact.public_id}


def _views(f) -> int:
    return AuditEvent.objects.filter(action="contact.sensitive_viewed").count()


ROUTES: list = [
    Route(
        "matters:contact_sensitive_edit",
        kwargs=_contact,
        foreign_kwargs=_other_contact,
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        why="the firm's own people enter a client's identity and bank numbers; "
        "provider staff never see them, not even masked",
    ),
    Route(
        "matters:contact_sensitive_unmask",
        kwargs=lambda f: {**_contact(f), "field": "bank_account"},
        foreign_kwargs=lambda f: {**_other_contact(f), "field": "bank_account"},
        allowed=FIRM_MEMBERS,
        denied=NO_FIRM_ACCESS + PROVIDER_STAFF_IN_FIRM,
        method="POST",
        state=_views,
        why="unmasking is audited; bank details are open to every firm role, "
        "identity numbers to attorneys and admins only",
    ),
]
