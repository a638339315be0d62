"""Routes of documents: the firm's Word templates (upload, field check, questions) and
generating a draft from one on a matter. Every name here needs an entry in the
isolation registry (tests/isolation/registry_documents_templates.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

T = "documents/templates/<uuid:template_id>/"

urlpatterns: list = [
    firm_space(
        [
            path("documents/templates/", views.template_list, name="template_list"),
            path(
                "documents/templates/new/",
                views.template_upload,
                name="template_upload",
            ),
            path(
                "documents/templates/starters/",
                views.template_add_starters,
                name="template_add_starters",
            ),
            path(
                "documents/templates/fields/",
                views.template_fields,
                name="template_fields",
            ),
            path(T, views.template_detail, name="template_detail"),
            path(f"{T}replace/", views.template_replace, name="template_replace"),
            path(f"{T}active/", views.template_set_active, name="template_set_active"),
            path(f"{T}download/", views.template_download, name="template_download"),
            path(
                "matters/<uuid:matter_id>/documents/generate/",
                views.draft_generate,
                name="draft_generate",
            ),
            path(
                "documents/<uuid:document_id>/generate-again/",
                views.draft_generate_again,
                name="draft_generate_again",
            ),
        ]
    )
]
