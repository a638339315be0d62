"""Rows of firm A (and firm B) that registry_insights_fit.py points at: a fit
assessment in each firm."""

import pytest

from firmdesk.insights.models import FitAssessment

__all__ = ["fit_assessment", "other_fit_assessment"]


@pytest.fixture
def fit_assessment(firm):
    return FitAssessment.unscoped.create(
        firm=firm, task_type="Calendar court dates", function="scheduling"
    )


@pytest.fixture
def other_fit_assessment(other_firm):
    return FitAssessment.unscoped.create(
        firm=other_firm, task_type="Brandt data entry", function="crm"
    )
