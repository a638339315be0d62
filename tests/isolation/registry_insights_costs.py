"""Isolation registry entries for insights: costs (format: registry.py)."""

ROUTES: list = []
