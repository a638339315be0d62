"""API routes: documents (issue 21)."""

from ninja import Router

router = Router(tags=["Documents"])
