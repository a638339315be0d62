"""Issue 21 end to end in Chromium: an attorney makes an API token on the
account page (after the password again), sees it once, uses it against the
live server's API, revokes it and is refused; a firm admin adds a webhook
endpoint and finds it listed."""

import json
import re
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from .conftest import sign_in
from .test_security_flows import confirm_with_password, confirmation_goes_stale

pytestmark = pytest.mark.browser


def api_get(url: str, token: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read() or b"{}")


def test_a_token_made_on_the_page_works_until_revoked_there(
    page, live_server, problems, firm, attorney, matter
):
    base = live_server.url
    sign_in(page, base, attorney.email)
    confirmation_goes_stale(page)  # signed in a while ago: the password again

    page.goto(f"{base}/account/api-tokens/")
    page.get_by_role("link", name="Make a token").click()
    confirm_with_password(page)
    page.get_by_label("Name").fill("Billing sync")
    page.get_by_role("button", name="Make the token").click()

    expect(
        page.get_by_role("heading", name=re.compile("Your new API token"))
    ).to_be_visible()
    token = page.get_by_label(re.compile("Token for")).input_value()
    assert token.startswith("fd_")
    matters = f"{base}/api/v1/f/{firm.slug}/matters"
    status, body = api_get(matters, token)
    assert status == 200
    assert [m["number"] for m in body["items"]] == [matter.number]

    page.get_by_role("link", name=re.compile("I have copied it")).click()
    expect(page.get_by_role("cell", name="Billing sync", exact=True)).to_be_visible()
    assert token not in page.content()  # shown once: the list has the prefix only
    page.get_by_role("link", name=re.compile("Revoke")).click()
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_text("is revoked")).to_be_visible()

    status, body = api_get(matters, token)
    assert status == 401 and body["message"]


def test_a_firm_admin_adds_a_webhook_endpoint_and_sees_it_listed(
    page, live_server, problems, firm, firm_admin
):
    base = live_server.url
    sign_in(page, base, firm_admin.email)

    page.goto(f"{base}/f/{firm.slug}/webhooks/")
    page.get_by_role("link", name="Add an endpoint").click()
    # A receiver on this machine (tests allow private addresses, and nothing
    # here resolves a public name).
    page.get_by_label("Address").fill("http://127.0.0.1:8765/firmdesk")
    page.get_by_label("What it is for").fill("Task events to our tracker")
    page.get_by_label(re.compile("^task.approved")).check()
    page.get_by_role("button", name="Add the endpoint").click()
    expect(page.get_by_role("heading", name="Endpoint added")).to_be_visible()
    secret = page.get_by_label(re.compile("Signing secret for")).input_value()
    assert secret.startswith("whsec_")

    page.goto(f"{base}/f/{firm.slug}/webhooks/")
    expect(
        page.get_by_role("link", name="http://127.0.0.1:8765/firmdesk")
    ).to_be_visible()
    expect(page.get_by_text("Task events to our tracker")).to_be_visible()
