"""Isolation registry entries for issue 20: the person's own account pages
(confirming a sensitive action, recovery codes, sessions) (format: registry.py)."""

from .registry import ANONYMOUS, SIGNED_IN_SAMPLE, Route

ROUTES: list = [
    Route(
        "accounts:confirm",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="asks for the person's own password; shows no data",
    ),
]
