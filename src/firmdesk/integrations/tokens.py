"""API tokens: made, shown once, used, revoked (issue 21).

A token is ``fd_`` and 40 random URL-safe characters (240 bits). Only its
SHA-256 is stored: a fast hash is enough for a secret that long, and it lets a
request find its token with one indexed look-up. A token acts for one person
in one firm with exactly that person's Scope, resolved on every request
(``api.auth``); revoking it, or the access rule taking the firm away, stops it.
"""

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from firmdesk.access.scope import resolve_scope
from firmdesk.audit.services import audit_record
from firmdesk.common.errors import ServiceError

from .models import ApiToken

PREFIX = "fd_"
# last_used_at is written at most this often per token: a script polling
# every second must not turn every read into a write.
LAST_USED_EVERY_SECONDS = 60


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_create(*, user, firm, name: str, created_by=None) -> NewToken:
    """Make a token for ``user`` acting for ``firm``. Refused when the user may
    not act for the firm now, or already has a live token of that name."""
    name = (name or "").strip()
    if not name:
        raise ServiceError(
            "Give the token a name that says where it is used, such as “Clio sync”.",
            field="name",
        )
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
    secret = PREFIX + secrets.token_urlsafe(30)
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
            actor=created_by or user,
            action="api_token.created",
            obj=token,
            summary=f"API token “{name}” made for {user.email}",
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
