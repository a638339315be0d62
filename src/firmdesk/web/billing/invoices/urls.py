"""Routes of billing: invoices. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_invoices.py)."""

urlpatterns: list = []
