"""API routes: billing (issue 21)."""

from ninja import Router

router = Router(tags=["Billing"])
