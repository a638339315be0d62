"""Routes of billing: ledes. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_ledes.py)."""

urlpatterns: list = []
