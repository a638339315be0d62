"""Routes of insights: pilots. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_pilots.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

PILOT = "insights/pilots/<uuid:engagement_id>/"

urlpatterns = [
    firm_space(
        [
            path("insights/pilots/", views.pilot_list, name="pilot_list"),
            path(PILOT, views.pilot_detail, name="pilot_detail"),
            path(f"{PILOT}evaluate/", views.pilot_evaluate, name="pilot_evaluate"),
            path(
                f"{PILOT}evaluations/<uuid:evaluation_id>/decide/",
                views.pilot_decide,
                name="pilot_decide",
            ),
        ]
    )
]
