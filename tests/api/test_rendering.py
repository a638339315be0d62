"""What issue 22's faster API lists must keep: the same JSON text, every
representation built from values still validated, and the same links (api.rendering,
api.schema.Schema, api.reading.route_url)."""

import datetime
import decimal
import enum
import json
import uuid

import pytest
from django.urls import reverse, set_script_prefix
from django.utils.translation import gettext_lazy
from pydantic import ValidationError

from firmdesk.api.reading import PersonOut, route_url
from firmdesk.api.rendering import Encoder, Renderer
from firmdesk.api.schema import Schema


class Colour(enum.StrEnum):
    RED = "red"


PAGE = {
    "items": [
        {
            "id": uuid.UUID("6f1c2a4e-2b7d-4c55-9a0e-0d8c4f1e2a33"),
            "at": datetime.datetime(2026, 3, 1, 9, 30, tzinfo=datetime.UTC),
            "fine": datetime.datetime(2026, 3, 1, 9, 30, 0, 120, tzinfo=datetime.UTC),
            "abroad": datetime.datetime(
                2026, 3, 1, 9, 30, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
            ),
            "on": datetime.date(2026, 3, 1),
            "total": decimal.Decimal("1250.50"),
            "zero": decimal.Decimal("0.00"),
            "colour": Colour.RED,
            "name": "Zoë Müller “Ltd” \u2028",
            "tags": ("a", "b"),
            "lazy": gettext_lazy("Not found."),
            "none": None,
            "ratio": 0.25,
        }
    ],
    "next_cursor": None,
}


def test_the_renderer_writes_the_text_the_encoder_wrote():
    fast = Renderer().render(None, PAGE, response_status=200)
    assert fast == json.dumps(PAGE, cls=Encoder)
    item = json.loads(fast)["items"][0]
    assert item["at"] == "2026-03-01T09:30:00Z"
    assert item["fine"] == "2026-03-01T09:30:00.000120Z"
    assert item["abroad"] == "2026-03-01T09:30:00+02:00"
    assert item["total"] == "1250.50"
    assert item["lazy"] == "Not found."


class Row(Schema):
    id: uuid.UUID
    count: int
    person: PersonOut | None = None


class RowPage(Schema):
    items: list[Row]


def test_a_representation_built_from_values_is_still_validated():
    with pytest.raises(ValidationError):
        Row(id=uuid.uuid4(), count="many")
    assert Row(id=str(uuid.UUID(int=1)), count="3").count == 3


def test_a_page_takes_its_representations_as_they_are():
    row = Row(id=uuid.uuid4(), count=1)
    page = RowPage.model_validate({"items": [row]})
    assert page.items[0] is row


def test_an_object_is_still_read_through_ninjas_getter():
    class Thing:
        id = uuid.UUID(int=7)

        def count(self):  # ninja's getter calls what is callable
            return 7

    assert Row.model_validate(Thing()).count == 7


@pytest.mark.parametrize("name", ["api:get_invoice_pdf", "api:get_invoice_ledes"])
def test_route_url_is_what_reverse_gives(name):
    invoice_id = uuid.uuid4()
    kwargs = {"firm_slug": "smith-law", "invoice_id": invoice_id}
    assert route_url(name, "smith-law", invoice_id=invoice_id) == reverse(
        name, kwargs=kwargs
    )
    other = uuid.uuid4()
    assert str(other) in route_url(name, "smith-law", invoice_id=other)
    set_script_prefix("/desk/")
    try:
        assert route_url(name, "smith-law", invoice_id=invoice_id) == reverse(
            name, kwargs=kwargs
        )
        assert route_url(name, "smith-law", invoice_id=invoice_id).startswith("/desk/")
    finally:
        set_script_prefix("/")
