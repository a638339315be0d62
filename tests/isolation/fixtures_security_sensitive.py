"""Fixtures for registry_security_sensitive.py (issue 20)."""
