"""Routes of insights: dashboard. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_dashboard.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

ENGAGEMENT = "insights/dashboard/engagements/<uuid:engagement_id>/"

urlpatterns = [
    firm_space(
        [
            path("insights/dashboard/", views.dashboard, name="dashboard"),
            path(
                "insights/dashboard/figures.csv",
                views.dashboard_csv,
                name="dashboard_csv",
            ),
            path(ENGAGEMENT, views.engagement_dashboard, name="engagement_dashboard"),
            path(
                f"{ENGAGEMENT}figures.csv",
                views.engagement_dashboard_csv,
                name="engagement_dashboard_csv",
            ),
            path("insights/formulas/", views.formulas, name="formulas"),
        ]
    )
]
