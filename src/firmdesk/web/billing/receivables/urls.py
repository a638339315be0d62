"""Routes of billing: receivables. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_receivables.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path(
                "billing/receivables/",
                views.receivables,
                name="receivables",
            ),
            path(
                "billing/receivables/ageing.csv",
                views.receivables_csv,
                name="receivables_csv",
            ),
            path(
                "billing/receivables/<uuid:invoice_id>/",
                views.receivables_invoice,
                name="receivables_invoice",
            ),
            path(
                "billing/receivables/<uuid:invoice_id>/notes/",
                views.receivables_note_add,
                name="receivables_note_add",
            ),
            path(
                "billing/receivables/<uuid:invoice_id>/letters/<uuid:reminder_id>/",
                views.receivables_letter,
                name="receivables_letter",
            ),
        ]
    )
]
