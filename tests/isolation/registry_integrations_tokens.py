"""Isolation entries for the pages of part "tokens" (issue 21)."""

from .registry import Route  # noqa: F401

ROUTES: list = []
