"""A list sends each row exactly as the row's own route does (issue 22).

The list routes build their items as plain values and send them without
validating each against its representation (``api.rendering.page_response``);
the object's own route builds it the same way and validates it. An integration
that reads a page and later one object must get the same fields, values and
order: a list item that drifted from its representation fails here."""

import pytest
from django.urls import reverse

from tests import page_rows as rows

from .helpers import Api, token_for

# list route → (the row's own route, its id's name, how to make a row)
ROUTES = {
    "api:list_tasks": ("api:get_task", "task_id", rows.task),
    "api:list_events": ("api:get_event", "event_id", rows.event),
    "api:list_leads": ("api:get_lead", "lead_id", rows.lead),
    "api:list_invoices": ("api:get_invoice", "invoice_id", rows.invoice),
}
WINDOW = {"start_after": "2026-11-30T00:00:00Z", "start_before": "2026-12-31T00:00:00Z"}


@pytest.mark.parametrize("route", ROUTES)
def test_a_list_item_is_the_row_as_its_own_route_sends_it(
    firm, firm_admin, firm_staff, route
):
    one, id_name, build = ROUTES[route]
    for n in range(3):
        build(firm, firm_admin, firm_staff, n)
    api = Api(token_for(firm_admin, firm))
    listed = api.get(reverse(route, kwargs={"firm_slug": firm.slug}), WINDOW)
    assert listed.status_code == 200, listed.content
    items = listed.json()["items"]
    assert len(items) == 3
    for item in items:
        url = reverse(one, kwargs={"firm_slug": firm.slug, id_name: item["id"]})
        alone = api.get(url)
        assert alone.status_code == 200, alone.content
        # Field by field and in order: the text a client parses. An invoice's
        # own route adds its lines.
        fields = [(k, v) for k, v in alone.json().items() if k != "lines"]
        assert list(item.items()) == fields


def test_a_task_list_item_hides_a_matter_the_token_may_not_see(
    firm, firm_admin, firm_staff, assistant
):
    """The list's own values keep the Scope's word on the matter, as the
    task's route does (task-only access: the matter is hidden)."""
    task = rows.task(firm, firm_admin, assistant, 0)
    api = Api(token_for(assistant, firm))
    listed = api.get(reverse("api:list_tasks", kwargs={"firm_slug": firm.slug}))
    assert listed.status_code == 200, listed.content
    (item,) = [i for i in listed.json()["items"] if i["id"] == str(task.public_id)]
    assert item["matter"] is None
    assert item["matter_hidden"] is True
