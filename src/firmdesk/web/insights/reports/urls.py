"""Routes of insights: reports. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_reports.py)."""

urlpatterns: list = []
