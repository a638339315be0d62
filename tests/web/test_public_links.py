"""Feed, form and booking links use the address FirmDesk is reached at: the
configured public address, else the one the page was served from; never a
fixed port (issue 16, item 9). Jobs have no request: they use the configured
address."""

from django.urls import reverse

from firmdesk.common.http import LOCAL_ADDRESS, absolute_url
from tests.isolation.fixtures_intake import *  # noqa: F403

HOST = "desk.hale.example"


def _make_feed(client, firm, **extra):
    url = reverse("scheduling:feed_list", args=[firm.slug])
    client.post(url, {}, **extra)
    return client.get(url, **extra).content.decode()


def test_feed_address_is_the_one_the_page_was_served_from(
    client, firm, attorney, settings
):
    settings.ALLOWED_HOSTS = [HOST]  # no public address configured: the default
    client.force_login(attorney)

    page = _make_feed(client, firm, HTTP_HOST=HOST)

    assert f"http://{HOST}/feeds/" in page
    assert ":8000" not in page


def test_feed_address_uses_the_configured_public_address(
    client, firm, attorney, settings
):
    settings.FIRMDESK_BASE_URL = "https://desk.example.com"
    client.force_login(attorney)

    page = _make_feed(client, firm)

    assert "https://desk.example.com/feeds/" in page


def test_public_form_address_is_the_one_the_page_was_served_from(
    client,
    firm,
    firm_admin,
    intake_form,
    settings,
):
    settings.ALLOWED_HOSTS = [HOST]  # no public address configured: the default
    client.force_login(firm_admin)

    page = client.get(
        reverse("intake:intake_form_list", args=[firm.slug]), HTTP_HOST=HOST
    ).content.decode()

    assert f"http://{HOST}/intake/{firm.slug}/" in page


def test_links_made_by_jobs_use_the_configured_public_address(settings):
    settings.FIRMDESK_BASE_URL = "https://desk.example.com/"

    assert absolute_url("/booking/abc/") == "https://desk.example.com/booking/abc/"


def test_links_made_by_jobs_fall_back_to_the_local_address(settings):
    settings.FIRMDESK_BASE_URL = ""

    assert absolute_url("/booking/abc/") == f"{LOCAL_ADDRESS}/booking/abc/"
