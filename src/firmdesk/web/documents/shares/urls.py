"""Routes of documents: share links of final documents, as the firm makes and revokes
them. Every name here needs an entry in the isolation registry
(tests/isolation/registry_documents_shares.py)."""

from firmdesk.web.pages import firm_space

urlpatterns: list = [firm_space([])]
