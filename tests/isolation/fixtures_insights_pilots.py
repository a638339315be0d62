"""Rows of firm A (and firm B) that registry_insights_pilots.py points at."""
