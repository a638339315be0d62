"""API isolation entries of part "documents_billing" (see api_registry.py)."""

from .api_registry import ApiRoute  # noqa: F401

ROUTES: list = []
