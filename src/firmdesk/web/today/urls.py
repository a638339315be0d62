"""Routes of the landing pages; every name here needs an entry in the
isolation registry (tests/isolation/registry.py)."""

from django.urls import path
from django.views.generic import RedirectView

from firmdesk.web.pages import firm_space

from . import views

app_name = "today"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="today:today"), name="home"),
    path("today/", views.today, name="today"),
    firm_space([path("", views.firm_today, name="firm_today")]),
]
