"""Rows of firm A (and firm B) that registry_insights_dashboard.py points at:
the shared ``engagement`` and ``other_engagement`` (tests/conftest.py) are
enough, so there are none of its own."""
