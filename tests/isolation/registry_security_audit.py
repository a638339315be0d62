"""Isolation registry entries for issue 20 (audit) (format: registry.py)."""

ROUTES: list = []
