"""Fixtures of the matter maintenance routes (registry_matters.py): a party of
firm A's matter that may be removed (not its only client), the same in firm
B, and a closed matter of firm A to reopen."""

import datetime

import pytest

from firmdesk.matters.models import Contact, Matter, MatterParty
from tests import factories as f

__all__ = ["closed_matter", "other_party", "party"]


def _party(firm, matter, name):
    contact = Contact.unscoped.create(firm=firm, kind="organization", name=name)
    return MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="adverse"
    )


@pytest.fixture
def party(firm, matter):
    return _party(firm, matter, "Acme Logistics Inc.")


@pytest.fixture
def other_party(other_firm, other_matter):
    return _party(other_firm, other_matter, "Brandt Adverse LLC")


@pytest.fixture
def closed_matter(firm, attorney):
    return f.MatterFactory(
        firm=firm,
        number="M-2020-009",
        title="Okafor estate",
        status=Matter.Status.CLOSED,
        closed_on=datetime.date(2021, 3, 1),
        responsible_attorney=attorney,
    )
