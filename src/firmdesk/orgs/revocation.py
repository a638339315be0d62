"""Taking people's access to a firm away at once (issue 20).

The access rule is checked on every request, so a page, a file or a feed read
after an engagement ends is refused by the rule itself. This module makes the
end visible and complete for what outlives a request: the people's signed-in
sessions end (they meet the sign-in page), and every standing credential they
hold for that firm (calendar feed addresses, API tokens) is revoked, so a
copied address or a script stops too rather than answering empty.

Apps above ``orgs`` hold those credentials; each registers a revoker here
from its ``AppConfig.ready`` (``register``), so this module imports none of
them.
"""

from collections.abc import Callable

from .sessions import end_sessions

# name → revoker(firm, user_ids) returning how many credentials it revoked.
_REVOKERS: dict[str, Callable] = {}


def register(name: str, revoker: Callable) -> None:
    _REVOKERS[name] = revoker


def revoke_firm_access(*, firm, user_ids, reason: str) -> dict[str, int]:
    """End these people's sessions and revoke their credentials for ``firm``;
    return what was revoked, by kind ("sessions", "calendar feeds", ...).
    Call inside the transaction of the change that takes the access away."""
    user_ids = list(user_ids)
    revoked = {"sessions": end_sessions(user_ids, reason=reason)}
    for name, revoker in _REVOKERS.items():
        revoked[name] = revoker(firm, user_ids)
    return revoked
