"""Rows of firm A (and firm B) that registry_insights_reports.py points at."""
