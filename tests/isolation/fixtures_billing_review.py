"""Fixtures of the pre-bill review routes (registry_billing_review.py): a time
entry waiting for review in each firm, and provider staff who do firm A's
billing. The shared "assistant" and "ungranted_assistant" do scheduling and
documents only, so the review is closed to them."""

import datetime
from decimal import Decimal

import pytest

from firmdesk.billing.models import TimeEntry
from firmdesk.engagements.models import Engagement
from tests import factories as f

__all__ = ["other_review_entry", "review_entry", "reviewing_assistant"]


def _submitted(firm, matter, user):
    return TimeEntry.objects.create(
        firm=firm,
        matter=matter,
        timekeeper=user,
        date=datetime.date(2026, 3, 2),
        hours=Decimal("1.00"),
        rate=Decimal("200.00"),
        narrative="Draft reply to the motion to dismiss",
        status=TimeEntry.Status.SUBMITTED,
    )


@pytest.fixture
def reviewing_assistant(provider, engagement, matter):
    """Provider staff whose assignment to firm A covers billing, granted the
    matter."""
    Engagement.unscoped.filter(pk=engagement.pk).update(
        functions=["scheduling", "documents", "intake", "billing"]
    )
    user = f.member(
        provider, ["assistant"], email="review@northstar.test", full_name="Rhea Bell"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user


@pytest.fixture
def review_entry(firm, matter, attorney):
    return _submitted(firm, matter, attorney)


@pytest.fixture
def other_review_entry(other_firm, other_matter, outsider):
    return _submitted(other_firm, other_matter, outsider)
