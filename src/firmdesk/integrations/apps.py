from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "firmdesk.integrations"
    label = "integrations"
    verbose_name = "Integrations: API tokens and webhooks"

    def ready(self):
        from firmdesk.notify import hooks
        from firmdesk.orgs import revocation

        from . import tokens, webhooks

        revocation.register("api tokens", tokens.revoke_for_firm)
        hooks.subscribe(webhooks.on_domain_event)
