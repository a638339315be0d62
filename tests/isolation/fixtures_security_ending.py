"""Fixtures for registry_security_ending.py (issue 20)."""
