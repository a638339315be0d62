import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from firmdesk.access.scope import memberships_for_request
from firmdesk.common.times import person_zone
from firmdesk.orgs.models import PROVIDER_ROLES
from firmdesk.orgs.sessions import end_this_session, touch

# Pages that never need two-factor: signing in, and the public pages (intake
# form, booking, feedback, calendar feeds), which show no signed-in data.
EXEMPT_PREFIXES = (
    "/static/",
    "/login/",
    "/logout/",
    "/account/two-factor/",
    "/intake/",
    "/book/",
    "/booking/",
    "/feedback/",
    "/feeds/",
    # A share link's page and download (documents.sharing): for people outside
    # FirmDesk, and a detour through two-factor would put the token in ?next=.
    "/s/",
)


REQUIRED_KEY = "firmdesk_two_factor_required"


def two_factor_required(user, memberships) -> bool:
    """Provider staff always; firm users where their firm requires it; and
    anyone who has set up an authenticator app, as with
    django-two-factor-auth (a device nobody is asked for protects nothing)."""
    for membership in memberships:
        org = membership.organization
        if not org.is_firm and set(membership.roles) & PROVIDER_ROLES:
            return True
        if org.is_firm and org.require_two_factor:
            return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


class TwoFactorMiddleware:
    """Send a signed-in user who must use two-factor, and has not yet this
    session, to set it up or enter a code before anything else.

    The need is decided afresh on every request of a person who has not
    passed the second factor (two small queries), so a firm that turns on
    "require two-factor" reaches its people on their next click. Only
    "required" is remembered in the session: nothing stored there can let a
    request skip the second factor.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and self._required(request)
        ):
            return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)

    @staticmethod
    def _required(request) -> bool:
        if request.session.get(REQUIRED_KEY) is True:
            return True
        if two_factor_required(request.user, memberships_for_request(request)):
            request.session[REQUIRED_KEY] = True
            return True
        return False


STARTED_KEY = "firmdesk_signed_in_at"
ACTIVE_KEY = "firmdesk_active_at"
# The session's last activity is written at most this often (seconds): one
# session write and one UserSession update a minute, not one per request.
ACTIVITY_GRANULARITY = 60


def session_started(sender, request, user, **kwargs) -> None:
    """Start the session's clocks when the person signs in (``user_logged_in``),
    so the first request after it writes nothing."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[STARTED_KEY] = now
        request.session[ACTIVE_KEY] = now


def idle_minutes() -> int:
    return int(getattr(settings, "FIRMDESK_IDLE_MINUTES", 30))


class SessionTimeoutMiddleware:
    """Sign a person out after ``FIRMDESK_IDLE_MINUTES`` without a request
    (htmx requests count), and ``SESSION_COOKIE_AGE`` after signing in
    whatever they do: Django renews the cookie's age whenever the session is
    saved, so the absolute limit is kept here. The next request lands on the
    sign-in page, which says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            ended = self._check(request)
            if ended is not None:
                return ended
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = int(time.time())
        started = session.get(STARTED_KEY)
        active = session.get(ACTIVE_KEY)
        if started is None:
            session[STARTED_KEY] = now
        elif now - started >= settings.SESSION_COOKIE_AGE:
            hours = settings.SESSION_COOKIE_AGE // 3600
            return self._sign_out(
                request,
                f"Signed out after {hours} hours",
                f"You were signed out {hours} hours after signing in, to protect "
                "client data. Sign in again to carry on.",
            )
        elif active is not None and now - active >= idle_minutes() * 60:
            minutes = idle_minutes()
            return self._sign_out(
                request,
                f"Signed out after {minutes} minutes without activity",
                f"You were signed out after {minutes} minutes without activity, "
                "to protect client data. Sign in again to carry on.",
            )
        if active is None or now - active >= ACTIVITY_GRANULARITY:
            session[ACTIVE_KEY] = now
            touch(session.session_key, now=timezone.now())
        return None

    @staticmethod
    def _sign_out(request, reason: str, message: str):
        end_this_session(request.session.session_key, reason=reason)
        next_path = request.get_full_path() if request.method == "GET" else ""
        logout(request)
        messages.info(request, message)
        url = reverse("accounts:login")
        if next_path and not request.htmx:
            url = f"{url}?{urlencode({'next': next_path})}"
        if request.htmx:
            return HttpResponseClientRedirect(url)
        return redirect(url)


class ViewerZoneMiddleware:
    """Show every time of a signed-in request in the viewer's zone.

    Activated here, for the whole request, rather than by a ``{% timezone %}``
    block of the page layout: an htmx fragment, a message written by a view, a
    form's initial value and an error page are then in the same zone as the full
    page (before, an in-place action on a task answered with times in UTC). The
    zone is the viewer's own, else the firm's whose page it is, else UTC
    (``common.times.person_zone``); it sits after ``ScopeMiddleware``, which
    names the firm.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            timezone.activate(person_zone(request.user))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        scope = getattr(request, "scope", None)
        if request.user.is_authenticated and scope is not None:
            timezone.activate(person_zone(request.user, scope.firm))
