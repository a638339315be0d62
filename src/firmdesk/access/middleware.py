from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from .scope import scopes_for_request


class ScopeMiddleware:
    """Resolve the Scope for every view that takes ``firm_slug``.

    Anonymous visitors go to the login page; a signed-in user with no access to
    the firm, or a firm that does not exist, gets the same 404.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.scope = None
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        slug = view_kwargs.get("firm_slug")
        # The API signs in by token and resolves its own Scope (api.auth).
        if slug is None or getattr(view_func, "firmdesk_api", False):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        # The firm's Scope from the list of every firm the user may act for now,
        # which the page's firm switcher shows anyway: the same rule
        # (``resolve_scopes``), one resolution a request.
        scope = next(
            (s for s in scopes_for_request(request) if s.firm.slug == slug), None
        )
        if scope is None:
            raise Http404("No such firm.")
        request.scope = scope
        return None
