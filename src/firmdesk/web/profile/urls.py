"""A person's own settings (outside the firm prefix: they are the person's, in
every firm); every name here needs an entry in the isolation registry
(tests/isolation/registry.py)."""

from django.urls import path

from . import views

app_name = "profile"

urlpatterns = [
    path("account/settings/", views.settings_page, name="settings"),
]
