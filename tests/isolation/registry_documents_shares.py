"""Isolation registry entries for documents: share links as the firm makes and revokes
them (format: registry.py)."""

ROUTES: list = []
