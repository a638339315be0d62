"""API routes: tasks (issue 21)."""

from ninja import Router

router = Router(tags=["Tasks"])
