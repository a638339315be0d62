"""Isolation registry entries for the intake pages (format: registry.py);
fixtures in fixtures_intake.py."""

from .registry import (
    ANONYMOUS,
    FIRM_MEMBERS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    Route,
    _firm,
)

# The shared assistants' engagement covers scheduling and documents, not
# intake: lead pages answer them 404 like pages that do not exist.
LEAD_WORKERS = (*FIRM_MEMBERS, "intake_specialist")
NOT_LEAD_WORKERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
# Forms and feedback are the firm's own business.
NOT_FIRM = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "intake_specialist")


def _lead(attr: str):
    return lambda f: {**_firm(f), "lead_id": getattr(f, attr).public_id}


def _form(attr: str):
    return lambda f: {**_firm(f), "form_id": getattr(f, attr).public_id}


ROUTES = [
    Route(
        "intake:intake_form_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_FIRM,
        why="the firm builds its forms; intake staff work the leads they bring",
    ),
    Route(
        "intake:intake_form_new", kwargs=_firm, allowed=FIRM_MEMBERS, denied=NOT_FIRM
    ),
    Route(
        "intake:intake_form_edit",
        kwargs=_form("intake_form"),
        foreign_kwargs=_form("other_intake_form"),
        allowed=FIRM_MEMBERS,
        denied=NOT_FIRM,
    ),
    Route(
        "intake:feedback_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_FIRM,
        why="clients' ratings of the firm, for the firm",
    ),
    Route(
        "intake:lead_list",
        kwargs=_firm,
        allowed=LEAD_WORKERS,
        denied=NOT_LEAD_WORKERS,
        why="firm members and provider staff whose assignment includes intake",
    ),
    Route(
        "intake:lead_new", kwargs=_firm, allowed=LEAD_WORKERS, denied=NOT_LEAD_WORKERS
    ),
    Route(
        "intake:lead_detail",
        kwargs=_lead("lead"),
        foreign_kwargs=_lead("other_lead"),
        allowed=LEAD_WORKERS,
        denied=NOT_LEAD_WORKERS,
    ),
    Route(
        "intake:lead_action",
        kwargs=_lead("lead"),
        foreign_kwargs=_lead("other_lead"),
        method="POST",
        success=303,
        allowed=LEAD_WORKERS,
        denied=NOT_LEAD_WORKERS,
        why="an empty POST is refused with a message and changes nothing; every "
        "action, and denied people changing nothing, in tests/web/test_lead_pages.py",
    ),
    Route(
        "intake:lead_document",
        kwargs=lambda f: {
            **_lead("lead")(f),
            "document_id": f.lead_document.public_id,
        },
        foreign_kwargs=lambda f: {
            **_lead("other_lead")(f),
            "document_id": f.other_lead_document.public_id,
        },
        allowed=LEAD_WORKERS,
        denied=NOT_LEAD_WORKERS,
        why="the inquirer's files, to whoever may work the lead; a file of "
        "another lead is 404: test_a_lead_file_is_reached_only_through_its_lead",
    ),
    # --- Cross-firm: each firm's leads through that firm's Scope -------------
    Route(
        "intake:lead_queue",
        allowed=(*FIRM_MEMBERS, "intake_specialist", "outsider"),
        denied=(ANONYMOUS, "assistant", "ungranted_assistant", "provider_admin"),
        why="people who work leads for no firm get 404; the specialist sees "
        "both firms' leads: test_intake_specialist_sees_every_firms_leads_on_the_queue",
    ),
]
