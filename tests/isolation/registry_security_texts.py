"""Isolation registry entries for issue 20 (texts) (format: registry.py)."""

ROUTES: list = []
