"""The landing pages: where a person lands on signing in, Today across the
firms a person serves, one firm's Today, and a provider admin's team page."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from firmdesk.access.scope import memberships_for_request, scopes_for_request
from firmdesk.engagements.models import Engagement
from firmdesk.intake.services import may_work_leads
from firmdesk.orgs.selectors import provider_administered_by
from firmdesk.work.services import may_review

from . import selectors

SHOWN = 20


def landing_url(request) -> str:
    """Where the work is: a provider admin's team page; the one firm a person
    acts for; else Today across all their firms."""
    for membership in memberships_for_request(request):
        org = membership.organization
        if not org.is_firm and "provider_admin" in membership.roles:
            return reverse("today:provider_team", args=[org.slug])
    scopes = scopes_for_request(request)
    if len(scopes) == 1:
        return reverse("today:firm_today", args=[scopes[0].firm.slug])
    return reverse("today:today")


def _leads(scopes, now, shown: int) -> dict[int, dict]:
    """{firm pk: the leads whose first-response clock runs, soonest due first,
    each with the time left (negative: late)}, for those who work leads."""
    found: dict[int, dict] = {scope.firm.pk: {"leads": None} for scope in scopes}
    theirs = [scope for scope in scopes if may_work_leads(scope)]
    if not theirs:
        return found
    waiting = selectors.first_of_each_firm(
        selectors.leads_waiting(theirs), shown + 1, "response_due_at", "pk"
    )
    for scope in theirs:
        leads = waiting.get(scope.firm.pk, [])
        for lead in leads:
            lead.left = lead.response_due_at - now
        found[scope.firm.pk] = {
            "leads": leads[:shown],
            "more_leads": len(leads) > shown,
        }
    return found


def home(request):
    return redirect(landing_url(request))


def today(request):
    """For each firm the user serves, the counts that need them (each links to
    its list) and their own open tasks: one query per kind of row across all
    the firms, however many they serve."""
    scopes = scopes_for_request(request)
    user = request.user
    now = timezone.now()
    # The person's open tasks are read once: the first ten of each firm, each
    # row carrying its firm's count for the "open for you" glance.
    mine = selectors.first_of_each_firm(
        selectors.mine_open(scopes, user, now), 10, "due_at", "pk"
    )
    glances = selectors.glances(
        scopes, user, now, counted={"mine": selectors.counts_of(mine)}
    )
    leads = _leads(scopes, now, 10)
    sections = [
        {
            "scope": scope,
            "glances": glances[scope.firm.pk],
            "mine": mine.get(scope.firm.pk, []),
            **leads[scope.firm.pk],
        }
        for scope in scopes
    ]
    team = any(scope.is_provider_staff for scope in scopes)
    return render(
        request,
        "web/today/today.html",
        {"sections": sections, "now": now, "team": team},
    )


def firm_today(request, firm_slug):
    scope = request.scope
    user = request.user
    now = timezone.now()
    context = {
        "glances": selectors.glances([scope], user, now)[scope.firm.pk],
        "mine": selectors.mine_open([scope], user, now).order_by("due_at")[:SHOWN],
        "late": selectors.work.brief_rows(selectors.overdue([scope], now)).order_by(
            "due_at"
        )[:SHOWN],
        "review": selectors.work.queue_review(scope, user=user).order_by(
            "submitted_at"
        )[:SHOWN]
        if may_review(scope)
        else None,
        "now": now,
    }
    context.update(_leads([scope], now, SHOWN)[scope.firm.pk])
    if scope.is_firm_admin:
        context["engagements"] = (
            Engagement.objects.in_scope(scope)
            .exclude(status=Engagement.Status.ENDED)
            .select_related("provider")
        )
    return render(request, "web/today/firm_today.html", context)


def provider_team(request, provider_slug):
    """The provider admin's landing page: who works for which firm, their open
    and late work and how fast they answer; numbers only."""
    provider = provider_administered_by(user=request.user, provider_slug=provider_slug)
    if provider is None:
        raise Http404("Not here.")
    rows = selectors.team_numbers(provider=provider, now=timezone.now())
    return render(
        request,
        "web/today/provider_team.html",
        {
            "provider": provider,
            "rows": rows,
            "window_days": selectors.RESPONSE_WINDOW_DAYS,
            "total_open": sum(r.open for r in rows),
            "total_late": sum(r.late for r in rows),
        },
    )
