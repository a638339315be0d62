"""Routes of documents: the firm's Word templates (upload, field check, questions) and
generating a draft from one on a matter. Every name here needs an entry in the
isolation registry (tests/isolation/registry_documents_templates.py)."""

from firmdesk.web.pages import firm_space

urlpatterns: list = [firm_space([])]
