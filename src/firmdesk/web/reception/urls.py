"""Routes of the reception pages; every name here needs an entry in the
isolation registry (tests/isolation/registry_reception.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

app_name = "reception"

firm_patterns: list = [  # under /f/<firm_slug>/
    path("calls/", views.call_list, name="call_list"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/matters/", views.call_matter_lookup, name="call_matter_lookup"),
    path(
        "calls/<uuid:call_id>/acknowledge/",
        views.call_acknowledge,
        name="call_acknowledge",
    ),
    path("calls/settings/", views.reception_settings, name="reception_settings"),
]

urlpatterns = [firm_space(firm_patterns)]
