from django.utils import timezone

from firmdesk.access.scope import memberships_for_request, scopes_for_request
from firmdesk.notify.selectors import unread_count


def shell(request):
    """What the layout needs: the firm switcher and the areas the role may open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scope = getattr(request, "scope", None)
    firms = _cached_firms(request)
    return {
        "scope": scope,
        "switcher_firms": firms,
        "provider_admin_of": _provider_admin_orgs(request),
        "viewer_tz": user.tz,
        # Evaluated only if the page shows it.
        "unread_notifications": lambda: _unread(request),
        "serves_firms_as_staff": any(
            s.is_provider_staff for s in scopes_for_request(request)
        ),
        "works_leads_as_staff": any(
            s.is_provider_staff and s.has_function("intake")
            for s in scopes_for_request(request)
        ),
        "now": timezone.now(),
    }


def _cached_firms(request):
    return [s.firm for s in scopes_for_request(request)]


def _provider_admin_orgs(request):
    return [
        m.organization
        for m in memberships_for_request(request)
        if not m.organization.is_firm and "provider_admin" in m.roles
    ]


def _unread(request) -> int:
    """Unread notifications the user may still be told about."""
    return unread_count(user=request.user, scopes=scopes_for_request(request))
