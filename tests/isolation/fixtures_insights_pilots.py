"""Rows of firm A (and firm B) that registry_insights_pilots.py points at: an
engagement in pilot in each firm, a month into its 75 days, with an
evaluation recorded and not yet decided."""

import datetime

import pytest
from django.utils import timezone

from firmdesk.insights.models import PilotEvaluation, Recommendation
from tests.insights import pilot_rows

__all__ = [
    "other_pilot_engagement",
    "other_pilot_evaluation",
    "pilot_engagement",
    "pilot_evaluation",
]


def _pilot(firm, provider, name):
    start = timezone.localdate(timezone=firm.tz) - datetime.timedelta(days=30)
    return pilot_rows.pilot(firm, provider, start=start, name=name)


def _evaluation(engagement):
    return PilotEvaluation.unscoped.create(
        firm=engagement.firm,
        engagement=engagement,
        period_start=engagement.pilot_start,
        period_end=engagement.pilot_start + datetime.timedelta(days=20),
        results=[],
        recommendation=Recommendation.ADJUST,
    )


@pytest.fixture
def pilot_engagement(firm, provider):
    return _pilot(firm, provider, "Scheduling pilot")


@pytest.fixture
def other_pilot_engagement(other_firm, provider):
    return _pilot(other_firm, provider, "Brandt pilot")


@pytest.fixture
def pilot_evaluation(pilot_engagement):
    return _evaluation(pilot_engagement)


@pytest.fixture
def other_pilot_evaluation(other_pilot_engagement):
    return _evaluation(other_pilot_engagement)
