"""Isolation registry entries for insights: provider scorecards (format:
registry.py).

The firm's attorneys and admins plan with them; in-house staff, provider
staff and everyone without access to the firm get 404. Pages with a form
answer GET here; the form's POST runs the same checks first."""

from .registry import NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

PLANNERS = ("firm_admin", "attorney")
NOT_PLANNERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")


def _card(f) -> dict:
    return {**_firm(f), "scorecard_id": f.insights_scorecard.public_id}


def _other_card(f) -> dict:
    return {**_firm(f), "scorecard_id": f.other_insights_scorecard.public_id}


def _candidate(f) -> dict:
    return {**_card(f), "candidate_id": f.insights_candidate.public_id}


def _other_candidate(f) -> dict:
    """Firm B's scorecard and candidate under firm A's slug."""
    return {**_other_card(f), "candidate_id": f.other_insights_candidate.public_id}


def _routes() -> list:
    per_card = [
        Route(
            f"insights:{name}",
            kwargs=_card,
            foreign_kwargs=_other_card,
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        )
        for name in (
            "scorecard_detail",
            "scorecard_edit",
            "scorecard_delete",
            "scorecard_candidate_new",
        )
    ]
    per_candidate = [
        Route(
            f"insights:{name}",
            kwargs=_candidate,
            foreign_kwargs=_other_candidate,
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        )
        for name in ("scorecard_candidate_edit", "scorecard_candidate_remove")
    ]
    return [
        Route(
            "insights:scorecard_list",
            kwargs=_firm,
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        ),
        Route(
            "insights:scorecard_new",
            kwargs=_firm,
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        ),
        *per_card,
        *per_candidate,
    ]


ROUTES: list = _routes()
