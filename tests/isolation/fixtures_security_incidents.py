"""Fixtures for registry_security_incidents.py (issue 20)."""
