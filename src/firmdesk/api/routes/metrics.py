"""API routes: metrics (issue 21)."""

from ninja import Router

router = Router(tags=["Metrics"])
