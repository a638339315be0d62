"""Billing set-up pages: the firm's billing settings, its timekeepers, a
matter's billing terms and rates, and a client's billing terms.

Everyone who does the firm's billing reads them; firm admins change the
settings and timekeepers, the firm's attorneys and admins a matter's or a
client's terms (billing.setup says who may). Anyone else gets 404."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from firmdesk.access.selectors import access_matter, access_object
from firmdesk.billing import setup
from firmdesk.billing.models import MatterRate, Timekeeper
from firmdesk.billing.rates import billing_settings
from firmdesk.common.errors import ServiceError
from firmdesk.matters.models import Contact
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from . import forms


def _reader(request):
    scope = request.scope
    forbidden_if(not setup.may_read_setup(scope))
    return scope


# --- Firm billing settings -------------------------------------------------


@require_http_methods(["GET", "POST"])
def settings_page(request, firm_slug):
    scope = _reader(request)
    may_edit = setup.may_edit_settings(scope)
    forbidden_if(request.method == "POST" and not may_edit)
    current = billing_settings(scope.firm)
    form = forms.SettingsForm(
        request.POST or None, initial=forms.SettingsForm.initial_from(current)
    )
    if request.method == "POST" and form.is_valid():
        try:
            setup.settings_update(scope=scope, data=form.data_for_service())
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, "Billing settings saved.")
            return see_other(request.path)
    return render(
        request,
        "web/billing/setup/settings.html",
        {
            "form": form,
            "settings": current,
            "may_edit": may_edit,
            "rules": setup.RATE_RULES,
        },
    )


# --- Timekeepers -----------------------------------------------------------


def timekeeper_list(request, firm_slug):
    scope = _reader(request)
    return render(
        request,
        "web/billing/setup/timekeeper_list.html",
        {
            "timekeepers": setup.timekeepers_of_firm(scope.firm),
            "missing": setup.people_without_timekeeper(scope.firm),
            "may_edit": setup.may_edit_settings(scope),
            "rules": setup.RATE_RULES,
        },
    )


@require_POST
def timekeepers_add_missing(request, firm_slug):
    scope = _reader(request)
    forbidden_if(not setup.may_edit_settings(scope))
    made = setup.timekeepers_add_missing(scope=scope)
    if made:
        messages.success(
            request,
            f"Added {len(made)} timekeeper{'s' if len(made) != 1 else ''}: "
            f"{', '.join(k.code for k in made)}. Set their rates below.",
        )
    else:
        messages.info(request, "Everyone already has a timekeeper row.")
    return see_other(reverse("billing:timekeeper_list", args=[firm_slug]))


@require_http_methods(["GET", "POST"])
def timekeeper_edit(request, firm_slug, timekeeper_id):
    scope = _reader(request)
    forbidden_if(not setup.may_edit_settings(scope))
    keeper = access_object(
        Timekeeper,
        scope,
        timekeeper_id,
        queryset=Timekeeper.objects.in_scope(scope).select_related("user"),
    )
    form = forms.TimekeeperForm(
        request.POST or None,
        initial={
            "code": keeper.code,
            "classification": keeper.classification,
            "default_rate": keeper.default_rate,
            "cost_rate": keeper.cost_rate,
            "active": keeper.active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            setup.timekeeper_update(scope=scope, timekeeper=keeper, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Timekeeper {keeper.code} saved.")
            return redirect("billing:timekeeper_list", firm_slug)
    return render(
        request,
        "web/billing/setup/timekeeper_form.html",
        {"form": form, "keeper": keeper, "rules": setup.RATE_RULES},
    )


# --- A matter's terms ------------------------------------------------------


def _rate_form(scope, data=None):
    return forms.MatterRateForm(
        data,
        timekeepers=setup.timekeepers_of_firm(scope.firm).filter(
            outside_staff=False, active=True
        ),
    )


@require_http_methods(["GET", "POST"])
def matter_terms(request, firm_slug, matter_id):
    scope = _reader(request)
    matter = access_matter(scope, matter_id)
    may_edit = setup.may_edit_terms(scope)
    forbidden_if(request.method == "POST" and not may_edit)
    terms = setup.matter_terms(scope.firm, matter)
    form = forms.MatterTermsForm(
        request.POST or None,
        initial={
            "rate": terms.rate if terms else None,
            "client_matter_id": terms.client_matter_id if terms else "",
            "billable": terms.billable if terms else True,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            setup.matter_terms_save(scope=scope, matter=matter, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Billing terms of {matter.number} saved.")
            return see_other(request.path)
    return _matter_page(request, scope, matter, terms, form, _rate_form(scope))


def _matter_page(request, scope, matter, terms, form, rate_form):
    return render(
        request,
        "web/billing/setup/matter_terms.html",
        {
            "matter": matter,
            "terms": terms,
            "form": form,
            "rate_form": rate_form,
            "rates": setup.matter_rates(scope, matter),
            "may_edit": setup.may_edit_terms(scope),
            "rules": setup.RATE_RULES,
        },
    )


@require_POST
def matter_rate_add(request, firm_slug, matter_id):
    scope = _reader(request)
    forbidden_if(not setup.may_edit_terms(scope))
    matter = access_matter(scope, matter_id)
    rate_form = _rate_form(scope, request.POST)
    if rate_form.is_valid():
        try:
            row = setup.matter_rate_set(
                scope=scope, matter=matter, **rate_form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(rate_form, error)
        else:
            messages.success(
                request, f"{row.timekeeper.code} is billed at {row.rate} an hour here."
            )
            return redirect("billing:matter_terms", firm_slug, matter.public_id)
    terms = setup.matter_terms(scope.firm, matter)
    form = forms.MatterTermsForm(
        initial={
            "rate": terms.rate if terms else None,
            "client_matter_id": terms.client_matter_id if terms else "",
            "billable": terms.billable if terms else True,
        }
    )
    return _matter_page(request, scope, matter, terms, form, rate_form)


@require_POST
def matter_rate_remove(request, firm_slug, matter_id, rate_id):
    scope = _reader(request)
    forbidden_if(not setup.may_edit_terms(scope))
    matter = access_matter(scope, matter_id)
    row = access_object(
        MatterRate,
        scope,
        rate_id,
        queryset=MatterRate.objects.in_scope(scope)
        .filter(matter=matter)
        .select_related("timekeeper", "matter"),
    )
    setup.matter_rate_remove(scope=scope, rate=row)
    messages.success(
        request,
        f"{row.timekeeper.code}'s own rate on this matter removed: the matter's "
        "rate or their default rate applies again.",
    )
    return redirect("billing:matter_terms", firm_slug, matter.public_id)


# --- A client's terms ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def client_terms(request, firm_slug, contact_id):
    scope = _reader(request)
    contact = access_object(Contact, scope, contact_id)
    may_edit = setup.may_edit_terms(scope)
    forbidden_if(request.method == "POST" and not may_edit)
    terms = setup.client_terms(scope.firm, contact)
    initial = (
        {name: getattr(terms, name) for name in setup.CLIENT_FIELDS} if terms else {}
    )
    form = forms.ClientTermsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            setup.client_terms_save(scope=scope, client=contact, **form.cleaned_data)
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, f"Billing terms of {contact.name} saved.")
            return see_other(request.path)
    return render(
        request,
        "web/billing/setup/client_terms.html",
        {"contact": contact, "terms": terms, "form": form, "may_edit": may_edit},
    )
