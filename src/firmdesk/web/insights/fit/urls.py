"""Routes of insights: fit. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_fit.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path("insights/fit/", views.fit_list, name="fit_list"),
            path("insights/fit/new/", views.fit_create, name="fit_create"),
            path("insights/fit/starter/", views.fit_starter, name="fit_starter"),
            path(
                "insights/fit/<uuid:assessment_id>/",
                views.fit_edit,
                name="fit_edit",
            ),
            path(
                "insights/fit/<uuid:assessment_id>/delete/",
                views.fit_delete,
                name="fit_delete",
            ),
        ]
    )
]
