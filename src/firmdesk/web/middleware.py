from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone

from firmdesk.common.times import person_zone
from firmdesk.orgs.models import PROVIDER_ROLES, Membership

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


def two_factor_required(user) -> bool:
    """Provider staff always; firm users where their firm requires it."""
    for membership in Membership.objects.filter(
        user=user, is_active=True
    ).select_related("organization"):
        org = membership.organization
        if not org.is_firm and set(membership.roles) & PROVIDER_ROLES:
            return True
        if org.is_firm and org.require_two_factor:
            return True
    return False


class TwoFactorMiddleware:
    """Send a signed-in user who must use two-factor, and has not yet this
    session, to set it up or enter a code before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and not user.is_verified()
            and request.session.get("two_factor_required", None) is not False
        ):
            required = request.session.get("two_factor_required")
            if required is None:
                required = two_factor_required(user)
                request.session["two_factor_required"] = required
            if required:
                return redirect(f"{reverse('accounts:two_factor')}?next={request.path}")
        return self.get_response(request)


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
