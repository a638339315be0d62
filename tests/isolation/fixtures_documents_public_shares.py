"""Rows of firm A (and firm B) that registry_documents_public_shares.py points at:
the share link and its token are fixtures_documents_shares.py's (share_link,
share_token), so both registries use the same link."""

__all__: list[str] = []
