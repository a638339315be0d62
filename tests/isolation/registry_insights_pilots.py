"""Isolation registry entries for insights: pilots (format: registry.py).

The firm's attorneys and admins read a pilot's figures, record its
evaluation and decide; in-house staff, provider staff and everyone without
access to the firm get 404."""

from firmdesk.insights.models import PilotEvaluation

from .registry import NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

PLANNERS = ("firm_admin", "attorney")
NOT_PLANNERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")


def _pilot(f) -> dict:
    return {**_firm(f), "engagement_id": f.pilot_engagement.public_id}


def _other_pilot(f) -> dict:
    return {**_firm(f), "engagement_id": f.other_pilot_engagement.public_id}


def _evaluations(f) -> int:
    return PilotEvaluation.unscoped.filter(engagement=f.pilot_engagement).count()


ROUTES: list = [
    Route("insights:pilot_list", kwargs=_firm, allowed=PLANNERS, denied=NOT_PLANNERS),
    Route(
        "insights:pilot_detail",
        kwargs=_pilot,
        foreign_kwargs=_other_pilot,
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
    Route(
        "insights:pilot_evaluate",
        kwargs=_pilot,
        foreign_kwargs=_other_pilot,
        method="POST",
        success=303,
        state=_evaluations,
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
    Route(
        "insights:pilot_decide",
        kwargs=lambda f: {
            **_pilot(f),
            "evaluation_id": f.pilot_evaluation.public_id,
        },
        foreign_kwargs=lambda f: {
            **_other_pilot(f),
            "evaluation_id": f.other_pilot_evaluation.public_id,
        },
        method="POST",
        why="an empty form comes back with what to fix; nothing is written",
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
]
