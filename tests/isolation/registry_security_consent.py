"""Isolation registry entries for issue 20, client consent (format: registry.py).

A client's consent to outside help, for all its matters at once, is recorded
or withdrawn by those who maintain matters (``matters.services.may_maintain``:
the firm's attorneys and admins); the firm's support staff and every outside
person get 404, and firm B's client under firm A's slug is 404 for everyone.
The page's forms are tested with data in tests/web/test_consent_client.py."""

from .registry import Route, _firm
from .registry_matters import MAINTAINERS, NOT_MAINTAINERS

ROUTES: list = [
    Route(
        "matters:client_consent",
        kwargs=lambda f: {**_firm(f), "contact_id": f.contact.public_id},
        foreign_kwargs=lambda f: {
            **_firm(f),
            "contact_id": f.other_contact.public_id,
        },
        allowed=MAINTAINERS,
        denied=NOT_MAINTAINERS,
        why="the client's consent for every matter: maintainers of matters only",
    ),
]
