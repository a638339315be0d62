"""API isolation entries of part "matters" (see api_registry.py)."""

from .api_registry import ApiRoute  # noqa: F401

ROUTES: list = []
