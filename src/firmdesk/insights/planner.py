"""What the planner's services share (insights.fit, insights.costs): who may
plan, and audit events that keep what a change did."""

from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from . import permissions


def require_plan(scope) -> None:
    if not permissions.may_plan(scope):
        raise ServiceError("Only the firm's attorneys and admins plan outsourcing.")


def changes(before: dict, after: dict) -> dict:
    """Only the values that changed, before and after."""
    changed = [name for name in after if before.get(name) != after[name]]
    return {
        "before": {name: before.get(name) for name in changed},
        "after": {name: after[name] for name in changed},
    }


def audit(scope, action: str, obj, summary: str, detail: dict) -> None:
    """Call inside the service's transaction."""
    audit_record(
        org=scope.firm,
        actor=scope.user,
        action=action,
        obj=obj,
        summary=summary,
        detail=detail,
    )
