"""The API tokens pages (issue 21): a person's own tokens (make one, see it
once, revoke it) and, under a firm, every live token for it for the firm's
admins. The rules live in ``integrations.tokens``; these views only ask it.

A new token is shown on the answer to the POST that made it, never stored
and never put in the session: the page is ``no-store``, so neither the
browser's history nor a proxy keeps it.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from firmdesk.access.scope import scopes_for_request
from firmdesk.common.errors import ServiceError
from firmdesk.common.http import absolute_url
from firmdesk.integrations import tokens
from firmdesk.web.accounts.reauth import sensitive
from firmdesk.web.pages import apply_service_error, forbidden_if, see_other

from .tokens_forms import TokenForm

TEMPLATES = "web/integrations/tokens/"


def _firms(request) -> list:
    """The firms this person may act for now (resolved once per request)."""
    return [scope.firm for scope in scopes_for_request(request)]


def _admin_of(request) -> list:
    """The firms whose tokens this person manages as an admin."""
    return [scope.firm for scope in scopes_for_request(request) if scope.is_firm_admin]


def token_list(request):
    return render(
        request,
        TEMPLATES + "token_list.html",
        {
            "tokens": list(tokens.tokens_of(request.user)),
            "admin_of": _admin_of(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@sensitive
def token_new(request):
    firms = _firms(request)
    form = TokenForm(
        request.POST or None,
        firms=firms,
        initial={"firm": request.GET.get("firm") or (firms[0].slug if firms else "")},
    )
    if request.method == "POST" and firms and form.is_valid():
        try:
            made = tokens.token_create(
                user=request.user,
                firm=form.cleaned_data["firm"],
                name=form.cleaned_data["name"],
                created_by=request.user,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            return render(
                request,
                TEMPLATES + "token_made.html",
                {
                    "made": made,
                    "api_base": absolute_url("/api/v1", request),
                    "docs_url": absolute_url(reverse("api:docs"), request),
                },
            )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        TEMPLATES + "token_new.html",
        {"form": form, "firms": firms},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def token_revoke(request, token_id):
    """Confirm (GET), then revoke (POST) one of the person's own tokens."""
    token = tokens.own_token(request.user, token_id)
    if token is None:
        raise Http404("Not your token.")
    if request.method == "POST":
        if tokens.token_revoke(
            token=token, actor=request.user, reason="Revoked by its owner"
        ):
            messages.success(
                request,
                f"The token “{token.name}” is revoked: anything still using it "
                "is refused from now on.",
            )
        else:
            messages.info(request, f"The token “{token.name}” was already revoked.")
        return see_other(reverse("tokens:token_list"))
    return render(
        request,
        TEMPLATES + "token_revoke.html",
        {"token": token, "cancel_url": reverse("tokens:token_list")},
    )


# --- The firm's admins: every live token for the firm ------------------------------


def _admin_scope(request):
    scope = request.scope
    forbidden_if(not scope.is_firm_admin)
    return scope


def firm_token_list(request, firm_slug):
    scope = _admin_scope(request)
    return render(
        request,
        TEMPLATES + "firm_token_list.html",
        {"tokens": list(tokens.firm_tokens(scope))},
    )


@require_http_methods(["GET", "POST"])
def firm_token_revoke(request, firm_slug, token_id):
    scope = _admin_scope(request)
    token = tokens.firm_token(scope, token_id)
    if token is None:
        raise Http404("No live token of this firm.")
    back = reverse("tokens:firm_token_list", args=[scope.firm.slug])
    if request.method == "POST":
        tokens.firm_token_revoke(scope=scope, token=token)
        messages.success(
            request,
            f"The token “{token.name}” of {token.user.full_name or token.user.email} "
            f"is revoked: it no longer opens {scope.firm.name}.",
        )
        return see_other(back)
    return render(
        request,
        TEMPLATES + "token_revoke.html",
        {"token": token, "cancel_url": back, "as_admin": True},
    )
