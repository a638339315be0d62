from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "firmdesk.web"
    label = "web"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .accounts import reauth

        user_logged_in.connect(reauth.on_login, dispatch_uid="web.reauth.login")
