"""Routes of documents: a matter's numbered exhibit list and its index as .docx and PDF.
Every name here needs an entry in the isolation registry
(tests/isolation/registry_documents_exhibits.py)."""

from firmdesk.web.pages import firm_space

urlpatterns: list = [firm_space([])]
