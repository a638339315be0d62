"""Rows of firm A (and firm B) that registry_insights_reports.py points at: a
review report of each firm's engagement for March 2026, firm A's produced
from a known month of work."""

import datetime

import pytest

from firmdesk.insights.reports import report_build
from tests.insights.report_data import known_months

__all__ = ["reports_other_report", "reports_report"]

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def reports_report(firm, engagement):
    known_months(firm, engagement)
    return report_build(firm=firm, engagement=engagement, month=MARCH)


@pytest.fixture
def reports_other_report(other_firm, other_engagement):
    return report_build(firm=other_firm, engagement=other_engagement, month=MARCH)
