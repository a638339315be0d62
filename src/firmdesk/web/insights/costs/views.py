"""Cost comparison pages: the firm's comparisons, the form with the result
beside it, and making a comparison an engagement's in-house baseline.

The firm's attorneys and admins compare costs; only a firm admin changes an
engagement's baseline (insights.costs). Anyone else gets 404."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from firmdesk.access.selectors import access_engagement, access_object
from firmdesk.billing.letters import money_text
from firmdesk.common.errors import ServiceError
from firmdesk.insights import costs, permissions
from firmdesk.insights.models import CostComparison
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from ..planner import delete_after_asking
from .forms import BaselineForm, CostForm

SAVE = "save"


def _planner(request):
    scope = request.scope
    forbidden_if(not permissions.may_plan(scope))
    return scope


def _comparison(scope, comparison_id) -> CostComparison:
    return access_object(CostComparison, scope, comparison_id)


def cost_list(request, firm_slug):
    scope = _planner(request)
    currency = costs.firm_currency(scope.firm)
    return render(
        request,
        "web/insights/costs/list.html",
        {"rows": costs.comparisons(scope, currency), "currency": currency},
    )


def _form_page(request, scope, form, *, result, comparison=None, preview=False):
    return render(
        request,
        "web/insights/costs/form.html",
        {
            "form": form,
            "result": result,
            "preview": preview,
            "comparison": comparison,
            "currency": costs.firm_currency(scope.firm),
            "may_set_baseline": costs.may_set_baseline(scope),
        },
    )


@require_http_methods(["GET", "POST"])
def cost_create(request, firm_slug):
    scope = _planner(request)
    form = CostForm(request.POST or None, initial=CostForm.initial_new())
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == SAVE:
            try:
                made = costs.comparison_create(
                    scope=scope, data=form.data_for_service()
                )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, f"“{made.title}” saved.")
                return see_other(
                    reverse("insights:cost_edit", args=[firm_slug, made.public_id])
                )
        else:
            preview = costs.compare(
                form.inputs(), currency=costs.firm_currency(scope.firm)
            )
    return _form_page(request, scope, form, result=preview, preview=True)


@require_http_methods(["GET", "POST"])
def cost_edit(request, firm_slug, comparison_id):
    scope = _planner(request)
    comparison = _comparison(scope, comparison_id)
    currency = costs.firm_currency(scope.firm)
    form = CostForm(request.POST or None, initial=CostForm.initial_from(comparison))
    if request.method == "GET":
        saved = costs.compare(costs.CostInputs.of(comparison), currency=currency)
        return _form_page(request, scope, form, result=saved, comparison=comparison)
    preview = None
    if form.is_valid():
        if request.POST.get("action") == SAVE:
            try:
                costs.comparison_update(
                    scope=scope, comparison=comparison, data=form.data_for_service()
                )
            except ServiceError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, f"“{comparison.title}” saved.")
                return see_other(request.path)
        else:
            preview = costs.compare(form.inputs(), currency=currency)
    return _form_page(
        request, scope, form, result=preview, comparison=comparison, preview=True
    )


@require_http_methods(["GET", "POST"])
def cost_delete(request, firm_slug, comparison_id):
    scope = _planner(request)
    comparison = _comparison(scope, comparison_id)
    return delete_after_asking(
        request,
        delete=lambda: costs.comparison_delete(scope=scope, comparison=comparison),
        title=f"Delete the cost comparison “{comparison.title}”?",
        body="Its figures are removed. An engagement that took its in-house "
        "cost per hour keeps that cost.",
        back=reverse("insights:cost_edit", args=[firm_slug, comparison.public_id]),
        done=(
            reverse("insights:cost_list", args=[firm_slug]),
            f"“{comparison.title}” deleted.",
        ),
    )


@require_http_methods(["GET", "POST"])
def cost_baseline(request, firm_slug, comparison_id):
    scope = request.scope
    forbidden_if(not costs.may_set_baseline(scope))
    comparison = _comparison(scope, comparison_id)
    currency = costs.firm_currency(scope.firm)
    result = costs.compare(costs.CostInputs.of(comparison), currency=currency)
    engagements = list(costs.baseline_engagements(scope))
    form = BaselineForm(request.POST or None, engagements=engagements)
    if request.method == "POST" and form.is_valid():
        engagement = access_engagement(scope, form.cleaned_data["engagement"])
        try:
            per_hour = costs.use_as_baseline(
                scope=scope, comparison=comparison, engagement=engagement
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                f"{engagement.name}: the in-house cost per hour is now "
                f"{money_text(per_hour, currency)}. The dashboard sets the "
                "engagement's cost per hour against it.",
            )
            return see_other(
                reverse("insights:cost_edit", args=[firm_slug, comparison.public_id])
            )
    return render(
        request,
        "web/insights/costs/baseline.html",
        {
            "comparison": comparison,
            "result": result,
            "engagements": engagements,
            "form": form,
            "currency": currency,
        },
    )
