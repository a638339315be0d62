"""Fixtures for registry_security_consent.py (issue 20)."""
