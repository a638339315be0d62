"""API routes: events (issue 21)."""

from ninja import Router

router = Router(tags=["Events"])
