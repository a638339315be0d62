"""Fixtures of the billing set-up routes (registry_billing_setup.py): a
timekeeper and a timekeeper's rate on the matter in firm A and in firm B, and
outside staff who do firm A's billing."""

from decimal import Decimal

import pytest

from firmdesk.billing.models import MatterRate, Timekeeper
from tests import factories as f

__all__ = [
    "other_setup_matter_rate",
    "other_setup_timekeeper",
    "setup_billing_assistant",
    "setup_matter_rate",
    "setup_timekeeper",
]


@pytest.fixture
def setup_billing_assistant(provider, engagement, matter):
    """Provider staff whose engagement and assignment cover billing, granted
    firm A's matter: they read the set-up pages and change nothing."""
    engagement.functions = [*engagement.functions, "billing"]
    engagement.save(update_fields=["functions"])
    user = f.member(
        provider, ["paralegal"], email="billing@northstar.test", full_name="Bea Cruz"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user


@pytest.fixture
def setup_timekeeper(firm, attorney):
    return Timekeeper.unscoped.create(
        firm=firm, user=attorney, code="OO", default_rate=Decimal("300")
    )


@pytest.fixture
def other_setup_timekeeper(other_firm, outsider):
    return Timekeeper.unscoped.create(firm=other_firm, user=outsider, code="CB")


@pytest.fixture
def setup_matter_rate(firm, matter, setup_timekeeper):
    return MatterRate.unscoped.create(
        firm=firm, matter=matter, timekeeper=setup_timekeeper, rate=Decimal("275")
    )


@pytest.fixture
def other_setup_matter_rate(other_firm, other_matter, other_setup_timekeeper):
    return MatterRate.unscoped.create(
        firm=other_firm,
        matter=other_matter,
        timekeeper=other_setup_timekeeper,
        rate=Decimal("200"),
    )
