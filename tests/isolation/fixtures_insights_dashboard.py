"""Rows of firm A (and firm B) that registry_insights_dashboard.py points at."""
