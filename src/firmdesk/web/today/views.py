"""The landing pages: Today across the firms a person serves, and one
firm's front page."""

from django.db.models import Count, Q
from django.shortcuts import render
from django.utils import timezone

from firmdesk.access.scope import scopes_for_request
from firmdesk.engagements.models import Engagement
from firmdesk.work.models import Task
from firmdesk.work.selectors import tasks_for_scope


def today(request):
    """The landing page: for each firm the user serves, what needs them."""
    sections = []
    now = timezone.now()
    for scope in scopes_for_request(request):
        tasks = tasks_for_scope(scope).exclude(
            status__in=[Task.Status.DONE, Task.Status.CANCELLED]
        )
        mine = tasks.filter(assignee=request.user)
        sections.append(
            {
                "scope": scope,
                "mine": list(mine[:10]),
                "mine_count": mine.count(),
                "late": mine.filter(due_at__lt=now).count(),
                "review": tasks.filter(status=Task.Status.SUBMITTED).count()
                if scope.is_firm_member and scope.has_role("attorney", "firm_admin")
                else None,
            }
        )
    team = any(s["scope"].is_provider_staff for s in sections)
    return render(
        request,
        "web/today/today.html",
        {"sections": sections, "now": now, "team": team},
    )


def firm_today(request, firm_slug):
    scope = request.scope
    now = timezone.now()
    tasks = tasks_for_scope(scope).exclude(
        status__in=[Task.Status.DONE, Task.Status.CANCELLED]
    )
    mine = tasks.filter(assignee=request.user)
    context = {
        "counts": tasks.aggregate(
            mine=Count("pk", filter=Q(assignee=request.user)),
            overdue=Count(
                "pk", filter=Q(status__in=Task.WORKING_STATUSES, due_at__lt=now)
            ),
            review=Count("pk", filter=Q(status=Task.Status.SUBMITTED)),
        ),
        "mine": mine[:20],
        "late": tasks.filter(due_at__lt=now)[:20],
        "review": tasks.filter(status=Task.Status.SUBMITTED)[:20]
        if scope.is_firm_member
        else [],
        "now": now,
    }
    if scope.is_firm_admin:
        context["engagements"] = (
            Engagement.objects.in_scope(scope)
            .exclude(status=Engagement.Status.ENDED)
            .select_related("provider")
        )
    return render(request, "web/today/firm_today.html", context)
