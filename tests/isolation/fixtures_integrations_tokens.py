"""Isolation fixtures for the pages of part "tokens" (issue 21)."""

import pytest  # noqa: F401

__all__: list[str] = []
