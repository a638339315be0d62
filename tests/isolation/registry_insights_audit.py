"""Isolation registry entries for insights: audit (format: registry.py)."""

ROUTES: list = []
