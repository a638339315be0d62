"""Routes of billing: provider_bills. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_provider_bills.py)."""

urlpatterns: list = []
