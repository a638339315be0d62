"""Provider scorecard pages: the firm's scorecards, one scorecard's candidates
side by side, and the forms that set its weights and score its candidates.

For the firm's attorneys and admins (insights.permissions.may_plan); anyone
else gets 404."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_object
from firmdesk.common.errors import ServiceError
from firmdesk.insights import permissions, scorecards
from firmdesk.insights.models import Scorecard, ScorecardCandidate
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms


def _planner(request):
    scope = request.scope
    forbidden_if(not permissions.may_plan(scope))
    return scope


def _scorecard(scope, scorecard_id) -> Scorecard:
    return access_object(Scorecard, scope, scorecard_id)


def _candidate(scope, scorecard, candidate_id) -> ScorecardCandidate:
    return access_object(
        ScorecardCandidate,
        scope,
        candidate_id,
        queryset=ScorecardCandidate.objects.in_scope(scope)
        .filter(scorecard=scorecard)
        .select_related("scorecard", "provider"),
    )


def _detail_url(scope, scorecard) -> str:
    return reverse(
        "insights:scorecard_detail", args=[scope.firm.slug, scorecard.public_id]
    )


def _confirm(request, **context):
    """The page that asks before a delete (GET); the POST deletes."""
    return render(request, "web/confirm.html", context)


def scorecard_list(request, firm_slug):
    scope = _planner(request)
    return render(
        request,
        "web/insights/scorecards/list.html",
        {"scorecards": scorecards.scorecards_of(scope.firm)},
    )


@require_http_methods(["GET", "POST"])
def scorecard_new(request, firm_slug):
    scope = _planner(request)
    form = forms.ScorecardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scorecard = scorecards.scorecard_create(
                scope=scope, title=form.cleaned_data["title"], weights=form.weights()
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, f"Scorecard “{scorecard.title}” created: add the candidates."
            )
            return see_other(_detail_url(scope, scorecard))
    return render(
        request,
        "web/insights/scorecards/form.html",
        {"form": form, "scorecard": None},
    )


def scorecard_detail(request, firm_slug, scorecard_id):
    scope = _planner(request)
    scorecard = _scorecard(scope, scorecard_id)
    today = timezone.localdate(timezone=scope.firm.tz)
    return render(
        request,
        "web/insights/scorecards/detail.html",
        {
            "scorecard": scorecard,
            "c": scorecards.comparison(scorecard, today=today),
        },
    )


@require_http_methods(["GET", "POST"])
def scorecard_edit(request, firm_slug, scorecard_id):
    scope = _planner(request)
    scorecard = _scorecard(scope, scorecard_id)
    form = forms.ScorecardForm(
        request.POST or None, initial=forms.ScorecardForm.initial_from(scorecard)
    )
    if request.method == "POST" and form.is_valid():
        try:
            scorecards.scorecard_update(
                scope=scope,
                scorecard=scorecard,
                title=form.cleaned_data["title"],
                weights=form.weights(),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Weights saved; the ranking is worked out again.")
            return see_other(_detail_url(scope, scorecard))
    return render(
        request,
        "web/insights/scorecards/form.html",
        {"form": form, "scorecard": scorecard},
    )


@require_http_methods(["GET", "POST"])
def scorecard_delete(request, firm_slug, scorecard_id):
    scope = _planner(request)
    scorecard = _scorecard(scope, scorecard_id)
    if request.method == "POST":
        scorecards.scorecard_delete(scope=scope, scorecard=scorecard)
        messages.success(request, f"Scorecard “{scorecard.title}” deleted.")
        return see_other(reverse("insights:scorecard_list", args=[firm_slug]))
    return _confirm(
        request,
        title=f"Delete the scorecard “{scorecard.title}”?",
        body="Its weights, candidates, scores and notes are deleted. "
        "This cannot be undone.",
        button="Delete the scorecard",
        cancel=_detail_url(scope, scorecard),
    )


def _candidate_page(request, scope, scorecard, candidate, form):
    return render(
        request,
        "web/insights/scorecards/candidate_form.html",
        {"form": form, "scorecard": scorecard, "candidate": candidate},
    )


@require_http_methods(["GET", "POST"])
def candidate_new(request, firm_slug, scorecard_id):
    scope = _planner(request)
    scorecard = _scorecard(scope, scorecard_id)
    form = forms.CandidateForm(
        request.POST or None, weights=scorecards.weights_of(scorecard)
    )
    if request.method == "POST" and form.is_valid():
        try:
            candidate = scorecards.candidate_create(
                scope=scope, scorecard=scorecard, data=form.data_for_service()
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"“{candidate.name}” added.")
            return see_other(_detail_url(scope, scorecard))
    return _candidate_page(request, scope, scorecard, None, form)


@require_http_methods(["GET", "POST"])
def candidate_edit(request, firm_slug, scorecard_id, candidate_id):
    scope = _planner(request)
    scorecard = _scorecard(scope, scorecard_id)
    candidate = _candidate(scope, scorecard, candidate_id)
    form = forms.CandidateForm(
        request.POST or None,
        weights=scorecards.weights_of(scorecard),
        initial=forms.CandidateForm.initial_from(candidate),
    )
    if request.method == "POST" and form.is_valid():
        try:
            scorecards.candidate_update(
                scope=scope, candidate=candidate, data=form.data_for_service()
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Scores of “{candidate.name}” saved.")
            return see_other(_detail_url(scope, scorecard))
    return _candidate_page(request, scope, scorecard, candidate, form)


@require_http_methods(["GET", "POST"])
def candidate_remove(request, firm_slug, scorecard_id, candidate_id):
    scope = _planner(request)
    scorecard = _scorecard(scope, scorecard_id)
    candidate = _candidate(scope, scorecard, candidate_id)
    if request.method == "POST":
        scorecards.candidate_remove(scope=scope, candidate=candidate)
        messages.success(request, f"“{candidate.name}” removed from the scorecard.")
        return see_other(_detail_url(scope, scorecard))
    return _confirm(
        request,
        title=f"Remove “{candidate.name}” from “{scorecard.title}”?",
        body="Their scores and notes on this scorecard are deleted.",
        button="Remove the candidate",
        cancel=_detail_url(scope, scorecard),
    )
