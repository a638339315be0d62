"""One router per area; ``api.main`` mounts each at its prefix.

Firm routes go under ``f/{firm_slug}/``: each operation declares
``firm_slug: Path[str]`` (the token's Scope is already on ``request.scope``;
``api.reading.scope_of``). A router with no operations yet adds nothing.
"""

from . import (
    billing,
    conflicts,
    contacts,
    documents,
    events,
    leads,
    matters,
    metrics,
    tasks,
)

FIRM = "/f/{firm_slug}/"

ROUTERS = [
    (FIRM, matters.router),  # part matters (and the example)
    (FIRM, contacts.router),  # part matters
    (FIRM, conflicts.router),  # part matters
    (FIRM, tasks.router),  # part work
    (FIRM, events.router),  # part scheduling
    (FIRM, leads.router),  # part behaviour
    (FIRM, documents.router),  # part docsbilling
    (FIRM, billing.router),  # part docsbilling
    (FIRM, metrics.router),  # part docsbilling
]
