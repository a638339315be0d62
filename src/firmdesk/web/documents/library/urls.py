"""Routes of documents: the documents of a firm and of a matter, a document's page with
its versions and history, uploads, downloads, and the review of a draft up to final.
Every name here needs an entry in the isolation registry
(tests/isolation/registry_documents_library.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path("documents/", views.document_list, name="document_list"),
            path(
                "matters/<uuid:matter_id>/documents/new/",
                views.document_upload_page,
                name="document_upload",
            ),
            path(
                "documents/<uuid:document_id>/",
                views.document_detail,
                name="document_detail",
            ),
            path(
                "documents/<uuid:document_id>/versions/<int:number>/download/",
                views.version_download,
                name="version_download",
            ),
            path(
                "documents/<uuid:document_id>/versions/new/",
                views.version_new,
                name="version_new",
            ),
            path(
                "documents/<uuid:document_id>/submit/",
                views.document_submit,
                name="document_submit",
            ),
            path(
                "documents/<uuid:document_id>/review/",
                views.document_review,
                name="document_review",
            ),
            path(
                "documents/<uuid:document_id>/final/",
                views.document_finalise,
                name="document_finalise",
            ),
            path(
                "documents/<uuid:document_id>/delete/",
                views.document_delete,
                name="document_delete",
            ),
        ]
    )
]
