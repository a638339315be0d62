"""Routes of signing in and out and of a person's own sign-in security;
every name here needs an entry in the isolation registry
(tests/isolation/registry.py, registry_security_accounts.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path(
        "account/two-factor/recovery/",
        views.two_factor_recovery,
        name="two_factor_recovery",
    ),
    path("account/confirm/", views.confirm, name="confirm"),
    path("account/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "account/recovery-codes/new/",
        views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("account/sessions/", views.sessions, name="sessions"),
    path(
        "account/sessions/end-others/",
        views.sessions_end_others,
        name="sessions_end_others",
    ),
    path("account/password/", views.password_change, name="password_change"),
    firm_space(
        [
            path(
                "people/<uuid:user_id>/sign-out/",
                views.member_sign_out,
                name="member_sign_out",
            )
        ]
    ),
]
