"""Rows of firm A (and firm B) that registry_insights_scorecards.py points at:
a provider scorecard with one candidate in each firm."""

import pytest

from firmdesk.insights.models import Scorecard, ScorecardCandidate
from firmdesk.insights.scorecards import default_weights

__all__ = [
    "insights_candidate",
    "insights_scorecard",
    "other_insights_candidate",
    "other_insights_scorecard",
]


def _scorecard(firm, title):
    return Scorecard.unscoped.create(firm=firm, title=title, weights=default_weights())


def _candidate(scorecard, name, provider=None):
    return ScorecardCandidate.unscoped.create(
        firm=scorecard.firm,
        scorecard=scorecard,
        name=name,
        provider=provider,
        scores={"experience": 4, "security": 5},
    )


@pytest.fixture
def insights_scorecard(firm):
    return _scorecard(firm, "Intake support 2026")


@pytest.fixture
def other_insights_scorecard(other_firm):
    return _scorecard(other_firm, "Brandt providers")


@pytest.fixture
def insights_candidate(insights_scorecard, provider):
    return _candidate(insights_scorecard, "Northstar Support", provider)


@pytest.fixture
def other_insights_candidate(other_insights_scorecard):
    return _candidate(other_insights_scorecard, "Brandt candidate")
