"""Routes of billing: ledes. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_ledes.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path(
                "billing/invoices/<uuid:invoice_id>/ledes/",
                views.invoice_ledes,
                name="invoice_ledes",
            ),
        ]
    ),
]
