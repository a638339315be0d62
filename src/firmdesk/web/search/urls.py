"""Route of the search page; every name here needs an entry in the isolation
registry (tests/isolation/registry_search.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "search"

urlpatterns = [firm_space([path("search/", views.search, name="search")])]
