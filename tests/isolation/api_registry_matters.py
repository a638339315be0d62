"""API isolation entries of part "matters" (see api_registry.py): contacts,
a matter's parties, conflict checks and opening a matter.

The pages' rules hold: provider staff see contacts only through matters they
may see, and conflict checks not at all without the intake function (404).
Someone who may see the row but whose role may not make the change gets 422
with a message (the update_matter rule), proven in tests/api; those roles
are in neither list below and say so in ``why``."""

from firmdesk.conflicts.models import ConflictCheck
from firmdesk.matters.models import Contact, Matter, MatterParty

from .api_registry import (
    API_NO_FIRM_ACCESS,
    EVERYONE_IN_FIRM,
    FIRM_MEMBERS,
    PROVIDER_STAFF_IN_FIRM,
    ApiRoute,
    firm,
)

MAINTAINERS = ("firm_admin", "attorney")
NO_CONFLICT_CHECKS = (*API_NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
NO_MATTER = (*API_NO_FIRM_ACCESS, "ungranted_assistant")


def _matter(f) -> dict:
    return {**firm(f), "matter_id": f.matter.public_id}


def _other_matter(f) -> dict:
    return {**firm(f), "matter_id": f.other_matter.public_id}


def _contact(f) -> dict:
    return {**firm(f), "contact_id": f.contact.public_id}


def _other_contact(f) -> dict:
    return {**firm(f), "contact_id": f.other_contact.public_id}


def _check(f) -> dict:
    return {**firm(f), "check_id": f.conflict_check.public_id}


def _other_check(f) -> dict:
    return {**firm(f), "check_id": f.other_check.public_id}


def _party(f) -> dict:
    return {**_matter(f), "party_id": f.party.public_id}


def _other_party(f) -> dict:
    return {**_other_matter(f), "party_id": f.other_party.public_id}


def _contact_state(f):
    return Contact.unscoped.filter(pk=f.contact.pk).values_list("name", "notes")[0]


# What the writes below make, looked for by what they name (other fixtures
# may add rows of their own meanwhile).
NEW_CONTACT = "Nora Lindqvist"
NEW_PARTY = "Dale Whitcombe"
CHECK_PURPOSE = "New matter for the API registry"
OPENED = "Lopez v. Acme Logistics"


def _new_contact(f) -> bool:
    return Contact.unscoped.filter(firm=f.firm, name=NEW_CONTACT).exists()


def _new_check(f) -> bool:
    return ConflictCheck.unscoped.filter(firm=f.firm, purpose=CHECK_PURPOSE).exists()


def _new_party(f) -> bool:
    return MatterParty.unscoped.filter(
        matter=f.matter, contact__name=NEW_PARTY
    ).exists()


def _opened(f):
    f.cleared_check.refresh_from_db()
    return (
        f.cleared_check.matter_id,
        Matter.unscoped.filter(firm=f.firm, title=OPENED).exists(),
    )


def _decision(f) -> str:
    return ConflictCheck.unscoped.get(pk=f.conflict_check.pk).decision


ROUTES: list = [
    # --- Contacts ---------------------------------------------------------------
    ApiRoute(
        "GET api:list_contacts",
        allowed=EVERYONE_IN_FIRM,
        why="provider staff get the contacts of matters they may see",
    ),
    ApiRoute(
        "GET api:get_contact",
        kwargs=_contact,
        foreign_kwargs=_other_contact,
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=NO_MATTER,
        audit="contact.viewed",
        audit_matter=None,
        why="a party of a matter the ungranted assistant may not see",
    ),
    ApiRoute(
        "POST api:create_contact",
        body=lambda f: {"kind": "person", "name": NEW_CONTACT},
        allowed=FIRM_MEMBERS,
        denied=API_NO_FIRM_ACCESS,
        success=201,
        state=_new_contact,
        why="provider staff without the CRM or intake function get 422",
    ),
    ApiRoute(
        "PATCH api:update_contact",
        kwargs=_contact,
        foreign_kwargs=_other_contact,
        body=lambda f: {"notes": "Prefers e-mail."},
        allowed=FIRM_MEMBERS,
        denied=NO_MATTER,
        state=_contact_state,
        why="the granted assistant sees the contact but gets 422 (no CRM or "
        "intake function): see tests/api/test_contacts_api.py",
    ),
    # --- A matter's parties -----------------------------------------------------
    ApiRoute(
        "GET api:list_matter_parties",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        allowed=(*FIRM_MEMBERS, "assistant"),
        denied=NO_MATTER,
    ),
    ApiRoute(
        "POST api:add_matter_party",
        kwargs=_matter,
        foreign_kwargs=_other_matter,
        body=lambda f: {"name": NEW_PARTY, "kind": "person", "role": "witness"},
        allowed=MAINTAINERS,
        denied=NO_MATTER,
        success=201,
        state=_new_party,
        why="firm staff and the granted assistant see the matter but get 422 "
        "(only attorneys and admins change parties)",
    ),
    ApiRoute(
        "DELETE api:remove_matter_party",
        kwargs=_party,
        foreign_kwargs=_other_party,
        allowed=MAINTAINERS,
        denied=NO_MATTER,
        success=204,
        state=lambda f: MatterParty.unscoped.filter(pk=f.party.pk).exists(),
        why="firm staff and the granted assistant get 422, as for adding",
    ),
    # --- Opening a matter -------------------------------------------------------
    ApiRoute(
        "POST api:open_matter",
        body=lambda f: {
            "conflict_check": str(f.cleared_check.public_id),
            "title": OPENED,
            "parties": [{"name": "Maria Lopez", "kind": "person", "role": "client"}],
        },
        allowed=FIRM_MEMBERS,
        denied=NO_CONFLICT_CHECKS,
        success=201,
        state=_opened,
        why="opening goes through conflict checks, which provider staff "
        "without the intake function do not see (as on the pages)",
    ),
    # --- Conflict checks ----------------------------------------------------------
    ApiRoute(
        "GET api:list_conflict_checks",
        allowed=FIRM_MEMBERS,
        denied=NO_CONFLICT_CHECKS,
        why="provider staff need the intake function",
    ),
    ApiRoute(
        "GET api:get_conflict_check",
        kwargs=_check,
        foreign_kwargs=_other_check,
        allowed=FIRM_MEMBERS,
        denied=NO_CONFLICT_CHECKS,
        audit="conflict.check_viewed",
        audit_matter=None,
    ),
    ApiRoute(
        "POST api:run_conflict_check",
        body=lambda f: {"names": ["Acme Logistics"], "purpose": CHECK_PURPOSE},
        allowed=FIRM_MEMBERS,
        denied=NO_CONFLICT_CHECKS,
        success=201,
        state=_new_check,
    ),
    ApiRoute(
        "POST api:decide_conflict_check",
        kwargs=_check,
        foreign_kwargs=_other_check,
        body=lambda f: {"decision": "clear"},
        allowed=MAINTAINERS,
        denied=NO_CONFLICT_CHECKS,
        state=_decision,
        why="firm staff see the check but get 422 (attorneys decide)",
    ),
]
