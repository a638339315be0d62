"""Rows and people the pre-bill review tests share (services and pages)."""

import datetime
from decimal import Decimal

import pytest

from firmdesk.access.scope import resolve_scope
from firmdesk.billing.models import Expense, TimeEntry
from firmdesk.engagements.models import Engagement
from tests import factories as f

DAY = datetime.date(2026, 3, 2)
CLEAN = "Draft reply to the motion to dismiss"


def entry(firm, matter, user, **fields):
    values = {
        "date": DAY,
        "hours": Decimal("1.00"),
        "rate": Decimal("200.00"),
        "narrative": CLEAN,
        "status": TimeEntry.Status.SUBMITTED,
    }
    values.update(fields)
    return TimeEntry.objects.create(firm=firm, matter=matter, timekeeper=user, **values)


def expense(firm, matter, user, **fields):
    values = {
        "date": DAY,
        "description": "Filing fee, Superior Court",
        "unit_cost": Decimal("435.00"),
        "expense_code": "E112",
        "status": Expense.Status.SUBMITTED,
    }
    values.update(fields)
    return Expense.objects.create(firm=firm, matter=matter, incurred_by=user, **values)


def scope_of(user, firm):
    found = resolve_scope(user, firm)
    assert found is not None
    return found


@pytest.fixture
def billing_assistant(provider, engagement, matter):
    """Provider staff who do firm A's billing, granted the matter."""
    Engagement.unscoped.filter(pk=engagement.pk).update(
        functions=["scheduling", "documents", "intake", "billing"]
    )
    user = f.member(
        provider, ["assistant"], email="billing@northstar.test", full_name="Bea Cole"
    )
    f.assign(engagement, user, functions=("billing",))
    f.grant(engagement, matter, user)
    return user
