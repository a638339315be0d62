"""Fit assessment pages: the ranked list of what to hand off first, and the
form that asks a kind of task the four questions.

The firm's attorneys and admins use them (insights.permissions); anyone else
gets 404."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_object
from firmdesk.common.errors import ServiceError
from firmdesk.insights import fit, permissions
from firmdesk.insights.models import FitAssessment
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from ..planner import delete_after_asking
from .forms import FitForm


def _planner(request):
    scope = request.scope
    forbidden_if(not permissions.may_plan(scope))
    return scope


def fit_list(request, firm_slug):
    scope = _planner(request)
    return render(
        request,
        "web/insights/fit/list.html",
        {
            "ranking": fit.ranked(fit.assessments(scope)),
            "starter_missing": fit.starter_missing(scope),
            "audit_hours": fit.audit_hours(scope.firm),
            "function_order": fit.FUNCTION_ORDER,
        },
    )


def _form_page(request, scope, form, assessment=None):
    return render(
        request,
        "web/insights/fit/form.html",
        {
            "form": form,
            "assessment": assessment,
            "audit_hours": fit.audit_hours(scope.firm),
        },
    )


@require_http_methods(["GET", "POST"])
def fit_create(request, firm_slug):
    scope = _planner(request)
    form = FitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            made = fit.assessment_create(scope=scope, data=form.data_for_service())
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"“{made.task_type}” assessed.")
            return see_other(reverse("insights:fit_list", args=[firm_slug]))
    return _form_page(request, scope, form)


def _assessment(scope, assessment_id) -> FitAssessment:
    return access_object(FitAssessment, scope, assessment_id)


@require_http_methods(["GET", "POST"])
def fit_edit(request, firm_slug, assessment_id):
    scope = _planner(request)
    assessment = _assessment(scope, assessment_id)
    form = FitForm(request.POST or None, initial=FitForm.initial_from(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            fit.assessment_update(
                scope=scope, assessment=assessment, data=form.data_for_service()
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"“{assessment.task_type}” saved.")
            return see_other(reverse("insights:fit_list", args=[firm_slug]))
    return _form_page(request, scope, form, assessment)


@require_http_methods(["GET", "POST"])
def fit_delete(request, firm_slug, assessment_id):
    scope = _planner(request)
    assessment = _assessment(scope, assessment_id)
    return delete_after_asking(
        request,
        delete=lambda: fit.assessment_delete(scope=scope, assessment=assessment),
        title=f"Delete the assessment of “{assessment.task_type}”?",
        body="Its answers and notes are removed from the ranked list.",
        back=reverse("insights:fit_edit", args=[firm_slug, assessment.public_id]),
        done=(
            reverse("insights:fit_list", args=[firm_slug]),
            f"“{assessment.task_type}” deleted.",
        ),
    )


@require_POST
def fit_starter(request, firm_slug):
    scope = _planner(request)
    made = fit.starter_add(scope=scope)
    if made:
        messages.success(
            request,
            f"Added {len(made)} common task types, unanswered. Open each and "
            "tick the questions that are true.",
        )
    else:
        messages.info(request, "The starter list is already here.")
    return see_other(reverse("insights:fit_list", args=[firm_slug]))
