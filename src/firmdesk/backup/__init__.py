"""Backups: ``firmdesk backup FILE`` and ``firmdesk restore FILE``."""
