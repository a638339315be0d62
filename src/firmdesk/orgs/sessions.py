"""Who is signed in where, and ending their sessions (issue 20).

``record_login`` runs on Django's ``user_logged_in`` signal (``OrgsConfig``)
and ties the new session key to its person; ``end_sessions`` deletes the
sessions themselves from the session store, so the next request of any of
those browsers meets the sign-in page.
"""

import ipaddress

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone
from django.utils.module_loading import import_string

from firmdesk.common.http import client_address

from .models import UserSession

USER_AGENT_MAX = UserSession._meta.get_field("user_agent").max_length


def _store(session_key: str) -> SessionBase:
    engine = import_string(f"{settings.SESSION_ENGINE}.SessionStore")
    return engine(session_key)


def record_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    address = client_address(request)
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": address if _is_address(address) else None,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX],
            "last_seen_at": timezone.now(),
            "ended_at": None,
        },
    )


def record_logout(sender, request, user, **kwargs) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_reason="Signed out"
        )


def _is_address(value) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def end_sessions(user_ids, *, reason: str, keep: str | None = None) -> int:
    """End every open session of these people (but the one with key
    ``keep``: the browser asking); return how many ended."""
    ended = 0
    now = timezone.now()
    rows = UserSession.objects.filter(user_id__in=list(user_ids), ended_at=None)
    if keep:
        rows = rows.exclude(session_key=keep)
    for row in rows:
        _store(row.session_key).delete()
        row.ended_at = now
        row.ended_reason = reason[:200]
        row.save(update_fields=["ended_at", "ended_reason"])
        ended += 1
    return ended


def end_this_session(session_key: str | None, *, reason: str) -> None:
    """Mark the row of a session that is being signed out with why."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at=None).update(
            ended_at=timezone.now(), ended_reason=reason[:200]
        )


def touch(session_key: str | None, *, now) -> None:
    """The person was active in this session just now (the idle middleware
    calls this at most once a minute per session)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key, ended_at=None).update(
            last_seen_at=now
        )


def rekey(old_key: str | None, new_key: str | None) -> None:
    """Django gave the session a new key (a password change cycles it):
    keep the row with its browser."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
