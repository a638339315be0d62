"""Isolation registry entries for issue 20 (ending) (format: registry.py)."""

ROUTES: list = []
