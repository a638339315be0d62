"""Isolation registry entries for documents: Word templates and generating drafts
(format: registry.py)."""

ROUTES: list = []
