"""Isolation registry entries for insights: fit (format: registry.py).

The fit assessment is the firm's planning: its attorneys and admins use it;
in-house staff, provider staff and everyone without access to the firm get
404. ``planner_routes`` also serves the cost comparison's pages, which keep
the same rule."""

from firmdesk.insights.models import FitAssessment

from .registry import NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

PLANNERS = ("firm_admin", "attorney")
NOT_PLANNERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM, "firm_staff")


def planner_routes(prefix: str, *, id_name: str, row: str, exists) -> list:
    """The list, new, edit and delete pages of one kind of planner row:
    ``row`` names the fixture of firm A's row (``other_<row>``: firm B's)."""

    def one(f) -> dict:
        return {**_firm(f), id_name: getattr(f, row).public_id}

    def foreign(f) -> dict:
        return {**_firm(f), id_name: getattr(f, f"other_{row}").public_id}

    return [
        Route(
            f"insights:{prefix}_list",
            kwargs=_firm,
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        ),
        Route(
            f"insights:{prefix}_create",
            kwargs=_firm,
            method="POST",
            why="an empty form comes back with what to fix; nothing is written",
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        ),
        Route(
            f"insights:{prefix}_edit",
            kwargs=one,
            foreign_kwargs=foreign,
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        ),
        Route(
            f"insights:{prefix}_delete",
            kwargs=one,
            foreign_kwargs=foreign,
            method="POST",
            success=303,
            state=lambda f: exists(getattr(f, row)),
            allowed=PLANNERS,
            denied=NOT_PLANNERS,
        ),
    ]


ROUTES: list = [
    *planner_routes(
        "fit",
        id_name="assessment_id",
        row="fit_assessment",
        exists=lambda a: FitAssessment.unscoped.filter(pk=a.pk).exists(),
    ),
    Route(
        "insights:fit_starter",
        kwargs=_firm,
        method="POST",
        success=303,
        state=lambda f: FitAssessment.unscoped.filter(firm=f.firm).count(),
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
]
