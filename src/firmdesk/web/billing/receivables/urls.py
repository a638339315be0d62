"""Routes of billing: receivables. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_receivables.py)."""

urlpatterns: list = []
