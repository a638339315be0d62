"""Rows of firm A (and firm B) that registry_insights_audit.py points at: an
open time audit with an hour in it (so it can be closed), a closed one (so
it can be reopened), and firm B's audit to try under firm A's slug."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from firmdesk.insights.models import TimeAudit, TimeAuditEntry

__all__ = ["closed_time_audit", "other_time_audit", "time_audit"]

MONDAY = datetime.date(2026, 3, 2)
FRIDAY = datetime.date(2026, 3, 6)


@pytest.fixture
def time_audit(firm, attorney):
    audit = TimeAudit.unscoped.create(
        firm=firm, title="Hale week one", start_date=MONDAY, end_date=FRIDAY
    )
    TimeAuditEntry.unscoped.create(
        firm=firm,
        audit=audit,
        person=attorney,
        date=MONDAY,
        category="billable",
        hours=Decimal("6"),
    )
    return audit


@pytest.fixture
def closed_time_audit(firm, attorney):
    return TimeAudit.unscoped.create(
        firm=firm,
        title="Hale last autumn",
        start_date=datetime.date(2025, 10, 6),
        end_date=datetime.date(2025, 10, 10),
        closed_at=timezone.now(),
    )


@pytest.fixture
def other_time_audit(other_firm):
    return TimeAudit.unscoped.create(
        firm=other_firm, title="Brandt audit", start_date=MONDAY, end_date=FRIDAY
    )
