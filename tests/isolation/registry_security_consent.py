"""Isolation registry entries for issue 20 (consent) (format: registry.py)."""

ROUTES: list = []
