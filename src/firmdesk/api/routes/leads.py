"""API routes: leads (issue 21)."""

from ninja import Router

router = Router(tags=["Leads"])
