"""Routes of documents: a matter's numbered exhibit list and its index as .docx and PDF.
Every name here needs an entry in the isolation registry
(tests/isolation/registry_documents_exhibits.py)."""

from django.urls import path

from firmdesk.web.pages import firm_space

from . import views

LIST = "matters/<uuid:matter_id>/exhibits/"
ONE = f"{LIST}<uuid:exhibit_id>/"

urlpatterns: list = [
    firm_space(
        [
            path(LIST, views.exhibit_list, name="exhibit_list"),
            path(f"{LIST}new/", views.exhibit_new, name="exhibit_new"),
            path(f"{LIST}renumber/", views.exhibits_renumber, name="exhibits_renumber"),
            path(
                f"{LIST}index.docx", views.exhibit_index_docx, name="exhibit_index_docx"
            ),
            path(f"{LIST}index.pdf", views.exhibit_index_pdf, name="exhibit_index_pdf"),
            path(f"{ONE}edit/", views.exhibit_edit, name="exhibit_edit"),
            path(
                f"{ONE}move/<str:direction>/", views.exhibit_move, name="exhibit_move"
            ),
            path(f"{ONE}status/", views.exhibit_status, name="exhibit_status"),
            path(f"{ONE}remove/", views.exhibit_remove, name="exhibit_remove"),
        ]
    )
]
