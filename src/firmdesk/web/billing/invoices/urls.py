"""Routes of billing: invoices. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_invoices.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

ONE = "billing/invoices/<uuid:invoice_id>/"

urlpatterns: list = [
    firm_space(
        [
            path("billing/invoices/", views.invoice_list, name="invoice_list"),
            path("billing/invoices/new/", views.invoice_new, name="invoice_new"),
            path(
                "billing/invoices/build-all/",
                views.invoice_build_all,
                name="invoice_build_all",
            ),
            path(ONE, views.invoice_detail, name="invoice_detail"),
            path(f"{ONE}pdf/", views.invoice_pdf_download, name="invoice_pdf"),
            path(
                f"{ONE}lines/<uuid:line_id>/adjust/",
                views.invoice_line_adjust,
                name="invoice_line_adjust",
            ),
            path(
                f"{ONE}adjustments/",
                views.invoice_adjustment_add,
                name="invoice_adjustment_add",
            ),
            path(
                f"{ONE}adjustments/<uuid:line_id>/remove/",
                views.invoice_adjustment_remove,
                name="invoice_adjustment_remove",
            ),
            path(f"{ONE}approve/", views.invoice_approve, name="invoice_approve"),
            path(f"{ONE}send/", views.invoice_send, name="invoice_send"),
            path(f"{ONE}payments/", views.invoice_payment, name="invoice_payment"),
            path(f"{ONE}void/", views.invoice_void, name="invoice_void"),
        ]
    )
]
