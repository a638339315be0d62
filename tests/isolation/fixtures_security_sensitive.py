"""Fixtures for registry_security_sensitive.py (issue 20): a client of firm A's
matter with bank details stored (so provider staff who see the contact still
prove the role rule, not the scope), and the same in firm B."""

import pytest

from firmdesk.matters.models import Contact, MatterParty

__all__ = ["sensitive_contact", "sensitive_other_contact"]


def _client_with_bank_details(firm, matter, name):
    contact = Contact.unscoped.create(
        firm=firm,
        kind="person",
        name=name,
        bank_name="Eastbridge Savings",
        bank_routing="011000015",
        bank_account="4099887766",
    )
    MatterParty.unscoped.create(
        firm=firm, matter=matter, contact=contact, role="client"
    )
    return contact


@pytest.fixture
def sensitive_contact(firm, matter):
    return _client_with_bank_details(firm, matter, "Sensitive Lopez")


@pytest.fixture
def sensitive_other_contact(other_firm, other_matter):
    return _client_with_bank_details(other_firm, other_matter, "Brandt Sensitive")
