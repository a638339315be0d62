"""Routes of insights: pilots. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_pilots.py)."""

urlpatterns: list = []
