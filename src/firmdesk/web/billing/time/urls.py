"""Routes of billing: time. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_time.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path("billing/", views.home, name="home"),
            path("billing/time/", views.my_time, name="my_time"),
            path("billing/time/all/", views.all_time, name="time_all"),
            path("billing/time/new/", views.entry_edit, name="entry_new"),
            path(
                "billing/time/<uuid:entry_id>/edit/",
                views.entry_edit,
                name="entry_edit",
            ),
            path(
                "billing/time/<uuid:entry_id>/submit/",
                views.entry_submit,
                name="entry_submit",
            ),
            path(
                "billing/time/<uuid:entry_id>/delete/",
                views.entry_delete,
                name="entry_delete",
            ),
            path("billing/time/timer/", views.timer_start, name="timer_start"),
            path(
                "billing/time/<uuid:entry_id>/stop/",
                views.timer_stop,
                name="timer_stop",
            ),
            path("billing/expenses/", views.expense_list, name="expense_list"),
            path("billing/expenses/new/", views.expense_edit, name="expense_new"),
            path(
                "billing/expenses/<uuid:expense_id>/edit/",
                views.expense_edit,
                name="expense_edit",
            ),
            path(
                "billing/expenses/<uuid:expense_id>/submit/",
                views.expense_submit,
                name="expense_submit",
            ),
            path(
                "billing/expenses/<uuid:expense_id>/delete/",
                views.expense_delete,
                name="expense_delete",
            ),
            path(
                "billing/expenses/<uuid:expense_id>/receipt/",
                views.expense_receipt,
                name="expense_receipt",
            ),
        ]
    )
]
