"""Rows of firm A (and firm B) that registry_documents_public_shares.py points at."""

__all__: list[str] = []
