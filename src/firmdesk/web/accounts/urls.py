"""Routes of signing in and out; every name here needs an entry in the
isolation registry (tests/isolation/registry.py)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", views.two_factor, name="two_factor"),
    path("account/confirm/", views.confirm, name="confirm"),
]
