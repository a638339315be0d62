"""Fixtures for registry_security_texts.py (issue 20)."""
