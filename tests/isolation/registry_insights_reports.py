"""Isolation registry entries for insights: reports (format: registry.py)."""

ROUTES: list = []
