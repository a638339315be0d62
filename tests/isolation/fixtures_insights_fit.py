"""Rows of firm A (and firm B) that registry_insights_fit.py points at."""
