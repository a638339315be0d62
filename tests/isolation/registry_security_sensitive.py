"""Isolation registry entries for issue 20 (sensitive) (format: registry.py)."""

ROUTES: list = []
