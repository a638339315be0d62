"""Fixtures for registry_security_accounts.py (issue 20)."""
