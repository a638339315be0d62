"""The metrics route: the dashboard's figures, the same numbers as the
dashboard and ``firmdesk metrics --json``, for attorneys and admins only."""

import pytest
from django.urls import reverse

from firmdesk.insights.figures import months_figures
from firmdesk.insights.metrics import currency_of, metrics_record
from tests.insights.known_month import MARCH, known_month

from .helpers import Api, token_for


@pytest.fixture
def known(firm, other_firm, provider):
    return known_month(firm, other_firm, provider)


def _url(firm):
    return reverse("api:get_metrics", kwargs={"firm_slug": firm.slug})


def test_a_month_of_the_firm_is_the_dashboards_numbers(firm, attorney, known):
    response = Api(token_for(attorney, firm)).get(_url(firm), {"month": "2025-03"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["engagement"] is None
    (march,) = body["months"]
    assert march["month"] == "2025-03"
    # Worked out by hand in tests/insights/test_figures.py: 7 of 10 on time.
    assert march["on_time"] == {"percent": 70.0, "on_time": 7, "with_due_time": 10}
    (figures,) = months_figures(firm, MARCH, MARCH)
    record = metrics_record(figures, firm=firm, currency=currency_of(firm))
    for section in ("on_time", "rework", "intake_response", "feedback"):
        assert march[section] == record[section], section
    assert {k: march["cost"][k] for k in record["cost"]} == record["cost"]


def test_one_engagements_months_up_to_the_month_asked(firm, attorney, known):
    api = Api(token_for(attorney, firm))
    query = {"month": "2025-04", "months": 3, "engagement": known.hourly.public_id}
    body = api.get(_url(firm), query).json()
    assert body["engagement"]["name"] == known.hourly.name
    assert [m["month"] for m in body["months"]] == ["2025-02", "2025-03", "2025-04"]
    assert body["months"][1]["on_time"]["with_due_time"] == 5


def test_a_month_written_wrongly_is_refused_with_how_to_write_it(firm, firm_admin):
    api = Api(token_for(firm_admin, firm))
    response = api.get(_url(firm), {"month": "March"})
    assert response.status_code == 422
    assert "YYYY-MM" in response.json()["fields"]["month"][0]
    too_many = api.get(_url(firm), {"months": 13})
    assert "months" in too_many.json()["fields"]


def test_in_house_staff_do_not_read_the_figures(firm, firm_staff):
    assert Api(token_for(firm_staff, firm)).get(_url(firm)).status_code == 404
