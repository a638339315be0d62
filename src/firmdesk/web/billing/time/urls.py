"""Routes of billing: time. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_time.py)."""

urlpatterns: list = []
