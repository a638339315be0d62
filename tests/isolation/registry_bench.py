"""Isolation registry entries for the bench pages (see registry.py for the format)."""

from .registry import ANONYMOUS, SIGNED_IN_SAMPLE, Route

ROUTES: list = [
    Route(
        "bench:trivial",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="a constant page with no data of any firm: the benchmark's yardstick "
        "for the middleware stack (tests/web/test_bench_trivial.py)",
    ),
]
