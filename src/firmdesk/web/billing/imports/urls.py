"""Routes of billing: imports. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_imports.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space([path("billing/import/", views.time_import_page, name="time_import")]),
]
