"""Pages that show a client's data record who opened them (DESIGN.md: the audit
trail of who touched which client's data)."""

from firmdesk.audit.services import audit_record


def audit_opened(request, obj, *, action: str, summary: str, matter=None):
    """One event on the firm's chain: ``request.user`` opened ``obj`` (on
    ``matter``, when it belongs to one) through the page of ``request.scope``.
    ``audit_record`` appends it in a transaction of its own."""
    audit_record(
        org=request.scope.firm,
        actor=request.user,
        action=action,
        obj=obj,
        matter=matter,
        summary=summary,
    )
