from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "firmdesk.web"
    label = "web"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import middleware
        from .accounts import reauth

        user_logged_in.connect(reauth.on_login, dispatch_uid="web.reauth.login")
        user_logged_in.connect(
            middleware.session_started, dispatch_uid="web.session.started"
        )
