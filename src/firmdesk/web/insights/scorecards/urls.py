"""Routes of insights: scorecards. Every name here needs an entry in the isolation
registry (tests/isolation/registry_insights_scorecards.py)."""

urlpatterns: list = []
