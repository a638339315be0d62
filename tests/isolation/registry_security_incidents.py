"""Isolation registry entries for issue 20 (incidents) (format: registry.py)."""

ROUTES: list = []
