"""Isolation registry entries for the serving pages (see registry.py for the format)."""

from .registry import ANONYMOUS, Route

ROUTES: list = [
    Route(
        "health",
        allowed=(ANONYMOUS, "firm_admin", "assistant", "outsider", "provider_admin"),
        public=True,
        why="for load balancers: the same JSON for everyone, whether the "
        "database, migrations, cache and job worker are well; nothing about any "
        "firm (tests/serving/test_health.py)",
    ),
]
