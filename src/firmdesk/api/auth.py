"""Token authentication and the Scope of an API request (issue 21).

``Authorization: Bearer fd_…`` names a live token; the token's person acts
for the token's firm with exactly their Scope today (``access.scope``),
the same one their pages get (``resolved_for``: kept across requests until an
access fact or the firm's day changes), so whatever the access rule takes away
the token loses on its next request too. A firm in the path that is not the
token's, or that the person may no longer act for, answers 404 like a row
outside the scope.
"""

from django.http import Http404, HttpRequest
from ninja.security import HttpBearer

from firmdesk.access.scope import resolved_for
from firmdesk.integrations.tokens import token_for_secret, token_touch


class TokenAuth(HttpBearer):
    openapi_description = (
        "A personal API token (fd_…), made on the API tokens page or with "
        "`firmdesk token create`; it acts for one firm with its person's access."
    )

    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_for_secret(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        match = request.resolver_match
        slug = match.kwargs.get("firm_slug") if match else None
        if slug is not None:
            if slug != api_token.firm.slug:
                raise Http404
            user = api_token.user
            scope = next(
                (
                    s
                    for s in resolved_for(user).scopes_for(user)
                    if s.firm.pk == api_token.firm_id
                ),
                None,
            )
            if scope is None:
                raise Http404
            request.scope = scope  # type: ignore[attr-defined]
        token_touch(api_token)
        return api_token
