"""Isolation registry entries for insights: fit (format: registry.py)."""

ROUTES: list = []
