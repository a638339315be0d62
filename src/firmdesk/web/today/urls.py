"""Routes of the landing pages; every name here needs an entry in the
isolation registry (tests/isolation/registry.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space, provider_space

from . import views

app_name = "today"

urlpatterns = [
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    firm_space([path("", views.firm_today, name="firm_today")]),
    provider_space([path("team/", views.provider_team, name="provider_team")]),
]
