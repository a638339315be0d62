"""Routes of billing: review. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_review.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

firm_patterns: list = [  # under /f/<firm_slug>/
    path("billing/review/", views.review_queue, name="review_queue"),
    path(
        "billing/review/approve-unflagged/",
        views.review_bulk_approve,
        name="review_bulk_approve",
    ),
    path(
        "billing/review/<slug:kind>/<uuid:row_id>/",
        views.review_row,
        name="review_row",
    ),
    path(
        "billing/review/<slug:kind>/<uuid:row_id>/do/<slug:action>/",
        views.review_action,
        name="review_action",
    ),
]

urlpatterns: list = [firm_space(firm_patterns)]
