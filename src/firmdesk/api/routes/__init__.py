"""One router per area; ``api.main`` mounts each at its prefix.

Firm routes go under ``f/{firm_slug}/``: each operation declares
``firm_slug: str`` (the token's Scope is already on ``request.scope``).
"""

from . import matters

FIRM = "/f/{firm_slug}/"

ROUTERS = [
    (FIRM, matters.router),
]
