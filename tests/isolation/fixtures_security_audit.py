"""Fixtures for registry_security_audit.py (issue 20)."""
