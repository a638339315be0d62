"""Rows of firm A (and firm B) that registry_insights_costs.py points at."""
