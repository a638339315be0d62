"""Routes of the public pages (no sign-in): intake forms, consultation booking,
feedback. Every name here needs an entry in the isolation registry. None takes
``firm_slug`` (the ScopeMiddleware would send visitors to sign in): the firm
is ``firm``."""

from django.urls import path

from . import views

app_name = "public_intake"

urlpatterns = [
    path(
        "intake/<slug:firm>/<slug:form_slug>/",
        views.intake_form,
        name="public_intake_form",
    ),
    path(
        "intake/<slug:firm>/<slug:form_slug>/thanks/<str:token>/",
        views.intake_thanks,
        name="public_intake_thanks",
    ),
    # A lead's own link, under a prefix of its own so no firm slug can shadow it.
    path(
        "booking/<str:token>/", views.booking_for_lead, name="public_booking_for_lead"
    ),
    path("book/<slug:firm>/", views.booking, name="public_booking"),
    path(
        "book/<slug:firm>/<uuid:attorney>/",
        views.booking_attorney,
        name="public_booking_attorney",
    ),
    path("feedback/<str:token>/", views.feedback, name="public_feedback"),
]
