"""The API's JSON text: one renderer for ninja's answers and for the pages
of the list routes, which render their own (``page_response``)."""

import datetime
import json

from django.http import HttpRequest, HttpResponse
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder
from pydantic_core import to_jsonable_python


class Encoder(NinjaJSONEncoder):
    """Times to the microsecond, as stored. Django's encoder cuts them to the
    millisecond, and a sync that asks for ``updated_after=<the last
    updated_at it read>`` got that row again (tests/api/test_guide_recipes.py)."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return (
                text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
            )
        return super().default(o)


class Renderer(JSONRenderer):
    encoder_class = Encoder

    def render(self, request, data, *, response_status: int):
        """The same text as ``json.dumps(data, cls=Encoder)``, made faster:
        pydantic-core turns the ids, times and amounts of a whole page into
        JSON's own types in one call (issue 22: the encoder's Python
        ``default`` ran once for each of them, hundreds of times a page), and
        the standard library's C encoder writes the text. Their formats are
        the encoder's (times to the microsecond with "Z" for UTC, amounts as
        strings; tests/api/test_rendering.py); anything else still goes to the
        encoder's ``default``."""
        plain = to_jsonable_python(data, fallback=self.encoder_class().default)
        return json.dumps(plain, **self.json_dumps_params)


RENDERER = Renderer()
CONTENT_TYPE = f"{RENDERER.media_type}; charset={RENDERER.charset}"


def page_response(request: HttpRequest, page: dict) -> HttpResponse:
    """A list's page whose items the route built as plain values, in the
    shape and field order its representation documents (``TaskOut.row``),
    written as ninja would write the page of validated representations.

    ninja would validate every item against the representation and dump it
    back to the same values: for a page of 50 tasks that was 2 ms of a 14 ms
    request, checking rows FirmDesk itself had just read from its database
    (issue 22). The representation is still the contract: one ``row`` builds
    the item for the list and for the object's own route, which validates
    it, and tests/api/test_list_items.py holds every list's items to their
    validated form, field order included."""
    content = RENDERER.render(request, page, response_status=200)
    return HttpResponse(content, content_type=CONTENT_TYPE)
