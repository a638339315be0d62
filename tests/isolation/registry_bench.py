"""Isolation registry entries for the bench pages (see registry.py for the format)."""

ROUTES: list = []
