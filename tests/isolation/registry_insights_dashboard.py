"""Isolation registry entries for insights: dashboard (format: registry.py)."""

ROUTES: list = []
