"""Rows of firm A (and firm B, and another provider) that
registry_security_ending.py points at: ended engagements with their export
and return-of-data certificate, made through the services."""

import datetime

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.compliance import ending
from firmdesk.orgs.models import Organization
from tests import factories as f

__all__ = [
    "ending_media",
    "ending_awaiting",
    "ending_certified",
    "ending_other_firm_certified",
    "ending_other_provider_awaiting",
]

PASSPHRASE = "isolation test passphrase"


def _ended(firm, admin, provider, name, *, certify_by=None):
    """An engagement of ``firm`` with ``provider`` ended by ``admin``, its
    export made; certified by ``certify_by`` (a provider admin) if given."""
    engagement = f.engagement(firm, provider, name=name)
    closed = ending.engagement_close(
        scope=resolve_scope(admin, firm),
        engagement=engagement,
        reason="Isolation test",
        passphrase=PASSPHRASE,
    )
    if certify_by is not None:
        ending.certificate_certify(
            actor=certify_by,
            provider=provider,
            certificate=closed.certificate,
            method="destroyed",
            completed_on=datetime.date(2026, 1, 5),
            items=[ending.Item("Downloads on one laptop", "Deleted")],
            statement="",
            typed_name=certify_by.full_name,
        )
        closed.certificate.refresh_from_db()
    return closed


@pytest.fixture
def ending_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def ending_awaiting(firm, firm_admin, provider, ending_media):
    """Firm A's ended engagement with the provider, certificate awaiting."""
    return _ended(firm, firm_admin, provider, "Ended, awaiting the provider")


@pytest.fixture
def ending_certified(firm, firm_admin, provider, provider_admin, ending_media):
    """Firm A's ended engagement, its export ready and certificate signed."""
    return _ended(
        firm, firm_admin, provider, "Ended and certified", certify_by=provider_admin
    )


@pytest.fixture
def ending_other_firm_certified(
    other_firm, outsider, provider, provider_admin, ending_media
):
    """Firm B's: never reachable under firm A's slug."""
    return _ended(
        other_firm, outsider, provider, "Brandt's ended one", certify_by=provider_admin
    )


@pytest.fixture
def ending_other_provider_awaiting(firm, firm_admin, ending_media):
    """Firm A's ended engagement with another provider: not the provider
    admin's to certify."""
    elsewhere = f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Elsewhere Support", slug="elsewhere"
    )
    return _ended(firm, firm_admin, elsewhere, "Elsewhere, ended")
