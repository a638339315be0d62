"""Rows of firm A (and firm B) that registry_documents_exhibits.py points at."""

__all__: list[str] = []
