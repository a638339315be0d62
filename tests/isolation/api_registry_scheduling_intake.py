"""API isolation entries of part "scheduling_intake" (see api_registry.py).

Events and deadlines: the hearing (``event``) is on the matter granted to
"assistant" and not to "ungranted_assistant"; both assistants' engagement
covers scheduling, so both may schedule what they can see.
"""

from firmdesk.scheduling.models import Event

from .api_registry import (
    API_NO_FIRM_ACCESS,
    EVERYONE_IN_FIRM,
    FIRM_MEMBERS,
    ApiRoute,
    firm,
)

SEE_THE_MATTER = (*FIRM_MEMBERS, "assistant")
NOT_THE_MATTER = (*API_NO_FIRM_ACCESS, "ungranted_assistant")


def _event(f) -> dict:
    return {**firm(f), "event_id": f.event.public_id}


def _other_event(f) -> dict:
    return {**firm(f), "event_id": f.other_event.public_id}


def _event_row(f) -> Event:
    return Event.unscoped.get(pk=f.event.pk)


def _firm_events(f) -> int:
    return Event.unscoped.filter(firm=f.firm).count()


def _matter_deadlines(f) -> int:
    return Event.unscoped.filter(
        firm=f.firm, matter=f.matter, kind=Event.Kind.FILING_DEADLINE
    ).count()


def _december(f) -> dict:
    f.event, f.other_event  # noqa: B018 (firm B's deposition is in the window too)
    return {
        "start_after": "2026-12-01T00:00:00Z",
        "start_before": "2026-12-31T00:00:00Z",
    }


SCHEDULING = [
    ApiRoute(
        "GET api:list_events",
        allowed=EVERYONE_IN_FIRM,
        query=_december,
        why="the window holds the hearing (and firm B's deposition, which "
        "stays out); ungranted staff get an empty list",
    ),
    ApiRoute(
        "GET api:get_event",
        kwargs=_event,
        foreign_kwargs=_other_event,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
        audit="event.viewed",
    ),
    ApiRoute(
        "POST api:create_event",
        body=lambda f: {
            "kind": "appointment",
            "title": "Call with the client",
            "start": "2027-01-12T10:00:00-05:00",
        },
        allowed=EVERYONE_IN_FIRM,
        success=201,
        state=_firm_events,
        audit="event.create",
        audit_matter=None,
        why="no matter, so staff without the matter may schedule their own",
    ),
    ApiRoute(
        "PATCH api:update_event",
        kwargs=_event,
        foreign_kwargs=_other_event,
        body=lambda f: {"title": "Hearing moved to courtroom 11B"},
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
        state=lambda f: _event_row(f).title,
        audit="event.update",
    ),
    ApiRoute(
        "POST api:cancel_event",
        kwargs=_event,
        foreign_kwargs=_other_event,
        allowed=SEE_THE_MATTER,
        denied=NOT_THE_MATTER,
        state=lambda f: _event_row(f).status,
        audit="event.cancelled",
    ),
    ApiRoute(
        "POST api:compute_deadlines",
        body=lambda f: {
            "rule": "frcp-12a1Ai-answer",
            "trigger_date": "2026-07-01",
        },
        allowed=EVERYONE_IN_FIRM,
        why="a calculation over public rules: nothing written or read of a client",
    ),
    ApiRoute(
        "POST api:create_deadlines",
        body=lambda f: {
            "rule": "frcp-12a1Ai-answer",
            "trigger_date": "2026-07-01",
            "matter": str(f.matter.public_id),
        },
        allowed=SEE_THE_MATTER,
        denied=API_NO_FIRM_ACCESS,
        success=201,
        state=_matter_deadlines,
        audit="event.deadline",
        why="ungranted staff name a matter they cannot see: 422 and nothing "
        "written (tests/api/test_deadlines_api.py)",
    ),
    ApiRoute("GET api:list_deadline_rules", allowed=EVERYONE_IN_FIRM),
    ApiRoute("GET api:list_courts", allowed=EVERYONE_IN_FIRM),
]

ROUTES: list = [*SCHEDULING]
