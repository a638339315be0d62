"""The list pager keeps what the list was filtered by (issue 22 review): page 2
of "sent invoices of matter 2026-014" is still that list, not every invoice."""

from urllib.parse import parse_qs, urlsplit

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from lxml import html


def _links(query: str, number: int) -> dict[str, dict[str, list[str]]]:
    request = RequestFactory().get("/f/acme/billing/invoices/", query)
    page = Paginator(list(range(95)), 25).page(number)
    markup = render_to_string("web/_pager.html", {"page": page}, request=request)
    return {
        a.text_content().strip(): parse_qs(urlsplit(a.get("href")).query)
        for a in html.fromstring(f"<div>{markup}</div>").iter("a")
    }


def test_next_and_previous_keep_the_filters_and_change_only_the_page():
    links = _links({"status": "sent", "q": "2026-014", "page": "2"}, 2)
    assert links["Next"] == {"status": ["sent"], "q": ["2026-014"], "page": ["3"]}
    assert links["Previous"] == {"status": ["sent"], "q": ["2026-014"], "page": ["1"]}


def test_an_unfiltered_list_pages_by_number_alone():
    links = _links({}, 1)
    assert set(links) == {"Next"}
    assert links["Next"] == {"page": ["2"]}
