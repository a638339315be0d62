"""Routes of billing: imports. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_imports.py)."""

urlpatterns: list = []
