"""Fixtures of the reception routes (registry_reception.py): a reception
provider engaged by firm A, its receptionists, and a message in each firm.

The shared provider staff ("assistant", "ungranted_assistant") are assigned
scheduling and documents only, so they do not take calls: reception comes
through an engagement of its own, as firms usually buy it."""

import pytest
from django.utils import timezone

from firmdesk.intake.models import CallLog
from firmdesk.orgs.models import Organization
from tests import factories as f

__all__ = [
    "call",
    "other_call",
    "reception_engagement",
    "reception_provider",
    "receptionist",
    "ungranted_receptionist",
]


@pytest.fixture
def reception_provider(db):
    return f.OrganizationFactory(
        kind=Organization.Kind.PROVIDER, name="Frontline Reception", slug="frontline"
    )


@pytest.fixture
def reception_engagement(firm, reception_provider):
    return f.engagement(
        firm,
        reception_provider,
        functions=["reception"],
        base_functions=["reception"],
    )


@pytest.fixture
def receptionist(reception_provider, reception_engagement, matter):
    """Takes firm A's calls; firm A's matter is opened to them."""
    user = f.member(
        reception_provider,
        ["receptionist"],
        email="reception@frontline.test",
        full_name="Rita Moreno",
    )
    f.assign(reception_engagement, user, functions=("reception",))
    f.grant(reception_engagement, matter, user)
    return user


@pytest.fixture
def ungranted_receptionist(reception_provider, reception_engagement):
    """Takes firm A's calls; no matter opened to them."""
    user = f.member(
        reception_provider,
        ["receptionist"],
        email="reception2@frontline.test",
        full_name="Ray Okoye",
    )
    f.assign(reception_engagement, user, functions=("reception",))
    return user


@pytest.fixture
def call(firm, matter, attorney, receptionist):
    """Firm A's message on its matter, for the attorney, taken by reception."""
    return CallLog.unscoped.create(
        firm=firm,
        caller_name="Maria Lopez",
        number="+12125550142",
        received_at=timezone.now(),
        matter=matter,
        message="Asks whether the hearing moved.",
        taken_by=receptionist,
        recipient=attorney,
    )


@pytest.fixture
def other_call(other_firm, other_matter, outsider):
    return CallLog.unscoped.create(
        firm=other_firm,
        caller_name="Brandt caller",
        number="+13125550199",
        received_at=timezone.now(),
        matter=other_matter,
        message="Brandt filing question.",
        taken_by=outsider,
        recipient=outsider,
    )
