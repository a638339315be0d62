"""Routes of the matter, contact and conflict check pages; every name here
needs an entry in the isolation registry (tests/isolation/registry.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views
from .sensitive.urls import urlpatterns as sensitive

app_name = "matters"

firm_patterns: list = [  # under /f/<firm_slug>/
    path("matters/", views.matter_list, name="matter_list"),
    path("matters/<uuid:matter_id>/", views.matter_detail, name="matter_detail"),
    path("contacts/", views.contact_list, name="contact_list"),
    path("contacts/new/", views.contact_edit, name="contact_new"),
    path("contacts/export/", views.contact_export, name="contact_export"),
    path("import/", views.import_page, name="import_page"),
    path(
        "contacts/<uuid:contact_id>/",
        views.contact_detail,
        name="contact_detail",
    ),
    path(
        "contacts/<uuid:contact_id>/edit/",
        views.contact_edit,
        name="contact_edit",
    ),
    path(
        "contacts/<uuid:contact_id>/consent/",
        views.client_consent,
        name="client_consent",
    ),
    path(
        "contacts/<uuid:contact_id>/relationships/",
        views.contact_relationship_add,
        name="contact_relationship_add",
    ),
    path("conflicts/", views.conflict_check_list, name="conflict_check_list"),
    path("conflicts/new/", views.conflict_check_new, name="conflict_check_new"),
    path(
        "conflicts/<uuid:check_id>/",
        views.conflict_check_detail,
        name="conflict_check_detail",
    ),
    path(
        "conflicts/<uuid:check_id>/open-matter/",
        views.matter_open,
        name="matter_open",
    ),
    path("matters/<uuid:matter_id>/edit/", views.matter_edit, name="matter_edit"),
    path(
        "matters/<uuid:matter_id>/parties/new/",
        views.matter_party_add,
        name="matter_party_add",
    ),
    path(
        "matters/<uuid:matter_id>/parties/<uuid:party_id>/",
        views.matter_party_edit,
        name="matter_party_edit",
    ),
    path(
        "matters/<uuid:matter_id>/parties/<uuid:party_id>/remove/",
        views.matter_party_remove,
        name="matter_party_remove",
    ),
    path("matters/<uuid:matter_id>/close/", views.matter_close, name="matter_close"),
    path("matters/<uuid:matter_id>/reopen/", views.matter_reopen, name="matter_reopen"),
    path(
        "matters/<uuid:matter_id>/consent/",
        views.matter_consent,
        name="matter_consent",
    ),
    path(
        "matters/<uuid:matter_id>/screens/",
        views.matter_screens,
        name="matter_screens",
    ),
    path(
        "matters/<uuid:matter_id>/screens/<uuid:screen_id>/delete/",
        views.matter_screen_delete,
        name="matter_screen_delete",
    ),
]

# Sensitive fields: unmasking and changing them (issue 20), whole paths.
urlpatterns = [firm_space(firm_patterns), *sensitive]
