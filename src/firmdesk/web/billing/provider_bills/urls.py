"""Routes of billing: provider_bills. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_provider_bills.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

BILL = "billing/provider-bills/<uuid:bill_id>/"
LINE = BILL + "lines/<uuid:line_id>/"

urlpatterns: list = [
    firm_space(
        [
            path("billing/provider-bills/", views.bill_list, name="provider_bill_list"),
            path(
                "billing/provider-bills/new/",
                views.bill_new,
                name="provider_bill_new",
            ),
            path(
                "billing/provider-bills/import/",
                views.bill_import,
                name="provider_bill_import",
            ),
            path(BILL, views.bill_detail, name="provider_bill_detail"),
            path(
                BILL + "reconcile/",
                views.bill_reconcile,
                name="provider_bill_reconcile",
            ),
            path(
                BILL + "document/",
                views.bill_document,
                name="provider_bill_document",
            ),
            path(LINE + "dispute/", views.line_dispute, name="provider_bill_dispute"),
            path(LINE + "resolve/", views.line_resolve, name="provider_bill_resolve"),
        ]
    )
]
