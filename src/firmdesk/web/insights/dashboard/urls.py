"""Routes of insights: dashboard. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_dashboard.py)."""

urlpatterns: list = []
