from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "firmdesk.orgs"
    label = "orgs"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import sessions

        user_logged_in.connect(sessions.record_login, dispatch_uid="orgs.sessions.in")
        user_logged_out.connect(
            sessions.record_logout, dispatch_uid="orgs.sessions.out"
        )
