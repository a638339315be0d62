"""Isolation registry entries for documents: a matter's exhibit list and index (format:
registry.py)."""

ROUTES: list = []
