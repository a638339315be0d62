"""Routes of documents: the documents of a firm and of a matter, a document's page with
its versions and history, uploads, downloads, and the review of a draft up to final.
Every name here needs an entry in the isolation registry
(tests/isolation/registry_documents_library.py)."""

from firmdesk.web.pages import firm_space

urlpatterns: list = [firm_space([])]
