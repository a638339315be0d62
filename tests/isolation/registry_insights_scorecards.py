"""Isolation registry entries for insights: scorecards (format: registry.py)."""

ROUTES: list = []
