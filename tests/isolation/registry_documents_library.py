"""Isolation registry entries for documents: the firm's and a matter's documents, a
document's page, uploads, downloads and review (format: registry.py)."""

ROUTES: list = []
