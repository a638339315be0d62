"""Every link an empty page offers leads somewhere the person may go: the
intake specialist's "intake forms" link on an empty lead list answered 404
(issue 16, item 9). For each role, every page linked from its Today page is
opened in a firm with nothing in it yet, and every link in an empty-state
block (an info alert, a muted table cell) is followed."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests import factories as f
from tests.isolation.fixtures_intake import *  # noqa: F403

EMPTY_STATE = ("alert-info", "text-body-secondary", "empty-state")
ROLES = ["firm_admin", "attorney", "assistant", "intake_specialist"]


class Links(HTMLParser):
    """Same-site links on a page, and those inside empty-state blocks."""

    def __init__(self):
        super().__init__()
        self.all, self.empty, self.depth = set(), set(), []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag in ("div", "td", "p", "li"):
            self.depth.append(any(c in EMPTY_STATE for c in classes))
        href = attrs.get("href") or ""
        if tag == "a" and href.startswith("/") and not href.startswith("//"):
            self.all.add(href)
            if any(self.depth):
                self.empty.add(href)

    def handle_endtag(self, tag):
        if tag in ("div", "td", "p", "li") and self.depth:
            self.depth.pop()


def _links(response) -> Links:
    parser = Links()
    parser.feed(response.content.decode())
    return parser


@pytest.mark.parametrize("role", ROLES)
def test_every_empty_state_link_opens(client, request, firm, role):
    user = request.getfixturevalue(role)
    f.sign_in(client, user)
    today = client.get(reverse("today:firm_today", args=[firm.slug]), follow=True)
    assert today.status_code == 200
    pages = {
        href
        for href in _links(today).all
        if href.startswith(f"/f/{firm.slug}/") and "/static/" not in href
    }
    broken = []
    for page in sorted(pages):
        response = client.get(page)
        if response.status_code != 200:
            continue  # a download or a redirect, not a page with empty states
        for href in sorted(_links(response).empty):
            status = client.get(href).status_code
            if status in (404, 500):
                broken.append(f"{page} → {href}: {status}")
    assert not broken, "\n".join(broken)
