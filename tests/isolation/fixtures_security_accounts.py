"""Fixtures for registry_security_accounts.py (issue 20): a member of firm A
signed in on a browser of their own, whose session a firm admin can end."""

import pytest
from django.test import Client

from tests import factories as f

__all__ = ["accounts_signed_in_member"]


@pytest.fixture
def accounts_signed_in_member(firm):
    member = f.member(
        firm, ["firm_staff"], email="signed-in@hale.test", full_name="Ines Park"
    )
    Client().force_login(member)
    return member
