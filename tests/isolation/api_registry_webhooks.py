"""API isolation entries of part "webhooks" (see api_registry.py)."""

from .api_registry import ApiRoute  # noqa: F401

ROUTES: list = []
