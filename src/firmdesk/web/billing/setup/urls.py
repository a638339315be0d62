"""Routes of billing set-up. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_setup.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns = [
    firm_space(
        [
            path("billing/settings/", views.settings_page, name="settings"),
            path("billing/timekeepers/", views.timekeeper_list, name="timekeeper_list"),
            path(
                "billing/timekeepers/add-missing/",
                views.timekeepers_add_missing,
                name="timekeepers_add_missing",
            ),
            path(
                "billing/timekeepers/<uuid:timekeeper_id>/",
                views.timekeeper_edit,
                name="timekeeper_edit",
            ),
            path(
                "billing/matters/<uuid:matter_id>/terms/",
                views.matter_terms,
                name="matter_terms",
            ),
            path(
                "billing/matters/<uuid:matter_id>/terms/rates/",
                views.matter_rate_add,
                name="matter_rate_add",
            ),
            path(
                "billing/matters/<uuid:matter_id>/terms/rates/<uuid:rate_id>/remove/",
                views.matter_rate_remove,
                name="matter_rate_remove",
            ),
            path(
                "billing/clients/<uuid:contact_id>/terms/",
                views.client_terms,
                name="client_terms",
            ),
        ]
    )
]
