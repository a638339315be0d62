"""Rows of firm A (and firm B) that registry_insights_audit.py points at."""
