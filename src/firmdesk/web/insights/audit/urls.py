"""Routes of insights: audit. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_audit.py)."""

urlpatterns: list = []
