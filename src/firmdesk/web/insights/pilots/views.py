"""Pilot pages: the firm's pilots, and one pilot's figures against its
targets, with its recorded evaluations and the firm's decisions.

For the firm's attorneys and admins (insights.permissions); anyone else gets
404, and so does an engagement that never was a pilot."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from firmdesk.access.selectors import access_engagement, access_object
from firmdesk.common.errors import ServiceError
from firmdesk.insights import permissions, pilots
from firmdesk.insights.models import PilotEvaluation
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms


def _reader(request):
    scope = request.scope
    forbidden_if(not permissions.may_read(scope))
    return scope


def _pilot(scope, engagement_id):
    engagement = access_engagement(scope, engagement_id)
    if not pilots.is_pilot(engagement):
        raise Http404("No pilot here.")
    return engagement


def _detail_url(scope, engagement) -> str:
    return reverse(
        "insights:pilot_detail", args=[scope.firm.slug, engagement.public_id]
    )


def pilot_list(request, firm_slug):
    scope = _reader(request)
    today = timezone.localdate(timezone=scope.firm.tz)
    engagements = list(pilots.pilot_engagements(scope))
    latest = pilots.latest_evaluations(scope.firm, [e.pk for e in engagements])
    rows = []
    for e in engagements:
        left = (e.pilot_evaluation - today).days if e.pilot_evaluation else None
        rows.append(
            {
                "engagement": e,
                "latest": latest.get(e.pk),
                "days_left": left,
                "days_over": -left if left is not None and left < 0 else None,
            }
        )
    return render(request, "web/insights/pilots/list.html", {"rows": rows})


def _detail_page(request, scope, engagement, decision_form=None):
    today = timezone.localdate(timezone=scope.firm.tz)
    evaluations = list(pilots.evaluations_of(engagement))
    open_one = next((e for e in evaluations if not e.decision), None)
    if open_one is not None and decision_form is None:
        decision_form = forms.DecisionForm(
            initial={"decision": open_one.recommendation}
        )
    return render(
        request,
        "web/insights/pilots/detail.html",
        {
            "engagement": engagement,
            "evaluation": pilots.evaluate(engagement, today),
            "target_lines": pilots.target_lines(engagement),
            "evaluations": evaluations,
            "open_evaluation": open_one,
            "decision_form": decision_form,
            "may_plan": permissions.may_plan(scope),
            "today": today,
        },
    )


def pilot_detail(request, firm_slug, engagement_id):
    scope = _reader(request)
    return _detail_page(request, scope, _pilot(scope, engagement_id))


@require_POST
def pilot_evaluate(request, firm_slug, engagement_id):
    scope = _reader(request)
    forbidden_if(not permissions.may_plan(scope))
    engagement = _pilot(scope, engagement_id)
    try:
        evaluation = pilots.evaluation_record(scope=scope, engagement=engagement)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"Evaluation recorded: it recommends "
            f"{evaluation.get_recommendation_display().lower()}. Record the "
            "firm's decision below.",
        )
    return see_other(_detail_url(scope, engagement))


@require_POST
def pilot_decide(request, firm_slug, engagement_id, evaluation_id):
    scope = _reader(request)
    forbidden_if(not permissions.may_plan(scope))
    engagement = _pilot(scope, engagement_id)
    evaluation = access_object(
        PilotEvaluation,
        scope,
        evaluation_id,
        queryset=PilotEvaluation.objects.in_scope(scope).filter(engagement=engagement),
    )
    evaluation.engagement = engagement
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        try:
            pilots.evaluation_decide(
                scope=scope,
                evaluation=evaluation,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"Decision recorded: {evaluation.get_decision_display().lower()}."
                + (
                    f" {engagement} is now an active engagement."
                    if evaluation.decision == "go"
                    else ""
                ),
            )
            return see_other(_detail_url(scope, engagement))
    return _detail_page(request, scope, engagement, decision_form=form)
