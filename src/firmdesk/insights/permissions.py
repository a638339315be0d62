"""Who may use the insights pages.

The planner holds salaries and the firm's own assessment of its people and
its providers; the dashboard holds what the firm pays. Both are for the
firm's attorneys and admins. In-house staff record their own time in a time
audit and see nothing else here. Provider staff and provider admins never
reach these pages (404, like any page of a firm they cannot see)."""

from firmdesk.orgs.models import Role


def may_read(scope) -> bool:
    """The dashboard, reports, planner results and pilot evaluations."""
    return scope.is_firm_member and scope.has_role(Role.FIRM_ADMIN, Role.ATTORNEY)


def may_plan(scope) -> bool:
    """Create and change planner rows and record pilot decisions."""
    return may_read(scope)


def may_record_audit_time(scope) -> bool:
    """Record one's own hours in a time audit."""
    return scope.is_firm_member


def may_configure(scope) -> bool:
    """The firm's insights settings (report cadence)."""
    return scope.is_firm_admin
