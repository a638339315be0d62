"""Fixtures of the billing import route (registry_billing_imports.py):
provider staff whose engagement and assignment cover billing."""

import pytest

from tests import factories as f

__all__ = ["imports_billing_assistant"]


@pytest.fixture
def imports_billing_assistant(provider, engagement, matter):
    """Assigned to firm A for billing, NDA signed, granted the matter."""
    engagement.functions = [*engagement.functions, "billing"]
    engagement.save(update_fields=["functions"])
    user = f.member(
        provider, ["paralegal"], email="biller@northstar.test", full_name="Pat Reyes"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user
