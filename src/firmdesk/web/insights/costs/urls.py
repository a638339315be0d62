"""Routes of insights: costs. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_costs.py)."""

urlpatterns: list = []
