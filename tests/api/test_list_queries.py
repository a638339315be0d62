"""The API's list routes cost the same number of queries for one row as for a
page of many (issue 22: list routes must keep up under load; a query per row
is what makes them fall behind)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import page_rows as rows

from .helpers import Api, token_for

ROUTES = {
    "api:list_tasks": rows.task,
    "api:list_matters": lambda firm, attorney, staff, n: rows.matter(firm, attorney, n),
    "api:list_events": rows.event,
    "api:list_leads": rows.lead,
    "api:list_invoices": rows.invoice,
}


@pytest.mark.parametrize("route", ROUTES)
def test_a_list_route_costs_the_same_queries_for_one_row_and_for_many(
    firm, firm_admin, firm_staff, route
):
    api = Api(token_for(firm_admin, firm))
    url = reverse(route, kwargs={"firm_slug": firm.slug})
    params = {
        "start_after": "2026-11-30T00:00:00Z",
        "start_before": "2026-12-31T00:00:00Z",
    }
    build = ROUTES[route]

    def listed():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url, params)
        assert response.status_code == 200, response.content
        return len(response.json()["items"]), len(queries)

    build(firm, firm_admin, firm_staff, 0)
    listed()  # the first call of a token records its first use
    one, for_one = listed()
    for n in range(1, 12):
        build(firm, firm_admin, firm_staff, n)
    many, for_many = listed()
    assert (one, many) == (1, 12)
    assert for_many == for_one
