"""Routes of documents: share links of final documents, as the firm makes and revokes
them. Every name here needs an entry in the isolation registry
(tests/isolation/registry_documents_shares.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

urlpatterns: list = [
    firm_space(
        [
            path(
                "documents/<uuid:document_id>/shares/",
                views.share_list,
                name="share_list",
            ),
            path(
                "documents/<uuid:document_id>/shares/new/",
                views.share_new,
                name="share_new",
            ),
            path(
                "documents/<uuid:document_id>/shares/<uuid:share_id>/revoke/",
                views.share_revoke,
                name="share_revoke",
            ),
        ]
    )
]
