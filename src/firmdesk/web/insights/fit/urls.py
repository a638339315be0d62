"""Routes of insights: fit. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_fit.py)."""

urlpatterns: list = []
