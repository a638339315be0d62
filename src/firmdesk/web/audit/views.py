"""The firm's audit log."""

from django.core.paginator import Paginator
from django.shortcuts import render

from firmdesk.access.selectors import audit_rows_for
from firmdesk.audit.models import AuditEvent
from firmdesk.web.pages import forbidden_if


def audit_log(request, firm_slug):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    events = (
        AuditEvent.objects.filter(org=scope.firm)
        .select_related("actor")
        .order_by("-seq")
    )
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    page.object_list = audit_rows_for(scope=scope, events=page.object_list)
    return render(request, "web/audit/audit_log.html", {"page": page})
