"""API tokens: made, shown once, used, revoked (issue 21).

A token is ``fd_`` and 40 random URL-safe characters (240 bits). Only its
SHA-256 is stored: a fast hash is enough for a secret that long, and it lets a
request find its token with one indexed look-up. A token acts for one person
in one firm with exactly that person's Scope, resolved on every request
(``api.auth``); revoking it, or the access rule taking the firm away, stops it.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from firmdesk.access.scope import firms_for_user, resolve_scope
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from .models import ApiToken

PREFIX = "fd_"
# The demo's tokens are printed by `firmdesk demo` for anyone to try: their
# fixed secrets start with this, so one can never pass for a real token.
DEMO_PREFIX = PREFIX + "demo_"
NAME_MAX = 100
# last_used_at is written at most this often per token: a script polling
# every second must not turn every read into a write.
LAST_USED_EVERY_SECONDS = 60


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(
    *, user, firm, name: str, created_by=None, demo_secret: str | None = None
) -> NewToken:
    """Make a token for ``user`` acting for ``firm``. Refused when the user may
    not act for the firm now, or already has a live token of that name.
    ``created_by`` None: an operator made it (``firmdesk token create``).
    ``demo_secret``: the demo's published secret (``DEMO_PREFIX`` first)
    instead of a random one; for the demo only."""
    if demo_secret is not None and not demo_secret.startswith(DEMO_PREFIX):
        raise ValueError(f"A fixed secret is for the demo: start it {DEMO_PREFIX}.")
    name = (name or "").strip()
    if not name:
        raise ServiceError(
            "Give the token a name that says where it is used, such as “Clio sync”.",
            field="name",
        )
    if len(name) > NAME_MAX:
        raise ServiceError(f"Keep the name to {NAME_MAX} characters.", field="name")
    if resolve_scope(user, firm) is None:
        raise ServiceError(
            f"{user.email} cannot work for {firm.name} now, so a token for it "
            "would open nothing.",
            field="firm",
        )
    if ApiToken.objects.filter(
        user=user, firm=firm, name=name, revoked_at__isnull=True
    ).exists():
        raise ServiceError(
            f"There is already a token named “{name}” for {firm.name}: choose "
            "another name or revoke that one first.",
            field="name",
        )
    secret = demo_secret or PREFIX + secrets.token_urlsafe(30)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            firm=firm,
            name=name,
            prefix=secret[:10],
            digest=digest_of(secret),
            created_by=created_by,
        )
        audit_record(
            org=firm,
            actor=created_by,
            action="api_token.created",
            obj=token,
            summary=f"API token “{name}” ({token.prefix}…) made for {user.email}"
            + ("" if created_by else " by an operator (firmdesk token create)"),
        )
    return NewToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken, actor=None, reason: str = "") -> bool:
    """Revoke ``token``; False if it was revoked already."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_reason=reason[:200]
        )
        if updated:
            audit_record(
                org=token.firm,
                actor=actor,
                action="api_token.revoked",
                obj=token,
                summary=f"API token “{token.name}” of {token.user.email} revoked"
                + (f": {reason}" if reason else ""),
            )
    token.refresh_from_db()
    return bool(updated)


def token_for_secret(secret: str) -> ApiToken | None:
    """The live token ``secret`` names, its person active, or None."""
    if not secret.startswith(PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "firm")
        .filter(digest=digest_of(secret), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token


def token_touch(token: ApiToken) -> None:
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() >= LAST_USED_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def revoke_for_firm(firm, user_ids) -> int:
    """``orgs.revocation`` revoker: people losing ``firm`` lose its tokens."""
    return ApiToken.objects.filter(
        firm=firm, user_id__in=list(user_ids), revoked_at__isnull=True
    ).update(revoked_at=timezone.now(), revoked_reason="Access to the firm ended")


# --- Reading tokens: the person's own, a firm's for its admins, an operator's ---


def tokens_of(user) -> QuerySet:
    """Every token of ``user``, live and revoked, newest first."""
    return (
        ApiToken.objects.filter(user=user)
        .select_related("firm")
        .order_by("-created_at", "-pk")
    )


def own_token(user, public_id) -> ApiToken | None:
    """``user``'s token with this id; None for anyone else's."""
    return tokens_of(user).filter(public_id=public_id).first()


def firm_tokens(scope) -> QuerySet:
    """The firm's live tokens, every person's, for its admins only: a token
    opens the firm's data, so the firm may see and stop each one."""
    if not scope.is_firm_admin:
        raise PermissionDenied
    return (
        ApiToken.objects.filter(firm=scope.firm, revoked_at__isnull=True)
        .select_related("user")
        .order_by("user__full_name", "user__email", "name", "pk")
    )


def firm_token(scope, public_id) -> ApiToken | None:
    """One live token of the scope's firm (its admins only), or None."""
    return firm_tokens(scope).filter(public_id=public_id).first()


def firm_token_revoke(*, scope, token: ApiToken) -> bool:
    """A firm admin stops someone's token for their firm."""
    if not scope.is_firm_admin or token.firm_id != scope.firm.pk:
        raise PermissionDenied
    return token_revoke(
        token=token,
        actor=scope.user,
        reason=f"Revoked by {scope.user.email}, an admin of {scope.firm.name}",
    )


def firms_for_token(user) -> list:
    """The firms ``user`` may act for now, so may make a token for, by name."""
    return [scope.firm for scope in firms_for_user(user)]


def token_find(text: str) -> list[ApiToken]:
    """The tokens an operator means by ``text``: a token's id (UUID), its
    whole secret, or the visible prefix shown in lists (``fd_AbC1234``).
    Live tokens come first; more than one means the prefix is ambiguous."""
    text = text.strip()
    rows = ApiToken.objects.select_related("user", "firm").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at"
    )
    try:
        return list(rows.filter(public_id=uuid.UUID(text)))
    except ValueError:
        pass
    if not text.startswith(PREFIX):
        return []
    by_secret = list(rows.filter(digest=digest_of(text)))
    if by_secret:
        return by_secret
    return list(rows.filter(prefix=text.removesuffix("…")))
