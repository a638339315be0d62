"""Rows of firm A (and firm B) that registry_insights_scorecards.py points at."""
