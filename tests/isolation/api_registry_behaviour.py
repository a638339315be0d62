"""API isolation entries of part "behaviour" (see api_registry.py): leads and
calls, for whoever may open their pages (registry_intake.py,
registry_reception.py). The shared assistants work neither leads nor calls."""

from firmdesk.intake.models import CallLog, Lead

from .api_registry import (
    API_NO_FIRM_ACCESS,
    FIRM_MEMBERS,
    PROVIDER_STAFF_IN_FIRM,
    ApiRoute,
    firm,
)

LEAD_WORKERS = (*FIRM_MEMBERS, "intake_specialist")
TAKE_CALLS = (*FIRM_MEMBERS, "receptionist")
NOT_IN_THE_FUNCTION = (*API_NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)


def _lead(f) -> dict:
    return {**firm(f), "lead_id": f.lead.public_id}


def _other_lead(f) -> dict:
    return {**firm(f), "lead_id": f.other_lead.public_id}


def _lead_status(f) -> str:
    return Lead.unscoped.get(pk=f.lead.pk).status


def _leads_of_firm_a(f) -> int:
    return Lead.unscoped.filter(firm=f.firm).count()


def _calls_of_firm_a(f) -> int:
    return CallLog.unscoped.filter(firm=f.firm).count()


ROUTES = [
    ApiRoute(
        "GET api:list_leads",
        allowed=LEAD_WORKERS,
        denied=NOT_IN_THE_FUNCTION,
        why="as the lead list page",
    ),
    ApiRoute(
        "GET api:get_lead",
        kwargs=_lead,
        foreign_kwargs=_other_lead,
        allowed=LEAD_WORKERS,
        denied=NOT_IN_THE_FUNCTION,
        audit="intake.lead_viewed",
        audit_matter=None,
    ),
    ApiRoute(
        "POST api:create_lead",
        body=lambda f: {
            "name": "Dana Whitfield",
            "email": "dana@example.com",
            "adverse_parties": ["Carl Whitfield"],
        },
        success=201,
        state=_leads_of_firm_a,
        allowed=LEAD_WORKERS,
        denied=NOT_IN_THE_FUNCTION,
        audit="intake.lead_received",
        audit_matter=None,
    ),
    ApiRoute(
        "PATCH api:update_lead",
        kwargs=_lead,
        foreign_kwargs=_other_lead,
        body=lambda f: {"status": "qualified"},
        state=_lead_status,
        allowed=LEAD_WORKERS,
        denied=NOT_IN_THE_FUNCTION,
        audit="intake.lead_status",
        audit_matter=None,
    ),
    ApiRoute(
        "GET api:list_calls",
        allowed=TAKE_CALLS,
        denied=NOT_IN_THE_FUNCTION,
        why="as the call list page: reception staff see the messages they took",
    ),
    ApiRoute(
        "POST api:log_call",
        body=lambda f: {
            "caller_name": "Maria Lopez",
            "number": "(212) 555-0142",
            "message": "Asks whether the hearing moved.",
            "matter": str(f.matter.public_id),
        },
        success=201,
        state=_calls_of_firm_a,
        allowed=TAKE_CALLS,
        denied=NOT_IN_THE_FUNCTION,
        audit="call.logged",
        why="to the matter's responsible attorney when no recipient is named",
    ),
]
