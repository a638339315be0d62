"""Isolation registry entries for documents: the page a share link opens (public: the
token is the key) (format: registry.py)."""

ROUTES: list = []
