"""Isolation fixtures for the pages of part "tokens" (issue 21): live tokens
of firm A's people and one of firm B's."""

import pytest

from firmdesk.integrations.models import ApiToken
from firmdesk.integrations.tokens import PREFIX, digest_of

__all__ = ["tokens_admin_own", "tokens_attorney_token", "tokens_other_firm_token"]


def _token(user, firm, name: str) -> ApiToken:
    secret = f"{PREFIX}isolation-{user.pk}-{firm.pk}-{name}"
    return ApiToken.objects.create(
        user=user,
        firm=firm,
        name=name,
        prefix=secret[:10],
        digest=digest_of(secret),
        created_by=user,
    )


@pytest.fixture
def tokens_admin_own(firm, firm_admin):
    """The firm admin's own token: only she may revoke it on her account page."""
    return _token(firm_admin, firm, "Admin's reporting script")


@pytest.fixture
def tokens_attorney_token(firm, attorney):
    """An attorney's token for firm A: its admins may revoke it."""
    return _token(attorney, firm, "Clio sync")


@pytest.fixture
def tokens_other_firm_token(other_firm, outsider):
    """Firm B's token: under firm A's slug it is not there."""
    return _token(outsider, other_firm, "Brandt billing export")
