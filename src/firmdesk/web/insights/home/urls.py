"""The insights home page (tests/isolation/registry_insights_home.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns = [firm_space([path("insights/", views.home, name="home")])]
