"""Routes of billing: review. Every name here needs an entry in the isolation
registry (tests/isolation/registry_billing_review.py)."""

urlpatterns: list = []
