"""Rows of firm A (and firm B) that registry_documents_signed.py points at:
confidentiality agreements kept as signed PDFs."""

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.documents import signing

__all__ = [
    "no_nda_assignment",
    "assistant_other_assignment",
    "signed_nda",
    "other_signed_nda",
    "ended_signed_nda",
]

ORIGIN = signing.Origin.of(ip_address="192.0.2.1", user_agent="isolation test")


def _kept(firm, admin, engagement, signer):
    return signing.nda_sign_typed(
        scope=resolve_scope(admin, firm),
        engagement=engagement,
        signer=signer,
        signed_name=signer.full_name,
        origin=ORIGIN,
    )


@pytest.fixture
def signed_nda(firm, firm_admin, engagement, assistant, settings, tmp_path):
    """The assistant's NDA with firm A, kept as a PDF."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return _kept(firm, firm_admin, engagement, assistant)


@pytest.fixture
def other_signed_nda(
    other_firm, outsider, other_engagement, assistant, settings, tmp_path
):
    """The same assistant's NDA with firm B: never readable under firm A."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return _kept(other_firm, outsider, other_engagement, assistant)


@pytest.fixture
def ended_signed_nda(firm, firm_admin, ended_engagement_assistant, settings, tmp_path):
    """Firm A's NDA of another provider's staff member (engagement ended)."""
    from firmdesk.engagements.models import Assignment

    settings.MEDIA_ROOT = tmp_path / "media"
    engagement = (
        Assignment.objects.for_firm(firm)
        .select_related("engagement")
        .get(user=ended_engagement_assistant)
        .engagement
    )
    return _kept(firm, firm_admin, engagement, ended_engagement_assistant)


@pytest.fixture
def no_nda_assignment(firm, engagement, no_nda_assistant):
    """The assignment whose agreement the no-NDA assistant has yet to sign."""
    from firmdesk.engagements.models import Assignment

    return Assignment.objects.for_firm(firm).get(
        engagement=engagement, user=no_nda_assistant
    )


@pytest.fixture
def assistant_other_assignment(other_firm, other_engagement, assistant):
    """Someone else's assignment (the assistant's, with firm B)."""
    from firmdesk.engagements.models import Assignment

    return Assignment.objects.for_firm(other_firm).get(
        engagement=other_engagement, user=assistant
    )
