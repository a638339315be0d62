"""Pages of the integrations: API tokens (namespace ``tokens``) and webhooks
(namespace ``webhooks``); their names need entries in
tests/isolation/registry_integrations_tokens.py and …_webhooks.py."""

from django.urls import include, path

urlpatterns = [
    path("", include("firmdesk.web.integrations.tokens_urls")),
    path("", include("firmdesk.web.integrations.webhooks_urls")),
]
