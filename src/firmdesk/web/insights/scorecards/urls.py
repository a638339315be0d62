"""Routes of insights: provider scorecards. Every name here needs an entry in
the isolation registry (tests/isolation/registry_insights_scorecards.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

CARD = "insights/scorecards/<uuid:scorecard_id>/"
CANDIDATE = f"{CARD}candidates/<uuid:candidate_id>/"

urlpatterns = [
    firm_space(
        [
            path("insights/scorecards/", views.scorecard_list, name="scorecard_list"),
            path("insights/scorecards/new/", views.scorecard_new, name="scorecard_new"),
            path(CARD, views.scorecard_detail, name="scorecard_detail"),
            path(f"{CARD}edit/", views.scorecard_edit, name="scorecard_edit"),
            path(f"{CARD}delete/", views.scorecard_delete, name="scorecard_delete"),
            path(
                f"{CARD}candidates/new/",
                views.candidate_new,
                name="scorecard_candidate_new",
            ),
            path(
                f"{CANDIDATE}edit/",
                views.candidate_edit,
                name="scorecard_candidate_edit",
            ),
            path(
                f"{CANDIDATE}remove/",
                views.candidate_remove,
                name="scorecard_candidate_remove",
            ),
        ]
    )
]
