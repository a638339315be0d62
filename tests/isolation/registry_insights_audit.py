"""Isolation registry entries for insights: the time audit (format:
registry.py).

Every member of the firm opens the list of audits (in-house staff see the
open ones) and records their own hours; the results, the import, closing and
reopening are for the firm's attorneys and admins. Provider staff and
everyone without access to the firm get 404."""

from firmdesk.insights.models import TimeAudit

from .registry import FIRM_MEMBERS, NO_FIRM_ACCESS, PROVIDER_STAFF_IN_FIRM, Route, _firm

PLANNERS = ("firm_admin", "attorney")
NOT_MEMBERS = (*NO_FIRM_ACCESS, *PROVIDER_STAFF_IN_FIRM)
NOT_PLANNERS = (*NOT_MEMBERS, "firm_staff")


def _audit(f) -> dict:
    return {**_firm(f), "audit_id": f.time_audit.public_id}


def _closed_audit(f) -> dict:
    return {**_firm(f), "audit_id": f.closed_time_audit.public_id}


def _other_audit(f) -> dict:
    return {**_firm(f), "audit_id": f.other_time_audit.public_id}


def _closed_at(attr: str):
    return lambda f: TimeAudit.unscoped.get(pk=getattr(f, attr).pk).closed_at


ROUTES: list = [
    Route(
        "insights:audit_list",
        kwargs=_firm,
        allowed=FIRM_MEMBERS,
        denied=NOT_MEMBERS,
        why="in-house staff see the open audits, to record their own hours",
    ),
    Route(
        "insights:audit_detail",
        kwargs=_audit,
        foreign_kwargs=_other_audit,
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
    Route(
        "insights:audit_record",
        kwargs=_audit,
        foreign_kwargs=_other_audit,
        allowed=FIRM_MEMBERS,
        denied=NOT_MEMBERS,
        why="everyone of the firm records their own hours; only attorneys and "
        "admins may pick someone else",
    ),
    Route(
        "insights:audit_import",
        kwargs=_audit,
        foreign_kwargs=_other_audit,
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
    Route(
        "insights:audit_close",
        kwargs=_audit,
        foreign_kwargs=_other_audit,
        method="POST",
        success=303,
        state=_closed_at("time_audit"),
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
    Route(
        "insights:audit_reopen",
        kwargs=_closed_audit,
        foreign_kwargs=_other_audit,
        method="POST",
        success=303,
        state=_closed_at("closed_time_audit"),
        allowed=PLANNERS,
        denied=NOT_PLANNERS,
    ),
]
