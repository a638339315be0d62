"""Pages that show a client's data record who opened them (DESIGN.md: the audit
trail of who touched which client's data)."""

from firmdesk.audit.services import audit_record_read


def audit_opened(request, obj, *, action: str, summary: str, matter=None):
    """One event on the firm's chain: ``request.user`` opened ``obj`` (on
    ``matter``, when it belongs to one) through the page of ``request.scope``.
    A read: ``audit_record_read`` inserts it without waiting for the
    chain (a seal takes it in later)."""
    audit_record_read(
        org=request.scope.firm,
        actor=request.user,
        action=action,
        obj=obj,
        matter=matter,
        summary=summary,
    )
