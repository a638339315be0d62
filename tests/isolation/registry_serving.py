"""Isolation registry entries for the serving pages (see registry.py for the format)."""

ROUTES: list = []
