"""Routes of insights: costs. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_costs.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path("insights/costs/", views.cost_list, name="cost_list"),
            path("insights/costs/new/", views.cost_create, name="cost_create"),
            path(
                "insights/costs/<uuid:comparison_id>/",
                views.cost_edit,
                name="cost_edit",
            ),
            path(
                "insights/costs/<uuid:comparison_id>/delete/",
                views.cost_delete,
                name="cost_delete",
            ),
            path(
                "insights/costs/<uuid:comparison_id>/baseline/",
                views.cost_baseline,
                name="cost_baseline",
            ),
        ]
    )
]
