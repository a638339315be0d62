"""Insights home: the planner's steps in order, then the figures."""

from django.shortcuts import render

from firmdesk.insights import permissions
from firmdesk.web.pages import forbidden_if


def home(request, firm_slug):
    scope = request.scope
    forbidden_if(not permissions.may_record_audit_time(scope))
    return render(
        request,
        "web/insights/home.html",
        {"may_read": permissions.may_read(scope)},
    )
