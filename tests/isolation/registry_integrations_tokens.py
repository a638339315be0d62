"""Isolation entries for the pages of part "tokens" (issue 21).

A person's own tokens live outside the firm prefix (they hold tokens for
every firm they serve) and show only their own rows; the firm's list is its
admins' alone. Provider admins see nothing of a firm's tokens. The GET of
each revoke route is its confirm page, with the same rule as its POST
(tests/integrations/test_tokens_pages.py)."""

from firmdesk.integrations.models import ApiToken

from .registry import (
    ANONYMOUS,
    FIRM_NON_ADMINS,
    NO_FIRM_ACCESS,
    PROVIDER_STAFF_IN_FIRM,
    SIGNED_IN_SAMPLE,
    Route,
    _firm,
)


def _revoked(fixture: str):
    """When the fixture's token was revoked (None: live)."""
    return lambda f: ApiToken.objects.get(pk=getattr(f, fixture).pk).revoked_at


ROUTES: list = [
    Route(
        "tokens:token_list",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="the person's own tokens only (ApiToken rows of request.user)",
    ),
    Route(
        "tokens:token_new",
        allowed=SIGNED_IN_SAMPLE,
        denied=(ANONYMOUS,),
        why="offers only the firms the person may act for now; behind "
        "@sensitive (signing in counts as confirming)",
    ),
    Route(
        "tokens:token_revoke",
        kwargs=lambda f: {"token_id": f.tokens_admin_own.public_id},
        method="POST",
        success=303,
        allowed=("firm_admin",),
        denied=(ANONYMOUS, "attorney", "assistant", "outsider", "provider_admin"),
        state=_revoked("tokens_admin_own"),
        why="only the token's own person; anyone else's token id is a 404, "
        "even a firm admin's colleague's (they revoke it on the firm's page)",
    ),
    Route(
        "tokens:firm_token_list",
        kwargs=_firm,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS
        + PROVIDER_STAFF_IN_FIRM
        + FIRM_NON_ADMINS
        + ("provider_admin",),
        why="every person's live tokens for the firm: its admins only",
    ),
    Route(
        "tokens:firm_token_revoke",
        kwargs=lambda f: {**_firm(f), "token_id": f.tokens_attorney_token.public_id},
        foreign_kwargs=lambda f: {
            **_firm(f),
            "token_id": f.tokens_other_firm_token.public_id,
        },
        method="POST",
        success=303,
        allowed=("firm_admin",),
        denied=NO_FIRM_ACCESS
        + PROVIDER_STAFF_IN_FIRM
        + FIRM_NON_ADMINS
        + ("provider_admin",),
        state=_revoked("tokens_attorney_token"),
        why="audited (api_token.revoked in the firm's trail)",
    ),
]
