"""Pages of part "tokens" (issue 21): a person's own API tokens (outside the
firm prefix: a person has tokens for each firm they serve) and a firm's
tokens for its admins; every name here needs an entry in
tests/isolation/registry_integrations_tokens.py."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import tokens_views as views

app_name = "tokens"

_ONE = "<uuid:token_id>/"

urlpatterns = [
    path("account/api-tokens/", views.token_list, name="token_list"),
    path("account/api-tokens/new/", views.token_new, name="token_new"),
    path(
        "account/api-tokens/" + _ONE + "revoke/",
        views.token_revoke,
        name="token_revoke",
    ),
    firm_space(
        [
            path("api-tokens/", views.firm_token_list, name="firm_token_list"),
            path(
                "api-tokens/" + _ONE + "revoke/",
                views.firm_token_revoke,
                name="firm_token_revoke",
            ),
        ]
    ),
]
