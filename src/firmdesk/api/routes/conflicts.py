"""API routes: conflicts (issue 21)."""

from ninja import Router

router = Router(tags=["Conflicts"])
