"""Isolation registry entries for insights: pilots (format: registry.py)."""

ROUTES: list = []
