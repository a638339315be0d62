"""API routes: contacts (issue 21)."""

from ninja import Router

router = Router(tags=["Contacts"])
