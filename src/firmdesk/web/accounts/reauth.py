"""Confirming who you are again before a sensitive action (issue 20).

Exports of client data, ending an engagement, unmasking a sensitive field,
the audit export and key operations ask the person to type their password
(and their two-factor code, if they use one) when they have not done so in
the last ``FIRMDESK_REAUTH_MINUTES`` (10 by default). Signing in counts.

``sensitive`` wraps a view. A GET of the page sends the person to the
confirm page first and back afterwards. A POST that arrives stale (the
window closed while they were filling the form) is answered by the confirm
page, which carries every field they sent as hidden inputs and, once they
have confirmed, offers one button that sends the form on: nothing they
typed is lost.
"""

import functools
import time

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

SESSION_KEY = "firmdesk_confirmed_at"


def window_seconds() -> int:
    return int(getattr(settings, "FIRMDESK_REAUTH_MINUTES", 10)) * 60


def mark_confirmed(request) -> None:
    request.session[SESSION_KEY] = int(time.time())


def recently_confirmed(request) -> bool:
    confirmed = request.session.get(SESSION_KEY)
    return bool(confirmed) and time.time() - confirmed < window_seconds()


def on_login(sender, request, user, **kwargs) -> None:
    """Typing the password to sign in is a confirmation."""
    if request is not None and hasattr(request, "session"):
        mark_confirmed(request)


def sensitive(view):
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if recently_confirmed(request):
            return view(request, *args, **kwargs)
        if request.method == "POST":
            from .views import confirm_stale_post

            return confirm_stale_post(request)
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts:confirm')}?{query}")

    wrapped.sensitive = True  # type: ignore[attr-defined]
    return wrapped
